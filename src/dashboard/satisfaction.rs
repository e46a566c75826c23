//! Satisfaction: once a request is resolved its requester rates it from 1 to 5, with an
//! optional comment, on the request's page or with one click in the resolution email (a link
//! signed for that request, valid without signing in). One rating per request; giving another
//! replaces it. The staff sees it on the request; the dashboards count it.

use super::queries;
use crate::audit::{self, Origin};
use crate::auth::CurrentUser;
use crate::db::UserId;
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::requests::model::RequestNumber;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

pub const COMMENT_MAX: usize = 2000;

pub struct Rating {
    pub rating: i16,
    pub comment: String,
    pub updated_at: DateTime<Utc>,
}

pub fn of_request(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Rating>> {
    queries::rating_of(conn, id).map(|r| {
        r.map(|(rating, comment, updated_at)| Rating {
            rating,
            comment,
            updated_at,
        })
    })
}

/// Checks a rating and its comment; the errors name the fields.
pub fn check(rating: Option<&str>, comment: &str) -> Result<i16, FieldErrors> {
    let mut errors = FieldErrors::default();
    let value = rating
        .map(str::trim)
        .and_then(|r| r.parse::<i16>().ok())
        .filter(|r| (1..=5).contains(r));
    if value.is_none() {
        errors.add("rating", Msg::new("rating-required"));
    }
    if comment.chars().count() > COMMENT_MAX {
        errors.add(
            "comment",
            Msg::new("field-too-long").arg("max", COMMENT_MAX),
        );
    }
    match value {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(errors),
    }
}

/// Records the rating of the requester of request `number` (who must be `by`, or the holder of
/// the signed link when `by` is `None`). Refused until the request is resolved.
pub fn rate(
    conn: &mut PgConnection,
    origin: &Origin,
    number: i64,
    by: Option<UserId>,
    rating: i16,
    comment: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (id, requester, resolved_at) =
            queries::rating_facts(conn, number, true)?.ok_or(AppError::NotFound)?;
        if by.is_some_and(|b| b != requester) {
            return Err(AppError::Forbidden);
        }
        if resolved_at.is_none() {
            return Err(AppError::Conflict("rating-not-resolved".into()));
        }
        let now = Utc::now();
        // The request's domain, team, unit and category as they are when it is rated.
        queries::save_rating(conn, id, rating, comment.trim(), now)?;
        audit::record(
            conn,
            origin,
            "request.rated",
            "request",
            RequestNumber(number),
            json!({ "rating": rating, "by_link": by.is_none() }),
        )?;
        Ok(())
    })
}

/// The « Votre avis » section of a request's page: the form for its requester once it is
/// resolved, the rating for the others who read it.
pub fn request_section(
    conn: &mut PgConnection,
    user: &CurrentUser,
    of: &crate::requests::model::SectionOf,
    loc: Locale,
) -> Result<Value, AppError> {
    let (id, requester, resolved_at) = queries::rating_facts_of(conn, of.id)?;
    if resolved_at.is_none() {
        return Ok(Value::Null);
    }
    let rating = of_request(conn, id)?;
    let mine = requester == user.id;
    if !mine && rating.is_none() {
        return Ok(Value::Null);
    }
    Ok(json!({
        "mine": mine,
        "rating": rating.as_ref().map(|r| r.rating),
        "comment": rating.as_ref().map(|r| r.comment.clone()).unwrap_or_default(),
        "when": rating.as_ref().map(|r| i18n::format_datetime(loc, r.updated_at)),
        "choices": choices(loc, rating.as_ref().map(|r| r.rating)),
    }))
}

pub fn choices(loc: Locale, selected: Option<i16>) -> Vec<Value> {
    (1..=5)
        .map(|n: i16| {
            json!({"value": n, "label": i18n::tr(loc, "rating-value", &[("n".into(), n.to_string())]),
                   "selected": Some(n) == selected})
        })
        .collect()
}

/// The rating a request has so far, when it may be rated (resolved); reads only.
pub fn may_rate(conn: &mut PgConnection, number: i64) -> Result<Option<Rating>, AppError> {
    let (id, _, resolved_at) =
        queries::rating_facts(conn, number, false)?.ok_or(AppError::NotFound)?;
    if resolved_at.is_none() {
        return Err(AppError::Conflict("rating-not-resolved".into()));
    }
    Ok(of_request(conn, id)?)
}
