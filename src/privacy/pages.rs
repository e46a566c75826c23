//! Pages: Admin › Conservation (retention policies, a dry run « as of » a date, the runs) and
//! the auditors' data-subject export.

use super::{export, queries, retention};
use crate::catalog::queries as catalog;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::render_or_redirect;
use crate::web::render::{csv_download, refusal, CsvFile};
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/retention", web::get().to(show))
        .route("/admin/retention", web::post().to(save))
        .route("/admin/retention/preview", web::post().to(preview))
        .route("/admin/retention/{id}/remove", web::post().to(remove))
        .route("/audit/incidents.csv", web::get().to(incidents_csv))
        .route("/audit/export", web::get().to(export_form))
        .route("/audit/export", web::post().to(export_zip));
}

/// « 2557 jours (about 7 years) », « 730 jours (about 2 years) », « 90 jours », « jamais ».
fn delay(loc: Locale, days: Option<i32>) -> String {
    match days {
        None => i18n::tr(loc, "retention-never", &[]),
        Some(d) if d >= 365 => {
            let years = (f64::from(d) / 365.25).round() as i64;
            i18n::tr(
                loc,
                "retention-days-years",
                &[
                    ("n".into(), d.to_string()),
                    ("years".into(), years.to_string()),
                ],
            )
        }
        Some(d) => i18n::tr(loc, "retention-days", &[("n".into(), d.to_string())]),
    }
}

#[derive(Debug, Default, Deserialize)]
struct Done {
    done: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct PreviewForm {
    /// The day the policies are applied as of (empty: today).
    #[serde(default)]
    at: String,
}

/// The page's data: the policies, the scopes a policy may have, the recent runs.
type PageData = (Vec<Value>, Vec<Value>, Vec<Value>);

fn data(c: &mut diesel::PgConnection, loc: Locale) -> Result<PageData, AppError> {
    let domains = catalog::domains(c)?;
    let categories = catalog::all_categories(c)?;
    let scope_name = |p: &retention::Policy| -> String {
        if let Some(id) = p.category_id {
            categories
                .iter()
                .find(|k| k.id == id)
                .map(|k| loc.pick(&k.name_fr, &k.name_en).to_string())
                .unwrap_or_default()
        } else if let Some(d) = &p.domain {
            domains
                .iter()
                .find(|x| x.code.to_string() == *d)
                .map(|x| loc.pick(&x.name_fr, &x.name_en).to_string())
                .unwrap_or_else(|| d.clone())
        } else {
            i18n::tr(loc, "retention-default", &[])
        }
    };
    let policies = retention::policies(c)?
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "scope": scope_name(p),
                "default": p.is_default(),
                "anonymize": delay(loc, p.anonymize_after_days),
                "attachments": delay(loc, p.attachments_after_days),
            })
        })
        .collect();
    let mut scopes =
        vec![json!({ "value": "*", "label": i18n::tr(loc, "retention-default", &[]) })];
    for d in &domains {
        scopes.push(json!({ "value": d.code.to_string(),
            "label": i18n::tr(loc, "retention-domain", &[("name".into(), loc.pick(&d.name_fr, &d.name_en).to_string())]) }));
    }
    for k in &categories {
        scopes.push(json!({ "value": format!("c{}", k.id),
            "label": i18n::tr(loc, "retention-category", &[("name".into(), loc.pick(&k.name_fr, &k.name_en).to_string())]) }));
    }
    let runs = retention::runs(c, 10)?
        .into_iter()
        .map(|(started, clock, dry, who, anonymized, purged)| {
            json!({ "started_at": started, "clock": clock.date_naive().to_string(), "dry_run": dry,
                    "who": who.unwrap_or_else(|| i18n::tr(loc, "system-actor", &[])),
                    "anonymized": anonymized, "purged": purged })
        })
        .collect();
    Ok((policies, scopes, runs))
}

