//! The OpenAPI description of the JSON API, generated from the handlers' annotations (utoipa).

use crate::requests::api;
use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// `{"error": {"code", "message", "fields": {name: [messages]}}}`
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `not_found`, `unauthenticated`, `forbidden`, `invalid`, `bad_request`,
    /// `conflict`, `rule`, `payload_too_large`, `internal`, …
    code: String,
    /// Message in the language of `Accept-Language` (French by default).
    message: String,
    #[schema(value_type = Object)]
    fields: serde_json::Value,
}

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Guichet API", version = "1", description = "Service requests of the school service centre. Create a token with `guichet token create --email E --name N` and send it as `Authorization: Bearer …`."),
    paths(api::catalog_list, api::create, api::list, api::get, api::events, api::comment, api::transition,
          api::assign, api::priority, api::watchers, api::watcher_add, api::watcher_remove, api::upload, api::download,
          crate::approvals::api::pending, crate::approvals::api::steps, crate::approvals::api::decide,
          crate::inbound::api::inbound_mail,
          crate::inventory::api::list, crate::inventory::api::create, crate::inventory::api::get,
          crate::inventory::api::update, crate::inventory::api::history,
          crate::loans::api::list, crate::loans::api::reserve, crate::loans::api::get, crate::loans::api::approve,
          crate::loans::api::refuse, crate::loans::api::acknowledge, crate::loans::api::checkout,
          crate::loans::api::checkin, crate::loans::api::extend, crate::loans::api::cancel,
          crate::loans::api::availability),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&Bearer),
)]
pub struct ApiDoc;

pub async fn spec() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
