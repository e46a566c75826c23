//! Approvals in the JSON API: what waits for my decision, a request's steps, and the decision.

use super::service::{self, Decision};
use super::ApprovalView;
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::{RequestNumber, RequestView};
use crate::requests::views as request_views;
use crate::web::extract::{resolve_locale, ApiUser};
use crate::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/approvals", web::get().to(pending))
        .route("/requests/{number}/approvals", web::get().to(steps))
        .route("/requests/{number}/approval", web::post().to(decide));
}

fn number(raw: &str) -> Result<RequestNumber, AppError> {
    RequestNumber::parse(raw).ok_or(AppError::NotFound)
}

/// The requests waiting for my decision (as a unit director or a member of a named group),
/// oldest first.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "approvals",
    responses((status = 200, body = [RequestView]), (status = 401, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn pending(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let user = user.0;
    let views = state
        .db(move |c| {
            let rows = service::pending_for(c, &user)?
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            request_views::hydrate(c, rows, locale)
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// The approval steps of a request, in order.
#[utoipa::path(get, path = "/api/v1/requests/{number}/approvals", tag = "approvals",
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = [ApprovalView]), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn steps(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let user = user.0;
    let views = state
        .db(move |c| {
            let (r, _) = crate::requests::reading::load(c, &user, num, false)?;
            let steps = service::steps_of(c, r.id)?;
            Ok(service::views(c, &steps, locale)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `approve` or `refuse`.
    decision: String,
    /// Required to refuse (the reason, sent to the requester).
    #[serde(default)]
    comment: String,
}

/// Approves or refuses the step waiting for my decision. The last approval moves the request
/// on; a refusal cancels it.
#[utoipa::path(post, path = "/api/v1/requests/{number}/approval", tag = "approvals", request_body = DecisionBody,
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = RequestView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn decide(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<DecisionBody>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let b = body.into_inner();
    let decision = Decision::parse(&b.decision).ok_or_else(|| {
        AppError::Invalid(FieldErrors::single("decision", Msg::new("field-choice")))
    })?;
    let user = user.0;
    let view = state
        .db(move |c| {
            request_views::changed(c, &user, num, locale, |c| {
                service::decide(c, &user, num, decision, &b.comment)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
