//! The SLA job: every minute, emit each clock's warning (at the policy's share of its target) and
//! breach (at 100 %) exactly once — a timeline event, a clock event and outbox rows for the
//! assignee, the team lead and the service managers. Work is claimed row by row with
//! `FOR UPDATE SKIP LOCKED` and marked in the same transaction, so several servers never emit the
//! same warning twice, and a server that was stopped catches up when it starts again.

use super::model::{Clock, ClockEventKind, Escalation, NewClockEvent};
use super::queries;
use crate::audit::{self, Origin};
use crate::error::AppError;
use crate::notify;
use crate::requests::model::Priority;
use crate::requests::model::{EventKind, NewEvent, Request, RequestNumber};
use crate::requests::queries as requests;
use crate::users::queries as users;
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
    let mut seen = Lookups::default();
    for (clock, breach) in [
        (Clock::FirstResponse, true),
        (Clock::Resolution, true),
        (Clock::FirstResponse, false),
        (Clock::Resolution, false),
    ] {
        loop {
            let emitted = conn.transaction(|conn| -> Result<usize, AppError> {
                let claimed = queries::claim(conn, clock, breach, now, batch)?;
                let rows = requests::by_ids(conn, &claimed)?;
                for r in &rows {
                    emit(conn, &mut seen, r, clock, breach, now)?;
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

/// What a scan looked up once: recipients and each policy's escalation.
#[derive(Default)]
struct Lookups {
    audience: notify::SlaAudience,
    escalations: std::collections::HashMap<i64, Escalation>,
}

fn emit(
    conn: &mut PgConnection,
    seen: &mut Lookups,
    r: &Request,
    clock: Clock,
    breach: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let id = r.id;
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
    let event = requests::insert_event(
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
    let people =
        notify::sla_recipients(conn, &mut seen.audience, r.assignee_id, r.team_id, r.domain)?;
    let payload = json!({
        "number": RequestNumber(r.number).to_string(), "title": r.title, "clock": clock,
        "due": due, "priority": r.priority,
    });
    notify::queue(
        conn,
        &people,
        &notify::Notice {
            template: if breach { "sla_breach" } else { "sla_warning" },
            request: Some(id),
            event: Some(event.id),
            payload,
        },
    )?;
    if breach {
        escalate(conn, seen, r, clock, now)?;
    }
    Ok(())
}

/// Applies the policy's escalation to a breached request: a higher priority, another team.
fn escalate(
    conn: &mut PgConnection,
    seen: &mut Lookups,
    r: &Request,
    clock: Clock,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(policy_id) = r.sla_policy_id else {
        return Ok(());
    };
    if let std::collections::hash_map::Entry::Vacant(slot) = seen.escalations.entry(policy_id) {
        let policy = queries::policy(conn, policy_id)?;
        slot.insert(serde_json::from_value(policy.escalation).unwrap_or_default());
    }
    let esc = seen
        .escalations
        .get(&policy_id)
        .cloned()
        .unwrap_or_default();
    let system = Origin::default();
    let number = RequestNumber(r.number);
    if esc.raise_priority {
        let higher = match r.priority {
            Priority::Low => Some(Priority::Normal),
            Priority::Normal => Some(Priority::High),
            Priority::High => Some(Priority::Urgent),
            Priority::Urgent => None,
        };
        if let Some(p) = higher {
            super::service::on_priority(conn, r, p, now)?;
            requests::set_priority(conn, r.id, p)?;
            let data =
                json!({ "field": "priority", "from": r.priority, "to": p, "escalation": clock });
            requests::insert_event(
                conn,
                &NewEvent {
                    request_id: r.id,
                    actor_id: None,
                    kind: EventKind::FieldChanged,
                    body: String::new(),
                    internal: false,
                    data: data.clone(),
                },
            )?;
            audit::record(conn, &system, "request.escalate", "request", number, data)?;
        }
    }
    if let Some(code) = esc.team {
        let team = users::team_by_code(conn, &code)?
            .filter(|t| t.active && t.domain == r.domain && Some(t.id) != r.team_id);
        if let Some(t) = team {
            requests::set_assignment(conn, r.id, Some(t.id), None)?;
            let data = json!({ "team_from": r.team_id, "team_to": t.id, "assignee_from": r.assignee_id, "assignee_to": null, "escalation": clock });
            requests::insert_event(
                conn,
                &NewEvent {
                    request_id: r.id,
                    actor_id: None,
                    kind: EventKind::Assigned,
                    body: String::new(),
                    internal: false,
                    data: data.clone(),
                },
            )?;
            audit::record(conn, &system, "request.escalate", "request", number, data)?;
        }
    }
    Ok(())
}
