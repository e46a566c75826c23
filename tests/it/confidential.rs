//! Confidential categories (here « Accès à des renseignements personnels »): a request is read
//! only by its requester, the members of the category's group, the team it is assigned to and
//! auditors — through the API, the pages, search and email alike. The unit's director, an
//! administrator, another domain's technician and a person in copy see nothing of it.

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::{json, Value};

fn numbers(v: Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_str().unwrap().to_string())
        .collect()
}

fn recipients(app: &TestApp) -> Vec<String> {
    use guichet::db::schema::outbox::dsl::*;
    outbox.select(recipient).load(&mut app.conn()).unwrap()
}

#[actix_rt::test]
async fn a_confidential_request_stays_with_its_requester_group_team_and_auditors() {
    let app = TestApp::new().await;
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-acces-rp", "title": "Accès au dossier de Zacharie Lemieux",
                   "fields": {"dossier": "Dossier scolaire de Zacharie Lemieux"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();
    let page = format!("/requests/{number}");
    let api = format!("/api/v1/requests/{number}");

    // Through the API, by number and by search.
    for who in [REQUESTER_A, DG_MEMBER, TECH_TI, AUDITOR] {
        assert_eq!(app.api(who).get(&api).await.status, StatusCode::OK, "{who}");
        let found = numbers(app.api(who).get("/api/v1/requests?q=Zacharie").await.json());
        assert_eq!(found, vec![number.clone()], "{who}");
    }
    for who in [MANAGER_A, ADMIN, TECH_RM, REQUESTER_B] {
        assert_eq!(
            app.api(who).get(&api).await.status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        let found = numbers(app.api(who).get("/api/v1/requests?q=Zacharie").await.json());
        assert!(found.is_empty(), "{who} found {found:?}");
        let all = numbers(app.api(who).get("/api/v1/requests?limit=100").await.json());
        assert!(!all.contains(&number), "{who} lists it");
    }

    // Through the pages: the request, the director's and the administrator's lists.
    for who in [MANAGER_A, ADMIN] {
        let b = app.signed_in(who).await;
        assert_eq!(b.get(&page).await.status, StatusCode::NOT_FOUND, "{who}");
        for list in ["/requests", "/queue", "/queue?q=Zacharie"] {
            // (The search box repeats the words searched: look for the number.)
            let body = b.get(list).await.body;
            assert!(!body.contains(&number), "{who} sees it on {list}");
        }
    }
    let auditor = app.signed_in(AUDITOR).await;
    assert!(auditor.get(&page).await.body.contains("Zacharie"));

    // Put in copy, the director still reads nothing, by the pages or by email.
    let res = app
        .api(REQUESTER_A)
        .post(&format!("{api}/watchers"), json!({"email": MANAGER_A}))
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    assert_eq!(
        app.api(MANAGER_A).get(&api).await.status,
        StatusCode::NOT_FOUND
    );
    let res = app
        .api(REQUESTER_A)
        .post(
            &format!("{api}/comments"),
            json!({"body": "Zacharie change d'école lundi."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let to = recipients(&app);
    assert!(!to.is_empty());
    for outsider in [MANAGER_A, ADMIN, TECH_RM, REQUESTER_B] {
        assert!(
            !to.iter().any(|r| r == outsider),
            "{outsider} was mailed: {to:?}"
        );
    }
    assert!(to.iter().any(|r| r == DG_MEMBER), "{to:?}");

    // Every read by the people allowed is in the access trail.
    let reads: i64 = {
        use guichet::db::schema::audit_log::dsl::*;
        audit_log
            .filter(action.eq("request.read"))
            .filter(entity_id.eq(&number))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert!(reads >= 4, "{reads}");
}
