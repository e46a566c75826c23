//! Single sign-on with OpenID Connect (Microsoft Entra ID or any provider): the authorization
//! code flow with PKCE, through the `openidconnect` crate (discovery, token exchange, ID token
//! signature, issuer, audience, expiry and nonce checks) over our ureq client, redirects off.
//!
//! The state, the PKCE verifier and the nonce of a sign-in wait server-side (`oidc_logins`, ten
//! minutes, used once). A person is found by the provider's subject, else by their email (which
//! the provider must say is verified), else created with no role — « à placer » until an
//! administrator gives them a unit.

pub mod queries;

use crate::audit::{self, Origin};
use crate::config::Settings;
use crate::error::{AppError, Msg};
use crate::users::model::User;
use diesel::prelude::*;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a sign-in may take at the provider.
const PENDING_MINUTES: i64 = 10;
/// How long the provider's metadata (endpoints, keys) is reused.
const METADATA_TTL: Duration = Duration::from_secs(600);

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HttpError(String);

/// The HTTP client of the flow: ureq, no redirects (no SSRF through the provider), statuses
/// returned to the library rather than turned into errors.
fn http() -> impl Fn(openidconnect::HttpRequest) -> Result<openidconnect::HttpResponse, HttpError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(15)))
        .build()
        .into();
    move |req: openidconnect::HttpRequest| {
        let res = agent.run(req).map_err(|e| HttpError(e.to_string()))?;
        let (parts, mut body) = res.into_parts();
        let bytes = body
            .with_config()
            .limit(2 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| HttpError(e.to_string()))?;
        Ok(openidconnect::HttpResponse::from_parts(parts, bytes))
    }
}

static METADATA: Mutex<Option<(String, Instant, CoreProviderMetadata)>> = Mutex::new(None);

fn metadata(issuer: &str) -> Result<CoreProviderMetadata, AppError> {
    if let Ok(guard) = METADATA.lock() {
        if let Some((i, at, m)) = guard.as_ref() {
            if i == issuer && at.elapsed() < METADATA_TTL {
                return Ok(m.clone());
            }
        }
    }
    let url = IssuerUrl::new(issuer.to_string()).map_err(|e| unavailable(&e.to_string()))?;
    let m =
        CoreProviderMetadata::discover(&url, &http()).map_err(|e| unavailable(&e.to_string()))?;
    if let Ok(mut guard) = METADATA.lock() {
        *guard = Some((issuer.to_string(), Instant::now(), m.clone()));
    }
    Ok(m)
}

fn unavailable(detail: &str) -> AppError {
    log::warn!("single sign-on: {detail}");
    AppError::rule("oidc-unavailable")
}

/// Whether single sign-on is configured.
pub fn enabled(s: &Settings) -> bool {
    s.oidc_issuer.is_some() && s.oidc_client_id.is_some()
}

pub fn redirect_uri(s: &Settings) -> String {
    format!("{}/login/oidc/callback", s.base_url.trim_end_matches('/'))
}

macro_rules! client {
    ($s:expr, $meta:expr) => {
        CoreClient::from_provider_metadata(
            $meta,
            ClientId::new($s.oidc_client_id.clone().unwrap_or_default()),
            $s.oidc_client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri($s)).map_err(|e| AppError::Internal(e.to_string()))?,
        )
    };
}

/// A sign-in under way, kept between the two steps.
#[derive(Debug, Clone)]
pub struct Pending {
    state: String,
    verifier: String,
    nonce: String,
}

/// Step 1, network only (discovery, cached): the provider's address to send the browser to,
/// and what to keep for step 2. No database connection is held while the provider answers.
pub fn authorize(s: &Settings) -> Result<(String, Pending), AppError> {
    let issuer = s.oidc_issuer.as_deref().ok_or(AppError::NotFound)?;
    let client = client!(s, metadata(issuer)?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    Ok((
        url.to_string(),
        Pending {
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
        },
    ))
}

/// Step 1, database: keeps the sign-in under way (and forgets those abandoned).
pub fn keep(conn: &mut PgConnection, p: &Pending, next: &str) -> Result<(), AppError> {
    let since = chrono::Utc::now() - chrono::Duration::minutes(PENDING_MINUTES);
    queries::forget_before(conn, since)?;
    queries::keep(conn, (&p.state, &p.verifier, &p.nonce), next)?;
    Ok(())
}

/// Step 2, database: the sign-in under way for this state, used once; and where to go after.
pub fn take(conn: &mut PgConnection, state: &str) -> Result<(Pending, String), AppError> {
    let since = chrono::Utc::now() - chrono::Duration::minutes(PENDING_MINUTES);
    let pending = queries::take(conn, state, since)?;
    let Some((verifier, nonce, next)) = pending else {
        return Err(AppError::rule("oidc-expired"));
    };
    Ok((
        Pending {
            state: state.to_string(),
            verifier,
            nonce,
        },
        next,
    ))
}

/// Who signed in at the provider.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: String,
    pub name: Option<String>,
}

