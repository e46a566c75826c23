//! The two clocks of a request (first response, resolution), kept on the request row and
//! explained by an append-only log of clock events. Called by the request service inside the
//! transaction of the change that moves a clock.
//!
//! Rules: due dates run from the submission in business time of the policy's calendar; waiting for
//! the requester pauses the resolution clock, and so does a resolution (reopening resumes it); the
//! paused business time is added to the resolution target, so changing the policy or the priority
//! later never loses it.

use super::calendar::{Calendar, CalendarDef};
use super::model::*;
use super::queries::{self, Due};
use crate::error::AppError;
use crate::requests::model::{Priority, Request, StartingClocks};
use crate::workflow::StateKind;
use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A policy with its calendar, ready for arithmetic.
pub struct Clocks {
    pub policy: PolicyRow,
    pub calendar_row: CalendarRow,
    pub calendar: Calendar,
}

impl Clocks {
    pub fn target(&self, priority: Priority) -> Option<Target> {
        self.policy
            .targets
            .get(priority.code())
            .and_then(|t| serde_json::from_value(t.clone()).ok())
    }
}

pub fn load(
    conn: &mut PgConnection,
    policy_id: i64,
    around: DateTime<Utc>,
) -> Result<Clocks, AppError> {
    let (policy, calendar_row) =
        queries::policy_and_calendar(conn, Some(policy_id))?.ok_or(AppError::NotFound)?;
    clocks(policy, calendar_row, around)
}

/// The clocks of a policy: the calendar built for the years around `around` (seven years of
/// days off; built once per definition and year, then kept).
fn clocks(
    policy: PolicyRow,
    calendar_row: CalendarRow,
    around: DateTime<Utc>,
) -> Result<Clocks, AppError> {
    type Built = HashMap<(i64, i32), (serde_json::Value, Calendar)>;
    static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
    let year = around.year();
    let key = (calendar_row.id, year);
    let built = BUILT.get_or_init(Default::default);
    let known = built
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .filter(|(def, _)| *def == calendar_row.definition)
        .map(|(_, c)| c.clone());
    let calendar = match known {
        Some(c) => c,
        None => {
            let def: CalendarDef = serde_json::from_value(calendar_row.definition.clone())
                .map_err(|e| {
                    AppError::Internal(format!("calendar {} unreadable: {e}", calendar_row.code))
                })?;
            let c = def.build(year - 1..=year + 5).map_err(|e| {
                AppError::Internal(format!("calendar {} invalid: {e}", calendar_row.code))
            })?;
            built
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, (calendar_row.definition.clone(), c.clone()));
            c
        }
    };
    Ok(Clocks {
        policy,
        calendar_row,
        calendar,
    })
}

/// States of kind pending (waiting for the requester, a supplier), approval and resolved stop
/// the resolution clock until work resumes.
pub fn pauses(kind: StateKind) -> bool {
    kind.pauses()
}

fn event(
    conn: &mut PgConnection,
    r: &Request,
    clock: Clock,
    kind: ClockEventKind,
    at: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
    data: serde_json::Value,
) -> QueryResult<usize> {
    queries::insert_event(
        conn,
        &NewClockEvent {
            request_id: r.id.0,
            clock,
            kind,
            at,
            due,
            data,
        },
    )
}

fn add(clocks: &Clocks, from: DateTime<Utc>, minutes: i64) -> Result<DateTime<Utc>, AppError> {
    clocks.calendar.add(from, minutes).ok_or_else(|| {
        AppError::Internal(format!(
            "calendar {} has no business hours",
            clocks.calendar_row.code
        ))
    })
}

/// Due and warning instants of a target from the submission, with business time paused so far.
fn due(clocks: &Clocks, from: DateTime<Utc>, target: i64, paused: i64) -> Result<Due, AppError> {
    let warn_share = target * clocks.policy.warning_percent as i64 / 100;
    Ok(Due {
        due: add(clocks, from, target + paused)?,
        warn: add(clocks, from, warn_share + paused)?,
    })
}

