//! Transport pages: the trip calendar (day, week, month, or a table), upcoming trips, carriers
//! and the minimum notice, subscription links, the weekly CSV, the public .ics feed, and on a
//! request's page, its trip (change it, book a carrier).

use super::export::{self, FeedFor};
use super::model::{local, local_to_utc, TripRow};
use super::queries::{self, TripFilter};
use super::section::warning_texts;
use super::service::{self, CarrierInput};
use crate::db::{CarrierId, UnitId};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::requests::model::RequestNumber;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::render::{refusal, see_other};
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/transport", web::get().to(calendar))
        .route("/transport/upcoming", web::get().to(upcoming))
        .route("/transport/carriers", web::get().to(carriers))
        .route("/transport/carriers", web::post().to(carrier_create))
        .route("/transport/carriers/{id}", web::get().to(carrier_edit))
        .route("/transport/carriers/{id}", web::post().to(carrier_update))
        .route("/transport/settings", web::post().to(settings))
        .route("/transport/feeds", web::get().to(feeds))
        .route("/transport/feeds", web::post().to(feed_create))
        .route("/transport/feeds/{id}/revoke", web::post().to(feed_revoke))
        .route("/transport/export.csv", web::get().to(export_csv))
        .route("/feeds/trips/{token}", web::get().to(feed_ics))
        .route("/requests/{number}/trip", web::get().to(trip_edit))
        .route("/requests/{number}/trip", web::post().to(trip_update))
        .route(
            "/requests/{number}/trip/confirm",
            web::post().to(trip_confirm),
        );
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
fn pickers(
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

fn parse_id(s: &Option<String>) -> Option<i64> {
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

async fn calendar(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<CalendarQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let loc = ctx.locale;
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
    let carrier = parse_id(&q.carrier).map(CarrierId);
    let unit = parse_id(&q.unit).map(UnitId);
    let table = q.layout.as_deref() == Some("table") || view != "month";
    let user = ctx.user.clone();
    let runs = user.runs_transport();
    let (rows, carriers, units) = state
        .db(move |c| {
            let filter = TripFilter {
                from: Some(local_to_utc(first.and_hms_opt(0, 0, 0).unwrap_or_default())),
                to: Some(local_to_utc(
                    (last + Duration::days(1))
                        .and_hms_opt(0, 0, 0)
                        .unwrap_or_default(),
                )),
                carrier,
                unit,
                live_only: false,
            };
            let trips = service::list(c, &user, &filter, 2_000)?;
            let rows = rows_json(c, loc, &trips, runs)?;
            let (carriers, units) = pickers(c, &user)?;
            Ok((rows, carriers, units))
        })
        .await?;
    // The month as weeks of seven days (Monday first), each day with its trips.
    let mut weeks = Vec::new();
    if !table {
        let mut d = export::week_start(first);
        while d <= last {
            let mut days = Vec::new();
            for _ in 0..7 {
                let key = d.to_string();
                days.push(json!({
                    "day": d.day(),
                    "in_month": d.month() == first.month(),
                    "today": d == today,
                    "label": i18n::format_date(loc, d),
                    "trips": rows.iter().filter(|r| r["date"] == json!(key)).cloned().collect::<Vec<_>>(),
                }));
                d += Duration::days(1);
            }
            weeks.push(json!({ "days": days }));
        }
    }
    // The table groups trips by day.
    let mut groups: Vec<Value> = Vec::new();
    for r in &rows {
        match groups.last_mut() {
            Some(g) if g["date"] == r["date"] => {
                if let Some(list) = g["trips"].as_array_mut() {
                    list.push(r.clone());
                }
            }
            _ => groups.push(json!({"date": r["date"], "label": r["date_label"], "trips": [r]})),
        }
    }
    let link = |v: &str, d: NaiveDate, layout: Option<&str>| {
        let mut s = format!("/transport?view={v}&date={d}");
        if let Some(c) = carrier {
            s.push_str(&format!("&carrier={c}"));
        }
        if let Some(u) = unit {
            s.push_str(&format!("&unit={u}"));
        }
        if let Some(l) = layout {
            s.push_str(&format!("&layout={l}"));
        }
        s
    };
    let layout = q.layout.as_deref().filter(|l| *l == "table");
    let heading = match view.as_str() {
        "day" => i18n::format_date(loc, first),
        "month" => i18n::format_month(loc, first),
        _ => i18n::tr(
            loc,
            "trip-week",
            &[
                ("from".into(), i18n::format_date(loc, first)),
                ("to".into(), i18n::format_date(loc, last)),
            ],
        ),
    };
    let views: Vec<Value> = ["day", "week", "month"]
        .iter()
        .map(|v| {
            json!({
                "label": i18n::tr(loc, "trip-view", &[("code".into(), (*v).into())]),
                "href": link(v, day, None), "current": *v == view})
        })
        .collect();
    let weekdays: Vec<String> = (0..7)
        .map(|i| i18n::tr(loc, "weekday", &[("n".into(), i.to_string())]))
        .collect();
    ctx.render(
        &state,
        "pages/transport/calendar",
        json!({
            "title": ctx.t("trip-calendar"),
            "heading": heading,
            "views": views,
            "prev": link(&view, shift(&view, day, false), layout),
            "next": link(&view, shift(&view, day, true), layout),
            "today_href": link(&view, today, layout),
            "grid": !table,
            "month": view == "month",
            "table_href": link(&view, day, Some("table")),
            "grid_href": link(&view, day, None),
            "weeks": weeks,
            "weekdays": weekdays,
            "groups": groups,
            "count": rows.len(),
            "runs": runs,
            "view": view,
            "date": day.to_string(),
            "layout": layout,
            "carriers": carriers.iter().map(|c| json!({"value": c.id, "label": c.name, "selected": Some(c.id) == carrier})).collect::<Vec<_>>(),
            "units": units.iter().map(|u| json!({"value": u.id, "label": loc.pick(&u.name_fr, &u.name_en), "selected": Some(u.id) == unit})).collect::<Vec<_>>(),
            "week_start": export::week_start(day).to_string(),
            "carrier": carrier,
        }),
    )
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

fn require_transport(ctx: &Ctx) -> Result<(), AppError> {
    if ctx.user.runs_transport() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn carriers_page(
    ctx: &Ctx,
    state: &AppState,
    editing: Option<CarrierId>,
    submitted: Option<&CarrierInput>,
    problem: Option<&AppError>,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    require_transport(ctx)?;
    let loc = ctx.locale;
    let (list, fleets, types, notice) = state
        .db(|c| {
            Ok((
                queries::carriers(c)?,
                queries::fleets(c)?,
                queries::vehicle_types(c)?,
                queries::notice_days(c)?,
            ))
        })
        .await?;
    let current = editing.and_then(|id| list.iter().find(|c| c.id == id).cloned());
    if editing.is_some() && current.is_none() {
        return Err(AppError::NotFound);
    }
    let fleet_of = |id: CarrierId, t: &str| {
        fleets
            .iter()
            .find(|(c, ty, _)| *c == id && ty == t)
            .map(|(_, _, n)| *n)
    };
    let (status, message, errors) = refusal(loc, problem);
    let value =
        |f: &dyn Fn(&CarrierInput) -> String, from_db: String| submitted.map(f).unwrap_or(from_db);
    let form = json!({
        "name": value(&|s| s.name.clone(), current.as_ref().map(|c| c.name.clone()).unwrap_or_default()),
        "contact_name": value(&|s| s.contact_name.clone(), current.as_ref().map(|c| c.contact_name.clone()).unwrap_or_default()),
        "email": value(&|s| s.email.clone(), current.as_ref().map(|c| c.email.clone()).unwrap_or_default()),
        "phone": value(&|s| s.phone.clone(), current.as_ref().map(|c| c.phone.clone()).unwrap_or_default()),
        "english": value(&|s| s.locale.clone(), current.as_ref().map(|c| c.locale.clone()).unwrap_or_default()) == "en",
        "active": submitted.map(|s| s.active.is_some()).unwrap_or(current.as_ref().is_none_or(|c| c.active)),
        "fleet": types.iter().map(|t| json!({
            "code": t.code, "id": format!("c-fleet-{}", t.code), "label": loc.pick(&t.name_fr, &t.name_en),
            "value": submitted.and_then(|s| s.fleet.get(&format!("fleet_{}", t.code)).cloned())
                .or_else(|| current.as_ref().and_then(|c| fleet_of(c.id, &t.code)).map(|n| n.to_string()))
                .unwrap_or_default(),
            "errors": errors.get(format!("fleet_{}", t.code)).cloned().unwrap_or(json!([])),
        })).collect::<Vec<_>>(),
    });
    let rows: Vec<Value> = list
        .iter()
        .map(|c| {
            let fleet: Vec<String> = types
                .iter()
                .filter_map(|t| {
                    fleet_of(c.id, &t.code)
                        .map(|n| format!("{n} × {}", loc.pick(&t.name_fr, &t.name_en)))
                })
                .collect();
            json!({"id": c.id, "name": c.name, "contact": c.contact_name, "email": c.email,
                   "phone": c.phone, "active": c.active, "fleet": fleet.join(", ")})
        })
        .collect();
    ctx.render_status(
        state,
        status,
        "pages/transport/carriers",
        json!({
            "title": ctx.t("carriers-title"),
            "carriers": rows,
            "editing": current.as_ref().map(|c| json!({"id": c.id, "name": c.name})),
            "form": form,
            "errors": errors,
            "problem": message,
            "flash": flash,
            "notice_days": notice,
            "types": types.iter().map(|t| json!({"label": loc.pick(&t.name_fr, &t.name_en),
                "capacity": t.capacity, "wheelchair": t.wheelchair_places})).collect::<Vec<_>>(),
        }),
    )
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn carriers(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let flash = q
        .done
        .as_deref()
        .filter(|d| ["carrier", "settings"].contains(d))
        .map(|d| ctx.t(&format!("transport-saved-{d}")));
    carriers_page(&ctx, &state, None, None, None, flash).await
}

async fn carrier_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    carriers_page(
        &ctx,
        &state,
        Some(CarrierId(path.into_inner())),
        None,
        None,
        None,
    )
    .await
}

async fn save(
    ctx: Ctx,
    state: web::Data<AppState>,
    id: Option<CarrierId>,
    input: CarrierInput,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let submitted = input.clone();
    match state
        .db(move |c| service::save_carrier(c, &user, id, &input))
        .await
    {
        Ok(_) => Ok(see_other("/transport/carriers?done=carrier")),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            carriers_page(&ctx, &state, id, Some(&submitted), Some(&e), None).await
        }
        Err(e) => Err(e),
    }
}

async fn carrier_create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: CsrfForm<CarrierInput>,
) -> Result<HttpResponse, AppError> {
    save(ctx, state, None, form.0).await
}

async fn carrier_update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: CsrfForm<CarrierInput>,
) -> Result<HttpResponse, AppError> {
    save(ctx, state, Some(CarrierId(path.into_inner())), form.0).await
}

#[derive(Deserialize)]
struct SettingsForm {
    #[serde(default)]
    notice_days: String,
}

async fn settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let days = form.0.notice_days;
    match state
        .db(move |c| service::set_notice(c, &user, &days))
        .await
    {
        Ok(()) => Ok(see_other("/transport/carriers?done=settings")),
        Err(e @ AppError::Invalid(_)) => {
            carriers_page(&ctx, &state, None, None, Some(&e), None).await
        }
        Err(e) => Err(e),
    }
}

