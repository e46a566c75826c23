//! SLA clocks on real requests: due dates from the default policy in business time, pauses while
//! waiting for the requester accounted for and kept across a priority change, first response
//! recorded, and the clock log behind « Pourquoi cette échéance ? ».

use crate::support::*;
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use guichet::sla::calendar::Calendar;
use serde_json::json;

fn at(v: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a date: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}

fn cal() -> Calendar {
    let y = chrono::Datelike::year(&Utc::now());
    Calendar::quebec_standard(y - 1..=y + 5)
}

fn clock_log(app: &TestApp, number: &str) -> Vec<(String, String)> {
    use guichet::db::schema::{requests, sla_clock_events};
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    sla_clock_events::table
        .inner_join(requests::table)
        .filter(requests::number.eq(n))
        .order(sla_clock_events::id)
        .select((sla_clock_events::clock, sla_clock_events::kind))
        .load(&mut app.conn())
        .unwrap()
}

fn sql(app: &TestApp, q: String) {
    diesel::sql_query(q).execute(&mut app.conn()).unwrap();
}

#[actix_rt::test]
async fn due_dates_follow_the_policy_in_business_time_and_pauses_survive_a_priority_change() {
    let app = TestApp::new().await;
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "rm-mobilier", "title": "Classeurs"}),
        )
        .await;
    let r = res.json();
    let number = r["number"].as_str().unwrap().to_string();
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    let created = at(&r["created_at"]);
    let c = cal();
    // Normal priority under « Standard »: 4 h to a first response, 45 h to a resolution.
    assert_eq!(
        at(&r["sla"]["first_response_due"]),
        c.add(created, 240).unwrap()
    );
    assert_eq!(
        at(&r["sla"]["resolution_due"]),
        c.add(created, 2700).unwrap()
    );
    assert_eq!(r["sla"]["paused"], false);
    assert_eq!(r["sla"]["first_response_breached"], false);

    // The technician asks a question: first response given, resolution clock paused.
    let t = app.api(TECH_RM);
    let r = t
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "waiting_requester", "note": "Combien de tiroirs ?"}),
        )
        .await
        .json();
    assert_eq!(r["sla"]["paused"], true);
    assert!(r["sla"]["first_responded_at"].is_string());

    // Two weeks pass while waiting (moved back in time), then the requester answers.
    sql(&app, format!("UPDATE requests SET sla_paused_since = sla_paused_since - interval '14 days' WHERE number = {n}"));
    let paused_since: DateTime<Utc> = {
        use guichet::db::schema::requests::dsl::*;
        requests
            .filter(number.eq(n))
            .select(sla_paused_since.assume_not_null())
            .first(&mut app.conn())
            .unwrap()
    };
    app.api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Quatre tiroirs."}),
        )
        .await;
    let r = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .json();
    assert_eq!(r["status"], "in_progress");
    assert_eq!(r["sla"]["paused"], false);
    let paused = r["sla"]["paused_minutes"].as_i64().unwrap();
    let expected = c.minutes_between(paused_since, Utc::now());
    assert!(
        (expected - paused).abs() <= 1 && paused >= 9 * 60 * 8,
        "paused {paused} business minutes, expected about {expected}"
    );
    assert_eq!(
        at(&r["sla"]["resolution_due"]),
        c.add(created, 2700 + paused).unwrap()
    );

    // Raising the priority recomputes the due date and keeps the paused time.
    let res = t
        .post(
            &format!("/api/v1/requests/{number}/priority"),
            json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let r = res.json();
    assert_eq!(r["priority"], "urgent");
    assert_eq!(r["sla"]["paused_minutes"].as_i64().unwrap(), paused);
    assert_eq!(
        at(&r["sla"]["resolution_due"]),
        c.add(created, 540 + paused).unwrap()
    );

    // A requester may not change the priority.
    let res = app
        .api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/priority"),
            json!({"priority": "low"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let kinds: Vec<String> = clock_log(&app, &number)
        .iter()
        .map(|(c, k)| format!("{c}:{k}"))
        .collect();
    assert_eq!(
        kinds,
        [
            "first_response:started",
            "resolution:started",
            "resolution:paused",
            "first_response:met",
            "resolution:resumed",
            "resolution:target_changed"
        ],
    );
}

#[actix_rt::test]
async fn a_late_first_response_is_recorded_as_breached_and_explained_on_the_page() {
    let app = TestApp::new().await;
    let r = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Écran bleu"}),
        )
        .await
        .json();
    let number = r["number"].as_str().unwrap().to_string();
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    sql(
        &app,
        format!("UPDATE requests SET first_response_due = now() - interval '1 hour', resolution_due = now() - interval '1 minute' WHERE number = {n}"),
    );
    let r = app
        .api(TECH_TI)
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .json();
    assert_eq!(r["sla"]["first_response_breached"], true);
    assert_eq!(r["sla"]["resolution_breached"], true);
    app.api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Je passe cet après-midi."}),
        )
        .await;
    assert!(clock_log(&app, &number).contains(&("first_response".into(), "breached".into())));

    let web = app.signed_in(TECH_TI).await;
    let page = web.get(&format!("/requests/{number}")).await;
    assert!(page.body.contains("Entente de niveau de service"));
    assert!(page.body.contains("Délai dépassé"));
    assert!(page.body.contains("Pourquoi cette échéance ?"));
    assert!(
        page.body.contains("Politique « Standard »"),
        "{}",
        page.body
    );
}

