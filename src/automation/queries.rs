//! The SQL of automation rules: the list, one rule, the rules of an event, and a rule written
//! (its audit row is `service`'s).

use crate::db::schema::automation_rules as ar;
use crate::db::RuleId;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ar)]
pub struct RuleRow {
    pub id: RuleId,
    pub name: String,
    pub events: Vec<String>,
    pub conditions: Value,
    pub actions: Value,
    pub position: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<RuleRow>> {
    ar::table
        .order((ar::position, ar::id))
        .select(RuleRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: RuleId) -> QueryResult<RuleRow> {
    ar::table.find(id).select(RuleRow::as_select()).first(conn)
}

/// The active rules run on this event, in their order.
pub fn for_trigger(conn: &mut PgConnection, trigger: &str) -> QueryResult<Vec<RuleRow>> {
    ar::table
        .filter(ar::active.eq(true))
        .filter(ar::events.contains(vec![trigger]))
        .order((ar::position, ar::id))
        .select(RuleRow::as_select())
        .load(conn)
}

/// A rule's values as written (checked by `service`).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = ar)]
pub struct RuleValues {
    pub name: String,
    pub events: Vec<String>,
    pub conditions: Value,
    pub actions: Value,
    pub position: i32,
    pub active: bool,
}

pub fn insert(conn: &mut PgConnection, v: &RuleValues) -> QueryResult<RuleId> {
    diesel::insert_into(ar::table)
        .values(v)
        .returning(ar::id)
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: RuleId, v: &RuleValues) -> QueryResult<usize> {
    diesel::update(ar::table.find(id))
        .set((v, ar::updated_at.eq(diesel::dsl::now)))
        .execute(conn)
}
