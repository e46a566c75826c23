//! Administration of people and teams: accounts (never deleted: deactivated, sessions ended),
//! roles per unit, teams and their members. Every change is audited; opening a person's record
//! is an access to personal information and is audited too.

use super::model::{Domain, NewTeam, NewUserRole, Role, Team, User};
use super::queries;
use super::service::hash_password;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{TeamId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use validator::Validate;

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct PersonInput {
    #[validate(email(code = "field-email"))]
    #[serde(default)]
    pub email: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub display_name: String,
    pub locale: String,
    /// A new password (optional: people signing in through SSO have none).
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub active: Option<String>,
}

/// Checks a person's form: the validator rules (except on `skip`) and the choices, all at once.
fn check_common(input: &PersonInput, skip: &str) -> Result<(String, Option<String>), AppError> {
    let mut errors = FieldErrors::from_validation(input.validate(), &[skip]);
    let locale = match input.locale.as_str() {
        "fr" | "en" => input.locale.clone(),
        _ => {
            errors.add("locale", Msg::new("field-choice"));
            String::new()
        }
    };
    let password = match input.password.as_str() {
        "" => None,
        p if p.chars().count() < 12 => {
            errors.add("password", Msg::new("field-password").arg("min", 12));
            None
        }
        p => Some(p.to_string()),
    };
    errors.into_result()?;
    Ok((locale, password))
}

pub fn create_person(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: PersonInput,
) -> Result<UserId, AppError> {
    let (locale, password) = check_common(&input, "")?;
    let hash = password.as_deref().map(hash_password).transpose()?;
    conn.transaction(|conn| {
        let email = input.email.trim().to_lowercase();
        if queries::by_email(conn, &email)?.is_some() {
            return Err(AppError::Invalid(FieldErrors::single(
                "email",
                Msg::new("field-email-taken"),
            )));
        }
        let u = queries::insert(
            conn,
            &super::model::NewUser {
                email: email.clone(),
                display_name: input.display_name.trim().to_string(),
                locale,
                password_hash: hash,
            },
        )?;
        audit::record(
            conn,
            &actor.origin(),
            "user.create",
            "user",
            u.id,
            json!({ "email": email }),
        )?;
        Ok(u.id)
    })
}

/// One role of a person: its row id, unit and role.
pub type RoleRow = (i64, UnitId, Role);

/// A person's record for the admin page; the read is audited.
pub fn person(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: UserId,
) -> Result<(User, Vec<RoleRow>), AppError> {
    conn.transaction(|conn| {
        let u = queries::find(conn, id)?;
        audit::record(conn, &actor.origin(), "user.read", "user", id, json!({}))?;
        Ok((u, queries::role_rows(conn, id)?))
    })
}

pub fn update_person(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: UserId,
    input: PersonInput,
) -> Result<(), AppError> {
    // An empty address keeps the current one; another one is a rectification (Loi 25).
    let email = input.email.trim().to_lowercase();
    let (locale, password) = check_common(&input, if email.is_empty() { "email" } else { "" })?;
    let hash = password.as_deref().map(hash_password).transpose()?;
    let active = input.active.is_some();
    if id == actor.id && !active {
        return Err(AppError::rule("user-cannot-deactivate-self"));
    }
    conn.transaction(|conn| {
        let before = queries::find(conn, id)?;
        let new_email = (!email.is_empty() && email != before.email).then_some(email.as_str());
        if let Some(e) = new_email {
            if queries::by_email(conn, e)?.is_some() {
                return Err(AppError::Invalid(FieldErrors::single(
                    "email",
                    Msg::new("field-email-taken"),
                )));
            }
            queries::set_email(conn, id, e)?;
        }
        queries::update_profile(conn, id, input.display_name.trim(), &locale, active)?;
        if let Some(h) = &hash {
            queries::set_password_hash(conn, id, h)?;
        }
        if !active || hash.is_some() {
            // A deactivated account or a changed password ends every open session.
            queries::delete_sessions_of(conn, id)?;
        }
        audit::record(
            conn,
            &actor.origin(),
            if before.active && !active { "user.deactivate" } else { "user.update" },
            "user",
            id,
            json!({ "before": { "email": before.email, "display_name": before.display_name, "locale": before.locale, "active": before.active },
                    "after": { "email": new_email.unwrap_or(&before.email), "display_name": input.display_name.trim(), "locale": locale, "active": active },
                    "password_changed": hash.is_some() }),
        )?;
        Ok(())
    })
}

pub fn add_role(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: UserId,
    unit: UnitId,
    role: Role,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        queries::find(conn, id)?;
        crate::units::queries::find(conn, unit)
            .optional()?
            .ok_or_else(|| {
                AppError::Invalid(FieldErrors::single("unit", Msg::new("field-choice")))
            })?;
        if queries::add_role(
            conn,
            &NewUserRole {
                user_id: id,
                unit_id: unit,
                role,
            },
        )? > 0
        {
            audit::record(
                conn,
                &actor.origin(),
                "user.role_add",
                "user",
                id,
                json!({ "unit_id": unit, "role": role }),
            )?;
        }
        Ok(())
    })
}

