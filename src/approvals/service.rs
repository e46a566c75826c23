//! Approval steps and decisions. Opening, deciding and withdrawing each write the steps, the
//! timeline event, the audit row and the notifications in the caller's transaction.

use super::queries;
pub use super::queries::{approvers, pending_for, steps_of, withdraw_open};
use super::{Approver, NewStep, Rule, Step, StepStatus};
use crate::audit;
use crate::auth::CurrentUser;
use crate::catalog::model::Category;
use crate::db::{GroupId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::notify;
use crate::requests::commands::{self, StatusChange};
use crate::requests::model::{EventKind, NewEvent, Request, RequestNumber, SectionOf};
use crate::requests::queries as requests;
use crate::workflow::StateKind;
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

/// The steps of a request with the names they refer to.
pub fn views(
    conn: &mut PgConnection,
    steps: &[Step],
    locale: crate::i18n::Locale,
) -> QueryResult<Vec<super::ApprovalView>> {
    let unit_ids: Vec<UnitId> = steps.iter().filter_map(|s| s.unit_id).collect();
    let units = crate::units::queries::by_ids(conn, &unit_ids)?;
    let groups = crate::users::group_queries::all(conn)?;
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
        let step = queries::insert_step(
            conn,
            &NewStep {
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
            },
        )?;
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
        queries::decide(conn, step.id, status, user.id, comment)?;
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
                queries::set_pending(conn, next.id)?;
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
