//! The auditor's log: changes and reads of personal information, filtered, paged, exported to
//! CSV (the export is itself logged); nobody else sees it; nobody can rewrite it.

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::json;

#[actix_rt::test]
async fn the_auditor_finds_who_read_a_request_and_exports_the_log() {
    let app = TestApp::new().await;
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur"}),
        )
        .await;
    let number = res.json()["number"].as_str().unwrap().to_string();
    assert_eq!(
        app.api(TECH_TI)
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .status,
        StatusCode::OK
    );

    for who in [ADMIN, TECH_TI, MANAGER_A] {
        assert_eq!(
            app.signed_in(who).await.get("/audit").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let b = app.signed_in(AUDITOR).await;
    let changes = b
        .get(&format!(
            "/audit?entity=request&record={}",
            number.to_lowercase()
        ))
        .await;
    assert_eq!(changes.status, StatusCode::OK, "{}", changes.body);
    assert!(
        changes.body.contains("request.create") && !changes.body.contains("request.read"),
        "{}",
        changes.body
    );
    let reads = b
        .get(&format!(
            "/audit?trail=reads&entity=request&record={number}&person={TECH_TI}"
        ))
        .await;
    assert!(
        reads.body.contains("request.read") && reads.body.contains("Karim Benali"),
        "{}",
        reads.body
    );
    let nobody = b
        .get(&format!(
            "/audit?trail=reads&record={number}&person={REQUESTER_B}"
        ))
        .await;
    assert!(nobody.body.contains("Aucune entrée"));
    let bad = b.get("/audit?person=personne@nulle.part&from=hier").await;
    assert!(
        bad.body.contains("Aucune personne active") && bad.body.contains("aria-invalid"),
        "{}",
        bad.body
    );

    let csv = b
        .get(&format!(
            "/audit.csv?trail=reads&entity=request&record={number}"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(
        lines[0].contains("Date") && lines[0].contains("Adresse IP"),
        "{}",
        lines[0]
    );
    assert!(
        lines.iter().skip(1).all(|l| l.contains("request.read")),
        "{lines:?}"
    );
    // The export is in the log too, and the log refuses to be changed.
    let exported: i64 = {
        use guichet::db::schema::audit_log::dsl::*;
        audit_log
            .filter(action.eq("audit.exported"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(exported, 1);
    assert!(diesel::sql_query("DELETE FROM audit_log")
        .execute(&mut app.conn())
        .is_err());
    assert!(diesel::sql_query("UPDATE audit_log SET ip = NULL")
        .execute(&mut app.conn())
        .is_err());
}
