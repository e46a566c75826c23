//! Administration of asset types: their names and their loan rules (longest loan, approval by
//! the borrowing unit's director).

use crate::db::AssetTypeId;
use crate::error::AppError;
use crate::i18n::{self};
use crate::inventory::queries as inventory;
use crate::inventory::service::{self as assets, TypeInput};
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, checkbox_value, code_field, columns, field, help, list_page, name_en_field,
    name_fr_field, render_form, required, yes_no, FormPage, ListHead,
};
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/asset-types", web::get().to(list))
        .route("/admin/asset-types", web::post().to(create))
        .route("/admin/asset-types/new", web::get().to(new))
        .route("/admin/asset-types/{id}", web::get().to(edit))
        .route("/admin/asset-types/{id}", web::post().to(update));
}

async fn list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(inventory::type_rules(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|(t, days, approval)| {
            json!({ "url": format!("/admin/asset-types/{}", t.id), "cells": [
            loc.pick(&t.name_fr, &t.name_en), t.code, days.to_string(),
            i18n::tr(loc, if *approval { "yes" } else { "no" }, &[]), yes_no(loc, t.active)] })
        })
        .collect();
    let cols = columns(
        &ctx,
        "admin-name admin-code type-max-loan-days type-loan-approval admin-state",
    );
    let head = ListHead::of(
        &ctx,
        "admin-asset-types",
        "/admin/asset-types/new",
        "admin-new-asset-type",
    );
    list_page(&ctx, &state, head, cols, rows, json!({}))
}

fn fields(ctx: &Ctx, input: &TypeInput, creating: bool) -> Vec<Value> {
    let mut v = vec![
        code_field(ctx, creating, &input.code),
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
        help(
            required(field(
                "max_loan_days",
                ctx.t("type-max-loan-days"),
                "number",
                &input.max_loan_days,
            )),
            ctx.t("type-max-loan-days-help"),
        ),
        field(
            "loan_needs_approval",
            ctx.t("type-loan-approval"),
            "checkbox",
            checkbox_value(input.loan_needs_approval.is_some()),
        ),
    ];
    if !creating {
        v.push(field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ));
    }
    v
}

fn page(
    ctx: &Ctx,
    state: &AppState,
    id: Option<i64>,
    input: &TypeInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (title, action) = match id {
        Some(id) => (
            ctx.t("admin-edit-asset-type"),
            format!("/admin/asset-types/{id}"),
        ),
        None => (
            ctx.t("admin-new-asset-type"),
            "/admin/asset-types".to_string(),
        ),
    };
    let page = FormPage {
        title,
        action,
        back_url: "/admin/asset-types",
        fields: fields(ctx, input, id.is_none()),
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let input = TypeInput {
        max_loan_days: "30".into(),
        ..Default::default()
    };
    page(&ctx, &state, None, &input, None)
}

async fn create(
    ctx: Ctx,
    form: CsrfForm<TypeInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| assets::save_type(c, user, None, input),
        |_| "/admin/asset-types",
        |e| async move { page(&ctx, &state, None, &form.0, Some(e)) },
    )
    .await
}

async fn edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = path.into_inner();
    let all = state.db(|c| Ok(inventory::type_rules(c)?)).await?;
    let (t, days, approval) = all
        .into_iter()
        .find(|(t, _, _)| t.id.0 == id)
        .ok_or(AppError::NotFound)?;
    let on = |b: bool| b.then(|| "on".to_string());
    let input = TypeInput {
        code: t.code,
        name_fr: t.name_fr,
        name_en: t.name_en,
        max_loan_days: days.to_string(),
        loan_needs_approval: on(approval),
        active: on(t.active),
    };
    page(&ctx, &state, Some(id), &input, None)
}

async fn update(
    ctx: Ctx,
    form: CsrfForm<TypeInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| assets::save_type(c, user, Some(AssetTypeId(id)), input),
        |_| "/admin/asset-types",
        |e| async move { page(&ctx, &state, Some(id), &form.0, Some(e)) },
    )
    .await
}
