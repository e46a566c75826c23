//! The inbound pipeline: store, classify, identify, thread, extract, apply. A message is
//! recorded (and its bytes stored) before anything else, once per Message-ID; processing then
//! runs in one transaction, the sender's actions in a savepoint so a refused command leaves the
//! request untouched while the refusal itself is recorded and answered.

use super::message::{self, Class, Inbound, Own};
use super::reply::{self, Command, Reply};
use super::thread;
use crate::audit;
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::db::schema::{
    inbound_messages, outbox, request_events, undeliverable_addresses, user_email_aliases,
};
use crate::db::{EventId, RequestId, UserId};
use crate::error::{AppError, Msg};
use crate::i18n::{self, Locale};
use crate::notify::Notice;
use crate::requests::model::{Request, RequestNumber, Source};
use crate::requests::queries as requests;
use crate::requests::reading;
use crate::requests::service::{self as domain, CategoryRef, CommentCmd, NewRequestCmd};
use crate::storage::Storage;
use crate::users::model::{NewUser, User};
use crate::users::queries as people;
use crate::workflow::StateKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

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

/// What unknown senders get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    Reject,
    /// A request as a guest, for this unit code.
    Triage(String),
}

/// The pipeline's settings, read once.
#[derive(Debug, Clone)]
pub struct Intake {
    pub own: Own,
    /// The key that signs reply addresses.
    pub key: Vec<u8>,
    pub max_bytes: usize,
    pub max_attachment_bytes: usize,
    pub category: Option<String>,
    pub unknown: Unknown,
    pub reopen_days: i64,
}

/// The host of our Message-IDs (that of `base_url`, as the mailer uses).
pub fn message_id_domain(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "guichet.local".into())
}

