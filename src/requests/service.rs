//! The rules of a request's life. Each function is one user action: it checks permission,
//! validates, and writes the change, its timeline event and its audit row in one transaction.

use super::access::Standing;
use super::model::*;
use super::queries::{self, ListQuery};
use crate::audit;
use crate::auth::CurrentUser;
use crate::automation::{service as automation, Trigger};
use crate::catalog::form::FieldKind;
use crate::catalog::queries as catalog;
use crate::db::{CategoryId, RequestId, RoomId, TeamId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::Locale;
use crate::notify;
use crate::units::queries as units;
use crate::users::model::PersonRef;
use crate::users::queries as users;
use crate::workflow::{self, State, StateKind, Workflow};
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

pub const TITLE_MAX: usize = 200;
use super::commands::move_to;
pub use super::commands::TEXT_MAX;

/// Which category, by id (web forms) or code (API, email).
#[derive(Debug, Clone)]
pub enum CategoryRef {
    Id(CategoryId),
    Code(String),
}

#[derive(Debug, Clone)]
pub struct NewRequestCmd {
    pub category: CategoryRef,
    pub title: String,
    pub description: String,
    pub priority: Option<Priority>,
    pub unit: Option<UnitId>,
    pub room: Option<RoomId>,
    pub fields: Map<String, Value>,
    pub source: Source,
}

fn check_text(errors: &mut FieldErrors, field: &str, value: &str, required: bool, max: usize) {
    let len = value.trim().chars().count();
    if required && len == 0 {
        errors.add(field, Msg::new("field-required"));
    } else if len > max {
        errors.add(field, Msg::new("field-too-long").arg("max", max));
    }
}

/// Submits a request on behalf of one of the person's units.
pub fn create(
    conn: &mut PgConnection,
    user: &CurrentUser,
    cmd: NewRequestCmd,
) -> Result<Request, AppError> {
    conn.transaction(|conn| {
        let (request, category) = create_in(conn, user, cmd, false)?;
        // A departure generates its tasks in the same transaction: all or nothing.
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::America::Toronto)
            .date_naive();
        crate::departures::on_created(conn, user, &request, &category, today)?;
        Ok(request)
    })
}

/// Submits a scheduled (recurring) request for any active unit, in the name of the person who
/// scheduled it.
pub(crate) fn create_scheduled(
    conn: &mut PgConnection,
    user: &CurrentUser,
    cmd: NewRequestCmd,
) -> Result<Request, AppError> {
    create_in(conn, user, cmd, true).map(|(request, _)| request)
}

