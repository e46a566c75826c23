//! The rating pages: the form on the request page (signed in) and the signed link of the
//! resolution email — a GET shows the choice (mail scanners open links), a POST records it.

use super::satisfaction::{check, choices, may_rate, rate};
use crate::audit::Origin;
use crate::error::AppError;
use crate::i18n::{self};
use crate::requests::model::RequestNumber;
use crate::web::extract::{AnonCtx, CsrfForm, Ctx};
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/requests/{number}/rating", web::post().to(rate_signed_in))
        .route("/rate/{token}/{score}", web::get().to(one_click))
        .route("/rate/{token}", web::post().to(rate_by_link));
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

impl<'a> LinkView<'a> {
    /// The page of the link `token` of request `number`: no score, no comment, no message.
    fn of(token: &'a str, number: i64) -> Self {
        LinkView {
            token,
            number,
            rating: None,
            comment: "",
            errors: json!({}),
            refused: None,
            saved: false,
        }
    }
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
                rating: Some(rating),
                comment: &r.map(|r| r.comment).unwrap_or_default(),
                ..LinkView::of(&token, number)
            },
        ),
        Err(AppError::Conflict(m)) => link_page(
            &ctx,
            &state,
            StatusCode::CONFLICT,
            LinkView {
                refused: Some(i18n::tr(ctx.locale, &m, &[])),
                ..LinkView::of(&token, number)
            },
        ),
        Err(e) => Err(e),
    }
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
            let again = LinkView {
                rating: form.rating.as_deref().and_then(|r| r.trim().parse().ok()),
                comment: &form.comment,
                errors: crate::web::render::field_messages(ctx.locale, &errors),
                ..LinkView::of(&token, number)
            };
            return link_page(&ctx, &state, StatusCode::UNPROCESSABLE_ENTITY, again);
        }
    };
    let origin = Origin::default();
    let comment = form.comment.clone();
    state
        .db(move |c| rate(c, &origin, number, None, rating, &comment))
        .await?;
    let done = LinkView {
        rating: Some(rating),
        comment: &form.comment,
        saved: true,
        ..LinkView::of(&token, number)
    };
    link_page(&ctx, &state, StatusCode::OK, done)
}
