//! The SQL of transport: trips, carriers and their fleet, vehicle types, settings and feeds.

use super::model::*;
use crate::db::schema::{
    carrier_vehicles, carriers, requests, transport_settings, trip_feeds, trips, units,
    vehicle_types,
};
use crate::db::{CarrierId, RequestId, UnitId, UserId};
use crate::requests::access::RequestScope;
use crate::workflow::StateKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// A booking of a carrier's vehicles: `(departs, returns, vehicles)`.
pub type Booking = (DateTime<Utc>, DateTime<Utc>, i32);

/// A live subscription link: `(id, carrier, unit)`.
pub type FeedTarget = (i64, Option<CarrierId>, Option<UnitId>);

type ListRow = (
    Trip,
    i64,
    String,
    String,
    StateKind,
    crate::db::WorkflowId,
    String,
    String,
    Option<String>,
);

pub fn insert(conn: &mut PgConnection, t: &TripValues) -> QueryResult<usize> {
    diesel::insert_into(trips::table).values(t).execute(conn)
}

pub fn update(conn: &mut PgConnection, t: &TripValues) -> QueryResult<usize> {
    diesel::update(trips::table.find(t.request_id))
        .set((t, trips::updated_at.eq(diesel::dsl::now)))
        .execute(conn)
}

pub fn of_request(conn: &mut PgConnection, request: RequestId) -> QueryResult<Option<Trip>> {
    trips::table
        .find(request)
        .select(Trip::as_select())
        .first(conn)
        .optional()
}

