//! The SLA job: every minute, emit each clock's warning (at the policy's share of its target) and
//! breach (at 100 %) exactly once — a timeline event, a clock event and outbox rows for the
//! assignee, the team lead and the service managers. Work is claimed row by row with
//! `FOR UPDATE SKIP LOCKED` and marked in the same transaction, so several servers never emit the
//! same warning twice, and a server that was stopped catches up when it starts again.

use super::model::{Clock, ClockEventKind, NewClockEvent};
use super::queries;
use crate::db::RequestId;
use crate::error::AppError;
use crate::notify;
use crate::requests::model::{EventKind, NewEvent, Request, RequestNumber};
use crate::requests::queries as requests;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScanReport {
    pub warnings: usize,
    pub breaches: usize,
}

/// Emits what is due at `now`, in batches of `batch`; returns how many of each were emitted.
pub fn scan(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<ScanReport, AppError> {
    let mut report = ScanReport::default();
    for (clock, breach) in [
        (Clock::FirstResponse, true),
        (Clock::Resolution, true),
        (Clock::FirstResponse, false),
        (Clock::Resolution, false),
    ] {
        loop {
            let emitted = conn.transaction(|conn| -> Result<usize, AppError> {
                let claimed = queries::claim(conn, clock, breach, now, batch)?;
                for id in &claimed {
                    emit(conn, *id, clock, breach, now)?;
                }
                Ok(claimed.len())
            })?;
            if breach {
                report.breaches += emitted;
            } else {
                report.warnings += emitted;
            }
            if (emitted as i64) < batch {
                break;
            }
        }
    }
    Ok(report)
}

fn emit(
    conn: &mut PgConnection,
    id: RequestId,
    clock: Clock,
    breach: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let r: Request = requests::by_id(conn, id)?;
    let due = match clock {
        Clock::FirstResponse => r.first_response_due,
        Clock::Resolution => r.resolution_due,
    };
    let kind = if breach {
        ClockEventKind::Breached
    } else {
        ClockEventKind::Warned
    };
    queries::insert_event(
        conn,
        &NewClockEvent {
            request_id: id.0,
            clock,
            kind,
            at: now,
            due,
            data: json!({ "job": true }),
        },
    )?;
    requests::insert_event(
        conn,
        &NewEvent {
            request_id: id,
            actor_id: None,
            kind: if breach {
                EventKind::SlaBreach
            } else {
                EventKind::SlaWarning
            },
            body: String::new(),
            internal: true,
            data: json!({ "clock": clock, "due": due }),
        },
    )?;
    let people = notify::sla_recipients(conn, r.assignee_id, r.team_id, r.domain)?;
    let payload = json!({
        "number": RequestNumber(r.number).to_string(), "title": r.title, "clock": clock,
        "due": due, "priority": r.priority,
    });
    notify::queue(
        conn,
        &people,
        if breach { "sla_breach" } else { "sla_warning" },
        Some(id),
        &payload,
    )?;
    Ok(())
}
