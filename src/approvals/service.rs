//! Approval steps and decisions. Opening, deciding and withdrawing each write the steps, the
//! timeline event, the audit row and the notifications in the caller's transaction.

use super::{Approver, NewStep, Rule, Step, StepStatus};
use crate::audit;
use crate::auth::CurrentUser;
use crate::catalog::model::Category;
use crate::db::schema::{request_approvals, user_group_members, user_roles, users};
use crate::db::{GroupId, RequestId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::notify;
use crate::requests::commands::{self, StatusChange};
use crate::requests::model::{EventKind, NewEvent, Request, RequestNumber, SectionOf};
use crate::requests::queries as requests;
use crate::users::model::{Role, User};
use crate::workflow::StateKind;
use chrono::Utc;
use diesel::prelude::*;
use serde_json::{json, Value};

pub const COMMENT_MAX: usize = 5_000;

/// The approval rule a category carries.
pub fn rule_of(c: &Category) -> Rule {
    Rule {
        mode: c.approval,
        group: c.approval_group_id,
        field: c.approval_field.clone(),
        threshold: c.approval_threshold,
    }
}

pub fn steps_of(conn: &mut PgConnection, request: RequestId) -> QueryResult<Vec<Step>> {
    request_approvals::table
        .filter(request_approvals::request_id.eq(request))
        .order(request_approvals::id)
        .select(Step::as_select())
        .load(conn)
}

/// The steps of a request with the names they refer to.
pub fn views(
    conn: &mut PgConnection,
    steps: &[Step],
    locale: crate::i18n::Locale,
) -> QueryResult<Vec<super::ApprovalView>> {
    let unit_ids: Vec<UnitId> = steps.iter().filter_map(|s| s.unit_id).collect();
    let units = crate::units::queries::by_ids(conn, &unit_ids)?;
    let groups = crate::users::groups::all(conn)?;
    let people_ids: Vec<UserId> = steps.iter().filter_map(|s| s.decided_by).collect();
    let people = crate::users::queries::by_ids(conn, &people_ids)?;
    Ok(steps
        .iter()
        .map(|s| super::ApprovalView {
            step: s.step,
            approver: s.approver.code().to_string(),
            approver_name: match s.approver {
                Approver::Director => units
                    .iter()
                    .find(|u| Some(u.id) == s.unit_id)
                    .map(|u| locale.pick(&u.name_fr, &u.name_en).to_string()),
                Approver::Group => groups
                    .iter()
                    .find(|g| Some(g.id) == s.group_id)
                    .map(|g| locale.pick(&g.name_fr, &g.name_en).to_string()),
            }
            .unwrap_or_default(),
            status: s.status.code().to_string(),
            decided_by: s.decided_by.and_then(|id| {
                people
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| crate::users::model::PersonRef {
                        email: p.email.clone(),
                        name: p.display_name.clone(),
                    })
            }),
            decided_at: s.decided_at,
            comment: s.comment.clone(),
        })
        .collect())
}

/// The approval card of a request's page: each step with who decides it and how it went, and
/// whether the reader decides the pending one (null when the request has no steps).
pub fn request_section(
    conn: &mut PgConnection,
    user: &CurrentUser,
    of: &SectionOf,
    loc: Locale,
) -> Result<Value, AppError> {
    let steps = steps_of(conn, of.id)?;
    if steps.is_empty() {
        return Ok(Value::Null);
    }
    let may_approve = of.status == StateKind::Approval && steps.iter().any(|s| may_decide(user, s));
    let rows: Vec<Value> = views(conn, &steps, loc)?
        .into_iter()
        .map(|a| {
            let mut v = json!(a);
            v["approver_label"] = json!(i18n::tr(
                loc,
                "approval-approver",
                &[("code".into(), a.approver.clone())]
            ));
            v["status_label"] = json!(i18n::tr(
                loc,
                "approval-status",
                &[("code".into(), a.status.clone())]
            ));
            v["decided_label"] = match (&a.decided_by, a.decided_at) {
                (Some(p), Some(at)) => json!(i18n::tr(
                    loc,
                    "approval-decided",
                    &[
                        ("who".into(), p.name.clone()),
                        ("when".into(), i18n::format_datetime(loc, at))
                    ]
                )),
                _ => Value::Null,
            };
            v
        })
        .collect();
    Ok(json!({"steps": rows, "may_approve": may_approve}))
}

/// The people who may decide a step: the directors of the unit, or the group's members.
pub fn approvers(conn: &mut PgConnection, step: &Step) -> QueryResult<Vec<User>> {
    let ids: Vec<UserId> = match (step.approver, step.unit_id, step.group_id) {
        (Approver::Director, Some(unit), _) => user_roles::table
            .filter(user_roles::unit_id.eq(unit))
            .filter(user_roles::role.eq(Role::UnitManager))
            .select(user_roles::user_id)
            .load(conn)?,
        (Approver::Group, _, Some(group)) => user_group_members::table
            .filter(user_group_members::group_id.eq(group))
            .select(user_group_members::user_id)
            .load(conn)?,
        _ => Vec::new(),
    };
    users::table
        .filter(users::id.eq_any(ids))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}