pub fn set_carrier(
    conn: &mut PgConnection,
    request: RequestId,
    carrier: CarrierId,
    by: UserId,
) -> QueryResult<usize> {
    diesel::update(trips::table.find(request))
        .set((
            trips::carrier_id.eq(carrier),
            trips::confirmed_at.eq(diesel::dsl::now),
            trips::confirmed_by.eq(by),
            trips::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn notice_days(conn: &mut PgConnection) -> QueryResult<i32> {
    transport_settings::table
        .select(transport_settings::notice_business_days)
        .first(conn)
}

pub fn set_notice_days(conn: &mut PgConnection, days: i32) -> QueryResult<usize> {
    diesel::update(transport_settings::table)
        .set((
            transport_settings::notice_business_days.eq(days),
            transport_settings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn vehicle_types(conn: &mut PgConnection) -> QueryResult<Vec<VehicleType>> {
    vehicle_types::table
        .order(vehicle_types::position)
        .select(VehicleType::as_select())
        .load(conn)
}

pub fn carriers(conn: &mut PgConnection) -> QueryResult<Vec<Carrier>> {
    carriers::table
        .order(carriers::name)
        .select(Carrier::as_select())
        .load(conn)
}

pub fn carrier(conn: &mut PgConnection, id: CarrierId) -> QueryResult<Carrier> {
    carriers::table
        .find(id)
        .select(Carrier::as_select())
        .first(conn)
}

pub fn insert_carrier(conn: &mut PgConnection, c: &CarrierValues) -> QueryResult<CarrierId> {
    diesel::insert_into(carriers::table)
        .values(c)
        .returning(carriers::id)
        .get_result(conn)
}

pub fn update_carrier(
    conn: &mut PgConnection,
    id: CarrierId,
    c: &CarrierValues,
) -> QueryResult<usize> {
    diesel::update(carriers::table.find(id))
        .set((c, carriers::updated_at.eq(diesel::dsl::now)))
        .execute(conn)
}

/// Every carrier's vehicles: `(carrier, type, count)`.
pub fn fleets(conn: &mut PgConnection) -> QueryResult<Vec<(CarrierId, String, i32)>> {
    carrier_vehicles::table
        .select((
            carrier_vehicles::carrier_id,
            carrier_vehicles::vehicle_type,
            carrier_vehicles::vehicles,
        ))
        .load(conn)
}

pub fn set_fleet(
    conn: &mut PgConnection,
    carrier: CarrierId,
    fleet: &[(String, i32)],
) -> QueryResult<()> {
    diesel::delete(carrier_vehicles::table.filter(carrier_vehicles::carrier_id.eq(carrier)))
        .execute(conn)?;
    let rows: Vec<_> = fleet
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(t, n)| {
            (
                carrier_vehicles::carrier_id.eq(carrier),
                carrier_vehicles::vehicle_type.eq(t),
                carrier_vehicles::vehicles.eq(n),
            )
        })
        .collect();
    diesel::insert_into(carrier_vehicles::table)
        .values(&rows)
        .execute(conn)?;
    Ok(())
}

/// The carrier's other trips with vehicles of a type that overlap a period (cancelled requests
/// left out): `(departs, returns, vehicles)`.
pub fn bookings(
    conn: &mut PgConnection,
    carrier: CarrierId,
    vehicle_type: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: RequestId,
) -> QueryResult<Vec<Booking>> {
    trips::table
        .inner_join(requests::table)
        .filter(trips::carrier_id.eq(carrier))
        .filter(trips::vehicle_type.eq(vehicle_type))
        .filter(trips::departs_at.lt(to))
        .filter(trips::returns_at.gt(from))
        .filter(trips::request_id.ne(except))
        .filter(requests::status_kind.ne(StateKind::Cancelled))
        .select((trips::departs_at, trips::returns_at, trips::vehicles))
        .load(conn)
}

/// What to list: a period (trips that start in it), a carrier, a unit.
#[derive(Debug, Clone, Default)]
pub struct TripFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub carrier: Option<CarrierId>,
    pub unit: Option<UnitId>,
    /// Leave out cancelled requests.
    pub live_only: bool,
}

/// The trips a person may read (`scope`), or every trip (`None`: a feed's own filter), in
/// departure order.
pub fn list(
    conn: &mut PgConnection,
    scope: Option<&RequestScope>,
    f: &TripFilter,
    limit: i64,
) -> QueryResult<Vec<TripRow>> {
    let mut q = trips::table
        .inner_join(requests::table)
        .inner_join(units::table)
        .left_join(carriers::table)
        .into_boxed();
    if let Some(from) = f.from {
        q = q.filter(trips::departs_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(trips::departs_at.lt(to));
    }
    if let Some(c) = f.carrier {
        q = q.filter(trips::carrier_id.eq(c));
    }
    if let Some(u) = f.unit {
        q = q.filter(trips::unit_id.eq(u));
    }
    if f.live_only {
        q = q.filter(requests::status_kind.ne(StateKind::Cancelled));
    }
    if let Some(scope) = scope {
        let visible = requests::table
            .filter(scope.filter())
            .select(requests::id)
            .into_boxed();
        q = q.filter(trips::request_id.eq_any(visible));
    }
    let rows: Vec<ListRow> = q
        .order((trips::departs_at, trips::request_id))
        .limit(limit)
        .select((
            Trip::as_select(),
            requests::number,
            requests::title,
            requests::status,
            requests::status_kind,
            requests::workflow_id,
            units::name_fr,
            units::name_en,
            carriers::name.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(trip, number, title, status, status_kind, workflow_id, unit_fr, unit_en, carrier)| {
                TripRow {
                    trip,
                    number,
                    title,
                    status,
                    status_kind,
                    workflow_id,
                    unit_fr,
                    unit_en,
                    carrier,
                }
            },
        )
        .collect())
}

/// A subscription link: `(id, carrier, unit)` of a live token.
pub fn feed_by_hash(conn: &mut PgConnection, hash: &str) -> QueryResult<Option<FeedTarget>> {
    trip_feeds::table
        .filter(trip_feeds::token_hash.eq(hash))
        .filter(trip_feeds::revoked_at.is_null())
        .select((trip_feeds::id, trip_feeds::carrier_id, trip_feeds::unit_id))
        .first(conn)
        .optional()
}

pub fn feed_used(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(trip_feeds::table.find(id))
        .set(trip_feeds::last_used_at.eq(diesel::dsl::now))
        .execute(conn)
}

pub fn insert_feed(
    conn: &mut PgConnection,
    hash: &str,
    carrier: Option<CarrierId>,
    unit: Option<UnitId>,
    by: UserId,
) -> QueryResult<i64> {
    diesel::insert_into(trip_feeds::table)
        .values((
            trip_feeds::token_hash.eq(hash),
            trip_feeds::carrier_id.eq(carrier),
            trip_feeds::unit_id.eq(unit),
            trip_feeds::created_by.eq(by),
        ))
        .returning(trip_feeds::id)
        .get_result(conn)
}

/// A live feed: `(id, carrier, unit, created, last used)`.
pub type FeedRow = (
    i64,
    Option<CarrierId>,
    Option<UnitId>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

pub fn feeds(conn: &mut PgConnection) -> QueryResult<Vec<FeedRow>> {
    trip_feeds::table
        .filter(trip_feeds::revoked_at.is_null())
        .order(trip_feeds::id)
        .select((
            trip_feeds::id,
            trip_feeds::carrier_id,
            trip_feeds::unit_id,
            trip_feeds::created_at,
            trip_feeds::last_used_at,
        ))
        .load(conn)
}

pub fn feed(
    conn: &mut PgConnection,
    id: i64,
) -> QueryResult<Option<(Option<CarrierId>, Option<UnitId>)>> {
    trip_feeds::table
        .find(id)
        .filter(trip_feeds::revoked_at.is_null())
        .select((trip_feeds::carrier_id, trip_feeds::unit_id))
        .first(conn)
        .optional()
}

pub fn revoke_feed(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(trip_feeds::table.find(id))
        .set(trip_feeds::revoked_at.eq(diesel::dsl::now))
        .execute(conn)
}
