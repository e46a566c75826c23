//! The JSON API of trips (`GET /api/v1/trips`): the trips a person may read, in a period, by
//! carrier and unit. Trips are requests: they are created and moved with the requests API.

use super::model::{local_to_utc, TripRow};
use super::queries::TripFilter;
use super::service;
use crate::db::{CarrierId, UnitId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::RequestNumber;
use crate::web::extract::ApiUser;
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/trips", web::get().to(list));
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TripQuery {
    /// First day (`YYYY-MM-DD`, board time); today by default.
    #[param(format = Date)]
    from: Option<String>,
    /// Last day included; 31 days after `from` by default (at most 366 days).
    #[param(format = Date)]
    to: Option<String>,
    /// A carrier's id.
    #[param(minimum = 1)]
    carrier: Option<i64>,
    /// A unit's id.
    #[param(minimum = 1)]
    unit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TripOut {
    /// The request, e.g. `DS-000123`.
    pub number: String,
    pub title: String,
    /// State code of the request's workflow.
    pub status: String,
    pub status_kind: String,
    pub unit_id: i64,
    pub unit: String,
    pub departs_at: DateTime<Utc>,
    pub returns_at: DateTime<Utc>,
    pub origin: String,
    pub destination: String,
    pub destination_address: String,
    pub students: i32,
    pub adults: i32,
    pub wheelchair_places: i32,
    pub adapted_vehicle: bool,
    /// `autobus`, `minibus`, `adapte` or `taxi`.
    pub vehicle_type: String,
    pub vehicles: i32,
    pub budget_code: String,
    pub carrier_id: Option<i64>,
    pub carrier: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<&TripRow> for TripOut {
    fn from(r: &TripRow) -> TripOut {
        let t = &r.trip;
        TripOut {
            number: RequestNumber(r.number).to_string(),
            title: r.title.clone(),
            status: r.status.clone(),
            status_kind: r.status_kind.code().to_string(),
            unit_id: t.unit_id.0,
            unit: r.unit_fr.clone(),
            departs_at: t.departs_at,
            returns_at: t.returns_at,
            origin: t.origin.clone(),
            destination: t.destination.clone(),
            destination_address: t.destination_address.clone(),
            students: t.students,
            adults: t.adults,
            wheelchair_places: t.wheelchair_places,
            adapted_vehicle: t.adapted_vehicle,
            vehicle_type: t.vehicle_type.clone(),
            vehicles: t.vehicles,
            budget_code: t.budget_code.clone(),
            carrier_id: t.carrier_id.map(|c| c.0),
            carrier: r.carrier.clone(),
            confirmed_at: t.confirmed_at,
        }
    }
}

fn day(raw: &Option<String>, field: &str) -> Result<Option<NaiveDate>, AppError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::Invalid(FieldErrors::single(field, Msg::new("field-date")))),
    }
}

/// Trips that leave in a period (those the person may read: the transport service sees all).
#[utoipa::path(get, path = "/api/v1/trips", tag = "transport", params(TripQuery),
    responses((status = 200, body = [TripOut]), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    user: ApiUser,
    q: web::Query<TripQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let from = day(&q.from, "from")?.unwrap_or_else(service::today);
    let to = day(&q.to, "to")?.unwrap_or(from + Duration::days(31));
    if to < from || (to - from).num_days() > 366 {
        return Err(AppError::Invalid(FieldErrors::single(
            "to",
            Msg::new("trip-period"),
        )));
    }
    let filter = TripFilter {
        from: Some(local_to_utc(from.and_hms_opt(0, 0, 0).unwrap_or_default())),
        to: Some(local_to_utc(
            (to + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default(),
        )),
        carrier: q.carrier.map(CarrierId),
        unit: q.unit.map(UnitId),
        live_only: false,
    };
    let rows = state
        .db(move |c| Ok(service::list(c, &user.0, &filter, 5_000)?))
        .await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(TripOut::from).collect::<Vec<_>>()))
}