fn page(
    ctx: &Ctx,
    state: &AppState,
    (policies, scopes, runs): PageData,
    extra: Value,
    problem: Option<&AppError>,
) -> Result<HttpResponse, AppError> {
    let (status, message, errors) = refusal(ctx.locale, problem);
    let mut data = json!({
        "title": ctx.t("retention-title"),
        "policies": policies,
        "scopes": scopes,
        "runs": runs,
        "problem": message,
        "errors": errors,
        "report": null,
        "at": "",
        "input": { "scope": "*", "anonymize_after_days": "", "attachments_after_days": "" },
    });
    if let (Value::Object(d), Value::Object(e)) = (&mut data, extra) {
        d.extend(e);
    }
    let chosen = data["input"]["scope"].as_str().unwrap_or("*").to_string();
    if let Some(scopes) = data["scopes"].as_array_mut() {
        for s in scopes {
            s["selected"] = json!(s["value"] == chosen.as_str());
        }
    }
    ctx.render_status(state, status, "pages/admin/retention", data)
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let loc = ctx.locale;
    let d = state.db(move |c| data(c, loc)).await?;
    let flash = q
        .done
        .as_deref()
        .filter(|k| matches!(*k, "saved" | "removed"))
        .map(|k| ctx.t(&format!("retention-{k}")));
    page(&ctx, &state, d, json!({ "flash": flash }), None)
}

async fn save(
    ctx: Ctx,
    form: CsrfForm<retention::PolicyInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (origin, input) = (ctx.user.origin(), form.0.clone());
    let saved = state
        .db(move |c| retention::save_policy(c, &origin, &input))
        .await;
    render_or_redirect(
        saved,
        |_| "/admin/retention?done=saved",
        |e| async move {
            let loc = ctx.locale;
            let d = state.db(move |c| data(c, loc)).await?;
            let f = &form.0;
            let input = json!({ "scope": f.scope, "anonymize_after_days": f.anonymize_after_days,
                            "attachments_after_days": f.attachments_after_days });
            page(&ctx, &state, d, json!({ "input": input }), Some(&e))
        },
    )
    .await
}

async fn remove(
    ctx: Ctx,
    _form: CsrfForm<Value>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (origin, id) = (ctx.user.origin(), path.into_inner());
    let saved = state
        .db(move |c| retention::remove_policy(c, &origin, id))
        .await;
    render_or_redirect(
        saved,
        |_| "/admin/retention?done=removed",
        |e| async move {
            let loc = ctx.locale;
            let d = state.db(move |c| data(c, loc)).await?;
            page(&ctx, &state, d, json!({}), Some(&e))
        },
    )
    .await
}

/// The moment a dry run is for: 3 a.m. (the nightly job's hour, in Québec) of the day given as
/// `YYYY-MM-DD`, or now.
fn preview_day(raw: &str) -> Result<chrono::DateTime<Utc>, AppError> {
    if raw.is_empty() {
        return Ok(Utc::now());
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(3, 0, 0))
        .and_then(|t| {
            chrono_tz::America::Toronto
                .from_local_datetime(&t)
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            AppError::Invalid(crate::error::FieldErrors::single(
                "at",
                crate::error::Msg::new("field-date"),
            ))
        })
}

/// What a run did (or would do), as the page shows it.
fn report_view(report: &retention::Report) -> Value {
    let number = |n: &i64| crate::requests::model::RequestNumber(*n).to_string();
    json!({
        "anonymized": report.anonymized,
        "requests": report.requests.iter().map(number).collect::<Vec<_>>(),
        "more_requests": report.anonymized > report.requests.len(),
        "purged": report.purged,
        "purged_mb": format!("{:.1}", report.purged_bytes as f64 / 1_048_576.0),
        "files": report.files.iter().map(|(n, f)| json!({ "number": number(n), "name": f })).collect::<Vec<_>>(),
        "more_files": report.purged > report.files.len(),
        "busy": !report.ran,
    })
}

