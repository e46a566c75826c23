//! The equipment inventory: assets through the API and the pages, the status lifecycle, who
//! sees and changes what, CSV imports (dry run, all-or-nothing, re-import, encodings), and the
//! link between requests and assets.

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use guichet::inventory::{import, sheet};
use serde_json::{json, Value};

fn audit_actions(app: &TestApp, entity_kind: &str) -> Vec<String> {
    use guichet::db::schema::audit_log::dsl::*;
    audit_log
        .filter(entity.eq(entity_kind))
        .order(id)
        .select(action)
        .load(&mut app.conn())
        .unwrap()
}

fn projector(tag: &str, unit: &str) -> Value {
    json!({"tag": tag, "type": "projecteur", "maker": "Epson", "model": "PowerLite 695Wi",
           "unit": unit, "serial": format!("SN-{tag}"), "purchase_cost": "1 099,00 $",
           "purchase_date": "15/08/2023", "warranty_end": "2027-08-15"})
}

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.api(TECH_TI).post("/api/v1/assets", body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()
}

#[actix_rt::test]
async fn an_asset_follows_its_lifecycle_and_keeps_its_history() {
    let app = TestApp::new().await;
    let a = create(&app, projector("CSS-000001", "ecole-a")).await;
    assert_eq!(a["status"], "in_stock");
    assert_eq!(a["purchase_cost_cents"], 109_900);
    assert_eq!(a["purchase_date"], "2023-08-15");
    assert_eq!(a["type"], "projecteur");
    let api = app.api(TECH_TI);

    // The same number, whatever the case, is refused with a French message, and so is a bad one.
    let dup = api
        .post("/api/v1/assets", projector("css-000001", "ecole-b"))
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        dup.body
            .contains("Un autre équipement porte déjà ce numéro"),
        "{}",
        dup.body
    );
    let bad = api
        .post("/api/v1/assets", projector("CSS 2", "ecole-a"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["fields"]["tag"][0], "Ce numéro d'inventaire n'est pas valide : lettres, chiffres, point, tiret ou trait de soulignement, 40 caractères au plus.");

    // in_stock → in_repair → deployed → retired; then nothing.
    for to in ["in_repair", "deployed", "retired"] {
        let res = api
            .patch(
                "/api/v1/assets/css-000001",
                json!({"status": to, "note": "vérifié"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{to}: {}", res.body);
        assert_eq!(res.json()["status"], to);
    }
    let refused = api
        .patch("/api/v1/assets/CSS-000001", json!({"status": "in_stock"}))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .body
            .contains("Un équipement « Retiré » ne peut pas passer à « En stock »"),
        "{}",
        refused.body
    );

    let history = api.get("/api/v1/assets/CSS-000001/history").await.json();
    let kinds: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "status_changed",
            "status_changed",
            "status_changed",
            "created"
        ]
    );
    assert_eq!(
        history[0]["text"],
        "Statut changé de « Déployé » à « Retiré ». — vérifié"
    );
    assert_eq!(history[0]["actor"], "Karim Benali");
    // The log refuses to be rewritten.
    let rewrite =
        diesel::sql_query("UPDATE asset_events SET kind = 'updated'").execute(&mut app.conn());
    assert!(rewrite.is_err());
    assert_eq!(
        audit_actions(&app, "asset"),
        [
            "asset.created",
            "asset.updated",
            "asset.updated",
            "asset.updated"
        ]
    );
}

