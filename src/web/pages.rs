//! Pages that belong to no domain: home, sign in and out, language, health.

use super::extract::{AnonCtx, CsrfForm, Ctx, LANG_COOKIE, SESSION_COOKIE};
use super::form::Empty;
use super::render::{field_messages, see_other};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::users::service::{self as users, SignIn, SignInLimits};
use crate::AppState;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state.db(|c| Ok(crate::db::ping(c)?)).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "ok" })))
}

/// Staff land on their queue, everyone else on their requests; a person with no role yet (created
/// by single sign-on) learns their account waits to be placed.
pub async fn home(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if ctx.user.roles.is_empty() && ctx.user.groups.is_empty() {
        return ctx.render(
            &state,
            "pages/pending",
            json!({ "title": ctx.t("pending-title") }),
        );
    }
    Ok(if ctx.user.is_staff() {
        see_other("/queue")
    } else {
        see_other("/requests")
    })
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after signing in (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

pub async fn login_form(
    ctx: AnonCtx,
    state: web::Data<AppState>,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(see_other(&safe_next(q.next.as_deref())));
    }
    login_page(
        &ctx,
        &state,
        StatusCode::OK,
        safe_next(q.next.as_deref()),
        "",
        json!({}),
        None,
    )
}

/// The sign-in page: the password form (unless turned off), single sign-on (when configured),
/// and why the last attempt failed.
fn login_page(
    ctx: &AnonCtx,
    state: &AppState,
    status: StatusCode,
    next: String,
    email: &str,
    errors: serde_json::Value,
    problem: Option<String>,
) -> Result<HttpResponse, AppError> {
    ctx.render_status(
        state,
        status,
        "pages/login",
        json!({ "title": crate::i18n::tr(ctx.locale, "sign-in-title", &[]), "next": next,
                "email": email, "errors": errors, "problem": problem,
                "passwords": state.settings.password_sign_in,
                "sso": crate::oidc::enabled(&state.settings),
                "sso_href": format!("/login/oidc?next={}", super::render::urlencode(&next)) }),
    )
}

#[derive(Deserialize)]
pub struct SsoCallback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Single sign-on, step 1: off to the provider.
pub async fn oidc_start(
    state: web::Data<AppState>,
    q: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if !crate::oidc::enabled(&state.settings) {
        return Err(AppError::NotFound);
    }
    let next = safe_next(q.next.as_deref());
    let settings = state.settings.clone();
    // The provider first (no connection held), then one database call.
    let (url, pending) = web::block(move || crate::oidc::authorize(&settings))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    state
        .db(move |c| crate::oidc::keep(c, &pending, &next))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", url))
        .insert_header(("Cache-Control", "no-store"))
        .finish())
}

/// Single sign-on, step 2: the provider's answer; a session, or the sign-in page with why not.
pub async fn oidc_callback(
    req: HttpRequest,
    ctx: AnonCtx,
    state: web::Data<AppState>,
    q: web::Query<SsoCallback>,
) -> Result<HttpResponse, AppError> {
    if !crate::oidc::enabled(&state.settings) {
        return Err(AppError::NotFound);
    }
    let q = q.into_inner();
    let ip = super::extract::client_ip(&req, state.settings.trust_proxy);
    let result = match (q.code, q.state, q.error) {
        (Some(code), Some(st), None) => sso_session(&state, code, st, ip, user_agent(&req)).await,
        (_, _, Some(_)) => Err(AppError::rule("oidc-refused")),
        _ => Err(AppError::rule("oidc-expired")),
    };
    match result {
        Ok((token, user, next)) => signed_in(&state, &safe_next(Some(&next)), token, &user),
        Err(e @ AppError::Rule(_)) => {
            let message = crate::i18n::msg(ctx.locale, &e.message());
            let (status, no_errors) = (e.status(), json!({}));
            login_page(
                &ctx,
                &state,
                status,
                "/".into(),
                "",
                no_errors,
                Some(message),
            )
        }
        Err(e) => Err(e),
    }
}

/// The sign-in under way (used once), then the provider with no connection held, then the
/// person and their session: its token, the person, and where they were going.
async fn sso_session(
    state: &AppState,
    code: String,
    st: String,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<(String, crate::users::model::User, String), AppError> {
    let settings = state.settings.clone();
    let (pending, next) = state.db(move |c| crate::oidc::take(c, &st)).await?;
    let who = web::block(move || crate::oidc::identify(&settings, pending, &code))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    state
        .db(move |c| {
            let user = crate::oidc::person(c, &who, ip.as_deref())?;
            let token =
                users::open_session(c, &user, ip.as_deref(), user_agent.as_deref(), "oidc")?;
            Ok((token, user, next))
        })
        .await
}

/// The browser's description of itself, as sessions keep it (300 characters at most).
fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("User-Agent")
        .and_then(|h| h.to_str().ok())
        .map(|s| s.chars().take(300).collect())
}

