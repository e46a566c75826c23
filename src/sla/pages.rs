//! Administration of SLA policies and business calendars.

use crate::error::AppError;
use crate::i18n::{self};
use crate::requests::model::Priority;
use crate::sla::calendar::CalendarDef;
use crate::sla::policies::{self as sla_admin, CalendarInput, PolicyInput};
use crate::sla::queries as sla;
use crate::users::queries as users;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, checkbox_value, code_field, columns, field, help, list_page, name_en_field,
    name_fr_field, options, render_form, required, yes_no, FormPage, ListHead,
};
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/sla/policies", web::get().to(policy_list))
        .route("/admin/sla/policies", web::post().to(policy_create))
        .route("/admin/sla/policies/new", web::get().to(policy_new))
        .route("/admin/sla/policies/{id}", web::get().to(policy_edit))
        .route("/admin/sla/policies/{id}", web::post().to(policy_update))
        .route("/admin/sla/calendars", web::get().to(calendar_list))
        .route("/admin/sla/calendars", web::post().to(calendar_create))
        .route("/admin/sla/calendars/new", web::get().to(calendar_new))
        .route("/admin/sla/calendars/{id}", web::get().to(calendar_edit))
        .route("/admin/sla/calendars/{id}", web::post().to(calendar_update));
}

fn hours(minutes: Option<i64>) -> String {
    match minutes {
        Some(m) if m % 60 == 0 => (m / 60).to_string(),
        Some(m) => format!("{:.2}", m as f64 / 60.0).replace('.', ","),
        None => String::new(),
    }
}

async fn policy_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (policies, calendars) = state
        .db(|c| Ok((sla::policies(c)?, sla::calendars(c)?)))
        .await?;
    let loc = ctx.locale;
    let rows = policies
        .iter()
        .map(|p| {
            let cal = calendars.iter().find(|c| c.id == p.calendar_id).map(|c| loc.pick(&c.name_fr, &c.name_en).to_string()).unwrap_or_default();
            let default = if p.is_default { ctx.t("sla-admin-default") } else { String::new() };
            json!({ "url": format!("/admin/sla/policies/{}", p.id), "cells": [loc.pick(&p.name_fr, &p.name_en), p.code, cal, default, yes_no(loc, p.active)] })
        })
        .collect();
    let cols = columns(
        &ctx,
        "admin-name admin-code sla-admin-calendar sla-admin-default-col admin-state",
    );
    list_page(
        &ctx,
        &state,
        ListHead::of(
            &ctx,
            "sla-admin-policies",
            "/admin/sla/policies/new",
            "sla-admin-new-policy",
        ),
        cols,
        rows,
        json!({}),
    )
}

fn policy_fields(
    ctx: &Ctx,
    input: &PolicyInput,
    creating: bool,
    calendars: &[(String, String)],
) -> Vec<Value> {
    let loc = ctx.locale;
    let mut v = vec![
        code_field(ctx, creating, &input.code),
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
        options(
            field(
                "calendar",
                ctx.t("sla-admin-calendar"),
                "select",
                &input.calendar,
            ),
            calendars.to_vec(),
        ),
        help(
            required(field(
                "warning_percent",
                ctx.t("sla-admin-warning"),
                "number",
                &input.warning_percent,
            )),
            ctx.t("sla-admin-warning-help"),
        ),
    ];
    for p in Priority::ALL {
        let label = i18n::tr(loc, "priority", &[("code".into(), p.code().into())]);
        for (prefix, key) in [
            ("first", "sla-admin-first"),
            ("resolution", "sla-admin-resolution"),
        ] {
            let name = format!("{prefix}_{}", p.code());
            let value = input.targets.get(&name).cloned().unwrap_or_default();
            v.push(required(field(
                &name,
                i18n::tr(loc, key, &[("priority".into(), label.clone())]),
                "text",
                &value,
            )));
        }
    }
    v.push(field(
        "escalate_priority",
        ctx.t("sla-admin-escalate-priority"),
        "checkbox",
        checkbox_value(input.escalate_priority.is_some()),
    ));
    v
}

/// The escalation team picker, added after the targets.
fn escalation_team(ctx: &Ctx, input: &PolicyInput, teams: &[crate::users::model::Team]) -> Value {
    let mut opts = vec![(String::new(), ctx.t("admin-none"))];
    opts.extend(teams.iter().filter(|t| t.active).map(|t| {
        (
            t.code.clone(),
            ctx.locale.pick(&t.name_fr, &t.name_en).to_string(),
        )
    }));
    options(
        field(
            "escalate_team",
            ctx.t("sla-admin-escalate-team"),
            "select",
            &input.escalate_team,
        ),
        opts,
    )
}

fn policy_flags(ctx: &Ctx, input: &PolicyInput) -> Vec<Value> {
    vec![
        field(
            "is_default",
            ctx.t("sla-admin-is-default"),
            "checkbox",
            checkbox_value(input.is_default.is_some()),
        ),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ),
    ]
}

async fn policy_form(
    ctx: &Ctx,
    state: &AppState,
    id: Option<i64>,
    input: PolicyInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (calendars, teams) = state
        .db(|c| Ok((sla::calendars(c)?, users::teams(c)?)))
        .await?;
    let loc = ctx.locale;
    let cal_opts: Vec<(String, String)> = calendars
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                loc.pick(&c.name_fr, &c.name_en).to_string(),
            )
        })
        .collect();
    let page = FormPage {
        title: if id.is_some() {
            loc.pick(&input.name_fr, &input.name_en).to_string()
        } else {
            ctx.t("sla-admin-new-policy")
        },
        action: id.map_or("/admin/sla/policies".to_string(), |i| {
            format!("/admin/sla/policies/{i}")
        }),
        back_url: "/admin/sla/policies",
        fields: {
            let mut f = policy_fields(ctx, &input, id.is_none(), &cal_opts);
            f.push(escalation_team(ctx, &input, &teams));
            f.extend(policy_flags(ctx, &input));
            f
        },
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn policy_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let cal = state.db(|c| Ok(sla::calendars(c)?)).await?;
    let mut input = PolicyInput {
        warning_percent: "75".into(),
        active: Some("on".into()),
        ..Default::default()
    };
    input.calendar = cal.first().map(|c| c.id.to_string()).unwrap_or_default();
    policy_form(&ctx, &state, None, input, None).await
}

