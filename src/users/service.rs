//! Rules about people: passwords (Argon2id), signing in with throttling, server-side sessions,
//! API tokens and account creation.

use super::model::*;
use super::queries;
use crate::audit::{self, Origin};
use crate::auth::CurrentUser;
use crate::db::{UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random secret for cookies and tokens (256 bits, URL-safe).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Secrets are stored only as their SHA-256.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn identity(conn: &mut PgConnection, user: &User) -> QueryResult<CurrentUser> {
    let (roles, teams, groups) = queries::memberships(conn, user.id)?;
    Ok(CurrentUser::new(user, roles, teams, groups))
}

pub struct SignIn {
    pub email: String,
    pub password: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub struct SignInLimits {
    pub max_failures: i64,
    pub window_minutes: i64,
}

/// Checks the password and opens a session; returns the session cookie value.
pub fn sign_in(
    conn: &mut PgConnection,
    cmd: SignIn,
    limits: &SignInLimits,
) -> Result<(String, User), AppError> {
    let email = cmd.email.trim().to_lowercase();
    let since = Utc::now() - Duration::minutes(limits.window_minutes);
    if queries::recent_failures(conn, &email, since)? >= limits.max_failures {
        return Err(AppError::Throttled);
    }
    let user = queries::by_email(conn, &email)?;
    let ok = match user
        .as_ref()
        .and_then(|u| u.password_hash.as_deref().map(|h| (u, h)))
    {
        Some((u, hash)) => verify_password(&cmd.password, hash) && u.active,
        None => {
            // Spend the same time as a real check so timing does not reveal accounts.
            let _ = hash_password(&cmd.password);
            false
        }
    };
    queries::record_attempt(conn, &email, cmd.ip.as_deref(), ok)?;
    let user = match (ok, user) {
        (true, Some(u)) => u,
        _ => {
            return Err(AppError::Invalid(FieldErrors::single(
                "password",
                Msg::new("sign-in-failed"),
            )))
        }
    };
    let token = open_session(
        conn,
        &user,
        cmd.ip.as_deref(),
        cmd.user_agent.as_deref(),
        "password",
    )?;
    Ok((token, user))
}

/// Opens a session for a person who proved who they are (`method`: `password`, `oidc`); returns
/// the session cookie value.
pub fn open_session(
    conn: &mut PgConnection,
    user: &User,
    ip: Option<&str>,
    user_agent: Option<&str>,
    method: &str,
) -> Result<String, AppError> {
    let token = new_secret();
    conn.transaction(|conn| {
        queries::insert_session(
            conn,
            &secret_hash(&token),
            user.id,
            &new_secret(),
            ip,
            user_agent,
        )?;
        audit::record(
            conn,
            &Origin {
                actor: Some(user.id),
                ip: ip.map(str::to_string),
            },
            "user.sign_in",
            "user",
            user.id,
            serde_json::json!({ "method": method }),
        )
    })?;
    Ok(token)
}

/// A live session's user and CSRF token: ends it when idle too long or the account is inactive,
/// and records activity at most once a minute.
/// How long sessions last: idle minutes, and hours after sign-in whatever the activity.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle_minutes: i64,
    pub max_hours: i64,
}

impl SessionLimits {
    pub fn of(s: &crate::config::Settings) -> SessionLimits {
        SessionLimits {
            idle_minutes: s.session_idle_minutes,
            max_hours: s.session_max_hours,
        }
    }
}

fn live_session(
    conn: &mut PgConnection,
    token: &str,
    limits: SessionLimits,
) -> Result<Option<(User, String)>, AppError> {
    let hash = secret_hash(token);
    let Some((id, user, csrf, last_seen, created)) = queries::session(conn, &hash)? else {
        return Ok(None);
    };
    let now = Utc::now();
    if !user.active
        || now - last_seen > Duration::minutes(limits.idle_minutes)
        || now - created > Duration::hours(limits.max_hours)
    {
        queries::delete_session(conn, &hash)?;
        return Ok(None);
    }
    if now - last_seen > Duration::seconds(60) {
        queries::touch_session(conn, id)?;
    }
    Ok(Some((user, csrf)))
}

/// The person behind a session cookie, with the session's CSRF token, if the session is live.
pub fn session_user(
    conn: &mut PgConnection,
    token: &str,
    limits: SessionLimits,
) -> Result<Option<(CurrentUser, String)>, AppError> {
    match live_session(conn, token, limits)? {
        Some((user, csrf)) => Ok(Some((identity(conn, &user)?, csrf))),
        None => Ok(None),
    }
}

/// Only the CSRF token of a live session (no roles or teams loaded), for checking forms.
pub fn session_csrf(
    conn: &mut PgConnection,
    token: &str,
    limits: SessionLimits,
) -> Result<Option<String>, AppError> {
    Ok(live_session(conn, token, limits)?.map(|(_, csrf)| csrf))
}

/// « Sign out everywhere »: ends every session of the person (other browsers, a forgotten
/// computer), audited.
pub fn sign_out_everywhere(conn: &mut PgConnection, origin: &Origin) -> Result<usize, AppError> {
    let Some(actor) = origin.actor else {
        return Ok(0);
    };
    conn.transaction(|conn| {
        let n = queries::delete_sessions_of(conn, actor)?;
        audit::record(
            conn,
            origin,
            "user.sign_out_everywhere",
            "user",
            actor,
            serde_json::json!({ "sessions": n }),
        )?;
        Ok(n)
    })
}

pub fn sign_out(conn: &mut PgConnection, token: &str, origin: &Origin) -> Result<(), AppError> {
    conn.transaction(|conn| {
        if queries::delete_session(conn, &secret_hash(token))? > 0 {
            if let Some(actor) = origin.actor {
                audit::record(
                    conn,
                    origin,
                    "user.sign_out",
                    "user",
                    actor,
                    serde_json::json!({}),
                )?;
            }
        }
        Ok(())
    })
}

pub fn token_user(conn: &mut PgConnection, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let Some((id, last_used, user)) = queries::token_user(conn, &secret_hash(token))? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    if !queries::token_use_is_recent(last_used) {
        queries::touch_token(conn, id)?;
    }
    Ok(Some(identity(conn, &user)?))
}

/// Creates an API token for a person; the token is returned once and stored hashed.
pub fn create_token(conn: &mut PgConnection, email: &str, name: &str) -> Result<String, AppError> {
    let user = queries::by_email(conn, email)?.ok_or(AppError::NotFound)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Invalid(FieldErrors::single(
            "name",
            Msg::new("field-required"),
        )));
    }
    let token = format!("gch_{}", new_secret());
    conn.transaction(|conn| {
        queries::insert_token(conn, user.id, name, &secret_hash(&token))?;
        audit::record(
            conn,
            &Origin {
                actor: None,
                ip: None,
            },
            "api_token.create",
            "user",
            user.id,
            serde_json::json!({ "name": name }),
        )
    })?;
    Ok(token)
}