/// Signed in: on to `next` with the session cookie and the person's language.
fn signed_in(
    state: &AppState,
    next: &str,
    token: String,
    user: &crate::users::model::User,
) -> Result<HttpResponse, AppError> {
    let mut res = see_other(next);
    let secure = state.settings.cookie_secure;
    res.add_cookie(&super::extract::cookie(SESSION_COOKIE, token, secure))
        .and_then(|_| {
            res.add_cookie(&super::extract::cookie(
                LANG_COOKIE,
                user.locale.clone(),
                secure,
            ))
        })
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(res)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    req: HttpRequest,
    ctx: AnonCtx,
    form: CsrfForm<LoginForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if !state.settings.password_sign_in {
        return Err(AppError::Forbidden);
    }
    let form = form.0;
    let next = safe_next(form.next.as_deref());
    let cmd = SignIn {
        email: form.email.clone(),
        password: form.password,
        ip: super::extract::client_ip(&req, state.settings.trust_proxy),
        user_agent: user_agent(&req),
    };
    let limits = SignInLimits {
        max_failures: state.settings.max_failed_sign_ins,
        window_minutes: state.settings.sign_in_window_minutes,
    };
    match state.db(move |c| users::sign_in(c, cmd, &limits)).await {
        Ok((token, user)) => signed_in(&state, &next, token, &user),
        Err(e @ (AppError::Invalid(_) | AppError::Throttled)) => {
            let errors = match &e {
                AppError::Invalid(f) => field_messages(ctx.locale, f),
                _ => json!({ "password": [crate::i18n::msg(ctx.locale, &e.message())] }),
            };
            login_page(&ctx, &state, e.status(), next, &form.email, errors, None)
        }
        Err(e) => Err(e),
    }
}

pub async fn logout(
    req: HttpRequest,
    ctx: Ctx,
    _form: CsrfForm<Empty>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(c) = req.cookie(SESSION_COOKIE) {
        let token = c.value().to_string();
        let origin = ctx.user.origin();
        state
            .db(move |conn| users::sign_out(conn, &token, &origin))
            .await?;
    }
    signed_out()
}

/// Back to the sign-in page, the session cookie removed.
fn signed_out() -> Result<HttpResponse, AppError> {
    let mut res = see_other("/login?bye=1");
    let mut gone = Cookie::new(SESSION_COOKIE, "");
    gone.set_path("/");
    gone.make_removal();
    res.add_cookie(&gone)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(res)
}

/// Ends every session of the person, this one included.
pub async fn logout_everywhere(
    ctx: Ctx,
    _form: CsrfForm<Empty>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let origin = ctx.user.origin();
    state
        .db(move |conn| users::sign_out_everywhere(conn, &origin))
        .await?;
    signed_out()
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    back: Option<String>,
}

/// Switches the language; a signed-in person's preference is saved too.
pub async fn language(
    ctx: AnonCtx,
    form: CsrfForm<LanguageForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale = Locale::parse(&form.0.lang).ok_or_else(|| AppError::BadRequest("lang".into()))?;
    if let Some(user) = &ctx.user {
        let id = user.id;
        state.db(move |c| users::set_locale(c, id, locale)).await?;
    }
    let mut res = see_other(&safe_next(form.0.back.as_deref()));
    res.add_cookie(&super::extract::cookie(
        LANG_COOKIE,
        locale.code().to_string(),
        state.settings.cookie_secure,
    ))
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(res)
}

#[derive(Deserialize)]
pub struct ProfileQuery {
    ok: Option<String>,
}

/// One's own preferences: language and notifications.
pub async fn profile(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ProfileQuery>,
) -> Result<HttpResponse, AppError> {
    let id = ctx.user.id;
    let me = state
        .db(move |c| Ok(crate::users::queries::find(c, id)?))
        .await?;
    let choice = users::NotifyChoice::of(&me).code();
    let options = ["all", "digest", "essential"]
        .iter()
        .map(|c| json!({ "value": c, "label": ctx.t(&format!("profile-notify-{c}")), "checked": *c == choice }))
        .collect::<Vec<_>>();
    let mut data = json!({
        "max_hours": state.settings.session_max_hours,
        "title": ctx.t("profile-title"),
        "name": me.display_name,
        "email": me.email,
        "locales": [
            { "value": "fr", "label": "Français", "selected": me.locale == "fr" },
            { "value": "en", "label": "English", "selected": me.locale == "en" },
        ],
        "notify_options": options,
        "flash": null,
    });
    if q.ok.is_some() {
        data["flash"] = json!(ctx.t("profile-saved"));
    }
    ctx.render(&state, "pages/profile", data)
}

#[derive(Deserialize)]
pub struct ProfileForm {
    locale: String,
    notifications: String,
}

pub async fn profile_save(
    ctx: Ctx,
    form: CsrfForm<ProfileForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale =
        Locale::parse(&form.0.locale).ok_or_else(|| AppError::BadRequest("locale".into()))?;
    let choice = users::NotifyChoice::parse(&form.0.notifications)
        .ok_or_else(|| AppError::BadRequest("notifications".into()))?;
    let user = ctx.user.clone();
    state
        .db(move |c| users::set_preferences(c, &user, locale, choice))
        .await?;
    let mut res = see_other("/profile?ok=1");
    res.add_cookie(&super::extract::cookie(
        LANG_COOKIE,
        locale.code().to_string(),
        state.settings.cookie_secure,
    ))
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_next(Some("/requests/DS-000001")),
            "/requests/DS-000001"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
