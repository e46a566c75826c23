//! Administration of named groups (the approvers a workflow's steps name) and their members.

use super::pages::MemberForm;
use crate::db::{GroupId, UserId};
use crate::error::AppError;
use crate::users::group_queries;
use crate::users::groups::{self, GroupInput};
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, code_field, columns, list_page, members_section, name_en_field, name_fr_field,
    render_form, Empty, FormPage, ListHead,
};
use crate::web::render::see_other;
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/groups", web::get().to(group_list))
        .route("/admin/groups", web::post().to(group_create))
        .route("/admin/groups/new", web::get().to(group_new))
        .route("/admin/groups/{id}", web::get().to(group_edit))
        .route("/admin/groups/{id}", web::post().to(group_update))
        .route(
            "/admin/groups/{id}/members",
            web::post().to(group_member_add),
        )
        .route(
            "/admin/groups/{id}/members/{user}/remove",
            web::post().to(group_member_remove),
        );
}

async fn group_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(group_queries::all(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|g| json!({ "url": format!("/admin/groups/{}", g.id), "cells": [loc.pick(&g.name_fr, &g.name_en), g.code] }))
        .collect();
    let cols = columns(&ctx, "admin-name admin-code");
    list_page(
        &ctx,
        &state,
        ListHead::of(&ctx, "admin-groups", "/admin/groups/new", "admin-new-group"),
        cols,
        rows,
        json!({}),
    )
}

fn group_fields(ctx: &Ctx, input: &GroupInput, creating: bool) -> Vec<Value> {
    vec![
        code_field(ctx, creating, &input.code),
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
    ]
}

async fn group_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = GroupInput {
        code: String::new(),
        name_fr: String::new(),
        name_en: String::new(),
    };
    let page = FormPage {
        title: ctx.t("admin-new-group"),
        action: "/admin/groups".into(),
        back_url: "/admin/groups",
        fields: group_fields(&ctx, &blank, true),
        sections: vec![],
    };
    render_form(&ctx, &state, page, None)
}

async fn group_create(
    ctx: Ctx,
    form: CsrfForm<GroupInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| groups::create(c, user, input),
        |id| format!("/admin/groups/{id}"),
        |e| async move {
            let page = FormPage {
                title: ctx.t("admin-new-group"),
                action: "/admin/groups".into(),
                back_url: "/admin/groups",
                fields: group_fields(&ctx, &form.0, true),
                sections: vec![],
            };
            render_form(&ctx, &state, page, Some(e))
        },
    )
    .await
}

async fn group_page(
    ctx: &Ctx,
    state: &AppState,
    id: GroupId,
    edited: Option<GroupInput>,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (g, members) = state
        .db(move |c| Ok((group_queries::find(c, id)?, group_queries::members(c, id)?)))
        .await?;
    let input = edited.unwrap_or(GroupInput {
        code: g.code.clone(),
        name_fr: g.name_fr.clone(),
        name_en: g.name_en.clone(),
    });
    let mut fields = group_fields(ctx, &input, false);
    fields[0]["value"] = json!(g.code);
    let page = FormPage {
        title: ctx.locale.pick(&g.name_fr, &g.name_en).to_string(),
        action: format!("/admin/groups/{id}"),
        back_url: "/admin/groups",
        fields,
        sections: vec![members_section(
            ctx,
            &format!("/admin/groups/{id}"),
            &members,
        )],
    };
    render_form(ctx, state, page, problem)
}

async fn group_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    group_page(&ctx, &state, GroupId(path.into_inner()), None, None).await
}

async fn group_update(
    ctx: Ctx,
    form: CsrfForm<GroupInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = GroupId(path.into_inner());
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| groups::update(c, user, id, input),
        |_| format!("/admin/groups/{id}"),
        |e| async move { group_page(&ctx, &state, id, Some(form.0), Some(e)).await },
    )
    .await
}

async fn group_member_add(
    ctx: Ctx,
    form: CsrfForm<MemberForm>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = GroupId(path.into_inner());
    let email = form.0.email;
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| groups::add_member_by_email(c, user, id, &email),
        |_| format!("/admin/groups/{id}"),
        |e| async move { group_page(&ctx, &state, id, None, Some(e)).await },
    )
    .await
}

async fn group_member_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, member) = path.into_inner();
    let user = ctx.user.clone();
    state
        .db(move |c| groups::remove_member_audited(c, &user, GroupId(id), UserId(member)))
        .await?;
    Ok(see_other(&format!("/admin/groups/{id}")))
}
