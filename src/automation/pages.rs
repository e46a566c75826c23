//! Administration of automation rules: when (events), if (conditions), then (actions).

use crate::automation::service::{self as rules, RuleInput};
use crate::automation::{FieldOp, Trigger};
use crate::catalog::queries as catalog;
use crate::db::RuleId;
use crate::error::AppError;
use crate::i18n::{self};
use crate::units::queries as units;
use crate::users::queries as users;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, after_first, checkbox_value, columns, domain_options, field, help, list_page,
    options, priority_choices, render_form, required, yes_no, FormPage, ListHead,
};
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/automation", web::get().to(rule_list))
        .route("/admin/automation", web::post().to(rule_create))
        .route("/admin/automation/new", web::get().to(rule_new))
        .route("/admin/automation/{id}", web::get().to(rule_edit))
        .route("/admin/automation/{id}", web::post().to(rule_update));
}

async fn rule_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state
        .db(|c| Ok(crate::automation::queries::all(c)?))
        .await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|r| {
            let events = r
                .events
                .iter()
                .map(|e| i18n::tr(loc, "auto-event", &[("code".into(), e.clone())]))
                .collect::<Vec<_>>()
                .join(", ");
            json!({ "url": format!("/admin/automation/{}", r.id),
                    "cells": [r.name, events, r.position.to_string(), yes_no(loc, r.active)] })
        })
        .collect();
    let cols = columns(&ctx, "admin-name auto-when admin-position admin-state");
    list_page(
        &ctx,
        &state,
        ListHead::of(&ctx, "auto-rules", "/admin/automation/new", "auto-new"),
        cols,
        rows,
        json!({}),
    )
}

/// What a rule's conditions and actions can name.
struct RuleChoices {
    categories: Vec<crate::catalog::model::Category>,
    teams: Vec<crate::users::model::Team>,
    units: Vec<crate::units::model::Unit>,
    states: Vec<crate::workflow::State>,
}

fn rule_choices(c: &mut diesel::PgConnection) -> Result<RuleChoices, AppError> {
    Ok(RuleChoices {
        categories: catalog::all_categories(c)?,
        teams: users::teams(c)?,
        units: units::all(c)?,
        states: crate::workflow::queries::state_choices(c)?,
    })
}

