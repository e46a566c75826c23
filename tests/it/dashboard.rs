//! Dashboards: figures checked against a hand-computed history (the school-year boundary in
//! Montréal time, a holiday, pauses, breaches, cancellations), who may see which scope, the CSV
//! files, the satisfaction ratings (page and one-click email link), and the benchmark
//! generator's output read back by the application.

use crate::support::app::{csrf_in, Resp};
use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::{json, Value};

const LAST_YEAR: &str = "period=custom&from=2025-07-01&to=2026-06-30";

async fn create(app: &TestApp, who: &str, title: &str) -> String {
    let res = app
        .api(who)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": title, "fields": {"local": app.world.room_a}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["number"].as_str().unwrap().to_string()
}

fn number_of(n: &str) -> i64 {
    n.trim_start_matches("DS-").parse().unwrap()
}

/// Rewrites a request's state and instants (local Montréal times, `NULL` allowed).
fn set(app: &TestApp, number: &str, assignments: &str) {
    let sql = format!(
        "UPDATE requests SET {assignments} WHERE number = {}",
        number_of(number)
    );
    diesel::sql_query(sql).execute(&mut app.conn()).unwrap();
}

fn local(t: &str) -> String {
    format!("(TIMESTAMP '{t}' AT TIME ZONE 'America/Toronto')")
}

/// Seven requests whose figures over the school year 2025–2026 are known by hand.
async fn history(app: &TestApp) -> Vec<String> {
    let mut n = Vec::new();
    for i in 1..=6 {
        n.push(create(app, REQUESTER_A, &format!("Projecteur {i}")).await);
    }
    let res = app
        .api(REQUESTER_B)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur B", "fields": {"local": app.world.room_b}}),
        )
        .await;
    n.push(res.json()["number"].as_str().unwrap().to_string());
    let none = "first_response_due = NULL, resolution_due = NULL, first_response_at = NULL";
    // r1: one minute too early (30 June, 23:30 in Montréal), still new.
    set(
        app,
        &n[0],
        &format!("created_at = {}, {none}", local("2025-06-30 23:30")),
    );
    // r2: the first minutes of the year (on Canada Day, a holiday), resolved on 2 July at
    // 10:00 after 30 paused minutes: 150 business minutes less 30 = 2 h. Both clocks met.
    set(
        app,
        &n[1],
        &format!(
            "created_at = {}, status = 'resolved', status_kind = 'resolved', resolved_at = {r},
             sla_paused_since = {r}, sla_paused_minutes = 30, resolve_minutes = NULL,
             first_response_due = {}, first_response_at = {}, resolution_due = {}",
            local("2025-07-01 00:10"),
            local("2025-07-02 12:00"),
            local("2025-07-02 09:00"),
            local("2025-07-03 12:00"),
            r = local("2025-07-02 10:00"),
        ),
    );
    // r3: the last minutes of the year, in progress, past its resolution due (a breach, and a
    // resolution missed in the year); its first response is due the next year.
    set(
        app,
        &n[2],
        &format!(
            "created_at = {}, status = 'in_progress', status_kind = 'open', first_response_at = NULL,
             first_response_due = {}, resolution_due = {}",
            local("2026-06-30 23:50"),
            local("2026-07-02 10:00"),
            local("2026-06-30 22:00"),
        ),
    );
    // r4: the next year; waiting for the requester (clock paused) with a stale due date in the
    // year: neither a breach nor counted.
    set(
        app,
        &n[3],
        &format!(
            "created_at = {}, status = 'waiting_requester', status_kind = 'pending',
             sla_paused_since = {}, first_response_due = NULL, resolution_due = {}",
            local("2026-07-01 00:05"),
            local("2026-07-02 09:00"),
            local("2026-01-10 12:00"),
        ),
    );
    // r5: cancelled the day after, past its first response due (missed) but before its
    // resolution due (not counted).
    set(
        app,
        &n[4],
        &format!(
            "created_at = {}, status = 'cancelled', status_kind = 'cancelled', closed_at = {},
             first_response_at = NULL, first_response_due = {}, resolution_due = {}",
            local("2025-09-15 10:00"),
            local("2025-09-16 10:00"),
            local("2025-09-15 14:00"),
            local("2025-09-20 12:00"),
        ),
    );
    // r6: in winter (UTC−5), resolved two days later with no answer before: 450 + 540 + 90 =
    // 1,080 business minutes (18 h), both clocks missed.
    set(
        app,
        &n[5],
        &format!(
            "created_at = {}, status = 'closed', status_kind = 'closed', resolved_at = {},
             closed_at = {}, sla_paused_since = NULL, sla_paused_minutes = 0, resolve_minutes = NULL,
             first_response_at = NULL, first_response_due = {}, resolution_due = {}",
            local("2026-02-10 09:00"),
            local("2026-02-12 09:00"),
            local("2026-02-12 09:00"),
            local("2026-02-10 13:00"),
            local("2026-02-11 16:00"),
        ),
    );
    // r7: École B, new, no clock.
    set(
        app,
        &n[6],
        &format!("created_at = {}, {none}", local("2026-03-03 10:00")),
    );
    guichet::dashboard::resolve::backfill(&mut app.conn(), 100).unwrap();
    // Ratings: r2 very satisfied, r6 very dissatisfied (with a comment).
    for (number, rating, comment, at) in [
        (&n[1], 5, "", "2025-07-03 09:00"),
        (&n[5], 1, "Deux jours sans nouvelles.", "2026-02-13 09:00"),
    ] {
        diesel::sql_query(format!(
            "INSERT INTO satisfaction_ratings (request_id, rating, comment, created_at, updated_at,
                                               domain, team_id, unit_id, category_id)
             SELECT id, {rating}, '{comment}', {t}, {t}, domain, team_id, unit_id, category_id
               FROM requests WHERE number = {}",
            number_of(number),
            t = local(at)
        ))
        .execute(&mut app.conn())
        .unwrap();
    }
    n
}

