//! The business time a request took to resolve, kept on the request (`resolve_minutes`) so that
//! the dashboards read medians from an index: minutes of the SLA calendar (the request's policy,
//! else the default one, else the Québec standard hours) from submission to resolution, less
//! the time the resolution clock was paused (waiting for the requester, approval).

use crate::db::schema::{requests, sla_policies};
use crate::error::AppError;
use crate::requests::model::Request;
use crate::sla::calendar::{Calendar, CalendarDef};
use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use std::collections::HashMap;

/// Business minutes from `created` to `resolved`, less `paused` (never below zero).
pub fn minutes(
    cal: &Calendar,
    created: DateTime<Utc>,
    resolved: DateTime<Utc>,
    paused: i64,
) -> i32 {
    let total = cal.minutes_between(created, resolved) - paused;
    total.clamp(0, i32::MAX as i64) as i32
}

/// The calendar definition of a policy (`None`: the default policy's), or the standard hours.
fn definition(conn: &mut PgConnection, policy: Option<i64>) -> Result<CalendarDef, AppError> {
    let policy = match policy {
        Some(p) => Some(p),
        None => sla_policies::table
            .filter(sla_policies::is_default)
            .select(sla_policies::id)
            .first::<i64>(conn)
            .optional()?,
    };
    let Some(policy) = policy else {
        return Ok(CalendarDef::quebec_standard());
    };
    let calendar_id = crate::sla::queries::policy(conn, policy)?.calendar_id;
    let row = crate::sla::queries::calendar(conn, calendar_id)?;
    serde_json::from_value(row.definition)
        .map_err(|e| AppError::Internal(format!("calendar {} unreadable: {e}", row.code)))
}

fn build(def: &CalendarDef, from: i32, to: i32) -> Result<Calendar, AppError> {
    def.build(from..=to)
        .map_err(|e| AppError::Internal(format!("calendar invalid: {e}")))
}

/// Writes the resolution time of `r` (as it was before) resolved at `at`; called by the request
/// service when it enters a resolved state. A reopening clears it.
pub fn on_status(
    conn: &mut PgConnection,
    r: &Request,
    to: crate::workflow::StateKind,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::workflow::StateKind;
    let value = match to {
        StateKind::Resolved => {
            let def = definition(conn, r.sla_policy_id)?;
            let cal = build(&def, r.created_at.year() - 1, at.year() + 1)?;
            let running = r
                .sla_paused_since
                .map(|since| cal.minutes_between(since, at))
                .unwrap_or(0);
            Some(minutes(
                &cal,
                r.created_at,
                at,
                r.sla_paused_minutes as i64 + running,
            ))
        }
        StateKind::Closed | StateKind::Cancelled if r.resolved_at.is_some() => return Ok(()),
        _ => None,
    };
    diesel::update(requests::table.find(r.id))
        .set(requests::resolve_minutes.eq(value))
        .execute(conn)?;
    Ok(())
}

type Pending = (
    i64,
    Option<i64>,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    i32,
);

/// Fills the resolution time of resolved requests that have none (those resolved before this
/// column existed, or loaded by a generator), `batch` at a time; returns how many it wrote.
///
/// The paused minutes of a request closed after its resolution include the time between the
/// two (the clock stays paused while resolved): that part is taken back out.
pub fn backfill(conn: &mut PgConnection, batch: i64) -> Result<usize, AppError> {
    let mut defs: HashMap<Option<i64>, Calendar> = HashMap::new();
    let mut written = 0;
    let first: Option<DateTime<Utc>> = requests::table
        .select(diesel::dsl::min(requests::created_at))
        .first(conn)?;
    let first_year = first.map(|f| f.year()).unwrap_or_else(|| Utc::now().year());
    loop {
        let rows: Vec<Pending> = requests::table
            .filter(requests::resolved_at.is_not_null())
            .filter(requests::resolve_minutes.is_null())
            .order(requests::id)
            .limit(batch)
            .select((
                requests::id,
                requests::sla_policy_id,
                requests::created_at,
                requests::resolved_at.assume_not_null(),
                requests::closed_at,
                requests::sla_paused_since,
                requests::sla_paused_minutes,
            ))
            .load(conn)?;
        if rows.is_empty() {
            return Ok(written);
        }
        let mut ids = Vec::with_capacity(rows.len());
        let mut values = Vec::with_capacity(rows.len());
        for (id, policy, created, resolved, closed, paused_since, paused) in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = defs.entry(policy) {
                let def = definition(conn, policy)?;
                let this_year = Utc::now().year();
                slot.insert(build(&def, first_year.min(created.year()), this_year + 2)?);
            }
            let cal = &defs[&policy];
            let after = match (closed, paused_since) {
                (Some(c), None) if c > resolved => cal.minutes_between(resolved, c),
                _ => 0,
            };
            ids.push(id);
            values.push(minutes(
                cal,
                created,
                resolved,
                (paused as i64 - after).max(0),
            ));
        }
        written += diesel::sql_query(
            "UPDATE requests r SET resolve_minutes = v.m
             FROM unnest($1::int8[], $2::int4[]) AS v(id, m) WHERE r.id = v.id",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(&ids)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Integer>, _>(&values)
        .execute(conn)?;
    }
}
