//! Email administration: the templates with a preview on sample data, the messages that could
//! not be sent (with their error and a « Renvoyer » button), the messages received and what
//! became of each, and the addresses a permanent bounce marked (with « Rétablir »).

use super::*;
use crate::db::schema::outbox;
use crate::notify::render::{self, MailTemplates, TEMPLATES};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/emails", web::get().to(email_list))
        .route("/admin/emails/{template}", web::get().to(email_preview))
        .route("/admin/emails/{id}/resend", web::post().to(email_resend))
        .route(
            "/admin/emails/undeliverable/clear",
            web::post().to(undeliverable_clear),
        );
}

type FailedRow = (
    i64,
    String,
    String,
    Option<i64>,
    i32,
    Option<String>,
    Option<DateTime<Utc>>,
);

async fn email_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let failed: Vec<FailedRow> = state
        .db(|c| {
            use crate::db::schema::requests;
            Ok(outbox::table
                .left_join(requests::table.on(requests::id.nullable().eq(outbox::request_id)))
                .filter(outbox::failed_at.is_not_null())
                .order(outbox::failed_at.desc())
                .limit(200)
                .select((
                    outbox::id,
                    outbox::recipient,
                    outbox::template,
                    requests::number.nullable(),
                    outbox::attempts,
                    outbox::last_error,
                    outbox::failed_at,
                ))
                .load(c)?)
        })
        .await?;
    let (received, dead) = state
        .db(|c| {
            use crate::db::schema::{requests, undeliverable_addresses as u};
            let received = crate::inbound::service::log(c, None, 100)?;
            let ids: Vec<i64> = received.iter().filter_map(|r| r.request_id).collect();
            let numbers: std::collections::HashMap<i64, i64> = requests::table
                .filter(requests::id.eq_any(&ids))
                .select((requests::id, requests::number))
                .load::<(i64, i64)>(c)?
                .into_iter()
                .collect();
            let dead: Vec<(String, DateTime<Utc>)> = u::table
                .order(u::marked_at.desc())
                .select((u::email, u::marked_at))
                .load(c)?;
            Ok((
                received
                    .into_iter()
                    .map(|r| {
                        let number = r
                            .request_id
                            .and_then(|id| numbers.get(&id))
                            .map(|n| crate::requests::model::RequestNumber(*n).to_string());
                        (r, number)
                    })
                    .collect::<Vec<_>>(),
                dead,
            ))
        })
        .await?;
    let loc = ctx.locale;
    let received: Vec<Value> = received
        .into_iter()
        .map(|(r, number)| {
            json!({
                "sender": r.sender, "subject": r.subject, "channel": r.channel,
                "received_at": r.received_at, "number": number, "detail": r.detail,
                "outcome": i18n::tr(loc, "inbound-outcome", &[("code".into(), r.outcome.clone())]),
                "reason": if r.reason.is_empty() { String::new() } else {
                    i18n::tr(loc, "inbound-reason", &[("code".into(), r.reason.clone())])
                },
            })
        })
        .collect();
    let dead: Vec<Value> = dead
        .into_iter()
        .map(|(email, at)| json!({ "email": email, "marked_at": at }))
        .collect();
    let templates: Vec<Value> = TEMPLATES
        .iter()
        .map(|t| json!({ "name": t, "label": i18n::tr(loc, "email-template", &[("code".into(), (*t).into())]) }))
        .collect();
    let failed: Vec<Value> = failed
        .into_iter()
        .map(|(id, to, template, number, attempts, error, at)| {
            json!({
                "id": id, "recipient": to,
                "template": i18n::tr(loc, "email-template", &[("code".into(), template)]),
                "number": number.map(|n| crate::requests::model::RequestNumber(n).to_string()),
                "attempts": attempts, "error": error, "failed_at": at,
            })
        })
        .collect();
    ctx.render(
        &state,
        "pages/admin/emails",
        json!({
            "title": ctx.t("email-admin-title"), "templates": templates, "failed": failed,
            "received": received, "undeliverable": dead,
        }),
    )
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
                if crate::notify::mailer::resend(c, id)? == 0 {
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
        .db(move |c| crate::inbound::service::clear_undeliverable(c, &user, &email))
        .await?;
    Ok(see_other("/admin/emails"))
}
