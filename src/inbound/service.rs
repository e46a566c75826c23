//! The inbound pipeline: store, classify, identify, thread, extract, apply. A message is
//! recorded (and its bytes stored) before anything else, once per Message-ID; processing then
//! runs in one transaction, the sender's actions in a savepoint so a refused command leaves the
//! request untouched while the refusal itself is recorded and answered (`apply`, `answer`).

use super::answer::answer_stranger;
use super::apply::{on_request, open};
use super::intake::{clip, sender, Done, Intake, Unknown};
use super::message::{self, Class, Inbound};
use super::queries::{self as inbound, NewMessage, Outcome, Row};
use super::{reply, thread};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::RequestId;
use crate::error::AppError;
use crate::requests::model::RequestNumber;
use crate::requests::queries as requests;
use crate::requests::reading;
use crate::storage::Storage;
use crate::users::model::{NewUser, User};
use crate::users::queries as people;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

/// Where a message came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Imap,
    Pipe,
    Http,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Imap => "imap",
            Channel::Pipe => "pipe",
            Channel::Http => "http",
        }
    }
}

/// What became of a message.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub id: i64,
    /// received, applied, created, ignored, rejected or refused.
    pub outcome: String,
    /// Why, as a stable code: auto_reply, bounce, receipt, loop, unknown_sender, forbidden,
    /// command (applied, a command not), attachment (applied, a file left out), no_category,
    /// invalid, empty, unreadable, malformed, spoofed, too_large.
    pub reason: String,
    /// The request it went to or opened, e.g. DS-000042.
    pub request: Option<String>,
    /// The same message (by Message-ID, or content without one) came before: nothing was done.
    pub duplicate: bool,
}

fn receipt(conn: &mut PgConnection, row: &Row, duplicate: bool) -> QueryResult<Receipt> {
    let request = match row.request_id {
        Some(id) => Some(RequestNumber(requests::by_id(conn, RequestId(id))?.number).to_string()),
        None => None,
    };
    Ok(Receipt {
        id: row.id,
        outcome: row.outcome.clone(),
        reason: row.reason.clone(),
        request,
        duplicate,
    })
}

/// Records a message (its bytes stored first) and processes it, unless the same message came
/// before.
pub fn receive(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    raw: &[u8],
    channel: Channel,
) -> Result<Receipt, AppError> {
    if raw.len() > intake.max_bytes {
        return Err(AppError::PayloadTooLarge);
    }
    let hash = storage.put(raw)?;
    let parsed = message::parse(raw);
    let message_id = parsed
        .as_ref()
        .and_then(|m| m.message_id.as_deref())
        .map(|id| clip(id, 900));
    let inserted = inbound::record(
        conn,
        &NewMessage {
            message_id: message_id.as_deref(),
            content_hash: &hash,
            size_bytes: raw.len() as i64,
            channel: channel.code(),
            sender: clip(
                parsed
                    .as_ref()
                    .and_then(|m| m.from.as_deref())
                    .unwrap_or(""),
                320,
            ),
            subject: clip(
                parsed.as_ref().map(|m| m.subject.as_str()).unwrap_or(""),
                500,
            ),
        },
    )?;
    match inserted {
        Some(id) => {
            let result = process_raw(conn, intake, storage, id, Some(raw));
            settle(conn, id, result)
        }
        None => {
            let row = inbound::earlier(conn, message_id.as_deref(), &hash)?;
            Ok(receipt(conn, &row, true)?)
        }
    }
}

/// Processes the messages recorded but not processed (a crash between the two steps).
pub fn process_pending(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    older_than: DateTime<Utc>,
) -> Result<usize, AppError> {
    let ids = inbound::pending(conn, older_than, 100)?;
    let mut done = 0;
    for id in &ids {
        // One message that fails (and stays recorded for the next round) does not hold up the
        // others.
        let result = process(conn, intake, storage, *id);
        match settle(conn, *id, result) {
            Ok(_) => done += 1,
            Err(e) => log::warn!("inbound message {id} not processed: {e}"),
        }
    }
    Ok(done)
}

/// A failure that may pass (the database or the storage away for a moment): the message stays
/// `received` for the next round. Any other failure is the message's own fault.
fn transient(e: &AppError) -> bool {
    use diesel::result::{DatabaseErrorKind as K, Error as E};
    match e {
        AppError::Pool | AppError::Internal(_) => true,
        // A constraint the message's content breaks is its own fault; anything else the
        // database says (a deadlock, a lock timeout, a lost connection) may pass.
        AppError::Db(E::DatabaseError(kind, _)) => !matches!(
            kind,
            K::CheckViolation
                | K::NotNullViolation
                | K::ForeignKeyViolation
                | K::RestrictViolation
                | K::ExclusionViolation
        ),
        AppError::Db(E::NotFound) => false,
        AppError::Db(_) => true,
        _ => false,
    }
}