/// A dry run as of a day (today by default): what the nightly job would do then.
async fn preview(
    ctx: Ctx,
    form: CsrfForm<PreviewForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let raw = form.0.at.trim().to_string();
    let at = preview_day(&raw);
    let loc = ctx.locale;
    let (origin, storage) = (ctx.user.origin(), state.storage.clone());
    let result = match at {
        Ok(at) => {
            state
                .db(move |c| retention::run(c, &storage, &origin, at, true))
                .await
        }
        Err(e) => Err(e),
    };
    let d = state.db(move |c| data(c, loc)).await?;
    match result {
        Ok(report) => {
            let shown = report_view(&report);
            page(&ctx, &state, d, json!({ "report": shown, "at": raw }), None)
        }
        Err(e) if e.is_refusal() => page(&ctx, &state, d, json!({ "at": raw }), Some(&e)),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
struct ExportForm {
    #[serde(default)]
    email: String,
}

fn export_page(
    ctx: &Ctx,
    state: &AppState,
    email: &str,
    problem: Option<&AppError>,
) -> Result<HttpResponse, AppError> {
    let (status, message, errors) = refusal(ctx.locale, problem);
    ctx.render_status(
        state,
        status,
        "pages/privacy_export",
        json!({ "title": ctx.t("export-page-title"), "email": email, "problem": message, "errors": errors }),
    )
}

async fn export_form(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_auditor()?;
    export_page(&ctx, &state, "", None)
}

async fn export_zip(
    ctx: Ctx,
    form: CsrfForm<ExportForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_auditor()?;
    let email = form.0.email.trim().to_lowercase();
    let (origin, storage, templates) = (
        ctx.user.origin(),
        state.storage.clone(),
        state.templates.clone(),
    );
    let wanted = email.clone();
    let result = state
        .db(move |c| {
            let person = crate::users::queries::by_email(c, &wanted)?.ok_or_else(|| {
                AppError::Invalid(crate::error::FieldErrors::single(
                    "email",
                    crate::error::Msg::new("export-unknown-person"),
                ))
            })?;
            export::build(c, &storage, &templates, &origin, person.id)
        })
        .await;
    match result {
        Ok(x) => Ok(HttpResponse::Ok()
            .content_type("application/zip")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", x.file_name),
            ))
            .insert_header(("Cache-Control", "private, no-store"))
            .body(x.zip)),
        Err(e) if e.is_refusal() => export_page(&ctx, &state, &email, Some(&e)),
        Err(e) => Err(e),
    }
}

/// The code of the seeded register category (migration 12).
pub const INCIDENT_CATEGORY: &str = "incident-confidentialite";

/// The register of confidentiality incidents as CSV: one line per declaration, one column per
/// field of its form, in the auditor's language; the export is logged.
async fn incidents_csv(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_auditor()?;
    let loc = ctx.locale;
    let origin = ctx.user.origin();
    let (form, rows) = state
        .db(move |c| {
            let category = catalog::by_code(c, INCIDENT_CATEGORY)?.ok_or(AppError::NotFound)?;
            let rows = queries::incident_register(c, INCIDENT_CATEGORY)?;
            crate::audit::record(
                c,
                &origin,
                "incident_register.exported",
                "category",
                INCIDENT_CATEGORY,
                json!({ "rows": rows.len() }),
            )?;
            Ok((category.form_def(), rows))
        })
        .await?;
    let bytes = register_csv(loc, &form, &rows)?;
    Ok(csv_download(
        "registre-incidents-confidentialite.csv",
        bytes,
    ))
}

/// The register as CSV: the declaration's facts, then a column per field of its form.
fn register_csv(
    loc: Locale,
    form: &crate::catalog::form::FormDef,
    rows: &[queries::RegisterRow],
) -> Result<Vec<u8>, AppError> {
    let mut w = CsvFile::new(b',');
    let mut header: Vec<String> = [
        "col-number",
        "incident-col-declared",
        "incident-col-by",
        "col-status",
        "field-title",
    ]
    .iter()
    .map(|k| i18n::tr(loc, k, &[]))
    .collect();
    header.extend(form.fields.iter().map(|f| f.label(loc).to_string()));
    w.row(&header)?;
    for (number, at, by, status_fr, status_en, title, fields) in rows {
        let shown = crate::catalog::present::field_rows(loc, form, fields, &Default::default());
        let mut line = vec![
            crate::requests::model::RequestNumber(*number).to_string(),
            i18n::format_datetime(loc, *at),
            by.clone(),
            loc.pick(status_fr, status_en).to_string(),
            title.clone(),
        ];
        for f in &form.fields {
            let label = f.label(loc);
            line.push(
                shown
                    .iter()
                    .find(|r| r["label"] == label)
                    .and_then(|r| r["value"].as_str())
                    .unwrap_or("")
                    .to_string(),
            );
        }
        w.row(&line)?;
    }
    w.bytes()
}
