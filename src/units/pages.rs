//! Administration of units (schools, centres, services) and their rooms. Admins only; a unit is
//! never deleted — it is deactivated.

use crate::db::UnitId;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::units::model::UnitKind;
use crate::units::queries as units;
use crate::units::service::{self as unit_service, UnitInput};
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, checkbox_value, code_field, columns, field, list_page, name_en_field,
    name_fr_field, options, render_form, required, section, yes_no, Empty, FormPage, ListHead,
};
use crate::web::render::see_other;
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(index))
        .route("/admin/units", web::get().to(unit_list))
        .route("/admin/units", web::post().to(unit_create))
        .route("/admin/units/new", web::get().to(unit_new))
        .route("/admin/units/{id}", web::get().to(unit_edit))
        .route("/admin/units/{id}", web::post().to(unit_update))
        .route("/admin/units/{id}/rooms", web::post().to(room_add))
        .route(
            "/admin/units/{id}/rooms/{room}/remove",
            web::post().to(room_remove),
        );
}

/// The administration's home is its first list.
async fn index(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    Ok(see_other("/admin/units"))
}

fn kind_options(loc: Locale) -> Vec<(String, String)> {
    UnitKind::ALL
        .iter()
        .map(|k| {
            (
                k.code().to_string(),
                i18n::tr(loc, "unit-kind", &[("code".into(), k.code().into())]),
            )
        })
        .collect()
}

async fn unit_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(units::all(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|u| json!({ "url": format!("/admin/units/{}", u.id), "cells": [
            loc.pick(&u.name_fr, &u.name_en), u.code,
            i18n::tr(loc, "unit-kind", &[("code".into(), u.kind.code().into())]), yes_no(loc, u.active)] }))
        .collect();
    let cols = columns(&ctx, "admin-name admin-code admin-kind admin-state");
    list_page(
        &ctx,
        &state,
        ListHead::of(&ctx, "admin-units", "/admin/units/new", "admin-new-unit"),
        cols,
        rows,
        json!({}),
    )
}

fn unit_fields(
    ctx: &Ctx,
    input: &UnitInput,
    creating: bool,
    parents: &[(String, String)],
) -> Vec<Value> {
    let mut parent_opts = vec![(String::new(), ctx.t("admin-none"))];
    parent_opts.extend(parents.iter().cloned());
    vec![
        code_field(ctx, creating, &input.code),
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
        options(
            field("kind", ctx.t("admin-kind"), "select", &input.kind),
            kind_options(ctx.locale),
        ),
        options(
            field("parent", ctx.t("admin-parent"), "select", &input.parent),
            parent_opts,
        ),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ),
    ]
}

async fn unit_parents(state: &AppState, loc: Locale) -> Result<Vec<(String, String)>, AppError> {
    let all = state.db(|c| Ok(units::all(c)?)).await?;
    Ok(all
        .iter()
        .map(|u| {
            (
                u.id.to_string(),
                loc.pick(&u.name_fr, &u.name_en).to_string(),
            )
        })
        .collect())
}

/// A unit's rooms (each in a building) and the form to add one.
fn rooms_section(ctx: &Ctx, unit: UnitId, rooms: &[crate::units::model::RoomChoice]) -> Value {
    let items: Vec<Value> = rooms
        .iter()
        .map(|r| json!({ "label": r.label, "remove_url": format!("/admin/units/{unit}/rooms/{}/remove", r.id) }))
        .collect();
    let add = vec![
        required(field(
            "building",
            ctx.t("admin-building"),
            "text",
            "Immeuble principal",
        )),
        required(field("room", ctx.t("col-room"), "text", "")),
        field("room_name", ctx.t("admin-room-name"), "text", ""),
    ];
    section(
        ctx,
        ["admin-rooms", "admin-no-rooms", "admin-add-room"],
        items,
        format!("/admin/units/{unit}/rooms"),
        add,
    )
}

async fn unit_form(
    ctx: &Ctx,
    state: &AppState,
    id: Option<UnitId>,
    input: UnitInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let parents = unit_parents(state, ctx.locale).await?;
    let mut sections = vec![];
    if let Some(unit) = id {
        let rooms = state
            .db(move |c| Ok(units::room_choices(c, &[unit])?))
            .await?;
        sections.push(rooms_section(ctx, unit, &rooms));
    }
    let page = FormPage {
        title: if id.is_some() {
            input.name_fr.clone()
        } else {
            ctx.t("admin-new-unit")
        },
        action: id.map_or("/admin/units".to_string(), |i| format!("/admin/units/{i}")),
        back_url: "/admin/units",
        fields: unit_fields(ctx, &input, id.is_none(), &parents),
        sections,
    };
    render_form(ctx, state, page, problem)
}

async fn unit_input(state: &AppState, id: UnitId) -> Result<UnitInput, AppError> {
    let u = state.db(move |c| Ok(units::find(c, id)?)).await?;
    Ok(UnitInput {
        code: u.code,
        name_fr: u.name_fr,
        name_en: u.name_en,
        kind: u.kind.code().into(),
        parent: u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        active: u.active.then(|| "on".into()),
    })
}

async fn room_add(
    ctx: Ctx,
    form: CsrfForm<crate::units::service::RoomInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = UnitId(path.into_inner());
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| unit_service::add_room(c, user, id, form.0),
        |_| format!("/admin/units/{id}"),
        |e| async move {
            let input = unit_input(&state, id).await?;
            unit_form(&ctx, &state, Some(id), input, Some(e)).await
        },
    )
    .await
}

async fn room_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, room) = path.into_inner();
    let user = ctx.user.clone();
    state
        .db(move |c| unit_service::deactivate_room(c, &user, UnitId(id), crate::db::RoomId(room)))
        .await?;
    Ok(see_other(&format!("/admin/units/{id}")))
}

async fn unit_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = UnitInput {
        code: String::new(),
        name_fr: String::new(),
        name_en: String::new(),
        kind: "school".into(),
        parent: String::new(),
        active: Some("on".into()),
    };
    unit_form(&ctx, &state, None, blank, None).await
}

async fn unit_create(
    ctx: Ctx,
    form: CsrfForm<UnitInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| unit_service::create(c, user, input),
        |_| "/admin/units?ok=1",
        |e| async move { unit_form(&ctx, &state, None, form.0, Some(e)).await },
    )
    .await
}

async fn unit_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = UnitId(path.into_inner());
    let u = state.db(move |c| Ok(units::find(c, id)?)).await?;
    let input = UnitInput {
        code: u.code,
        name_fr: u.name_fr,
        name_en: u.name_en,
        kind: u.kind.code().into(),
        parent: u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        active: u.active.then(|| "on".into()),
    };
    unit_form(&ctx, &state, Some(id), input, None).await
}

async fn unit_update(
    ctx: Ctx,
    form: CsrfForm<UnitInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = UnitId(path.into_inner());
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| unit_service::update(c, user, id, input),
        |_| "/admin/units?ok=1",
        |e| async move {
            let mut input = form.0;
            input.code = state.db(move |c| Ok(units::find(c, id)?.code)).await?;
            unit_form(&ctx, &state, Some(id), input, Some(e)).await
        },
    )
    .await
}