/// A message whose processing failed for a reason of its own is marked refused as malformed
/// (with the cause for administrators), so no row stays `received` for ever.
fn settle(
    conn: &mut PgConnection,
    id: i64,
    result: Result<Receipt, AppError>,
) -> Result<Receipt, AppError> {
    match result {
        Err(e) if !transient(&e) => {
            log::warn!("inbound message {id} refused as malformed: {e}");
            inbound::refuse_malformed(conn, id, &clip(&e.to_string(), 2000))?;
            Ok(Receipt {
                id,
                outcome: "refused".into(),
                reason: "malformed".into(),
                request: None,
                duplicate: false,
            })
        }
        other => other,
    }
}

/// Processes one recorded message, once: the row is locked and must still be `received`.
pub fn process(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    id: i64,
) -> Result<Receipt, AppError> {
    process_raw(conn, intake, storage, id, None)
}

/// `process`, with the raw bytes when the caller has them (else read from the storage).
fn process_raw(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    id: i64,
    raw: Option<&[u8]>,
) -> Result<Receipt, AppError> {
    conn.transaction(|conn| {
        let Some(row) = inbound::lock_received(conn, id)? else {
            let row = inbound::row(conn, id)?;
            return Ok(receipt(conn, &row, true)?);
        };
        let stored;
        let raw = match raw {
            Some(r) => r,
            None => {
                stored = storage.get(&row.content_hash)?;
                &stored[..]
            }
        };
        let done = decide(conn, intake, storage, raw, id)?;
        inbound::set_outcome(
            conn,
            id,
            &Outcome {
                outcome: done.outcome,
                reason: &done.reason,
                detail: clip(&done.detail, 2000),
                user_id: done.user.map(|u| u.0),
                request_id: done.request.map(|r| r.0),
                event_id: done.event.map(|e| e.0),
                full_text: clip(&done.full_text, 200_000),
                processed_at: Utc::now(),
            },
        )?;
        audit::record(
            conn,
            &audit::Origin {
                actor: done.user,
                ip: None,
            },
            "mail.received",
            "inbound_message",
            id,
            json!({ "outcome": done.outcome, "reason": done.reason, "request_id": done.request }),
        )?;
        Ok(Receipt {
            id,
            outcome: done.outcome.to_string(),
            reason: done.reason,
            request: done.number.map(|n| RequestNumber(n).to_string()),
            duplicate: false,
        })
    })
}

fn decide(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    raw: &[u8],
    inbound_id: i64,
) -> Result<Done, AppError> {
    let Some(m) = message::parse(raw) else {
        return Ok(Done::new("rejected", "unreadable"));
    };
    if m.from_headers > 1 {
        let mut done = Done::new("refused", "malformed");
        done.detail = "From".into();
        return Ok(done);
    }
    let class = message::classify(&m, &intake.own);
    if let Class::Bounce(dsn) = &class {
        for addr in &dsn.failed {
            bounced(conn, addr, inbound_id)?;
        }
    }
    if class != Class::Person {
        let mut done = Done::new("ignored", class.reason());
        done.full_text = m.text.clone();
        return Ok(done);
    }
    let Some(from) = m.from.clone() else {
        return Ok(Done::new("rejected", "unreadable"));
    };
    if m.signals.authentication_failed {
        // Our mail server says the sender's domain did not send it: nobody is answered (the
        // address is someone else's).
        let mut done = Done::new("rejected", "spoofed");
        done.full_text = m.text.clone();
        return Ok(done);
    }
    let user = match sender(conn, &from)? {
        Some(u) => u,
        None => match &intake.unknown {
            Unknown::Reject => {
                answer_stranger(conn, &from, &m)?;
                let mut done = Done::new("rejected", "unknown_sender");
                done.full_text = m.text.clone();
                return Ok(done);
            }
            Unknown::Triage(_) => guest(conn, &from, &m.from_name)?,
        },
    };
    let me = crate::users::service::identity(conn, &user)?;
    let reply = reply::read(&m.reply_text, &intake.own.addresses);
    let mut done = match threaded(conn, intake, &m, &me)? {
        Some(number) => on_request(conn, intake, storage, &me, number, &m, &reply, inbound_id)?,
        None => open(conn, intake, storage, &me, &m, inbound_id)?,
    };
    done.user = Some(user.id);
    done.full_text = m.text.clone();
    Ok(done)
}