/// The clocks a new request starts with, computed before it is written so that it is written
/// once: its SLA columns (`clocks`) and the two « started » events of its clock history.
pub struct Start {
    pub clocks: StartingClocks,
    events: Vec<NewClockEvent>,
}

/// Both clocks of a request created at `at` with `priority`, under the category's policy or the
/// default one; `None` when no policy (or no target for the priority) applies.
pub fn plan_start(
    conn: &mut PgConnection,
    category_policy: Option<i64>,
    priority: Priority,
    at: DateTime<Utc>,
) -> Result<Option<Start>, AppError> {
    let Some((policy, calendar_row)) = queries::policy_and_calendar(conn, category_policy)? else {
        return Ok(None);
    };
    let policy_id = policy.id;
    let clocks = clocks(policy, calendar_row, at)?;
    let Some(target) = clocks.target(priority) else {
        return Ok(None);
    };
    let first = due(&clocks, at, target.first_response, 0)?;
    let resolution = due(&clocks, at, target.resolution, 0)?;
    let data = |minutes: i64| json!({ "policy": clocks.policy.code, "calendar": clocks.calendar_row.code, "priority": priority, "target_minutes": minutes });
    let started = |clock, due, minutes| NewClockEvent {
        request_id: 0,
        clock,
        kind: ClockEventKind::Started,
        at,
        due: Some(due),
        data: data(minutes),
    };
    Ok(Some(Start {
        clocks: StartingClocks {
            sla_policy_id: Some(policy_id),
            first_response_due: Some(first.due),
            first_response_warn_at: Some(first.warn),
            resolution_due: Some(resolution.due),
            resolution_warn_at: Some(resolution.warn),
        },
        events: vec![
            started(Clock::FirstResponse, first.due, target.first_response),
            started(Clock::Resolution, resolution.due, target.resolution),
        ],
    }))
}

/// Writes the « started » events of a request just created with `start.clocks`.
pub fn record_start(conn: &mut PgConnection, r: &Request, start: Start) -> QueryResult<usize> {
    let events: Vec<NewClockEvent> = start
        .events
        .into_iter()
        .map(|e| NewClockEvent {
            request_id: r.id.0,
            ..e
        })
        .collect();
    queries::insert_events(conn, &events)
}

/// Computes again, as `start` did, a request's due and warning instants from its submission
/// under its policy and calendar (the resolution clock counting the time paused so far): for the
/// demo's loader, which moves requests back in time.
pub fn recompute(conn: &mut PgConnection, r: &Request) -> Result<(), AppError> {
    let Some(policy_id) = r.sla_policy_id else {
        return Ok(());
    };
    let clocks = load(conn, policy_id, r.created_at)?;
    let Some(target) = clocks.target(r.priority) else {
        return Ok(());
    };
    let first = due(&clocks, r.created_at, target.first_response, 0)?;
    let resolution = due(
        &clocks,
        r.created_at,
        target.resolution,
        r.sla_paused_minutes as i64,
    )?;
    queries::set_clocks(conn, r.id, Some(policy_id), Some(first), Some(resolution))?;
    Ok(())
}