async fn figures(app: &TestApp, who: &str, query: &str) -> Resp {
    app.api(who)
        .get(&format!("/api/v1/dashboard?{query}"))
        .await
}

fn tiles(v: &Value) -> &Value {
    &v["tiles"]
}

#[actix_web::test]
async fn figures_match_a_history_counted_by_hand() {
    let app = TestApp::new().await;
    let n = history(&app).await;
    let res = figures(&app, ADMIN, LAST_YEAR).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v = res.json();
    assert_eq!(v["scope"], "board");
    assert_eq!(v["period"]["from"], "2025-07-01");
    assert_eq!(v["period"]["to"], "2026-06-30");
    // The same figures once the days are counted and read from `dashboard_days` (a year of
    // days never counted is counted live, not made to wait).
    let counted =
        guichet::dashboard::days::refresh_pending(&mut app.conn(), chrono::Utc::now()).unwrap();
    assert!(counted >= 365, "{counted}");
    let mut again = figures(&app, ADMIN, LAST_YEAR).await.json();
    let mut first = v.clone();
    first["generated_at"] = Value::Null;
    again["generated_at"] = Value::Null;
    assert_eq!(again, first);
    let t = tiles(&v);
    // Created in the year: r2, r3, r5, r6, r7 (not r1, one minute early, nor r4, five after).
    assert_eq!(t["new"], 5, "{t}");
    assert_eq!(t["resolved"], 2);
    // Open now: r1, r3, r4, r7.
    assert_eq!(t["backlog"], 4);
    assert_eq!(t["breaches_in_progress"], 1);
    assert_eq!(
        t["first_response"],
        json!({"due": 3, "met": 1, "percent": 33.3})
    );
    assert_eq!(
        t["resolution"],
        json!({"due": 3, "met": 1, "percent": 33.3})
    );
    assert_eq!(t["resolve_hours_median"], 2.0);
    assert_eq!(t["resolve_hours_p90"], 18.0);
    assert_eq!(t["approvals_waiting"], 0);
    // The first week starts on 1 July (a Tuesday), the last on Monday 29 June.
    let trend = v["trend"].as_array().unwrap();
    assert_eq!(trend[0]["from"], "2025-07-01");
    assert_eq!(trend[0]["created"], 1);
    assert_eq!(trend[0]["resolved"], 1);
    assert_eq!(trend.last().unwrap()["from"], "2026-06-29");
    assert_eq!(trend.last().unwrap()["created"], 1);
    let total: i64 = trend.iter().map(|r| r["created"].as_i64().unwrap()).sum();
    assert_eq!(total, 5);
    assert_eq!(v["units"][0]["code"], "ecole-a");
    assert_eq!(v["units"][0]["count"], 4);
    assert_eq!(v["units"][1]["count"], 1);
    assert_eq!(v["categories"][0]["count"], 5);
    let ages: i64 = v["backlog_ages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_i64().unwrap())
        .sum();
    assert_eq!(ages, 4);
    let s = &v["satisfaction"];
    assert_eq!(s["count"], 2);
    assert_eq!(s["average"], 3.0);
    assert_eq!(s["distribution"], json!([1, 0, 0, 0, 1]));
    assert_eq!(s["by_unit"][0]["code"], "ecole-a");
    assert_eq!(s["by_unit"][0]["distribution"], json!([1, 0, 0, 0, 1]));
    assert_eq!(s["by_unit"][0]["average"], 3.0);
    assert_eq!(s["by_category"][0]["count"], 2);
    assert_eq!(s["by_team"][0]["code"], "ti");
    assert_eq!(v["low_ratings"][0]["number"], n[5]);
    assert_eq!(v["low_ratings"][0]["comment"], "Deux jours sans nouvelles.");

    // The school year before holds only r1.
    let v = figures(&app, ADMIN, "period=custom&from=2024-07-01&to=2025-06-30")
        .await
        .json();
    assert_eq!(tiles(&v)["new"], 1);
    assert_eq!(tiles(&v)["resolve_hours_median"], Value::Null);
    assert_eq!(tiles(&v)["first_response"]["percent"], Value::Null);

    // A unit's director: École A only, by default.
    let v = figures(&app, MANAGER_A, LAST_YEAR).await.json();
    assert_eq!(v["scope"], "unit:ecole-a");
    assert_eq!(tiles(&v)["new"], 4);
    assert_eq!(tiles(&v)["backlog"], 3);
    assert_eq!(v["satisfaction"]["count"], 2);
    let v = figures(&app, ADMIN, &format!("{LAST_YEAR}&scope=unit:ecole-b"))
        .await
        .json();
    assert_eq!(tiles(&v)["new"], 1);
    assert_eq!(v["satisfaction"]["count"], 0);
    assert_eq!(v["low_ratings"], json!([]));

    // A domain: everything is TI here; nothing in material resources.
    let v = figures(&app, ADMIN, &format!("{LAST_YEAR}&scope=domain:materiel"))
        .await
        .json();
    assert_eq!(tiles(&v)["new"], 0);
    assert_eq!(v["trend"][0]["created"], 0);
}

#[actix_web::test]
async fn resolving_a_request_records_its_business_time_and_reopening_clears_it() {
    let app = TestApp::new().await;
    let number = create(&app, REQUESTER_A, "Projecteur").await;
    let res = app
        .api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "resolved", "note": "Lampe remplacée."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let minutes = || -> Option<i32> {
        use guichet::db::schema::requests;
        requests::table
            .filter(requests::number.eq(number_of(&number)))
            .select(requests::resolve_minutes)
            .first(&mut app.conn())
            .unwrap()
    };
    assert!(minutes().is_some());
    let res = app
        .api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "in_progress", "note": "Le problème est revenu."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(minutes(), None);
}

#[actix_web::test]
async fn each_person_sees_only_the_scopes_that_are_theirs() {
    let app = TestApp::new().await;
    // Requesters and technicians have no dashboard.
    for who in [REQUESTER_A, TECH_TI] {
        assert_eq!(figures(&app, who, "").await.status, StatusCode::FORBIDDEN);
        let page = app.signed_in(who).await.get("/dashboard").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
    // A director: their unit, not another's nor the board.
    for scope in ["board", "unit:ecole-b", "domain:ti", "team:ti"] {
        let res = figures(&app, MANAGER_A, &format!("scope={scope}")).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{scope}");
    }
    let res = figures(&app, MANAGER_A, "scope=unit:nowhere").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.json()["error"]["fields"]["scope"].is_array(),
        "{}",
        res.body
    );
    // A service manager of TI: the TI domain and its team, not material resources.
    let email = "chef.ti@sti.test";
    {
        use guichet::audit::Origin;
        use guichet::users::model::Role;
        use guichet::users::service::{self as accounts, NewAccount};
        let conn = &mut app.conn();
        let sti = guichet::units::queries::by_code(conn, "sti").unwrap().id;
        let id = accounts::upsert_account(
            conn,
            &Origin::default(),
            NewAccount {
                email: email.into(),
                display_name: "Chef TI".into(),
                locale: "fr".into(),
                password_hash: None,
                roles: vec![(sti, Role::ServiceManager)],
            },
        )
        .unwrap();
        let team = guichet::users::queries::team_by_code(conn, "ti")
            .unwrap()
            .unwrap();
        guichet::users::queries::add_team_member(conn, team.id, id).unwrap();
        accounts::create_token(conn, email, "tests").unwrap();
    }
    let token = {
        use guichet::users::service as accounts;
        accounts::create_token(&mut app.conn(), email, "dashboard").unwrap()
    };
    let api = |q: &'static str| {
        let app = &app;
        let token = token.clone();
        async move {
            app.send(
                actix_web::test::TestRequest::get()
                    .uri(&format!("/api/v1/dashboard?{q}"))
                    .insert_header(("Authorization", format!("Bearer {token}"))),
            )
            .await
        }
    };
    let res = api("").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["scope"], "domain:ti");
    assert_eq!(api("scope=team:ti").await.status, StatusCode::OK);
    assert_eq!(
        api("scope=domain:materiel").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(api("scope=team:rm").await.status, StatusCode::FORBIDDEN);
    assert_eq!(api("scope=board").await.status, StatusCode::FORBIDDEN);
    // Bad periods are refused with the field at fault, in French.
    let res = figures(&app, ADMIN, "period=custom&from=2026-11-30&to=2026-11-01").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.json()["error"]["fields"]["to"][0],
        "La fin de la période doit suivre son début."
    );
    let page = app
        .signed_in(ADMIN)
        .await
        .get("/dashboard?period=custom&from=2026-11-30&to=2026-11-01")
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("La fin de la période doit suivre son début."));
}