fn create_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    cmd: NewRequestCmd,
    any_unit: bool,
) -> Result<(Request, crate::catalog::model::Category), AppError> {
    let mut errors = FieldErrors::default();
    check_text(&mut errors, "title", &cmd.title, true, TITLE_MAX);
    check_text(
        &mut errors,
        "description",
        &cmd.description,
        false,
        TEXT_MAX,
    );

    let category = match &cmd.category {
        CategoryRef::Id(id) => catalog::find(conn, *id).optional()?,
        CategoryRef::Code(code) => catalog::by_code(conn, code)?,
    }
    .filter(|c| c.active);
    let Some(category) = category else {
        errors.add("category", Msg::new("field-choice"));
        return Err(AppError::Invalid(errors));
    };

    let allowed_units = user.requesting_units();
    let unit = match cmd.unit {
        Some(u) if allowed_units.contains(&u) || any_unit => u,
        Some(_) => {
            errors.add("unit", Msg::new("field-choice"));
            return Err(AppError::Invalid(errors));
        }
        None => *allowed_units
            .first()
            .ok_or_else(|| AppError::rule("request-no-unit"))?,
    };
    if let Some(room) = cmd.room {
        if units::room_unit(conn, room)? != Some(unit) {
            errors.add("room", Msg::new("field-room"));
        }
    }
    let form = category.form_def();
    let mut linked_assets = Vec::new();
    let fields = match form.validate(&cmd.fields) {
        Ok(values) => {
            // Room fields must name a room of the requesting unit, asset fields one of its assets.
            for f in form.fields.iter().filter(|f| f.kind == FieldKind::Room) {
                if let Some(id) = values.get(&f.key).and_then(Value::as_i64) {
                    if units::room_unit(conn, RoomId(id))? != Some(unit) {
                        errors.add(&format!("fields.{}", f.key), Msg::new("field-room"));
                    }
                }
            }
            for f in form.fields.iter().filter(|f| f.kind == FieldKind::Asset) {
                if let Some(tag) = values.get(&f.key).and_then(Value::as_str) {
                    match crate::inventory::service::for_request_field(conn, unit, tag)? {
                        Some(a) => linked_assets.push(a),
                        None => errors.add(&format!("fields.{}", f.key), Msg::new("field-asset")),
                    }
                }
            }
            values
        }
        Err(field_errors) => {
            for (k, msgs) in field_errors.0 {
                for m in msgs {
                    errors.add(&k, m);
                }
            }
            Map::new()
        }
    };
    errors.into_result()?;
    let trip = crate::transport::service::check_new(
        conn,
        &category,
        &fields,
        crate::transport::service::today(),
    )?;
    let workflow = workflow::queries::load(conn, category.workflow_id)?;
    let rule = crate::approvals::service::rule_of(&category);
    let needs_approval = rule.applies(&fields);
    let initial = workflow
        .initial(needs_approval)
        .cloned()
        .ok_or_else(|| AppError::rule("workflow-needs-new"))?;

    let priority = cmd.priority.unwrap_or(category.default_priority);
    conn.transaction(|conn| {
        // The clocks are computed from the request's time before it is written, so it is
        // written once.
        let at = queries::transaction_time(conn)?;
        let start = crate::sla::service::plan_start(conn, category.sla_policy_id, priority, at)?;
        let request = queries::insert_started(
            conn,
            &NewRequest {
                title: cmd.title.trim().to_string(),
                description: cmd.description.trim().to_string(),
                category_id: category.id,
                domain: category.domain,
                requester_id: user.id,
                unit_id: unit,
                room_id: cmd.room,
                priority,
                status: initial.code.clone(),
                status_kind: initial.kind,
                workflow_id: workflow.id,
                team_id: category.default_team_id,
                fields: Value::Object(fields),
                source: cmd.source,
            },
            at,
            start.as_ref().map(|s| &s.clocks),
        )?;
        let created = queries::insert_event(
            conn,
            &NewEvent {
                request_id: request.id,
                actor_id: Some(user.id),
                kind: EventKind::Created,
                body: String::new(),
                internal: false,
                data: json!({ "source": cmd.source }),
            },
        )?;
        if let Some(start) = start {
            crate::sla::service::record_start(conn, &request, start)?;
        }
        if let Some(trip) = &trip {
            crate::transport::service::record_new(conn, &request, trip)?;
        }
        for asset in &linked_assets {
            crate::inventory::service::link_request(conn, user.id, request.id, asset)?;
        }
        let awaits_approval = initial.kind == StateKind::Approval;
        if awaits_approval {
            // Waiting for a decision pauses the resolution clock from the start.
            crate::sla::service::on_status(
                conn,
                &request,
                initial.kind,
                &initial.code,
                request.created_at,
            )?;
            crate::approvals::service::open(conn, &request, &rule, Some(user.id))?;
        }
        // Read again what changed it since it was written: the approval's pause, a rule.
        let fired = if awaits_approval {
            automation::run(conn, request.number(), Trigger::Created, "")?
        } else {
            automation::run_on_written(conn, &request, &category, Trigger::Created, "")?
        };
        let request = if fired || awaits_approval {
            queries::by_number(conn, request.number)?
        } else {
            request
        };
        notify::events::created(conn, &request, user.id, created.id)?;
        audit::record(
            conn,
            &user.origin(),
            "request.create",
            "request",
            request.number(),
            json!({ "category": category.code, "unit_id": unit }),
        )?;
        Ok((request, category))
    })
}

use super::reading::load;

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

fn attachment_view(a: Attachment) -> AttachmentView {
    AttachmentView {
        id: a.id.0,
        filename: a.filename,
        content_type: a.content_type,
        size_bytes: a.size_bytes,
        created_at: a.created_at,
        purged: a.purged_at.is_some(),
    }
}

