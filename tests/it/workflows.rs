//! The seeded workflows end to end: purchases below and above the approval threshold, approval
//! and refusal by the unit director, transport with the carrier confirmed after approval,
//! access to personal information approved by the Direction générale group, both approvals in
//! sequence, withdrawal while waiting, and refused transitions that change nothing.

use crate::support::app::Resp;
use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::{json, Value};

fn n(number: &str) -> i64 {
    number.trim_start_matches("DS-").parse().unwrap()
}

/// Approval messages of a request: (template, recipient).
fn outbox(app: &TestApp, number: &str) -> Vec<(String, String)> {
    use guichet::db::schema::{outbox, requests};
    outbox::table
        .filter(outbox::template.like("approval%"))
        .inner_join(requests::table.on(requests::id.nullable().eq(outbox::request_id)))
        .filter(requests::number.eq(n(number)))
        .order(outbox::id)
        .select((outbox::template, outbox::recipient))
        .load(&mut app.conn())
        .unwrap()
}

fn audit_actions(app: &TestApp, number: &str) -> Vec<String> {
    use guichet::db::schema::audit_log;
    audit_log::table
        .filter(audit_log::entity_id.eq(number))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap()
}

fn steps(app: &TestApp, number: &str) -> Vec<(i16, String, String)> {
    use guichet::db::schema::{request_approvals as a, requests};
    a::table
        .inner_join(requests::table)
        .filter(requests::number.eq(n(number)))
        .order(a::id)
        .select((a::step, a::approver, a::status))
        .load(&mut app.conn())
        .unwrap()
}

fn clock_kinds(app: &TestApp, number: &str) -> Vec<String> {
    use guichet::db::schema::{requests, sla_clock_events as e};
    e::table
        .inner_join(requests::table)
        .filter(requests::number.eq(n(number)))
        .filter(e::clock.eq("resolution"))
        .order(e::id)
        .select(e::kind)
        .load(&mut app.conn())
        .unwrap()
}

async fn create(app: &TestApp, who: &str, body: Value) -> Value {
    let res = app.api(who).post("/api/v1/requests", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()
}

async fn status(app: &TestApp, who: &str, number: &str) -> (String, String) {
    let r = app
        .api(who)
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .json();
    (
        r["status"].as_str().unwrap().to_string(),
        r["status_kind"].as_str().unwrap().to_string(),
    )
}

async fn move_to(app: &TestApp, who: &str, number: &str, to: &str, note: &str) -> Resp {
    app.api(who)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": to, "note": note}),
        )
        .await
}

async fn decide(app: &TestApp, who: &str, number: &str, decision: &str, comment: &str) -> Resp {
    app.api(who)
        .post(
            &format!("/api/v1/requests/{number}/approval"),
            json!({"decision": decision, "comment": comment}),
        )
        .await
}

#[actix_rt::test]
async fn a_purchase_under_the_threshold_needs_no_approval() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-achat", "title": "Agrafeuses", "fields": {"article": "Agrafeuses", "cout": 120}}),
    )
    .await;
    assert_eq!(r["status"], "new");
    assert_eq!(r["workflow"], "achat-approbation");
    let number = r["number"].as_str().unwrap();
    assert!(steps(&app, number).is_empty());
    assert!(outbox(&app, number).is_empty());
}

