//! The JSON API of the inventory (`/api/v1/assets`). Bearer-token authentication; the same
//! rules as the pages, through `inventory::service` and `inventory::views`.

use super::model::{AssetEventView, AssetView};
use super::service::{self, AssetChanges};
use super::views::{self, AssetListParams};
use crate::error::AppError;
use crate::web::extract::{resolve_locale, ApiUser};
use crate::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::Connection;
use serde::Serialize;
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets", web::get().to(list))
        .route("/assets", web::post().to(create))
        .route("/assets/{tag}", web::get().to(get))
        .route("/assets/{tag}", web::patch().to(update))
        .route("/assets/{tag}/history", web::get().to(history));
}

#[derive(Serialize, ToSchema)]
pub struct AssetPage {
    items: Vec<AssetView>,
    /// Pass as `cursor` for the next page; null on the last page.
    next_cursor: Option<String>,
}

/// Lists the equipment you may see, by inventory number.
#[utoipa::path(get, path = "/api/v1/assets", tag = "inventory", params(AssetListParams),
    responses((status = 200, body = AssetPage), (status = 422, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let params: AssetListParams = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let locale = resolve_locale(&req);
    let (rows, next_cursor) = state
        .db(move |c| views::list(c, &user.0, &params, 50))
        .await?;
    let items = rows.iter().map(|r| views::row_view(r, locale)).collect();
    Ok(HttpResponse::Ok().json(AssetPage { items, next_cursor }))
}

/// Adds an asset. A new maker and model pair is added to the models with the given type.
#[utoipa::path(post, path = "/api/v1/assets", tag = "inventory", request_body = AssetChanges,
    responses((status = 201, body = AssetView), (status = 422, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<AssetChanges>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let user = user.0;
    let view = state
        .db(move |c| {
            c.transaction(|c| {
                let a = service::save(c, &user, None, body.into_inner(), None)?;
                views::view(c, &user, &a.tag, locale)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/assets/{}", view.tag)))
        .json(view))
}

/// One asset. Reading whom it is assigned to is recorded in the access log.
#[utoipa::path(get, path = "/api/v1/assets/{tag}", tag = "inventory",
    params(("tag" = String, Path, description = "inventory number")),
    responses((status = 200, body = AssetView), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let view = state
        .db(move |c| views::view(c, &user.0, &path, locale))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes an asset: only the fields given; a status change must follow the lifecycle
/// (409 otherwise).
#[utoipa::path(patch, path = "/api/v1/assets/{tag}", tag = "inventory", request_body = AssetChanges,
    params(("tag" = String, Path, description = "inventory number")),
    responses((status = 200, body = AssetView), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<AssetChanges>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let user = user.0;
    let view = state
        .db(move |c| {
            c.transaction(|c| {
                views::readable(c, &user, &path)?;
                let a = service::save(c, &user, Some(&path), body.into_inner(), None)?;
                views::view(c, &user, &a.tag, locale)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The history of an asset, newest first.
#[utoipa::path(get, path = "/api/v1/assets/{tag}/history", tag = "inventory",
    params(("tag" = String, Path, description = "inventory number")),
    responses((status = 200, body = [AssetEventView]), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn history(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let events = state
        .db(move |c| views::history(c, &user.0, &path, locale))
        .await?;
    Ok(HttpResponse::Ok().json(events))
}