fn people(
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

fn refuse_if_final(r: &Request) -> Result<(), AppError> {
    if r.status_kind.is_final() {
        Err(AppError::rule("request-final"))
    } else {
        Ok(())
    }
}

pub struct CommentCmd {
    pub body: String,
    pub internal: bool,
}

/// Adds a public comment or, for staff, an internal note. A requester's answer to a request
/// waiting for them puts it back in progress.
pub fn comment(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    cmd: CommentCmd,
) -> Result<Event, AppError> {
    let mut errors = FieldErrors::default();
    check_text(&mut errors, "body", &cmd.body, true, TEXT_MAX);
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, true)?;
        if cmd.internal && !standing.staff {
            return Err(AppError::Forbidden);
        }
        refuse_if_final(&r)?;
        errors.clone().into_result()?;
        let event = queries::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: if cmd.internal {
                    EventKind::InternalNote
                } else {
                    EventKind::Comment
                },
                body: cmd.body.trim().to_string(),
                internal: cmd.internal,
                data: json!({}),
            },
        )?;
        queries::touch(conn, r.id)?;
        notify::events::commented(
            conn,
            &r,
            user.id,
            standing.staff,
            cmd.internal,
            cmd.body.trim(),
            event.id,
        )?;
        automation::run(conn, r.number(), Trigger::CommentAdded, cmd.body.trim())?;
        let now = Utc::now();
        if standing.staff && !cmd.internal {
            crate::sla::service::on_first_response(conn, &r, now)?;
            queries::set_first_response(conn, r.id)?;
        }
        if !cmd.internal
            && standing.requester_side
            && !standing.staff
            && r.status_kind == StateKind::Pending
        {
            // The requester's answer puts the request back to work, where the workflow lets
            // them do so.
            let wf = workflow::queries::load(conn, r.workflow_id)?;
            let back = wf
                .transitions
                .iter()
                .filter(|t| t.from == r.status && !t.on_approval)
                .filter(|t| t.roles.iter().any(|a| a.allows(standing)))
                .filter_map(|t| wf.state(&t.to))
                .find(|s| matches!(s.kind, StateKind::Open | StateKind::New))
                .cloned();
            if let Some(to) = back {
                move_to(
                    conn,
                    &r,
                    &to,
                    Some(user.id),
                    "",
                    json!({ "automatic": true }),
                )?;
            }
        }
        audit::record(
            conn,
            &user.origin(),
            if cmd.internal {
                "request.internal_note"
            } else {
                "request.comment"
            },
            "request",
            r.number(),
            json!({ "event_id": event.id }),
        )?;
        Ok(event)
    })
}

pub struct TransitionCmd {
    /// A state code of the request's workflow.
    pub to: String,
    pub note: String,
}

/// Moves a request to another status, if the workflow allows it for this person.
pub fn transition(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    cmd: TransitionCmd,
    reopen_days: i64,
) -> Result<(), AppError> {
    if cmd.note.chars().count() > TEXT_MAX {
        return Err(AppError::Invalid(FieldErrors::single(
            "note",
            Msg::new("field-too-long").arg("max", TEXT_MAX),
        )));
    }
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, true)?;
        let now = Utc::now();
        let wf = workflow::queries::load(conn, r.workflow_id)?;
        wf.check(&workflow::Attempt {
            from: &r.status,
            to: &cmd.to,
            standing,
            note: &cmd.note,
            resolved_at: r.resolved_at,
            now,
            reopen_days,
        })?;
        let to = wf.state(&cmd.to).cloned().ok_or(AppError::NotFound)?;
        move_to(conn, &r, &to, Some(user.id), cmd.note.trim(), json!({}))?;
        // A public note of the staff (a question, a resolution) is a first response.
        if standing.staff && !cmd.note.trim().is_empty() {
            crate::sla::service::on_first_response(conn, &r, now)?;
            queries::set_first_response(conn, r.id)?;
        }
        audit::record(
            conn,
            &user.origin(),
            "request.transition",
            "request",
            r.number(),
            json!({ "from": r.status, "to": to.code }),
        )?;
        Ok(())
    })
}

/// Who a request goes to. `None` fields keep their value; an empty team clears both.
pub struct AssignCmd {
    pub team: Option<Option<TeamId>>,
    pub assignee: Option<Option<UserId>>,
}

pub fn assign(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    cmd: AssignCmd,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, true)?;
        if !standing.staff {
            return Err(AppError::Forbidden);
        }
        refuse_if_final(&r)?;
        let team = cmd.team.unwrap_or(r.team_id);
        if let Some(t) = team {
            let t = users::team(conn, t).optional()?.filter(|t| t.active);
            match t {
                None => {
                    return Err(AppError::Invalid(FieldErrors::single(
                        "team",
                        Msg::new("field-choice"),
                    )))
                }
                Some(t) if t.domain != r.domain => {
                    return Err(AppError::rule("assign-team-domain"))
                }
                Some(_) => {}
            }
        }
        let assignee = match cmd.assignee {
            Some(a) => a,
            // Changing the team hands the request to that team as a whole.
            None if team != r.team_id => None,
            None => r.assignee_id,
        };
        if let Some(a) = assignee {
            let member = match team {
                Some(t) => users::is_team_member(conn, t, a)?,
                None => false,
            };
            if !member {
                return Err(AppError::rule("assign-not-member"));
            }
        }
        if team == r.team_id && assignee == r.assignee_id {
            return Ok(());
        }
        queries::set_assignment(conn, r.id, team, assignee)?;
        let data = json!({
            "team_from": r.team_id, "team_to": team,
            "assignee_from": r.assignee_id, "assignee_to": assignee,
        });
        let event = queries::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: EventKind::Assigned,
                body: String::new(),
                internal: false,
                data: data.clone(),
            },
        )?;
        audit::record(
            conn,
            &user.origin(),
            "request.assign",
            "request",
            r.number(),
            data,
        )?;
        if assignee != r.assignee_id {
            notify::events::assigned(conn, &r, assignee, Some(user.id), event.id)?;
        }
        automation::run(conn, r.number(), Trigger::FieldChanged, "")?;
        Ok(())
    })
}

