//! All SQL of the audit log: one row per action, inside the action's transaction; the trail of
//! a record; the auditors' search.

use super::model::{AuditRow, Entry, Origin, Search, Trail};
use crate::db::schema::audit_log;
use diesel::prelude::*;

/// Records an action: who, from where, what, on which record, with its details.
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
