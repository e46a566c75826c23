//! Administration of categories and their forms (fields, choices, conditions). Admins only; a
//! category in use is deactivated, never deleted.

use crate::catalog::queries as catalog;
use crate::catalog::service::{self as categories, CategoryInput};
use crate::db::CategoryId;
use crate::error::AppError;
use crate::i18n::{self};
use crate::users::queries as users;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, checkbox_value, code_field, columns, domain_options, field, help, list_page,
    name_en_field, name_fr_field, options, priority_choices, render_form, yes_no, FormPage,
    ListHead,
};
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/categories", web::get().to(category_list))
        .route("/admin/categories", web::post().to(category_create))
        .route("/admin/categories/new", web::get().to(category_new))
        .route("/admin/categories/{id}", web::get().to(category_edit))
        .route("/admin/categories/{id}", web::post().to(category_update));
}

async fn category_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(catalog::all_categories(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|c| json!({ "url": format!("/admin/categories/{}", c.id), "cells": [loc.pick(&c.name_fr, &c.name_en), c.code,
            i18n::tr(loc, "domain", &[("code".into(), c.domain.code().into())]),
            i18n::tr(loc, "admin-field-count", &[("n".into(), c.form_def().fields.len().to_string())]), yes_no(loc, c.active)] }))
        .collect();
    let cols = columns(
        &ctx,
        "admin-name admin-code col-domain admin-form admin-state",
    );
    list_page(
        &ctx,
        &state,
        ListHead::of(
            &ctx,
            "admin-categories",
            "/admin/categories/new",
            "admin-new-category",
        ),
        cols,
        rows,
        json!({}),
    )
}

/// What a category's form can name: teams, SLA policies, workflows and approver groups.
struct CategoryChoices {
    teams: Vec<crate::users::model::Team>,
    policies: Vec<crate::sla::model::PolicyRow>,
    workflows: Vec<crate::workflow::queries::WorkflowRow>,
    groups: Vec<crate::users::group_queries::Group>,
}

fn category_choices(c: &mut diesel::PgConnection) -> Result<CategoryChoices, AppError> {
    Ok(CategoryChoices {
        teams: users::teams(c)?,
        policies: crate::sla::queries::policies(c)?,
        workflows: crate::workflow::queries::rows(c)?,
        groups: crate::users::group_queries::all(c)?,
    })
}

/// The fields of a category's form: its names and defaults, then its approvals, then its form.
fn category_fields(
    ctx: &Ctx,
    creating: bool,
    input: &CategoryInput,
    ch: &CategoryChoices,
) -> Vec<serde_json::Value> {
    let loc = ctx.locale;
    let mut team_opts = vec![(String::new(), ctx.t("admin-none"))];
    team_opts.extend(ch.teams.iter().filter(|t| t.active).map(|t| {
        (
            t.id.to_string(),
            loc.pick(&t.name_fr, &t.name_en).to_string(),
        )
    }));
    let mut fields = vec![
        code_field(ctx, creating, &input.code),
        if creating {
            options(
                field("domain", ctx.t("col-domain"), "select", &input.domain),
                domain_options(loc),
            )
        } else {
            field(
                "domain_label",
                ctx.t("col-domain"),
                "readonly",
                &i18n::tr(loc, "domain", &[("code".into(), input.domain.clone())]),
            )
        },
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
        options(
            field(
                "default_team",
                ctx.t("admin-default-team"),
                "select",
                &input.default_team,
            ),
            team_opts,
        ),
        options(
            field(
                "default_priority",
                ctx.t("admin-default-priority"),
                "select",
                &input.default_priority,
            ),
            priority_choices(loc),
        ),
        field(
            "position",
            ctx.t("admin-position"),
            "number",
            &input.position,
        ),
        help(
            field("form", ctx.t("admin-form"), "textarea", &input.form),
            ctx.t("admin-form-help"),
        ),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ),
    ];
    let mut policy_opts = vec![(String::new(), ctx.t("admin-sla-default-policy"))];
    policy_opts.extend(ch.policies.iter().filter(|p| p.active).map(|p| {
        (
            p.id.to_string(),
            loc.pick(&p.name_fr, &p.name_en).to_string(),
        )
    }));
    let at = fields
        .iter()
        .position(|f| f["name"] == "default_priority")
        .map_or(fields.len(), |i| i + 1);
    fields.insert(
        at,
        options(
            field(
                "sla_policy",
                ctx.t("admin-sla-policy"),
                "select",
                &input.sla_policy,
            ),
            policy_opts,
        ),
    );
    if let Some(f) = fields.iter_mut().find(|f| f["name"] == "form") {
        f["rows"] = json!(16);
    }
    let at = fields
        .iter()
        .position(|f| f["name"] == "form")
        .unwrap_or(fields.len());
    let mut group_opts = vec![(String::new(), ctx.t("admin-none"))];
    group_opts.extend(ch.groups.iter().map(|g| {
        (
            g.id.to_string(),
            loc.pick(&g.name_fr, &g.name_en).to_string(),
        )
    }));
    let approval_fields = vec![
        options(
            field(
                "workflow",
                ctx.t("admin-workflow"),
                "select",
                &input.workflow,
            ),
            ch.workflows
                .iter()
                .map(|w| {
                    (
                        w.id.to_string(),
                        loc.pick(&w.name_fr, &w.name_en).to_string(),
                    )
                })
                .collect(),
        ),
        options(
            field(
                "approval",
                ctx.t("admin-approval"),
                "select",
                &input.approval,
            ),
            crate::approvals::ApprovalMode::ALL
                .iter()
                .map(|m| {
                    (
                        m.code().to_string(),
                        i18n::tr(loc, "approval-mode", &[("code".into(), m.code().into())]),
                    )
                })
                .collect(),
        ),
        options(
            field(
                "approval_group",
                ctx.t("admin-approval-group"),
                "select",
                &input.approval_group,
            ),
            group_opts,
        ),
        help(
            field(
                "approval_field",
                ctx.t("admin-approval-field"),
                "text",
                &input.approval_field,
            ),
            ctx.t("admin-approval-field-help"),
        ),
        field(
            "approval_threshold",
            ctx.t("admin-approval-threshold"),
            "text",
            &input.approval_threshold,
        ),
        help(
            field(
                "confidential",
                ctx.t("admin-confidential"),
                "checkbox",
                checkbox_value(input.confidential.is_some()),
            ),
            ctx.t("admin-confidential-help"),
        ),
    ];
    for (i, f) in approval_fields.into_iter().enumerate() {
        fields.insert(at + i, f);
    }
    fields
}