pub struct NewAttachmentCmd {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Records an attachment whose bytes are already in storage.
pub fn attach(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    cmd: NewAttachmentCmd,
) -> Result<AttachmentView, AppError> {
    let filename = sanitize_filename(&cmd.filename);
    conn.transaction(|conn| {
        let (r, _) = load(conn, user, number, true)?;
        refuse_if_final(&r)?;
        let event = queries::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: EventKind::AttachmentAdded,
                body: String::new(),
                internal: false,
                data: json!({ "filename": filename }),
            },
        )?;
        let a = queries::insert_attachment(
            conn,
            &NewAttachment {
                request_id: r.id,
                event_id: Some(event.id),
                uploader_id: Some(user.id),
                filename: filename.clone(),
                content_type: cmd.content_type.clone(),
                size_bytes: cmd.size_bytes,
                sha256: cmd.sha256.clone(),
            },
        )?;
        queries::touch(conn, r.id)?;
        audit::record(
            conn,
            &user.origin(),
            "attachment.add",
            "request",
            r.number(),
            json!({ "attachment_id": a.id, "filename": filename, "size": cmd.size_bytes }),
        )?;
        Ok(attachment_view(a))
    })
}

/// An attachment of a request the person may read; the download is recorded.
pub fn attachment_for_download(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    id: i64,
) -> Result<Attachment, AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, false)?;
        let a = queries::attachment(conn, crate::db::AttachmentId(id))?;
        if a.request_id != r.id {
            return Err(AppError::NotFound);
        }
        if let Some(ev) = a.event_id {
            if queries::event(conn, ev)?.internal && !standing.staff {
                return Err(AppError::NotFound);
            }
        }
        if a.purged_at.is_some() {
            return Err(AppError::rule("attachment-purged"));
        }
        audit::record(
            conn,
            &user.origin(),
            "attachment.download",
            "request",
            r.number(),
            json!({ "attachment_id": a.id }),
        )?;
        Ok(a)
    })
}

/// Keeps the last path component and printable characters; never empty.
pub fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "piece-jointe".to_string()
    } else {
        cleaned
    }
}

/// Names programs and scripts are sent with; refused whatever the bytes say.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "dll", "sys", "ps1", "psm1",
    "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "jar", "lnk", "reg", "sh", "bash", "app",
    "apk", "elf", "bin", "run", "iso",
];

/// What a file is, told by its bytes first (magic numbers) and its name after; programs and
/// scripts are refused (`attachment-executable`), whatever they are called.
pub fn vet_file(filename: &str, bytes: &[u8]) -> Result<String, AppError> {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    // Windows (MZ), Linux (ELF) and macOS (Mach-O) programs, scripts with an interpreter line,
    // and whatever else `infer` knows as an application.
    const PROGRAMS: &[&[u8]] = &[
        b"MZ",
        b"\x7fELF",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"#!",
    ];
    let program = PROGRAMS.iter().any(|m| bytes.starts_with(m)) || infer::is_app(bytes);
    if program || EXECUTABLE_EXTENSIONS.contains(&extension.as_str()) {
        return Err(AppError::Invalid(FieldErrors::single(
            "file",
            Msg::new("attachment-executable"),
        )));
    }
    Ok(infer::get(bytes)
        .map(|t| t.mime_type().to_string())
        .unwrap_or_else(|| {
            mime_guess::from_path(filename)
                .first_or_octet_stream()
                .to_string()
        }))
}