#[actix_rt::test]
async fn resolving_stops_the_clock_and_reopening_resumes_it() {
    let app = TestApp::new().await;
    let r = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "rm-mobilier", "title": "Chaise brisée"}),
        )
        .await
        .json();
    let number = r["number"].as_str().unwrap().to_string();
    let t = app.api(TECH_RM);
    let r = t
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "resolved", "note": "Remplacée"}),
        )
        .await
        .json();
    assert_eq!(r["sla"]["paused"], true);
    assert_eq!(r["sla"]["resolution_breached"], false);
    let r = app
        .api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "in_progress", "note": "L'autre aussi"}),
        )
        .await
        .json();
    assert_eq!(r["sla"]["paused"], false);
    let log = clock_log(&app, &number);
    assert!(log.contains(&("resolution".into(), "met".into())));
    assert_eq!(
        log.last().unwrap(),
        &("resolution".to_string(), "resumed".to_string())
    );
    t.post(
        &format!("/api/v1/requests/{number}/transitions"),
        json!({"to": "cancelled", "note": "Doublon"}),
    )
    .await;
    assert_eq!(
        clock_log(&app, &number).last().unwrap(),
        &("resolution".to_string(), "stopped".to_string())
    );
}

#[actix_rt::test]
async fn two_servers_scanning_at_once_emit_each_warning_and_breach_exactly_once() {
    let app = TestApp::new().await;
    for i in 0..30 {
        app.api(REQUESTER_A)
            .post(
                "/api/v1/requests",
                json!({"category": "ti-projecteur", "title": format!("Projecteur {i}")}),
            )
            .await;
    }
    sql(&app, format!("UPDATE teams SET lead_id = (SELECT id FROM users WHERE email = '{TECH_TI}') WHERE code = 'ti'"));
    // The first-response target has passed; the resolution clock is past its warning share only.
    sql(
        &app,
        "UPDATE requests SET first_response_warn_at = now() - interval '2 hours', first_response_due = now() - interval '1 hour', \
         resolution_warn_at = now() - interval '1 minute', resolution_due = now() + interval '1 day'"
            .into(),
    );
    let now = Utc::now();
    let pool = app.state.pool.clone();
    let reports: Vec<guichet::sla::jobs::ScanReport> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let pool = pool.clone();
                s.spawn(move || guichet::sla::jobs::scan(&mut pool.get().unwrap(), now, 4).unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        reports.iter().map(|r| r.breaches).sum::<usize>(),
        30,
        "{reports:?}"
    );
    assert_eq!(
        reports.iter().map(|r| r.warnings).sum::<usize>(),
        30,
        "{reports:?}"
    );

    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count = |q: &str| {
        diesel::sql_query(q)
            .get_result::<N>(&mut app.conn())
            .unwrap()
            .n
    };
    assert_eq!(count("SELECT count(DISTINCT request_id) AS n FROM sla_clock_events WHERE clock = 'first_response' AND kind = 'breached'"), 30);
    assert_eq!(
        count("SELECT count(*) AS n FROM sla_clock_events WHERE kind IN ('breached', 'warned')"),
        60
    );
    // The first-response warning is moot once its breach is emitted.
    assert_eq!(count("SELECT count(*) AS n FROM sla_clock_events WHERE clock = 'first_response' AND kind = 'warned'"), 0);
    assert_eq!(count("SELECT count(*) AS n FROM request_events WHERE kind IN ('sla_breach', 'sla_warning') AND internal"), 60);
    assert_eq!(count(&format!("SELECT count(*) AS n FROM outbox WHERE recipient = '{TECH_TI}' AND template IN ('sla_breach', 'sla_warning')")), 60);

    // A later scan (or a server catching up after a stop) emits nothing again.
    let again = guichet::sla::jobs::scan(&mut app.conn(), Utc::now(), 4).unwrap();
    assert_eq!(again, guichet::sla::jobs::ScanReport::default());
    // Paused clocks are not warned about.
    sql(
        &app,
        "UPDATE requests SET resolution_warned_at = NULL, sla_paused_since = now()".into(),
    );
    assert_eq!(
        guichet::sla::jobs::scan(&mut app.conn(), Utc::now(), 4)
            .unwrap()
            .warnings,
        0
    );
}

