//! The audit log's rows and what a search asks for.

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

/// Which rows of the log: changes, or reads of personal information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Trail {
    #[default]
    Changes,
    Reads,
}

#[derive(Debug, Clone, Default)]
pub struct Search {
    pub trail: Trail,
    pub actor: Option<UserId>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Actions starting with this text (`request.`, `loan.checked_out`).
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Rows older than this id (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

/// A row with the name and address of who acted.
pub type Entry = (AuditRow, Option<String>, Option<String>);
