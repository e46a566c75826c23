//! The trip calendar (day, week, month as a grid, or a table) and the upcoming trips, with the
//! filters a person may use: every carrier and unit for the transport service, their units for a
//! director.

use super::export;
use super::model::{local, local_to_utc, TripRow};
use super::queries::{self, TripFilter};
use super::section::warning_texts;
use super::service;
use crate::db::{CarrierId, UnitId};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::requests::model::RequestNumber;
use crate::web::extract::Ctx;
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/transport", web::get().to(calendar))
        .route("/transport/upcoming", web::get().to(upcoming));
}

fn row_json(loc: Locale, r: &TripRow, warnings: &[String], status: &str) -> Value {
    let d = local(r.trip.departs_at);
    let back = local(r.trip.returns_at);
    json!({
        "number": RequestNumber(r.number).to_string(),
        "title": r.title,
        "date": d.date().to_string(),
        "date_label": i18n::format_date(loc, d.date()),
        "departs": i18n::format_time(loc, d.time()),
        "returns": if back.date() == d.date() { i18n::format_time(loc, back.time()) }
                   else { i18n::format_datetime(loc, r.trip.returns_at) },
        "unit": loc.pick(&r.unit_fr, &r.unit_en),
        "origin": r.trip.origin,
        "destination": r.trip.destination,
        "passengers": r.trip.passengers(),
        "vehicle": format!("{} × {}", r.trip.vehicles, service::vehicle_label(loc, &r.trip.vehicle_type)),
        "carrier": r.carrier,
        "status": status,
        "status_kind": r.status_kind,
        "cancelled": r.status_kind == crate::workflow::StateKind::Cancelled,
        "warnings": warnings,
    })
}

/// The rows of a list of trips, with their status labels and warnings.
fn rows_json(
    conn: &mut PgConnection,
    loc: Locale,
    rows: &[TripRow],
    with_warnings: bool,
) -> Result<Vec<Value>, AppError> {
    let labels = export::workflow_labels(conn, rows, loc)?;
    let fleets = service::Fleets::load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let status = labels
            .get(&r.number)
            .cloned()
            .unwrap_or_else(|| r.status.clone());
        let warnings = if with_warnings && r.status_kind != crate::workflow::StateKind::Cancelled {
            service::warnings(conn, &fleets, &r.trip)?
        } else {
            Vec::new()
        };
        let mut row = row_json(loc, r, &warning_texts(loc, &warnings), &status);
        // The calendar's table shows the warnings; the list of upcoming trips, the dates.
        row["show_warnings"] = json!(with_warnings);
        row["with_date"] = json!(!with_warnings);
        out.push(row);
    }
    Ok(out)
}

/// The carriers and units a person may filter or subscribe by: all of them for the transport
/// service, the units they direct (and no carrier) for a director.
pub(super) fn pickers(
    conn: &mut PgConnection,
    user: &crate::auth::CurrentUser,
) -> Result<(Vec<super::model::Carrier>, Vec<crate::units::model::Unit>), AppError> {
    if user.runs_transport() {
        Ok((queries::carriers(conn)?, crate::units::queries::all(conn)?))
    } else {
        Ok((
            Vec::new(),
            crate::units::queries::by_ids(conn, &user.managed_units())?,
        ))
    }
}

#[derive(Deserialize, Default)]
struct CalendarQuery {
    view: Option<String>,
    date: Option<String>,
    carrier: Option<String>,
    unit: Option<String>,
    layout: Option<String>,
}

pub(super) fn parse_id(s: &Option<String>) -> Option<i64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

/// The period a view shows around a day: `[first, last]` dates.
fn period(view: &str, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    match view {
        "day" => (day, day),
        "month" => crate::dashboard::period::month(day),
        _ => {
            let monday = export::week_start(day);
            (monday, monday + Duration::days(6))
        }
    }
}

fn shift(view: &str, day: NaiveDate, forward: bool) -> NaiveDate {
    let sign = if forward { 1 } else { -1 };
    match view {
        "day" => day + Duration::days(sign),
        "month" => {
            let (first, last) = period("month", day);
            if forward {
                last + Duration::days(1)
            } else {
                period("month", first - Duration::days(1)).0
            }
        }
        _ => day + Duration::days(7 * sign),
    }
}

/// What a calendar page shows: the view and its period around a day, and the filters.
struct Shown {
    view: String,
    day: NaiveDate,
    today: NaiveDate,
    first: NaiveDate,
    last: NaiveDate,
    carrier: Option<CarrierId>,
    unit: Option<UnitId>,
    /// `table` when asked for (the month's grid otherwise); day and week are tables.
    layout: Option<String>,
}

impl Shown {
    fn of(q: &CalendarQuery) -> Self {
        let view = match q.view.as_deref() {
            Some(v @ ("day" | "week" | "month")) => v.to_string(),
            _ => "week".to_string(),
        };
        let today = service::today();
        let day = q
            .date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or(today);
        let (first, last) = period(&view, day);
        Shown {
            view,
            day,
            today,
            first,
            last,
            carrier: parse_id(&q.carrier).map(CarrierId),
            unit: parse_id(&q.unit).map(UnitId),
            layout: q.layout.clone().filter(|l| l == "table"),
        }
    }

    fn table(&self) -> bool {
        self.layout.is_some() || self.view != "month"
    }

