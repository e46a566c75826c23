//! The business time a request took to resolve, kept on the request (`resolve_minutes`) so that
//! the dashboards read medians from an index: minutes of the SLA calendar (the request's policy,
//! else the default one, else the Québec standard hours) from submission to resolution, less
//! the time the resolution clock was paused (waiting for the requester, approval).

use super::queries;
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
        None => queries::default_policy_id(conn)?,
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
    queries::set_resolve_minutes(conn, r.id, value)?;
    Ok(())
}

/// Fills the resolution time of resolved requests that have none (those resolved before this
/// column existed, or loaded by a generator), `batch` at a time; returns how many it wrote.
///
/// The paused minutes of a request closed after its resolution include the time between the
/// two (the clock stays paused while resolved): that part is taken back out.
pub fn backfill(conn: &mut PgConnection, batch: i64) -> Result<usize, AppError> {
    let mut defs: HashMap<Option<i64>, Calendar> = HashMap::new();
    let mut written = 0;
    let first = queries::first_created(conn)?;
    let first_year = first.map(|f| f.year()).unwrap_or_else(|| Utc::now().year());
    loop {
        let rows = queries::unresolved_minutes(conn, batch)?;
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
        written += queries::set_many_resolve_minutes(conn, &ids, &values)?;
    }
}
