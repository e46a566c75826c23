//! Turns errors into what people see: a localized error page (or a redirect to sign in) for
//! pages, `{"error": {"code", "message", "fields"}}` for the API. 5xx causes go to the log only.

use super::extract::resolve_locale;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

pub fn handlers<B: MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(handle)
}

/// What we know of a failed response once it has been taken apart.
struct Failure {
    status: StatusCode,
    code: &'static str,
    message: crate::error::Msg,
    fields: Option<crate::error::FieldErrors>,
    unauthenticated: bool,
}

fn failure_of(status: StatusCode, err: Option<&AppError>) -> Failure {
    match err {
        Some(e) => Failure {
            status: e.status(),
            code: e.code(),
            message: e.message(),
            fields: match e {
                AppError::Invalid(f) => Some(f.clone()),
                _ => None,
            },
            unauthenticated: matches!(e, AppError::Unauthenticated),
        },
        None => {
            let e = match status {
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => AppError::NotFound,
                StatusCode::UNAUTHORIZED => AppError::Unauthenticated,
                StatusCode::FORBIDDEN => AppError::Forbidden,
                StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
                s if s.is_client_error() => {
                    AppError::BadRequest(s.canonical_reason().unwrap_or("").to_string())
                }
                _ => AppError::Internal(status.to_string()),
            };
            let mut f = failure_of(status, Some(&e));
            f.status = status;
            f
        }
    }
}

fn handle<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // A page a handler rendered itself (a form with its errors) is left as it is.
    let has_error = res.response().error().is_some();
    let has_body = !matches!(
        res.response().body().size(),
        actix_web::body::BodySize::None | actix_web::body::BodySize::Sized(0)
    );
    if !has_error && has_body {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let failure = {
        let err = res
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>());
        if let Some(e) = err {
            if e.status().is_server_error() {
                log::error!("{} {}: {e}", res.request().method(), res.request().path());
            }
        } else if let Some(e) = res.response().error() {
            log::warn!("{} {}: {e}", res.request().method(), res.request().path());
        }
        failure_of(status, err)
    };
    let (req, _) = res.into_parts();
    let response = respond(&req, failure);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}

fn is_api(req: &HttpRequest) -> bool {
    req.path().starts_with("/api/")
}

fn respond(req: &HttpRequest, f: Failure) -> HttpResponse<BoxBody> {
    let locale = resolve_locale(req);
    if is_api(req) {
        return api_body(locale, &f);
    }
    if f.unauthenticated {
        let next = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let location = format!("/login?next={}", urlencode(next));
        return HttpResponse::SeeOther()
            .insert_header(("Location", location))
            .finish();
    }
    match error_page(req, locale, &f) {
        Ok(res) => res,
        Err(e) => {
            log::error!("cannot render the error page: {e}");
            HttpResponse::build(f.status)
                .content_type("text/plain; charset=utf-8")
                .body(i18n::msg(locale, &f.message))
        }
    }
}

fn api_body(locale: Locale, f: &Failure) -> HttpResponse<BoxBody> {
    let fields = f
        .fields
        .as_ref()
        .map(|fe| super::render::field_messages(locale, fe))
        .unwrap_or_else(|| json!({}));
    let mut res = HttpResponse::build(f.status);
    if f.unauthenticated {
        res.insert_header(("WWW-Authenticate", "Bearer"));
    }
    res.json(json!({
        "error": {
            "code": f.code,
            "message": i18n::msg(locale, &f.message),
            "fields": fields,
        }
    }))
}

fn error_page(
    req: &HttpRequest,
    locale: Locale,
    f: &Failure,
) -> Result<HttpResponse<BoxBody>, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal("state missing".into()))?;
    let title_key = match f.status.as_u16() {
        403 => "error-title-403",
        404 => "error-title-404",
        s if s >= 500 => "error-title-500",
        _ => "error-title-other",
    };
    let data = json!({
        "status": f.status.as_u16(),
        "title": i18n::tr(locale, title_key, &[]),
        "message": i18n::msg(locale, &f.message),
    });
    // The person is not known here (their session may be the problem), so no menu.
    super::render::render(state, f.status, "pages/error", locale, None, "", data)
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// For extractor configs: turns a JSON body error into our error.
pub fn json_error(err: actix_web::error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let e = match err {
        J::Overflow { .. } | J::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
        J::ContentType => AppError::BadRequest("Content-Type must be application/json".into()),
        J::Deserialize(e) => AppError::BadRequest(e.to_string()),
        other => AppError::BadRequest(other.to_string()),
    };
    e.into()
}

pub fn form_error(err: actix_web::error::UrlencodedError, _: &HttpRequest) -> actix_web::Error {
    use actix_web::error::UrlencodedError as U;
    let e = match err {
        U::Overflow { .. } => AppError::PayloadTooLarge,
        other => AppError::BadRequest(other.to_string()),
    };
    e.into()
}
