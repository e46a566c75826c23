//! Named groups of people (e.g. « Direction générale »): approvers of categories that ask a
//! group's approval and, later, the readers of confidential categories.

use crate::audit;
use crate::auth::CurrentUser;
use crate::db::schema::{user_group_members, user_groups, users};
use crate::db::{GroupId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::users::model::User;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct GroupInput {
    #[validate(regex(path = *crate::workflow::design::CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_fr: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_en: String,
}

pub fn create(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: GroupInput,
) -> Result<GroupId, AppError> {
    FieldErrors::from_validation(input.validate(), &[]).into_result()?;
    conn.transaction(|conn| {
        let g = insert(
            conn,
            &GroupForm {
                code: input.code.trim().to_string(),
                name_fr: input.name_fr.trim().to_string(),
                name_en: input.name_en.trim().to_string(),
            },
        )
        .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?;
        audit::record(
            conn,
            &actor.origin(),
            "group.create",
            "group",
            g.id,
            json!({ "code": g.code }),
        )?;
        Ok(g.id)
    })
}

pub fn update(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: GroupId,
    input: GroupInput,
) -> Result<(), AppError> {
    FieldErrors::from_validation(input.validate(), &["code"]).into_result()?;
    conn.transaction(|conn| {
        let before = find(conn, id)?;
        diesel::update(user_groups::table.find(id))
            .set((
                user_groups::name_fr.eq(input.name_fr.trim()),
                user_groups::name_en.eq(input.name_en.trim()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            &actor.origin(),
            "group.update",
            "group",
            id,
            json!({ "code": before.code }),
        )?;
        Ok(())
    })
}

pub fn add_member_by_email(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: GroupId,
    email: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        find(conn, id)?;
        let u = super::queries::by_email(conn, email)?
            .filter(|u| u.active)
            .ok_or_else(|| {
                AppError::Invalid(FieldErrors::single(
                    "email",
                    Msg::new("field-person-unknown"),
                ))
            })?;
        if add_member(conn, id, u.id)? > 0 {
            audit::record(
                conn,
                &actor.origin(),
                "group.member_add",
                "group",
                id,
                json!({ "user_id": u.id }),
            )?;
        }
        Ok(())
    })
}

pub fn remove_member_audited(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: GroupId,
    user: UserId,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        if remove_member(conn, id, user)? > 0 {
            audit::record(
                conn,
                &actor.origin(),
                "group.member_remove",
                "group",
                id,
                json!({ "user_id": user }),
            )?;
        }
        Ok(())
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = user_groups)]
pub struct Group {
    pub id: GroupId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = user_groups)]
pub struct GroupForm {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
}

pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<Group>> {
    user_groups::table
        .order(user_groups::name_fr)
        .select(Group::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: GroupId) -> QueryResult<Group> {
    user_groups::table
        .find(id)
        .select(Group::as_select())
        .first(conn)
}

pub fn by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Group>> {
    user_groups::table
        .filter(user_groups::code.eq(code))
        .select(Group::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, g: &GroupForm) -> QueryResult<Group> {
    diesel::insert_into(user_groups::table)
        .values(g)
        .returning(Group::as_returning())
        .get_result(conn)
}

pub fn members(conn: &mut PgConnection, id: GroupId) -> QueryResult<Vec<User>> {
    user_group_members::table
        .inner_join(users::table)
        .filter(user_group_members::group_id.eq(id))
        .order(users::display_name)
        .select(User::as_select())
        .load(conn)
}

pub fn add_member(conn: &mut PgConnection, group: GroupId, user: UserId) -> QueryResult<usize> {
    diesel::insert_into(user_group_members::table)
        .values((
            user_group_members::group_id.eq(group),
            user_group_members::user_id.eq(user),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

pub fn remove_member(conn: &mut PgConnection, group: GroupId, user: UserId) -> QueryResult<usize> {
    diesel::delete(
        user_group_members::table
            .filter(user_group_members::group_id.eq(group))
            .filter(user_group_members::user_id.eq(user)),
    )
    .execute(conn)
}
