//! Email administration: the templates with a preview on sample data, and the messages that
//! could not be sent, with their error and a « Renvoyer » button.

use super::*;
use crate::db::schema::outbox;
use crate::notify::render::{self, MailTemplates, TEMPLATES};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/emails", web::get().to(email_list))
        .route("/admin/emails/{template}", web::get().to(email_preview))
        .route("/admin/emails/{id}/resend", web::post().to(email_resend));
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
    require_admin(&ctx.user)?;
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
    let loc = ctx.locale;
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
        json!({ "title": ctx.t("email-admin-title"), "templates": templates, "failed": failed }),
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
    require_admin(&ctx.user)?;
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
    require_admin(&ctx.user)?;
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
