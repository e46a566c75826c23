//! The request page, composed: the request and its timeline from this domain, then a section
//! from each domain that adds one (approvals, assets, departure, trip, rating), each from its
//! own service. Forms of the page (here and in those domains) come back through `after_action`.

use super::model::{RequestNumber, SectionOf};
use super::service;
use super::timeline;
use super::views::{self, RequestDetail};
use crate::auth::CurrentUser;
use crate::catalog::form::{FieldKind, FormDef};
use crate::catalog::present::field_rows;
use crate::catalog::queries as catalog;
use crate::db::RoomId;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::units::queries as units;
use crate::users::model::{Team, User};
use crate::users::queries as users;
use crate::web::extract::Ctx;
use crate::web::form::render_or_redirect;
use crate::web::render::field_messages;
use crate::workflow::StateKind;
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::PgConnection;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The request number of a path (`DS-000123` or `123`); anything else is not found.
pub(super) fn number(raw: &str) -> Result<RequestNumber, AppError> {
    RequestNumber::parse(raw).ok_or(AppError::NotFound)
}

/// A domain's section of the request page (null or empty when it has nothing to show).
type Section = fn(&mut PgConnection, &CurrentUser, &SectionOf, Locale) -> Result<Value, AppError>;

/// The sections other domains add, by the name the page template knows them by.
const SECTIONS: [(&str, Section); 5] = [
    ("approvals", crate::approvals::service::request_section),
    ("assets", crate::inventory::views::request_section),
    ("departure", crate::departures::request_section),
    ("trip", crate::transport::section::request_section),
    ("rating", crate::dashboard::satisfaction::request_section),
];

/// What the page reads in one go.
struct Loaded {
    detail: RequestDetail,
    form: FormDef,
    room_labels: HashMap<i64, String>,
    /// The teams and technicians a request may go to (for its staff).
    teams: Vec<Team>,
    technicians: Vec<User>,
    watchers: Vec<Value>,
    sections: Map<String, Value>,
}

fn load(
    c: &mut PgConnection,
    user: &CurrentUser,
    num: RequestNumber,
    loc: Locale,
    reopen_days: i64,
) -> Result<Loaded, AppError> {
    let detail = views::read(c, user, num, loc, reopen_days)?;
    let watchers = service::watchers(c, user, num)?
        .into_iter()
        .map(|w| json!(w))
        .collect();
    let form = catalog::by_code(c, &detail.request.category.code)?
        .ok_or(AppError::NotFound)?
        .form_def();
    let (teams, technicians) = if detail.standing.staff {
        let teams = users::teams(c)?
            .into_iter()
            .filter(|t| t.active && t.domain == detail.domain)
            .collect();
        let mut techs: Vec<User> = Vec::new();
        for (_, u) in users::technicians_of_domain(c, detail.domain)? {
            if !techs.iter().any(|t| t.id == u.id) {
                techs.push(u);
            }
        }
        (teams, techs)
    } else {
        (Vec::new(), Vec::new())
    };
    let room_ids: Vec<RoomId> = form
        .fields
        .iter()
        .filter(|f| f.kind == FieldKind::Room)
        .filter_map(|f| detail.request.fields.get(&f.key).and_then(Value::as_i64))
        .map(RoomId)
        .collect();
    let room_labels = units::room_labels(c, &room_ids)?
        .into_iter()
        .map(|(id, l)| (id.0, l))
        .collect();
    let of = SectionOf {
        number: num,
        id: detail.id,
        status: detail.status_kind,
        staff: detail.standing.staff,
    };
    let mut sections = Map::new();
    for (name, section) in SECTIONS {
        sections.insert(name.to_string(), section(c, user, &of, loc)?);
    }
    Ok(Loaded {
        detail,
        form,
        room_labels,
        teams,
        technicians,
        watchers,
        sections,
    })
}

/// The actions this person may take, labelled: reopen, confirm a resolution, or « to … ».
fn transitions(loc: Locale, detail: &RequestDetail) -> Vec<Value> {
    detail
        .transitions
        .iter()
        .map(|(to, needs_note, reopens)| {
            let label = if *reopens {
                i18n::tr(loc, "action-reopen", &[])
            } else if detail.status_kind == StateKind::Resolved && to.kind == StateKind::Closed {
                i18n::tr(loc, "action-confirm", &[])
            } else {
                i18n::tr(
                    loc,
                    "action-to",
                    &[
                        ("code".into(), to.code.clone()),
                        ("label".into(), to.label(loc).into()),
                    ],
                )
            };
            json!({"value": to.code, "label": label, "needs_note": needs_note})
        })
        .collect()
}

/// Renders the request page; `problem` carries a refused action's message and field errors.
async fn render_show(
    ctx: &Ctx,
    state: &AppState,
    num: RequestNumber,
    flash: Option<String>,
    problem: Option<(StatusCode, AppError)>,
) -> Result<HttpResponse, AppError> {
    let (user, loc, reopen_days) = (ctx.user.clone(), ctx.locale, state.settings.reopen_days);
    let page = state
        .db(move |c| load(c, &user, num, loc, reopen_days))
        .await?;
    let (status, problem_msg, problem_fields) = match problem {
        Some((st, e)) => {
            let fields = match &e {
                AppError::Invalid(f) => field_messages(loc, f),
                _ => json!({}),
            };
            (st, Some(i18n::msg(loc, &e.message())), fields)
        }
        None => (StatusCode::OK, None, json!({})),
    };
    let mut data = compose(ctx, &page, loc);
    data["flash"] = json!(flash.map(|k| i18n::tr(loc, &format!("flash-{k}"), &[])));
    data["problem"] = json!(problem_msg);
    data["problem_fields"] = problem_fields;
    data["max_attachment_mb"] = json!(state.settings.max_attachment_bytes / (1024 * 1024));
    ctx.render_status(state, status, "pages/requests/show", data)
}

