//! The audit log: every change and every read of personal information (Loi 25 access trail).
//! Rows are written inside the transaction of the action they record.

use crate::db::schema::audit_log;
use crate::db::UserId;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

/// Who acts and from where, as carried into services.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub actor: Option<UserId>,
    pub ip: Option<String>,
}

pub fn record(
    conn: &mut PgConnection,
    origin: &Origin,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    data: serde_json::Value,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(origin.actor),
            audit_log::action.eq(action),
            audit_log::entity.eq(entity),
            audit_log::entity_id.eq(entity_id.to_string()),
            audit_log::ip.eq(origin.ip.as_deref()),
            audit_log::data.eq(data),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub actor_id: Option<UserId>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub ip: Option<String>,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// The trail of one record, newest first.
pub fn for_entity(
    conn: &mut PgConnection,
    entity: &str,
    entity_id: &str,
) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::id.desc())
        .select(AuditRow::as_select())
        .load(conn)
}
