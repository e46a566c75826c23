//! All SQL of approval steps.

use super::{Approver, NewStep, Step, StepStatus};
use crate::auth::CurrentUser;
use crate::db::schema::{request_approvals, user_group_members, user_roles, users};
use crate::db::{ApprovalId, RequestId, UserId};
use crate::requests::model::Request;
use crate::users::model::{Role, User};
use chrono::Utc;
use diesel::prelude::*;

pub fn steps_of(conn: &mut PgConnection, request: RequestId) -> QueryResult<Vec<Step>> {
    request_approvals::table
        .filter(request_approvals::request_id.eq(request))
        .order(request_approvals::id)
        .select(Step::as_select())
        .load(conn)
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

pub fn insert_step(conn: &mut PgConnection, step: &NewStep) -> QueryResult<Step> {
    diesel::insert_into(request_approvals::table)
        .values(step)
        .returning(Step::as_returning())
        .get_result(conn)
}

/// Records a decision on a step.
pub fn decide(
    conn: &mut PgConnection,
    step: ApprovalId,
    status: StepStatus,
    by: UserId,
    comment: &str,
) -> QueryResult<usize> {
    diesel::update(request_approvals::table.find(step))
        .set((
            request_approvals::status.eq(status),
            request_approvals::decided_by.eq(by),
            request_approvals::decided_at.eq(Utc::now()),
            request_approvals::comment.eq(comment),
        ))
        .execute(conn)
}

/// The next step waits no more: its approvers decide now.
pub fn set_pending(conn: &mut PgConnection, step: ApprovalId) -> QueryResult<usize> {
    diesel::update(request_approvals::table.find(step))
        .set(request_approvals::status.eq(StepStatus::Pending))
        .execute(conn)
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
