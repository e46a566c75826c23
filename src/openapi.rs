//! The OpenAPI description of the JSON API, generated from the handlers' annotations (utoipa).

use crate::error::{ErrorBody, ErrorDetail};
use crate::requests::api;
use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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

/// Every operation may answer with the error shape: bad input, no or wrong token, not allowed, not
/// found (also what one may not see), refused by a rule, too large, invalid fields, throttled.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        const ERRORS: &[(&str, &str)] = &[
            ("400", "Malformed request"),
            ("401", "No valid token"),
            ("403", "Not allowed"),
            ("404", "Not found, or not yours to see"),
            ("409", "Refused by a rule"),
            ("413", "Too large"),
            ("415", "Unsupported content type"),
            ("422", "Invalid fields"),
            ("429", "Too many requests for this token"),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                for (code, what) in ERRORS {
                    if !op.responses.responses.contains_key(*code) {
                        let response = ResponseBuilder::new()
                            .description(*what)
                            .content(
                                "application/json",
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                                    .build(),
                            )
                            .build();
                        op.responses
                            .responses
                            .insert(code.to_string(), response.into());
                    }
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Guichet API", version = "1", description = "Service requests of the school service centre. Create a token with `guichet token create --email E --name N` and send it as `Authorization: Bearer …`."),
    paths(api::catalog_list, api::choices, api::create, api::list, api::get, api::events, api::comment, api::transition,
          api::assign, api::priority, api::watchers, api::watcher_add, api::watcher_remove, api::upload, api::download,
          crate::approvals::api::pending, crate::approvals::api::steps, crate::approvals::api::decide,
          crate::inbound::api::inbound_mail,
          crate::inventory::api::list, crate::inventory::api::create, crate::inventory::api::get,
          crate::inventory::api::update, crate::inventory::api::history,
          crate::loans::api::list, crate::loans::api::reserve, crate::loans::api::get, crate::loans::api::approve,
          crate::loans::api::refuse, crate::loans::api::acknowledge, crate::loans::api::checkout,
          crate::loans::api::checkin, crate::loans::api::extend, crate::loans::api::cancel,
          crate::loans::api::availability, crate::transport::api::list, crate::dashboard::api::get),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&Bearer, &ErrorResponses),
)]
pub struct ApiDoc;

pub async fn spec() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
