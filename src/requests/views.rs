//! Requests as pages, the API and mail show them: one request with its timeline, its
//! attachments and the names of the people involved (each read once for a whole list), and the
//! lists of a search.

use super::access::Standing;
use super::model::*;
use super::queries::{self, ListQuery};
use super::reading::load;
use crate::audit;
use crate::auth::CurrentUser;
use crate::catalog::queries as catalog;
use crate::db::{CategoryId, RequestId, TeamId, UnitId, UserId};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::units::queries as units;
use crate::users::model::PersonRef;
use crate::users::queries as users;
use crate::workflow::{self, State, StateKind, Workflow};
use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;
use std::collections::HashMap;

pub struct RequestDetail {
    pub id: RequestId,
    pub request: RequestView,
    pub events: Vec<EventView>,
    pub attachments: Vec<AttachmentView>,
    pub standing: Standing,
    /// The actions this person may take: (target state, note required, reopens).
    pub transitions: Vec<(State, bool, bool)>,
    pub status_kind: StateKind,
    pub workflow: Workflow,
    pub domain: crate::users::model::Domain,
    pub team_id: Option<TeamId>,
    pub assignee_id: Option<UserId>,
    pub sla: Option<crate::sla::service::Explanation>,
}

/// Reads a request and records the access (who, when, from where).
pub fn read(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    locale: Locale,
    reopen_days: i64,
) -> Result<RequestDetail, AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, false)?;
        audit::record(
            conn,
            &user.origin(),
            "request.read",
            "request",
            r.number(),
            json!({}),
        )?;
        let events = events_view(conn, &r, standing, locale)?;
        let attachments = queries::attachments_of(conn, r.id)?
            .into_iter()
            .map(attachment_view)
            .collect();
        let workflow = workflow::queries::load(conn, r.workflow_id)?;
        let transitions = workflow
            .available(&r.status, standing, r.resolved_at, Utc::now(), reopen_days)
            .into_iter()
            .map(|o| (o.to.clone(), o.note_required, o.reopens))
            .collect();
        let (id, status_kind, domain, team_id, assignee_id) =
            (r.id, r.status_kind, r.domain, r.team_id, r.assignee_id);
        let sla = crate::sla::service::explain(conn, &r)?;
        let request = hydrate(conn, vec![r], locale)?
            .pop()
            .ok_or(AppError::NotFound)?;
        Ok(RequestDetail {
            id,
            request,
            events,
            attachments,
            standing,
            transitions,
            status_kind,
            workflow,
            domain,
            team_id,
            assignee_id,
            sla,
        })
    })
}

/// The request alone (for API answers after a change), with the access recorded.
pub fn view(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    locale: Locale,
) -> Result<RequestView, AppError> {
    conn.transaction(|conn| {
        let (r, _) = load(conn, user, number, false)?;
        audit::record(
            conn,
            &user.origin(),
            "request.read",
            "request",
            r.number(),
            json!({}),
        )?;
        hydrate(conn, vec![r], locale)?
            .pop()
            .ok_or(AppError::NotFound)
    })
}

/// A change to a request and the request as it then is, in one transaction: what the API
/// answers to a change of status, assignment, priority or an approval decision.
pub fn changed<T>(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    locale: Locale,
    change: impl FnOnce(&mut PgConnection) -> Result<T, AppError>,
) -> Result<RequestView, AppError> {
    conn.transaction(|conn| {
        change(conn)?;
        view_written(conn, user, number, locale)
    })
}

/// A request as an API write answers it, inside the write's transaction: the write's own audit
/// row covers it (no read row).
pub fn view_written(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    locale: Locale,
) -> Result<RequestView, AppError> {
    let (r, _) = load(conn, user, number, false)?;
    hydrate(conn, vec![r], locale)?
        .pop()
        .ok_or(AppError::NotFound)
}

/// One timeline entry as an API write answers it, inside the write's transaction.
pub fn event_written(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    event: crate::db::EventId,
    locale: Locale,
) -> Result<EventView, AppError> {
    let (r, standing) = load(conn, user, number, false)?;
    events_view(conn, &r, standing, locale)?
        .into_iter()
        .find(|v| v.id == event.0)
        .ok_or(AppError::NotFound)
}

pub fn events(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    locale: Locale,
) -> Result<Vec<EventView>, AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, false)?;
        audit::record(
            conn,
            &user.origin(),
            "request.read_events",
            "request",
            r.number(),
            json!({}),
        )?;
        events_view(conn, &r, standing, locale)
    })
}

fn events_view(
    conn: &mut PgConnection,
    r: &Request,
    standing: Standing,
    _locale: Locale,
) -> Result<Vec<EventView>, AppError> {
    let events = queries::events(conn, r.id, standing.staff)?;
    let attachments = queries::attachments_of(conn, r.id)?;
    let people = people(conn, events.iter().filter_map(|e| e.actor_id).collect())?;
    Ok(events
        .into_iter()
        .map(|e| EventView {
            id: e.id.0,
            kind: e.kind.code().to_string(),
            actor: e.actor_id.and_then(|a| people.get(&a).cloned()),
            body: e.body,
            internal: e.internal,
            data: e.data,
            attachments: attachments
                .iter()
                .filter(|a| a.event_id == Some(e.id))
                .cloned()
                .map(attachment_view)
                .collect(),
            created_at: e.created_at,
        })
        .collect())
}

