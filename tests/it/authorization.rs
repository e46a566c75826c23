//! Who sees what: a requester never sees another unit's request — through pages, the API,
//! lists, search and attachment downloads; directors see their unit; technicians their domains.

use crate::support::*;
use actix_web::http::StatusCode;
use serde_json::json;

async fn create(app: &TestApp, who: &str, category: &str, title: &str) -> String {
    let res = app
        .api(who)
        .post(
            "/api/v1/requests",
            json!({"category": category, "title": title}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["number"].as_str().unwrap().to_string()
}

fn numbers(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_str().unwrap().to_string())
        .collect()
}

#[actix_rt::test]
async fn a_requester_of_another_unit_cannot_read_the_request_anywhere() {
    let app = TestApp::new().await;
    let number = create(&app, REQUESTER_A, "rm-mobilier", "Tableau blanc brisé").await;
    let up = app
        .api(REQUESTER_A)
        .upload(
            &format!("/api/v1/requests/{number}/attachments"),
            "plan.pdf",
            b"%PDF",
        )
        .await;
    let att = up.json()["id"].as_i64().unwrap();

    let other = app.api(REQUESTER_B);
    assert_eq!(
        other
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/api/v1/requests/{number}/events"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/api/v1/requests/{number}/attachments/{att}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let res = other
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "coucou"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(numbers(&other.get("/api/v1/requests").await.json()).is_empty());
    assert!(numbers(&other.get("/api/v1/requests?q=tableau").await.json()).is_empty());
    assert!(numbers(
        &other
            .get(&format!("/api/v1/requests?q={number}"))
            .await
            .json()
    )
    .is_empty());

    let web = app.signed_in(REQUESTER_B).await;
    assert_eq!(
        web.get(&format!("/requests/{number}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        web.get(&format!("/requests/{number}/attachments/{att}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = web.get("/requests?q=tableau").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains(&number));
    let res = web
        .post(
            &format!("/requests/{number}/comments"),
            &[("body", "intrusion")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[actix_rt::test]
async fn a_director_sees_the_units_requests_and_a_technician_their_domains() {
    let app = TestApp::new().await;
    let a_rm = create(&app, REQUESTER_A, "rm-mobilier", "Chaises").await;
    let a_ti = create(&app, REQUESTER_A, "ti-projecteur", "Projecteur").await;
    let b_ti = create(&app, REQUESTER_B, "ti-projecteur", "Projecteur B").await;

    let mut dir = numbers(&app.api(MANAGER_A).get("/api/v1/requests").await.json());
    dir.sort();
    let mut expected = vec![a_rm.clone(), a_ti.clone()];
    expected.sort();
    assert_eq!(dir, expected);

    let mut ti = numbers(&app.api(TECH_TI).get("/api/v1/requests").await.json());
    ti.sort();
    let mut expected = vec![a_ti.clone(), b_ti.clone()];
    expected.sort();
    assert_eq!(ti, expected);
    assert_eq!(
        app.api(TECH_TI)
            .get(&format!("/api/v1/requests/{a_rm}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        numbers(&app.api(ADMIN).get("/api/v1/requests").await.json()).len(),
        3
    );

    // The technician queue lists only their domain.
    let web = app.signed_in(TECH_TI).await;
    let q = web.get("/queue").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains(&a_ti) && q.body.contains(&b_ti) && !q.body.contains(&a_rm));
    // Requesters have no queue.
    let web = app.signed_in(REQUESTER_A).await;
    assert_eq!(web.get("/queue").await.status, StatusCode::FORBIDDEN);
}

#[actix_rt::test]
async fn pages_need_a_session_and_the_api_a_token() {
    let app = TestApp::new().await;
    let b = app.browser();
    let res = b.get("/requests").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?next=%2Frequests");
    // A session cookie does not open the API.
    let web = app.signed_in(REQUESTER_A).await;
    let res = web.get("/api/v1/requests").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[actix_rt::test]
async fn a_person_in_copy_reads_and_comments_until_taken_out_of_copy() {
    let app = TestApp::new().await;
    let number = create(
        &app,
        REQUESTER_A,
        "rm-mobilier",
        "Bureaux pour la classe 12",
    )
    .await;
    let stranger = app.api(REQUESTER_B);
    let res = stranger
        .post(
            &format!("/api/v1/requests/{number}/watchers"),
            json!({"email": REQUESTER_B}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::NOT_FOUND,
        "no one adds themselves to a request they cannot see"
    );

    let me = app.api(REQUESTER_A);
    let res = me
        .post(
            &format!("/api/v1/requests/{number}/watchers"),
            json!({"email": "inconnu@nulle.part"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = me
        .post(
            &format!("/api/v1/requests/{number}/watchers"),
            json!({"email": REQUESTER_B}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()[0]["email"], REQUESTER_B);

    assert_eq!(
        stranger
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        numbers(&stranger.get("/api/v1/requests").await.json()),
        vec![number.as_str()]
    );
    let res = stranger
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Merci de me tenir au courant"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    // A person in copy cannot put others in copy.
    let res = stranger
        .post(
            &format!("/api/v1/requests/{number}/watchers"),
            json!({"email": MANAGER_A}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // They may take themselves out; then the request is gone from their view.
    let res = stranger
        .post(
            &format!("/api/v1/requests/{number}/watchers/remove"),
            json!({"email": REQUESTER_B}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(
        stranger
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The page shows the people in copy to the requester.
    me.post(
        &format!("/api/v1/requests/{number}/watchers"),
        json!({"email": MANAGER_A}),
    )
    .await;
    let web = app.signed_in(REQUESTER_A).await;
    let page = web.get(&format!("/requests/{number}")).await;
    assert!(page.body.contains("Personnes en copie") && page.body.contains("Marc Gagnon"));
}
