//! The SQL of automation rules that is not a rule's own change (those are in `service`, with
//! their audit rows): the list, one rule.

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
