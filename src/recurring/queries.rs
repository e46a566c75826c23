//! The SQL of recurring requests that is not a schedule's own change (those are in `service`,
//! with their audit rows): the list, one schedule, how many requests each created.

use super::Frequency;
use crate::db::schema::{recurring_requests as rr, recurring_runs as runs};
use crate::db::{CategoryId, UserId};
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