pub fn remove_role(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: UserId,
    role_id: i64,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let roles = queries::role_rows(conn, id)?;
        let (_, unit, role) = roles
            .into_iter()
            .find(|r| r.0 == role_id)
            .ok_or(AppError::NotFound)?;
        if id == actor.id && role == Role::Admin {
            return Err(AppError::rule("user-cannot-remove-own-admin"));
        }
        queries::remove_role(conn, id, role_id)?;
        audit::record(
            conn,
            &actor.origin(),
            "user.role_remove",
            "user",
            id,
            json!({ "unit_id": unit, "role": role }),
        )?;
        Ok(())
    })
}

/// The other addresses a person writes from (inbound mail recognizes them as this person).
pub fn aliases(conn: &mut PgConnection, id: UserId) -> QueryResult<Vec<String>> {
    queries::aliases(conn, id)
}

pub fn add_alias(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: UserId,
    email: &str,
) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    if !validator::ValidateEmail::validate_email(&email) {
        return Err(AppError::Invalid(FieldErrors::single(
            "email",
            Msg::new("field-email"),
        )));
    }
    conn.transaction(|conn| {
        queries::find(conn, id)?;
        let taken =
            queries::by_email(conn, &email)?.is_some() || queries::alias_exists(conn, &email)?;
        if taken {
            return Err(AppError::Invalid(FieldErrors::single(
                "email",
                Msg::new("field-email-taken"),
            )));
        }
        queries::insert_alias(conn, id, &email)?;
        audit::record(
            conn,
            &actor.origin(),
            "user.alias_add",
            "user",
            id,
            json!({ "email": email }),
        )?;
        Ok(())
    })
}

pub fn remove_alias(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: UserId,
    email: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let n = queries::delete_alias(conn, id, &email.to_lowercase())?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &actor.origin(),
            "user.alias_remove",
            "user",
            id,
            json!({ "email": email }),
        )?;
        Ok(())
    })
}

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct TeamInput {
    #[validate(regex(path = *crate::units::service::CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_fr: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_en: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub lead: String,
    #[serde(default)]
    pub active: Option<String>,
}

fn lead_of(input: &TeamInput) -> Result<Option<UserId>, AppError> {
    match input.lead.trim() {
        "" => Ok(None),
        l => l
            .parse()
            .map(|id| Some(UserId(id)))
            .map_err(|_| AppError::Invalid(FieldErrors::single("lead", Msg::new("field-choice")))),
    }
}

pub fn create_team(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: TeamInput,
) -> Result<TeamId, AppError> {
    input.validate()?;
    let domain = Domain::parse(&input.domain).ok_or_else(|| {
        AppError::Invalid(FieldErrors::single("domain", Msg::new("field-choice")))
    })?;
    conn.transaction(|conn| {
        let t = queries::insert_team(
            conn,
            &NewTeam {
                code: input.code.trim().to_string(),
                name_fr: input.name_fr.trim().to_string(),
                name_en: input.name_en.trim().to_string(),
                domain,
                lead_id: None,
            },
        )
        .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?;
        audit::record(
            conn,
            &actor.origin(),
            "team.create",
            "team",
            t.id,
            json!({ "code": t.code }),
        )?;
        Ok(t.id)
    })
}

/// Updates a team's names, lead (who must be a member) and whether it is active.
pub fn update_team(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: TeamId,
    input: TeamInput,
) -> Result<(), AppError> {
    FieldErrors::from_validation(input.validate(), &["code"]).into_result()?;
    let lead = lead_of(&input)?;
    conn.transaction(|conn| {
        let before: Team = queries::team(conn, id)?;
        if let Some(l) = lead {
            if !queries::is_team_member(conn, id, l)? {
                return Err(AppError::Invalid(FieldErrors::single("lead", Msg::new("field-choice"))));
            }
        }
        let active = input.active.is_some();
        queries::update_team(conn, id, input.name_fr.trim(), input.name_en.trim(), lead, active)?;
        audit::record(
            conn,
            &actor.origin(),
            "team.update",
            "team",
            id,
            json!({ "before": { "name_fr": before.name_fr, "lead": before.lead_id, "active": before.active },
                    "after": { "name_fr": input.name_fr.trim(), "lead": lead, "active": active } }),
        )?;
        Ok(())
    })
}

pub fn add_member(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    team: TeamId,
    email: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        queries::team(conn, team)?;
        let u = queries::by_email(conn, email)?
            .filter(|u| u.active)
            .ok_or_else(|| {
                AppError::Invalid(FieldErrors::single(
                    "email",
                    Msg::new("field-person-unknown"),
                ))
            })?;
        if queries::add_team_member(conn, team, u.id)? > 0 {
            audit::record(
                conn,
                &actor.origin(),
                "team.member_add",
                "team",
                team,
                json!({ "user_id": u.id }),
            )?;
        }
        Ok(())
    })
}

pub fn remove_member(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    team: TeamId,
    user: UserId,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let t = queries::team(conn, team)?;
        if t.lead_id == Some(user) {
            return Err(AppError::rule("team-lead-must-stay"));
        }
        if queries::remove_team_member(conn, team, user)? > 0 {
            audit::record(
                conn,
                &actor.origin(),
                "team.member_remove",
                "team",
                team,
                json!({ "user_id": user }),
            )?;
        }
        Ok(())
    })
}
