//! The rules of a request's life. Each function is one user action: it checks permission,
//! validates, and writes the change, its timeline event and its audit row in one transaction.

use super::model::*;
use super::queries::{self};
use super::reading::load;
use super::views::people;
use crate::audit;
use crate::auth::CurrentUser;
use crate::automation::{service as automation, Trigger};
use crate::catalog::form::FieldKind;
use crate::catalog::queries as catalog;
use crate::db::{CategoryId, RoomId, TeamId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::notify;
use crate::units::queries as units;
use crate::users::model::PersonRef;
use crate::users::queries as users;
use crate::workflow::{self, StateKind};
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{json, Map, Value};

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
                    match crate::inventory::views::for_request_field(conn, unit, tag)? {
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

pub(super) fn refuse_if_final(r: &Request) -> Result<(), AppError> {
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