#[actix_web::test]
async fn the_page_report_and_csv_files_show_the_same_figures() {
    let app = TestApp::new().await;
    let n = history(&app).await;
    let b = app.signed_in(ADMIN).await;
    let page = b.get(&format!("/dashboard?{LAST_YEAR}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "Nouvelles demandes",
        "33,3 %",
        "2 h",
        "18 h",
        "Deux jours sans nouvelles.",
        "<svg",
    ] {
        assert!(page.body.contains(text), "missing {text}");
    }
    // A tile opens the matching queue.
    let links = page.body.replace("&#x3D;", "=").replace("&amp;", "&");
    assert!(
        links.contains("href=\"/queue?sla=breached\""),
        "breaches link"
    );
    let queue = b.get("/queue?sla=breached").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&n[2]), "r3 is the breach");
    assert!(!queue.body.contains(&n[0]));
    // The list says where it comes from, keeps the filter when refined, and can drop it.
    assert!(queue
        .body
        .contains("Liste filtrée depuis le tableau de bord"));
    assert!(queue
        .body
        .contains("<strong>Dépassements en cours</strong>"));
    assert!(queue
        .body
        .contains(r#"<input type="hidden" name="sla" value="breached">"#));
    let created = b
        .get("/queue?status=all&created_since=2025-07-01&created_before=2026-07-01")
        .await;
    for (i, shown) in [false, true, true, false, true, true, true]
        .iter()
        .enumerate()
    {
        assert_eq!(created.body.contains(&n[i]), *shown, "r{}", i + 1);
    }
    assert!(
        created
            .body
            .contains("créées du 1er juillet 2025 au 30 juin 2026"),
        "{}",
        created.body
    );
    let bad = b.get("/queue?created_since=hier").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let report = b.get(&format!("/dashboard/report?{LAST_YEAR}")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(report.body.contains("Rapport de service"));
    assert!(report.body.contains("33,3 %"));

    let csv = b
        .get(&format!("/dashboard/export/tiles.csv?{LAST_YEAR}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    assert!(csv.body.contains("Nouvelles demandes;5"), "{}", csv.body);
    assert!(csv.body.contains("Première réponse dans les délais;33,3"));
    let trend = b
        .get(&format!("/dashboard/export/trend.csv?{LAST_YEAR}"))
        .await;
    let lines: Vec<&str> = trend.body.lines().collect();
    assert_eq!(lines.len(), 1 + 53, "header and 53 weeks");
    assert!(lines[1].starts_with("2025-07-01;1;1;"));
    let sat = b
        .get(&format!("/dashboard/export/satisfaction.csv?{LAST_YEAR}"))
        .await;
    assert!(
        sat.body.contains("Unité;École A;2;3;1;0;0;0;1"),
        "{}",
        sat.body
    );
    let low = b
        .get(&format!("/dashboard/export/low_ratings.csv?{LAST_YEAR}"))
        .await;
    assert!(low.body.contains("Deux jours sans nouvelles."));
    for table in guichet::dashboard::pages::TABLES {
        let res = b
            .get(&format!("/dashboard/export/{table}.csv?{LAST_YEAR}"))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{table}");
    }
    assert_eq!(
        b.get("/dashboard/export/secret.csv").await.status,
        StatusCode::NOT_FOUND
    );
    let director = app.signed_in(MANAGER_A).await;
    let res = director
        .get("/dashboard/export/tiles.csv?scope=board")
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Views are audited.
    use guichet::db::schema::audit_log;
    let views: i64 = audit_log::table
        .filter(audit_log::action.eq("dashboard.viewed"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert!(views >= 6, "{views}");
}

fn rating_of(app: &TestApp, number: &str) -> Option<(i16, String)> {
    use guichet::db::schema::{requests, satisfaction_ratings};
    satisfaction_ratings::table
        .inner_join(requests::table)
        .filter(requests::number.eq(number_of(number)))
        .select((satisfaction_ratings::rating, satisfaction_ratings::comment))
        .first(&mut app.conn())
        .optional()
        .unwrap()
}

#[actix_web::test]
async fn requesters_rate_a_resolved_request_with_one_click_or_on_its_page() {
    let app = TestApp::new().await;
    let number = create(&app, REQUESTER_A, "Projecteur").await;
    let other = create(&app, REQUESTER_A, "Toujours ouvert").await;
    let res = app
        .api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "resolved", "note": "Lampe remplacée."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // The resolution email asks the requester (only) with signed links.
    let payloads: Vec<(String, Value)> = {
        use guichet::db::schema::outbox;
        outbox::table
            .filter(outbox::template.eq("status_changed"))
            .select((outbox::recipient, outbox::payload))
            .load(&mut app.conn())
            .unwrap()
    };
    let asked: Vec<&(String, Value)> = payloads
        .iter()
        .filter(|p| p.1.get("rate").is_some())
        .collect();
    assert_eq!(asked.len(), 1, "{payloads:?}");
    assert_eq!(asked[0].0, REQUESTER_A);
    let token = asked[0].1["rate"].as_str().unwrap().to_string();

    // The link, without signing in, shows the score clicked and records nothing (a mail
    // scanner opening every link must not rate for the requester).
    let visitor = app.browser();
    let page = visitor.get(&format!("/rate/{token}/4")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("Merci! Votre note est enregistrée."));
    assert!(
        page.body.contains("pas encore enregistrée"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="4" checked"#), "{}", page.body);
    assert_eq!(rating_of(&app, &number), None);
    let page = visitor.get(&format!("/rate/{token}/5")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        rating_of(&app, &number),
        None,
        "still nothing on a second GET"
    );
    // The form records it, with a comment or another score.
    let res = visitor
        .post(&format!("/rate/{token}"), &[("rating", "4")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Merci! Votre note est enregistrée."));
    assert_eq!(rating_of(&app, &number), Some((4, String::new())));
    assert!(csrf_in(&page.body).is_some());
    let res = visitor
        .post(
            &format!("/rate/{token}"),
            &[("rating", "2"), ("comment", "Il a fallu attendre.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(
        rating_of(&app, &number),
        Some((2, "Il a fallu attendre.".into()))
    );
    // No score: refused, nothing changes.
    let res = visitor
        .post(&format!("/rate/{token}"), &[("comment", "x")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Choisissez une note de 1 à 5."));
    assert_eq!(
        rating_of(&app, &number),
        Some((2, "Il a fallu attendre.".into()))
    );
    // A forged or altered link, or a score out of range, finds nothing.
    let last = if token.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    for path in [
        format!("/rate/{forged}/5"),
        format!("/rate/{token}/9"),
        "/rate/abc/5".into(),
    ] {
        assert_eq!(
            visitor.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(rating_of(&app, &number).unwrap().0, 2);
    // A request not resolved yet cannot be rated, even with a right link.
    let key = guichet::signing::instance_key(&mut app.conn()).unwrap();
    let early = guichet::signing::rating_token(&key, number_of(&other));
    let res = visitor.get(&format!("/rate/{early}/5")).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("pas encore résolue"));
    assert_eq!(rating_of(&app, &other), None);

    // On the request's page: the requester changes the rating.
    let b = app.signed_in(REQUESTER_A).await;
    let page = b.get(&format!("/requests/{number}")).await;
    assert!(page.body.contains("Votre avis"));
    let res = b
        .post(
            &format!("/requests/{number}/rating"),
            &[("rating", "5"), ("comment", "Finalement parfait.")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        rating_of(&app, &number),
        Some((5, "Finalement parfait.".into()))
    );
    // Somebody else cannot.
    let intruder = app.signed_in(TECH_TI).await;
    let res = intruder
        .post(&format!("/requests/{number}/rating"), &[("rating", "1")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(rating_of(&app, &number).unwrap().0, 5);
    // The technician sees the rating on the request.
    let page = intruder.get(&format!("/requests/{number}")).await;
    assert!(page.body.contains("Avis du demandeur"));
    assert!(page.body.contains("Finalement parfait."));
    use guichet::db::schema::audit_log;
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq("request.rated"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(audited, 3);
}

/// Runs the benchmark's history generator (`scripts/bench/history.sql`) on the test database.
fn generate_history(app: &TestApp, requests: u32, assets: u32) {
    let url = app.state.settings.database_url.clone();
    let out = std::process::Command::new("psql")
        .args([url.as_str(), "-q", "-v"])
        .arg(format!("requests={requests}"))
        .arg("-v")
        .arg(format!("assets={assets}"))
        .arg("-f")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/bench/history.sql"
        ))
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[actix_web::test]
async fn the_benchmark_generator_makes_data_the_application_reads_like_its_own() {
    let app = TestApp::new().await;
    generate_history(&app, 3000, 50);
    let conn = &mut app.conn();
    let filled = guichet::dashboard::resolve::backfill(conn, 1_000).unwrap();
    assert!(filled > 2_000, "{filled}");

    use guichet::db::schema::requests;
    let rows: Vec<(
        i64,
        i64,
        String,
        guichet::workflow::StateKind,
        serde_json::Value,
        i64,
    )> = requests::table
        .filter(requests::title.like("%)"))
        .select((
            requests::number,
            requests::workflow_id,
            requests::status,
            requests::status_kind,
            requests::fields,
            requests::category_id,
        ))
        .load(conn)
        .unwrap();
    assert_eq!(rows.len(), 3000);
    let mut workflows = std::collections::HashMap::new();
    for (number, wf, status, kind, fields, category) in &rows {
        let w = workflows.entry(*wf).or_insert_with(|| {
            guichet::workflow::queries::load(conn, guichet::db::WorkflowId(*wf)).unwrap()
        });
        let state = w
            .state(status)
            .unwrap_or_else(|| panic!("{number}: no state {status}"));
        assert_eq!(state.kind, *kind, "{number}");
        let cat = guichet::catalog::queries::all_categories(conn)
            .unwrap()
            .into_iter()
            .find(|c| c.id.0 == *category)
            .unwrap();
        if *number % 97 == 0 {
            cat.form_def()
                .validate(fields.as_object().unwrap())
                .unwrap_or_else(|e| panic!("{number}: fields refused: {e:?}"));
        }
    }
    // Every instant in order, every resolved request timed.
    let disorder: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM requests WHERE title LIKE '%)' AND (
           first_response_at < created_at OR resolved_at < created_at OR closed_at < created_at
           OR (status_kind IN ('resolved', 'closed') AND (resolved_at IS NULL OR resolve_minutes IS NULL))
           OR (status_kind IN ('closed', 'cancelled') AND closed_at IS NULL)
           OR updated_at < created_at)",
    )
    .get_result::<Count>(conn)
    .unwrap()
    .n;
    assert_eq!(disorder, 0);
    // The application opens them, and its dashboard counts them as a direct count does.
    let sample = rows[rows.len() / 2].0;
    let res = app
        .api(AUDITOR)
        .get(&format!("/api/v1/requests/DS-{sample:06}"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let v = figures(&app, ADMIN, "period=custom&from=2023-07-01&to=2024-06-30")
        .await
        .json();
    let direct: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM requests
          WHERE created_at >= TIMESTAMP '2023-07-01' AT TIME ZONE 'America/Toronto'
            AND created_at < TIMESTAMP '2024-07-01' AT TIME ZONE 'America/Toronto'",
    )
    .get_result::<Count>(&mut app.conn())
    .unwrap()
    .n;
    assert!(direct > 300, "{direct}");
    assert_eq!(tiles(&v)["new"], direct);
    let rated: i64 = v["satisfaction"]["count"].as_i64().unwrap();
    assert!(rated > 50, "{rated}");
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Every figure of every scope the administrator may pick, over `period`, read from the counted
/// days and counted live; the two must be equal (the time of generation aside).
fn days_match_live(app: &TestApp, period: &guichet::dashboard::period::Period) -> usize {
    use guichet::dashboard::figures::{compute_by, Counting};
    let conn = &mut app.conn();
    let admin = {
        let u = guichet::users::queries::by_email(conn, ADMIN)
            .unwrap()
            .unwrap();
        guichet::users::service::identity(conn, &u).unwrap()
    };
    let teams = guichet::users::queries::teams(conn).unwrap();
    let units = guichet::units::queries::all(conn).unwrap();
    let loc = guichet::i18n::Locale::Fr;
    let choices = guichet::dashboard::scope::choices(&admin, &teams, &units, loc);
    let now = chrono::Utc::now();
    let pool = &app.state.pool;
    for ch in &choices {
        let figures = |counting| {
            let f = compute_by(
                pool, &admin, &ch.scope, &ch.label, period, now, loc, counting,
            )
            .unwrap();
            let mut v = serde_json::to_value(f).unwrap();
            v["generated_at"] = Value::Null;
            v
        };
        let (days, live) = (figures(Counting::Days), figures(Counting::Live));
        assert_eq!(days, live, "{} over {period:?}", ch.scope.code());
    }
    choices.len()
}

fn stale_days(app: &TestApp) -> i64 {
    diesel::sql_query("SELECT count(*) AS n FROM dashboard_days_stale")
        .get_result::<Count>(&mut app.conn())
        .unwrap()
        .n
}

#[actix_web::test]
async fn figures_read_from_counted_days_match_a_direct_count_before_and_after_changes() {
    use guichet::dashboard::{days, period::Period};
    let app = TestApp::new().await;
    generate_history(&app, 4000, 20);
    // The history is new: every day of it is still to count.
    let conn = &mut app.conn();
    guichet::dashboard::resolve::backfill(conn, 1_000).unwrap();
    let now = chrono::Utc::now();
    let counted = days::refresh_pending(conn, now).unwrap();
    assert!(counted > 1_500, "{counted}");
    assert_eq!(stale_days(&app), 0);
    assert_eq!(days::refresh_pending(conn, now).unwrap(), 0, "nothing left");

    let today = guichet::transport::model::local(now).date();
    let custom =
        |from: &str, to: &str| Period::parse(Some("custom"), Some(from), Some(to), today).unwrap();
    let periods = [
        // A whole school year, a month with the change to summer time, and the current school
        // year: closed days, then today counted live.
        custom("2023-07-01", "2024-06-30"),
        custom("2024-03-01", "2024-03-31"),
        Period::parse(Some("school_year"), None, None, today).unwrap(),
        Period::parse(Some("week"), None, None, today).unwrap(),
    ];
    let scopes = days_match_live(&app, &periods[0]);
    assert!(scopes >= 6, "board, domains, teams and units: {scopes}");
    for p in &periods[1..] {
        days_match_live(&app, p);
    }

    // Old requests change: moved to another team, resolved late, reopened, deleted; ratings
    // changed and withdrawn. Their days become stale, and the next reading counts them again.
    for sql in [
        "UPDATE requests SET team_id = (SELECT min(id) FROM teams WHERE id <> requests.team_id),
           unit_id = (SELECT max(id) FROM units)
         WHERE id IN (SELECT id FROM requests WHERE created_at < now() - interval '400 days'
                      ORDER BY id LIMIT 5)",
        "UPDATE requests SET status = 'in_progress', status_kind = 'open', resolved_at = NULL,
           resolve_minutes = NULL, closed_at = NULL
         WHERE id IN (SELECT id FROM requests WHERE resolved_at BETWEEN now() - interval '700 days'
                        AND now() - interval '600 days' ORDER BY id LIMIT 3)",
        "UPDATE satisfaction_ratings SET rating = 6 - rating
         WHERE request_id IN (SELECT request_id FROM satisfaction_ratings ORDER BY request_id LIMIT 4)",
        "DELETE FROM satisfaction_ratings
         WHERE request_id IN (SELECT request_id FROM satisfaction_ratings ORDER BY request_id DESC LIMIT 2)",
        "UPDATE requests SET first_response_at = NULL, sla_paused_since = created_at + interval '1 hour'
         WHERE id IN (SELECT id FROM requests WHERE first_response_due < now() - interval '300 days'
                      ORDER BY id DESC LIMIT 3)",
    ] {
        diesel::sql_query(sql).execute(&mut app.conn()).unwrap();
    }
    let stale = stale_days(&app);
    assert!(stale >= 5, "{stale}");
    for p in &periods {
        days_match_live(&app, p);
    }
    // A whole year's reading counted again the stale days it holds.
    let left: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM dashboard_days_stale
          WHERE day BETWEEN '2023-07-01' AND '2024-06-30'",
    )
    .get_result::<Count>(&mut app.conn())
    .unwrap()
    .n;
    assert_eq!(left, 0);
    days::refresh_pending(&mut app.conn(), chrono::Utc::now()).unwrap();
    assert_eq!(stale_days(&app), 0);

    // A change today marks nothing: today is always counted live.
    let number = create(&app, REQUESTER_A, "Projecteur du jour").await;
    set(&app, &number, "first_response_at = now()");
    assert_eq!(stale_days(&app), 0);
    for p in &periods[2..] {
        days_match_live(&app, p);
    }
}

/// Every page of a search, following the cursors: the numbers in order.
async fn search_all(app: &TestApp, q: &str, sort: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let res = app
            .api(AUDITOR)
            .get(&format!(
                "/api/v1/requests?status=all&sort={sort}&q={}{cursor}",
                guichet::web::render::urlencode(q)
            ))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let v = res.json();
        out.extend(
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["number"].as_str().unwrap().to_string()),
        );
        match v["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return out,
        }
    }
}

#[actix_web::test]
async fn a_search_reads_the_newest_requests_first_and_misses_no_older_match() {
    let app = TestApp::new().await;
    generate_history(&app, 7000, 10);
    // A rare word: three old requests and one of the newest.
    diesel::sql_query(
        "UPDATE requests SET title = 'Photocopieuse hors service ' || number
          WHERE id IN (SELECT id FROM requests ORDER BY created_at LIMIT 3)
             OR id = (SELECT id FROM requests ORDER BY created_at DESC LIMIT 1)",
    )
    .execute(&mut app.conn())
    .unwrap();
    // Common (one request in sixteen), rare, and in between.
    for q in ["projecteur", "photocopieuse", "évier laboratoire"] {
        let newest = search_all(&app, q, "newest").await;
        let mut oldest = search_all(&app, q, "oldest").await;
        oldest.reverse();
        assert!(!newest.is_empty(), "{q}");
        assert_eq!(newest, oldest, "{q}: newest first is oldest first reversed");
    }
    assert_eq!(search_all(&app, "photocopieuse", "newest").await.len(), 4);
    assert!(search_all(&app, "projecteur", "newest").await.len() > 300);
}
