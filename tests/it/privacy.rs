//! Loi 25: retention (attachments deleted, then requests anonymized, on a controllable clock;
//! a dry run first, changing nothing), and the data-subject export an auditor produces.

use crate::support::*;
use actix_web::http::StatusCode;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use guichet::privacy::retention;
use serde_json::json;

/// A request by Julie Tremblay that names her, with a file and a technician's reply, closed now.
async fn closed_request(app: &TestApp) -> String {
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Projecteur de Julie Tremblay",
                   "description": "Joindre Julie au poste 204 ou à julie@ecole-a.test."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();
    let up = app
        .api(REQUESTER_A)
        .upload(
            &format!("/api/v1/requests/{number}/attachments"),
            "photo-julie.png",
            b"\x89PNG\r\n\x1a\nune photo du projecteur",
        )
        .await;
    assert!(up.status.is_success(), "{}", up.body);
    let t = app.api(TECH_TI);
    let c = t
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Bonjour Julie, la lampe est changée. — Karim"}),
        )
        .await;
    assert!(c.status.is_success(), "{}", c.body);
    let r = t
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "resolved", "note": "Lampe changée pour Mme Tremblay."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "closed"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    number
}

fn run(app: &TestApp, years: i64, dry_run: bool) -> retention::Report {
    let mut conn = app.conn();
    retention::run(
        &mut conn,
        &app.state.storage,
        &Default::default(),
        Utc::now() + Duration::days(365 * years + 2),
        dry_run,
    )
    .unwrap()
}