pub(super) fn attachment_view(a: Attachment) -> AttachmentView {
    AttachmentView {
        id: a.id.0,
        filename: a.filename,
        content_type: a.content_type,
        size_bytes: a.size_bytes,
        created_at: a.created_at,
        purged: a.purged_at.is_some(),
    }
}

pub(super) fn people(
    conn: &mut PgConnection,
    mut ids: Vec<UserId>,
) -> QueryResult<HashMap<UserId, PersonRef>> {
    ids.sort();
    ids.dedup();
    Ok(users::by_ids(conn, &ids)?
        .into_iter()
        .map(|u| {
            (
                u.id,
                PersonRef {
                    email: u.email,
                    name: u.display_name,
                },
            )
        })
        .collect())
}

/// Turns rows into views, loading the names they refer to in a few batched queries.
pub fn hydrate(
    conn: &mut PgConnection,
    rows: Vec<Request>,
    locale: Locale,
) -> Result<Vec<RequestView>, AppError> {
    let mut person_ids: Vec<UserId> = rows.iter().map(|r| r.requester_id).collect();
    person_ids.extend(rows.iter().filter_map(|r| r.assignee_id));
    let people = people(conn, person_ids)?;
    let mut cat_ids: Vec<CategoryId> = rows.iter().map(|r| r.category_id).collect();
    cat_ids.sort();
    cat_ids.dedup();
    let cats: HashMap<_, _> = catalog::by_ids(conn, &cat_ids)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut unit_ids: Vec<UnitId> = rows.iter().map(|r| r.unit_id).collect();
    unit_ids.sort();
    unit_ids.dedup();
    let unit_map: HashMap<_, _> = units::by_ids(conn, &unit_ids)?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut team_ids: Vec<TeamId> = rows.iter().filter_map(|r| r.team_id).collect();
    team_ids.sort();
    team_ids.dedup();
    let teams: HashMap<_, _> = users::teams_by_ids(conn, &team_ids)?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let room_ids: Vec<crate::db::RoomId> = rows.iter().filter_map(|r| r.room_id).collect();
    let rooms = units::room_labels(conn, &room_ids)?;
    let mut wf_ids: Vec<crate::db::WorkflowId> = rows.iter().map(|r| r.workflow_id).collect();
    wf_ids.sort();
    wf_ids.dedup();
    let workflows = workflow::queries::load_many(conn, &wf_ids)?;
    let mut out = Vec::with_capacity(rows.len());
    let now = Utc::now();
    for r in rows {
        let sla = r.sla_view(now);
        let room = r.room_id.and_then(|id| rooms.get(&id).cloned());
        let unknown = PersonRef {
            email: String::new(),
            name: String::new(),
        };
        out.push(RequestView {
            number: r.number().to_string(),
            title: r.title,
            description: r.description,
            status_label: workflows
                .get(&r.workflow_id)
                .map(|w| w.label(&r.status, locale))
                .unwrap_or_else(|| r.status.clone()),
            status_kind: r.status_kind.code().to_string(),
            workflow: workflows
                .get(&r.workflow_id)
                .map(|w| w.code.clone())
                .unwrap_or_default(),
            status: r.status.clone(),
            priority: r.priority.code().to_string(),
            category: cats
                .get(&r.category_id)
                .map(|c| CodeName {
                    code: c.code.clone(),
                    name: locale.pick(&c.name_fr, &c.name_en).to_string(),
                })
                .ok_or(AppError::NotFound)?,
            domain: r.domain.code().to_string(),
            unit: unit_map
                .get(&r.unit_id)
                .map(|u| CodeName {
                    code: u.code.clone(),
                    name: locale.pick(&u.name_fr, &u.name_en).to_string(),
                })
                .ok_or(AppError::NotFound)?,
            requester: people.get(&r.requester_id).cloned().unwrap_or(unknown),
            team: r.team_id.and_then(|t| teams.get(&t)).map(|t| CodeName {
                code: t.code.clone(),
                name: locale.pick(&t.name_fr, &t.name_en).to_string(),
            }),
            assignee: r.assignee_id.and_then(|a| people.get(&a).cloned()),
            room,
            fields: r.fields,
            source: r.source.code().to_string(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            first_response_at: r.first_response_at,
            resolved_at: r.resolved_at,
            closed_at: r.closed_at,
            sla,
        });
    }
    Ok(out)
}

pub struct Page {
    pub items: Vec<RequestView>,
    pub next: Option<queries::Cursor>,
    /// The states one may filter on (across workflows).
    pub states: Vec<State>,
}

/// A page of the requests this person may see, filtered.
pub fn list(
    conn: &mut PgConnection,
    user: &CurrentUser,
    q: &ListQuery,
    locale: Locale,
) -> Result<Page, AppError> {
    let (rows, next) = queries::list(conn, &user.request_scope(), q)?;
    Ok(Page {
        items: hydrate(conn, rows, locale)?,
        next,
        states: workflow::queries::state_choices(conn)?,
    })
}
