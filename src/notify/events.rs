//! Who hears about what happens to a request. Each function runs in the transaction of the
//! change and queues one message per recipient: never to the person who acted (except the
//! acknowledgement of their own request), never an internal note to the requester's side.

use super::{queue, Notice};
use crate::db::{EventId, UserId};
use crate::requests::model::Request;
use crate::users::model::User;
use crate::workflow::{State, StateKind};
use diesel::prelude::*;
use serde_json::json;

fn people(
    conn: &mut PgConnection,
    ids: Vec<UserId>,
    actor: Option<UserId>,
) -> QueryResult<Vec<User>> {
    let ids: Vec<UserId> = ids.into_iter().filter(|i| Some(*i) != actor).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = crate::users::queries::by_ids(conn, &ids)?;
    found.sort_by_key(|u| u.id);
    Ok(found)
}

fn watchers(conn: &mut PgConnection, r: &Request) -> QueryResult<Vec<UserId>> {
    crate::requests::queries::watchers(conn, r.id)
}

fn team(conn: &mut PgConnection, r: &Request) -> QueryResult<Vec<UserId>> {
    match r.team_id {
        Some(t) => crate::users::queries::team_member_ids(conn, t),
        None => Ok(Vec::new()),
    }
}

fn notice<'a>(
    template: &'a str,
    r: &Request,
    event: EventId,
    payload: serde_json::Value,
) -> Notice<'a> {
    Notice {
        template,
        request: Some(r.id),
        event: Some(event),
        payload,
    }
}

/// A new request: the acknowledgement to the requester (what happens next), and its team.
pub fn created(
    conn: &mut PgConnection,
    r: &Request,
    actor: UserId,
    event: EventId,
) -> QueryResult<()> {
    // The requester and the team (but the person who wrote it), read at once.
    let team_ids: Vec<UserId> = team(conn, r)?
        .into_iter()
        .filter(|id| *id != actor)
        .collect();
    let mut ids = team_ids.clone();
    ids.push(r.requester_id);
    let everyone = people(conn, ids, None)?;
    let requester: Vec<User> = everyone
        .iter()
        .filter(|u| u.id == r.requester_id)
        .cloned()
        .collect();
    let team: Vec<User> = everyone
        .into_iter()
        .filter(|u| team_ids.contains(&u.id))
        .collect();
    crate::notify::queue_all(
        conn,
        &[
            (&requester, &notice("request_created", r, event, json!({}))),
            (&team, &notice("request_for_team", r, event, json!({}))),
        ],
    )?;
    Ok(())
}

/// The request is now someone's: tell them.
pub fn assigned(
    conn: &mut PgConnection,
    r: &Request,
    assignee: Option<UserId>,
    actor: Option<UserId>,
    event: EventId,
) -> QueryResult<()> {
    let Some(a) = assignee else { return Ok(()) };
    let to = people(conn, vec![a], actor)?;
    queue(conn, &to, &notice("assigned", r, event, json!({})))?;
    Ok(())
}

/// A comment: a staff member's public comment goes to the requester and the people in copy;
/// a comment from the requester's side or a person in copy goes to the assignee (or the team),
/// the requester and the people in copy. An internal note goes to the assignee only.
pub fn commented(
    conn: &mut PgConnection,
    r: &Request,
    actor: UserId,
    by_staff: bool,
    internal: bool,
    body: &str,
    event: EventId,
) -> QueryResult<()> {
    let mut ids = Vec::new();
    if internal {
        ids.extend(r.assignee_id);
    } else {
        // The requester hears every public word but their own (the actor is left out below).
        ids.push(r.requester_id);
        if !by_staff {
            match r.assignee_id {
                Some(a) => ids.push(a),
                None => ids.extend(team(conn, r)?),
            }
        }
        ids.extend(watchers(conn, r)?);
    }
    let to = people(conn, ids, Some(actor))?;
    let template = if internal { "internal_note" } else { "comment" };
    queue(
        conn,
        &to,
        &notice(template, r, event, json!({ "body": body })),
    )?;
    Ok(())
}

/// A status the requester must hear about: waiting for them, resolved, closed or cancelled,
/// with how to answer or reopen.
pub fn status_changed(
    conn: &mut PgConnection,
    r: &Request,
    to: &State,
    actor: Option<UserId>,
    note: &str,
    event: EventId,
) -> QueryResult<()> {
    if !matches!(
        to.kind,
        StateKind::Pending | StateKind::Resolved | StateKind::Closed | StateKind::Cancelled
    ) {
        return Ok(());
    }
    let payload = json!({ "to": to.code, "to_kind": to.kind, "note": note });
    // The requester of a resolved request is asked to rate it, with one click (signed links).
    let mut ids = Vec::new();
    if to.kind == StateKind::Resolved {
        let key = crate::signing::instance_key(conn)?;
        let mut asked = payload.clone();
        asked["rate"] = json!(crate::signing::rating_token(&key, r.number));
        let requester = people(conn, vec![r.requester_id], actor)?;
        queue(conn, &requester, &notice("status_changed", r, event, asked))?;
    } else {
        ids.push(r.requester_id);
    }
    ids.extend(watchers(conn, r)?);
    ids.retain(|i| *i != r.requester_id || to.kind != StateKind::Resolved);
    let people = people(conn, ids, actor)?;
    queue(conn, &people, &notice("status_changed", r, event, payload))?;
    Ok(())
}

/// A trip is confirmed with a carrier: the requester and the people in copy get the carrier and
/// the times.
pub fn trip_confirmed(
    conn: &mut PgConnection,
    r: &Request,
    actor: UserId,
    event: EventId,
    payload: serde_json::Value,
) -> QueryResult<()> {
    let mut ids = vec![r.requester_id];
    ids.extend(watchers(conn, r)?);
    let people = people(conn, ids, Some(actor))?;
    queue(conn, &people, &notice("trip_confirmed", r, event, payload))?;
    Ok(())
}
