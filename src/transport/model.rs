use crate::db::schema::{carriers, trips, vehicle_types};
use crate::db::{CarrierId, RequestId, UnitId, UserId};
use crate::workflow::StateKind;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::America::Toronto;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = trips)]
pub struct Trip {
    pub request_id: RequestId,
    pub unit_id: UnitId,
    pub departs_at: DateTime<Utc>,
    pub returns_at: DateTime<Utc>,
    pub origin: String,
    pub destination: String,
    pub destination_address: String,
    pub students: i32,
    pub adults: i32,
    pub wheelchair_places: i32,
    pub adapted_vehicle: bool,
    pub vehicle_type: String,
    pub vehicles: i32,
    pub budget_code: String,
    pub carrier_notes: String,
    pub urgent_reason: Option<String>,
    pub carrier_id: Option<CarrierId>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmed_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Trip {
    pub fn passengers(&self) -> i32 {
        self.students + self.adults
    }
}

/// The trip values a request sets (on creation and on every change).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = trips, treat_none_as_null = true)]
pub struct TripValues {
    pub request_id: RequestId,
    pub unit_id: UnitId,
    pub departs_at: DateTime<Utc>,
    pub returns_at: DateTime<Utc>,
    pub origin: String,
    pub destination: String,
    pub destination_address: String,
    pub students: i32,
    pub adults: i32,
    pub wheelchair_places: i32,
    pub adapted_vehicle: bool,
    pub vehicle_type: String,
    pub vehicles: i32,
    pub budget_code: String,
    pub carrier_notes: String,
    pub urgent_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = carriers)]
pub struct Carrier {
    pub id: CarrierId,
    pub name: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub locale: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = carriers)]
pub struct CarrierValues {
    pub name: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub locale: String,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = vehicle_types)]
pub struct VehicleType {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub capacity: i32,
    pub wheelchair_places: i32,
    pub position: i32,
}

/// A trip with what the calendar, the exports and the API show beside it.
#[derive(Debug, Clone)]
pub struct TripRow {
    pub trip: Trip,
    pub number: i64,
    pub title: String,
    pub status: String,
    pub status_kind: StateKind,
    pub workflow_id: crate::db::WorkflowId,
    pub unit_fr: String,
    pub unit_en: String,
    pub carrier: Option<String>,
}

/// A wall-clock time in the board's time zone, as an instant. In the spring gap the time is
/// taken an hour later; in the autumn overlap, the first of the two.
pub fn local_to_utc(t: NaiveDateTime) -> DateTime<Utc> {
    match Toronto.from_local_datetime(&t).earliest() {
        Some(at) => at.with_timezone(&Utc),
        None => Toronto
            .from_local_datetime(&(t + chrono::Duration::hours(1)))
            .earliest()
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or_else(|| t.and_utc()),
    }
}

pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&Toronto).naive_local()
}
