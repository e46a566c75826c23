//! Admin › Départs : the decision matrix, one select per access and situation, saved at once.

use super::model::{Cell, SITUATIONS};
use super::queries::rules;
use super::service::save_rules;
use crate::error::AppError;
use crate::i18n;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::render_or_redirect;
use crate::web::render::refusal;
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/departures", web::get().to(show))
        .route("/admin/departures", web::post().to(save));
}

/// The values a cell may take (and its current one, whatever it is).
const CHOICES: &[&str] = &[
    "keep",
    "none",
    "now",
    "after_30d",
    "after_30d; now for RH RF TI",
    "after_13m",
    "after_36m",
];

fn page(
    ctx: &Ctx,
    state: &AppState,
    all: Vec<super::model::Rule>,
    submitted: Option<&HashMap<String, String>>,
    problem: Option<&AppError>,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let loc = ctx.locale;
    let (status, message, errors) = refusal(loc, problem);
    let rows: Vec<Value> = all
        .iter()
        .map(|r| {
            let cells: Vec<Value> = SITUATIONS
                .iter()
                .map(|(s, fr, en)| {
                    let name = format!("{}.{s}", r.resource);
                    let current = submitted
                        .and_then(|m| m.get(&name).cloned())
                        .unwrap_or_else(|| r.cell(s).unwrap_or("").to_string());
                    let mut values: Vec<String> = CHOICES.iter().map(|c| c.to_string()).collect();
                    if !values.contains(&current) {
                        values.push(current.clone());
                    }
                    let options: Vec<Value> = values
                        .iter()
                        .map(|v| json!({ "value": v, "label": label(loc, v), "selected": *v == current }))
                        .collect();
                    json!({ "name": name, "situation": loc.pick(fr, en), "options": options,
                            "invalid": Cell::parse(&current).is_none() })
                })
                .collect();
            json!({ "label": loc.pick(&r.label_fr, &r.label_en),
                    "phase": i18n::tr(loc, &format!("departure-phase-{}", r.phase), &[]),
                    "cells": cells })
        })
        .collect();
    ctx.render_status(
        state,
        status,
        "pages/admin/departures",
        json!({
            "title": ctx.t("departure-title"),
            "situations": SITUATIONS.iter().map(|(_, fr, en)| loc.pick(fr, en)).collect::<Vec<_>>(),
            "rows": rows,
            "problem": message,
            "errors": errors,
            "flash": flash,
        }),
    )
}

fn label(loc: i18n::Locale, value: &str) -> String {
    let key = format!(
        "departure-cell-{}",
        value
            .replace("; now for RH RF TI", "-except")
            .replace('_', "-")
    );
    if i18n::has_key(loc, &key) {
        i18n::tr(loc, &key, &[])
    } else {
        value.to_string()
    }
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    if !ctx.user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let all = state.db(|c| Ok(rules(c)?)).await?;
    let flash = q.done.is_some().then(|| ctx.t("departure-saved"));
    page(&ctx, &state, all, None, None, flash)
}

async fn save(
    ctx: Ctx,
    form: CsrfForm<HashMap<String, String>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if !ctx.user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut cells = form.0.clone();
    cells.remove("csrf");
    let (origin, input) = (ctx.user.origin(), cells.clone());
    let saved = state.db(move |c| save_rules(c, &origin, &input)).await;
    render_or_redirect(
        saved,
        |_| "/admin/departures?done=1",
        |e| async move {
            let all = state.db(|c| Ok(rules(c)?)).await?;
            page(&ctx, &state, all, Some(&cells), Some(&e), None)
        },
    )
    .await
}