#[actix_rt::test]
async fn old_files_go_first_then_the_requester_is_anonymized_and_the_statistics_stay() {
    let app = TestApp::new().await;
    let number = closed_request(&app).await;
    diesel::sql_query(format!(
        "INSERT INTO satisfaction_ratings (request_id, rating, comment, rated_by)
         SELECT id, 5, 'Parfait, merci de la part de Julie Tremblay.', requester_id FROM requests WHERE number = {}",
        &number[3..]
    ))
    .execute(&mut app.conn())
    .unwrap();
    let open = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": "Toujours ouverte, Julie"}),
        )
        .await
        .json()["number"]
        .as_str()
        .unwrap()
        .to_string();
    let hash: String = {
        use guichet::db::schema::attachments;
        attachments::table
            .select(attachments::sha256)
            .first(&mut app.conn())
            .unwrap()
    };
    assert!(app.state.storage.exists(&hash));

    // Nothing is due today; a dry run three years ahead lists the file and changes nothing.
    assert_eq!(
        run(&app, 0, false).purged + run(&app, 0, false).anonymized,
        0
    );
    let dry = run(&app, 3, true);
    assert_eq!((dry.purged, dry.anonymized), (1, 0), "{dry:?}");
    assert_eq!(dry.files[0].1, "photo-julie.png");
    assert!(app.state.storage.exists(&hash));
    let b = app.signed_in(REQUESTER_A).await;
    let page = b.get(&format!("/requests/{number}")).await;
    assert!(page.body.contains("photo-julie.png</a>"), "{}", page.body);

    // Three years on: the file is gone, the request still names Julie.
    let real = run(&app, 3, false);
    assert_eq!((real.purged, real.anonymized), (1, 0));
    assert!(!app.state.storage.exists(&hash));
    let page = b.get(&format!("/requests/{number}")).await;
    assert!(
        page.body
            .contains("photo-julie.png — supprimée (conservation)"),
        "{}",
        page.body
    );
    let id: i64 = {
        use guichet::db::schema::attachments;
        attachments::table
            .select(attachments::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let gone = b.get(&format!("/requests/{number}/attachments/{id}")).await;
    assert_eq!(gone.status, StatusCode::CONFLICT);
    assert!(
        gone.body.contains("politique de conservation"),
        "{}",
        gone.body
    );
    assert!(run(&app, 3, false).purged == 0, "nothing is deleted twice");

    // Eight years on: the request is anonymized everywhere it named her, its numbers stay.
    let dry = run(&app, 8, true);
    assert_eq!(dry.anonymized, 1);
    assert_eq!(dry.requests, vec![number[3..].parse::<i64>().unwrap()]);
    let real = run(&app, 8, false);
    assert_eq!(real.anonymized, 1);
    let mut conn = app.conn();
    let (title, description, requester, category, closed): (String, String, String, String, bool) = {
        use guichet::db::schema::{categories, requests, users};
        requests::table
            .inner_join(users::table.on(users::id.eq(requests::requester_id)))
            .inner_join(categories::table)
            .filter(requests::number.eq(number[3..].parse::<i64>().unwrap()))
            .select((
                requests::title,
                requests::description,
                users::email,
                categories::code,
                requests::closed_at.is_not_null(),
            ))
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!(title, "Projecteur de [personne anonymisée]");
    assert_eq!(
        description,
        "Joindre [personne anonymisée] au poste 204 ou à [personne anonymisée]."
    );
    assert_eq!(requester, retention::ANONYMOUS_EMAIL);
    // The rating keeps its score; its comment no longer names her.
    let (rating, comment): (i16, String) = {
        use guichet::db::schema::{requests, satisfaction_ratings};
        satisfaction_ratings::table
            .inner_join(requests::table)
            .filter(requests::number.eq(number[3..].parse::<i64>().unwrap()))
            .select((satisfaction_ratings::rating, satisfaction_ratings::comment))
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!(rating, 5);
    assert!(!comment.contains("Julie"), "{comment}");
    assert_eq!((category.as_str(), closed), ("ti-projecteur", true));
    let bodies: Vec<String> = {
        use guichet::db::schema::{request_events, requests};
        request_events::table
            .inner_join(requests::table)
            .filter(requests::number.eq(number[3..].parse::<i64>().unwrap()))
            .select(request_events::body)
            .load(&mut conn)
            .unwrap()
    };
    let all = bodies.join(" | ");
    assert!(
        all.contains("Bonjour [personne anonymisée], la lampe est changée. — Karim"),
        "{all}"
    );
    assert!(!all.contains("Julie") && !all.contains("Tremblay"), "{all}");
    let files: Vec<String> = {
        use guichet::db::schema::attachments;
        attachments::table
            .select(attachments::filename)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(files, vec!["photo-[personne anonymisée].png"]);
    // Searching her name no longer finds it; the open request is untouched.
    let found = app.api(TECH_TI).get("/api/v1/requests?q=Tremblay").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(!found.body.contains(&number), "{}", found.body);
    let still = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{open}"))
        .await;
    assert_eq!(still.json()["title"], "Toujours ouverte, Julie");
    // Julie no longer sees the request: it is not hers any more.
    let hers = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}"))
        .await;
    assert_eq!(hers.status, StatusCode::NOT_FOUND);
    // The timeline stays append-only outside anonymization, and nothing is done twice.
    let refused =
        diesel::sql_query("UPDATE request_events SET body = 'réécrit'").execute(&mut conn);
    assert!(refused.is_err(), "the timeline must refuse changes");
    assert_eq!(run(&app, 8, false).anonymized, 0);
    let runs: i64 = {
        use guichet::db::schema::retention_runs;
        retention_runs::table.count().get_result(&mut conn).unwrap()
    };
    assert_eq!(runs, 8, "every run, dry or not, is recorded");
}

#[actix_rt::test]
async fn a_category_policy_overrides_the_default_and_only_admins_set_policies() {
    let app = TestApp::new().await;
    let number = closed_request(&app).await;
    assert_eq!(
        app.signed_in(TECH_TI)
            .await
            .get("/admin/retention")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let b = app.signed_in(ADMIN).await;
    let page = b.get("/admin/retention").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Toutes les demandes (par défaut)"),
        "{}",
        page.body
    );
    let category: i64 = {
        use guichet::db::schema::categories;
        categories::table
            .filter(categories::code.eq("ti-projecteur"))
            .select(categories::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let scope = format!("c{category}");
    let bad = b
        .post(
            "/admin/retention",
            &[
                ("scope", &scope),
                ("anonymize_after_days", "0"),
                ("attachments_after_days", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("aria-invalid"), "{}", bad.body);
    assert_eq!(
        retention::policies(&mut app.conn()).unwrap().len(),
        1,
        "nothing saved"
    );
    let ok = b
        .post(
            "/admin/retention",
            &[
                ("scope", &scope),
                ("anonymize_after_days", "365"),
                ("attachments_after_days", ""),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = b.get(&ok.location()).await;
    assert!(page
        .body
        .contains("La politique de conservation est enregistrée"));

    // The preview, as of a day two years ahead: this category's requests are due, its files
    // never (an empty delay there means never, whatever the default says).
    let at = (Utc::now() + Duration::days(400)).date_naive().to_string();
    let preview = b.post("/admin/retention/preview", &[("at", &at)]).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("Une demande serait anonymisée"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains(&number), "{}", preview.body);
    assert!(
        preview.body.contains("Aucune pièce jointe à supprimer"),
        "{}",
        preview.body
    );
    let bad_day = b
        .post("/admin/retention/preview", &[("at", "demain")])
        .await;
    assert!(bad_day.body.contains("aria-invalid"), "{}", bad_day.body);

    // The default cannot be removed; the category's can, and the trail says who did it.
    let policies = retention::policies(&mut app.conn()).unwrap();
    let default = policies.iter().find(|p| p.is_default()).unwrap().id;
    let refused = b
        .post(&format!("/admin/retention/{default}/remove"), &[])
        .await;
    assert!(
        refused.body.contains("ne peut pas être retirée"),
        "{}",
        refused.body
    );
    let mine = policies.iter().find(|p| !p.is_default()).unwrap().id;
    let removed = b
        .post(&format!("/admin/retention/{mine}/remove"), &[])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(retention::policies(&mut app.conn()).unwrap().len(), 1);
    let trail: i64 = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.like("retention.policy%"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(trail, 2);
}

#[actix_rt::test]
async fn the_auditor_exports_everything_about_a_person_and_the_export_is_logged() {
    let app = TestApp::new().await;
    let number = closed_request(&app).await;
    for who in [ADMIN, TECH_TI, REQUESTER_A] {
        assert_eq!(
            app.signed_in(who).await.get("/audit/export").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let b = app.signed_in(AUDITOR).await;
    let form = b.get("/audit/export").await;
    assert_eq!(form.status, StatusCode::OK);
    let unknown = b
        .post("/audit/export", &[("email", "personne@nulle.part")])
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Aucune personne"), "{}", unknown.body);

    // Producing the export needs a fresh CSRF token (the failed attempt's page has one).
    let res = b
        .post("/audit/export", &[("email", "JULIE@ecole-a.test")])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.headers.get("content-type").unwrap(), "application/zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(res.bytes)).expect("a ZIP");
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    for expected in [
        "resume.html",
        "profil.json",
        "demandes.json",
        "interventions.json",
        "journal-dossier.json",
        "prets.json",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("pieces-jointes/") && n.ends_with("photo-julie.png")),
        "{names:?}"
    );
    let read = |zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let profile: serde_json::Value = serde_json::from_str(&read(&mut zip, "profil.json")).unwrap();
    assert_eq!(profile[0]["email"], REQUESTER_A);
    assert!(profile[0].get("password_hash").is_none(), "no secrets");
    let requests: serde_json::Value =
        serde_json::from_str(&read(&mut zip, "demandes.json")).unwrap();
    assert_eq!(requests[0]["title"], "Projecteur de Julie Tremblay");
    let summary = read(&mut zip, "resume.html");
    assert!(
        summary.contains("Julie Tremblay") && summary.contains(&number),
        "{summary}"
    );
    // Nobody else's requests are in it.
    assert!(!read(&mut zip, "demandes.json").contains("bruno@"));

    let logged: Vec<serde_json::Value> = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("person.export"))
            .select(audit_log::data)
            .load(&mut app.conn())
            .unwrap()
    };
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0]["attachments"], 1);
}

#[actix_rt::test]
async fn an_admin_corrects_an_address_and_the_log_keeps_both() {
    let app = TestApp::new().await;
    let id = guichet::users::queries::by_email(&mut app.conn(), REQUESTER_A)
        .unwrap()
        .unwrap()
        .id;
    let b = app.signed_in(ADMIN).await;
    let form = b.get(&format!("/admin/users/{id}")).await;
    assert!(
        form.body.contains("La correction est inscrite au journal"),
        "{}",
        form.body
    );
    let fields = |email: &'static str| {
        vec![
            ("email", email),
            ("display_name", "Julie Tremblay"),
            ("locale", "fr"),
            ("active", "on"),
        ]
    };
    let taken = b
        .post(&format!("/admin/users/{id}"), &fields(REQUESTER_B))
        .await;
    assert_eq!(
        taken.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        taken.body
    );
    assert!(
        guichet::users::queries::by_email(&mut app.conn(), REQUESTER_A)
            .unwrap()
            .is_some(),
        "nothing changed"
    );
    let ok = b
        .post(
            &format!("/admin/users/{id}"),
            &fields("julie.tremblay@ecole-a.test"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let u = guichet::users::queries::find(&mut app.conn(), id).unwrap();
    assert_eq!(u.email, "julie.tremblay@ecole-a.test");
    let data: serde_json::Value = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("user.update"))
            .filter(audit_log::entity_id.eq(id.to_string()))
            .select(audit_log::data)
            .order(audit_log::id.desc())
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(data["before"]["email"], REQUESTER_A);
    assert_eq!(data["after"]["email"], "julie.tremblay@ecole-a.test");
    // She signs in with the corrected address.
    let again = app.browser();
    again.get("/login").await;
    let res = again.sign_in("julie.tremblay@ecole-a.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[actix_rt::test]
async fn incidents_are_seen_by_the_declarant_and_auditors_only_and_the_register_exports() {
    let app = TestApp::new().await;
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "incident-confidentialite", "title": "Clé USB perdue",
                   "description": "Une clé USB contenant des bulletins a été perdue.",
                   "fields": {"date_incident": "2026-11-20", "date_connaissance": "2026-11-21",
                              "nature": "perte", "personnes": "28 élèves de 5e année",
                              "renseignements": "Noms et résultats scolaires", "risque": "a-evaluer",
                              "avis_cai": "a-faire", "avis_personnes": "a-faire"}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();
    let missing = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "incident-confidentialite", "title": "Sans détails"}),
        )
        .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the form's fields are required"
    );

    for who in [TECH_TI, ADMIN, MANAGER_A, REQUESTER_B] {
        assert_eq!(
            app.api(who)
                .get(&format!("/api/v1/requests/{number}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        let found = app.api(who).get("/api/v1/requests?q=bulletins").await;
        assert_eq!(found.status, StatusCode::OK, "{who}: {}", found.body);
        assert!(!found.body.contains(&number), "{who}: {}", found.body);
    }
    for who in [REQUESTER_A, AUDITOR] {
        assert_eq!(
            app.api(who)
                .get(&format!("/api/v1/requests/{number}"))
                .await
                .status,
            StatusCode::OK,
            "{who}"
        );
    }
    assert_eq!(
        app.signed_in(ADMIN)
            .await
            .get("/audit/incidents.csv")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let csv = app
        .signed_in(AUDITOR)
        .await
        .get("/audit/incidents.csv")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(
        lines[0].contains("Nature de l") && lines[0].contains("Risque de préjudice sérieux"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(
        lines[1].contains(&number)
            && lines[1].contains("Perte ou vol")
            && lines[1].contains("28 élèves"),
        "{}",
        lines[1]
    );
    let logged: i64 = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("incident_register.exported"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(logged, 1);
}