#[actix_rt::test]
async fn equipment_is_seen_per_unit_and_changed_only_by_its_managers() {
    let app = TestApp::new().await;
    create(&app, projector("A-1", "ecole-a")).await;
    create(&app, projector("B-1", "ecole-b")).await;
    let res = app
        .api(TECH_TI)
        .patch("/api/v1/assets/A-1", json!({"assigned_to": REQUESTER_A}))
        .await;
    assert_eq!(
        res.json()["status"],
        "deployed",
        "handing it to someone deploys it"
    );
    let tags = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["tag"].as_str().unwrap().to_string())
            .collect()
    };

    // The director of school A sees school A's equipment only, and cannot change it.
    let director = app.api(MANAGER_A);
    assert_eq!(tags(director.get("/api/v1/assets").await.json()), ["A-1"]);
    assert_eq!(
        director.get("/api/v1/assets/B-1").await.status,
        StatusCode::NOT_FOUND
    );
    let a1 = director.get("/api/v1/assets/A-1").await.json();
    assert_eq!(a1["assigned_to"]["email"], REQUESTER_A);
    assert_eq!(
        director
            .patch("/api/v1/assets/A-1", json!({"notes": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !director
            .get("/api/v1/assets")
            .await
            .body
            .contains(REQUESTER_A),
        "lists do not show people"
    );
    // Reading whom it is assigned to is in the access log.
    assert!(audit_actions(&app, "user").contains(&"asset.read".to_string()));

    // A requester sees no inventory; a transport technician and the auditor see it all but
    // change nothing.
    let requester = app.api(REQUESTER_A);
    assert_eq!(
        requester.get("/api/v1/assets").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        requester.get("/api/v1/assets/A-1").await.status,
        StatusCode::NOT_FOUND
    );
    for who in [TECH_TR, AUDITOR] {
        assert_eq!(
            tags(app.api(who).get("/api/v1/assets").await.json()),
            ["A-1", "B-1"],
            "{who}"
        );
    }
    assert_eq!(
        app.api(AUDITOR)
            .patch("/api/v1/assets/B-1", json!({"notes": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.api(REQUESTER_A)
            .post("/api/v1/assets", projector("A-2", "ecole-a"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The same on the pages.
    let b = app.signed_in(MANAGER_A).await;
    assert_eq!(b.get("/assets/B-1").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/assets/new").await.status, StatusCode::FORBIDDEN);
    let page = b.get("/assets").await;
    assert!(page.body.contains("A-1") && !page.body.contains("B-1"));
    let r = app.signed_in(REQUESTER_A).await;
    assert_eq!(r.get("/assets").await.status, StatusCode::FORBIDDEN);
}

#[actix_rt::test]
async fn the_list_filters_and_pages_by_inventory_number() {
    let app = TestApp::new().await;
    for i in 1..=7 {
        let mut body = projector(
            &format!("P-{i:02}"),
            if i % 2 == 0 { "ecole-b" } else { "ecole-a" },
        );
        if i == 7 {
            body["type"] = json!("chromebook");
            body["maker"] = json!("Lenovo");
            body["model"] = json!("300e Chromebook");
        }
        create(&app, body).await;
    }
    app.api(TECH_TI)
        .patch("/api/v1/assets/P-03", json!({"status": "in_repair"}))
        .await;
    let api = app.api(TECH_TI);
    let mut seen = Vec::new();
    let mut url = "/api/v1/assets?limit=3".to_string();
    loop {
        let page = api.get(&url).await.json();
        for a in page["items"].as_array().unwrap() {
            seen.push(a["tag"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/assets?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["P-01", "P-02", "P-03", "P-04", "P-05", "P-06", "P-07"]
    );
    let count = |q: &str| {
        let api = app.api(TECH_TI);
        let q = q.to_string();
        async move {
            api.get(&format!("/api/v1/assets?{q}")).await.json()["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(count("unit=ecole-b").await, 3);
    assert_eq!(count("status=in_repair").await, 1);
    assert_eq!(count("type=chromebook").await, 1);
    assert_eq!(count("q=chromebook").await, 1, "by model");
    assert_eq!(count("q=sn-p-0").await, 7, "by serial, any case");
    assert_eq!(count("q=100%25").await, 0, "wildcards are literal");
    let bad = api
        .get("/api/v1/assets?status=cass%C3%A9&unit=nulle-part")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &bad.json()["error"]["fields"];
    assert!(
        fields["status"].is_array() && fields["unit"].is_array(),
        "{fields}"
    );
}

const EXPORT: &str = "Asset Tag,Serial Number,Device Type,Make,Model,Site,Status,Purchase Price,PO Date,Warranty Expiration,Notes,OS Version
CSS-100,C02XK1,Laptop,Apple,MacBook Air M2,ecole-a,In Use,\"1,499.00\",2024-08-20,2027-08-20,Prof. de sciences,14.5
CSS-101,C02XK2,Laptop,Apple,MacBook Air M2,ecole-a,Spare,\"1,499.00\",2024-08-20,2027-08-20,,14.5
CSS-102,DMPX31,iPad,Apple,iPad 9th gen,ecole-b,In Use,429.00,2023-09-01,2025-09-01,,17.1
";

fn sheet(text: &str) -> sheet::Sheet {
    sheet::read(text.as_bytes()).unwrap()
}

fn jamf(s: &sheet::Sheet) -> import::Options {
    import::Options {
        mapping: sheet::suggest("jamf", &s.headers),
        ..Default::default()
    }
}

fn asset_count(app: &TestApp) -> i64 {
    use guichet::db::schema::assets::dsl::*;
    assets.count().get_result(&mut app.conn()).unwrap()
}

#[actix_rt::test]
async fn an_import_is_checked_first_written_whole_and_reimported_without_duplicates() {
    let app = TestApp::new().await;
    let origin = guichet::audit::Origin::default();
    let s = sheet(EXPORT);
    let opts = jamf(&s);

    let dry = import::run(&mut app.conn(), &origin, &s, &opts, false).unwrap();
    assert_eq!(
        (dry.lines, dry.created, dry.new_models, dry.errors.len()),
        (3, 3, 2, 0)
    );
    assert!(!dry.written);
    assert_eq!(asset_count(&app), 0, "a dry run writes nothing");

    let real = import::run(&mut app.conn(), &origin, &s, &opts, true).unwrap();
    assert!(real.written);
    assert_eq!(asset_count(&app), 3);
    let a = app.api(TECH_TI).get("/api/v1/assets/CSS-100").await.json();
    assert_eq!(a["status"], "deployed");
    assert_eq!(a["purchase_cost_cents"], 149_900);
    assert_eq!(a["type"], "portable");
    assert_eq!(
        a["extra"]["OS Version"], "14.5",
        "unmapped columns are kept"
    );
    assert_eq!(
        app.api(TECH_TI).get("/api/v1/assets/CSS-101").await.json()["status"],
        "in_stock"
    );

    // The same file again changes nothing; a changed line updates its asset, found by serial
    // number when the export has no inventory number.
    let again = import::run(&mut app.conn(), &origin, &s, &opts, true).unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    let by_serial = sheet("Serial Number,Status,Notes\nc02xk2,In Use,Prêté à la bibliothèque\n");
    let r = import::run(
        &mut app.conn(),
        &origin,
        &by_serial,
        &jamf(&by_serial),
        true,
    )
    .unwrap();
    assert_eq!((r.created, r.updated), (0, 1), "{:?}", r.errors);
    assert_eq!(asset_count(&app), 3);
    let a = app.api(TECH_TI).get("/api/v1/assets/CSS-101").await.json();
    assert_eq!(
        (a["status"].as_str(), a["notes"].as_str()),
        (Some("deployed"), Some("Prêté à la bibliothèque"))
    );
}

#[actix_rt::test]
async fn one_bad_line_writes_nothing_and_every_problem_is_reported_by_line_and_column() {
    let app = TestApp::new().await;
    let origin = guichet::audit::Origin::default();
    let text = format!(
        "{EXPORT}CSS-103,X1,Laptop,Dell,Latitude 5440,nulle-part,In Use,abc,31/31/2024,,,\nCSS-100,X2,Laptop,Dell,Latitude 5440,ecole-a,Cassé,,,,,\nCSS 104,X3,Laptop,Dell,Latitude 5440,ecole-a,,,,,,\nCSS-105,X4,Fax,Brother,FAX-2840,ecole-a,,,,,\n"
    );
    let s = sheet(&text);
    let report = import::run(&mut app.conn(), &origin, &s, &jamf(&s), true).unwrap();
    assert!(!report.written);
    assert_eq!(asset_count(&app), 0, "all or nothing");
    let found: Vec<(usize, String, String)> = report
        .errors
        .iter()
        .map(|e| {
            (
                e.line,
                e.column.clone(),
                guichet::i18n::msg(guichet::i18n::Locale::Fr, &e.message),
            )
        })
        .collect();
    let has = |line: usize, column: &str, text: &str| {
        assert!(
            found
                .iter()
                .any(|(l, c, m)| *l == line && c == column && m.contains(text)),
            "line {line} {column} {text}: {found:#?}"
        )
    };
    has(5, "Site", "Valeur inconnue : « nulle-part »");
    has(5, "Purchase Price", "nombre");
    has(5, "PO Date", "date");
    has(6, "Asset Tag", "ligne 2 du fichier");
    has(6, "Status", "Valeur inconnue : « Cassé »");
    has(7, "Asset Tag", "n'est pas valide");
    has(8, "Asset Tag", "11 colonne(s) au lieu de 12");
}

#[actix_rt::test]
async fn spreadsheet_exports_in_windows_1252_with_semicolons_are_read_and_binary_files_refused() {
    let app = TestApp::new().await;
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(
        "Numéro d'inventaire;Fabricant;Modèle;Type;Unité;Statut;Coût;Date d'achat\nEC-1;Épson;Modèle spécial;Projecteur;École A;En réparation;899,99 $;15/08/2023\n",
    );
    let s = sheet::read(&latin1).unwrap();
    assert_eq!((s.encoding, s.delimiter), ("Windows-1252", b';'));
    let opts = import::Options {
        mapping: sheet::suggest("auto", &s.headers),
        ..Default::default()
    };
    let r = import::run(&mut app.conn(), &Default::default(), &s, &opts, true).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let a = app
        .api(TECH_TI)
        .get("/api/v1/assets?q=sp%C3%A9cial")
        .await
        .json();
    assert_eq!(a["items"][0]["maker"], "Épson");
    assert_eq!(a["items"][0]["status"], "in_repair");
    assert_eq!(a["items"][0]["purchase_cost_cents"], 89_999);
    assert_eq!(a["items"][0]["tag"], "EC-1");

    // Through the pages: a PNG is refused with a clear message.
    let b = app.signed_in(TECH_TI).await;
    b.get("/assets/import").await;
    let res = b
        .post_multipart(
            "/assets/import",
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("pas un fichier CSV lisible."),
        "{}",
        res.body
    );
}

#[actix_rt::test]
async fn an_import_through_the_pages_maps_checks_then_writes() {
    let app = TestApp::new().await;
    let b = app.signed_in(TECH_TI).await;
    b.get("/assets/import").await;
    let res = b
        .post_multipart("/assets/import", "jamf.csv", EXPORT.as_bytes())
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mapping_url = res.location();
    let page = b.get(&format!("{mapping_url}?preset=jamf")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("3 lignes · encodage UTF-8"),
        "{}",
        page.body
    );
    // The suggested mapping is preselected: Asset Tag (column 0) for the inventory number.
    assert!(page
        .body
        .contains("<option value=\"0\" selected>Asset Tag</option>"));
    let mapping = [
        ("map.tag", "0"),
        ("map.serial", "1"),
        ("map.type", "2"),
        ("map.maker", "3"),
        ("map.model", "4"),
        ("map.unit", "5"),
        ("map.status", "6"),
    ];
    let mut dry = mapping.to_vec();
    dry.push(("action", "dry"));
    let res = b.post(&mapping_url, &dry).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(
        res.body.contains("Résultat de la vérification")
            && res.body.contains("3 équipement(s) à ajouter")
    );
    assert_eq!(asset_count(&app), 0);
    let mut run = mapping.to_vec();
    run.push(("action", "run"));
    let res = b.post(&mapping_url, &run).await;
    assert!(res.body.contains("Importation terminée"), "{}", res.body);
    assert_eq!(asset_count(&app), 3);
    assert_eq!(
        audit_actions(&app, "asset").last().unwrap(),
        "assets.imported"
    );
    // Another person's file name is not a path: anything but a SHA-256 is not found.
    assert_eq!(
        b.get("/assets/import/..%2F..%2Fetc%2Fpasswd").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_rt::test]
async fn a_request_names_one_of_its_unit_s_assets_which_then_lists_it_and_goes_to_repair() {
    let app = TestApp::new().await;
    create(&app, projector("PROJ-A", "ecole-a")).await;
    create(&app, projector("PROJ-B", "ecole-b")).await;
    let requester = app.api(REQUESTER_A);
    let other_unit = requester
        .post("/api/v1/requests", json!({"category": "ti-projecteur", "title": "Projecteur", "fields": {"appareil": "PROJ-B"}}))
        .await;
    assert_eq!(other_unit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        other_unit
            .body
            .contains("Choisissez un équipement de votre unité"),
        "{}",
        other_unit.body
    );
    let res = requester
        .post("/api/v1/requests", json!({"category": "ti-projecteur", "title": "Le projecteur clignote", "fields": {"appareil": "proj-a"}}))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();

    // The request form offers the unit's equipment only.
    let r = app.signed_in(REQUESTER_A).await;
    let form = r.get("/requests/new?category=ti-projecteur").await;
    assert!(
        form.body.contains("<option value=\"PROJ-A\">") && !form.body.contains("PROJ-B"),
        "{}",
        form.body
    );

    // The technician sees the request on the asset and sends the asset to repair from the request.
    let t = app.signed_in(TECH_TI).await;
    let asset_page = t.get("/assets/PROJ-A").await;
    assert_eq!(asset_page.status, StatusCode::OK, "{}", asset_page.body);
    assert!(
        asset_page.body.contains(&number) && asset_page.body.contains("Le projecteur clignote")
    );
    let req_page = t.get(&format!("/requests/{number}")).await;
    assert!(req_page.body.contains("Équipements liés") && req_page.body.contains("PROJ-A"));
    let res = t
        .post(
            "/assets/PROJ-A/status",
            &[("status", "in_repair"), ("request", &number)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        format!("/requests/{number}?ok=asset#assets")
    );
    let history = app
        .api(TECH_TI)
        .get("/api/v1/assets/PROJ-A/history")
        .await
        .json();
    assert_eq!(history[0]["kind"], "status_changed");
    assert_eq!(history[0]["request"], number.as_str());
    assert_eq!(history[1]["kind"], "request_linked");
    // The requester of another unit learns nothing of it through a repair form either.
    let res = t
        .post(
            "/assets/PROJ-A/status",
            &[("status", "in_stock"), ("request", "DS-999999")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_rt::test]
async fn the_asset_pages_create_edit_and_print_labels() {
    let app = TestApp::new().await;
    let b = app.signed_in(TECH_TI).await;
    assert_eq!(b.get("/assets").await.status, StatusCode::OK);
    assert!(b
        .get("/assets")
        .await
        .body
        .contains("Aucun équipement ne correspond"));
    b.get("/assets/new").await;
    let bad = b
        .post(
            "/assets",
            &[
                ("tag", ""),
                ("maker", "Epson"),
                ("model", "X"),
                ("unit", "ecole-a"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("Ce champ est obligatoire") || bad.body.contains("obligatoire"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"Epson\""), "values are kept");
    let ok = b
        .post(
            "/assets",
            &[
                ("tag", "TNI-7"),
                ("type", "tni"),
                ("maker", "SMART"),
                ("model", "Board MX"),
                ("unit", "ecole-a"),
                ("status", "in_stock"),
                ("purchase_cost", "3850"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = b.get(&ok.location()).await;
    assert!(
        page.body.contains("équipement a été ajouté.") && page.body.contains("3\u{a0}850,00"),
        "{}",
        page.body
    );
    let edit = b.get("/assets/TNI-7/edit").await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(
        edit.body.contains("value=\"3850.00\""),
        "the form shows the current values"
    );
    let room = app.world.room_a.to_string();
    let res = b
        .post(
            "/assets/TNI-7",
            &[
                ("tag", "TNI-7"),
                ("type", "tni"),
                ("maker", "SMART"),
                ("model", "Board MX"),
                ("unit", "ecole-a"),
                ("room", &room),
                ("notes", "Classe de 5e année"),
                ("purchase_cost", "3850.00"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let view = app.api(TECH_TI).get("/api/v1/assets/TNI-7").await.json();
    assert_eq!(view["room"], "Immeuble principal — local 204");
    assert_eq!(view["purchase_cost_cents"], 385_000);
    // A room of another unit is refused.
    let other = app.world.room_b.to_string();
    b.get("/assets/TNI-7").await;
    let res = b
        .post(
            "/assets/TNI-7/move",
            &[("unit", "ecole-a"), ("room", &other)],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let labels = b.get("/assets/labels?q=TNI-7").await;
    assert!(labels.body.contains("<svg") && labels.body.contains("TNI-7"));
    let qr = b.get("/assets/TNI-7/qr.svg").await;
    assert_eq!(qr.status, StatusCode::OK);
    assert!(qr.body.starts_with("<?xml") || qr.body.starts_with("<svg"));
}
