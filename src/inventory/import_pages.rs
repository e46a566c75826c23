//! The import pages: upload a tool's export, choose the columns (pre-filled from the tool's
//! usual headers), try it (a dry run reporting every line's problems) and run it.

use super::import::{self, Options, Report};
use super::queries;
use super::sheet::{self, Sheet};
use crate::error::{AppError, Msg};
use crate::i18n::{self, Locale};
use crate::inventory::model::AssetType;
use crate::units::model::Unit;
use crate::units::queries as units;
use crate::web::extract::{check_csrf, form_pairs, Ctx};
use crate::web::render::see_other;
use crate::AppState;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets/import", web::get().to(import_form))
        .route("/assets/import", web::post().to(import_upload))
        .route("/assets/import/{sha}", web::get().to(import_mapping))
        .route("/assets/import/{sha}", web::post().to(import_run));
}

fn require_manager(ctx: &Ctx) -> Result<(), AppError> {
    if ctx.user.manages_inventory() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn import_form(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    render_upload(&ctx, &state, None)
}

fn render_upload(
    ctx: &Ctx,
    state: &AppState,
    problem: Option<Msg>,
) -> Result<HttpResponse, AppError> {
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    ctx.render_status(
        state,
        status,
        "pages/inventory/import",
        json!({"title": ctx.t("import-title"), "upload": true,
               "problem": problem.map(|m| i18n::msg(ctx.locale, &m))}),
    )
}

async fn import_upload(
    req: HttpRequest,
    ctx: Ctx,
    payload: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    let limit = state.settings.max_attachment_bytes;
    let bytes = match crate::requests::attachments::read_upload(&req, payload, limit, true).await {
        Ok((_, _, bytes)) => bytes,
        Err(AppError::PayloadTooLarge) => {
            let m = Msg::new("field-file-too-large").arg("max", limit / (1024 * 1024));
            return render_upload(&ctx, &state, Some(m));
        }
        Err(AppError::Invalid(_)) => {
            return render_upload(&ctx, &state, Some(Msg::new("field-file")))
        }
        Err(e) => return Err(e),
    };
    if let Err(m) = sheet::read(&bytes) {
        return render_upload(&ctx, &state, Some(m));
    }
    let storage = state.storage.clone();
    let sha = web::block(move || storage.put(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(see_other(&format!("/assets/import/{sha}")))
}

/// The stored file of an import in progress; the name is its SHA-256, nothing else.
async fn stored_sheet(state: &AppState, sha: &str) -> Result<Sheet, AppError> {
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let storage = state.storage.clone();
    let sha = sha.to_ascii_lowercase();
    let bytes = web::block(move || storage.get(&sha))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    sheet::read(&bytes).map_err(AppError::Rule)
}

#[derive(Deserialize)]
struct MappingQuery {
    preset: Option<String>,
}

async fn import_mapping(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<MappingQuery>,
) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    let sha = path.into_inner();
    let sheet = stored_sheet(&state, &sha).await?;
    let preset = q.into_inner().preset.unwrap_or_else(|| "auto".into());
    let mapping = sheet::suggest(&preset, &sheet.headers);
    let opts = Options {
        mapping,
        ..Default::default()
    };
    let view = Mapping {
        sha: &sha,
        sheet: &sheet,
        preset: &preset,
        opts: &opts,
        report: None,
    };
    render_mapping(&ctx, &state, view, StatusCode::OK).await
}

const PRESETS: [&str; 5] = ["auto", "guichet", "lansweeper", "intune", "jamf"];

/// The mapping page's subject: the stored file, the preset and mapping chosen, and the report of
/// the last try or run.
struct Mapping<'a> {
    sha: &'a str,
    sheet: &'a Sheet,
    preset: &'a str,
    opts: &'a Options,
    report: Option<Report>,
}

async fn render_mapping(
    ctx: &Ctx,
    state: &AppState,
    view: Mapping<'_>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (types, unit_list) = state
        .db(|c| Ok((queries::types(c)?, units::all(c)?)))
        .await?;
    let mut page = mapping_page(ctx.locale, &view, &types, &unit_list);
    page["title"] = json!(ctx.t("import-title"));
    ctx.render_status(state, status, "pages/inventory/import", page)
}

/// The mapping page's values: the columns each target can take, the defaults, a preview and the
/// report (its first 500 problems).
fn mapping_page(loc: Locale, view: &Mapping, types: &[AssetType], unit_list: &[Unit]) -> Value {
    let (sheet, opts) = (view.sheet, view.opts);
    let targets: Vec<Value> = sheet::TARGETS
        .iter()
        .map(|t| {
            let chosen = opts.mapping.get(*t).copied();
            json!({"name": format!("map.{t}"), "id": format!("map-{t}"),
                   "label": i18n::tr(loc, "import-target", &[("code".into(), (*t).into())]),
                   "columns": sheet.headers.iter().enumerate().map(|(i, h)| json!({"value": i, "label": h, "selected": chosen == Some(i)})).collect::<Vec<_>>()})
        })
        .collect();
    let sel = |v: &Option<String>, code: &str| v.as_deref() == Some(code);
    let errors: Vec<Value> = view
        .report
        .as_ref()
        .map(|r| {
            r.errors
                .iter()
                .take(500)
                .map(|e| json!({"line": e.line, "column": e.column, "message": i18n::msg(loc, &e.message)}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "mapping": true, "sha": view.sha,
        "encoding": sheet.encoding,
        "delimiter": match sheet.delimiter { b';' => ";", b'\t' => "tab", b'|' => "|", _ => "," },
        "line_count": sheet.records.len(),
        "presets": PRESETS.iter().map(|p| json!({"value": p,
            "label": i18n::tr(loc, "import-preset", &[("code".into(), (*p).into())]), "selected": *p == view.preset})).collect::<Vec<_>>(),
        "targets": targets,
        "types": types.iter().filter(|t| t.active).map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
            "selected": sel(&opts.default_type, &t.code)})).collect::<Vec<_>>(),
        "units": unit_list.iter().filter(|u| u.active).map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
            "selected": sel(&opts.default_unit, &u.code)})).collect::<Vec<_>>(),
        "headers": sheet.headers,
        "preview": sheet.records.iter().take(5).map(|(line, cells)| json!({"line": line, "cells": cells})).collect::<Vec<_>>(),
        "report": view.report.as_ref().map(|r| json!({
            "lines": r.lines, "created": r.created, "updated": r.updated, "unchanged": r.unchanged,
            "new_models": r.new_models, "error_count": r.errors.len(), "written": r.written,
            "more_errors": r.errors.len().saturating_sub(500), "errors": errors,
            "ok": r.errors.is_empty()})),
    })
}