/// Whether this person decides the step (a director of its unit, a member of its group).
pub fn may_decide(user: &CurrentUser, step: &Step) -> bool {
    step.status == StepStatus::Pending
        && match step.approver {
            Approver::Director => step
                .unit_id
                .is_some_and(|u| user.managed_units().contains(&u)),
            Approver::Group => step.group_id.is_some_and(|g| user.groups.contains(&g)),
        }
}

fn payload(r: &Request, extra: serde_json::Value) -> serde_json::Value {
    let mut p = json!({ "number": r.number().to_string(), "title": r.title });
    if let (Some(p), Some(e)) = (p.as_object_mut(), extra.as_object()) {
        p.extend(e.clone());
    }
    p
}

fn notify_approvers(conn: &mut PgConnection, r: &Request, step: &Step) -> QueryResult<usize> {
    let people = approvers(conn, step)?;
    notify::queue(
        conn,
        &people,
        &notify::Notice {
            template: "approval_needed",
            request: Some(r.id),
            event: None,
            payload: payload(r, json!({ "step": step.step, "approver": step.approver })),
        },
    )
}

/// Opens the approval steps of a request entering an approval state: the category's steps, or
/// the unit's director when the category names none.
pub fn open(
    conn: &mut PgConnection,
    r: &Request,
    rule: &Rule,
    actor: Option<UserId>,
) -> Result<(), AppError> {
    let mut kinds = rule.steps();
    if kinds.is_empty() {
        kinds.push(Approver::Director);
    }
    let mut first: Option<Step> = None;
    for (i, kind) in kinds.iter().enumerate() {
        let (unit_id, group_id): (Option<UnitId>, Option<GroupId>) = match kind {
            Approver::Director => (Some(r.unit_id), None),
            Approver::Group => (None, rule.group),
        };
        if *kind == Approver::Group && group_id.is_none() {
            return Err(AppError::Internal(format!(
                "category {} asks a group's approval without a group",
                r.category_id
            )));
        }
        let step: Step = diesel::insert_into(request_approvals::table)
            .values(&NewStep {
                request_id: r.id,
                step: i as i16 + 1,
                approver: *kind,
                unit_id,
                group_id,
                status: if i == 0 {
                    StepStatus::Pending
                } else {
                    StepStatus::Waiting
                },
            })
            .returning(Step::as_returning())
            .get_result(conn)?;
        if i == 0 {
            first = Some(step);
        }
    }
    requests::insert_event(
        conn,
        &NewEvent {
            request_id: r.id,
            actor_id: actor,
            kind: EventKind::ApprovalRequested,
            body: String::new(),
            internal: false,
            data: json!({ "steps": kinds }),
        },
    )?;
    if let Some(step) = first {
        notify_approvers(conn, r, &step)?;
    }
    Ok(())
}

/// A request changes state (a hook of `requests::commands::move_to`): entering an approval
/// state opens the category's steps; leaving it another way withdraws those still open.
pub fn on_status(conn: &mut PgConnection, change: &StatusChange) -> Result<(), AppError> {
    let (r, to) = (change.before, change.to);
    if r.status_kind == StateKind::Approval && to.kind != StateKind::Approval {
        withdraw_open(conn, r.id)?;
    }
    if to.kind == StateKind::Approval && r.status_kind != StateKind::Approval {
        let category = crate::catalog::queries::find(conn, r.category_id)?;
        let moved = requests::by_number(conn, r.number)?;
        open(conn, &moved, &rule_of(&category), change.actor)?;
    }
    Ok(())
}

/// Closes the steps still open when a request leaves approval another way.
pub fn withdraw_open(conn: &mut PgConnection, request: RequestId) -> QueryResult<usize> {
    diesel::update(
        request_approvals::table
            .filter(request_approvals::request_id.eq(request))
            .filter(request_approvals::status.eq_any([StepStatus::Pending, StepStatus::Waiting])),
    )
    .set(request_approvals::status.eq(StepStatus::Withdrawn))
    .execute(conn)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Refuse,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approve" => Some(Decision::Approve),
            "refuse" => Some(Decision::Refuse),
            _ => None,
        }
    }
}

