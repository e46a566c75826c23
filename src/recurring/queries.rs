//! The SQL of recurring requests that is not a schedule's own change (those are in `service`,
//! with their audit rows): the list, one schedule, how many requests each created.

use super::Frequency;
use crate::db::schema::{recurring_requests as rr, recurring_runs as runs};
use crate::db::{CategoryId, RequestId, UnitId, UserId};
use crate::requests::model::Priority;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::Value;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rr)]
pub struct Recurring {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category_id: CategoryId,
    pub requester_id: UserId,
    pub unit_ids: Vec<i64>,
    pub fields: Value,
    pub priority: Option<Priority>,
    pub frequency: Frequency,
    pub month: Option<i16>,
    pub day: i16,
    pub starts_on: NaiveDate,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<Recurring>> {
    rr::table
        .order(rr::title)
        .select(Recurring::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: i64) -> QueryResult<Recurring> {
    rr::table
        .find(id)
        .select(Recurring::as_select())
        .first(conn)
}

/// How many requests each schedule created so far.
pub fn run_counts(conn: &mut PgConnection) -> QueryResult<Vec<(i64, i64)>> {
    runs::table
        .filter(runs::request_id.is_not_null())
        .group_by(runs::recurring_id)
        .select((runs::recurring_id, diesel::dsl::count_star()))
        .load(conn)
}

/// A checked schedule, as stored.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = rr, treat_none_as_null = true)]
pub struct Checked {
    pub title: String,
    pub description: String,
    pub category_id: CategoryId,
    pub requester_id: UserId,
    pub unit_ids: Vec<i64>,
    pub fields: Value,
    pub priority: Option<Priority>,
    pub frequency: Frequency,
    pub month: Option<i16>,
    pub day: i16,
    pub starts_on: NaiveDate,
    pub active: bool,
}

pub fn active(conn: &mut PgConnection) -> QueryResult<Vec<Recurring>> {
    rr::table
        .filter(rr::active.eq(true))
        .order(rr::id)
        .select(Recurring::as_select())
        .load(conn)
}

/// Claims the occurrence of `on` for a unit (1), or finds it created already (0).
pub fn claim_run(
    conn: &mut PgConnection,
    id: i64,
    on: NaiveDate,
    unit: UnitId,
) -> QueryResult<usize> {
    diesel::insert_into(runs::table)
        .values((
            runs::recurring_id.eq(id),
            runs::occurs_on.eq(on),
            runs::unit_id.eq(unit),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

/// The request an occurrence created.
pub fn set_run_request(
    conn: &mut PgConnection,
    id: i64,
    on: NaiveDate,
    unit: UnitId,
    request: RequestId,
) -> QueryResult<usize> {
    diesel::update(
        runs::table
            .filter(runs::recurring_id.eq(id))
            .filter(runs::occurs_on.eq(on))
            .filter(runs::unit_id.eq(unit)),
    )
    .set(runs::request_id.eq(request))
    .execute(conn)
}

pub fn insert(conn: &mut PgConnection, c: &Checked) -> QueryResult<i64> {
    diesel::insert_into(rr::table)
        .values(c)
        .returning(rr::id)
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: i64, c: &Checked) -> QueryResult<usize> {
    diesel::update(rr::table.find(id))
        .set((c, rr::updated_at.eq(diesel::dsl::now)))
        .execute(conn)
}
