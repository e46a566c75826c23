//! Loan pages: « Mes prêts » (and the director's loans to approve), booking, a loan's page with
//! the actions of the borrower, the director and the lending desk, the desk's day, and the
//! availability calendar (a table, by day and by asset).

use super::booking::{self, ReserveCmd};
use super::desk::{self, CheckinCmd, CheckoutCmd, ReturnedItem};
use super::model::LoanStatus;
use super::queries;
use super::service;
use super::views::{self, LoanList};
use crate::db::{AssetModelId, LoanId};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::web::extract::{check_csrf, form_pairs, CsrfForm, Ctx};
use crate::web::render::{refusal, see_other, urlencode};
use crate::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/loans", web::get().to(mine))
        .route("/loans", web::post().to(reserve))
        .route("/loans/new", web::get().to(new_form))
        .route("/loans/desk", web::get().to(desk))
        .route("/loans/availability", web::get().to(availability))
        .route("/loans/{id}", web::get().to(show))
        .route("/loans/{id}/{action}", web::post().to(act));
}

fn rows(loc: Locale, loans: &[super::model::LoanView]) -> Vec<Value> {
    loans
        .iter()
        .map(|l| {
            let mut v = json!(l);
            v["what"] = json!(match (&l.model, l.quantity) {
                (Some(m), Some(q)) => format!("{q} × {m}"),
                _ => l
                    .items
                    .iter()
                    .map(|i| format!("{} ({})", i.tag, i.model))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
            v["period"] = json!(format!(
                "{} → {}",
                i18n::format_datetime(loc, l.starts_at),
                i18n::format_datetime(loc, l.due_at)
            ));
            v
        })
        .collect()
}

/// The pools of identical equipment (a model at a unit's desk), as a select's options.
fn pool_choices(loc: Locale, pools: &[queries::PoolRow], selected: &str) -> Vec<Value> {
    pools
        .iter()
        .map(|p| {
            let value = format!("{}:{}", p.model_id, p.unit_code);
            let label = format!(
                "{} — {} ({})",
                p.model,
                loc.pick(&p.unit_fr, &p.unit_en),
                p.count
            );
            json!({"value": value, "label": label, "selected": value == selected})
        })
        .collect()
}

async fn mine(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (user, loc) = (ctx.user.clone(), ctx.locale);
    let now = state.clock.now();
    let (mine, to_approve) = state
        .db(move |c| {
            Ok((
                views::list(c, &user, LoanList::Mine, loc, now)?,
                views::list(c, &user, LoanList::ToApprove, loc, now)?,
            ))
        })
        .await?;
    ctx.render(
        &state,
        "pages/loans/mine",
        json!({"title": ctx.t("loans-title"), "loans": rows(loc, &mine), "to_approve": rows(loc, &to_approve),
               "lends": ctx.user.lends()}),
    )
}

async fn desk(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (user, loc) = (ctx.user.clone(), ctx.locale);
    let now = state.clock.now();
    let (hand_over, out) = state
        .db(move |c| {
            Ok((
                views::list(c, &user, LoanList::ToHandOver, loc, now)?,
                views::list(c, &user, LoanList::Out, loc, now)?,
            ))
        })
        .await?;
    let today = state.clock.today();
    let due_today: Vec<_> = out
        .iter()
        .filter(|l| {
            l.due_at
                .with_timezone(&chrono_tz::America::Toronto)
                .date_naive()
                == today
        })
        .cloned()
        .collect();
    let overdue: Vec<_> = out.iter().filter(|l| l.overdue).cloned().collect();
    ctx.render(
        &state,
        "pages/loans/desk",
        json!({"title": ctx.t("loans-desk"), "hand_over": rows(loc, &hand_over), "due_today": rows(loc, &due_today),
               "overdue": rows(loc, &overdue), "out": rows(loc, &out)}),
    )
}

#[derive(Deserialize, Default, Clone)]
struct NewQuery {
    asset: Option<String>,
    pool: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct ReserveForm {
    #[serde(default)]
    asset: String,
    /// `model-id:unit-code`
    #[serde(default)]
    pool: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    due_at: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    borrower: String,
}

impl ReserveForm {
    /// The booking asked for: one asset by its number, or a quantity from a pool.
    fn command(&self) -> ReserveCmd {
        let (model, lending_unit) = match self.pool.split_once(':') {
            Some((m, u)) if self.asset.trim().is_empty() => {
                (m.parse::<i64>().ok(), Some(u.to_string()))
            }
            _ => (None, None),
        };
        ReserveCmd {
            assets: if self.asset.trim().is_empty() {
                vec![]
            } else {
                vec![self.asset.clone()]
            },
            model,
            lending_unit,
            quantity: if model.is_some() {
                Some(self.quantity.trim().parse().unwrap_or(0))
            } else {
                None
            },
            starts_at: self.starts_at.clone(),
            due_at: self.due_at.clone(),
            purpose: self.purpose.clone(),
            unit: None,
            borrower: Some(self.borrower.clone()).filter(|b| !b.trim().is_empty()),
        }
    }
}

async fn new_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let today = state.clock.today();
    let values = ReserveForm {
        asset: q.asset.unwrap_or_default(),
        pool: q.pool.unwrap_or_default(),
        quantity: "1".into(),
        starts_at: today.to_string(),
        due_at: (today + Duration::days(7)).to_string(),
        ..Default::default()
    };
    render_new(&ctx, &state, values, None).await
}

async fn render_new(
    ctx: &Ctx,
    state: &AppState,
    values: ReserveForm,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let loc = ctx.locale;
    let pools = state.db(|c| Ok(queries::pools(c)?)).await?;
    let (status, problem_text, errors) = refusal(loc, problem.as_ref());
    ctx.render_status(
        state,
        status,
        "pages/loans/new",
        json!({
            "title": ctx.t("loan-new"),
            "v": {"asset": values.asset, "quantity": values.quantity, "starts_at": values.starts_at,
                  "due_at": values.due_at, "purpose": values.purpose, "borrower": values.borrower},
            "by_asset": !values.asset.is_empty(),
            "pools": pool_choices(loc, &pools, &values.pool),
            "lends": ctx.user.lends(),
            "problem": problem_text,
            "errors": errors,
        }),
    )
}

async fn reserve(
    ctx: Ctx,
    form: CsrfForm<ReserveForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let f = form.0;
    let cmd = f.command();
    let user = ctx.user.clone();
    let now = state.clock.now();
    match state
        .db(move |c| booking::reserve(c, &user, cmd, now))
        .await
    {
        Ok(loan) => Ok(see_other(&format!("/loans/{}?ok=reserved", loan.id))),
        Err(e @ (AppError::Invalid(_) | AppError::Rule(_) | AppError::Forbidden)) => {
            render_new(&ctx, &state, f, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    ok: Option<String>,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let flash = q.into_inner().ok.filter(|f| FLASHES.contains(&f.as_str()));
    render_show(&ctx, &state, LoanId(path.into_inner()), flash, None).await
}

const FLASHES: &[&str] = &[
    "reserved",
    "approve",
    "refuse",
    "acknowledge",
    "checkout",
    "checkin",
    "extend",
    "cancel",
];

async fn render_show(
    ctx: &Ctx,
    state: &AppState,
    id: LoanId,
    flash: Option<String>,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (user, loc) = (ctx.user.clone(), ctx.locale);
    let now = state.clock.now();
    let (loan, events, decides) = state
        .db(move |c| {
            let loan = views::view(c, &user, id, loc, now)?;
            let row = queries::find(c, id)?;
            let decides = user.managed_units().contains(&row.unit_id) || user.is_admin();
            Ok((loan, history(c, id, loc)?, decides))
        })
        .await?;
    let (code, problem_text, errors) = refusal(loc, problem.as_ref());
    let mut page = show_page(ctx, &loan, events, decides, &state.settings.loan_conditions);
    let more = json!({
        "flash": flash.map(|f| i18n::tr(loc, "loan-done", &[("kind".into(), f)])),
        "problem": problem_text,
        "errors": errors,
    });
    crate::web::render::merge(&mut page, more);
    ctx.render_status(state, code, "pages/loans/show", page)
}

/// A loan's history, oldest first, as sentences with who did what.
fn history(c: &mut diesel::PgConnection, id: LoanId, loc: Locale) -> Result<Vec<Value>, AppError> {
    let mut names = std::collections::HashMap::new();
    let mut out = Vec::new();
    for e in queries::events(c, id)? {
        let actor = match e.actor_id {
            Some(a) => {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a) {
                    v.insert(crate::users::queries::find(c, a)?.display_name);
                }
                names.get(&a).cloned()
            }
            None => None,
        };
        out.push(
            json!({"text": i18n::tr(loc, "loan-event", &[("kind".into(), e.kind.code().into())]),
                        "note": e.data.get("note").and_then(Value::as_str).unwrap_or(""),
                        "actor": actor, "at": e.created_at}),
        );
    }
    Ok(out)
}

/// The values of a loan's page: the loan, its history, and the actions this person may take
/// in its status (`decides`: directs the lending unit, or administers).
fn show_page(
    ctx: &Ctx,
    loan: &super::model::LoanView,
    events: Vec<Value>,
    decides: bool,
    conditions: &str,
) -> Value {
    let loc = ctx.locale;
    let status = LoanStatus::parse(&loan.status).unwrap_or(LoanStatus::Cancelled);
    let u = &ctx.user;
    let is_borrower = loan.borrower.email == u.email;
    let active: Vec<_> = loan
        .items
        .iter()
        .filter(|i| i.active && i.checked_out_at.is_some())
        .collect();
    json!({
        "title": i18n::tr(loc, "loan-title", &[("n".into(), loan.id.to_string())]),
        "l": loan,
        "what": rows(loc, std::slice::from_ref(loan))[0]["what"],
        "history": events,
        "can_acknowledge": is_borrower && loan.acknowledged_at.is_none() && status.is_open(),
        "can_decide": status == LoanStatus::Requested && decides,
        "can_checkout": status == LoanStatus::Approved && u.lends(),
        "needs_ack_at_desk": loan.acknowledged_at.is_none(),
        "can_checkin": status == LoanStatus::CheckedOut && u.lends(),
        "returning": active.iter().map(|i| json!({"tag": i.tag, "model": i.model})).collect::<Vec<_>>(),
        "can_extend": status.is_open(),
        "can_cancel": status.is_booking(),
        "conditions": if loan.acknowledged_at.is_some() { loan.conditions.clone() } else { conditions.to_string() },
        "pool_size": loan.quantity,
    })
}

/// An action of the loan page, read from its form.
enum LoanAction {
    Decide { approve: bool, note: String },
    Acknowledge,
    Checkout(CheckoutCmd),
    Checkin(CheckinCmd),
    Extend { due: String },
    Cancel,
}

impl LoanAction {
    fn read(action: &str, pairs: &[(String, String)]) -> Option<Self> {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        Some(match action {
            "approve" | "refuse" => LoanAction::Decide {
                approve: action == "approve",
                note: get("note"),
            },
            "acknowledge" => LoanAction::Acknowledge,
            "checkout" => LoanAction::Checkout(CheckoutCmd {
                assets: get("assets")
                    .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                acknowledged: !get("acknowledged").is_empty(),
            }),
            "checkin" => LoanAction::Checkin(CheckinCmd {
                items: pairs
                    .iter()
                    .filter_map(|(k, v)| {
                        k.strip_prefix("condition.")
                            .map(|tag| (tag.to_string(), v.clone()))
                    })
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(tag, condition)| ReturnedItem {
                        note: get(&format!("note.{tag}")),
                        tag,
                        condition,
                    })
                    .collect(),
                borrower_agreed: !get("borrower_agreed").is_empty(),
            }),
            "extend" => LoanAction::Extend { due: get("due_at") },
            "cancel" => LoanAction::Cancel,
            _ => return None,
        })
    }

    /// Does it, by the rules of `loans` (the conditions are today's, for an acknowledgement).
    fn apply(
        self,
        c: &mut diesel::PgConnection,
        user: &crate::auth::CurrentUser,
        id: LoanId,
        conditions: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        match self {
            LoanAction::Decide { approve, note } => {
                service::decide(c, user, id, approve, &note).map(|_| ())
            }
            LoanAction::Acknowledge => service::acknowledge(c, user, id, conditions).map(|_| ()),
            LoanAction::Checkout(cmd) => {
                desk::checkout(c, user, id, cmd, conditions, now).map(|_| ())
            }
            LoanAction::Checkin(cmd) => desk::checkin(c, user, id, cmd).map(|_| ()),
            LoanAction::Extend { due } => booking::extend(c, user, id, &due).map(|_| ()),
            LoanAction::Cancel => booking::cancel(c, user, id).map(|_| ()),
        }
    }
}

/// Every action of the loan page: one form per action, posted to `/loans/{id}/{action}`.
async fn act(
    req: HttpRequest,
    ctx: Ctx,
    body: web::Bytes,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    let pairs = form_pairs(&body);
    let csrf = pairs
        .iter()
        .find(|(n, _)| n == "csrf")
        .map(|(_, v)| v.as_str());
    check_csrf(&req, Some(csrf.unwrap_or_default()))?;
    let (id, action) = path.into_inner();
    let id = LoanId(id);
    let todo = LoanAction::read(&action, &pairs).ok_or(AppError::NotFound)?;
    let (user, now) = (ctx.user.clone(), state.clock.now());
    let conditions = state.settings.loan_conditions.clone();
    let result = state
        .db(move |c| todo.apply(c, &user, id, &conditions, now))
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/loans/{}?ok={action}", id.0))),
        Err(e @ (AppError::Invalid(_) | AppError::Rule(_) | AppError::Forbidden)) => {
            render_show(&ctx, &state, id, None, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct AvailabilityQuery {
    pool: Option<String>,
    from: Option<NaiveDate>,
    view: Option<String>,
}

/// The days the availability table shows: the week (Monday first) or the month around `from`.
fn window(from: NaiveDate, month: bool) -> (NaiveDate, NaiveDate) {
    if month {
        let first = from.with_day(1).unwrap_or(from);
        let next = if first.month() == 12 {
            NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
        };
        (first, next.map(|n| n - Duration::days(1)).unwrap_or(first))
    } else {
        let monday = from - Duration::days(from.weekday().num_days_from_monday() as i64);
        (monday, monday + Duration::days(6))
    }
}

/// The availability of the pool `model-id:unit-code` between two days (none when no pool is
/// chosen).
fn pool_availability(
    c: &mut diesel::PgConnection,
    pool: &str,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Option<views::Availability>, AppError> {
    let Some((m, u)) = pool.split_once(':') else {
        return Ok(None);
    };
    let unit = crate::units::queries::by_code(c, u)
        .map_err(|_| AppError::NotFound)?
        .id;
    let model = m.parse::<i64>().map_err(|_| AppError::NotFound)?;
    Ok(Some(views::availability(
        c,
        AssetModelId(model),
        Some(unit),
        from,
        to,
    )?))
}

/// The availability table: a line per asset, a column per day, the count still free each day.
fn availability_table(loc: Locale, result: Option<&views::Availability>) -> (Value, Value) {
    let days: Vec<NaiveDate> = result
        .map(|a| a.days.iter().map(|d| d.date).collect())
        .unwrap_or_default();
    let heads = days.iter().map(|d| json!({"label": format!("{} {}", i18n::tr(loc, "weekday-short", &[("n".into(), d.weekday().num_days_from_monday().to_string())]), d.day()),
                                       "date": d.to_string()})).collect::<Vec<_>>();
    let table = result.map(|a| json!({
        "model": a.model, "capacity": a.capacity,
        "counts": a.days.iter().map(|d| json!({"available": d.available, "full": d.available == 0})).collect::<Vec<_>>(),
        "assets": a.assets.iter().map(|x| json!({"tag": x.tag,
            "cells": days.iter().map(|d| json!({"busy": x.busy.contains(d)})).collect::<Vec<_>>()})).collect::<Vec<_>>(),
    }));
    (json!(heads), json!(table))
}

async fn availability(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<AvailabilityQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let loc = ctx.locale;
    let month = q.view.as_deref() == Some("month");
    let (from, to) = window(q.from.unwrap_or(state.clock.today()), month);
    let pool = q.pool.clone().unwrap_or_default();
    let p2 = pool.clone();
    let (pools, result) = state
        .db(move |c| Ok((queries::pools(c)?, pool_availability(c, &p2, (from, to))?)))
        .await?;
    let (days, table) = availability_table(loc, result.as_ref());
    let step = Duration::days(if month { 31 } else { 7 });
    let view = if month { "month" } else { "week" };
    ctx.render(
        &state,
        "pages/loans/availability",
        json!({
            "title": ctx.t("loans-availability"),
            "pools": pool_choices(loc, &pools, &pool),
            "month": month,
            "pool": pool,
            "range": format!("{} – {}", i18n::format_date(loc, from), i18n::format_date(loc, to)),
            "prev": format!("pool={}&view={view}&from={}", urlencode(&pool), from - step),
            "next": format!("pool={}&view={view}&from={}", urlencode(&pool), from + step),
            "days": days,
            "a": table,
        }),
    )
}