async fn category_form(
    ctx: &Ctx,
    state: &AppState,
    id: Option<CategoryId>,
    input: CategoryInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let choices = state.db(category_choices).await?;
    let creating = id.is_none();
    let loc = ctx.locale;
    let page = FormPage {
        title: if creating {
            ctx.t("admin-new-category")
        } else {
            loc.pick(&input.name_fr, &input.name_en).to_string()
        },
        action: id.map_or("/admin/categories".to_string(), |i| {
            format!("/admin/categories/{i}")
        }),
        back_url: "/admin/categories",
        fields: category_fields(ctx, creating, &input, &choices),
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn category_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = CategoryInput {
        code: String::new(),
        domain: "ti".into(),
        name_fr: String::new(),
        name_en: String::new(),
        description_fr: String::new(),
        description_en: String::new(),
        default_team: String::new(),
        default_priority: "normal".into(),
        position: "0".into(),
        form: "{\n  \"fields\": []\n}".into(),
        active: Some("on".into()),
        sla_policy: String::new(),
        workflow: String::new(),
        approval: "none".into(),
        approval_group: String::new(),
        approval_field: String::new(),
        approval_threshold: String::new(),
        confidential: None,
    };
    category_form(&ctx, &state, None, blank, None).await
}

async fn category_create(
    ctx: Ctx,
    form: CsrfForm<CategoryInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| categories::create(c, user, input),
        |id| format!("/admin/categories/{id}"),
        |e| async move { category_form(&ctx, &state, None, form.0, Some(e)).await },
    )
    .await
}

async fn category_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = CategoryId(path.into_inner());
    let c = state.db(move |conn| Ok(catalog::find(conn, id)?)).await?;
    let input = CategoryInput {
        code: c.code.clone(),
        domain: c.domain.code().into(),
        name_fr: c.name_fr.clone(),
        name_en: c.name_en.clone(),
        description_fr: c.description_fr.clone(),
        description_en: c.description_en.clone(),
        default_team: c.default_team_id.map(|t| t.to_string()).unwrap_or_default(),
        default_priority: c.default_priority.code().into(),
        position: c.position.to_string(),
        form: serde_json::to_string_pretty(&c.form).unwrap_or_default(),
        active: c.active.then(|| "on".into()),
        sla_policy: c.sla_policy_id.map(|p| p.to_string()).unwrap_or_default(),
        workflow: c.workflow_id.to_string(),
        approval: c.approval.code().into(),
        approval_group: c
            .approval_group_id
            .map(|g| g.to_string())
            .unwrap_or_default(),
        approval_field: c.approval_field.clone().unwrap_or_default(),
        approval_threshold: c
            .approval_threshold
            .map(|t| t.to_string())
            .unwrap_or_default(),
        confidential: c.confidential.then(|| "on".into()),
    };
    category_form(&ctx, &state, Some(id), input, None).await
}

async fn category_update(
    ctx: Ctx,
    form: CsrfForm<CategoryInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = CategoryId(path.into_inner());
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| categories::update(c, user, id, input),
        |_| format!("/admin/categories/{id}"),
        |e| async move {
            let c = state.db(move |conn| Ok(catalog::find(conn, id)?)).await?;
            let mut input = form.0;
            input.code = c.code;
            input.domain = c.domain.code().into();
            category_form(&ctx, &state, Some(id), input, Some(e)).await
        },
    )
    .await
}