/// The page's data: the request, its timeline, its actions and the other domains' sections.
fn compose(ctx: &Ctx, page: &Loaded, loc: Locale) -> Value {
    let (detail, r) = (&page.detail, &page.detail.request);
    let mut data = json!({
        "sla": sla_card(loc, r, detail.sla.as_ref()),
        "title": format!("{} — {}", r.number, r.title),
        "r": r,
        "status_label": r.status_label,
        "priority_label": i18n::tr(loc, "priority", &[("code".into(), r.priority.clone())]),
        "domain_label": i18n::tr(loc, "domain", &[("code".into(), r.domain.clone())]),
        "field_rows": field_rows(loc, &page.form, &r.fields, &page.room_labels),
        "events": timeline::entries(loc, &detail.workflow, &detail.events),
        "attachments": detail.attachments,
        "staff": detail.standing.staff,
        "requester_side": detail.standing.requester_side,
        "transitions": transitions(loc, detail),
        "workflow_name": loc.pick(&detail.workflow.name_fr, &detail.workflow.name_en),
        "can_act": !detail.status_kind.is_final(),
        "teams": page.teams.iter().map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
            "selected": Some(t.id) == detail.team_id})).collect::<Vec<_>>(),
        "technicians": page.technicians.iter().map(|u| json!({"value": u.id, "label": u.display_name,
            "selected": Some(u.id) == detail.assignee_id})).collect::<Vec<_>>(),
        "watchers": page.watchers,
        "manages_inventory": ctx.user.manages_inventory(),
        "sees_assets": ctx.user.asset_scope().sees_any(),
        "priorities": super::present::priority_options(loc, &r.priority),
        "can_manage_watchers": detail.standing.staff || detail.standing.requester_side,
    });
    for (name, section) in &page.sections {
        data[name] = section.clone();
    }
    data
}

/// The confirmations a page address may ask for (`?ok=comment`).
const FLASHES: &[&str] = &[
    "rating",
    "asset",
    "trip",
    "carrier",
    "approved",
    "refused",
    "priority",
    "created",
    "comment",
    "transition",
    "assign",
    "attachment",
    "watchers",
];

#[derive(Deserialize)]
pub(super) struct ShowQuery {
    ok: Option<String>,
}

pub(super) async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let flash = q.ok.clone().filter(|k| FLASHES.contains(&k.as_str()));
    render_show(&ctx, &state, num, flash, None).await
}

/// After a form on the request page: back to it with a confirmation, or the page again with
/// the reason the action was refused.
pub async fn after_action(
    ctx: &Ctx,
    state: &AppState,
    num: RequestNumber,
    flash: &str,
    result: Result<(), AppError>,
) -> Result<HttpResponse, AppError> {
    render_or_redirect(
        result,
        |_| format!("/requests/{num}?ok={flash}#timeline"),
        |e| async move {
            let status = e.status();
            render_show(ctx, state, num, None, Some((status, e))).await
        },
    )
    .await
}

/// « 2 h 15 min » of business time.
fn business_duration(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

/// The SLA card of the request page: both clocks and the explanation of their due dates.
fn sla_card(
    loc: Locale,
    r: &super::model::RequestView,
    explanation: Option<&crate::sla::service::Explanation>,
) -> Value {
    let (Some(sla), Some(ex)) = (r.sla.as_ref(), explanation) else {
        return Value::Null;
    };
    let fmt = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| i18n::format_datetime(loc, t));
    let clock_state = |breached: bool, done: bool, paused: bool| {
        let key = match (breached, done, paused) {
            (true, _, _) => "sla-breached",
            (false, true, _) => "sla-met",
            (false, false, true) => "sla-paused",
            _ => "sla-running",
        };
        json!({"label": i18n::tr(loc, key, &[]), "class": key})
    };
    let events: Vec<Value> = ex
        .events
        .iter()
        .map(|e| {
            json!({
                "at": i18n::format_datetime(loc, e.at),
                "text": i18n::tr(loc, "sla-event", &[("clock".into(), e.clock.code().into()), ("kind".into(), e.kind.code().into())]),
                "due": fmt(e.due),
                "paused": e.data.get("paused_minutes").and_then(Value::as_i64).filter(|m| *m > 0).map(business_duration),
            })
        })
        .collect();
    json!({
        "first_response_due": fmt(sla.first_response_due),
        "first_response_state": clock_state(sla.first_response_breached, sla.first_responded_at.is_some(), false),
        "resolution_due": fmt(sla.resolution_due),
        "resolution_state": clock_state(sla.resolution_breached, r.resolved_at.is_some() || r.closed_at.is_some(), sla.paused),
        "paused_since": fmt(sla.paused_since),
        "paused_total": business_duration(sla.paused_minutes),
        "policy": loc.pick(&ex.policy.name_fr, &ex.policy.name_en),
        "calendar": loc.pick(&ex.calendar.name_fr, &ex.calendar.name_en),
        "first_response_target": ex.target.map(|t| business_duration(t.first_response)),
        "resolution_target": ex.target.map(|t| business_duration(t.resolution)),
        "events": events,
    })
}