/// The fields of a rule's form: its name and order, when (events), if (conditions), then
/// (actions).
fn rule_fields(ctx: &Ctx, input: &RuleInput, ch: &RuleChoices) -> Vec<serde_json::Value> {
    let loc = ctx.locale;
    let with_any = |v: Vec<(String, String)>| after_first(ctx.t("auto-any"), v);
    let none = |v: Vec<(String, String)>| after_first(ctx.t("admin-none"), v);
    let priorities = priority_choices(loc);
    let mut fields = vec![
        required(field("name", ctx.t("admin-name"), "text", &input.name)),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ),
        help(
            field(
                "position",
                ctx.t("admin-position"),
                "number",
                &input.position,
            ),
            ctx.t("auto-position-help"),
        ),
    ];
    for (name, t, on) in [
        ("on_created", Trigger::Created, &input.on_created),
        (
            "on_status_changed",
            Trigger::StatusChanged,
            &input.on_status_changed,
        ),
        (
            "on_comment_added",
            Trigger::CommentAdded,
            &input.on_comment_added,
        ),
        (
            "on_field_changed",
            Trigger::FieldChanged,
            &input.on_field_changed,
        ),
    ] {
        fields.push(field(
            name,
            format!(
                "{} : {}",
                ctx.t("auto-when"),
                i18n::tr(loc, "auto-event", &[("code".into(), t.code().into())])
            ),
            "checkbox",
            checkbox_value(on.is_some()),
        ));
    }
    fields.extend([
        options(
            field(
                "if_category",
                ctx.t("auto-if-category"),
                "select",
                &input.if_category,
            ),
            with_any(
                ch.categories
                    .iter()
                    .map(|c| (c.code.clone(), loc.pick(&c.name_fr, &c.name_en).to_string()))
                    .collect(),
            ),
        ),
        options(
            field(
                "if_domain",
                ctx.t("auto-if-domain"),
                "select",
                &input.if_domain,
            ),
            with_any(domain_options(loc)),
        ),
        options(
            field("if_unit", ctx.t("auto-if-unit"), "select", &input.if_unit),
            with_any(
                ch.units
                    .iter()
                    .map(|u| (u.code.clone(), loc.pick(&u.name_fr, &u.name_en).to_string()))
                    .collect(),
            ),
        ),
        options(
            field(
                "if_priority",
                ctx.t("auto-if-priority"),
                "select",
                &input.if_priority,
            ),
            with_any(priorities.clone()),
        ),
        options(
            field(
                "if_status",
                ctx.t("auto-if-status"),
                "select",
                &input.if_status,
            ),
            with_any(
                ch.states
                    .iter()
                    .map(|s| (s.code.clone(), s.label(loc).to_string()))
                    .collect(),
            ),
        ),
        help(
            field(
                "if_field_key",
                ctx.t("auto-if-field"),
                "text",
                &input.if_field_key,
            ),
            ctx.t("auto-if-field-help"),
        ),
        options(
            field(
                "if_field_op",
                ctx.t("auto-if-field-op"),
                "select",
                &input.if_field_op,
            ),
            FieldOp::ALL
                .iter()
                .map(|o| {
                    (
                        o.code().to_string(),
                        i18n::tr(loc, "auto-op", &[("code".into(), o.code().into())]),
                    )
                })
                .collect(),
        ),
        field(
            "if_field_value",
            ctx.t("auto-if-field-value"),
            "text",
            &input.if_field_value,
        ),
        help(
            field("if_text", ctx.t("auto-if-text"), "text", &input.if_text),
            ctx.t("auto-if-text-help"),
        ),
        options(
            field(
                "then_team",
                ctx.t("auto-then-team"),
                "select",
                &input.then_team,
            ),
            none(
                ch.teams
                    .iter()
                    .filter(|t| t.active)
                    .map(|t| (t.code.clone(), loc.pick(&t.name_fr, &t.name_en).to_string()))
                    .collect(),
            ),
        ),
        help(
            field(
                "then_assignee",
                ctx.t("auto-then-assignee"),
                "email",
                &input.then_assignee,
            ),
            ctx.t("auto-then-assignee-help"),
        ),
        options(
            field(
                "then_priority",
                ctx.t("auto-then-priority"),
                "select",
                &input.then_priority,
            ),
            none(priorities),
        ),
        field(
            "then_watcher",
            ctx.t("auto-then-watcher"),
            "email",
            &input.then_watcher,
        ),
        field(
            "then_note",
            ctx.t("auto-then-note"),
            "textarea",
            &input.then_note,
        ),
        field(
            "then_notify",
            ctx.t("auto-then-notify"),
            "email",
            &input.then_notify,
        ),
    ]);
    fields
}

async fn rule_form(
    ctx: &Ctx,
    state: &AppState,
    id: Option<RuleId>,
    input: RuleInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let choices = state.db(rule_choices).await?;
    let page = FormPage {
        title: if id.is_none() {
            ctx.t("auto-new")
        } else {
            input.name.clone()
        },
        action: id.map_or("/admin/automation".to_string(), |i| {
            format!("/admin/automation/{i}")
        }),
        back_url: "/admin/automation",
        fields: rule_fields(ctx, &input, &choices),
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn rule_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = RuleInput {
        active: Some("on".into()),
        position: "0".into(),
        on_created: Some("on".into()),
        ..Default::default()
    };
    rule_form(&ctx, &state, None, blank, None).await
}

async fn rule_create(
    ctx: Ctx,
    form: CsrfForm<RuleInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| rules::create(c, user, input),
        |_| "/admin/automation",
        |e| async move { rule_form(&ctx, &state, None, form.0, Some(e)).await },
    )
    .await
}

async fn rule_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = RuleId(path.into_inner());
    let rule = state
        .db(move |c| Ok(crate::automation::queries::find(c, id)?))
        .await?;
    rule_form(&ctx, &state, Some(id), RuleInput::of(&rule), None).await
}

async fn rule_update(
    ctx: Ctx,
    form: CsrfForm<RuleInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = RuleId(path.into_inner());
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| rules::update(c, user, id, input),
        |_| "/admin/automation",
        |e| async move { rule_form(&ctx, &state, Some(id), form.0, Some(e)).await },
    )
    .await
}