    fn filter(&self) -> TripFilter {
        let midnight = |d: NaiveDate| local_to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default());
        TripFilter {
            from: Some(midnight(self.first)),
            to: Some(midnight(self.last + Duration::days(1))),
            carrier: self.carrier,
            unit: self.unit,
            live_only: false,
        }
    }

    /// The calendar in view `v` around day `d`, with the same filters.
    fn link(&self, v: &str, d: NaiveDate, layout: Option<&str>) -> String {
        let mut s = format!("/transport?view={v}&date={d}");
        if let Some(c) = self.carrier {
            s.push_str(&format!("&carrier={c}"));
        }
        if let Some(u) = self.unit {
            s.push_str(&format!("&unit={u}"));
        }
        if let Some(l) = layout {
            s.push_str(&format!("&layout={l}"));
        }
        s
    }

    fn heading(&self, loc: Locale) -> String {
        match self.view.as_str() {
            "day" => i18n::format_date(loc, self.first),
            "month" => i18n::format_month(loc, self.first),
            _ => i18n::tr(
                loc,
                "trip-week",
                &[
                    ("from".into(), i18n::format_date(loc, self.first)),
                    ("to".into(), i18n::format_date(loc, self.last)),
                ],
            ),
        }
    }
}

/// The month as weeks of seven days (Monday first), each day with its trips.
fn month_weeks(loc: Locale, s: &Shown, rows: &[Value]) -> Vec<Value> {
    let mut weeks = Vec::new();
    let mut d = export::week_start(s.first);
    while d <= s.last {
        let mut days = Vec::new();
        for _ in 0..7 {
            let key = d.to_string();
            days.push(json!({
                "day": d.day(),
                "in_month": d.month() == s.first.month(),
                "today": d == s.today,
                "label": i18n::format_date(loc, d),
                "trips": rows.iter().filter(|r| r["date"] == json!(key)).cloned().collect::<Vec<_>>(),
            }));
            d += Duration::days(1);
        }
        weeks.push(json!({ "days": days }));
    }
    weeks
}

/// The table's trips grouped by day.
fn by_day(rows: &[Value]) -> Vec<Value> {
    let mut groups: Vec<Value> = Vec::new();
    for r in rows {
        match groups.last_mut() {
            Some(g) if g["date"] == r["date"] => {
                if let Some(list) = g["trips"].as_array_mut() {
                    list.push(r.clone());
                }
            }
            _ => groups.push(json!({"date": r["date"], "label": r["date_label"], "trips": [r]})),
        }
    }
    groups
}

/// The calendar page's values: the trips as a grid or a table, the links between views and
/// periods, and the filters.
fn calendar_page(
    loc: Locale,
    s: &Shown,
    rows: &[Value],
    carriers: &[super::model::Carrier],
    units: &[crate::units::model::Unit],
) -> Value {
    let views: Vec<Value> = ["day", "week", "month"]
        .iter()
        .map(|v| {
            json!({
                "label": i18n::tr(loc, "trip-view", &[("code".into(), (*v).into())]),
                "href": s.link(v, s.day, None), "current": *v == s.view})
        })
        .collect();
    let weekdays: Vec<String> = (0..7)
        .map(|i| i18n::tr(loc, "weekday", &[("n".into(), i.to_string())]))
        .collect();
    let (view, layout) = (s.view.as_str(), s.layout.as_deref());
    json!({
        "heading": s.heading(loc),
        "views": views,
        "prev": s.link(view, shift(view, s.day, false), layout),
        "next": s.link(view, shift(view, s.day, true), layout),
        "today_href": s.link(view, s.today, layout),
        "grid": !s.table(),
        "month": view == "month",
        "table_href": s.link(view, s.day, Some("table")),
        "grid_href": s.link(view, s.day, None),
        "weeks": if s.table() { Vec::new() } else { month_weeks(loc, s, rows) },
        "weekdays": weekdays,
        "groups": by_day(rows),
        "count": rows.len(),
        "view": view,
        "date": s.day.to_string(),
        "layout": layout,
        "carriers": carriers.iter().map(|c| json!({"value": c.id, "label": c.name, "selected": Some(c.id) == s.carrier})).collect::<Vec<_>>(),
        "units": units.iter().map(|u| json!({"value": u.id, "label": loc.pick(&u.name_fr, &u.name_en), "selected": Some(u.id) == s.unit})).collect::<Vec<_>>(),
        "week_start": export::week_start(s.day).to_string(),
        "carrier": s.carrier,
    })
}

async fn calendar(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<CalendarQuery>,
) -> Result<HttpResponse, AppError> {
    let (loc, shown) = (ctx.locale, Shown::of(&q));
    let user = ctx.user.clone();
    let runs = user.runs_transport();
    let filter = shown.filter();
    let (rows, carriers, units) = state
        .db(move |c| {
            let trips = service::list(c, &user, &filter, 2_000)?;
            let rows = rows_json(c, loc, &trips, runs)?;
            let (carriers, units) = pickers(c, &user)?;
            Ok((rows, carriers, units))
        })
        .await?;
    let mut page = calendar_page(loc, &shown, &rows, &carriers, &units);
    crate::web::render::merge(
        &mut page,
        json!({"title": ctx.t("trip-calendar"), "runs": runs}),
    );
    ctx.render(&state, "pages/transport/calendar", page)
}

async fn upcoming(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let loc = ctx.locale;
    let user = ctx.user.clone();
    let rows = state
        .db(move |c| {
            let trips = service::list(
                c,
                &user,
                &TripFilter {
                    from: Some(Utc::now() - Duration::hours(12)),
                    live_only: true,
                    ..TripFilter::default()
                },
                200,
            )?;
            rows_json(c, loc, &trips, false)
        })
        .await?;
    ctx.render(
        &state,
        "pages/transport/upcoming",
        json!({"title": ctx.t("trip-upcoming"), "trips": rows}),
    )
}
