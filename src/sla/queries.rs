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

pub fn calendar(conn: &mut PgConnection, id: i64) -> QueryResult<CalendarRow> {
    sla_calendars::table
        .find(id)
        .select(CalendarRow::as_select())
        .first(conn)
}

/// A policy with its calendar, in one statement: the one given, or else the active default.
pub fn policy_and_calendar(
    conn: &mut PgConnection,
    id: Option<i64>,
) -> QueryResult<Option<(PolicyRow, CalendarRow)>> {
    let q = sla_policies::table
        .inner_join(sla_calendars::table)
        .select((PolicyRow::as_select(), CalendarRow::as_select()))
        .into_boxed();
    match id {
        Some(id) => q.filter(sla_policies::id.eq(id)),
        None => q
            .filter(sla_policies::is_default.eq(true))
            .filter(sla_policies::active.eq(true)),
    }
    .first(conn)
    .optional()
}

pub fn insert_event(conn: &mut PgConnection, e: &NewClockEvent) -> QueryResult<usize> {
    diesel::insert_into(sla_clock_events::table)
        .values(e)
        .execute(conn)
}

/// Several clock events in one statement (in order).
pub fn insert_events(conn: &mut PgConnection, e: &[NewClockEvent]) -> QueryResult<usize> {
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

/// A clock's due instant and the instant its warning is due.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    pub due: DateTime<Utc>,
    pub warn: DateTime<Utc>,
}

pub fn set_clocks(
    conn: &mut PgConnection,
    id: RequestId,
    policy: Option<i64>,
    first: Option<Due>,
    resolution: Option<Due>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::sla_policy_id.eq(policy),
            requests::first_response_due.eq(first.map(|d| d.due)),
            requests::first_response_warn_at.eq(first.map(|d| d.warn)),
            requests::resolution_due.eq(resolution.map(|d| d.due)),
            requests::resolution_warn_at.eq(resolution.map(|d| d.warn)),
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

pub fn set_resolution_due(conn: &mut PgConnection, id: RequestId, due: Due) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::resolution_due.eq(due.due),
            requests::resolution_warn_at.eq(due.warn),
        ))
        .execute(conn)
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// Claims up to `limit` running clocks whose warning or breach instant has come, marking them
/// so no other server claims them again (rows another transaction holds are skipped).
pub fn claim(
    conn: &mut PgConnection,
    clock: Clock,
    breach: bool,
    now: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<RequestId>> {
    let (mark, instant, running) = match (clock, breach) {
        (Clock::FirstResponse, false) => (
            "first_response_warned_at",
            "first_response_warn_at",
            "first_response_at IS NULL AND first_response_breached_at IS NULL AND first_response_due > $1",
        ),
        (Clock::FirstResponse, true) => ("first_response_breached_at", "first_response_due", "first_response_at IS NULL"),
        (Clock::Resolution, false) => (
            "resolution_warned_at",
            "resolution_warn_at",
            "sla_paused_since IS NULL AND resolution_breached_at IS NULL AND resolution_due > $1",
        ),
        (Clock::Resolution, true) => ("resolution_breached_at", "resolution_due", "sla_paused_since IS NULL"),
    };
    let sql = format!(
        "UPDATE requests SET {mark} = $1 WHERE id IN (
           SELECT id FROM requests
            WHERE {mark} IS NULL AND closed_at IS NULL AND {instant} <= $1 AND {running}
            ORDER BY {instant} LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id"
    );
    let rows: Vec<Claimed> = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .bind::<diesel::sql_types::BigInt, _>(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| RequestId(r.id)).collect())
}

pub fn policies(conn: &mut PgConnection) -> QueryResult<Vec<PolicyRow>> {
    sla_policies::table
        .order(sla_policies::name_fr)
        .select(PolicyRow::as_select())
        .load(conn)
}

pub fn calendars(conn: &mut PgConnection) -> QueryResult<Vec<CalendarRow>> {
    sla_calendars::table
        .order(sla_calendars::name_fr)
        .select(CalendarRow::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = sla_policies)]
pub struct PolicyForm {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub calendar_id: i64,
    pub targets: serde_json::Value,
    pub warning_percent: i32,
    pub escalation: serde_json::Value,
    pub is_default: bool,
    pub active: bool,
}

pub fn clear_default(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::update(sla_policies::table.filter(sla_policies::is_default.eq(true)))
        .set(sla_policies::is_default.eq(false))
        .execute(conn)
}

pub fn insert_policy(conn: &mut PgConnection, p: &PolicyForm) -> QueryResult<i64> {
    diesel::insert_into(sla_policies::table)
        .values(p)
        .returning(sla_policies::id)
        .get_result(conn)
}

pub fn update_policy(conn: &mut PgConnection, id: i64, p: &PolicyForm) -> QueryResult<usize> {
    diesel::update(sla_policies::table.find(id))
        .set(p)
        .execute(conn)
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = sla_calendars)]
pub struct CalendarForm {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub definition: serde_json::Value,
}

pub fn insert_calendar(conn: &mut PgConnection, c: &CalendarForm) -> QueryResult<i64> {
    diesel::insert_into(sla_calendars::table)
        .values(c)
        .returning(sla_calendars::id)
        .get_result(conn)
}

pub fn update_calendar(conn: &mut PgConnection, id: i64, c: &CalendarForm) -> QueryResult<usize> {
    diesel::update(sla_calendars::table.find(id))
        .set((c, sla_calendars::updated_at.eq(diesel::dsl::now)))
        .execute(conn)
}
