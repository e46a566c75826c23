//! The mail console (`/admin/emails`: what could not be sent, what was received and what became
//! of it, the addresses mail no longer goes to, the templates) and the page of an email a
//! timeline entry came from. The console lives here, above `notify`, because it shows both
//! directions.

use super::queries::{self as inbound, Received};
use super::service;
use crate::error::AppError;
use crate::i18n;
use crate::notify::queries::{self as outbox, Failed};
use crate::notify::render::TEMPLATES;
use crate::requests::model::RequestNumber;
use crate::web::extract::Ctx;
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/emails", web::get().to(console))
        .route("/requests/{number}/mail/{id}", web::get().to(mail_page));
}

async fn console(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (failed, received, dead) = state
        .db(|c| {
            Ok((
                outbox::failed(c, 200)?,
                inbound::received(c, 100)?,
                outbox::undeliverable_list(c)?,
            ))
        })
        .await?;
    let loc = ctx.locale;
    let dead: Vec<Value> = dead
        .into_iter()
        .map(|(email, at)| json!({ "email": email, "marked_at": at }))
        .collect();
    ctx.render(
        &state,
        "pages/admin/emails",
        json!({
            "title": ctx.t("email-admin-title"),
            "templates": TEMPLATES.iter().map(|t| json!({ "name": t, "label": template_name(loc, t) })).collect::<Vec<_>>(),
            "failed": failed.iter().map(|f| failed_row(loc, f)).collect::<Vec<_>>(),
            "received": received.iter().map(|r| received_row(loc, r)).collect::<Vec<_>>(),
            "undeliverable": dead,
        }),
    )
}

fn template_name(loc: i18n::Locale, template: &str) -> String {
    i18n::tr(loc, "email-template", &[("code".into(), template.into())])
}

fn failed_row(loc: i18n::Locale, f: &Failed) -> Value {
    json!({
        "id": f.id, "recipient": f.recipient, "template": template_name(loc, &f.template),
        "number": f.number.map(|n| RequestNumber(n).to_string()),
        "attempts": f.attempts, "error": f.last_error, "failed_at": f.failed_at,
    })
}

fn received_row(loc: i18n::Locale, r: &Received) -> Value {
    json!({
        "sender": r.sender, "subject": r.subject, "channel": r.channel,
        "received_at": r.received_at, "number": r.number.map(|n| RequestNumber(n).to_string()),
        "detail": r.detail,
        "outcome": i18n::tr(loc, "inbound-outcome", &[("code".into(), r.outcome.clone())]),
        "reason": if r.reason.is_empty() { String::new() } else {
            i18n::tr(loc, "inbound-reason", &[("code".into(), r.reason.clone())])
        },
    })
}

/// The whole email a timeline entry came from (quoted history included).
pub async fn mail_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (number, id) = path.into_inner();
    let number = RequestNumber::parse(&number).ok_or(AppError::NotFound)?;
    let me = ctx.user.clone();
    let mail = state
        .db(move |c| service::mail_of_request(c, &me, number, id))
        .await?;
    ctx.render(
        &state,
        "pages/requests/mail",
        json!({
            "title": format!("{} — {}", crate::i18n::tr(ctx.locale, "mail-heading", &[]), number),
            "number": number.to_string(),
            "mail": mail,
        }),
    )
}