#[actix_rt::test]
async fn an_admin_sets_a_policy_and_calendar_that_new_requests_of_a_category_follow() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    admin.get("/admin/sla/calendars/new").await;
    let res = admin
        .post(
            "/admin/sla/calendars",
            &[
                ("code", "ti-soir"),
                ("name_fr", "TI soir"),
                ("name_en", "IT evening"),
                ("definition", "{\"tz\": \"Mars/Olympus\", \"week\": []}"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Le calendrier n&#x27;est pas valide")
            || res.body.contains("Le calendrier n'est pas valide"),
        "{}",
        res.body
    );
    // Seven days a week, 8:00 to 20:00, no holidays.
    let day = "[[\"08:00\",\"20:00\"]]";
    let def = format!("{{\"tz\": \"America/Toronto\", \"week\": [{day},{day},{day},{day},{day},{day},{day}], \"quebec_holidays\": false}}");
    let res = admin
        .post(
            "/admin/sla/calendars",
            &[
                ("code", "ti-soir"),
                ("name_fr", "TI soir"),
                ("name_en", "IT evening"),
                ("definition", &def),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let calendar_id = res.location().rsplit('/').next().unwrap().to_string();

    admin.get("/admin/sla/policies/new").await;
    let mut fields = vec![
        ("code", "ti-urgent"),
        ("name_fr", "TI prioritaire"),
        ("name_en", "IT priority"),
        ("calendar", calendar_id.as_str()),
        ("warning_percent", "150"),
        ("active", "on"),
    ];
    let res = admin.post("/admin/sla/policies", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .body
        .contains("La valeur doit être comprise entre 1 et 99."));
    assert!(
        res.body
            .contains("Entrez un nombre d&#x27;heures supérieur à 0")
            || res.body.contains("Entrez un nombre d'heures supérieur à 0")
    );
    fields[4] = ("warning_percent", "50");
    let targets = [
        ("first_urgent", "0,5"),
        ("resolution_urgent", "2"),
        ("first_high", "1"),
        ("resolution_high", "4"),
        ("first_normal", "2"),
        ("resolution_normal", "8"),
        ("first_low", "4"),
        ("resolution_low", "16"),
    ];
    fields.extend_from_slice(&targets);
    let res = admin.post("/admin/sla/policies", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let policy_id = res.location().rsplit('/').next().unwrap().to_string();

    let cat: i64 = {
        use guichet::db::schema::categories::dsl::*;
        categories
            .filter(code.eq("ti-projecteur"))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    admin.get(&format!("/admin/categories/{cat}")).await;
    let res = admin
        .post(
            &format!("/admin/categories/{cat}"),
            &[
                ("name_fr", "Projecteur ou TNI défectueux"),
                ("name_en", "Projector"),
                ("default_priority", "normal"),
                ("sla_policy", &policy_id),
                ("active", "on"),
                ("form", "{\"fields\": []}"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let r = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur"}),
        )
        .await
        .json();
    let created = at(&r["created_at"]);
    let evening = guichet::sla::calendar::CalendarDef {
        tz: "America/Toronto".into(),
        week: vec![vec![["08:00".to_string(), "20:00".to_string()]]; 7],
        periods: vec![],
        quebec_holidays: false,
        days_off: vec![],
    }
    .build(2026..=2026)
    .unwrap();
    assert_eq!(
        at(&r["sla"]["first_response_due"]),
        evening.add(created, 120).unwrap()
    );
    assert_eq!(
        at(&r["sla"]["resolution_due"]),
        evening.add(created, 480).unwrap()
    );

    // The default policy cannot stop being the default without another taking its place.
    let std_id: i64 = {
        use guichet::db::schema::sla_policies::dsl::*;
        sla_policies
            .filter(is_default.eq(true))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    let page = admin.get(&format!("/admin/sla/policies/{std_id}")).await;
    assert!(page.body.contains("value=\"45\""), "targets shown in hours");
    let mut keep = fields.clone();
    keep.retain(|(k, _)| *k != "code");
    let res = admin
        .post(&format!("/admin/sla/policies/{std_id}"), &keep)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res
        .body
        .contains("Une politique doit rester la politique par défaut"));
}

#[actix_rt::test]
async fn a_breach_escalates_as_the_policy_says_once() {
    let app = TestApp::new().await;
    sql(&app, "INSERT INTO teams (code, name_fr, name_en, domain) VALUES ('ti-n2', 'Soutien TI niveau 2', 'IT level 2', 'ti')".into());
    sql(&app, "UPDATE sla_policies SET escalation = '{\"raise_priority\": true, \"team\": \"ti-n2\"}' WHERE is_default".into());
    let r = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur en panne"}),
        )
        .await
        .json();
    let number = r["number"].as_str().unwrap().to_string();
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    app.api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/assign"),
            json!({"assignee": "me"}),
        )
        .await;
    app.api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Je regarde."}),
        )
        .await;
    sql(&app, format!("UPDATE requests SET resolution_due = now() - interval '1 minute', resolution_warned_at = now() WHERE number = {n}"));

    let report = guichet::sla::jobs::scan(&mut app.conn(), Utc::now(), 10).unwrap();
    assert_eq!(report.breaches, 1);
    let r = app
        .api(TECH_TI)
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .json();
    assert_eq!(r["priority"], "high", "raised one step");
    assert_eq!(r["team"]["code"], "ti-n2");
    assert!(r["assignee"].is_null(), "the new team decides who takes it");
    let events = app
        .api(TECH_TI)
        .get(&format!("/api/v1/requests/{number}/events"))
        .await
        .json();
    let system: Vec<&serde_json::Value> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor"].is_null())
        .collect();
    assert!(system
        .iter()
        .any(|e| e["kind"] == "field_changed" && e["data"]["escalation"] == "resolution"));
    assert!(system
        .iter()
        .any(|e| e["kind"] == "assigned" && e["data"]["escalation"] == "resolution"));
    assert!(system
        .iter()
        .any(|e| e["kind"] == "sla_breach" && e["internal"] == true));

    // Nothing more on the next scan.
    assert_eq!(
        guichet::sla::jobs::scan(&mut app.conn(), Utc::now(), 10)
            .unwrap()
            .breaches,
        0
    );
    let r = app
        .api(TECH_TI)
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .json();
    assert_eq!(r["priority"], "high");
    // The requester sees the priority change but not the internal breach note.
    let mine = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}/events"))
        .await
        .json();
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["kind"] != "sla_breach"));
}
