//! All SQL about SLA policies, calendars and clocks.

use super::model::*;
use crate::db::schema::{requests, sla_calendars, sla_clock_events, sla_policies};
use crate::db::RequestId;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

pub fn policy(conn: &mut PgConnection, id: i64) -> QueryResult<PolicyRow> {
    sla_policies::table
        .find(id)
        .select(PolicyRow::as_select())
        .first(conn)
}

pub fn default_policy(conn: &mut PgConnection) -> QueryResult<Option<PolicyRow>> {
    sla_policies::table
        .filter(sla_policies::is_default.eq(true))
        .filter(sla_policies::active.eq(true))
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()
}

pub fn calendar(conn: &mut PgConnection, id: i64) -> QueryResult<CalendarRow> {
    sla_calendars::table
        .find(id)
        .select(CalendarRow::as_select())
        .first(conn)
}

pub fn insert_event(conn: &mut PgConnection, e: &NewClockEvent) -> QueryResult<usize> {
    diesel::insert_into(sla_clock_events::table)
        .values(e)
        .execute(conn)
}

pub fn events(conn: &mut PgConnection, request: RequestId) -> QueryResult<Vec<ClockEvent>> {
    sla_clock_events::table
        .filter(sla_clock_events::request_id.eq(request.0))
        .order(sla_clock_events::id)
        .select(ClockEvent::as_select())
        .load(conn)
}

pub fn set_clocks(
    conn: &mut PgConnection,
    id: RequestId,
    policy: Option<i64>,
    first_response_due: Option<DateTime<Utc>>,
    resolution_due: Option<DateTime<Utc>>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::sla_policy_id.eq(policy),
            requests::first_response_due.eq(first_response_due),
            requests::resolution_due.eq(resolution_due),
        ))
        .execute(conn)
}

pub fn set_pause(
    conn: &mut PgConnection,
    id: RequestId,
    since: Option<DateTime<Utc>>,
    paused_minutes: i32,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::sla_paused_since.eq(since),
            requests::sla_paused_minutes.eq(paused_minutes),
        ))
        .execute(conn)
}

pub fn set_resolution_due(
    conn: &mut PgConnection,
    id: RequestId,
    due: Option<DateTime<Utc>>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set(requests::resolution_due.eq(due))
        .execute(conn)
}