/// Approves or refuses the pending step of a request. Approval of the last step moves the
/// request on (the workflow's approval transition); a refusal cancels it, reason kept.
pub fn decide(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    decision: Decision,
    comment: &str,
) -> Result<(), AppError> {
    let comment = comment.trim();
    if comment.chars().count() > COMMENT_MAX {
        return Err(AppError::Invalid(FieldErrors::single(
            "comment",
            Msg::new("field-too-long").arg("max", COMMENT_MAX),
        )));
    }
    conn.transaction(|conn| {
        let (r, _) = crate::requests::reading::load(conn, user, number, true)?;
        if r.status_kind != StateKind::Approval {
            return Err(AppError::rule("approval-not-pending"));
        }
        let steps = steps_of(conn, r.id)?;
        let step = steps
            .iter()
            .find(|s| s.status == StepStatus::Pending)
            .ok_or_else(|| AppError::rule("approval-not-pending"))?;
        if !may_decide(user, step) {
            return Err(AppError::Forbidden);
        }
        if decision == Decision::Refuse && comment.is_empty() {
            return Err(AppError::Invalid(FieldErrors::single(
                "comment",
                Msg::new("approval-reason-required"),
            )));
        }
        let status = match decision {
            Decision::Approve => StepStatus::Approved,
            Decision::Refuse => StepStatus::Refused,
        };
        diesel::update(request_approvals::table.find(step.id))
            .set((
                request_approvals::status.eq(status),
                request_approvals::decided_by.eq(user.id),
                request_approvals::decided_at.eq(Utc::now()),
                request_approvals::comment.eq(comment),
            ))
            .execute(conn)?;
        let data = json!({ "step": step.step, "approver": step.approver });
        requests::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: match decision {
                    Decision::Approve => EventKind::Approved,
                    Decision::Refuse => EventKind::Refused,
                },
                body: comment.to_string(),
                internal: false,
                data: data.clone(),
            },
        )?;
        audit::record(
            conn,
            &user.origin(),
            match decision {
                Decision::Approve => "approval.approve",
                Decision::Refuse => "approval.refuse",
            },
            "request",
            r.number(),
            data,
        )?;
        let workflow = crate::workflow::queries::load(conn, r.workflow_id)?;
        let next = steps.iter().find(|s| s.status == StepStatus::Waiting);
        match (decision, next) {
            (Decision::Approve, Some(next)) => {
                diesel::update(request_approvals::table.find(next.id))
                    .set(request_approvals::status.eq(StepStatus::Pending))
                    .execute(conn)?;
                let mut next = next.clone();
                next.status = StepStatus::Pending;
                notify_approvers(conn, &r, &next)?;
            }
            (Decision::Approve, None) => {
                let to = workflow.approval_target(&r.status).ok_or_else(|| {
                    AppError::Internal(format!("workflow {} has no approval exit", workflow.code))
                })?;
                commands::move_to(
                    conn,
                    &r,
                    to,
                    Some(user.id),
                    "",
                    json!({ "by_approval": true }),
                )?;
                tell_requester(conn, user, &r, "approval_given", comment)?;
            }
            (Decision::Refuse, _) => {
                withdraw_open(conn, r.id)?;
                let to = workflow.refusal_target(&r.status).ok_or_else(|| {
                    AppError::Internal(format!("workflow {} has no cancelled state", workflow.code))
                })?;
                commands::move_to(
                    conn,
                    &r,
                    to,
                    Some(user.id),
                    "",
                    json!({ "by_approval": true }),
                )?;
                tell_requester(conn, user, &r, "approval_refused", comment)?;
            }
        }
        Ok(())
    })
}

fn tell_requester(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    r: &Request,
    template: &str,
    comment: &str,
) -> QueryResult<usize> {
    if r.requester_id == actor.id {
        return Ok(0);
    }
    let people = crate::users::queries::by_ids(conn, &[r.requester_id])?;
    notify::queue(
        conn,
        &people,
        &notify::Notice {
            template,
            request: Some(r.id),
            event: None,
            payload: payload(r, json!({ "comment": comment })),
        },
    )
}

/// The requests waiting for this person's decision, oldest first.
pub fn pending_for(
    conn: &mut PgConnection,
    user: &CurrentUser,
) -> QueryResult<Vec<(Step, Request)>> {
    use crate::db::schema::requests as r;
    let units = user.managed_units();
    let groups = user.groups.clone();
    if units.is_empty() && groups.is_empty() {
        return Ok(Vec::new());
    }
    request_approvals::table
        .inner_join(r::table)
        .filter(request_approvals::status.eq(StepStatus::Pending))
        .filter(
            request_approvals::unit_id
                .eq_any(units)
                .and(request_approvals::approver.eq(Approver::Director))
                .or(request_approvals::group_id
                    .eq_any(groups)
                    .and(request_approvals::approver.eq(Approver::Group))),
        )
        .order(r::created_at.asc())
        .limit(200)
        .select((Step::as_select(), Request::as_select()))
        .load(conn)
}
