//! Email administration, the outgoing side: each template previewed on sample data, a message
//! that could not be sent sent again (« Renvoyer »), an address a permanent bounce marked let
//! through again (« Rétablir »). The console listing them is `inbound::pages`, above both.

use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::notify::render::{self, MailTemplates, TEMPLATES};
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::Empty;
use crate::web::render::see_other;
use crate::AppState;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/emails/{template}", web::get().to(email_preview))
        .route("/admin/emails/{id}/resend", web::post().to(email_resend))
        .route(
            "/admin/emails/undeliverable/clear",
            web::post().to(undeliverable_clear),
        );
}

#[derive(Deserialize)]
struct PreviewQuery {
    lang: Option<String>,
}

async fn email_preview(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<PreviewQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let name = path.into_inner();
    if !TEMPLATES.contains(&name.as_str()) {
        return Err(AppError::NotFound);
    }
    let locale = q
        .lang
        .as_deref()
        .and_then(Locale::parse)
        .unwrap_or(ctx.locale);
    let templates = MailTemplates::load(&state.settings.templates_dir, false)?;
    let out = templates.render(
        &name,
        locale,
        &render::sample(locale, &state.settings.base_url),
    )?;
    ctx.render(
        &state,
        "pages/admin/email_preview",
        json!({
            "title": i18n::tr(ctx.locale, "email-template", &[("code".into(), name.clone())]),
            "subject": format!("[DS-000123] {}", out.subject),
            "text": out.text,
            "html": out.html,
            "other": [
                { "href": format!("/admin/emails/{name}?lang=fr"), "label": "Français", "current": locale == Locale::Fr },
                { "href": format!("/admin/emails/{name}?lang=en"), "label": "English", "current": locale == Locale::En },
            ],
        }),
    )
}

async fn email_resend(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = path.into_inner();
    let user = ctx.user.clone();
    state
        .db(move |c| {
            c.transaction(|c| {
                if crate::notify::queries::resend(c, id)? == 0 {
                    return Err(AppError::NotFound);
                }
                crate::audit::record(c, &user.origin(), "email.resend", "outbox", id, json!({}))?;
                Ok(())
            })
        })
        .await?;
    state.mail_wakeup.notify_one();
    Ok(see_other("/admin/emails"))
}

#[derive(Deserialize)]
struct AddressForm {
    email: String,
}

/// Lets mail go again to an address a bounce marked (the person's mailbox works again).
async fn undeliverable_clear(
    ctx: Ctx,
    form: CsrfForm<AddressForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let user = ctx.user.clone();
    let email = form.0.email;
    state
        .db(move |c| crate::notify::clear_undeliverable(c, &user, &email))
        .await?;
    Ok(see_other("/admin/emails"))
}