#[actix_rt::test]
async fn a_purchase_above_the_threshold_waits_for_the_director_then_follows_its_workflow() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-achat", "title": "Tableau blanc", "fields": {"article": "Tableau", "cout": 800}}),
    )
    .await;
    let number = r["number"].as_str().unwrap().to_string();
    assert_eq!(r["status"], "awaiting_approval");
    assert_eq!(r["status_kind"], "approval");
    assert_eq!(r["status_label"], "En attente d'approbation");
    assert_eq!(r["sla"]["paused"], true, "approval pauses the clock");
    assert_eq!(
        steps(&app, &number),
        [(1, "director".to_string(), "pending".to_string())]
    );
    assert_eq!(
        outbox(&app, &number),
        [("approval_needed".to_string(), MANAGER_A.to_string())]
    );

    // Work cannot start before the approval, whoever tries.
    let res = move_to(&app, TECH_RM, &number, "in_progress", "").await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("En attente d'approbation"));
    let res = move_to(&app, TECH_RM, &number, "new", "").await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // The requester and the technician may not approve.
    assert_eq!(
        decide(&app, REQUESTER_A, &number, "approve", "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        decide(&app, TECH_RM, &number, "approve", "").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(&app, REQUESTER_A, &number).await.0,
        "awaiting_approval"
    );

    // The director sees it in « À approuver », with its fields, and approves from there.
    let b = app.signed_in(MANAGER_A).await;
    let page = b.get("/approvals").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&number));
    assert!(page.body.contains("Tableau"));
    assert!(page.body.contains("800"));
    let res = b
        .post(
            &format!("/requests/{number}/approval"),
            &[
                ("decision", "approve"),
                ("comment", "Budget OK"),
                ("back", "list"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/approvals?ok=approved");
    let page = b.get("/approvals?ok=approved").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Votre approbation est enregistrée."));
    assert!(!page.body.contains(&number));
    assert!(page.body.contains("attend votre approbation."));

    let r = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .json();
    assert_eq!(r["status"], "new");
    assert_eq!(r["sla"]["paused"], false);
    assert_eq!(
        steps(&app, &number),
        [(1, "director".to_string(), "approved".to_string())]
    );
    assert_eq!(
        clock_kinds(&app, &number)[..3],
        ["started", "paused", "resumed"]
    );
    let events = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}/events"))
        .await
        .json();
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "approval_requested",
            "approved",
            "status_changed"
        ]
    );
    assert_eq!(events[2]["body"], "Budget OK");
    assert!(audit_actions(&app, &number).contains(&"approval.approve".to_string()));
    assert_eq!(
        outbox(&app, &number).last().unwrap(),
        &("approval_given".to_string(), REQUESTER_A.to_string())
    );

    // Then the purchase workflow: in progress, waiting for the supplier (a note is required),
    // back in progress, resolved.
    assert_eq!(
        move_to(&app, TECH_RM, &number, "in_progress", "")
            .await
            .status,
        StatusCode::OK
    );
    let res = move_to(&app, TECH_RM, &number, "waiting_supplier", "").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status(&app, TECH_RM, &number).await.0, "in_progress");
    let r = move_to(&app, TECH_RM, &number, "waiting_supplier", "Commande 4512").await;
    assert_eq!(r.json()["status_kind"], "pending");
    assert_eq!(r.json()["sla"]["paused"], true);
    assert_eq!(
        move_to(&app, TECH_RM, &number, "in_progress", "")
            .await
            .status,
        StatusCode::OK
    );
    let r = move_to(&app, TECH_RM, &number, "resolved", "Livré au local 204").await;
    assert_eq!(r.json()["status"], "resolved");
}

