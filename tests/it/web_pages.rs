//! The web pages: signing in (with throttling), CSRF, the request form with its errors, the
//! request page actions, languages and error pages.

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;

fn requests_count(app: &TestApp) -> i64 {
    use guichet::db::schema::requests::dsl::*;
    requests.count().get_result(&mut app.conn()).unwrap()
}

#[actix_rt::test]
async fn a_requester_submits_on_the_web_and_a_technician_resolves_it() {
    let app = TestApp::new().await;
    let me = app.signed_in(REQUESTER_A).await;
    let page = me.get("/requests/new").await;
    assert!(
        page.body.contains("Technologies de l&#x27;information")
            || page.body.contains("Technologies de l'information"),
        "{}",
        page.body
    );
    let page = me.get("/requests/new?domain=ti").await;
    assert!(page.body.contains("Projecteur ou TNI défectueux"));
    let page = me.get("/requests/new?category=ti-projecteur").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"f_local\""));
    let room = app.world.room_a.to_string();
    let res = me
        .post(
            "/requests",
            &[
                ("category", "ti-projecteur"),
                ("title", "Le projecteur du local 204 clignote"),
                ("description", "Depuis lundi"),
                ("priority", "high"),
                ("f_local", &room),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.location();
    assert!(
        location.starts_with("/requests/DS-") && location.ends_with("?ok=created"),
        "{location}"
    );
    let number = location
        .trim_start_matches("/requests/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let page = me.get(&location).await;
    assert!(page.body.contains("Votre demande a été soumise"));
    assert!(page.body.contains("Haute"));
    assert!(page.body.contains("Immeuble principal — local 204"));
    assert!(me.get("/requests").await.body.contains(&number));

    let tech = app.signed_in(TECH_TI).await;
    let queue = tech.get("/queue").await;
    assert!(queue.body.contains(&number));
    tech.get(&format!("/requests/{number}")).await;
    let res = tech
        .post(&format!("/requests/{number}/assign"), &[("assignee", "me")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = tech
        .post(
            &format!("/requests/{number}/comments"),
            &[("body", "Lampe commandée"), ("internal", "on")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = tech
        .post_multipart(
            &format!("/requests/{number}/attachments"),
            "bon de commande.pdf",
            b"%PDF-1.4",
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = me.get(&format!("/requests/{number}")).await;
    assert!(
        page.body.contains("bon de commande.pdf"),
        "the requester sees the attachment"
    );
    tech.get(&format!("/requests/{number}")).await;
    // Resolving without a note re-renders the page with the reason, and changes nothing.
    let res = tech
        .post(
            &format!("/requests/{number}/transitions"),
            &[("to", "resolved"), ("note", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .body
        .contains("Décrivez la résolution avant de résoudre la demande."));
    let res = tech
        .post(
            &format!("/requests/{number}/transitions"),
            &[("to", "resolved"), ("note", "Lampe remplacée")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let queue = tech.get("/queue?assignee=me&status=resolved").await;
    assert!(queue.body.contains(&number));

    let page = me.get(&format!("/requests/{number}")).await;
    assert!(page.body.contains("Résolue"));
    assert!(page.body.contains("Lampe remplacée"));
    assert!(
        !page.body.contains("Lampe commandée"),
        "internal note shown to the requester"
    );
    assert!(page.body.contains("Confirmer la résolution"));
    let res = me
        .post(
            &format!("/requests/{number}/transitions"),
            &[("to", "closed")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(me
        .get(&format!("/requests/{number}"))
        .await
        .body
        .contains("Fermée"));

    // Attach a file from the page.
    let tech_page = tech.get(&format!("/requests/{number}")).await;
    assert!(
        !tech_page.body.contains("enctype=\"multipart/form-data\""),
        "closed requests take no attachment"
    );
}

#[actix_rt::test]
async fn the_form_keeps_values_and_shows_each_error_and_writes_nothing() {
    let app = TestApp::new().await;
    let me = app.signed_in(REQUESTER_A).await;
    me.get("/requests/new?category=tr-sortie").await;
    let res = me
        .post(
            "/requests",
            &[
                ("category", "tr-sortie"),
                ("title", "Sortie au Biodôme"),
                ("f_date_sortie", "2027-13-40"),
                ("f_eleves", "0"),
                ("f_destination", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &res.body;
    assert!(body.contains("Le formulaire contient des erreurs"));
    assert!(body.contains("Entrez une date valide (AAAA-MM-JJ)."));
    assert!(
        body.contains("La valeur doit être d&#x27;au moins 1.")
            || body.contains("La valeur doit être d'au moins 1."),
        "{body}"
    );
    assert!(body.contains("Ce champ est obligatoire."));
    assert!(body.contains("value=\"Sortie au Biodôme\""), "title kept");
    assert!(
        body.contains("value=\"2027-13-40\""),
        "bad value kept for correction"
    );
    assert!(body.contains("aria-invalid=\"true\""));
    assert_eq!(requests_count(&app), 0);
}

#[actix_rt::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let me = app.signed_in(REQUESTER_A).await;
    let res = me
        .post_raw(
            "/requests",
            &[("category", "rm-mobilier"), ("title", "Sans jeton")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("Le formulaire a expiré"));
    let res = me
        .post_raw(
            "/requests",
            &[
                ("csrf", "faux"),
                ("category", "rm-mobilier"),
                ("title", "Faux jeton"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(requests_count(&app), 0);
    // Sign-in forms are protected too.
    let anon = app.browser();
    let res = anon
        .post_raw("/login", &[("email", REQUESTER_A), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[actix_rt::test]
async fn repeated_failed_sign_ins_are_throttled_with_a_clear_message() {
    let app = TestApp::new().await;
    let b = app.browser();
    for _ in 0..5 {
        let res = b.sign_in(REQUESTER_A, "mauvais").await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res
            .body
            .contains("Adresse courriel ou mot de passe incorrect."));
    }
    let res = b.sign_in(REQUESTER_A, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.body.contains("Trop de tentatives de connexion"));
    // Another person is not affected.
    let other = app.browser();
    assert_eq!(
        other.sign_in(REQUESTER_B, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_rt::test]
async fn sessions_end_at_sign_out() {
    let app = TestApp::new().await;
    let me = app.signed_in(REQUESTER_A).await;
    assert_eq!(me.get("/requests").await.status, StatusCode::OK);
    let res = me.post("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(me.get("/requests").await.status, StatusCode::SEE_OTHER);
}

#[actix_rt::test]
async fn pages_speak_french_by_default_and_english_on_request() {
    let app = TestApp::new().await;
    let anon = app.browser();
    let page = anon.get("/login").await;
    assert!(page.body.contains("<html lang=\"fr\">"));
    assert!(page.body.contains("Se connecter"));
    let mut en = app.browser();
    en.lang = Some("en-CA,en;q=0.8");
    let page = en.get("/login").await;
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(page.body.contains("Sign in"));
    let missing = en.get("/nowhere").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Page not found"));
    // A signed-in person's choice is remembered.
    let me = app.signed_in(REQUESTER_A).await;
    me.post("/language", &[("lang", "en")]).await;
    let page = me.get("/requests").await;
    assert!(page.body.contains("My requests"), "{}", page.body);
}

#[actix_rt::test]
async fn error_pages_are_friendly_and_never_show_internals() {
    let app = TestApp::new().await;
    let me = app.signed_in(REQUESTER_A).await;
    let res = me.get("/requests/DS-424242").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("Page introuvable"));
    let res = me.get("/requests/pas-un-numero").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = me.get("/requests?cursor=%%%").await;
    assert!(
        res.status == StatusCode::SEE_OTHER || res.status == StatusCode::BAD_REQUEST,
        "{}",
        res.status
    );
}

#[actix_rt::test]
async fn idle_sessions_expire_and_are_purged() {
    let app = TestApp::new().await;
    let me = app.signed_in(REQUESTER_A).await;
    diesel::sql_query("UPDATE sessions SET last_seen_at = now() - interval '3 hours'")
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(
        me.get("/requests").await.status,
        StatusCode::SEE_OTHER,
        "an idle session no longer opens pages"
    );
    let _other = app.signed_in(REQUESTER_B).await;
    diesel::sql_query("UPDATE sessions SET last_seen_at = now() - interval '3 hours'")
        .execute(&mut app.conn())
        .unwrap();
    let (sessions, _) = guichet::users::service::purge_expired(
        &mut app.conn(),
        guichet::users::service::SessionLimits {
            idle_minutes: 120,
            max_hours: 12,
        },
        15,
    )
    .unwrap();
    assert_eq!(sessions, 1);
}

#[actix_rt::test]
async fn cookies_and_headers_are_locked_down() {
    let app = TestApp::new().await;
    let b = app.browser();
    b.get("/login").await;
    let res = b
        .post("/login", &[("email", REQUESTER_A), ("password", PASSWORD)])
        .await;
    let session = res
        .headers
        .get_all("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("guichet_session="))
        .expect("a session cookie");
    for flag in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(flag), "{flag} missing from {session}");
    }
    let page = b.get("/requests").await;
    let header = |name: &str| {
        page.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(header("content-security-policy").contains("default-src 'self'"));
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(
        header("cache-control").contains("no-store"),
        "pages with personal information are not cached"
    );
    // Output is escaped: a title with markup comes back as text.
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            serde_json::json!({"category": "rm-mobilier", "title": "<script>alert(1)</script>"}),
        )
        .await;
    let number = res.json()["number"].as_str().unwrap().to_string();
    let page = b.get(&format!("/requests/{number}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}
