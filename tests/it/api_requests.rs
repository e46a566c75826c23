//! The JSON API: the full life of a request in each domain, validation, errors, search,
//! pagination and the audit trail.

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use serde_json::json;

async fn create(app: &TestApp, who: &str, body: serde_json::Value) -> String {
    let res = app.api(who).post("/api/v1/requests", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["number"].as_str().unwrap().to_string()
}

#[actix_rt::test]
async fn a_request_lives_from_submission_to_closure_in_each_domain() {
    let app = TestApp::new().await;
    let cases = [
        ("ti-projecteur", TECH_TI, json!({"local": app.world.room_a})),
        ("rm-mobilier", TECH_RM, json!({})),
        (
            "tr-sortie",
            ADMIN,
            json!({"date_sortie": "2027-05-12", "eleves": 48, "destination": "Biodôme de Montréal"}),
        ),
    ];
    for (category, tech, fields) in cases {
        let number = create(&app, REQUESTER_A, json!({"category": category, "title": "Besoin d'aide", "description": "Détails", "fields": fields})).await;
        let r = app
            .api(REQUESTER_A)
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .json();
        assert_eq!(r["status"], "new");
        assert_eq!(r["requester"]["email"], REQUESTER_A);
        assert_eq!(r["unit"]["code"], "ecole-a");
        assert!(
            r["team"]["code"].is_string(),
            "routed to the category's team: {r}"
        );
        for key in [
            "number",
            "title",
            "description",
            "status",
            "priority",
            "category",
            "domain",
            "unit",
            "requester",
            "team",
            "assignee",
            "fields",
            "created_at",
            "updated_at",
            "resolved_at",
        ] {
            assert!(r.get(key).is_some(), "missing {key} in {r}");
        }

        let t = app.api(tech);
        let res = t
            .post(
                &format!("/api/v1/requests/{number}/assign"),
                json!({"assignee": "me"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["assignee"]["email"], tech);

        let res = t
            .post(
                &format!("/api/v1/requests/{number}/transitions"),
                json!({"to": "waiting_requester", "note": "Quel local exactement ?"}),
            )
            .await;
        assert_eq!(res.json()["status"], "waiting_requester");
        let res = t
            .post(
                &format!("/api/v1/requests/{number}/comments"),
                json!({"body": "Vérifier la garantie", "internal": true}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED);

        // The requester's answer puts the request back in progress.
        let res = app
            .api(REQUESTER_A)
            .post(
                &format!("/api/v1/requests/{number}/comments"),
                json!({"body": "Le local 204."}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let r = app
            .api(REQUESTER_A)
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .json();
        assert_eq!(r["status"], "in_progress");

        // Resolving needs a resolution note.
        let res = t
            .post(
                &format!("/api/v1/requests/{number}/transitions"),
                json!({"to": "resolved"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            res.json()["error"]["fields"]["note"][0],
            "Décrivez la résolution avant de résoudre la demande."
        );
        let res = t
            .post(
                &format!("/api/v1/requests/{number}/transitions"),
                json!({"to": "resolved", "note": "Réglé."}),
            )
            .await;
        assert_eq!(res.json()["status"], "resolved");
        assert!(res.json()["resolved_at"].is_string());

        let res = app
            .api(REQUESTER_A)
            .post(
                &format!("/api/v1/requests/{number}/transitions"),
                json!({"to": "closed"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert_eq!(res.json()["status"], "closed");

        // Closed is read-only.
        let res = app
            .api(REQUESTER_A)
            .post(
                &format!("/api/v1/requests/{number}/comments"),
                json!({"body": "Encore ?"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT);

        // The requester never sees the internal note; the technician does.
        let mine = app
            .api(REQUESTER_A)
            .get(&format!("/api/v1/requests/{number}/events"))
            .await
            .json();
        assert!(
            mine.as_array()
                .unwrap()
                .iter()
                .all(|e| e["internal"] == false),
            "{mine}"
        );
        let theirs = t
            .get(&format!("/api/v1/requests/{number}/events"))
            .await
            .json();
        assert!(theirs
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "internal_note"));
    }
}

#[actix_rt::test]
async fn only_staff_write_internal_notes_and_requesters_cannot_resolve() {
    let app = TestApp::new().await;
    let number = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-mobilier", "title": "Chaises"}),
    )
    .await;
    let me = app.api(REQUESTER_A);
    let res = me
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "secret", "internal": true}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = me
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "resolved", "note": "fait"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = me
        .post(
            &format!("/api/v1/requests/{number}/assign"),
            json!({"assignee": "me"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // A technician of another domain cannot assign to themselves either.
    let res = app
        .api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/assign"),
            json!({"assignee": "me"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT count(*) AS n FROM request_events WHERE kind IN ('internal_note','assigned','status_changed')"), 0);
}

#[actix_rt::test]
async fn every_field_type_reports_its_error_and_nothing_is_written() {
    let app = TestApp::new().await;
    let before = app.count("SELECT count(*) AS n FROM requests");
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-tout", "title": "", "fields": {
                "texte": "beaucoup trop long", "long": "x".repeat(21), "nombre": "douze", "jour": "31/02/2027",
                "moment": "demain", "choix": "z", "piece": app.world.room_b, "inconnu": 1}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let e = &res.json()["error"];
    assert_eq!(e["code"], "invalid");
    let f = &e["fields"];
    assert_eq!(f["title"][0], "Ce champ est obligatoire.");
    assert_eq!(f["fields.texte"][0], "Ce texte dépasse 10 caractères.");
    assert_eq!(f["fields.long"][0], "Ce texte dépasse 20 caractères.");
    assert_eq!(
        f["fields.nombre"][0],
        "Entrez un nombre (par exemple 12 ou 12,5)."
    );
    assert_eq!(f["fields.jour"][0], "Entrez une date valide (AAAA-MM-JJ).");
    assert_eq!(
        f["fields.moment"][0],
        "Entrez une date et une heure valides."
    );
    assert_eq!(
        f["fields.choix"][0],
        "Choisissez une des options proposées."
    );
    assert_eq!(f["fields.accord"][0], "Ce champ est obligatoire.");
    assert_eq!(
        f["fields.inconnu"][0],
        "Ce champ n'existe pas dans le formulaire de cette catégorie."
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM requests"), before);

    // A room of another unit is refused even when everything else is right.
    let res = app
        .api(REQUESTER_A)
        .post("/api/v1/requests", json!({"category": "ti-tout", "title": "ok", "fields": {"texte": "ok", "accord": true, "piece": app.world.room_b}}))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.json()["error"]["fields"]["fields.piece"][0],
        "Choisissez un local de votre unité (dans l'API : son identifiant, donné par /api/v1/request-choices)."
    );

    // Bounds, in English this time.
    let mut api = app.api(REQUESTER_A);
    api.lang = Some("en-CA,en;q=0.9");
    let res = api
        .post("/api/v1/requests", json!({"category": "ti-tout", "title": "ok", "fields": {"texte": "ok", "accord": true, "nombre": 11}}))
        .await;
    assert_eq!(
        res.json()["error"]["fields"]["fields.nombre"][0],
        "The value must be at most 10."
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM requests"), before);
    assert_eq!(app.count("SELECT count(*) AS n FROM request_events"), 0);
}

#[actix_rt::test]
async fn api_errors_have_one_shape_and_a_clear_status() {
    let app = TestApp::new().await;
    let api = app.api(REQUESTER_A);
    let res = api
        .post(
            "/api/v1/requests",
            json!({"category": "rm-mobilier", "title": "x", "colour": "red"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["error"]["code"], "bad_request");
    assert!(res.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("colour"));

    let res = api
        .post(
            "/api/v1/requests",
            json!({"category": "rm-mobilier", "title": "x", "description": "y".repeat(30_000)}),
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json()["error"]["code"], "payload_too_large");

    let res = app
        .send(actix_web::test::TestRequest::get().uri("/api/v1/requests"))
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json()["error"]["message"],
        "Veuillez vous connecter pour continuer."
    );
    let res = app
        .send(
            actix_web::test::TestRequest::get()
                .uri("/api/v1/requests")
                .insert_header(("Authorization", "Bearer gch_nope")),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);

    let res = api.get("/api/v1/requests/DS-999999").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json()["error"]["code"], "not_found");

    let res = api.get("/api/v1/requests?status=bogus&limit=1000").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["error"]["fields"]["status"].is_array());
    assert!(res.json()["error"]["fields"]["limit"].is_array());

    let res = api
        .post(
            "/api/v1/requests",
            json!({"category": "nope", "title": "x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json()["error"]["fields"]["category"].is_array());
}

#[actix_rt::test]
async fn health_catalog_and_openapi_answer() {
    let app = TestApp::new().await;
    let res = app
        .send(actix_web::test::TestRequest::get().uri("/healthz"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let cat = app.api(REQUESTER_A).get("/api/v1/catalog").await.json();
    let codes: Vec<&str> = cat
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["materiel", "ti", "transport"]);
    let tr = cat[2]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "tr-sortie")
        .unwrap();
    assert_eq!(tr["code"], "tr-sortie");
    assert_eq!(tr["fields"][1]["type"], "number");
    let spec = app
        .send(actix_web::test::TestRequest::get().uri("/api/v1/openapi.json"))
        .await
        .json();
    for path in [
        "/api/v1/requests",
        "/api/v1/requests/{number}",
        "/api/v1/requests/{number}/transitions",
        "/api/v1/catalog",
    ] {
        assert!(spec["paths"].get(path).is_some(), "openapi lacks {path}");
    }
}

#[actix_rt::test]
async fn search_ignores_accents_and_finds_comments_and_numbers() {
    let app = TestApp::new().await;
    let n1 = create(
        &app,
        REQUESTER_A,
        json!({"category": "ti-projecteur", "title": "Écran noir au local 204"}),
    )
    .await;
    let n2 = create(&app, REQUESTER_A, json!({"category": "rm-mobilier", "title": "Chaises", "description": "Pour la bibliothèque"})).await;
    app.api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{n2}/comments"),
            json!({"body": "Il faudrait aussi des pupitres"}),
        )
        .await;
    let numbers = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["number"].as_str().unwrap().to_string())
            .collect()
    };
    let api = app.api(REQUESTER_A);
    assert_eq!(
        numbers(api.get("/api/v1/requests?q=%C3%A9cran").await.json()),
        vec![n1.as_str()]
    );
    assert_eq!(
        numbers(api.get("/api/v1/requests?q=ecran").await.json()),
        vec![n1.as_str()]
    );
    assert_eq!(
        numbers(api.get("/api/v1/requests?q=ECRANS").await.json()),
        vec![n1.as_str()]
    );
    assert_eq!(
        numbers(api.get("/api/v1/requests?q=bibliotheque").await.json()),
        vec![n2.as_str()]
    );
    assert_eq!(
        numbers(api.get("/api/v1/requests?q=pupitre").await.json()),
        vec![n2.as_str()]
    );
    assert_eq!(
        numbers(api.get(&format!("/api/v1/requests?q={n2}")).await.json()),
        vec![n2.as_str()]
    );
    assert!(numbers(api.get("/api/v1/requests?q=photocopieur").await.json()).is_empty());
}

#[actix_rt::test]
async fn pages_of_a_list_neither_skip_nor_repeat_while_requests_arrive() {
    let app = TestApp::new().await;
    for i in 0..23 {
        create(
            &app,
            REQUESTER_A,
            json!({"category": "rm-mobilier", "title": format!("Demande {i}")}),
        )
        .await;
    }
    for sort in ["newest", "oldest", "updated", "priority", "due"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("/api/v1/requests?limit=5&sort={sort}&cursor={c}"),
                None => format!("/api/v1/requests?limit=5&sort={sort}"),
            };
            let page = app.api(REQUESTER_A).get(&url).await.json();
            for i in page["items"].as_array().unwrap() {
                seen.push(i["number"].as_str().unwrap().to_string());
            }
            if seen.len() == 5 && sort == "newest" {
                // A request submitted meanwhile lands on page one, not in the middle.
                create(
                    &app,
                    REQUESTER_B,
                    json!({"category": "rm-mobilier", "title": "Autre unité"}),
                )
                .await;
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{sort}: duplicates in {seen:?}");
        assert_eq!(seen.len(), 23, "{sort}: {seen:?}");
    }
    let res = app
        .api(REQUESTER_A)
        .get("/api/v1/requests?cursor=garbage")
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_rt::test]
async fn every_change_and_every_read_leaves_an_audit_row() {
    let app = TestApp::new().await;
    let number = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-mobilier", "title": "Tables"}),
    )
    .await;
    app.api(MANAGER_A)
        .get(&format!("/api/v1/requests/{number}"))
        .await;
    app.api(TECH_RM)
        .post(
            &format!("/api/v1/requests/{number}/assign"),
            json!({"assignee": "me"}),
        )
        .await;
    let rows: Vec<(String, Option<i64>, Option<String>)> = {
        use guichet::db::schema::audit_log::dsl::*;
        audit_log
            .filter(entity.eq("request"))
            .filter(entity_id.eq(&number))
            .order(id)
            .select((action, actor_id, ip))
            .load::<(String, Option<i64>, Option<String>)>(&mut app.conn())
            .unwrap()
    };
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(actions[0], "request.create");
    assert!(actions.contains(&"request.read"), "{actions:?}");
    assert!(actions.contains(&"request.assign"), "{actions:?}");
    assert!(rows
        .iter()
        .all(|r| r.1.is_some() && r.2.as_deref() == Some("203.0.113.7")));
    // The trail cannot be rewritten.
    let err = diesel::sql_query("DELETE FROM audit_log").execute(&mut app.conn());
    assert!(err.is_err());
}

#[actix_rt::test]
async fn a_requester_may_reopen_within_ten_days_only() {
    let app = TestApp::new().await;
    let number = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-mobilier", "title": "Porte"}),
    )
    .await;
    let t = app.api(TECH_RM);
    t.post(
        &format!("/api/v1/requests/{number}/transitions"),
        json!({"to": "resolved", "note": "Réparée"}),
    )
    .await;
    let me = app.api(REQUESTER_A);
    let res = me
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "in_progress", "note": "Elle grince encore"}),
        )
        .await;
    assert_eq!(res.json()["status"], "in_progress", "{}", res.body);
    t.post(
        &format!("/api/v1/requests/{number}/transitions"),
        json!({"to": "resolved", "note": "Huilée"}),
    )
    .await;
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    diesel::sql_query(format!(
        "UPDATE requests SET resolved_at = now() - interval '11 days' WHERE number = {n}"
    ))
    .execute(&mut app.conn())
    .unwrap();
    let res = me
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "in_progress", "note": "Encore"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10 jours"),
        "{}",
        res.body
    );
}

#[actix_rt::test]
async fn attachments_upload_download_and_size_limit() {
    let app = TestApp::new().await;
    let number = create(
        &app,
        REQUESTER_A,
        json!({"category": "rm-mobilier", "title": "Photo"}),
    )
    .await;
    let res = app
        .api(REQUESTER_A)
        .upload(
            &format!("/api/v1/requests/{number}/attachments"),
            "photo du bris.jpg",
            b"JPEGDATA",
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let id = res.json()["id"].as_i64().unwrap();
    let res = app
        .api(TECH_RM)
        .get(&format!("/api/v1/requests/{number}/attachments/{id}"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, b"JPEGDATA");
    let cd = res
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.starts_with("attachment"), "{cd}");
    let res = app
        .api(REQUESTER_A)
        .upload(
            &format!("/api/v1/requests/{number}/attachments"),
            "big.bin",
            &vec![0u8; 100_001],
        )
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 1);
}