#[actix_rt::test]
async fn a_refusal_needs_a_reason_and_cancels_the_request() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-achat", "title": "Fauteuils", "fields": {"article": "Fauteuils", "cout": 2500}}),
    )
    .await;
    let number = r["number"].as_str().unwrap().to_string();

    // Without a reason: a clear message, nothing changes.
    let b = app.signed_in(MANAGER_A).await;
    let res = b
        .post(
            &format!("/requests/{number}/approval"),
            &[("decision", "refuse"), ("comment", "  ")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Indiquez la raison du refus."));
    assert_eq!(
        status(&app, REQUESTER_A, &number).await.0,
        "awaiting_approval"
    );
    assert_eq!(steps(&app, &number)[0].2, "pending");

    let res = b
        .post(
            &format!("/requests/{number}/approval"),
            &[("decision", "refuse"), ("comment", "Budget épuisé")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        format!("/requests/{number}?ok=refused#timeline")
    );
    let (code, kind) = status(&app, REQUESTER_A, &number).await;
    assert_eq!((code.as_str(), kind.as_str()), ("cancelled", "cancelled"));
    let page = app
        .signed_in(REQUESTER_A)
        .await
        .get(&format!("/requests/{number}"))
        .await;
    assert!(page.body.contains("Budget épuisé"));
    assert!(page.body.contains("Refusée"));
    assert_eq!(
        outbox(&app, &number).last().unwrap(),
        &("approval_refused".to_string(), REQUESTER_A.to_string())
    );
    assert!(audit_actions(&app, &number).contains(&"approval.refuse".to_string()));
    // A decided request cannot be decided again.
    assert_eq!(
        decide(&app, MANAGER_A, &number, "approve", "").await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        clock_kinds(&app, &number).last().map(String::as_str),
        Some("stopped")
    );
}

#[actix_rt::test]
async fn transport_is_approved_then_the_carrier_is_confirmed() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_A,
        json!({"category": "tr-autobus", "title": "Sortie au musée", "fields": {"destination": "Musée"}}),
    )
    .await;
    let number = r["number"].as_str().unwrap().to_string();
    assert_eq!(r["status"], "awaiting_approval");

    let pending = app.api(MANAGER_A).get("/api/v1/approvals").await.json();
    assert_eq!(pending[0]["number"], number.as_str());
    let res = decide(&app, MANAGER_A, &number, "approve", "").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status"], "new");
    assert_eq!(res.json()["status_label"], "Transporteur à confirmer");
    assert!(app
        .api(MANAGER_A)
        .get("/api/v1/approvals")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());

    // The transport service confirms the carrier: the note (the carrier) is required.
    let res = move_to(&app, TECH_TR, &number, "carrier_confirmed", "").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.json()["error"]["fields"]["note"][0],
        "Une note est obligatoire pour ce changement de statut."
    );
    // The requester cannot confirm a carrier.
    assert_eq!(
        move_to(&app, REQUESTER_A, &number, "carrier_confirmed", "x")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = move_to(
        &app,
        TECH_TR,
        &number,
        "carrier_confirmed",
        "Autobus du Fleuve, 8 h 15",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status_label"], "Transporteur confirmé");
    assert_eq!(
        move_to(&app, TECH_TR, &number, "resolved", "Sortie effectuée")
            .await
            .status,
        StatusCode::OK
    );
    let r = move_to(&app, REQUESTER_A, &number, "closed", "").await;
    assert_eq!(r.json()["status_kind"], "closed");
}

#[actix_rt::test]
async fn access_to_personal_information_is_decided_by_the_direction_generale_group() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_B,
        json!({"category": "ti-acces-rp", "title": "Accès au dossier d'un élève", "fields": {"dossier": "Élève 123"}}),
    )
    .await;
    let number = r["number"].as_str().unwrap().to_string();
    assert_eq!(r["status"], "awaiting_approval");
    assert_eq!(
        steps(&app, &number),
        [(1, "group".to_string(), "pending".to_string())]
    );
    assert_eq!(
        outbox(&app, &number),
        [("approval_needed".to_string(), DG_MEMBER.to_string())]
    );

    // Another unit's director neither sees nor decides it.
    assert_eq!(
        app.api(MANAGER_A)
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        decide(&app, MANAGER_A, &number, "approve", "").await.status,
        StatusCode::NOT_FOUND
    );
    // The group's member sees it, with its steps, and approves it.
    let g = app.api(DG_MEMBER);
    assert_eq!(
        g.get("/api/v1/approvals").await.json()[0]["number"],
        number.as_str()
    );
    let s = g
        .get(&format!("/api/v1/requests/{number}/approvals"))
        .await
        .json();
    assert_eq!(s[0]["approver_name"], "Direction générale");
    assert_eq!(s[0]["status"], "pending");
    let b = app.signed_in(DG_MEMBER).await;
    let page = b.get(&format!("/requests/{number}")).await;
    assert!(page.body.contains("Approuver"));
    let res = b
        .post(
            &format!("/requests/{number}/approval"),
            &[("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(status(&app, TECH_TI, &number).await.0, "new");
    assert_eq!(
        move_to(&app, TECH_TI, &number, "in_progress", "")
            .await
            .status,
        StatusCode::OK
    );
    let r = move_to(
        &app,
        TECH_TI,
        &number,
        "resolved",
        "Accès ouvert pour 30 jours",
    )
    .await;
    assert_eq!(r.json()["status_label"], "Accès accordé");
}

#[actix_rt::test]
async fn director_then_group_approve_in_sequence() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-achat-majeur", "title": "Laboratoire mobile", "fields": {"article": "Chariot", "cout": 40000}}),
    )
    .await;
    let number = r["number"].as_str().unwrap().to_string();
    assert_eq!(
        steps(&app, &number),
        [
            (1, "director".to_string(), "pending".to_string()),
            (2, "group".to_string(), "waiting".to_string())
        ]
    );
    // The group's turn has not come.
    assert_eq!(
        decide(&app, DG_MEMBER, &number, "approve", "").await.status,
        StatusCode::FORBIDDEN
    );
    let res = decide(&app, MANAGER_A, &number, "approve", "").await;
    assert_eq!(res.json()["status"], "awaiting_approval");
    assert_eq!(
        steps(&app, &number)[1],
        (2, "group".to_string(), "pending".to_string())
    );
    assert!(outbox(&app, &number).contains(&("approval_needed".to_string(), DG_MEMBER.to_string())));
    // The director's turn is over.
    assert_eq!(
        decide(&app, MANAGER_A, &number, "approve", "").await.status,
        StatusCode::FORBIDDEN
    );
    let res = decide(&app, DG_MEMBER, &number, "approve", "Approuvé au comité").await;
    assert_eq!(res.json()["status"], "new");
}

