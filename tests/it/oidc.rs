//! Single sign-on against a real OpenID Connect provider (oidc-provider on loopback): the code
//! flow with PKCE end to end, people matched by email or created « à placer », a sign-in that
//! cannot be replayed or forged, unverified addresses and inactive accounts refused, and local
//! passwords that can be turned off.

use crate::support::app::Browser;
use crate::support::oidc::{OidcProvider, CLIENT_SECRET};
use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;

const BASE: &str = "http://127.0.0.1:8080";

async fn app_with_sso(extra: &str) -> (TestApp, OidcProvider) {
    app_with_provider(
        OidcProvider::start(&format!("{BASE}/login/oidc/callback")),
        extra,
    )
    .await
}

async fn app_with_provider(provider: OidcProvider, extra: &str) -> (TestApp, OidcProvider) {
    let app = TestApp::with_settings(&format!(
        "base_url = \"{BASE}\"\noidc_issuer = \"{}\"\noidc_client_id = \"guichet\"\noidc_client_secret = \"{CLIENT_SECRET}\"\n{extra}",
        provider.issuer
    ))
    .await;
    (app, provider)
}

/// Signs in at the provider as `login` from a browser of the application; returns the response
/// of Guichet's callback.
async fn round_trip(
    provider: &OidcProvider,
    b: &Browser<'_>,
    login: &str,
) -> (crate::support::app::Resp, String) {
    let start = b.get("/login/oidc?next=/requests").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let authorize = start.location();
    assert!(
        authorize.starts_with(&format!("{}/auth?", provider.issuer)),
        "{authorize}"
    );
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "PKCE: {authorize}"
    );
    let redirect = format!("{BASE}/login/oidc/callback");
    // The provider is another process: blocking HTTP to it does not hold up the application.
    let back = provider.sign_in(&authorize, login, &redirect);
    let path = back.trim_start_matches(BASE).to_string();
    (b.get(&path).await, path)
}

fn audit_count(app: &TestApp, action: &str) -> i64 {
    use guichet::db::schema::audit_log;
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn a_known_person_signs_in_with_the_provider_and_is_linked_to_it() {
    let (app, provider) = app_with_sso("").await;
    let b = app.browser();
    let page = b.get("/login").await;
    assert!(
        page.body.contains("href=\"/login/oidc"),
        "the sign-in page offers single sign-on: {}",
        page.body
    );
    let before = audit_count(&app, "user.sign_in");
    let (res, callback) = round_trip(&provider, &b, "Julie@Ecole-A.test").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/requests");
    let mine = b.get("/requests").await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(mine.body.contains("Julie Tremblay"), "signed in as Julie");
    assert_eq!(audit_count(&app, "user.sign_in"), before + 1);
    let subject: Option<String> = {
        use guichet::db::schema::users;
        users::table
            .filter(users::email.eq(REQUESTER_A))
            .select(users::oidc_subject)
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(
        subject,
        Some(format!("{}#Julie@Ecole-A.test", provider.issuer))
    );

    // The same answer from the provider cannot be used twice, nor a made-up one.
    let other = app.browser();
    let replay = other.get(&callback).await;
    assert_eq!(replay.status, StatusCode::CONFLICT, "{}", replay.body);
    assert!(replay.body.contains("Recommencez"), "{}", replay.body);
    assert_eq!(other.get("/requests").await.status, StatusCode::SEE_OTHER);
    let forged = other
        .get("/login/oidc/callback?code=abc&state=pas-un-etat")
        .await;
    assert_eq!(forged.status, StatusCode::CONFLICT);
    assert_eq!(audit_count(&app, "user.sign_in"), before + 1);
}

#[actix_rt::test]
async fn a_new_person_is_created_without_a_role_until_placed() {
    let (app, provider) = app_with_sso("").await;
    let b = app.browser();
    let (res, _) = round_trip(&provider, &b, "nouvelle.personne@ecole-a.test").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(
        home.body.contains("Votre compte attend d&#x27;être placé"),
        "{}",
        home.body
    );
    let (active, roles): (bool, i64) = {
        use guichet::db::schema::{user_roles, users};
        let mut conn = app.conn();
        let (id, active): (i64, bool) = users::table
            .filter(users::email.eq("nouvelle.personne@ecole-a.test"))
            .select((users::id, users::active))
            .first(&mut conn)
            .unwrap();
        let roles = user_roles::table
            .filter(user_roles::user_id.eq(id))
            .count()
            .get_result(&mut conn)
            .unwrap();
        (active, roles)
    };
    assert!(active);
    assert_eq!(roles, 0, "no unit, no role: « à placer »");
    assert_eq!(audit_count(&app, "user.create_by_sign_in"), 1);
    // The administrators find them in the list of people to place.
    let admin = app.signed_in(ADMIN).await;
    let list = admin.get("/admin/users?to_place=1").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body.contains("nouvelle.personne@ecole-a.test"),
        "{}",
        list.body
    );
    assert!(
        !list.body.contains(REQUESTER_A),
        "only those without a role"
    );
}

#[actix_rt::test]
async fn unverified_addresses_and_inactive_accounts_are_refused() {
    let (app, provider) = app_with_sso("").await;
    let b = app.browser();
    let (res, _) = round_trip(&provider, &b, "unverified.someone@ecole-a.test").await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(
        res.body.contains("adresse courriel vérifiée"),
        "{}",
        res.body
    );
    {
        use guichet::db::schema::users;
        diesel::update(users::table.filter(users::email.eq(REQUESTER_B)))
            .set(users::active.eq(false))
            .execute(&mut app.conn())
            .unwrap();
    }
    let (res, _) = round_trip(&provider, &b, REQUESTER_B).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("désactivé"), "{}", res.body);
    assert_eq!(b.get("/requests").await.status, StatusCode::SEE_OTHER);
}

