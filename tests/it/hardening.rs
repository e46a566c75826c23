//! Hardening: programs refused as attachments (by their bytes as well as their name) and pages
//! never served as pages; sessions end after their absolute lifetime; « sign out everywhere ».

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::json;

async fn new_request(app: &TestApp) -> String {
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur"}),
        )
        .await;
    res.json()["number"].as_str().unwrap().to_string()
}

fn attachment_count(app: &TestApp) -> i64 {
    use guichet::db::schema::attachments;
    attachments::table
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn programs_are_refused_and_files_are_typed_by_their_bytes() {
    let app = TestApp::new().await;
    let number = new_request(&app).await;
    let path = format!("/api/v1/requests/{number}/attachments");
    // A Windows program renamed as a PDF, through the API.
    let res = app
        .api(REQUESTER_A)
        .upload(
            &path,
            "facture.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.json()["error"]["fields"]["file"][0]
            .as_str()
            .unwrap()
            .contains("programme ou un script"),
        "{}",
        res.body
    );
    // A script, through the web form: the page says why, nothing is attached.
    let b = app.signed_in(REQUESTER_A).await;
    b.get(&format!("/requests/{number}")).await;
    let res = b
        .post_multipart(
            &format!("/requests/{number}/attachments"),
            "installer.sh",
            b"#!/bin/sh\necho bonjour",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("programme ou un script"), "{}", res.body);
    assert_eq!(attachment_count(&app), 0);

    // A PNG sent as « notes.txt » is stored as a PNG; a page is downloaded, never displayed.
    let png = app
        .api(REQUESTER_A)
        .upload(&path, "notes.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        .await;
    assert_eq!(png.status, StatusCode::CREATED, "{}", png.body);
    assert_eq!(png.json()["content_type"], "image/png");
    let html = app
        .api(REQUESTER_A)
        .upload(
            &path,
            "page.html",
            b"<html><script>alert(1)</script></html>",
        )
        .await;
    assert_eq!(html.status, StatusCode::CREATED, "{}", html.body);
    let id = html.json()["id"].as_i64().unwrap();
    let got = b.get(&format!("/requests/{number}/attachments/{id}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(
        got.headers.get("content-type").unwrap(),
        "application/octet-stream"
    );
    assert!(got
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert!(got
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("sandbox"));
}

#[actix_rt::test]
async fn a_session_ends_after_its_lifetime_even_when_active() {
    let app = TestApp::new().await;
    let b = app.signed_in(REQUESTER_A).await;
    assert_eq!(b.get("/requests").await.status, StatusCode::OK);
    {
        use guichet::db::schema::sessions;
        diesel::update(sessions::table)
            .set(sessions::created_at.eq(chrono::Utc::now() - chrono::Duration::hours(13)))
            .execute(&mut app.conn())
            .unwrap();
    }
    let res = b.get("/requests").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location().starts_with("/login"), "{}", res.location());
}

#[actix_rt::test]
async fn signing_out_everywhere_ends_the_other_browsers_sessions() {
    let app = TestApp::new().await;
    let office = app.signed_in(REQUESTER_A).await;
    let home = app.signed_in(REQUESTER_A).await;
    let other = app.signed_in(REQUESTER_B).await;
    let profile = office.get("/profile").await;
    assert!(
        profile.body.contains("Me déconnecter partout"),
        "{}",
        profile.body
    );
    let res = office.post("/logout-everywhere", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    for b in [&office, &home] {
        let res = b.get("/requests").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "signed out");
    }
    assert_eq!(
        other.get("/requests").await.status,
        StatusCode::OK,
        "someone else stays signed in"
    );
    let logged: i64 = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("user.sign_out_everywhere"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(logged, 1);
    // Without the form's token, nothing happens.
    let res = other.post_raw("/logout-everywhere", &[]).await;
    assert_ne!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(other.get("/requests").await.status, StatusCode::OK);
}

#[actix_rt::test]
async fn hsts_is_sent_only_when_served_over_https() {
    let app = TestApp::new().await;
    let res = app.browser().get("/login").await;
    assert!(res.headers.get("strict-transport-security").is_none());
    assert_eq!(
        res.headers.get("x-content-type-options").unwrap(),
        "nosniff"
    );
    let csp = res
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
}

#[actix_rt::test]
async fn a_nul_character_in_input_is_a_bad_request_not_a_server_error() {
    // Found by schemathesis: PostgreSQL text cannot hold NUL.
    let app = TestApp::new().await;
    let res = app
        .api(TECH_TI)
        .get("/api/v1/requests?team=ti%00x&status=open")
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur\u{0}"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let count: i64 = guichet::db::schema::requests::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(count, 0, "nothing was created");
}
