//! The messages received: what the pipeline records and reads back, and what the mail
//! administration reads.

use crate::db::schema::{
    address_bounces, inbound_messages, outbox, request_events, requests, undeliverable_addresses,
    user_email_aliases,
};
use crate::db::{EventId, RequestId, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// One message received, what became of it, and the number of the request it went to.
#[derive(Debug, Clone, Queryable)]
pub struct Received {
    pub id: i64,
    pub channel: String,
    pub received_at: DateTime<Utc>,
    pub sender: String,
    pub subject: String,
    pub outcome: String,
    pub reason: String,
    pub detail: String,
    pub number: Option<i64>,
}

/// The latest messages received, newest first.
pub fn received(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<Received>> {
    inbound_messages::table
        .left_join(requests::table.on(requests::id.nullable().eq(inbound_messages::request_id)))
        .order(inbound_messages::id.desc())
        .limit(limit)
        .select((
            inbound_messages::id,
            inbound_messages::channel,
            inbound_messages::received_at,
            inbound_messages::sender,
            inbound_messages::subject,
            inbound_messages::outcome,
            inbound_messages::reason,
            inbound_messages::detail,
            requests::number.nullable(),
        ))
        .load(conn)
}

/// A message as the pipeline reads it back.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inbound_messages)]
pub struct Row {
    pub id: i64,
    pub content_hash: String,
    pub outcome: String,
    pub reason: String,
    pub request_id: Option<i64>,
}

/// A message as it arrives, before anything is made of it.
#[derive(Debug, Insertable)]
#[diesel(table_name = inbound_messages)]
pub struct NewMessage<'a> {
    pub message_id: Option<&'a str>,
    pub content_hash: &'a str,
    pub size_bytes: i64,
    pub channel: &'a str,
    pub sender: String,
    pub subject: String,
}

/// Records a message; `None` when the same one (by Message-ID) came before.
pub fn record(conn: &mut PgConnection, m: &NewMessage) -> QueryResult<Option<i64>> {
    diesel::insert_into(inbound_messages::table)
        .values(m)
        .on_conflict_do_nothing()
        .returning(inbound_messages::id)
        .get_result(conn)
        .optional()
}

/// The message that came before: by Message-ID, else (without one) by content.
pub fn earlier(conn: &mut PgConnection, message_id: Option<&str>, hash: &str) -> QueryResult<Row> {
    let q = inbound_messages::table.select(Row::as_select());
    match message_id {
        Some(mid) => q.filter(inbound_messages::message_id.eq(mid)).first(conn),
        None => q
            .filter(inbound_messages::content_hash.eq(hash))
            .filter(inbound_messages::message_id.is_null())
            .first(conn),
    }
}

/// Messages recorded before `older_than` and not processed, oldest first.
pub fn pending(
    conn: &mut PgConnection,
    older_than: DateTime<Utc>,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    inbound_messages::table
        .filter(inbound_messages::outcome.eq("received"))
        .filter(inbound_messages::received_at.lt(older_than))
        .order(inbound_messages::id)
        .limit(limit)
        .select(inbound_messages::id)
        .load(conn)
}

pub fn row(conn: &mut PgConnection, id: i64) -> QueryResult<Row> {
    inbound_messages::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
}

/// The message, locked, if it is still waiting to be processed (and no one else holds it).
pub fn lock_received(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Row>> {
    inbound_messages::table
        .find(id)
        .filter(inbound_messages::outcome.eq("received"))
        .for_update()
        .skip_locked()
        .select(Row::as_select())
        .first(conn)
        .optional()
}

/// What became of a message, as recorded.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = inbound_messages, treat_none_as_null = true)]
pub struct Outcome<'a> {
    pub outcome: &'a str,
    pub reason: &'a str,
    pub detail: String,
    pub user_id: Option<i64>,
    pub request_id: Option<i64>,
    pub event_id: Option<i64>,
    pub full_text: String,
    pub processed_at: DateTime<Utc>,
}

pub fn set_outcome(conn: &mut PgConnection, id: i64, o: &Outcome) -> QueryResult<usize> {
    diesel::update(inbound_messages::table.find(id))
        .set(o)
        .execute(conn)
}

/// Marks a message still waiting as refused for a malformed content (`detail` the cause).
pub fn refuse_malformed(conn: &mut PgConnection, id: i64, detail: &str) -> QueryResult<usize> {
    diesel::update(inbound_messages::table.find(id))
        .filter(inbound_messages::outcome.eq("received"))
        .set((
            inbound_messages::outcome.eq("refused"),
            inbound_messages::reason.eq("malformed"),
            inbound_messages::detail.eq(detail),
            inbound_messages::processed_at.eq(Utc::now()),
        ))
        .execute(conn)
}

/// The person an address is an alias of.
pub fn alias_owner(conn: &mut PgConnection, email: &str) -> QueryResult<Option<UserId>> {
    user_email_aliases::table
        .find(email)
        .select(user_email_aliases::user_id)
        .first(conn)
        .optional()
        .map(|id| id.map(UserId))
}

/// Records a permanent failure of an address (once per message); returns how many messages
/// bounced for it since `since`.
pub fn record_bounce(
    conn: &mut PgConnection,
    email: &str,
    inbound_id: i64,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    diesel::insert_into(address_bounces::table)
        .values((
            address_bounces::email.eq(email),
            address_bounces::inbound_id.eq(inbound_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    address_bounces::table
        .filter(address_bounces::email.eq(email))
        .filter(address_bounces::bounced_at.gt(since))
        .count()
        .get_result(conn)
}

/// No mail goes to this address any more.
pub fn mark_undeliverable(
    conn: &mut PgConnection,
    email: &str,
    inbound_id: i64,
) -> QueryResult<()> {
    diesel::insert_into(undeliverable_addresses::table)
        .values((
            undeliverable_addresses::email.eq(email),
            undeliverable_addresses::reason.eq("bounce"),
            undeliverable_addresses::inbound_id.eq(inbound_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// The request of a message we sent (`<id>` as the outbox keeps them) or received (bare ids)
/// among these Message-IDs.
pub fn request_of_message_ids(
    conn: &mut PgConnection,
    refs: &[String],
) -> QueryResult<Option<RequestId>> {
    let bracketed: Vec<String> = refs.iter().map(|r| format!("<{r}>")).collect();
    let sent: Option<Option<i64>> = outbox::table
        .filter(outbox::message_id.eq_any(&bracketed))
        .filter(outbox::request_id.is_not_null())
        .select(outbox::request_id)
        .first(conn)
        .optional()?;
    let id = match sent.flatten() {
        Some(id) => Some(id),
        None => inbound_messages::table
            .filter(inbound_messages::message_id.eq_any(refs))
            .filter(inbound_messages::request_id.is_not_null())
            .select(inbound_messages::request_id)
            .first::<Option<i64>>(conn)
            .optional()?
            .flatten(),
    };
    Ok(id.map(RequestId))
}

/// While a message is applied, the timeline entries it makes are stamped as coming by email
/// (a trigger reads this transaction setting); `None` stops the stamping.
pub fn stamp_events(conn: &mut PgConnection, inbound_id: Option<i64>) -> QueryResult<()> {
    diesel::sql_query("SELECT set_config('guichet.inbound_id', $1, true)")
        .bind::<diesel::sql_types::Text, _>(inbound_id.map(|i| i.to_string()).unwrap_or_default())
        .execute(conn)?;
    Ok(())
}

/// The first timeline entry of a request after the entry `after`.
pub fn first_event(
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

/// The latest timeline entry of all.
pub fn last_event_id(conn: &mut PgConnection) -> QueryResult<i64> {
    request_events::table
        .select(diesel::dsl::max(request_events::id))
        .first::<Option<i64>>(conn)
        .map(|v| v.unwrap_or(0))
}

/// Whether an address was sent a given template since `since`.
pub fn sent_since(
    conn: &mut PgConnection,
    email: &str,
    template: &str,
    since: DateTime<Utc>,
) -> QueryResult<bool> {
    let n: i64 = outbox::table
        .filter(outbox::recipient.eq(email))
        .filter(outbox::template.eq(template))
        .filter(outbox::created_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A message of a request as its page shows it, and whether the entry it made is internal.
#[derive(Debug, Clone, Queryable)]
pub struct Mail {
    pub id: i64,
    pub sender: String,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    pub full_text: String,
    pub internal: Option<bool>,
}

pub fn mail_of(conn: &mut PgConnection, request: RequestId, id: i64) -> QueryResult<Mail> {
    inbound_messages::table
        .left_join(
            request_events::table.on(request_events::id.nullable().eq(inbound_messages::event_id)),
        )
        .filter(inbound_messages::id.eq(id))
        .filter(inbound_messages::request_id.eq(request.0))
        .select((
            inbound_messages::id,
            inbound_messages::sender,
            inbound_messages::subject,
            inbound_messages::received_at,
            inbound_messages::full_text,
            request_events::internal.nullable(),
        ))
        .first(conn)
}
