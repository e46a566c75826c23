//! The sign-ins under way (state, PKCE verifier, nonce), each used once.

use crate::db::schema::oidc_logins;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// Forgets the sign-ins begun before `since` (abandoned).
pub fn forget_before(conn: &mut PgConnection, since: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(oidc_logins::table.filter(oidc_logins::created_at.lt(since))).execute(conn)
}

/// Keeps a sign-in begun: its `(state, verifier, nonce)` and where to go after.
pub fn keep(
    conn: &mut PgConnection,
    (state, verifier, nonce): (&str, &str, &str),
    next: &str,
) -> QueryResult<usize> {
    diesel::insert_into(oidc_logins::table)
        .values((
            oidc_logins::state.eq(state),
            oidc_logins::verifier.eq(verifier),
            oidc_logins::nonce.eq(nonce),
            oidc_logins::next.eq(next),
        ))
        .execute(conn)
}

/// The sign-in under way for this state begun since `since`, deleted as it is read:
/// `(verifier, nonce, next)`.
pub fn take(
    conn: &mut PgConnection,
    state: &str,
    since: DateTime<Utc>,
) -> QueryResult<Option<(String, String, String)>> {
    diesel::delete(
        oidc_logins::table
            .filter(oidc_logins::state.eq(state))
            .filter(oidc_logins::created_at.ge(since)),
    )
    .returning((oidc_logins::verifier, oidc_logins::nonce, oidc_logins::next))
    .get_result(conn)
    .optional()
}
