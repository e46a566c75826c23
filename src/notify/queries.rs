//! What the mail administration reads of the outbox and of the addresses mail no longer goes to.

use crate::db::schema::{outbox, requests, undeliverable_addresses};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

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
