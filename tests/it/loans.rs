//! Equipment loans: no double booking (also at once, from several servers), pools never
//! over-booked, the whole flow with the acknowledgement of the conditions, reminders, overdue
//! notices and escalation on a controllable clock, partial returns, damage opening a linked IT
//! request, a missing asset told to the director, approval, and who sees whose loans.

use crate::support::*;
use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use guichet::auth::CurrentUser;
use guichet::db::LoanId;
use guichet::error::AppError;
use guichet::loans::booking::{self, ReserveCmd};
use serde_json::{json, Value};

fn who(app: &TestApp, email: &str) -> CurrentUser {
    let mut c = app.conn();
    let u = guichet::users::queries::by_email(&mut c, email)
        .unwrap()
        .unwrap();
    guichet::users::service::identity(&mut c, &u).unwrap()
}

/// Loanable equipment of the IT department: `n` of one model; returns the inventory numbers.
async fn lendable(
    app: &TestApp,
    prefix: &str,
    n: usize,
    kind: &str,
    model: &str,
) -> (Vec<String>, i64) {
    let mut tags = Vec::new();
    for i in 1..=n {
        let tag = format!("{prefix}-{i:02}");
        let res = app
            .api(TECH_TI)
            .post(
                "/api/v1/assets",
                json!({"tag": tag, "type": kind, "maker": "Lenovo", "model": model, "unit": "sti"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let mut c = app.conn();
        diesel::sql_query("UPDATE assets SET loanable = TRUE WHERE tag = $1")
            .bind::<diesel::sql_types::Text, _>(&tag)
            .execute(&mut c)
            .unwrap();
        tags.push(tag);
    }
    let mut c = app.conn();
    let model_id: i64 = guichet::db::schema::asset_models::table
        .filter(guichet::db::schema::asset_models::name.eq(model))
        .select(guichet::db::schema::asset_models::id)
        .first(&mut c)
        .unwrap();
    (tags, model_id)
}

fn day(offset: i64) -> String {
    day_after(
        Utc::now()
            .with_timezone(&chrono_tz::America::Toronto)
            .date_naive(),
        offset,
    )
}

fn day_after(d: chrono::NaiveDate, offset: i64) -> String {
    (d + Duration::days(offset)).to_string()
}

fn outbox(app: &TestApp, template_name: &str) -> Vec<String> {
    use guichet::db::schema::outbox::dsl::*;
    outbox
        .filter(template.eq(template_name))
        .order(id)
        .select(recipient)
        .load(&mut app.conn())
        .unwrap()
}

fn asset_status(app: &TestApp, t: &str) -> String {
    use guichet::db::schema::assets::dsl::*;
    assets
        .filter(tag.eq(t))
        .select(status)
        .first(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn the_same_asset_is_never_booked_twice_even_by_servers_at_once() {
    let app = TestApp::new().await;
    let (tags, _) = lendable(&app, "PROJ", 1, "projecteur", "Projecteur de prêt").await;
    let julie = who(&app, REQUESTER_A);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let (pool, barrier, julie, tag) = (
                app.state.pool.clone(),
                barrier.clone(),
                julie.clone(),
                tags[0].clone(),
            );
            std::thread::spawn(move || {
                let mut c = pool.get().unwrap();
                barrier.wait();
                booking::reserve(
                    &mut c,
                    &julie,
                    ReserveCmd {
                        assets: vec![tag],
                        starts_at: day(1 + i % 2),
                        due_at: day(3 + i),
                        ..Default::default()
                    },
                    Utc::now(),
                )
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(r, AppError::Rule(m) if m.key == "loan-asset-booked" || m.key == "loan-not-available"),
            "{r:?}"
        );
    }
    // Through the API: an overlapping period is refused with a message; the day after is free.
    let api = app.api(REQUESTER_B);
    let taken = api
        .post(
            "/api/v1/loans",
            json!({"assets": ["proj-01"], "starts_at": day(2), "due_at": day(2)}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert!(taken.body.contains("PROJ-01"), "{}", taken.body);
    let later = api
        .post(
            "/api/v1/loans",
            json!({"assets": ["PROJ-01"], "starts_at": day(10), "due_at": day(11)}),
        )
        .await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.body);
    // The database itself refuses an overlap, whatever the application does.
    let overlap = diesel::sql_query(
        "INSERT INTO loan_items (loan_id, asset_id, period) SELECT loan_id, asset_id, period FROM loan_items LIMIT 1",
    )
    .execute(&mut app.conn());
    assert!(overlap.is_err());
}

#[actix_rt::test]
async fn a_pool_is_never_over_booked_and_back_to_back_bookings_share_it() {
    let app = TestApp::new().await;
    let (tags, model) = lendable(&app, "CB", 3, "chromebook", "300e Chromebook").await;
    let julie = who(&app, REQUESTER_A);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (pool, barrier, julie) = (app.state.pool.clone(), barrier.clone(), julie.clone());
            std::thread::spawn(move || {
                let mut c = pool.get().unwrap();
                barrier.wait();
                booking::reserve(
                    &mut c,
                    &julie,
                    ReserveCmd {
                        model: Some(model),
                        lending_unit: Some("sti".into()),
                        quantity: Some(1),
                        starts_at: day(1),
                        due_at: day(2),
                        ..Default::default()
                    },
                    Utc::now(),
                )
            })
        })
        .collect();
    let ok = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|r| r.is_ok())
        .count();
    assert_eq!(ok, 3, "three Chromebooks, three bookings");
    let api = app.api(REQUESTER_B);
    let full = api
        .post("/api/v1/loans", json!({"model": model, "lending_unit": "sti", "quantity": 1, "starts_at": day(2), "due_at": day(4)}))
        .await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.body.contains("0 disponible(s)"), "{}", full.body);
    // A specific one of the pool is just as taken.
    let specific = api
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[0]], "starts_at": day(1), "due_at": day(1)}),
        )
        .await;
    assert_eq!(specific.status, StatusCode::CONFLICT);
    // The day after they come back, all three are free again.
    let after = api
        .post("/api/v1/loans", json!({"model": model, "lending_unit": "sti", "quantity": 3, "starts_at": day(3), "due_at": day(5)}))
        .await;
    assert_eq!(after.status, StatusCode::CREATED, "{}", after.body);
    // Availability, by day and by asset.
    let a = api
        .get(&format!(
            "/api/v1/availability?model={model}&unit=sti&from={}&to={}",
            day(0),
            day(6)
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = a.json();
    let free: Vec<i64> = a["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["available"].as_i64().unwrap())
        .collect();
    assert_eq!(free, [3, 0, 0, 0, 0, 0, 3]);
    assert_eq!(a["capacity"], 3);
}

#[actix_rt::test]
async fn a_loan_goes_out_is_reminded_becomes_overdue_escalates_and_comes_back_in_parts() {
    let app = TestApp::new().await;
    // A fixed Monday morning: the loan is due on Thursday, the reminder goes on Wednesday,
    // whatever the day the tests run.
    let monday = chrono::NaiveDate::from_ymd_opt(2029, 3, 26).unwrap();
    app.state.clock.set(
        chrono::TimeZone::from_local_datetime(
            &chrono_tz::America::Toronto,
            &monday.and_hms_opt(10, 0, 0).unwrap(),
        )
        .unwrap()
        .with_timezone(&Utc),
    );
    assert_eq!(app.state.clock.today(), monday);
    let (tags, model) = lendable(&app, "CB", 3, "chromebook", "300e Chromebook").await;
    let julie = app.api(REQUESTER_A);
    let res = julie
        .post(
            "/api/v1/loans",
            json!({"model": model, "lending_unit": "sti", "quantity": 2,
               "starts_at": day_after(monday, 0), "due_at": day_after(monday, 3),
               "purpose": "Épreuve ministérielle"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let loan = res.json();
    assert_eq!(loan["status"], "approved");
    let id = loan["id"].as_i64().unwrap();
    let desk = app.api(TECH_TI);

    // No handover before the borrower accepts the conditions; then exactly the quantity.
    let no_ack = desk
        .post(
            &format!("/api/v1/loans/{id}/checkout"),
            json!({"assets": [tags[0], tags[1]]}),
        )
        .await;
    assert_eq!(no_ack.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_ack.body.contains("accepter les conditions"),
        "{}",
        no_ack.body
    );
    assert_eq!(
        app.api(REQUESTER_B)
            .post(&format!("/api/v1/loans/{id}/acknowledge"), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let ack = julie
        .post(&format!("/api/v1/loans/{id}/acknowledge"), json!({}))
        .await;
    assert_eq!(ack.status, StatusCode::OK, "{}", ack.body);
    assert!(ack.json()["acknowledged_at"].is_string());
    let wrong = desk
        .post(
            &format!("/api/v1/loans/{id}/checkout"),
            json!({"assets": [tags[0]]}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let out = desk
        .post(
            &format!("/api/v1/loans/{id}/checkout"),
            json!({"assets": [tags[0], tags[1]]}),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert_eq!(out.json()["status"], "checked_out");
    assert_eq!(asset_status(&app, &tags[0]), "on_loan");
    assert_eq!(asset_status(&app, &tags[2]), "in_stock");

    // The clock moves: the reminder the business day before, once; overdue daily; the director
    // after three days overdue, once.
    let due = {
        let mut c = app.conn();
        guichet::loans::queries::find(&mut c, LoanId(id))
            .unwrap()
            .due_at
    };
    let run = |at: chrono::DateTime<Utc>| {
        let mut c = app.conn();
        guichet::loans::jobs::run(&mut c, at, 3).unwrap()
    };
    assert_eq!(run(due - Duration::days(6)).reminders, 0, "too early");
    let at = |d: chrono::NaiveDate, hour: u32| {
        chrono::TimeZone::from_local_datetime(
            &chrono_tz::America::Toronto,
            &d.and_hms_opt(hour, 0, 0).unwrap(),
        )
        .unwrap()
        .with_timezone(&Utc)
    };
    let tuesday = monday + Duration::days(1);
    assert_eq!(run(at(tuesday, 9)).reminders, 0, "two business days before");
    let wednesday = monday + Duration::days(2);
    assert_eq!(
        guichet::loans::jobs::business_day_before(
            &guichet::sla::calendar::Calendar::quebec_standard(2028..=2030),
            (due - Duration::seconds(1))
                .with_timezone(&chrono_tz::America::Toronto)
                .date_naive(),
        ),
        wednesday
    );
    assert_eq!(run(at(wednesday, 9)).reminders, 1);
    assert_eq!(run(at(wednesday, 10)).reminders, 0, "never twice");
    assert_eq!(outbox(&app, "loan_reminder"), [REQUESTER_A]);
    let s = run(due + Duration::hours(12));
    assert_eq!((s.overdue, s.escalated), (1, 0));
    assert_eq!(run(due + Duration::hours(13)).overdue, 0, "once a day");
    let s = run(due + Duration::days(3) + Duration::hours(12));
    assert_eq!((s.overdue, s.escalated), (1, 1));
    let s = run(due + Duration::days(4) + Duration::hours(12));
    assert_eq!(
        (s.overdue, s.escalated),
        (1, 0),
        "the director is told once"
    );
    assert_eq!(outbox(&app, "loan_escalated"), [MANAGER_A]);
    assert_eq!(outbox(&app, "loan_overdue").len(), 3);

    // A partial return: one back in good condition, the other stays out; then it comes back
    // damaged, which opens an IT request linked to it.
    let part = desk
        .post(
            &format!("/api/v1/loans/{id}/checkin"),
            json!({"items": [{"tag": tags[0], "condition": "ok"}]}),
        )
        .await;
    assert_eq!(part.status, StatusCode::OK, "{}", part.body);
    assert_eq!(part.json()["outcome"]["complete"], false);
    assert_eq!(part.json()["loan"]["status"], "checked_out");
    assert_eq!(asset_status(&app, &tags[0]), "in_stock");
    let no_note = desk
        .post(
            &format!("/api/v1/loans/{id}/checkin"),
            json!({"items": [{"tag": tags[1], "condition": "damaged"}]}),
        )
        .await;
    assert_eq!(no_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rest = desk
        .post(&format!("/api/v1/loans/{id}/checkin"),
              json!({"items": [{"tag": tags[1], "condition": "damaged", "note": "Écran fissuré"}], "borrower_agreed": true}))
        .await;
    assert_eq!(rest.status, StatusCode::OK, "{}", rest.body);
    let rest = rest.json();
    assert_eq!(rest["outcome"]["complete"], true);
    assert_eq!(rest["loan"]["status"], "returned");
    assert_eq!(asset_status(&app, &tags[1]), "in_repair");
    let number = rest["outcome"]["repair_requests"][0]
        .as_str()
        .unwrap()
        .to_string();
    let request = desk.get(&format!("/api/v1/requests/{number}")).await.json();
    assert!(request["title"].as_str().unwrap().contains(&tags[1]));
    let history = desk
        .get(&format!("/api/v1/assets/{}/history", tags[1]))
        .await
        .json();
    assert!(history
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "request_linked" && e["request"] == number.as_str()));
    // Nothing is sent once it is back.
    assert_eq!(run(due + Duration::days(6)).overdue, 0);
}

#[actix_rt::test]
async fn a_laptop_loan_waits_for_the_director_and_a_missing_laptop_is_reported() {
    let app = TestApp::new().await;
    let (tags, _) = lendable(&app, "PORT", 2, "portable", "ThinkPad E14").await;
    let julie = app.api(REQUESTER_A);
    let too_long = julie
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[0]], "starts_at": day(0), "due_at": day(400)}),
        )
        .await;
    assert_eq!(too_long.status, StatusCode::CONFLICT);
    assert!(too_long.body.contains("300 jours"), "{}", too_long.body);
    let res = julie.post("/api/v1/loans", json!({"assets": [tags[0]], "starts_at": day(0), "due_at": day(30), "purpose": "Congé de maladie"})).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_i64().unwrap();
    assert_eq!(res.json()["status"], "requested");
    let desk = app.api(TECH_TI);
    let early = desk
        .post(
            &format!("/api/v1/loans/{id}/checkout"),
            json!({"acknowledged": true}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    // Who sees it: the borrower, the director of the unit, the desk, auditors — nobody else.
    for (email, status) in [
        (REQUESTER_A, 200),
        (MANAGER_A, 200),
        (TECH_TI, 200),
        (AUDITOR, 200),
        (REQUESTER_B, 404),
        (TECH_TR, 404),
        (DG_MEMBER, 404),
    ] {
        assert_eq!(
            app.api(email)
                .get(&format!("/api/v1/loans/{id}"))
                .await
                .status
                .as_u16(),
            status,
            "{email}"
        );
    }
    assert_eq!(
        outbox(&app, "loan_approval_needed"),
        [MANAGER_A],
        "the director is asked by email"
    );
    let waiting = app
        .api(MANAGER_A)
        .get("/api/v1/loans?view=to_approve")
        .await
        .json();
    assert_eq!(waiting[0]["id"], id);
    assert_eq!(
        app.api(REQUESTER_A)
            .post(&format!("/api/v1/loans/{id}/approve"), json!({}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let ok = app
        .api(MANAGER_A)
        .post(
            &format!("/api/v1/loans/{id}/approve"),
            json!({"note": "Bon retour"}),
        )
        .await;
    assert_eq!(ok.json()["status"], "approved");

    // Extended within the longest loan of the type; handed over with the conditions accepted
    // at the desk; back missing.
    let ext = julie
        .post(
            &format!("/api/v1/loans/{id}/extend"),
            json!({"due_at": day(60)}),
        )
        .await;
    assert_eq!(ext.status, StatusCode::OK, "{}", ext.body);
    let out = desk
        .post(
            &format!("/api/v1/loans/{id}/checkout"),
            json!({"acknowledged": true, "assets": [tags[0]]}),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    assert_eq!(
        julie
            .post(&format!("/api/v1/loans/{id}/cancel"), json!({}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let back = desk
        .post(&format!("/api/v1/loans/{id}/checkin"), json!({"items": [{"tag": tags[0], "condition": "missing", "note": "Volé dans la voiture"}]}))
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(asset_status(&app, &tags[0]), "missing");
    assert_eq!(outbox(&app, "loan_missing"), [MANAGER_A]);

    // A booking cancelled frees its period at once.
    let b = julie
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[1]], "starts_at": day(5), "due_at": day(6)}),
        )
        .await
        .json();
    let b_id = b["id"].as_i64().unwrap();
    app.api(MANAGER_A)
        .post(&format!("/api/v1/loans/{b_id}/refuse"), json!({"note": ""}))
        .await;
    assert_eq!(
        julie
            .post(&format!("/api/v1/loans/{b_id}/cancel"), json!({}))
            .await
            .json()["status"],
        "cancelled"
    );
    let again = app
        .api(REQUESTER_B)
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[1]], "starts_at": day(5), "due_at": day(6)}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
}

#[actix_rt::test]
async fn the_loan_pages_book_hand_over_and_take_back() {
    let app = TestApp::new().await;
    let (tags, model) = lendable(&app, "CB", 2, "chromebook", "300e Chromebook").await;
    let pool = format!("{model}:sti");
    let julie = app.signed_in(REQUESTER_A).await;
    let catalog = julie.get("/requests/new?domain=ti").await;
    assert!(
        catalog.body.contains("href=\"/loans/new\""),
        "the IT catalog offers loans"
    );
    let form = julie.get(&format!("/loans/new?pool={pool}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let bad = julie
        .post(
            "/loans",
            &[
                ("pool", &pool),
                ("quantity", "1"),
                ("starts_at", &day(3)),
                ("due_at", &day(1)),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .body
        .contains("La date de retour doit suivre le début du prêt."));
    let res = julie
        .post(
            "/loans",
            &[
                ("pool", &pool),
                ("quantity", "2"),
                ("starts_at", &day(0)),
                ("due_at", &day(2)),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = res.location();
    let page = julie.get(&url).await;
    assert!(
        page.body.contains("La réservation est enregistrée."),
        "{}",
        page.body
    );
    let id = url
        .trim_start_matches("/loans/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let res = julie.post(&format!("/loans/{id}/acknowledge"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mine = julie.get("/loans").await;
    assert!(mine.body.contains(&format!("Prêt n° {id}")));

    let desk = app.signed_in(TECH_TI).await;
    let today = desk.get("/loans/desk").await;
    assert!(
        today.body.contains(&format!("Prêt n° {id}")),
        "{}",
        today.body
    );
    desk.get(&format!("/loans/{id}")).await;
    let scanned = format!("{}\n{}", tags[0], tags[1]);
    let res = desk
        .post(&format!("/loans/{id}/checkout"), &[("assets", &scanned)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let key0 = format!("condition.{}", tags[0]);
    let res = desk
        .post(&format!("/loans/{id}/checkin"), &[(&key0, "ok")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(asset_status(&app, &tags[0]), "in_stock");
    assert_eq!(asset_status(&app, &tags[1]), "on_loan");
    let cal = desk
        .get(&format!("/loans/availability?pool={pool}&view=month"))
        .await;
    assert_eq!(cal.status, StatusCode::OK, "{}", cal.body);
    assert!(
        cal.body.contains("Disponibilité de Lenovo 300e Chromebook"),
        "{}",
        cal.body
    );
    let week = desk.get(&format!("/loans/availability?pool={pool}")).await;
    assert!(week
        .body
        .contains("<th scope=\"row\"><a href=\"/assets/CB-01\">CB-01</a></th>"));
    let _: Value = json!(null);
}

#[actix_rt::test]
async fn equipment_still_out_past_its_return_date_is_not_lent_again() {
    let app = TestApp::new().await;
    let (tags, model) = lendable(&app, "PROJ", 1, "projecteur", "Projecteur de prêt").await;
    let julie = app.api(REQUESTER_A);
    let id = julie
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[0]], "starts_at": day(0), "due_at": day(1)}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let out = app
        .api(TECH_TI)
        .post(
            &format!("/api/v1/loans/{id}/checkout"),
            json!({"acknowledged": true}),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    // Its return date passes without it coming back.
    for sql in [
        "UPDATE loan_items SET period = tstzrange(lower(period) - interval '3 days', now() - interval '1 hour')",
        "UPDATE loans SET starts_at = starts_at - interval '3 days', due_at = now() - interval '1 hour'",
    ] {
        diesel::sql_query(sql).execute(&mut app.conn()).unwrap();
    }
    let bruno = app.api(REQUESTER_B);
    let again = bruno
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[0]], "starts_at": day(2), "due_at": day(3)}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let pool = bruno
        .post("/api/v1/loans", json!({"model": model, "lending_unit": "sti", "quantity": 1, "starts_at": day(2), "due_at": day(3)}))
        .await;
    assert_eq!(pool.status, StatusCode::CONFLICT, "{}", pool.body);
    let a = bruno
        .get(&format!(
            "/api/v1/availability?model={model}&from={}&to={}",
            day(5),
            day(6)
        ))
        .await
        .json();
    assert_eq!(a["days"][0]["available"], 0, "held until it comes back");
}

#[actix_rt::test]
async fn administrators_set_the_loan_rules_of_each_type() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    assert_eq!(
        app.signed_in(TECH_TI)
            .await
            .get("/admin/asset-types")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    admin.get("/admin/asset-types/new").await;
    let bad = admin
        .post(
            "/admin/asset-types",
            &[
                ("code", "camera"),
                ("name_fr", "Caméra"),
                ("name_en", "Camera"),
                ("max_loan_days", "900"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = admin
        .post(
            "/admin/asset-types",
            &[
                ("code", "camera"),
                ("name_fr", "Caméra"),
                ("name_en", "Camera"),
                ("max_loan_days", "5"),
                ("loan_needs_approval", "on"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let list = admin.get("/admin/asset-types").await;
    assert!(list.body.contains("Caméra"));
    let (tags, _) = lendable(&app, "CAM", 1, "camera", "Caméra de prêt").await;
    let julie = app.api(REQUESTER_A);
    let long = julie
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[0]], "starts_at": day(0), "due_at": day(10)}),
        )
        .await;
    assert_eq!(long.status, StatusCode::CONFLICT);
    assert!(long.body.contains("5 jours"), "{}", long.body);
    let res = julie
        .post(
            "/api/v1/loans",
            json!({"assets": [tags[0]], "starts_at": day(0), "due_at": day(3)}),
        )
        .await;
    assert_eq!(res.json()["status"], "requested", "{}", res.body);
}
