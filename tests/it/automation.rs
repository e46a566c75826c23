//! Automation rules: created from the administration with clear errors, they fire on the
//! events they listen to when their conditions hold, apply their actions (team, person,
//! priority, watcher, internal note, notification) and leave one timeline entry per firing,
//! visible to staff only; a rule's own changes never trigger another firing.

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::{json, Value};

fn n(number: &str) -> i64 {
    number.trim_start_matches("DS-").parse().unwrap()
}

fn automation_events(app: &TestApp, number: &str) -> Vec<Value> {
    use guichet::db::schema::{request_events as e, requests};
    e::table
        .inner_join(requests::table)
        .filter(requests::number.eq(n(number)))
        .filter(e::kind.eq("automation"))
        .order(e::id)
        .select(e::data)
        .load(&mut app.conn())
        .unwrap()
}

fn notices(app: &TestApp, number: &str) -> Vec<String> {
    use guichet::db::schema::{outbox, requests};
    outbox::table
        .inner_join(requests::table.on(requests::id.nullable().eq(outbox::request_id)))
        .filter(requests::number.eq(n(number)))
        .filter(outbox::template.eq("automation_notice"))
        .select(outbox::recipient)
        .load(&mut app.conn())
        .unwrap()
}

async fn rule(app: &TestApp, fields: &[(&str, &str)]) {
    let admin = app.signed_in(ADMIN).await;
    let mut all = vec![("active", "on")];
    all.extend_from_slice(fields);
    let res = admin.post("/admin/automation", &all).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn create(app: &TestApp, category: &str, title: &str) -> Value {
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": category, "title": title}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()
}

#[actix_rt::test]
async fn a_rule_routes_a_leak_and_leaves_a_trace_for_staff_only() {
    let app = TestApp::new().await;
    rule(
        &app,
        &[
            ("name", "Fuites : urgence"),
            ("on_created", "on"),
            ("if_domain", "materiel"),
            ("if_text", "fuite"),
            ("then_team", "rm"),
            ("then_assignee", TECH_RM),
            ("then_priority", "urgent"),
            ("then_watcher", MANAGER_A),
            ("then_note", "Vérifier le robinet d'arrêt."),
            ("then_notify", TECH_RM),
        ],
    )
    .await;

    let r = create(&app, "rm-mobilier", "FUITE d'eau au gymnase").await;
    let number = r["number"].as_str().unwrap().to_string();
    assert_eq!(r["priority"], "urgent");
    assert_eq!(r["assignee"]["email"], TECH_RM);
    // The due date follows the raised priority: urgent resolution target is 9 business hours.
    let created = chrono::DateTime::parse_from_rfc3339(r["created_at"].as_str().unwrap()).unwrap();
    let due =
        chrono::DateTime::parse_from_rfc3339(r["sla"]["resolution_due"].as_str().unwrap()).unwrap();
    assert!(
        due - created < chrono::Duration::days(5),
        "{due} from {created}"
    );
    let watchers = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}/watchers"))
        .await
        .json();
    assert_eq!(watchers[0]["email"], MANAGER_A);
    let fired = automation_events(&app, &number);
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0]["rule"], "Fuites : urgence");
    assert_eq!(notices(&app, &number), [TECH_RM]);

    // Staff see the firing and the note; the requester sees neither.
    let staff_page = app
        .signed_in(TECH_RM)
        .await
        .get(&format!("/requests/{number}"))
        .await;
    assert!(staff_page.body.contains("Fuites : urgence"));
    assert!(staff_page.body.contains("robinet"));
    let events = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}/events"))
        .await
        .json();
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] != "automation" && e["kind"] != "internal_note"));

    // Another request does not match.
    let other = create(&app, "rm-mobilier", "Chaise brisée").await;
    assert_eq!(other["priority"], "normal");
    assert!(automation_events(&app, other["number"].as_str().unwrap()).is_empty());
}

#[actix_rt::test]
async fn rules_fire_on_status_changes_and_comments_once_each() {
    let app = TestApp::new().await;
    rule(
        &app,
        &[
            ("name", "Résolues : aviser la direction"),
            ("on_status_changed", "on"),
            ("if_status", "resolved"),
            ("then_notify", MANAGER_A),
        ],
    )
    .await;
    rule(
        &app,
        &[
            ("name", "Mot urgent"),
            ("on_comment_added", "on"),
            ("if_text", "urgent"),
            ("then_priority", "high"),
        ],
    )
    .await;
    let r = create(&app, "ti-projecteur", "Projecteur").await;
    let number = r["number"].as_str().unwrap().to_string();
    let me = app.api(REQUESTER_A);
    me.post(
        &format!("/api/v1/requests/{number}/comments"),
        json!({"body": "Rien de pressé."}),
    )
    .await;
    assert!(automation_events(&app, &number).is_empty());
    me.post(
        &format!("/api/v1/requests/{number}/comments"),
        json!({"body": "C'est URGENT : examen demain."}),
    )
    .await;
    let r = me.get(&format!("/api/v1/requests/{number}")).await.json();
    assert_eq!(r["priority"], "high");

    let t = app.api(TECH_TI);
    t.post(
        &format!("/api/v1/requests/{number}/transitions"),
        json!({"to": "in_progress"}),
    )
    .await;
    assert!(notices(&app, &number).is_empty());
    let res = t
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "resolved", "note": "Lampe changée"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(notices(&app, &number), [MANAGER_A]);
    let names: Vec<String> = automation_events(&app, &number)
        .iter()
        .map(|e| e["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Mot urgent", "Résolues : aviser la direction"]);
}

#[actix_rt::test]
async fn a_rule_changing_a_field_does_not_trigger_itself() {
    let app = TestApp::new().await;
    rule(
        &app,
        &[
            ("name", "Assignée : haute"),
            ("on_field_changed", "on"),
            ("then_priority", "high"),
        ],
    )
    .await;
    let r = create(&app, "ti-projecteur", "Écran noir").await;
    let number = r["number"].as_str().unwrap().to_string();
    let res = app
        .api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/assign"),
            json!({"assignee": "me"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["priority"], "high");
    assert_eq!(automation_events(&app, &number).len(), 1);
}

#[actix_rt::test]
async fn a_rule_form_with_mistakes_is_refused_and_saves_nothing() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .post(
            "/admin/automation",
            &[("name", ""), ("then_watcher", "inconnu@nulle.part")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in ["Cochez au moins un événement.", "Aucune personne active"] {
        assert!(res.body.contains(msg), "{msg}: {}", res.body);
    }
    let res = admin
        .post(
            "/admin/automation",
            &[("name", "Vide"), ("on_created", "on")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Choisissez au moins une action."));
    let count: i64 = {
        use guichet::db::schema::automation_rules::dsl::*;
        automation_rules
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(count, 0);
    assert_eq!(
        app.signed_in(TECH_TI)
            .await
            .get("/admin/automation")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
