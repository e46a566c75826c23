//! Auditor pages: the log of changes and the log of reads of personal information, filtered by
//! person, record, action and period, paged, and exported to CSV (the export is itself logged).

use super::{record, search, Entry, Search, Trail};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::web::extract::Ctx;
use crate::web::render::{csv_download, field_messages, CsvFile};
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/audit", web::get().to(list))
        .route("/audit.csv", web::get().to(export));
}

const PAGE: i64 = 100;
/// The most rows one export holds (narrow the filters for more).
const EXPORT_MAX: i64 = 100_000;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Filters {
    /// `changes` (default) or `reads`.
    #[serde(default)]
    pub trail: Option<String>,
    /// Who acted (email).
    pub person: Option<String>,
    /// Kind of record: `request`, `user`, `asset`, `loan`…
    pub entity: Option<String>,
    /// The record (`DS-000123`, an id).
    pub record: Option<String>,
    /// Action, or its beginning (`loan.`).
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    #[serde(skip_serializing)]
    pub before: Option<i64>,
}

fn some(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The filters as a search; unknown people or bad dates are reported by field.
fn resolve(conn: &mut diesel::PgConnection, f: &Filters, limit: i64) -> Result<Search, AppError> {
    let mut errors = FieldErrors::default();
    let mut q = Search {
        trail: if f.trail.as_deref() == Some("reads") {
            Trail::Reads
        } else {
            Trail::Changes
        },
        entity: some(&f.entity),
        entity_id: some(&f.record).map(|r| {
            // Request numbers are logged as DS-000123 whatever way they are typed.
            crate::requests::model::RequestNumber::parse(&r)
                .filter(|_| f.entity.as_deref() == Some("request"))
                .map(|n| n.to_string())
                .unwrap_or(r)
        }),
        action: some(&f.action),
        before: f.before,
        limit,
        ..Default::default()
    };
    if let Some(p) = some(&f.person) {
        match crate::users::queries::by_email(conn, &p)? {
            Some(u) => q.actor = Some(u.id),
            None => errors.add("person", Msg::new("asset-person-unknown")),
        }
    }
    let day = |errors: &mut FieldErrors, field: &str, v: &Option<String>, end: bool| {
        some(v).and_then(|s| match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => crate::loans::booking::parse_when(&d.to_string(), end),
            Err(_) => {
                errors.add(field, Msg::new("field-date"));
                None
            }
        })
    };
    q.from = day(&mut errors, "from", &f.from, false);
    q.to = day(&mut errors, "to", &f.to, true);
    errors.into_result()?;
    Ok(q)
}

fn row(loc: Locale, (r, name, email): &Entry) -> serde_json::Value {
    json!({
        "at": r.created_at,
        "who": name.clone().unwrap_or_else(|| i18n::tr(loc, "system-actor", &[])),
        "email": email,
        "action": r.action,
        "record": format!("{} {}", r.entity, r.entity_id),
        "ip": r.ip,
        "data": if r.data == json!({}) { String::new() } else { r.data.to_string() },
    })
}

impl Filters {
    /// The query string of the same filters on the other trail (reads, changes).
    fn other_trail(&self) -> String {
        let reads = self.trail.as_deref() == Some("reads");
        let other = Filters {
            trail: Some(if reads { "changes" } else { "reads" }.into()),
            ..self.clone()
        };
        serde_urlencoded::to_string(&other).unwrap_or_default()
    }
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_auditor()?;
    let filters = q.into_inner();
    let f = filters.clone();
    let result = state
        .db(move |c| {
            let q = resolve(c, &f, PAGE + 1)?;
            Ok(search(c, &q)?)
        })
        .await;
    let loc = ctx.locale;
    let (rows, problem) = match result {
        Ok(rows) => (rows, json!({})),
        Err(AppError::Invalid(e)) => (Vec::new(), field_messages(loc, &e)),
        Err(e) => return Err(e),
    };
    let more = rows.len() as i64 > PAGE;
    let shown: Vec<_> = rows.iter().take(PAGE as usize).collect();
    let query = serde_urlencoded::to_string(&filters).unwrap_or_default();
    let reads = filters.trail.as_deref() == Some("reads");
    ctx.render(
        &state,
        "pages/audit",
        json!({
            "title": ctx.t("audit-title"),
            "reads": reads,
            "other_trail": filters.other_trail(),
            "f": filters,
            "rows": shown.iter().map(|e| row(loc, e)).collect::<Vec<_>>(),
            "next": if more { shown.last().map(|e| format!("{query}&before={}", e.0.id)) } else { None },
            "query": query,
            "errors": problem,
        }),
    )
}

async fn export(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_auditor()?;
    let filters = q.into_inner();
    let origin = ctx.user.origin();
    let loc = ctx.locale;
    let rows = state
        .db(move |c| {
            let q = resolve(c, &filters, EXPORT_MAX)?;
            let rows = search(c, &q)?;
            record(
                c,
                &origin,
                "audit.exported",
                "audit_log",
                "export",
                json!({"filters": filters, "rows": rows.len()}),
            )?;
            Ok(rows)
        })
        .await?;
    Ok(csv_download("journal-guichet.csv", audit_csv(loc, &rows)?))
}

/// The audit rows as CSV, with headings in the reader's language.
fn audit_csv(loc: Locale, rows: &[Entry]) -> Result<Vec<u8>, AppError> {
    let mut w = CsvFile::new(b',');
    w.row(
        [
            "audit-col-at",
            "audit-col-who",
            "audit-col-email",
            "audit-col-action",
            "audit-col-record",
            "audit-col-ip",
            "audit-col-data",
        ]
        .iter()
        .map(|k| i18n::tr(loc, k, &[])),
    )?;
    for (r, name, email) in rows {
        w.row([
            r.created_at.to_rfc3339(),
            name.clone().unwrap_or_default(),
            email.clone().unwrap_or_default(),
            r.action.clone(),
            format!("{} {}", r.entity, r.entity_id),
            r.ip.clone().unwrap_or_default(),
            r.data.to_string(),
        ])?;
    }
    w.bytes()
}
