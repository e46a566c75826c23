//! All SQL of departures: the matrix, the tasks' links, the scheduled account changes.

use super::model::{Rule, TaskRow, SITUATIONS};
use crate::db::schema::{account_actions, departure_rules, requests, user_roles, users};
use crate::db::{RequestId, UserId};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

pub fn rules(conn: &mut PgConnection) -> QueryResult<Vec<Rule>> {
    departure_rules::table
        .select(Rule::as_select())
        .order((departure_rules::position, departure_rules::id))
        .load(conn)
}

/// Sets one cell of the matrix. `situation` is one of `SITUATIONS` (a column name, never text
/// typed by a person); anything else changes nothing.
pub fn set_cell(
    conn: &mut PgConnection,
    rule: i64,
    situation: &str,
    value: &str,
) -> QueryResult<usize> {
    let Some((column, _, _)) = SITUATIONS.iter().find(|s| s.0 == situation) else {
        return Ok(0);
    };
    diesel::sql_query(format!(
        "UPDATE departure_rules SET {column} = $1, updated_at = now() WHERE id = $2"
    ))
    .bind::<Text, _>(value)
    .bind::<BigInt, _>(rule)
    .execute(conn)
}

/// A task is a child of its departure, due on its day.
pub fn set_parent(
    conn: &mut PgConnection,
    child: RequestId,
    parent: RequestId,
    due_on: NaiveDate,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(child))
        .set((requests::parent_id.eq(parent), requests::due_on.eq(due_on)))
        .execute(conn)
}

pub fn schedule_account_action(
    conn: &mut PgConnection,
    person: UserId,
    request: RequestId,
    action: &str,
    due_on: NaiveDate,
) -> QueryResult<usize> {
    diesel::insert_into(account_actions::table)
        .values((
            account_actions::user_id.eq(person),
            account_actions::request_id.eq(request),
            account_actions::action.eq(action),
            account_actions::due_on.eq(due_on),
        ))
        .execute(conn)
}

/// The account changes due by `today` and not done, locked (another server skips them).
pub fn lock_due_actions(
    conn: &mut PgConnection,
    today: NaiveDate,
) -> QueryResult<Vec<(i64, UserId, RequestId, String)>> {
    account_actions::table
        .filter(account_actions::done_at.is_null())
        .filter(account_actions::due_on.le(today))
        .select((
            account_actions::id,
            account_actions::user_id,
            account_actions::request_id,
            account_actions::action,
        ))
        .for_update()
        .skip_locked()
        .load(conn)
}

pub fn deactivate(conn: &mut PgConnection, person: UserId) -> QueryResult<usize> {
    diesel::update(users::table.find(person))
        .set((
            users::active.eq(false),
            users::deactivated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn remove_roles(conn: &mut PgConnection, person: UserId) -> QueryResult<usize> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(person))).execute(conn)
}

pub fn mark_done(conn: &mut PgConnection, action: i64) -> QueryResult<usize> {
    diesel::update(account_actions::table.find(action))
        .set(account_actions::done_at.eq(diesel::dsl::now))
        .execute(conn)
}

/// The tasks of a departure request (for its page), by due date.
pub fn children(conn: &mut PgConnection, parent: RequestId) -> QueryResult<Vec<TaskRow>> {
    requests::table
        .filter(requests::parent_id.eq(parent))
        .select((
            requests::number,
            requests::title,
            requests::due_on,
            requests::status_kind,
        ))
        .order((requests::due_on, requests::number))
        .load(conn)
}

/// A request's parent and due date.
pub fn place(
    conn: &mut PgConnection,
    id: RequestId,
) -> QueryResult<(Option<RequestId>, Option<NaiveDate>)> {
    requests::table
        .find(id)
        .select((requests::parent_id, requests::due_on))
        .first(conn)
}