/// The type a download is served with: anything a browser would run or render as a page
/// (HTML, SVG, XML, scripts) goes out as plain bytes.
pub fn served_type(content_type: &str) -> &str {
    let t = content_type.to_ascii_lowercase();
    let active = t.contains("html")
        || t.contains("svg")
        || t.contains("xml")
        || t.contains("javascript")
        || t.contains("ecmascript");
    if active {
        "application/octet-stream"
    } else {
        content_type
    }
}

/// The people in copy (« personnes en copie ») of a request the person may read.
pub fn watchers(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
) -> Result<Vec<PersonRef>, AppError> {
    let (r, _) = load(conn, user, number, false)?;
    let ids = queries::watchers(conn, r.id)?;
    let mut people: Vec<PersonRef> = people(conn, ids)?.into_values().collect();
    people.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(people)
}

/// Puts someone in copy: they then read the request and may comment. The requester's side and
/// the staff of the domain may do it; the person must have an active account.
pub fn add_watcher(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    email: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, true)?;
        if !standing.staff && !standing.requester_side {
            return Err(AppError::Forbidden);
        }
        refuse_if_final(&r)?;
        let person = users::by_email(conn, email)?
            .filter(|u| u.active)
            .ok_or_else(|| {
                AppError::Invalid(FieldErrors::single(
                    "email",
                    Msg::new("field-person-unknown"),
                ))
            })?;
        if queries::add_watcher(conn, r.id, person.id)? > 0 {
            audit::record(
                conn,
                &user.origin(),
                "request.watcher_add",
                "request",
                r.number(),
                json!({ "user_id": person.id }),
            )?;
        }
        Ok(())
    })
}

/// Takes someone out of copy (the requester's side, the staff, or the person themselves).
pub fn remove_watcher(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    email: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, true)?;
        let person = users::by_email(conn, email)?.ok_or(AppError::NotFound)?;
        if !standing.staff && !standing.requester_side && person.id != user.id {
            return Err(AppError::Forbidden);
        }
        if queries::remove_watcher(conn, r.id, person.id)? > 0 {
            audit::record(
                conn,
                &user.origin(),
                "request.watcher_remove",
                "request",
                r.number(),
                json!({ "user_id": person.id }),
            )?;
        }
        Ok(())
    })
}

/// Changes the priority (the domain's staff); the SLA due dates follow, paused time kept.
pub fn set_priority(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    priority: Priority,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, true)?;
        if !standing.staff {
            return Err(AppError::Forbidden);
        }
        refuse_if_final(&r)?;
        if r.priority == priority {
            return Ok(());
        }
        crate::sla::service::on_priority(conn, &r, priority, Utc::now())?;
        queries::set_priority(conn, r.id, priority)?;
        let data = json!({ "field": "priority", "from": r.priority, "to": priority });
        queries::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: EventKind::FieldChanged,
                body: String::new(),
                internal: false,
                data: data.clone(),
            },
        )?;
        audit::record(
            conn,
            &user.origin(),
            "request.priority",
            "request",
            r.number(),
            data,
        )?;
        automation::run(conn, r.number(), Trigger::FieldChanged, "")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_their_path_and_quotes() {
        assert_eq!(
            sanitize_filename("C:\\Users\\x\\rapport \"final\".pdf"),
            "rapport final.pdf"
        );
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("..."), "piece-jointe");
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn programs_are_refused_by_their_bytes_or_their_name() {
        for (name, bytes) in [
            (
                "rapport.pdf",
                b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".as_slice(),
            ),
            ("photo.png", b"\x7fELF\x02\x01\x01\x00".as_slice()),
            ("notes.txt", b"#!/bin/sh\nrm -rf /".as_slice()),
            ("facture.PDF.exe", b"%PDF-1.7".as_slice()),
            ("macro.vbs", b"MsgBox 1".as_slice()),
        ] {
            assert!(vet_file(name, bytes).is_err(), "{name}");
        }
    }

    #[test]
    fn the_type_comes_from_the_bytes_before_the_name() {
        assert_eq!(
            vet_file("scan.txt", b"%PDF-1.7\n...").unwrap(),
            "application/pdf"
        );
        assert_eq!(
            vet_file("photo.jpg", b"\x89PNG\r\n\x1a\n rest").unwrap(),
            "image/png"
        );
        assert_eq!(vet_file("liste.csv", b"a;b\n1;2").unwrap(), "text/csv");
    }

    #[test]
    fn pages_and_scripts_are_served_as_plain_bytes() {
        assert_eq!(served_type("text/html"), "application/octet-stream");
        assert_eq!(served_type("image/svg+xml"), "application/octet-stream");
        assert_eq!(served_type("application/pdf"), "application/pdf");
    }
}
