//! The keys of the API's idempotent POSTs and the responses kept for them.

use crate::db::schema::api_idempotency as k;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// What a key's first call left.
#[derive(Queryable)]
pub struct Kept {
    pub request_hash: String,
    pub status: Option<i16>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Option<Vec<u8>>,
}

/// Forgets this key if it was first used before `before`.
pub fn forget_expired(
    conn: &mut PgConnection,
    key: &str,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(k::table.filter(k::key_hash.eq(key)))
        .filter(k::created_at.lt(before))
        .execute(conn)
}

/// Claims the key for this call (1), or finds it taken (0).
pub fn insert(conn: &mut PgConnection, key: &str, request: &str) -> QueryResult<usize> {
    diesel::insert_into(k::table)
        .values((k::key_hash.eq(key), k::request_hash.eq(request)))
        .on_conflict_do_nothing()
        .execute(conn)
}

pub fn kept(conn: &mut PgConnection, key: &str) -> QueryResult<Kept> {
    k::table
        .find(key)
        .select((
            k::request_hash,
            k::status,
            k::content_type,
            k::location,
            k::body,
        ))
        .first(conn)
}

/// Frees a key whose call failed (nothing was written).
pub fn release(conn: &mut PgConnection, key: &str) -> QueryResult<usize> {
    diesel::delete(k::table.find(key))
        .filter(k::status.is_null())
        .execute(conn)
}

/// Keeps a call's response: `(status, content type, location, body)`.
pub fn store(
    conn: &mut PgConnection,
    key: &str,
    (status, content_type, location, body): (i16, Option<String>, Option<String>, Vec<u8>),
) -> QueryResult<usize> {
    diesel::update(k::table.find(key))
        .set((
            k::status.eq(Some(status)),
            k::content_type.eq(content_type),
            k::location.eq(location),
            k::body.eq(Some(body)),
        ))
        .execute(conn)
}

pub fn purge(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(k::table.filter(k::created_at.lt(before))).execute(conn)
}
