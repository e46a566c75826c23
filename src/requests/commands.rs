//! The narrow interface through which a request changes state — for the requests' own actions
//! and for the sub-domains that move a request (approvals, trips). What those sub-domains do
//! when a request moves (open or withdraw approval steps, tell a booked carrier) is handed here
//! as a list of [`StatusHook`]s by the application (`guichet::wire`), so this file names none of
//! them and they can call it without a circle.

use super::model::{EventKind, NewEvent, Request};
use super::queries;
use crate::automation::{service as automation, Trigger};
use crate::db::{EventId, UserId};
use crate::error::AppError;
use crate::notify;
use crate::workflow::{State, StateKind};
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The longest text of a description, comment or note, in characters.
pub const TEXT_MAX: usize = 20_000;

/// A request moving from one state to another, as a hook sees it.
pub struct StatusChange<'a> {
    /// The request as it was before the move (locked by the caller).
    pub before: &'a Request,
    pub to: &'a State,
    pub actor: Option<UserId>,
    /// The timeline event of the move.
    pub event: EventId,
}

/// What another domain does, in the same transaction, when a request changes state.
pub type StatusHook = fn(&mut PgConnection, &StatusChange) -> Result<(), AppError>;

static HOOKS: OnceLock<&'static [StatusHook]> = OnceLock::new();

/// Hands the status hooks over once, at start (`guichet::wire`); later calls change nothing.
pub fn install(hooks: &'static [StatusHook]) {
    let _ = HOOKS.set(hooks);
}

/// A move without the other domains' steps would lose them: refused until they are installed.
fn hooks() -> Result<&'static [StatusHook], AppError> {
    HOOKS.get().copied().ok_or_else(|| {
        AppError::Internal("the status hooks are installed at start by guichet::wire()".into())
    })
}

/// Puts a request (as it was before, locked by the caller) in another state of its workflow:
/// the SLA clock, the dates, the timeline, the hooks of the other domains, the notification and
/// the automation rules. The caller has checked that the move is allowed.
pub fn move_to(
    conn: &mut PgConnection,
    r: &Request,
    to: &State,
    actor: Option<UserId>,
    note: &str,
    extra: Value,
) -> Result<(), AppError> {
    let hooks = hooks()?;
    let now = Utc::now();
    let resolved_at = match to.kind {
        StateKind::Resolved => Some(now),
        StateKind::Closed => r.resolved_at,
        _ => None,
    };
    let closed_at = to.kind.is_final().then_some(now);
    crate::sla::service::on_status(conn, r, to.kind, &to.code, now)?;
    crate::dashboard::resolve::on_status(conn, r, to.kind, now)?;
    queries::set_status(conn, r.id, &to.code, to.kind, resolved_at, closed_at)?;
    let mut data = json!({ "from": r.status, "to": to.code });
    if let (Some(d), Some(e)) = (data.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    let event = queries::insert_event(
        conn,
        &NewEvent {
            request_id: r.id,
            actor_id: actor,
            kind: EventKind::StatusChanged,
            body: note.to_string(),
            internal: false,
            data,
        },
    )?;
    let change = StatusChange {
        before: r,
        to,
        actor,
        event: event.id,
    };
    for hook in hooks {
        hook(conn, &change)?;
    }
    // An approval's outcome is told by its own message.
    if extra.get("by_approval").is_none() {
        notify::events::status_changed(conn, r, to, actor, note, event.id)?;
    }
    automation::run(conn, r.number(), Trigger::StatusChanged, note)?;
    Ok(())
}