async fn feeds_page(
    ctx: &Ctx,
    state: &AppState,
    new_url: Option<String>,
    flash: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let runs = user.runs_transport();
    if !runs && user.managed_units().is_empty() {
        return Err(AppError::Forbidden);
    }
    let loc = ctx.locale;
    let (carriers, units, feeds) = state
        .db(move |c| {
            let (carriers, units) = pickers(c, &user)?;
            Ok((carriers, units, queries::feeds(c)?))
        })
        .await?;
    let unit_ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
    let rows: Vec<Value> = feeds
        .iter()
        .filter(|(_, carrier, unit, _, _)| {
            runs || (carrier.is_none() && unit.is_some_and(|u| unit_ids.contains(&u)))
        })
        .map(|(id, carrier, unit, created, used)| {
            let who = match (carrier, unit) {
                (Some(c), _) => carriers
                    .iter()
                    .find(|x| x.id == *c)
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                (_, Some(u)) => units
                    .iter()
                    .find(|x| x.id == *u)
                    .map(|x| loc.pick(&x.name_fr, &x.name_en).to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            json!({"id": id, "who": who, "carrier": carrier.is_some(),
                   "created": i18n::format_datetime(loc, *created),
                   "used": used.map(|u| i18n::format_datetime(loc, u))})
        })
        .collect();
    let targets: Vec<Value> = carriers
        .iter()
        .filter(|c| c.active)
        .map(|c| json!({"value": format!("carrier:{}", c.id), "label": c.name}))
        .collect();
    let unit_targets: Vec<Value> = units
        .iter()
        .filter(|u| u.active)
        .map(|u| json!({"value": format!("unit:{}", u.id), "label": loc.pick(&u.name_fr, &u.name_en)}))
        .collect();
    ctx.render(
        state,
        "pages/transport/feeds",
        json!({"title": ctx.t("feeds-title"), "feeds": rows, "carrier_targets": targets,
               "unit_targets": unit_targets, "new_url": new_url, "flash": flash, "runs": runs}),
    )
}

async fn feeds(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    feeds_page(&ctx, &state, None, None).await
}

#[derive(Deserialize)]
struct FeedForm {
    #[serde(default)]
    target: String,
}

async fn feed_create(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: CsrfForm<FeedForm>,
) -> Result<HttpResponse, AppError> {
    let target = match form.0.target.split_once(':') {
        Some(("carrier", id)) => id.parse().ok().map(|i| FeedFor::Carrier(CarrierId(i))),
        Some(("unit", id)) => id.parse().ok().map(|i| FeedFor::Unit(UnitId(i))),
        _ => None,
    }
    .ok_or_else(|| AppError::BadRequest("target".into()))?;
    let user = ctx.user.clone();
    let token = state
        .db(move |c| export::create_feed(c, &user, target))
        .await?;
    let url = format!(
        "{}/feeds/trips/{token}.ics",
        state.settings.base_url.trim_end_matches('/')
    );
    feeds_page(&ctx, &state, Some(url), Some(ctx.t("feed-created"))).await
}

async fn feed_revoke(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let id = path.into_inner();
    state.db(move |c| export::revoke_feed(c, &user, id)).await?;
    feeds_page(&ctx, &state, None, Some(ctx.t("feed-revoked"))).await
}

#[derive(Deserialize)]
struct ExportQuery {
    carrier: Option<String>,
    week: Option<String>,
}

async fn export_csv(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let carrier = parse_id(&q.carrier)
        .map(CarrierId)
        .ok_or_else(|| AppError::BadRequest("carrier".into()))?;
    let day = q
        .week
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(service::today);
    let monday = export::week_start(day);
    let user = ctx.user.clone();
    let loc = ctx.locale;
    let (name, bytes) = state
        .db(move |c| export::weekly_csv(c, &user, carrier, monday, loc))
        .await?;
    Ok(crate::web::render::csv_download(&name, bytes))
}

async fn feed_ics(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path
        .into_inner()
        .strip_suffix(".ics")
        .map(str::to_string)
        .ok_or(AppError::NotFound)?;
    if token.len() < 20
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::NotFound);
    }
    let base = state.settings.base_url.clone();
    let body = state
        .db(move |c| export::ics(c, &token, &base))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

async fn trip_page(
    ctx: &Ctx,
    state: &AppState,
    number: RequestNumber,
    submitted: Option<Map<String, Value>>,
    problem: Option<&AppError>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let loc = ctx.locale;
    let (title, form, current) = state
        .db(move |c| {
            let (r, standing) = crate::requests::reading::load(c, &user, number, false)?;
            if !(standing.staff || standing.requester_side) {
                return Err(AppError::Forbidden);
            }
            if queries::of_request(c, r.id)?.is_none() {
                return Err(AppError::NotFound);
            }
            let category = crate::catalog::queries::find(c, r.category_id)?;
            Ok((r.title, category.form_def(), r.fields))
        })
        .await?;
    let (status, message, errors) = refusal(loc, problem);
    let values = submitted.unwrap_or_else(|| current.as_object().cloned().unwrap_or_default());
    let fields = crate::catalog::present::form_fields(loc, &form, &values, &errors, &[], &[]);
    ctx.render_status(
        state,
        status,
        "pages/transport/trip_edit",
        json!({"title": format!("{} — {}", ctx.t("trip-change"), title), "number": number.to_string(),
               "request_title": title, "fields": fields, "problem": message}),
    )
}

async fn trip_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let number = RequestNumber::parse(&path).ok_or(AppError::NotFound)?;
    trip_page(&ctx, &state, number, None, None).await
}

async fn trip_update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let number = RequestNumber::parse(&path).ok_or(AppError::NotFound)?;
    let fields: Map<String, Value> = form
        .0
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("f_")
                .map(|k| (k.to_string(), Value::String(v.clone())))
        })
        .collect();
    let user = ctx.user.clone();
    let input = fields.clone();
    match state
        .db(move |c| service::change(c, &user, number, input))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/requests/{number}?ok=trip#trip"))),
        Err(e @ (AppError::Invalid(_) | AppError::Rule(_))) => {
            trip_page(&ctx, &state, number, Some(fields), Some(&e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    note: String,
}

async fn trip_confirm(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let number = RequestNumber::parse(&path).ok_or(AppError::NotFound)?;
    let user = ctx.user.clone();
    let f = form.0;
    let result = state
        .db(move |c| {
            let carrier = f.carrier.trim().parse().map(CarrierId).map_err(|_| {
                AppError::Invalid(crate::error::FieldErrors::single(
                    "carrier",
                    crate::error::Msg::new("field-choice"),
                ))
            })?;
            service::confirm(c, &user, number, carrier, &f.note)
        })
        .await;
    crate::requests::show::after_action(&ctx, &state, number, "carrier", result).await
}