#[actix_rt::test]
async fn a_requester_may_withdraw_a_request_waiting_for_approval() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_A,
        json!({"category": "tr-autobus", "title": "Sortie annulée", "fields": {"destination": "Zoo"}}),
    )
    .await;
    let number = r["number"].as_str().unwrap().to_string();
    let res = move_to(
        &app,
        REQUESTER_A,
        &number,
        "cancelled",
        "Sortie annulée par l'école",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(steps(&app, &number)[0].2, "withdrawn");
    assert!(app
        .api(MANAGER_A)
        .get("/api/v1/approvals")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
}

#[actix_rt::test]
async fn the_approvals_page_is_empty_for_people_who_approve_nothing() {
    let app = TestApp::new().await;
    let page = app.signed_in(REQUESTER_A).await.get("/approvals").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("attend votre approbation."));
    assert!(!page.body.contains("href=\"/approvals\""), "no menu entry");
    let page = app.signed_in(MANAGER_A).await.get("/requests").await;
    assert!(page.body.contains("href=\"/approvals\""));
}

#[actix_rt::test]
async fn the_group_refuses_access_and_the_requester_is_told_why() {
    let app = TestApp::new().await;
    let r = create(
        &app,
        REQUESTER_B,
        json!({"category": "ti-acces-rp", "title": "Accès aux dossiers du personnel", "fields": {"dossier": "Tous"}}),
    )
    .await;
    let number = r["number"].as_str().unwrap().to_string();
    let res = decide(
        &app,
        DG_MEMBER,
        &number,
        "refuse",
        "Demande trop large : précisez le dossier.",
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status_kind"], "cancelled");
    assert_eq!(
        outbox(&app, &number).last().unwrap(),
        &("approval_refused".to_string(), REQUESTER_B.to_string())
    );
    let events = app
        .api(REQUESTER_B)
        .get(&format!("/api/v1/requests/{number}/events"))
        .await
        .json();
    assert!(events.as_array().unwrap().iter().any(
        |e| e["kind"] == "refused" && e["body"] == "Demande trop large : précisez le dossier."
    ));
    // Nothing more can happen to it.
    let res = app
        .api(REQUESTER_B)
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Pourquoi ?"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}
