//! Satisfaction: once a request is resolved its requester rates it from 1 to 5, with an
//! optional comment, on the request's page or with one click in the resolution email (a link
//! signed for that request, valid without signing in). One rating per request; giving another
//! replaces it. The staff sees it on the request; the dashboards count it.

use crate::audit::{self, Origin};
use crate::auth::CurrentUser;
use crate::db::schema::{requests, satisfaction_ratings};
use crate::db::UserId;
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::requests::model::RequestNumber;
use crate::web::extract::{AnonCtx, CsrfForm, Ctx};
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

pub const COMMENT_MAX: usize = 2000;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/requests/{number}/rating", web::post().to(rate_signed_in))
        .route("/rate/{token}/{score}", web::get().to(one_click))
        .route("/rate/{token}", web::post().to(rate_by_link));
}

pub struct Rating {
    pub rating: i16,
    pub comment: String,
    pub updated_at: DateTime<Utc>,
}

pub fn of_request(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Rating>> {
    satisfaction_ratings::table
        .find(id)
        .select((
            satisfaction_ratings::rating,
            satisfaction_ratings::comment,
            satisfaction_ratings::updated_at,
        ))
        .first::<(i16, String, DateTime<Utc>)>(conn)
        .optional()
        .map(|r| {
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
        let (id, requester, resolved_at): (i64, UserId, Option<DateTime<Utc>>) = requests::table
            .filter(requests::number.eq(number))
            .select((requests::id, requests::requester_id, requests::resolved_at))
            .for_update()
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        if by.is_some_and(|b| b != requester) {
            return Err(AppError::Forbidden);
        }
        if resolved_at.is_none() {
            return Err(AppError::Conflict("rating-not-resolved".into()));
        }
        let now = Utc::now();
        // The request's domain, team, unit and category as they are when it is rated.
        diesel::sql_query(
            "INSERT INTO satisfaction_ratings (request_id, rating, comment, rated_by, domain, team_id,
                                               unit_id, category_id)
             SELECT id, $2, $3, requester_id, domain, team_id, unit_id, category_id
               FROM requests WHERE id = $1
             ON CONFLICT (request_id) DO UPDATE
               SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, domain = EXCLUDED.domain,
                   team_id = EXCLUDED.team_id, unit_id = EXCLUDED.unit_id,
                   category_id = EXCLUDED.category_id, updated_at = $4",
        )
        .bind::<diesel::sql_types::BigInt, _>(id)
        .bind::<diesel::sql_types::SmallInt, _>(rating)
        .bind::<diesel::sql_types::Text, _>(comment.trim())
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .execute(conn)?;
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
    let (id, requester, resolved_at): (i64, UserId, Option<DateTime<Utc>>) = requests::table
        .filter(requests::id.eq(of.id))
        .select((requests::id, requests::requester_id, requests::resolved_at))
        .first(conn)?;
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

fn choices(loc: Locale, selected: Option<i16>) -> Vec<Value> {
    (1..=5)
        .map(|n: i16| {
            json!({"value": n, "label": i18n::tr(loc, "rating-value", &[("n".into(), n.to_string())]),
                   "selected": Some(n) == selected})
        })
        .collect()
}

#[derive(Deserialize)]
struct RatingForm {
    rating: Option<String>,
    #[serde(default)]
    comment: String,
}

async fn rate_signed_in(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<RatingForm>,
) -> Result<HttpResponse, AppError> {
    let number = RequestNumber::parse(&path).ok_or(AppError::NotFound)?;
    let form = form.0;
    let origin = ctx.user.origin();
    let by = ctx.user.id;
    let result = match check(form.rating.as_deref(), &form.comment) {
        Ok(rating) => {
            state
                .db(move |c| rate(c, &origin, number.0, Some(by), rating, &form.comment))
                .await
        }
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    crate::requests::show::after_action(&ctx, &state, number, "rating", result).await
}

/// The request a rating link names; not found when its signature is wrong.
async fn link_number(state: &AppState, token: &str) -> Result<i64, AppError> {
    let t = token.to_string();
    state
        .db(move |c| {
            Ok(crate::signing::rating_token_number(
                &crate::signing::instance_key(c)?,
                &t,
            ))
        })
        .await?
        .ok_or(AppError::NotFound)
}

/// What the page of a rating link shows.
struct LinkView<'a> {
    token: &'a str,
    number: i64,
    rating: Option<i16>,
    comment: &'a str,
    errors: Value,
    refused: Option<String>,
    /// The rating was just recorded.
    saved: bool,
}

/// The page of the rating link: thanks, the rating given, and the comment form.
fn link_page(
    ctx: &AnonCtx,
    state: &AppState,
    status: StatusCode,
    v: LinkView,
) -> Result<HttpResponse, AppError> {
    let LinkView {
        token,
        number,
        rating,
        comment,
        errors,
        refused,
        saved,
    } = v;
    ctx.render_status(
        state,
        status,
        "pages/rating",
        json!({
            "title": i18n::tr(ctx.locale, "rating-title", &[]),
            "number": RequestNumber(number).to_string(),
            "token": token,
            "rating": rating,
            "comment": comment,
            "choices": choices(ctx.locale, rating),
            "errors": errors,
            "refused": refused,
            "saved": saved,
        }),
    )
}

/// The link in the email: shows the score clicked, chosen in the form, and records nothing —
/// mail scanners (Safe Links and the like) open every link of a message. The form's POST
/// records it.
async fn one_click(
    ctx: AnonCtx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (token, score) = path.into_inner();
    let number = link_number(&state, &token).await?;
    let rating = check(Some(&score), "").map_err(|_| AppError::NotFound)?;
    let current = state.db(move |c| may_rate(c, number)).await;
    match current {
        Ok(r) => link_page(
            &ctx,
            &state,
            StatusCode::OK,
            LinkView {
                token: &token,
                number,
                rating: Some(rating),
                comment: &r.map(|r| r.comment).unwrap_or_default(),
                errors: json!({}),
                refused: None,
                saved: false,
            },
        ),
        Err(AppError::Conflict(m)) => link_page(
            &ctx,
            &state,
            StatusCode::CONFLICT,
            LinkView {
                token: &token,
                number,
                rating: None,
                comment: "",
                errors: json!({}),
                refused: Some(i18n::tr(ctx.locale, &m, &[])),
                saved: false,
            },
        ),
        Err(e) => Err(e),
    }
}

/// The rating a request has so far, when it may be rated (resolved); reads only.
fn may_rate(conn: &mut PgConnection, number: i64) -> Result<Option<Rating>, AppError> {
    let (id, resolved_at): (i64, Option<DateTime<Utc>>) = requests::table
        .filter(requests::number.eq(number))
        .select((requests::id, requests::resolved_at))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if resolved_at.is_none() {
        return Err(AppError::Conflict("rating-not-resolved".into()));
    }
    Ok(of_request(conn, id)?)
}

/// The comment form of the rating link's page (the score may be changed there too).
async fn rate_by_link(
    ctx: AnonCtx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<RatingForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let number = link_number(&state, &token).await?;
    let form = form.0;
    let rating = match check(form.rating.as_deref(), &form.comment) {
        Ok(r) => r,
        Err(errors) => {
            let messages = crate::web::render::field_messages(ctx.locale, &errors);
            let current = form.rating.as_deref().and_then(|r| r.trim().parse().ok());
            return link_page(
                &ctx,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                LinkView {
                    token: &token,
                    number,
                    rating: current,
                    comment: &form.comment,
                    errors: messages,
                    refused: None,
                    saved: false,
                },
            );
        }
    };
    let origin = Origin::default();
    let comment = form.comment.clone();
    state
        .db(move |c| rate(c, &origin, number, None, rating, &comment))
        .await?;
    link_page(
        &ctx,
        &state,
        StatusCode::OK,
        LinkView {
            token: &token,
            number,
            rating: Some(rating),
            comment: &form.comment,
            errors: json!({}),
            refused: None,
            saved: true,
        },
    )
}