async fn policy_create(
    ctx: Ctx,
    form: CsrfForm<PolicyInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| sla_admin::create_policy(c, user, input),
        |id| format!("/admin/sla/policies/{id}"),
        |e| async move { policy_form(&ctx, &state, None, form.0, Some(e)).await },
    )
    .await
}

async fn policy_input(state: &AppState, id: i64) -> Result<PolicyInput, AppError> {
    let p = state.db(move |c| Ok(sla::policy(c, id)?)).await?;
    let mut targets = std::collections::HashMap::new();
    for pr in Priority::ALL {
        let t = p.targets.get(pr.code());
        for (clock, prefix) in [("first_response", "first"), ("resolution", "resolution")] {
            targets.insert(
                format!("{prefix}_{}", pr.code()),
                hours(t.and_then(|t| t.get(clock)).and_then(Value::as_i64)),
            );
        }
    }
    Ok(PolicyInput {
        code: p.code,
        name_fr: p.name_fr,
        name_en: p.name_en,
        calendar: p.calendar_id.to_string(),
        warning_percent: p.warning_percent.to_string(),
        targets,
        escalate_priority: p
            .escalation
            .get("raise_priority")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .then(|| "on".into()),
        escalate_team: p
            .escalation
            .get("team")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        is_default: p.is_default.then(|| "on".into()),
        active: p.active.then(|| "on".into()),
    })
}

async fn policy_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = path.into_inner();
    let input = policy_input(&state, id).await?;
    policy_form(&ctx, &state, Some(id), input, None).await
}

async fn policy_update(
    ctx: Ctx,
    form: CsrfForm<PolicyInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| sla_admin::update_policy(c, user, id, input),
        |_| format!("/admin/sla/policies/{id}"),
        |e| async move {
            let mut input = form.0;
            input.code = policy_input(&state, id).await?.code;
            policy_form(&ctx, &state, Some(id), input, Some(e)).await
        },
    )
    .await
}

async fn calendar_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let calendars = state.db(|c| Ok(sla::calendars(c)?)).await?;
    let loc = ctx.locale;
    let rows = calendars
        .iter()
        .map(|c| {
            let tz = c.definition.get("tz").and_then(Value::as_str).unwrap_or("").to_string();
            json!({ "url": format!("/admin/sla/calendars/{}", c.id), "cells": [loc.pick(&c.name_fr, &c.name_en), c.code, tz] })
        })
        .collect();
    let cols = columns(&ctx, "admin-name admin-code sla-admin-tz");
    list_page(
        &ctx,
        &state,
        ListHead::of(
            &ctx,
            "sla-admin-calendars",
            "/admin/sla/calendars/new",
            "sla-admin-new-calendar",
        ),
        cols,
        rows,
        json!({}),
    )
}

fn calendar_page(
    ctx: &Ctx,
    state: &AppState,
    id: Option<i64>,
    input: &CalendarInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let mut definition = help(
        required(field(
            "definition",
            ctx.t("sla-admin-definition"),
            "textarea",
            &input.definition,
        )),
        ctx.t("sla-admin-definition-help"),
    );
    definition["rows"] = json!(18);
    let page = FormPage {
        title: if id.is_some() {
            ctx.locale.pick(&input.name_fr, &input.name_en).to_string()
        } else {
            ctx.t("sla-admin-new-calendar")
        },
        action: id.map_or("/admin/sla/calendars".to_string(), |i| {
            format!("/admin/sla/calendars/{i}")
        }),
        back_url: "/admin/sla/calendars",
        fields: vec![
            code_field(ctx, id.is_none(), &input.code),
            name_fr_field(ctx, &input.name_fr),
            name_en_field(ctx, &input.name_en),
            definition,
        ],
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn calendar_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let input = CalendarInput {
        definition: serde_json::to_string_pretty(&CalendarDef::quebec_standard())
            .unwrap_or_default(),
        ..Default::default()
    };
    calendar_page(&ctx, &state, None, &input, None)
}

async fn calendar_create(
    ctx: Ctx,
    form: CsrfForm<CalendarInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| sla_admin::create_calendar(c, user, input),
        |id| format!("/admin/sla/calendars/{id}"),
        |e| async move { calendar_page(&ctx, &state, None, &form.0, Some(e)) },
    )
    .await
}

async fn calendar_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = path.into_inner();
    let c = state.db(move |conn| Ok(sla::calendar(conn, id)?)).await?;
    let input = CalendarInput {
        code: c.code,
        name_fr: c.name_fr,
        name_en: c.name_en,
        definition: serde_json::to_string_pretty(&c.definition).unwrap_or_default(),
    };
    calendar_page(&ctx, &state, Some(id), &input, None)
}

async fn calendar_update(
    ctx: Ctx,
    form: CsrfForm<CalendarInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| sla_admin::update_calendar(c, user, id, input),
        |_| format!("/admin/sla/calendars/{id}"),
        |e| async move {
            let mut input = form.0;
            input.code = state.db(move |c| Ok(sla::calendar(c, id)?.code)).await?;
            calendar_page(&ctx, &state, Some(id), &input, Some(e))
        },
    )
    .await
}
