//! The outbox (messages claimed, sent, failed, digested, sent again) and the addresses mail no
//! longer goes to.

use crate::db::schema::{outbox, requests, undeliverable_addresses};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

/// Addresses no mail may go to any more (a permanent bounce), for the mailer.
pub fn undeliverable(conn: &mut PgConnection, emails: &[String]) -> QueryResult<Vec<String>> {
    undeliverable_addresses::table
        .filter(undeliverable_addresses::email.eq_any(emails))
        .select(undeliverable_addresses::email)
        .load(conn)
}

/// Records messages delivered at `at`, in one statement: (outbox id, Message-ID, subject).
pub fn mark_sent(
    conn: &mut PgConnection,
    sent: &[(i64, String, String)],
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    use diesel::sql_types::{Array, BigInt, Text, Timestamptz};
    if sent.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = sent.iter().map(|s| s.0).collect();
    let message_ids: Vec<&str> = sent.iter().map(|s| s.1.as_str()).collect();
    let subjects: Vec<&str> = sent.iter().map(|s| s.2.as_str()).collect();
    diesel::sql_query(
        "UPDATE outbox o SET sent_at = $4, message_id = v.message_id, subject = v.subject,
                attempts = o.attempts + 1, last_error = NULL
           FROM unnest($1, $2, $3) AS v(id, message_id, subject)
          WHERE o.id = v.id",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<Text>, _>(message_ids)
    .bind::<Array<Text>, _>(subjects)
    .bind::<Timestamptz, _>(at)
    .execute(conn)
}

/// A message the sender gave up on (its last error and how many times it tried).
#[derive(Debug, Clone, Queryable)]
pub struct Failed {
    pub id: i64,
    pub recipient: String,
    pub template: String,
    pub number: Option<i64>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub failed_at: Option<DateTime<Utc>>,
}

/// The latest messages that could not be sent, newest first.
pub fn failed(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<Failed>> {
    outbox::table
        .left_join(requests::table.on(requests::id.nullable().eq(outbox::request_id)))
        .filter(outbox::failed_at.is_not_null())
        .order(outbox::failed_at.desc())
        .limit(limit)
        .select((
            outbox::id,
            outbox::recipient,
            outbox::template,
            requests::number.nullable(),
            outbox::attempts,
            outbox::last_error,
            outbox::failed_at,
        ))
        .load(conn)
}

/// Every address a permanent bounce marked, newest first.
pub fn undeliverable_list(conn: &mut PgConnection) -> QueryResult<Vec<(String, DateTime<Utc>)>> {
    undeliverable_addresses::table
        .order(undeliverable_addresses::marked_at.desc())
        .select((
            undeliverable_addresses::email,
            undeliverable_addresses::marked_at,
        ))
        .load(conn)
}

/// Marks the rows a digest carried.
pub fn mark_digested(conn: &mut PgConnection, ids: &[i64], digest: i64) -> QueryResult<usize> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::digested_into.eq(digest),
            outbox::sent_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Row {
    pub id: i64,
    pub recipient_id: Option<i64>,
    pub recipient: String,
    pub template: String,
    pub locale: String,
    pub request_id: Option<i64>,
    pub payload: Value,
    pub attempts: i32,
}

/// A digest row waiting: `(id, recipient id, recipient, locale, template, request, payload)`.
pub type DigestRow = (i64, Option<i64>, String, String, String, Option<i64>, Value);

/// Claims up to `limit` messages due (locked until their outcome is written; other servers
/// skip them).
pub fn claim_due(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<Row>> {
    outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .filter(outbox::digest.eq(false))
        .filter(outbox::next_try_at.le(Utc::now()))
        .order(outbox::id)
        .limit(limit)
        .for_update()
        .skip_locked()
        .select(Row::as_select())
        .load(conn)
}

/// A failed attempt: tried again at `next`, or given up (`failed`).
pub fn mark_failed(
    conn: &mut PgConnection,
    id: i64,
    attempts: i32,
    error: &str,
    next: DateTime<Utc>,
    failed: Option<DateTime<Utc>>,
) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::last_error.eq(error),
            outbox::next_try_at.eq(next),
            outbox::failed_at.eq(failed),
        ))
        .execute(conn)
}

/// Claims the digest rows waiting, by recipient.
pub fn claim_digest_rows(conn: &mut PgConnection) -> QueryResult<Vec<DigestRow>> {
    outbox::table
        .filter(outbox::digest.eq(true))
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
        .order((outbox::recipient_id, outbox::id))
        .for_update()
        .skip_locked()
        .select((
            outbox::id,
            outbox::recipient_id,
            outbox::recipient,
            outbox::locale,
            outbox::template,
            outbox::request_id,
            outbox::payload,
        ))
        .load(conn)
}

/// The digest message of a person, queued.
pub fn insert_digest(
    conn: &mut PgConnection,
    who: Option<i64>,
    recipient: &str,
    locale: &str,
    payload: Value,
) -> QueryResult<i64> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::recipient_id.eq(who),
            outbox::recipient.eq(recipient),
            outbox::template.eq("digest"),
            outbox::locale.eq(locale),
            outbox::payload.eq(payload),
        ))
        .returning(outbox::id)
        .get_result(conn)
}

/// Puts a failed message back in the queue (an administrator's « Renvoyer »).
pub fn resend(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::failed_at.is_not_null()),
    )
    .set((
        outbox::failed_at.eq(None::<DateTime<Utc>>),
        outbox::attempts.eq(0),
        outbox::next_try_at.eq(Utc::now()),
    ))
    .execute(conn)
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutbox {
    pub recipient_id: Option<i64>,
    pub recipient: String,
    pub template: String,
    pub locale: String,
    pub request_id: Option<i64>,
    pub payload: serde_json::Value,
    pub event_id: Option<i64>,
    pub digest: bool,
}

pub fn insert_outbox(conn: &mut PgConnection, rows: &[NewOutbox]) -> QueryResult<usize> {
    diesel::insert_into(outbox::table)
        .values(rows)
        .execute(conn)
}

/// Adds `extra` to the payload of the requester's acknowledgement of a new request, if it is
/// still waiting and not in a digest.
pub fn annotate_acknowledgement(
    conn: &mut PgConnection,
    request: crate::db::RequestId,
    requester: crate::db::UserId,
    extra: Value,
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE outbox SET payload = payload || $1 \
         WHERE request_id = $2 AND recipient_id = $3 AND template = 'request_created' \
           AND sent_at IS NULL AND NOT digest",
    )
    .bind::<diesel::sql_types::Jsonb, _>(extra)
    .bind::<diesel::sql_types::BigInt, _>(request.0)
    .bind::<diesel::sql_types::BigInt, _>(requester.0)
    .execute(conn)
}

/// Who may hear of a request: whether its category is confidential, the category's group, the
/// requester and the team.
pub fn confidentiality(
    conn: &mut PgConnection,
    request: crate::db::RequestId,
) -> QueryResult<(
    bool,
    Option<crate::db::GroupId>,
    crate::db::UserId,
    Option<crate::db::TeamId>,
)> {
    use crate::db::schema::categories;
    requests::table
        .inner_join(categories::table)
        .filter(requests::id.eq(request))
        .select((
            categories::confidential,
            categories::approval_group_id,
            requests::requester_id,
            requests::team_id,
        ))
        .first(conn)
}

pub fn clear_undeliverable(conn: &mut PgConnection, email: &str) -> QueryResult<usize> {
    diesel::delete(undeliverable_addresses::table.find(email)).execute(conn)
}
