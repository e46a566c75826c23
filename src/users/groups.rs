//! Named groups of people (e.g. « Direction générale »): approvers of categories that ask a
//! group's approval and, later, the readers of confidential categories.

use super::group_queries::{self as queries, add_member, find, insert, remove_member, GroupForm};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{GroupId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use diesel::prelude::*;
use serde::Deserialize;
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
        queries::rename(conn, id, input.name_fr.trim(), input.name_en.trim())?;
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
