//! Outgoing notifications: rows written to the outbox in the transaction of the change that
//! causes them (`queue`, and `events` for who hears about what), then rendered (`render`) and
//! sent (`mailer`) by a job that claims them, retries and reports failures.

use crate::auth::CurrentUser;
use crate::db::{EventId, RequestId, TeamId, UserId};
use crate::error::AppError;
use crate::users::model::{Domain, Role, User};
use crate::users::queries as users;
use diesel::prelude::*;
use queries::NewOutbox;
use serde_json::json;
use std::collections::hash_map::Entry;

pub mod events;
pub mod mailer;
pub mod pages;
pub mod queries;
pub mod render;

/// Templates that always go, at once: a person may turn off the others or receive them in a
/// daily digest, never these.
pub const ESSENTIAL: &[&str] = &[
    "approval_needed",
    "approval_given",
    "approval_refused",
    "sla_breach",
    "loan_reminder",
    "loan_overdue",
    "loan_escalated",
    "loan_missing",
    "loan_approval_needed",
    "trip_confirmed",
];

/// What to tell: a template, the request and timeline event it is about, and the values the
/// template needs beyond the request itself.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    pub template: &'a str,
    pub request: Option<RequestId>,
    pub event: Option<EventId>,
    pub payload: serde_json::Value,
}

/// Queues one message per person (each in their language), once each, as their preferences
/// say: inactive accounts get nothing, non-essential messages may be off or wait for the digest.
pub fn queue(conn: &mut PgConnection, people: &[User], notice: &Notice) -> QueryResult<usize> {
    queue_all(conn, &[(people, notice)])
}

/// Queues several notices as [`queue`] does each, in one statement; who may hear of a request is
/// read once per request.
pub fn queue_all(conn: &mut PgConnection, notices: &[(&[User], &Notice)]) -> QueryResult<usize> {
    let mut readers: Vec<(RequestId, Option<Vec<UserId>>)> = Vec::new();
    let mut rows: Vec<NewOutbox> = Vec::new();
    for (people, notice) in notices {
        let essential = ESSENTIAL.contains(&notice.template);
        let allowed = match notice.request {
            Some(r) => {
                if !readers.iter().any(|(id, _)| *id == r) {
                    readers.push((r, confidential_readers(conn, r)?));
                }
                readers
                    .iter()
                    .find(|(id, _)| *id == r)
                    .and_then(|(_, ids)| ids.as_ref())
            }
            None => None,
        };
        let mut seen = Vec::new();
        rows.extend(
            people
                .iter()
                .filter(|u| allowed.is_none_or(|ids| ids.contains(&u.id)))
                .filter(|u| u.active && (essential || u.notify_optional))
                .filter(|u| {
                    let first = !seen.contains(&u.id);
                    seen.push(u.id);
                    first
                })
                .map(|u| NewOutbox {
                    recipient_id: Some(u.id.0),
                    recipient: u.email.clone(),
                    template: notice.template.to_string(),
                    locale: u.locale.clone(),
                    request_id: notice.request.map(|r| r.0),
                    payload: notice.payload.clone(),
                    event_id: notice.event.map(|e| e.0),
                    digest: !essential && u.notify_digest,
                }),
        );
    }
    if rows.is_empty() {
        return Ok(0);
    }
    queries::insert_outbox(conn, &rows)
}

/// Queues one message to an address, at once and whatever the preferences (an answer to an
/// email the person just sent, or to an address that is nobody's).
pub fn queue_to_address(
    conn: &mut PgConnection,
    address: &str,
    recipient: Option<UserId>,
    locale: crate::i18n::Locale,
    notice: &Notice,
) -> QueryResult<usize> {
    queries::insert_outbox(
        conn,
        &[NewOutbox {
            recipient_id: recipient.map(|r| r.0),
            recipient: address.to_string(),
            template: notice.template.to_string(),
            locale: locale.code().to_string(),
            request_id: notice.request.map(|r| r.0),
            payload: notice.payload.clone(),
            event_id: notice.event.map(|e| e.0),
            digest: false,
        }],
    )
}

/// Adds to the acknowledgement of a new request (`request_created`, not sent yet, not in a
/// digest) what it answers and what it must mention, e.g. files left out of an email; `false`
/// when the requester gets no such acknowledgement.
pub fn annotate_acknowledgement(
    conn: &mut PgConnection,
    request: RequestId,
    requester: UserId,
    extra: serde_json::Value,
) -> QueryResult<bool> {
    Ok(queries::annotate_acknowledgement(conn, request, requester, extra)? > 0)
}

/// For a request of a confidential category, the only people who may hear of it (they alone may
/// read it): its requester, the members of the category's group and of the request's team, and
/// auditors. `None` for the others.
fn confidential_readers(
    conn: &mut PgConnection,
    request: RequestId,
) -> QueryResult<Option<Vec<UserId>>> {
    let (confidential, group, requester, team) = queries::confidentiality(conn, request)?;
    if !confidential {
        return Ok(None);
    }
    let mut ids = vec![requester];
    if let Some(g) = group {
        ids.extend(crate::users::group_queries::member_ids(conn, g)?);
    }
    if let Some(t) = team {
        ids.extend(users::team_member_ids(conn, t)?);
    }
    ids.extend(users::ids_with_role(conn, Role::Auditor)?);
    Ok(Some(ids))
}

/// What an SLA scan already looked up: team leads and each domain's service managers.
#[derive(Default)]
pub struct SlaAudience {
    leads: std::collections::HashMap<TeamId, Option<UserId>>,
    managers: std::collections::HashMap<Domain, Vec<UserId>>,
    people: std::collections::HashMap<UserId, User>,
}

/// Who hears about a request's SLA: its assignee, its team's lead, and the service managers of
/// its domain — each once.
pub fn sla_recipients(
    conn: &mut PgConnection,
    seen: &mut SlaAudience,
    assignee: Option<UserId>,
    team: Option<TeamId>,
    domain: Domain,
) -> QueryResult<Vec<User>> {
    let mut ids: Vec<UserId> = assignee.into_iter().collect();
    if let Some(t) = team {
        if let Entry::Vacant(slot) = seen.leads.entry(t) {
            slot.insert(users::team_lead(conn, t)?);
        }
        ids.extend(seen.leads.get(&t).copied().flatten());
    }
    if let Entry::Vacant(slot) = seen.managers.entry(domain) {
        slot.insert(users::service_managers(conn, domain)?);
    }
    ids.extend(seen.managers.get(&domain).cloned().unwrap_or_default());
    ids.sort();
    ids.dedup();
    let missing: Vec<UserId> = ids
        .iter()
        .filter(|i| !seen.people.contains_key(i))
        .copied()
        .collect();
    if !missing.is_empty() {
        let found = users::by_ids(conn, &missing)?;
        for u in found {
            seen.people.insert(u.id, u);
        }
    }
    Ok(ids
        .iter()
        .filter_map(|i| seen.people.get(i).cloned())
        .collect())
}

/// Lets mail go to an address again.
pub fn clear_undeliverable(
    conn: &mut PgConnection,
    me: &CurrentUser,
    email: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        queries::clear_undeliverable(conn, &email.to_lowercase())?;
        crate::audit::record(
            conn,
            &me.origin(),
            "mail.undeliverable_cleared",
            "address",
            email,
            json!({}),
        )?;
        Ok(())
    })
}

pub use queries::undeliverable;