/// Step 2, network only: the code exchanged with its verifier, the ID token checked, the user
/// info asked when the token has no address. No database connection is held meanwhile.
pub fn identify(s: &Settings, p: Pending, code: &str) -> Result<Identity, AppError> {
    let issuer = s.oidc_issuer.as_deref().ok_or(AppError::NotFound)?;
    let Pending {
        verifier, nonce, ..
    } = p;
    let client = client!(s, metadata(issuer)?);
    let http = http();
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|e| unavailable(&e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request(&http)
        .map_err(|e| {
            log::warn!("single sign-on: code exchange refused: {e:?}");
            AppError::rule("oidc-refused")
        })?;
    let id_token = token
        .id_token()
        .ok_or_else(|| AppError::rule("oidc-refused"))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce))
        .map_err(|e| {
            log::warn!("single sign-on: ID token refused: {e}");
            AppError::rule("oidc-refused")
        })?;
    // Entra ID gives the address in the ID token (`email`, or `preferred_username` for some
    // tenants); other providers only at the user info endpoint. It must not be one the provider
    // says is unverified.
    let from_token = claims
        .email()
        .map(|e| (e.as_str().to_string(), claims.email_verified()))
        .or_else(|| {
            claims
                .preferred_username()
                .map(|u| (u.as_str().to_string(), None))
                .filter(|(u, _)| u.contains('@'))
        });
    let mut name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().trim().to_string())
        .filter(|n| !n.is_empty());
    let subject = claims.subject().clone();
    let found = match from_token {
        Some(found) => Some(found),
        None => {
            let info: openidconnect::core::CoreUserInfoClaims = client
                .user_info(token.access_token().clone(), Some(subject.clone()))
                .map_err(|e| unavailable(&e.to_string()))?
                .request(&http)
                .map_err(|e| {
                    log::warn!("single sign-on: user info refused: {e:?}");
                    AppError::rule("oidc-refused")
                })?;
            if name.is_none() {
                name = info
                    .name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().trim().to_string())
                    .filter(|n| !n.is_empty());
            }
            info.email()
                .map(|e| (e.as_str().to_string(), info.email_verified()))
        }
    };
    let email = found
        .filter(|(_, verified)| *verified != Some(false))
        .map(|(e, _)| e.trim().to_lowercase())
        .ok_or_else(|| AppError::rule("oidc-no-email"))?;
    let name = name.map(|n| n.chars().take(200).collect());
    Ok(Identity {
        subject: format!("{issuer}#{}", subject.as_str()),
        email,
        name,
    })
}

/// The person who signed in: by subject, else by email (then linked), else a new account with
/// no role. An inactive account is refused.
pub fn person(conn: &mut PgConnection, who: &Identity, ip: Option<&str>) -> Result<User, AppError> {
    conn.transaction(|conn| {
        let by_subject = crate::users::queries::by_oidc_subject(conn, &who.subject)?;
        let user = match by_subject {
            Some(u) => u,
            None => match crate::users::queries::by_email(conn, &who.email)? {
                Some(u) => {
                    crate::users::queries::set_oidc_subject(conn, u.id, &who.subject)?;
                    u
                }
                None => {
                    let name = who.name.clone().unwrap_or_else(|| who.email.clone());
                    let id = crate::users::queries::insert_signed_in(
                        conn,
                        &who.email,
                        &name,
                        &who.subject,
                    )
                    .map_err(|e| AppError::taken(e, "email", "field-email-taken"))?;
                    audit::record(
                        conn,
                        &Origin {
                            actor: Some(id),
                            ip: ip.map(str::to_string),
                        },
                        "user.create_by_sign_in",
                        "user",
                        id,
                        serde_json::json!({"email": who.email}),
                    )?;
                    crate::users::queries::find(conn, id)?
                }
            },
        };
        if !user.active {
            return Err(AppError::Rule(Msg::new("oidc-inactive")));
        }
        Ok(user)
    })
}
