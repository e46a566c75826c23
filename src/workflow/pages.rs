//! Administration of workflows (states, transitions, shown as a simple diagram: each state with
//! the transitions that leave it) and of named groups with their members.

use crate::catalog::queries as catalog;
use crate::db::WorkflowId;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, code_field, columns, field, form_problem, help, list_page, name_en_field,
    name_fr_field, options, render_form, render_or_redirect, required, Empty, FormPage, ListHead,
};
use crate::workflow::design::{self as wf_admin, StateInput, TransitionInput, WorkflowInput};
use crate::workflow::queries as wf;
use crate::workflow::{Actor, StateKind, Workflow};
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};
use std::collections::HashMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/workflows", web::get().to(workflow_list))
        .route("/admin/workflows", web::post().to(workflow_create))
        .route("/admin/workflows/new", web::get().to(workflow_new))
        .route("/admin/workflows/{id}", web::get().to(workflow_edit))
        .route("/admin/workflows/{id}", web::post().to(workflow_update))
        .route("/admin/workflows/{id}/states", web::post().to(state_save))
        .route(
            "/admin/workflows/{id}/states/{code}/remove",
            web::post().to(state_remove),
        )
        .route(
            "/admin/workflows/{id}/transitions",
            web::post().to(transition_save),
        )
        .route(
            "/admin/workflows/{id}/transitions/{from}/{to}/remove",
            web::post().to(transition_remove),
        );
}

// --- workflows ---

async fn workflow_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (rows, defs, cats) = state
        .db(|c| {
            let rows = wf::rows(c)?;
            let ids: Vec<WorkflowId> = rows.iter().map(|r| r.id).collect();
            Ok((rows, wf::load_many(c, &ids)?, catalog::all_categories(c)?))
        })
        .await?;
    let loc = ctx.locale;
    let rows = rows
        .iter()
        .map(|r| {
            let states = defs.get(&r.id).map_or(0, |d| d.states.len());
            let used = cats.iter().filter(|c| c.workflow_id == r.id).count();
            json!({ "url": format!("/admin/workflows/{}", r.id),
                    "cells": [loc.pick(&r.name_fr, &r.name_en), r.code, states.to_string(), used.to_string()] })
        })
        .collect();
    let cols = columns(
        &ctx,
        "admin-name admin-code wf-admin-states admin-categories",
    );
    list_page(
        &ctx,
        &state,
        ListHead::of(
            &ctx,
            "wf-admin-workflows",
            "/admin/workflows/new",
            "wf-admin-new",
        ),
        cols,
        rows,
        json!({}),
    )
}

fn workflow_fields(ctx: &Ctx, input: &WorkflowInput, creating: bool) -> Vec<Value> {
    vec![
        code_field(ctx, creating, &input.code),
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
        field(
            "description_fr",
            ctx.t("admin-description-fr"),
            "textarea",
            &input.description_fr,
        ),
        field(
            "description_en",
            ctx.t("admin-description-en"),
            "textarea",
            &input.description_en,
        ),
    ]
}

async fn workflow_new_page(
    ctx: &Ctx,
    state: &AppState,
    input: WorkflowInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let rows = state.db(|c| Ok(wf::rows(c)?)).await?;
    let loc = ctx.locale;
    let mut fields = workflow_fields(ctx, &input, true);
    fields.push(help(
        options(
            field(
                "copy_from",
                ctx.t("wf-admin-copy-from"),
                "select",
                &input.copy_from,
            ),
            rows.iter()
                .map(|r| {
                    (
                        r.id.to_string(),
                        loc.pick(&r.name_fr, &r.name_en).to_string(),
                    )
                })
                .collect(),
        ),
        ctx.t("wf-admin-copy-help"),
    ));
    let page = FormPage {
        title: ctx.t("wf-admin-new"),
        action: "/admin/workflows".into(),
        back_url: "/admin/workflows",
        fields,
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn workflow_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = WorkflowInput {
        code: String::new(),
        name_fr: String::new(),
        name_en: String::new(),
        description_fr: String::new(),
        description_en: String::new(),
        copy_from: String::new(),
    };
    workflow_new_page(&ctx, &state, blank, None).await
}

async fn workflow_create(
    ctx: Ctx,
    form: CsrfForm<WorkflowInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| wf_admin::create(c, user, input),
        |id| format!("/admin/workflows/{id}"),
        |e| async move { workflow_new_page(&ctx, &state, form.0, Some(e)).await },
    )
    .await
}