/// Moves the resolution clock for a status change of `r` (as it was before) to `to` at `at`.
pub fn on_status(
    conn: &mut PgConnection,
    r: &Request,
    to_kind: StateKind,
    to: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let (Some(policy_id), Some(current_due)) = (r.sla_policy_id, r.resolution_due) else {
        return Ok(());
    };
    let clocks = load(conn, policy_id, r.created_at)?;
    let target = clocks.target(r.priority).map(|t| t.resolution).unwrap_or(0);
    match (r.sla_paused_since, pauses(to_kind)) {
        (Some(since), false) => {
            let paused = clocks.calendar.minutes_between(since, at);
            let total = r.sla_paused_minutes as i64 + paused;
            queries::set_pause(conn, r.id, None, total as i32)?;
            if to_kind.is_final() {
                event(
                    conn,
                    r,
                    Clock::Resolution,
                    ClockEventKind::Stopped,
                    at,
                    Some(current_due),
                    json!({ "status": to, "paused_minutes": paused }),
                )?;
            } else {
                let new_due = due(&clocks, r.created_at, target, total)?;
                queries::set_resolution_due(conn, r.id, new_due)?;
                event(
                    conn,
                    r,
                    Clock::Resolution,
                    ClockEventKind::Resumed,
                    at,
                    Some(new_due.due),
                    json!({ "paused_minutes": paused, "total_paused_minutes": total, "target_minutes": target }),
                )?;
            }
        }
        (None, true) => {
            queries::set_pause(conn, r.id, Some(at), r.sla_paused_minutes)?;
            event(
                conn,
                r,
                Clock::Resolution,
                ClockEventKind::Paused,
                at,
                Some(current_due),
                json!({ "status": to }),
            )?;
            if to_kind == StateKind::Resolved {
                let kind = if at <= current_due {
                    ClockEventKind::Met
                } else {
                    ClockEventKind::Breached
                };
                event(
                    conn,
                    r,
                    Clock::Resolution,
                    kind,
                    at,
                    Some(current_due),
                    json!({ "resolved": true }),
                )?;
            }
        }
        (None, false) if to_kind.is_final() => {
            event(
                conn,
                r,
                Clock::Resolution,
                ClockEventKind::Stopped,
                at,
                Some(current_due),
                json!({ "status": to }),
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Records the first response (first public word of the staff) against its target.
pub fn on_first_response(
    conn: &mut PgConnection,
    r: &Request,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    if r.first_response_at.is_some() {
        return Ok(());
    }
    if let Some(due) = r.first_response_due {
        let kind = if at <= due {
            ClockEventKind::Met
        } else {
            ClockEventKind::Breached
        };
        event(
            conn,
            r,
            Clock::FirstResponse,
            kind,
            at,
            Some(due),
            json!({ "responded": true }),
        )?;
    }
    Ok(())
}

/// Recomputes both due dates for a new priority; paused time is kept.
pub fn on_priority(
    conn: &mut PgConnection,
    r: &Request,
    priority: Priority,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(policy_id) = r.sla_policy_id else {
        return Ok(());
    };
    let clocks = load(conn, policy_id, r.created_at)?;
    let Some(target) = clocks.target(priority) else {
        return Ok(());
    };
    let first = match (
        r.first_response_at,
        r.first_response_due,
        r.first_response_warn_at,
    ) {
        (None, _, _) => Some(due(&clocks, r.created_at, target.first_response, 0)?),
        (Some(_), Some(due), Some(warn)) => Some(Due { due, warn }),
        _ => None,
    };
    let total = r.sla_paused_minutes as i64;
    let resolution = due(&clocks, r.created_at, target.resolution, total)?;
    queries::set_clocks(conn, r.id, Some(policy_id), first, Some(resolution))?;
    let data = |minutes: i64| json!({ "from_priority": r.priority, "priority": priority, "target_minutes": minutes, "total_paused_minutes": total });
    if r.first_response_at.is_none() {
        event(
            conn,
            r,
            Clock::FirstResponse,
            ClockEventKind::TargetChanged,
            at,
            first.map(|d| d.due),
            data(target.first_response),
        )?;
    }
    event(
        conn,
        r,
        Clock::Resolution,
        ClockEventKind::TargetChanged,
        at,
        Some(resolution.due),
        data(target.resolution),
    )?;
    Ok(())
}

pub use super::model::SlaView;

/// « Pourquoi cette échéance ? »: the policy, calendar, targets, pauses and the clock log.
pub struct Explanation {
    pub policy: PolicyRow,
    pub calendar: CalendarRow,
    pub target: Option<Target>,
    pub events: Vec<ClockEvent>,
}

pub fn explain(conn: &mut PgConnection, r: &Request) -> Result<Option<Explanation>, AppError> {
    let Some(policy_id) = r.sla_policy_id else {
        return Ok(None);
    };
    let clocks = load(conn, policy_id, r.created_at)?;
    Ok(Some(Explanation {
        target: clocks.target(r.priority),
        policy: clocks.policy,
        calendar: clocks.calendar_row,
        events: queries::events(conn, r.id)?,
    }))
}