pub struct NewAccount {
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub password_hash: Option<String>,
    pub roles: Vec<(UnitId, Role)>,
}

/// Creates a person with their roles (or returns the existing one, adding the roles).
pub fn upsert_account(
    conn: &mut PgConnection,
    origin: &Origin,
    a: NewAccount,
) -> Result<UserId, AppError> {
    conn.transaction(|conn| {
        let email = a.email.trim().to_lowercase();
        let user = match queries::by_email(conn, &email)? {
            Some(u) => {
                if let Some(h) = &a.password_hash {
                    queries::set_password_hash(conn, u.id, h)?;
                }
                u
            }
            None => {
                let u = queries::insert(
                    conn,
                    &NewUser {
                        email: email.clone(),
                        display_name: a.display_name.clone(),
                        locale: a.locale.clone(),
                        password_hash: a.password_hash.clone(),
                    },
                )?;
                audit::record(
                    conn,
                    origin,
                    "user.create",
                    "user",
                    u.id,
                    serde_json::json!({ "email": email }),
                )?;
                u
            }
        };
        for (unit_id, role) in &a.roles {
            if queries::add_role(
                conn,
                &NewUserRole {
                    user_id: user.id,
                    unit_id: *unit_id,
                    role: *role,
                },
            )? > 0
            {
                audit::record(
                    conn,
                    origin,
                    "user.role_add",
                    "user",
                    user.id,
                    serde_json::json!({ "unit_id": unit_id, "role": role }),
                )?;
            }
        }
        Ok(user.id)
    })
}

pub fn set_locale(
    conn: &mut PgConnection,
    user: UserId,
    locale: crate::i18n::Locale,
) -> Result<(), AppError> {
    queries::set_locale(conn, user, locale.code())?;
    Ok(())
}

/// How a person wants to hear about their requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyChoice {
    /// One message per event.
    All,
    /// Non-essential messages gathered in a daily digest.
    Digest,
    /// Only approvals and exceeded times.
    Essential,
}

impl NotifyChoice {
    pub fn parse(s: &str) -> Option<NotifyChoice> {
        match s {
            "all" => Some(NotifyChoice::All),
            "digest" => Some(NotifyChoice::Digest),
            "essential" => Some(NotifyChoice::Essential),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            NotifyChoice::All => "all",
            NotifyChoice::Digest => "digest",
            NotifyChoice::Essential => "essential",
        }
    }
    pub fn of(u: &super::model::User) -> NotifyChoice {
        match (u.notify_optional, u.notify_digest) {
            (false, _) => NotifyChoice::Essential,
            (true, true) => NotifyChoice::Digest,
            (true, false) => NotifyChoice::All,
        }
    }
}

/// Saves a person's own preferences: language and notifications.
pub fn set_preferences(
    conn: &mut PgConnection,
    user: &CurrentUser,
    locale: crate::i18n::Locale,
    choice: NotifyChoice,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        queries::set_preferences(
            conn,
            user.id,
            locale.code(),
            choice == NotifyChoice::Digest,
            choice != NotifyChoice::Essential,
        )?;
        crate::audit::record(
            conn,
            &user.origin(),
            "user.preferences",
            "user",
            user.id,
            serde_json::json!({ "locale": locale.code(), "notifications": choice.code() }),
        )?;
        Ok(())
    })
}

/// Forgets idle sessions and old sign-in attempts. Idempotent, so several servers may run it.
pub fn purge_expired(
    conn: &mut PgConnection,
    limits: SessionLimits,
    attempts_window_minutes: i64,
) -> Result<(usize, usize), AppError> {
    let now = Utc::now();
    let sessions =
        queries::delete_idle_sessions(conn, now - Duration::minutes(limits.idle_minutes))?
            + queries::delete_sessions_from_before(conn, now - Duration::hours(limits.max_hours))?;
    // Keep attempts a day, well past the throttling window, for investigations.
    let keep = Duration::minutes(attempts_window_minutes.max(24 * 60));
    let attempts = queries::delete_attempts_before(conn, now - keep)?;
    Ok((sessions, attempts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
    }

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let a = new_secret();
        assert_ne!(a, new_secret());
        assert_eq!(secret_hash(&a).len(), 64);
    }
}