/// The options the mapping form chose: a column per known target (within the sheet's columns)
/// and the defaults.
fn options_of(pairs: &[(String, String)], sheet: &Sheet) -> Options {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let mut opts = Options {
        default_unit: get("default_unit").filter(|s| !s.is_empty()),
        default_type: get("default_type").filter(|s| !s.is_empty()),
        ..Default::default()
    };
    for (k, v) in pairs {
        if let (Some(t), Ok(i)) = (k.strip_prefix("map."), v.parse::<usize>()) {
            if sheet::TARGETS.contains(&t) && i < sheet.headers.len() {
                opts.mapping.insert(t.to_string(), i);
            }
        }
    }
    opts
}

async fn import_run(
    req: HttpRequest,
    ctx: Ctx,
    body: web::Bytes,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    check_csrf(&req, get("csrf").as_deref())?;
    let sha = path.into_inner();
    let sheet = stored_sheet(&state, &sha).await?;
    let opts = options_of(&pairs, &sheet);
    let write = get("action").as_deref() == Some("run");
    let preset = get("preset").unwrap_or_else(|| "auto".into());
    let (origin, s2, o2) = (ctx.user.origin(), sheet.clone(), opts.clone());
    let report = state
        .db(move |c| import::run(c, &origin, &s2, &o2, write))
        .await?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = Mapping {
        sha: &sha,
        sheet: &sheet,
        preset: &preset,
        opts: &opts,
        report: Some(report),
    };
    render_mapping(&ctx, &state, view, status).await
}
