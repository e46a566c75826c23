//! Approval pages: « À approuver » (the requests waiting for this person's decision, with their
//! fields) and the decision form, also shown on the request page.

use super::service::{self, Decision};
use crate::catalog::present::field_rows;
use crate::catalog::queries as catalog;
use crate::db::RoomId;
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n;
use crate::requests::model::RequestNumber;
use crate::requests::show::after_action;
use crate::requests::views as request_views;
use crate::units::queries as units;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::render::see_other;
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/approvals", web::get().to(list))
        .route("/requests/{number}/approval", web::post().to(decide));
}

#[derive(Deserialize)]
struct ListQuery {
    ok: Option<String>,
}

/// The steps waiting for this person's decision, each with its request and the request's form
/// as filled in.
fn pending_items(
    c: &mut diesel::PgConnection,
    user: &crate::auth::CurrentUser,
    loc: crate::i18n::Locale,
) -> Result<Vec<serde_json::Value>, AppError> {
    let pending = service::pending_for(c, user)?;
    let mut out = Vec::with_capacity(pending.len());
    let views = request_views::hydrate(c, pending.iter().map(|p| p.1.clone()).collect(), loc)?;
    let room_ids: Vec<RoomId> = pending
        .iter()
        .flat_map(|(_, r)| r.fields.as_object().cloned().unwrap_or_default())
        .filter_map(|(_, v)| v.as_i64())
        .map(RoomId)
        .collect();
    let rooms: HashMap<i64, String> = units::room_labels(c, &room_ids)?
        .into_iter()
        .map(|(id, l)| (id.0, l))
        .collect();
    let mut forms = HashMap::new();
    for ((step, r), view) in pending.into_iter().zip(views) {
        if let std::collections::hash_map::Entry::Vacant(e) = forms.entry(r.category_id) {
            e.insert(catalog::find(c, r.category_id)?.form_def());
        }
        let rows = forms
            .get(&r.category_id)
            .map(|f| field_rows(loc, f, &r.fields, &rooms))
            .unwrap_or_default();
        out.push(json!({
            "r": view,
            "field_rows": rows,
            "step_label": i18n::tr(loc, "approval-approver", &[("code".into(), step.approver.code().into())]),
        }));
    }
    Ok(out)
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let loc = ctx.locale;
    let items = state.db(move |c| pending_items(c, &user, loc)).await?;
    let flash =
        q.ok.as_deref()
            .filter(|k| matches!(*k, "approved" | "refused"))
            .map(|k| ctx.t(&format!("flash-{k}")));
    ctx.render(
        &state,
        "pages/approvals",
        json!({
            "title": ctx.t("approvals-title"),
            "items": items,
            "flash": flash,
        }),
    )
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
    /// `list` to come back to « À approuver », otherwise the request page.
    #[serde(default)]
    back: String,
}

async fn decide(
    ctx: Ctx,
    form: CsrfForm<DecisionForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = RequestNumber::parse(&path).ok_or(AppError::NotFound)?;
    let f = form.0;
    let user = ctx.user.clone();
    let flash = if f.decision == "refuse" {
        "refused"
    } else {
        "approved"
    };
    let result = match Decision::parse(&f.decision) {
        Some(d) => {
            let comment = f.comment.clone();
            state
                .db(move |c| service::decide(c, &user, num, d, &comment))
                .await
        }
        None => Err(AppError::Invalid(FieldErrors::single(
            "decision",
            Msg::new("field-choice"),
        ))),
    };
    match result {
        Ok(()) if f.back == "list" => Ok(see_other(&format!("/approvals?ok={flash}"))),
        other => after_action(&ctx, &state, num, flash, other).await,
    }
}
