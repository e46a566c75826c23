//! Administration of recurring requests: what to ask, for which units, how often.

use crate::catalog::queries as catalog;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::recurring::service::{self as recurring, RecurringInput};
use crate::recurring::Frequency;
use crate::units::queries as units;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, after_first, checkbox_value, columns, field, help, list_page, options,
    priority_choices, render_form, required, yes_no, FormPage, ListHead,
};
use crate::web::render::field_messages;
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/recurring", web::get().to(recurring_list))
        .route("/admin/recurring", web::post().to(recurring_create))
        .route("/admin/recurring/new", web::get().to(recurring_new))
        .route("/admin/recurring/{id}", web::get().to(recurring_edit))
        .route("/admin/recurring/{id}", web::post().to(recurring_update));
}

fn frequency_label(loc: Locale, r: &crate::recurring::queries::Recurring) -> String {
    let month = r.month.map(|m| m.to_string()).unwrap_or_default();
    i18n::tr(
        loc,
        "rec-every",
        &[
            ("kind".into(), r.frequency.code().into()),
            ("day".into(), r.day.to_string()),
            ("month".into(), month),
        ],
    )
}

async fn recurring_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (all, counts) = state
        .db(|c| {
            Ok((
                crate::recurring::queries::all(c)?,
                crate::recurring::queries::run_counts(c)?,
            ))
        })
        .await?;
    let loc = ctx.locale;
    let today = recurring::today(chrono::Utc::now());
    let rows = all
        .iter()
        .map(|r| {
            let next = r
                .schedule()
                .next(today)
                .map(|d| i18n::format_date(loc, d))
                .unwrap_or_default();
            let created = counts.iter().find(|c| c.0 == r.id).map_or(0, |c| c.1);
            json!({ "url": format!("/admin/recurring/{}", r.id),
                    "cells": [r.title, frequency_label(loc, r), r.unit_ids.len().to_string(), next,
                              created.to_string(), yes_no(loc, r.active)] })
        })
        .collect();
    let cols = columns(
        &ctx,
        "col-title rec-frequency admin-units rec-next rec-created admin-state",
    );
    list_page(
        &ctx,
        &state,
        ListHead::of(&ctx, "rec-title", "/admin/recurring/new", "rec-new"),
        cols,
        rows,
        json!({}),
    )
}

/// The fields of a schedule's form: what to ask, the requester, how often, a box per active
/// unit (messages about the units on the first one), the priority and the form's values.
fn recurring_fields(
    ctx: &Ctx,
    input: &RecurringInput,
    cats: &[crate::catalog::model::Category],
    unit_list: &[crate::units::model::Unit],
    problem: Option<&AppError>,
) -> Vec<serde_json::Value> {
    let loc = ctx.locale;
    let mut fields = vec![
        required(field("title", ctx.t("col-title"), "text", &input.title)),
        field(
            "description",
            ctx.t("description-heading"),
            "textarea",
            &input.description,
        ),
        options(
            field("category", ctx.t("col-category"), "select", &input.category),
            cats.iter()
                .map(|c| (c.code.clone(), loc.pick(&c.name_fr, &c.name_en).to_string()))
                .collect(),
        ),
        help(
            required(field(
                "requester",
                ctx.t("rec-requester"),
                "email",
                &input.requester,
            )),
            ctx.t("rec-requester-help"),
        ),
        options(
            field(
                "frequency",
                ctx.t("rec-frequency"),
                "select",
                &input.frequency,
            ),
            Frequency::ALL
                .iter()
                .map(|f| {
                    (
                        f.code().to_string(),
                        i18n::tr(loc, "rec-kind", &[("code".into(), f.code().into())]),
                    )
                })
                .collect(),
        ),
        options(
            field("month", ctx.t("rec-month"), "select", &input.month),
            std::iter::once((String::new(), ctx.t("admin-none")))
                .chain((1..=12).map(|m| {
                    (
                        m.to_string(),
                        i18n::tr(loc, "rec-month-name", &[("n".into(), m.to_string())]),
                    )
                }))
                .collect(),
        ),
        help(
            required(field("day", ctx.t("rec-day"), "number", &input.day)),
            ctx.t("rec-day-help"),
        ),
        help(
            field(
                "starts_on",
                ctx.t("rec-starts-on"),
                "text",
                &input.starts_on,
            ),
            ctx.t("rec-starts-on-help"),
        ),
        options(
            field("priority", ctx.t("col-priority"), "select", &input.priority),
            after_first(ctx.t("rec-category-priority"), priority_choices(loc)),
        ),
        help(
            field("fields", ctx.t("rec-fields"), "textarea", &input.fields),
            ctx.t("rec-fields-help"),
        ),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active),
        ),
    ];
    let at = fields.len() - 2;
    for (i, u) in unit_list.iter().filter(|u| u.active).enumerate() {
        let mut f = field(
            &format!("unit_{}", u.code),
            format!(
                "{} : {}",
                ctx.t("rec-unit"),
                loc.pick(&u.name_fr, &u.name_en)
            ),
            "checkbox",
            checkbox_value(input.units.contains(&u.code)),
        );
        if i == 0 {
            f["id"] = json!("units-choice");
        }
        fields.insert(at + i, f);
    }
    // Messages about the units go on the first unit's box.
    if let Some(AppError::Invalid(f)) = problem {
        if let (Some(msgs), Some(first)) = (
            field_messages(loc, f).get("units").cloned(),
            fields.iter_mut().find(|f| f["id"] == "units-choice"),
        ) {
            first["errors"] = msgs;
        }
    }
    fields
}

async fn recurring_form(
    ctx: &Ctx,
    state: &AppState,
    id: Option<i64>,
    input: RecurringInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (cats, unit_list) = state
        .db(|c| Ok((catalog::active_categories(c)?, units::all(c)?)))
        .await?;
    let fields = recurring_fields(ctx, &input, &cats, &unit_list, problem.as_ref());
    let page = FormPage {
        title: if id.is_none() {
            ctx.t("rec-new")
        } else {
            input.title.clone()
        },
        action: id.map_or("/admin/recurring".to_string(), |i| {
            format!("/admin/recurring/{i}")
        }),
        back_url: "/admin/recurring",
        fields,
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn recurring_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = RecurringInput {
        requester: ctx.user.email.clone(),
        frequency: "monthly".into(),
        day: "1".into(),
        active: true,
        ..Default::default()
    };
    recurring_form(&ctx, &state, None, blank, None).await
}

async fn recurring_create(
    ctx: Ctx,
    form: CsrfForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = RecurringInput::from_pairs(&form.0);
    let i = input.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| recurring::create(c, user, i),
        |_| "/admin/recurring",
        |e| async move { recurring_form(&ctx, &state, None, input, Some(e)).await },
    )
    .await
}

async fn recurring_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = path.into_inner();
    let input = state.db(move |c| recurring::input_of(c, id)).await?;
    recurring_form(&ctx, &state, Some(id), input, None).await
}

async fn recurring_update(
    ctx: Ctx,
    form: CsrfForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let input = RecurringInput::from_pairs(&form.0);
    let i = input.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| recurring::update(c, user, id, i),
        |_| "/admin/recurring",
        |e| async move { recurring_form(&ctx, &state, Some(id), input, Some(e)).await },
    )
    .await
}