impl Intake {
    pub fn new(conn: &mut PgConnection, s: &Settings) -> Result<Intake, AppError> {
        let mut addresses = Vec::new();
        for a in [Some(&s.mail_from), s.mail_reply_to.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Ok(m) = a.parse::<lettre::message::Mailbox>() {
                addresses.push(message::base_address(m.email.as_ref()));
            }
        }
        Ok(Intake {
            own: Own {
                addresses,
                message_id_domain: message_id_domain(&s.base_url),
            },
            key: crate::signing::instance_key(conn)?,
            max_bytes: s.inbound_max_bytes,
            max_attachment_bytes: s.max_attachment_bytes,
            category: s.inbound_category.clone(),
            unknown: match (&*s.inbound_unknown_senders, &s.inbound_triage_unit) {
                ("triage", Some(unit)) => Unknown::Triage(unit.clone()),
                _ => Unknown::Reject,
            },
            reopen_days: s.reopen_days,
        })
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

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_messages)]
struct Row {
    id: i64,
    content_hash: String,
    outcome: String,
    reason: String,
    request_id: Option<i64>,
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

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
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
    let inserted: Option<i64> = diesel::insert_into(inbound_messages::table)
        .values((
            inbound_messages::message_id.eq(&message_id),
            inbound_messages::content_hash.eq(&hash),
            inbound_messages::size_bytes.eq(raw.len() as i64),
            inbound_messages::channel.eq(channel.code()),
            inbound_messages::sender.eq(clip(
                parsed
                    .as_ref()
                    .and_then(|m| m.from.as_deref())
                    .unwrap_or(""),
                320,
            )),
            inbound_messages::subject.eq(clip(
                parsed.as_ref().map(|m| m.subject.as_str()).unwrap_or(""),
                500,
            )),
        ))
        .on_conflict_do_nothing()
        .returning(inbound_messages::id)
        .get_result(conn)
        .optional()?;
    match inserted {
        Some(id) => {
            let result = process_raw(conn, intake, storage, id, Some(raw));
            settle(conn, id, result)
        }
        None => {
            let q = inbound_messages::table.select(Row::as_select());
            let row = match &message_id {
                Some(mid) => q.filter(inbound_messages::message_id.eq(mid)).first(conn)?,
                None => q
                    .filter(inbound_messages::content_hash.eq(&hash))
                    .filter(inbound_messages::message_id.is_null())
                    .first(conn)?,
            };
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
    let ids: Vec<i64> = inbound_messages::table
        .filter(inbound_messages::outcome.eq("received"))
        .filter(inbound_messages::received_at.lt(older_than))
        .order(inbound_messages::id)
        .limit(100)
        .select(inbound_messages::id)
        .load(conn)?;
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
            diesel::update(inbound_messages::table.find(id))
                .filter(inbound_messages::outcome.eq("received"))
                .set((
                    inbound_messages::outcome.eq("refused"),
                    inbound_messages::reason.eq("malformed"),
                    inbound_messages::detail.eq(clip(&e.to_string(), 2000)),
                    inbound_messages::processed_at.eq(Utc::now()),
                ))
                .execute(conn)?;
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

/// What processing decided.
#[derive(Debug, Default)]
struct Done {
    outcome: &'static str,
    reason: String,
    detail: String,
    user: Option<UserId>,
    request: Option<RequestId>,
    /// The request's number, for the receipt.
    number: Option<i64>,
    event: Option<EventId>,
    full_text: String,
}

impl Done {
    fn new(outcome: &'static str, reason: &str) -> Done {
        Done {
            outcome,
            reason: reason.to_string(),
            ..Done::default()
        }
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
        let row: Option<Row> = inbound_messages::table
            .find(id)
            .filter(inbound_messages::outcome.eq("received"))
            .for_update()
            .skip_locked()
            .select(Row::as_select())
            .first(conn)
            .optional()?;
        let Some(row) = row else {
            let row = inbound_messages::table
                .find(id)
                .select(Row::as_select())
                .first(conn)?;
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
        diesel::update(inbound_messages::table.find(id))
            .set((
                inbound_messages::outcome.eq(done.outcome),
                inbound_messages::reason.eq(&done.reason),
                inbound_messages::detail.eq(clip(&done.detail, 2000)),
                inbound_messages::user_id.eq(done.user),
                inbound_messages::request_id.eq(done.request),
                inbound_messages::event_id.eq(done.event),
                inbound_messages::full_text.eq(clip(&done.full_text, 200_000)),
                inbound_messages::processed_at.eq(Utc::now()),
            ))
            .execute(conn)?;
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

/// The active person who writes from this address (their own or an alias).
fn sender(conn: &mut PgConnection, email: &str) -> QueryResult<Option<User>> {
    let email = email.to_lowercase();
    let direct = people::by_email(conn, &email)?;
    let user = match direct {
        Some(u) => Some(u),
        None => {
            let id: Option<i64> = user_email_aliases::table
                .find(&email)
                .select(user_email_aliases::user_id)
                .first(conn)
                .optional()?;
            match id {
                Some(id) => Some(people::find(conn, UserId(id))?),
                None => None,
            }
        }
    };
    Ok(user.filter(|u| u.active))
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
    use crate::db::schema::address_bounces;
    let email = email.to_lowercase();
    diesel::insert_into(address_bounces::table)
        .values((
            address_bounces::email.eq(&email),
            address_bounces::inbound_id.eq(inbound_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    let recent: i64 = address_bounces::table
        .filter(address_bounces::email.eq(&email))
        .filter(
            address_bounces::bounced_at.gt(Utc::now() - chrono::Duration::days(BOUNCE_WINDOW_DAYS)),
        )
        .count()
        .get_result(conn)?;
    if recent >= BOUNCES_TO_STOP {
        diesel::insert_into(undeliverable_addresses::table)
            .values((
                undeliverable_addresses::email.eq(&email),
                undeliverable_addresses::reason.eq("bounce"),
                undeliverable_addresses::inbound_id.eq(inbound_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
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
        let bracketed: Vec<String> = m.refs.iter().map(|r| format!("<{r}>")).collect();
        let sent: Option<Option<i64>> = outbox::table
            .filter(outbox::message_id.eq_any(&bracketed))
            .filter(outbox::request_id.is_not_null())
            .select(outbox::request_id)
            .first(conn)
            .optional()?;
        let received = match sent.flatten() {
            Some(id) => Some(id),
            None => inbound_messages::table
                .filter(inbound_messages::message_id.eq_any(&m.refs))
                .filter(inbound_messages::request_id.is_not_null())
                .select(inbound_messages::request_id)
                .first::<Option<i64>>(conn)
                .optional()?
                .flatten(),
        };
        if let Some(id) = received {
            return Ok(Some(RequestNumber(
                requests::by_id(conn, RequestId(id))?.number,
            )));
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

/// Why something the sender asked was not done.
#[derive(Debug, Clone)]
struct Refusal {
    what: String,
    why: Msg,
}

fn refusal(what: &str, e: AppError) -> Result<Refusal, AppError> {
    match e {
        AppError::Db(_) | AppError::Pool | AppError::Internal(_) | AppError::Template(_) => Err(e),
        AppError::Invalid(errors) => Ok(Refusal {
            what: what.to_string(),
            why: errors
                .0
                .values()
                .flatten()
                .next()
                .cloned()
                .unwrap_or_else(|| Msg::new("error-invalid")),
        }),
        AppError::NotFound | AppError::Forbidden => Ok(Refusal {
            what: what.to_string(),
            why: Msg::new("inbound-not-allowed"),
        }),
        other => Ok(Refusal {
            what: what.to_string(),
            why: other.message(),
        }),
    }
}

/// Why an attachment was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeftOut {
    TooLarge,
    /// A program or a script.
    Program,
    /// Its encoding is broken: the bytes are not what the sender attached.
    Damaged,
}

/// An attachment left out, named on the request and in the answer to the sender.
#[derive(Debug, Clone)]
struct Dropped {
    name: String,
    size: usize,
    why: LeftOut,
}

impl Dropped {
    /// The note on the request, in brackets.
    fn note(&self, locale: Locale, max: usize) -> String {
        let key = match self.why {
            LeftOut::TooLarge => "inbound-attachment-dropped",
            LeftOut::Program => "inbound-attachment-program",
            LeftOut::Damaged => "inbound-attachment-damaged",
        };
        i18n::msg(locale, &self.args(Msg::new(key), locale, max))
    }

    /// The line of the answer to the sender.
    fn refusal(&self, locale: Locale, max: usize) -> Refusal {
        let key = match self.why {
            LeftOut::TooLarge => "inbound-file-too-large",
            LeftOut::Program => "inbound-file-program",
            LeftOut::Damaged => "inbound-file-damaged",
        };
        Refusal {
            what: self.name.clone(),
            why: self.args(Msg::new(key), locale, max),
        }
    }

    fn args(&self, m: Msg, locale: Locale, max: usize) -> Msg {
        m.arg("name", &self.name)
            .arg("size", mebibytes(locale, self.size))
            .arg("max", mebibytes(locale, max))
    }
}

/// The notes, one per line, about attachments left out.
fn dropped_note(locale: Locale, dropped: &[Dropped], max: usize) -> String {
    dropped
        .iter()
        .map(|d| d.note(locale, max))
        .collect::<Vec<_>>()
        .join("\n")
}

fn mebibytes(locale: Locale, n: usize) -> String {
    let v = n as f64 / 1_048_576.0;
    match locale {
        Locale::Fr => format!("{v:.1} Mo").replace('.', ","),
        Locale::En => format!("{v:.1} MB"),
    }
}

/// Stores the attachments that may be kept and attaches them; returns the ones left out (too
/// large, programs, broken encodings), which never sink the message.
fn attach_all(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    number: RequestNumber,
    m: &Inbound,
) -> Result<Vec<Dropped>, AppError> {
    let mut dropped = Vec::new();
    for a in &m.attachments {
        let left_out = |why| Dropped {
            name: domain::sanitize_filename(&a.filename),
            size: a.bytes.len(),
            why,
        };
        if a.damaged {
            dropped.push(left_out(LeftOut::Damaged));
            continue;
        }
        if a.bytes.len() > intake.max_attachment_bytes {
            dropped.push(left_out(LeftOut::TooLarge));
            continue;
        }
        let Ok(content_type) = domain::vet_file(&a.filename, &a.bytes) else {
            dropped.push(left_out(LeftOut::Program));
            continue;
        };
        let sha256 = storage.put(&a.bytes)?;
        domain::attach(
            conn,
            me,
            number,
            domain::NewAttachmentCmd {
                filename: a.filename.clone(),
                content_type,
                size_bytes: a.bytes.len() as i64,
                sha256,
            },
        )?;
    }
    Ok(dropped)
}

/// While a message is applied, the timeline entries it makes are stamped as coming by email
/// (a trigger reads this transaction setting); `None` stops the stamping.
fn stamp_events(conn: &mut PgConnection, inbound_id: Option<i64>) -> QueryResult<()> {
    diesel::sql_query("SELECT set_config('guichet.inbound_id', $1, true)")
        .bind::<diesel::sql_types::Text, _>(inbound_id.map(|i| i.to_string()).unwrap_or_default())
        .execute(conn)?;
    Ok(())
}

/// The first timeline entry a message made.
fn first_event(
    conn: &mut PgConnection,
    request: RequestId,
    after: i64,
) -> QueryResult<Option<EventId>> {
    request_events::table
        .filter(request_events::request_id.eq(request.0))
        .filter(request_events::id.gt(after))
        .order(request_events::id)
        .select(request_events::id)
        .first::<i64>(conn)
        .optional()
        .map(|e| e.map(EventId))
}

fn last_event_id(conn: &mut PgConnection) -> QueryResult<i64> {
    request_events::table
        .select(diesel::dsl::max(request_events::id))
        .first::<Option<i64>>(conn)
        .map(|v| v.unwrap_or(0))
}

/// A reply to a request, as the sender: the words become a comment (or the note of the one
/// status change, or the comment of an approval decision), each command applies on its own.
/// A command that is unknown or refused stays in the comment and is told to the sender; only a
/// sender who may not write to the request at all changes nothing.
#[allow(clippy::too_many_arguments)]
fn on_request(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    number: RequestNumber,
    m: &Inbound,
    reply: &Reply,
    inbound_id: i64,
) -> Result<Done, AppError> {
    let before = last_event_id(conn)?;
    stamp_events(conn, Some(inbound_id))?;
    let outcome = conn.transaction(|conn| apply(conn, intake, storage, me, number, m, reply));
    stamp_events(conn, None)?;
    match outcome {
        Ok(applied) => {
            let r = requests::by_number(conn, number.0)?;
            let mut done = if !applied.stored {
                // Nothing written, nothing attached: a short answer says so.
                let readable = reading::load(conn, me, number, false).ok().map(|(r, _)| r);
                let empty = [Refusal::plain("inbound-empty")];
                answer(conn, me, readable.as_ref(), m, &empty, false)?;
                Done::new("ignored", "empty")
            } else if applied.refusals.is_empty() {
                Done::new("applied", "")
            } else {
                answer(conn, me, Some(&r), m, &applied.refusals, true)?;
                let mut done = Done::new(
                    "applied",
                    if applied.commands_refused {
                        "command"
                    } else {
                        "attachment"
                    },
                );
                done.detail = details(&applied.refusals);
                done
            };
            done.request = Some(r.id);
            done.number = Some(r.number);
            done.event = first_event(conn, r.id, before)?;
            Ok(done)
        }
        Err(Failed::Error(e)) => Err(e),
        Err(Failed::Refused(refusals)) => {
            // Tell the sender what was refused, about the request only if they may read it.
            let readable = reading::load(conn, me, number, false).ok().map(|(r, _)| r);
            answer(conn, me, readable.as_ref(), m, &refusals, false)?;
            let mut done = Done::new(
                "refused",
                if refusals.iter().any(|r| r.why.key == "inbound-not-allowed") {
                    "forbidden"
                } else {
                    "command"
                },
            );
            done.detail = details(&refusals);
            done.request = readable.as_ref().map(|r| r.id);
            done.number = readable.map(|r| r.number);
            Ok(done)
        }
    }
}

/// What was not done, for the administrators' log (in French, the log's language).
fn details(refusals: &[Refusal]) -> String {
    refusals
        .iter()
        .map(|r| format!("{} : {}", r.what, i18n::msg(Locale::Fr, &r.why)))
        .collect::<Vec<_>>()
        .join("\n")
}

enum Failed {
    Refused(Vec<Refusal>),
    Error(AppError),
}

impl From<diesel::result::Error> for Failed {
    fn from(e: diesel::result::Error) -> Self {
        Failed::Error(e.into())
    }
}

fn refused(what: &str, e: AppError) -> Failed {
    match refusal(what, e) {
        Ok(r) => Failed::Refused(vec![r]),
        Err(e) => Failed::Error(e),
    }
}

/// What applying a reply did.
#[derive(Debug, Default)]
struct Applied {
    /// Something was added to the request (words, a change, a file).
    stored: bool,
    /// What was not done: commands, files left out.
    refusals: Vec<Refusal>,
    commands_refused: bool,
}

/// Applies a reply in the caller's transaction, each command in a savepoint of its own.
fn apply(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    number: RequestNumber,
    m: &Inbound,
    reply: &Reply,
) -> Result<Applied, Failed> {
    if reply.is_empty() && m.attachments.is_empty() {
        return Ok(Applied::default());
    }
    reading::join_by_reply(conn, me, number).map_err(|e| refused("", e))?;
    let (_, standing) = reading::load(conn, me, number, false).map_err(|e| refused("", e))?;
    let mut applied = Applied {
        stored: true,
        ..Applied::default()
    };
    // Command lines left in the words, because they were not applied.
    let mut kept: Vec<usize> = Vec::new();
    let refuse = |applied: &mut Applied, kept: &mut Vec<usize>, line: usize, why: Msg| {
        kept.push(line);
        applied.commands_refused = true;
        applied.refusals.push(Refusal {
            what: reply.lines[line].trim().to_string(),
            why,
        });
    };
    let mut internal = false;
    for (line, c) in &reply.commands {
        match c {
            Command::Internal if standing.staff => internal = true,
            Command::Internal => refuse(
                &mut applied,
                &mut kept,
                *line,
                Msg::new("inbound-internal-staff-only"),
            ),
            Command::Unknown(_) => refuse(
                &mut applied,
                &mut kept,
                *line,
                Msg::new("inbound-unknown-command"),
            ),
            _ => {}
        }
    }
    // With one status change or an approval decision, the words go with it (the resolution
    // note the requester reads, the approver's comment); not in an internal note.
    let moves = reply.commands.iter().filter(|(_, c)| c.moves()).count();
    let carrier = (!internal)
        .then(|| {
            reply
                .commands
                .iter()
                .position(|(_, c)| c.decides() || (moves == 1 && c.moves()))
        })
        .flatten();
    for (k, (line, c)) in reply.commands.iter().enumerate() {
        if Some(k) == carrier || matches!(c, Command::Internal | Command::Unknown(_)) {
            continue;
        }
        if let Err(why) = savepoint(conn, |conn| act(conn, intake, me, number, c, ""))? {
            refuse(&mut applied, &mut kept, *line, why);
        }
    }
    let dropped = if m.attachments.is_empty() {
        Vec::new()
    } else {
        attach_all(conn, intake, storage, me, number, m).map_err(|e| refused("", e))?
    };
    applied.refusals.extend(
        dropped
            .iter()
            .map(|d| d.refusal(me.locale, intake.max_attachment_bytes)),
    );
    let note = dropped_note(me.locale, &dropped, intake.max_attachment_bytes);
    let with_note = |words: String| match (words.is_empty(), note.is_empty()) {
        (_, true) => words,
        (true, false) => note.clone(),
        (false, false) => format!("{words}\n\n{note}"),
    };
    let mut words_used = false;
    if let Some(k) = carrier {
        let (line, c) = &reply.commands[k];
        let words = with_note(reply.body_keeping(&kept));
        match savepoint(conn, |conn| act(conn, intake, me, number, c, &words))? {
            Ok(()) => words_used = true,
            Err(why) => refuse(&mut applied, &mut kept, *line, why),
        }
    }
    let body = with_note(reply.body_keeping(&kept));
    if !words_used && !body.is_empty() {
        domain::comment(conn, me, number, CommentCmd { body, internal })
            .map_err(|e| refused("", e))?;
    }
    Ok(applied)
}

/// Runs one command in a savepoint: a refusal (its reason) rolls back that command alone.
fn savepoint(
    conn: &mut PgConnection,
    f: impl FnOnce(&mut PgConnection) -> Result<(), AppError>,
) -> Result<Result<(), Msg>, Failed> {
    match conn.transaction(f) {
        Ok(()) => Ok(Ok(())),
        Err(e) => refusal("", e).map(|r| Err(r.why)).map_err(Failed::Error),
    }
}

/// Carries out one command as the sender; `words` are the note of a status change or the
/// comment of an approval decision.
fn act(
    conn: &mut PgConnection,
    intake: &Intake,
    me: &CurrentUser,
    number: RequestNumber,
    c: &Command,
    words: &str,
) -> Result<(), AppError> {
    use crate::approvals::service::{self as approvals, Decision};
    match c {
        Command::Resolve | Command::Status(_) => {
            let r = requests::by_number(conn, number.0)?;
            let to = match c {
                Command::Status(name) => state_named(conn, &r, name)?,
                _ => state_of_kind(conn, &r, StateKind::Resolved)?
                    .ok_or_else(|| AppError::Rule(Msg::new("inbound-no-resolved-state")))?,
            };
            domain::transition(
                conn,
                me,
                number,
                domain::TransitionCmd {
                    to,
                    note: words.to_string(),
                },
                intake.reopen_days,
            )
        }
        Command::Assign(who) => assign(conn, me, number, who.as_deref()),
        Command::Priority(p) => domain::set_priority(conn, me, number, *p),
        Command::Approve => approvals::decide(conn, me, number, Decision::Approve, words),
        Command::Refuse(reason) => {
            let comment = if reason.is_empty() { words } else { reason };
            approvals::decide(conn, me, number, Decision::Refuse, comment)
        }
        Command::Internal | Command::Unknown(_) => Ok(()),
    }
}

/// The state of a kind the request can go to from where it is (else the workflow's first of
/// that kind, for the workflow to refuse with its own words).
fn state_of_kind(
    conn: &mut PgConnection,
    r: &Request,
    kind: StateKind,
) -> Result<Option<String>, AppError> {
    let wf = crate::workflow::queries::load(conn, r.workflow_id)?;
    let reachable = wf
        .transitions
        .iter()
        .filter(|t| t.from == r.status && !t.on_approval)
        .filter_map(|t| wf.state(&t.to))
        .find(|s| s.kind == kind);
    let any = wf.states.iter().find(|s| s.kind == kind);
    Ok(reachable.or(any).map(|s| s.code.clone()))
}

/// A state by its code or its French or English name (accents, case, `_` aside), else by what
/// the word means (`en cours`, `in progress`, `fermé`, `en attente`…: see `reply::status_kind`).
fn state_named(conn: &mut PgConnection, r: &Request, name: &str) -> Result<String, AppError> {
    let wf = crate::workflow::queries::load(conn, r.workflow_id)?;
    let norm = |s: &str| crate::automation::fold(s.trim()).replace(['_', '-'], " ");
    let wanted = norm(name);
    let named = wf.states.iter().find(|s| {
        norm(&s.code) == wanted || norm(&s.label_fr) == wanted || norm(&s.label_en) == wanted
    });
    if let Some(s) = named {
        return Ok(s.code.clone());
    }
    let by_kind = match reply::status_kind(name) {
        Some(kind) => state_of_kind(conn, r, kind)?,
        None => None,
    };
    by_kind.ok_or_else(|| AppError::Rule(Msg::new("inbound-unknown-status").arg("name", name)))
}

fn assign(
    conn: &mut PgConnection,
    me: &CurrentUser,
    number: RequestNumber,
    who: Option<&str>,
) -> Result<(), AppError> {
    let person = match who {
        None => me.id,
        Some(email) => sender(conn, email)?.map(|u| u.id).ok_or_else(|| {
            AppError::Rule(Msg::new("inbound-unknown-person").arg("email", email))
        })?,
    };
    let r = requests::by_number(conn, number.0)?;
    // Keep the team when the person is in it; else their team of the request's domain.
    let category = crate::catalog::queries::find(conn, r.category_id)?;
    let team = match r.team_id {
        Some(t) if people::is_team_member(conn, t, person)? => Some(t),
        _ => people::teams_of(conn, person)?
            .into_iter()
            .find(|(_, d)| *d == category.domain)
            .map(|(t, _)| t),
    };
    domain::assign(
        conn,
        me,
        number,
        domain::AssignCmd {
            team: Some(team.or(r.team_id)),
            assignee: Some(Some(person)),
        },
    )
}

/// A new request from a message that answers none.
fn open(
    conn: &mut PgConnection,
    intake: &Intake,
    storage: &Storage,
    me: &CurrentUser,
    m: &Inbound,
    inbound_id: i64,
) -> Result<Done, AppError> {
    let tagged = m
        .recipients
        .iter()
        .filter_map(|a| thread::address_tag(a))
        .find_map(|code| {
            crate::catalog::queries::by_code(conn, &code)
                .ok()
                .flatten()
                .filter(|c| c.active)
                .map(|c| c.code)
        });
    let Some(category) = tagged.or_else(|| intake.category.clone()) else {
        answer(
            conn,
            me,
            None,
            m,
            &[Refusal::plain("inbound-no-category")],
            false,
        )?;
        return Ok(Done::new("rejected", "no_category"));
    };
    let words = reply::new_words(&m.reply_text, &intake.own.addresses);
    let subject_title = thread::title_of(&m.subject);
    if subject_title.trim().is_empty() && words.trim().is_empty() && m.attachments.is_empty() {
        // Nothing to ask: no request, a short answer.
        answer(conn, me, None, m, &[Refusal::plain("inbound-empty")], false)?;
        return Ok(Done::new("ignored", "empty"));
    }
    let mut title = subject_title;
    if title.trim().is_empty() {
        title = words
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string();
    }
    if title.trim().is_empty() {
        title = i18n::tr(me.locale, "inbound-untitled", &[]);
    }
    let title = clip(title.trim(), domain::TITLE_MAX);
    let before = last_event_id(conn)?;
    let guest_unit = match &intake.unknown {
        Unknown::Triage(code) if me.roles.is_empty() => crate::units::queries::by_code(conn, code)
            .optional()?
            .map(|u| u.id),
        _ => None,
    };
    let cmd = NewRequestCmd {
        category: CategoryRef::Code(category),
        title,
        description: clip(&words, domain::TEXT_MAX),
        priority: None,
        unit: guest_unit,
        room: None,
        fields: serde_json::Map::new(),
        source: Source::Email,
    };
    stamp_events(conn, Some(inbound_id))?;
    let created = conn.transaction(|conn| {
        let r = match guest_unit {
            Some(_) => domain::create_scheduled(conn, me, cmd)?,
            None => domain::create(conn, me, cmd)?,
        };
        let dropped = attach_all(conn, intake, storage, me, r.number(), m)?;
        if !dropped.is_empty() {
            domain::comment(
                conn,
                me,
                r.number(),
                CommentCmd {
                    body: dropped_note(me.locale, &dropped, intake.max_attachment_bytes),
                    internal: false,
                },
            )?;
        }
        Ok::<_, AppError>((r, dropped))
    });
    stamp_events(conn, None)?;
    match created {
        Ok((r, dropped)) => {
            let problems: Vec<Refusal> = dropped
                .iter()
                .map(|d| d.refusal(me.locale, intake.max_attachment_bytes))
                .collect();
            // The acknowledgement answers the message and names the files left out; without
            // one (the requester is not told of new requests), a short answer does.
            let told = crate::notify::annotate_acknowledgement(
                conn,
                r.id,
                me.id,
                json!({
                    "answers": m.message_id.clone().unwrap_or_default(),
                    "problems": problem_lines(me.locale, &problems),
                }),
            )?;
            if !told && !problems.is_empty() {
                answer(conn, me, Some(&r), m, &problems, true)?;
            }
            let mut done = Done::new(
                "created",
                if dropped.is_empty() { "" } else { "attachment" },
            );
            done.detail = details(&problems);
            done.request = Some(r.id);
            done.number = Some(r.number);
            done.event = first_event(conn, r.id, before)?;
            Ok(done)
        }
        Err(e) => {
            let refusal = refusal("", e)?;
            let refusal = if matches!(&refusal.why.key[..], "field-required" | "field-choice") {
                Refusal::plain("inbound-use-form")
            } else {
                refusal
            };
            answer(conn, me, None, m, &[refusal], false)?;
            Ok(Done::new("refused", "invalid"))
        }
    }
}

impl Refusal {
    /// A refusal of the whole message, with no line to name.
    fn plain(key: &str) -> Refusal {
        Refusal {
            what: String::new(),
            why: Msg::new(key),
        }
    }
}

fn problem_lines(locale: Locale, refusals: &[Refusal]) -> Vec<Value> {
    refusals
        .iter()
        .map(|r| json!({ "what": r.what, "why": i18n::msg(locale, &r.why) }))
        .collect()
}

/// Tells the sender, in their language, in answer to their message, what was not done and why;
/// `stored` says their message was kept all the same (on `request`).
fn answer(
    conn: &mut PgConnection,
    me: &CurrentUser,
    request: Option<&Request>,
    m: &Inbound,
    refusals: &[Refusal],
    stored: bool,
) -> QueryResult<()> {
    crate::notify::queue_to_address(
        conn,
        &me.email,
        Some(me.id),
        me.locale,
        &Notice {
            template: "inbound_refused",
            request: request.map(|r| r.id),
            event: None,
            payload: json!({
                "subject": m.subject,
                "problems": problem_lines(me.locale, refusals),
                "stored": stored,
                "answers": m.message_id.clone().unwrap_or_default(),
            }),
        },
    )?;
    Ok(())
}

/// A polite answer to an unknown address, at most once a day per address (a forged sender
/// must not turn Guichet into a mail cannon).
fn answer_stranger(conn: &mut PgConnection, email: &str, m: &Inbound) -> QueryResult<()> {
    let recent: i64 = outbox::table
        .filter(outbox::recipient.eq(email))
        .filter(outbox::template.eq("inbound_unknown"))
        .filter(outbox::created_at.gt(Utc::now() - chrono::Duration::days(1)))
        .count()
        .get_result(conn)?;
    if recent > 0 {
        return Ok(());
    }
    crate::notify::queue_to_address(
        conn,
        email,
        None,
        Locale::Fr,
        &Notice {
            template: "inbound_unknown",
            request: None,
            event: None,
            payload: json!({
                "subject": m.subject,
                "answers": m.message_id.clone().unwrap_or_default(),
            }),
        },
    )?;
    Ok(())
}

/// A message as the request page shows it: the full text of an email a timeline entry came
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
        let row: (i64, String, String, DateTime<Utc>, String, Option<i64>) =
            inbound_messages::table
                .find(id)
                .filter(inbound_messages::request_id.eq(r.id.0))
                .select((
                    inbound_messages::id,
                    inbound_messages::sender,
                    inbound_messages::subject,
                    inbound_messages::received_at,
                    inbound_messages::full_text,
                    inbound_messages::event_id,
                ))
                .first(conn)?;
        // A message that became an internal note is staff-only, like the note.
        let internal: bool = match row.5 {
            Some(ev) => request_events::table
                .find(ev)
                .select(request_events::internal)
                .first(conn)?,
            None => false,
        };
        if internal && !standing.staff {
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
            id: row.0,
            sender: row.1,
            subject: row.2,
            received_at: row.3,
            full_text: row.4,
        })
    })
}
