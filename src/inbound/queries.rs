//! What the mail administration reads of the messages received.

use crate::db::schema::{inbound_messages, requests};
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
