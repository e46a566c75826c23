//! Transport pages (the calendar and upcoming trips: `calendar`): carriers and the minimum notice, subscription links, the weekly CSV, the public .ics feed, and on a
//! request's page, its trip (change it, book a carrier).

use super::calendar::{parse_id, pickers};
use super::export::{self, FeedFor};
use super::queries;
use super::service::{self, CarrierInput};
use crate::db::{CarrierId, UnitId};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::requests::model::RequestNumber;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::render::{refusal, see_other};
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    super::calendar::routes(cfg);
    cfg.route("/transport/carriers", web::get().to(carriers))
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

fn require_transport(ctx: &Ctx) -> Result<(), AppError> {
    if ctx.user.runs_transport() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The carriers page as read: the carriers, their fleets, the vehicle types and the minimum
/// notice.
struct CarrierBook {
    carriers: Vec<super::model::Carrier>,
    /// carrier, vehicle type code, how many.
    fleets: Vec<(CarrierId, String, i32)>,
    types: Vec<super::model::VehicleType>,
    notice: i32,
}

impl CarrierBook {
    fn load(c: &mut PgConnection) -> Result<Self, AppError> {
        Ok(CarrierBook {
            carriers: queries::carriers(c)?,
            fleets: queries::fleets(c)?,
            types: queries::vehicle_types(c)?,
            notice: queries::notice_days(c)?,
        })
    }

    fn fleet_of(&self, id: CarrierId, t: &str) -> Option<i32> {
        self.fleets
            .iter()
            .find(|(c, ty, _)| *c == id && ty == t)
            .map(|(_, _, n)| *n)
    }

    /// The carriers as listed, each with its fleet in words.
    fn rows(&self, loc: Locale) -> Vec<Value> {
        self.carriers
            .iter()
            .map(|c| {
                let fleet: Vec<String> = self
                    .types
                    .iter()
                    .filter_map(|t| {
                        self.fleet_of(c.id, &t.code)
                            .map(|n| format!("{n} × {}", loc.pick(&t.name_fr, &t.name_en)))
                    })
                    .collect();
                json!({"id": c.id, "name": c.name, "contact": c.contact_name, "email": c.email,
                       "phone": c.phone, "active": c.active, "fleet": fleet.join(", ")})
            })
            .collect()
    }

    /// The carrier form's values: what was submitted, else the carrier edited, else blank.
    fn form(
        &self,
        loc: Locale,
        current: Option<&super::model::Carrier>,
        submitted: Option<&CarrierInput>,
        errors: &Value,
    ) -> Value {
        let value = |f: &dyn Fn(&CarrierInput) -> String, from_db: String| {
            submitted.map(f).unwrap_or(from_db)
        };
        json!({
            "name": value(&|s| s.name.clone(), current.map(|c| c.name.clone()).unwrap_or_default()),
            "contact_name": value(&|s| s.contact_name.clone(), current.map(|c| c.contact_name.clone()).unwrap_or_default()),
            "email": value(&|s| s.email.clone(), current.map(|c| c.email.clone()).unwrap_or_default()),
            "phone": value(&|s| s.phone.clone(), current.map(|c| c.phone.clone()).unwrap_or_default()),
            "english": value(&|s| s.locale.clone(), current.map(|c| c.locale.clone()).unwrap_or_default()) == "en",
            "active": submitted.map(|s| s.active.is_some()).unwrap_or(current.is_none_or(|c| c.active)),
            "fleet": self.types.iter().map(|t| json!({
                "code": t.code, "id": format!("c-fleet-{}", t.code), "label": loc.pick(&t.name_fr, &t.name_en),
                "value": submitted.and_then(|s| s.fleet.get(&format!("fleet_{}", t.code)).cloned())
                    .or_else(|| current.and_then(|c| self.fleet_of(c.id, &t.code)).map(|n| n.to_string()))
                    .unwrap_or_default(),
                "errors": errors.get(format!("fleet_{}", t.code)).cloned().unwrap_or(json!([])),
            })).collect::<Vec<_>>(),
        })
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
    let book = state.db(CarrierBook::load).await?;
    let current = editing.and_then(|id| book.carriers.iter().find(|c| c.id == id));
    if editing.is_some() && current.is_none() {
        return Err(AppError::NotFound);
    }
    let (status, message, errors) = refusal(loc, problem);
    ctx.render_status(
        state,
        status,
        "pages/transport/carriers",
        json!({
            "title": ctx.t("carriers-title"),
            "carriers": book.rows(loc),
            "editing": current.map(|c| json!({"id": c.id, "name": c.name})),
            "form": book.form(loc, current, submitted, &errors),
            "errors": errors,
            "problem": message,
            "flash": flash,
            "notice_days": book.notice,
            "types": book.types.iter().map(|t| json!({"label": loc.pick(&t.name_fr, &t.name_en),
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

/// The subscription links a person sees (all for the transport service, their units' for a
/// director), each with whom it is for.
fn feed_rows(
    loc: Locale,
    runs: bool,
    feeds: &[queries::FeedRow],
    carriers: &[super::model::Carrier],
    units: &[crate::units::model::Unit],
) -> Vec<Value> {
    let unit_ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
    feeds
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
        .collect()
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
    let rows = feed_rows(loc, runs, &feeds, &carriers, &units);
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