/// A guest account for an unknown sender (no password, no role): their requests land in the
/// triage unit, and their replies thread like anyone's.
fn guest(conn: &mut PgConnection, email: &str, name: &str) -> QueryResult<User> {
    let name = if name.trim().is_empty() {
        email.to_string()
    } else {
        clip(name.trim(), 200)
    };
    people::insert(
        conn,
        &NewUser {
            email: email.to_lowercase(),
            display_name: name,
            locale: "fr".into(),
            password_hash: None,
        },
    )
}

/// Permanent failures of an address it takes, on different messages within
/// `BOUNCE_WINDOW_DAYS`, before no mail goes to it any more: one bounce may be a relay's
/// mistake or a mailbox being moved.
pub const BOUNCES_TO_STOP: i64 = 2;
pub const BOUNCE_WINDOW_DAYS: i64 = 30;

/// Records a permanent failure of an address; the repeated ones mark it undeliverable.
fn bounced(conn: &mut PgConnection, email: &str, inbound_id: i64) -> QueryResult<()> {
    let email = email.to_lowercase();
    let since = Utc::now() - chrono::Duration::days(BOUNCE_WINDOW_DAYS);
    if inbound::record_bounce(conn, &email, inbound_id, since)? >= BOUNCES_TO_STOP {
        inbound::mark_undeliverable(conn, &email, inbound_id)?;
    }
    Ok(())
}

/// The request a message answers: our thread Message-IDs, the Message-IDs we sent or received,
/// a signed reply address; else the subject's `[DS-…]`, only for a party to that request.
fn threaded(
    conn: &mut PgConnection,
    intake: &Intake,
    m: &Inbound,
    me: &CurrentUser,
) -> Result<Option<RequestNumber>, AppError> {
    for r in &m.refs {
        if let Some(n) = thread::thread_number(r, &intake.own.message_id_domain) {
            return Ok(Some(n));
        }
    }
    if !m.refs.is_empty() {
        if let Some(id) = inbound::request_of_message_ids(conn, &m.refs)? {
            return Ok(Some(RequestNumber(requests::by_id(conn, id)?.number)));
        }
    }
    for a in &m.recipients {
        if let Some(n) = crate::signing::address_number(a, &intake.key).map(RequestNumber) {
            return Ok(Some(n));
        }
    }
    if let Some(n) = thread::subject_number(&m.subject) {
        if is_party(conn, me, n)? {
            return Ok(Some(n));
        }
    }
    Ok(None)
}

/// The requester's side (requester, watcher, director), the assignee, a member of the
/// request's team, an approver asked, or someone who may write by reply (`join_by_reply`).
fn is_party(
    conn: &mut PgConnection,
    me: &CurrentUser,
    number: RequestNumber,
) -> Result<bool, AppError> {
    let (r, standing) = match reading::load(conn, me, number, false) {
        Ok(x) => x,
        Err(AppError::NotFound) | Err(AppError::Forbidden) => {
            return reading::may_write_by_reply(conn, me, number)
        }
        Err(e) => return Err(e),
    };
    if standing.requester_side || r.assignee_id == Some(me.id) {
        return Ok(true);
    }
    if let Some(team) = r.team_id {
        if me.teams.iter().any(|(t, _)| *t == team) {
            return Ok(true);
        }
    }
    if crate::approvals::service::steps_of(conn, r.id)?
        .iter()
        .any(|s| crate::approvals::service::may_decide(me, s))
    {
        return Ok(true);
    }
    // Someone the notification was forwarded to, or a colleague of the requester's unit (the
    // domain's other staff write on the web, not by a subject token).
    Ok(!standing.staff && reading::may_write_by_reply(conn, me, number)?)
}

/// from, for someone who may read that entry.
#[derive(Debug, Clone, Serialize)]
pub struct MailView {
    pub id: i64,
    pub sender: String,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    pub full_text: String,
}

pub fn mail_of_request(
    conn: &mut PgConnection,
    me: &CurrentUser,
    number: RequestNumber,
    id: i64,
) -> Result<MailView, AppError> {
    conn.transaction(|conn| {
        let (r, standing) = reading::load(conn, me, number, false)?;
        let mail = inbound::mail_of(conn, r.id, id)?;
        // A message that became an internal note is staff-only, like the note.
        if mail.internal == Some(true) && !standing.staff {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &me.origin(),
            "mail.read",
            "request",
            r.number(),
            json!({ "inbound_id": id }),
        )?;
        Ok(MailView {
            id: mail.id,
            sender: mail.sender,
            subject: mail.subject,
            received_at: mail.received_at,
            full_text: mail.full_text,
        })
    })
}