fn roles_label(loc: Locale, roles: &[Actor]) -> String {
    roles
        .iter()
        .map(|r| i18n::tr(loc, "wf-role", &[("code".into(), r.code().into())]))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Which form of the page a refusal belongs to, so its messages go next to its fields.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Head,
    State,
    Transition,
}

/// The form adding a state to a workflow.
fn state_form(ctx: &Ctx) -> Vec<Value> {
    let loc = ctx.locale;
    let kind_opts: Vec<(String, String)> = StateKind::ALL
        .iter()
        .map(|k| {
            (
                k.code().to_string(),
                i18n::tr(loc, "wf-kind", &[("code".into(), k.code().into())]),
            )
        })
        .collect();
    vec![
        help(
            required(field("code", ctx.t("admin-code"), "text", "")),
            ctx.t("wf-admin-state-code-help"),
        ),
        required(field("label_fr", ctx.t("wf-admin-label-fr"), "text", "")),
        required(field("label_en", ctx.t("wf-admin-label-en"), "text", "")),
        options(
            field("kind", ctx.t("wf-admin-kind"), "select", "open"),
            kind_opts,
        ),
        field("position", ctx.t("admin-position"), "number", ""),
    ]
}

/// The form adding a transition between two of the workflow's states, with who may take it.
fn transition_form(ctx: &Ctx, def: &Workflow) -> Vec<Value> {
    let loc = ctx.locale;
    let state_opts: Vec<(String, String)> = def
        .states
        .iter()
        .map(|s| (s.code.clone(), format!("{} ({})", s.label(loc), s.code)))
        .collect();
    let mut transition_fields = vec![
        options(
            field("from", ctx.t("wf-admin-from"), "select", ""),
            state_opts.clone(),
        ),
        options(field("to", ctx.t("wf-admin-to"), "select", ""), state_opts),
    ];
    for a in Actor::ALL {
        transition_fields.push(field(
            &format!("role_{}", a.code()),
            i18n::tr(loc, "wf-role", &[("code".into(), a.code().into())]),
            "checkbox",
            "",
        ));
    }
    transition_fields.push(field(
        "note_required",
        ctx.t("wf-admin-note-required"),
        "checkbox",
        "",
    ));
    transition_fields.push(help(
        field("on_approval", ctx.t("wf-admin-on-approval"), "checkbox", ""),
        ctx.t("wf-admin-on-approval-help"),
    ));
    transition_fields
}

/// The diagram: each state with the requests in it and the transitions that leave it.
fn diagram(ctx: &Ctx, id: WorkflowId, def: &Workflow, usage: &HashMap<String, i64>) -> Vec<Value> {
    let loc = ctx.locale;
    def
        .states
        .iter()
        .map(|s| {
            let n = usage.get(&s.code).copied().unwrap_or(0);
            let out: Vec<Value> = def
                .transitions
                .iter()
                .filter(|t| t.from == s.code)
                .map(|t| {
                    let mut notes = Vec::new();
                    if t.on_approval {
                        notes.push(ctx.t("wf-admin-on-approval"));
                    } else {
                        notes.push(roles_label(loc, &t.roles));
                    }
                    if t.note_required {
                        notes.push(ctx.t("wf-admin-note-required"));
                    }
                    json!({
                        "to": def.label(&t.to, loc),
                        "notes": notes.join(" · "),
                        "remove_url": format!("/admin/workflows/{id}/transitions/{}/{}/remove", t.from, t.to),
                    })
                })
                .collect();
            json!({
                "code": s.code,
                "label": s.label(loc),
                "kind": s.kind.code(),
                "kind_label": i18n::tr(loc, "wf-kind", &[("code".into(), s.kind.code().into())]),
                "requests": i18n::tr(loc, "wf-admin-requests", &[("n".into(), n.to_string())]),
                "remove_url": (n == 0).then(|| format!("/admin/workflows/{id}/states/{}/remove", s.code)),
                "transitions": out,
            })
        })
        .collect()
}

