//! Extractors: the signed-in person (session cookie for pages, bearer token for the API), the
//! page context (person, language, CSRF token) and CSRF-checked forms.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::users::service as users;
use crate::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "guichet_session";
pub const CSRF_COOKIE: &str = "guichet_csrf";
pub const LANG_COOKIE: &str = "guichet_lang";

/// The CSRF token a form of this request must carry (the session's, else the cookie's).
#[derive(Clone)]
struct ExpectedCsrf(String);

/// The signed-in person's language preference, for pages rendered later in the request.
#[derive(Clone, Copy)]
struct UserLocale(Locale);

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("application state missing".into()))
}

/// The client's address: the peer, or the first forwarded address behind a trusted proxy.
pub fn client_ip(req: &HttpRequest, trust_proxy: bool) -> Option<String> {
    if trust_proxy {
        if let Some(ip) = req.connection_info().realip_remote_addr() {
            return Some(ip.to_string());
        }
    }
    req.peer_addr().map(|a| a.ip().to_string())
}

/// Language: the person's preference, then the cookie, then `Accept-Language`, then French.
pub fn resolve_locale(req: &HttpRequest) -> Locale {
    if let Some(UserLocale(l)) = req.extensions().get::<UserLocale>() {
        return *l;
    }
    if let Some(l) = req
        .cookie(LANG_COOKIE)
        .and_then(|c| Locale::parse(c.value()))
    {
        return l;
    }
    req.headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default()
}

async fn session_user(req: &HttpRequest) -> Result<Option<(CurrentUser, String)>, AppError> {
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let state = state(req)?;
    let token = cookie.value().to_string();
    let limits = users::SessionLimits::of(&state.settings);
    let found = state
        .db(move |c| users::session_user(c, &token, limits))
        .await?;
    Ok(found.map(|(mut user, csrf)| {
        user.ip = client_ip(req, state.settings.trust_proxy);
        req.extensions_mut().insert(ExpectedCsrf(csrf.clone()));
        req.extensions_mut().insert(UserLocale(user.locale));
        (user, csrf)
    }))
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match session_user(&req).await? {
                Some((user, _)) => Ok(user),
                None => Err(AppError::Unauthenticated),
            }
        })
    }
}

/// A signed-in page: the person, their language and the CSRF token for forms.
pub struct Ctx {
    pub user: CurrentUser,
    pub locale: Locale,
    pub csrf: String,
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (user, csrf) = session_user(&req).await?.ok_or(AppError::Unauthenticated)?;
            Ok(Ctx {
                locale: resolve_locale(&req),
                user,
                csrf,
            })
        })
    }
}

/// A page anyone may see (sign-in): the person if signed in, and a CSRF token — the
/// session's, or a cookie's for people not signed in yet (`new_cookie` must then be set).
pub struct AnonCtx {
    pub user: Option<CurrentUser>,
    pub locale: Locale,
    pub csrf: String,
    pub new_cookie: bool,
}

impl FromRequest for AnonCtx {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let found = session_user(&req).await?;
            let locale = resolve_locale(&req);
            Ok(match found {
                Some((user, csrf)) => AnonCtx {
                    user: Some(user),
                    locale,
                    csrf,
                    new_cookie: false,
                },
                None => {
                    let (csrf, new_cookie) = match req.cookie(CSRF_COOKIE) {
                        Some(c) if c.value().len() >= 32 => (c.value().to_string(), false),
                        _ => (users::new_secret(), true),
                    };
                    req.extensions_mut().insert(ExpectedCsrf(csrf.clone()));
                    AnonCtx {
                        user: None,
                        locale,
                        csrf,
                        new_cookie,
                    }
                }
            })
        })
    }
}

/// The signed-in person of an API call (`Authorization: Bearer …`).
pub struct ApiUser(pub CurrentUser);

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let token = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|h| h.to_str().ok())
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .ok_or(AppError::Unauthenticated)?;
            let state = state(&req)?;
            if !state
                .api_limiter
                .allow(&token, chrono::Utc::now().timestamp())
            {
                return Err(AppError::Throttled);
            }
            let mut user = state
                .db(move |c| users::token_user(c, &token))
                .await?
                .ok_or(AppError::Unauthenticated)?;
            user.ip = client_ip(&req, state.settings.trust_proxy);
            Ok(ApiUser(user))
        })
    }
}

/// The token this request's forms must carry: the session's when signed in, else the cookie's.
/// Extractors run concurrently, so this does not rely on `Ctx` having run first.
async fn expected_csrf(req: &HttpRequest) -> Result<Option<String>, AppError> {
    if let Some(e) = req.extensions().get::<ExpectedCsrf>() {
        return Ok(Some(e.0.clone()));
    }
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let token = cookie.value().to_string();
        let state = state(req)?;
        let limits = users::SessionLimits::of(&state.settings);
        if let Some(csrf) = state
            .db(move |c| users::session_csrf(c, &token, limits))
            .await?
        {
            return Ok(Some(csrf));
        }
    }
    Ok(req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()))
}

/// Checks a submitted token against the one this request expects (constant time). For use in
/// handlers, after `Ctx` was extracted.
pub fn check_csrf(req: &HttpRequest, submitted: Option<&str>) -> Result<(), AppError> {
    let expected = req
        .extensions()
        .get::<ExpectedCsrf>()
        .map(|e| e.0.clone())
        .or_else(|| req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()));
    compare_csrf(expected, submitted)
}

fn compare_csrf(expected: Option<String>, submitted: Option<&str>) -> Result<(), AppError> {
    match (expected, submitted) {
        (Some(e), Some(s))
            if !e.is_empty() && crate::signing::constant_time_eq(e.as_bytes(), s.as_bytes()) =>
        {
            Ok(())
        }
        _ => Err(AppError::Csrf),
    }
}

/// A URL-encoded form whose `csrf` field matched the session's (or, signed out, the cookie's).
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = body.await.map_err(|e| {
                if e.to_string().contains("overflow") || e.to_string().contains("larger") {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest(e.to_string())
                }
            })?;
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            let submitted = pairs
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str());
            compare_csrf(expected_csrf(&req).await?, submitted)?;
            let form = serde_urlencoded::from_bytes(&bytes)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            Ok(CsrfForm(form))
        })
    }
}

/// The raw pairs of a form, for category fields whose names are only known at run time.
pub fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(bytes).unwrap_or_default()
}
/// A cookie for our own use: HttpOnly, SameSite=Lax, Secure unless turned off for a demo.
pub fn cookie(
    name: &'static str,
    value: String,
    secure: bool,
) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(actix_web::cookie::SameSite::Lax)
        .finish()
}
