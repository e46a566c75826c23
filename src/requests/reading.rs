//! A request as a person reads it: its facts for the access rule (`access`), their standing,
//! and "not found" when they may not read it — the one way handlers and services load a request
//! for someone. Also who may join a request by answering its mail.

use super::access::{standing, RequestFacts, Standing};
use super::model::{Request, RequestNumber};
use super::queries;
use crate::audit;
use crate::auth::CurrentUser;
use crate::error::AppError;
use diesel::prelude::*;
use serde_json::json;

/// The facts of a request for a person.
pub fn facts(
    conn: &mut PgConnection,
    user: &CurrentUser,
    r: &Request,
) -> QueryResult<RequestFacts> {
    let (confidential, category_group) = queries::category_access(conn, r.category_id)?;
    Ok(RequestFacts {
        requester: r.requester_id,
        unit: r.unit_id,
        domain: r.domain,
        team: r.team_id,
        confidential,
        category_group,
        watching: queries::is_watcher(conn, r.id, user.id)?,
        approving: queries::is_group_approver(conn, r.id, &user.groups)?,
    })
}

/// Loads a request the person may read (locked when `for_update`), with their standing.
/// A request they may not read is reported as not found, so numbers reveal nothing.
pub fn load(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    for_update: bool,
) -> Result<(Request, Standing), AppError> {
    let r = if for_update {
        queries::by_number_for_update(conn, number.0)?
    } else {
        queries::by_number(conn, number.0)?
    };
    let standing = standing(user, &facts(conn, user, &r)?);
    if !standing.can_read {
        return Err(AppError::NotFound);
    }
    Ok((r, standing))
}

/// A colleague of the requester's unit (any role there), on a request that is not confidential.
fn colleague(user: &CurrentUser, r: &Request, f: &RequestFacts) -> bool {
    !f.confidential && user.roles.iter().any(|(unit, _)| *unit == r.unit_id)
}

/// Someone answering a request's notification by email joins it as a watcher, so they hear
/// what follows: a known person the request was forwarded to who may read it, or a colleague
/// of the requester's unit (any role there) when the category is not confidential. The
/// requester's side, the staff and people already in copy are parties already. Anyone else is
/// told the request is not found. Runs in the caller's transaction.
pub fn join_by_reply(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
) -> Result<(), AppError> {
    let r = queries::by_number_for_update(conn, number.0)?;
    let f = facts(conn, user, &r)?;
    let standing = standing(user, &f);
    if standing.staff || standing.requester_side || f.watching {
        return Ok(());
    }
    if !standing.can_read && !colleague(user, &r, &f) {
        return Err(AppError::NotFound);
    }
    if queries::add_watcher(conn, r.id, user.id)? > 0 {
        audit::record(
            conn,
            &user.origin(),
            "request.watcher_add",
            "request",
            r.number(),
            json!({ "user_id": user.id, "by": "email_reply" }),
        )?;
    }
    Ok(())
}

/// Whether a person may write to a request by email (see `join_by_reply`), without changing
/// anything.
pub fn may_write_by_reply(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
) -> Result<bool, AppError> {
    let r = match queries::by_number(conn, number.0) {
        Ok(r) => r,
        Err(diesel::result::Error::NotFound) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let f = facts(conn, user, &r)?;
    Ok(standing(user, &f).can_read || colleague(user, &r, &f))
}