/// The fields of a workflow's names: as submitted, else as stored (the code always as stored).
fn head_fields(ctx: &Ctx, row: &wf::WorkflowRow, edited: Option<WorkflowInput>) -> Vec<Value> {
    let input = edited.unwrap_or(WorkflowInput {
        code: row.code.clone(),
        name_fr: row.name_fr.clone(),
        name_en: row.name_en.clone(),
        description_fr: row.description_fr.clone(),
        description_en: row.description_en.clone(),
        copy_from: String::new(),
    });
    let mut head = workflow_fields(ctx, &input, false);
    head[0]["value"] = json!(row.code);
    head
}

/// The workflow page: its names, then each state with the transitions leaving it (the
/// diagram), then the forms to add a state and a transition.
async fn workflow_page(
    ctx: &Ctx,
    state: &AppState,
    id: WorkflowId,
    edited: Option<WorkflowInput>,
    problem: Option<(Part, AppError)>,
) -> Result<HttpResponse, AppError> {
    let (row, def, usage): (_, Workflow, _) = state
        .db(move |c| Ok((wf::row(c, id)?, wf::load(c, id)?, wf::usage(c, id)?)))
        .await?;
    let loc = ctx.locale;
    let mut head = head_fields(ctx, &row, edited);
    let (mut state_fields, mut transition_fields) = (state_form(ctx), transition_form(ctx, &def));
    let (part, error) = problem.unzip();
    let fields = match part {
        Some(Part::State) => &mut state_fields,
        Some(Part::Transition) => &mut transition_fields,
        _ => &mut head,
    };
    let (status, problem_text) = form_problem(ctx, fields, error.as_ref());
    let states = diagram(ctx, id, &def, &usage);
    let problems: Vec<String> = def.problems().iter().map(|m| i18n::msg(loc, m)).collect();
    ctx.render_status(
        state,
        status,
        "pages/admin/workflow",
        json!({
            "title": loc.pick(&row.name_fr, &row.name_en),
            "action": format!("/admin/workflows/{id}"),
            "head": head,
            "states": states,
            "problems": problems,
            "problem": problem_text,
            "state_action": format!("/admin/workflows/{id}/states"),
            "state_fields": state_fields,
            "transition_action": format!("/admin/workflows/{id}/transitions"),
            "transition_fields": transition_fields,
        }),
    )
}

async fn workflow_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    workflow_page(&ctx, &state, WorkflowId(path.into_inner()), None, None).await
}

/// Back to the workflow page on success, or the page again with the refusal.
async fn after(
    ctx: &Ctx,
    state: &AppState,
    id: WorkflowId,
    part: Part,
    edited: Option<WorkflowInput>,
    result: Result<(), AppError>,
) -> Result<HttpResponse, AppError> {
    render_or_redirect(
        result,
        |_| format!("/admin/workflows/{id}"),
        |e| async move { workflow_page(ctx, state, id, edited, Some((part, e))).await },
    )
    .await
}

async fn workflow_update(
    ctx: Ctx,
    form: CsrfForm<WorkflowInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = WorkflowId(path.into_inner());
    let (user, input) = (ctx.user.clone(), form.0.clone());
    let result = state
        .db(move |c| wf_admin::update(c, &user, id, input))
        .await;
    after(&ctx, &state, id, Part::Head, Some(form.0), result).await
}

async fn state_save(
    ctx: Ctx,
    form: CsrfForm<StateInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = WorkflowId(path.into_inner());
    let (user, input) = (ctx.user.clone(), form.0);
    let result = state
        .db(move |c| wf_admin::save_state(c, &user, id, input))
        .await;
    after(&ctx, &state, id, Part::State, None, result).await
}

async fn state_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, code) = path.into_inner();
    let id = WorkflowId(id);
    let user = ctx.user.clone();
    let result = state
        .db(move |c| wf_admin::remove_state(c, &user, id, &code))
        .await;
    after(&ctx, &state, id, Part::State, None, result).await
}

async fn transition_save(
    ctx: Ctx,
    form: CsrfForm<TransitionInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = WorkflowId(path.into_inner());
    let (user, input) = (ctx.user.clone(), form.0);
    let result = state
        .db(move |c| wf_admin::save_transition(c, &user, id, input))
        .await;
    after(&ctx, &state, id, Part::Transition, None, result).await
}

async fn transition_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, String, String)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, from, to) = path.into_inner();
    let id = WorkflowId(id);
    let user = ctx.user.clone();
    let result = state
        .db(move |c| wf_admin::remove_transition(c, &user, id, &from, &to))
        .await;
    after(&ctx, &state, id, Part::Transition, None, result).await
}
