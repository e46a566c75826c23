//! API writes commit once: the response is read inside the write's transaction (no "read"
//! access row besides the write's own audit row), and a POST retried with the same
//! `Idempotency-Key` never creates a second request or comment.

use crate::support::*;
use actix_web::http::StatusCode;
use serde_json::json;

fn reads(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM audit_log WHERE action IN ('request.read', 'request.read_events')",
    )
}

#[actix_rt::test]
async fn a_write_answers_from_its_own_transaction_without_a_read_row() {
    let app = TestApp::new().await;
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();
    let before = reads(&app);
    let api = app.api(TECH_TI);
    for (path, body) in [
        ("comments", json!({"body": "Je regarde."})),
        ("priority", json!({"priority": "high"})),
        ("assign", json!({"assignee": "me"})),
        ("transitions", json!({"to": "in_progress"})),
    ] {
        let res = api
            .post(&format!("/api/v1/requests/{number}/{path}"), body)
            .await;
        assert!(
            res.status.is_success(),
            "{path}: {} {}",
            res.status,
            res.body
        );
        assert!(!res.body.is_empty(), "{path} answers with the result");
    }
    assert_eq!(reads(&app), before, "no read row for a write's own answer");
    // A plain read is still recorded.
    let res = api.get(&format!("/api/v1/requests/{number}")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(reads(&app), before + 1);
}

#[actix_rt::test]
async fn a_retried_post_with_the_same_key_creates_nothing_more() {
    let app = TestApp::new().await;
    let api = app.api(REQUESTER_A);
    let body = json!({"category": "ti-projecteur", "title": "Projecteur en panne"});
    let requests = || app.count("SELECT count(*) AS n FROM requests");
    let before = requests();
    let first = api
        .post_with_key("/api/v1/requests", "creer-42", body.clone())
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = api
        .post_with_key("/api/v1/requests", "creer-42", body.clone())
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
    assert_eq!(again.json()["number"], first.json()["number"]);
    assert_eq!(again.location(), first.location());
    assert_eq!(
        again
            .headers
            .get("Idempotency-Replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert_eq!(requests(), before + 1, "one request for two calls");
    let created_mail =
        app.count("SELECT count(*) AS n FROM outbox WHERE template = 'request_created'");
    assert_eq!(created_mail, 1, "one acknowledgement");
    // The same key for another body is refused and changes nothing.
    let other = api
        .post_with_key(
            "/api/v1/requests",
            "creer-42",
            json!({"category": "ti-projecteur", "title": "Autre chose"}),
        )
        .await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.body
    );
    assert!(other.body.contains("Idempotency-Key"), "{}", other.body);
    assert_eq!(requests(), before + 1);
    // Another person's same key is theirs.
    let theirs = app
        .api(REQUESTER_B)
        .post_with_key("/api/v1/requests", "creer-42", body.clone())
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.body);
    assert_ne!(theirs.json()["number"], first.json()["number"]);
    // A comment retried once is stored once.
    let number = first.json()["number"].as_str().unwrap().to_string();
    let comments = || app.count("SELECT count(*) AS n FROM request_events WHERE kind = 'comment'");
    let c0 = comments();
    for _ in 0..2 {
        let res = api
            .post_with_key(
                &format!("/api/v1/requests/{number}/comments"),
                "commentaire-1",
                json!({"body": "Toujours en panne."}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    assert_eq!(comments(), c0 + 1);
}

#[actix_rt::test]
async fn a_failed_post_keeps_nothing_and_its_key_may_be_used_again() {
    let app = TestApp::new().await;
    let api = app.api(REQUESTER_A);
    let bad = api
        .post_with_key(
            "/api/v1/requests",
            "essai-1",
            json!({"category": "ti-projecteur", "title": ""}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let good = api
        .post_with_key(
            "/api/v1/requests",
            "essai-1",
            json!({"category": "ti-projecteur", "title": "Corrigé"}),
        )
        .await;
    assert_eq!(good.status, StatusCode::CREATED, "{}", good.body);
    assert!(good.headers.get("Idempotency-Replayed").is_none());
    // A key too long is refused, with its field named.
    let long = api
        .post_with_key(
            "/api/v1/requests",
            &"k".repeat(300),
            json!({"category": "ti-projecteur", "title": "Long"}),
        )
        .await;
    assert_eq!(
        long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        long.body
    );
    assert!(long.body.contains("Idempotency-Key"), "{}", long.body);
}

#[actix_rt::test]
async fn an_api_client_learns_the_valid_rooms_and_units_and_errors_say_where() {
    let app = TestApp::new().await;
    let api = app.api(REQUESTER_A);
    let res = api.get("/api/v1/request-choices").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v = res.json();
    let units: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(units, vec!["ecole-a"]);
    let rooms = v["rooms"].as_array().unwrap();
    assert!(!rooms.is_empty(), "{v}");
    assert!(rooms.iter().all(|r| r["unit"] == "ecole-a"), "{v}");
    // A room it offers is accepted.
    let room = rooms[0]["value"].as_i64().unwrap();
    let ok = api
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur", "room": room}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    // Another unit is not hers: a field error that says what is expected.
    let res = api.get("/api/v1/request-choices?unit=ecole-b").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("/api/v1/request-choices"), "{}", res.body);
    // Bruno's rooms are not offered to her.
    let theirs = app.api(REQUESTER_B).get("/api/v1/request-choices").await;
    assert_eq!(theirs.status, StatusCode::OK);
    let their_rooms: Vec<i64> = theirs.json()["rooms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].as_i64().unwrap())
        .collect();
    assert!(!their_rooms.contains(&room));
    // A room of another unit is refused with the same pointer.
    if let Some(other) = their_rooms.first() {
        let res = api
            .post(
                "/api/v1/requests",
                json!({"category": "ti-projecteur", "title": "Projecteur", "room": other}),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(res.body.contains("request-choices"), "{}", res.body);
    }
}
