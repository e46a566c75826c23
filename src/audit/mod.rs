//! The audit log: every change and every read of personal information (Loi 25 access trail).
//! Rows are written inside the transaction of the action they record; PostgreSQL refuses to
//! update or delete them (trigger `audit_log_append_only`). Auditors search and export it
//! (`pages`).

pub mod pages;

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

/// The rows matching, newest first.
pub fn search(conn: &mut PgConnection, q: &Search) -> QueryResult<Vec<Entry>> {
    use crate::db::schema::users;
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    let mut query = audit_log::table
        .left_join(users::table.on(users::id.nullable().eq(audit_log::actor_id)))
        .select((
            AuditRow::as_select(),
            users::display_name.nullable(),
            users::email.nullable(),
        ))
        .into_boxed();
    let reads = sql::<Bool>("audit_log.action LIKE '%.read%'");
    query = match q.trail {
        Trail::Reads => query.filter(reads),
        Trail::Changes => query.filter(diesel::dsl::not(reads)),
    };
    if let Some(a) = q.actor {
        query = query.filter(audit_log::actor_id.eq(a));
    }
    if let Some(e) = &q.entity {
        query = query.filter(audit_log::entity.eq(e.clone()));
    }
    if let Some(id) = &q.entity_id {
        query = query.filter(audit_log::entity_id.eq(id.clone()));
    }
    if let Some(a) = &q.action {
        let prefix = a
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query
            .filter(sql::<Bool>("audit_log.action LIKE ").bind::<Text, _>(format!("{prefix}%")));
    }
    if let Some(f) = q.from {
        query = query.filter(audit_log::created_at.ge(f));
    }
    if let Some(t) = q.to {
        query = query.filter(audit_log::created_at.lt(t));
    }
    if let Some(b) = q.before {
        query = query.filter(audit_log::id.lt(b));
    }
    query.order(audit_log::id.desc()).limit(q.limit).load(conn)
}