#[actix_rt::test]
async fn local_passwords_can_be_turned_off() {
    let (app, provider) = app_with_sso("password_sign_in = false").await;
    let b = app.browser();
    let page = b.get("/login").await;
    assert_eq!(page.status, actix_web::http::StatusCode::OK);
    assert!(!page.body.contains("type=\"password\""), "{}", page.body);
    assert!(page.body.contains("href=\"/login/oidc"));
    let res = b
        .post("/login", &[("email", REQUESTER_A), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(b.get("/requests").await.status, StatusCode::SEE_OTHER);
    let (res, _) = round_trip(&provider, &b, REQUESTER_A).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(b.get("/requests").await.status, StatusCode::OK);
    // API tokens keep working: they are not passwords.
    assert_eq!(
        app.api(REQUESTER_A).get("/api/v1/requests").await.status,
        StatusCode::OK
    );
}

/// Runs `request` and, every few milliseconds while it runs, notes how many of the pool's
/// connections are in use whenever the provider is in the middle of answering.
async fn in_use_while_answering<F: std::future::Future>(
    app: &TestApp,
    provider: &OidcProvider,
    request: F,
) -> (F::Output, Vec<u32>) {
    let done = std::cell::Cell::new(false);
    let request = async {
        let out = request.await;
        done.set(true);
        out
    };
    let watch = async {
        let mut seen = Vec::new();
        while !done.get() {
            if provider.answering() {
                let pool = app.state.pool.state();
                seen.push(pool.connections - pool.idle_connections);
            }
            actix_rt::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        seen
    };
    futures_util::future::join(request, watch).await
}

#[actix_rt::test]
async fn no_database_connection_is_held_while_the_provider_answers() {
    // Each call to the provider's discovery, keys, token and userinfo takes 400 ms: a sign-in
    // that waited on it with a connection would keep it from everyone else that long.
    let provider = OidcProvider::start_slow(&format!("{BASE}/login/oidc/callback"), 400);
    let (app, provider) = app_with_provider(provider, "").await;
    let b = app.browser();
    let before = provider.calls().len();
    let (start, seen_start) =
        in_use_while_answering(&app, &provider, b.get("/login/oidc?next=/requests")).await;
    assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
    let redirect = format!("{BASE}/login/oidc/callback");
    let back = provider.sign_in(&start.location(), "Julie@Ecole-A.test", &redirect);
    let path = back.trim_start_matches(BASE).to_string();
    let (res, seen_callback) = in_use_while_answering(&app, &provider, b.get(&path)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/requests");
    let calls = provider.calls()[before..].to_vec();
    assert!(
        calls.iter().any(|c| c == "> POST /token") && calls.iter().any(|c| c == "> GET /me"),
        "the sign-in went through the token and userinfo endpoints: {calls:?}"
    );
    let seen: Vec<u32> = seen_start.into_iter().chain(seen_callback).collect();
    assert!(
        seen.len() >= 20,
        "the provider was watched while it answered: {seen:?}"
    );
    assert!(
        seen.iter().all(|&n| n == 0),
        "connections in use while the provider answered: {seen:?}"
    );
}
