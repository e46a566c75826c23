//! The HTTP intake (`POST /api/v1/inbound-mail`, the raw RFC 5322 message as the body, for
//! `guichet mailgate` and mail services that post what they receive).

use super::intake::Intake;
use super::service::{self, Channel};
use crate::error::AppError;
use crate::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

pub fn api_routes(cfg: &mut web::ServiceConfig, max_bytes: usize) {
    cfg.service(
        web::resource("/inbound-mail")
            // A little more than the largest message, so the pipeline itself answers 413.
            .app_data(web::PayloadConfig::new(max_bytes.saturating_add(1024)))
            .route(web::post().to(inbound_mail)),
    );
}

/// Compares the Bearer token with the configured one (by their hashes, in constant time).
fn token_ok(req: &HttpRequest, expected: Option<&str>) -> bool {
    let Some(expected) = expected.filter(|e| !e.is_empty()) else {
        return false;
    };
    let given = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    crate::signing::constant_time_eq(
        &Sha256::digest(given.as_bytes()),
        &Sha256::digest(expected.as_bytes()),
    )
}

/// Takes one raw message (`Content-Type: message/rfc822`), processes it, and says what became
/// of it. The same message posted again is recognized and changes nothing.
#[utoipa::path(post, path = "/api/v1/inbound-mail", tag = "inbound mail",
    request_body(content = String, content_type = "message/rfc822",
        description = "The raw message, headers and body, as received."),
    params(("X-Guichet-Channel" = Option<String>, Header, description = "pipe when posted by guichet mailgate")),
    responses(
        (status = 200, body = service::Receipt),
        (status = 401, body = crate::error::ErrorBody, description = "Missing or wrong inbound token"),
        (status = 413, body = crate::error::ErrorBody, description = "Larger than inbound_max_bytes")),
    security(("bearer" = [])))]
pub async fn inbound_mail(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    if !token_ok(&req, state.settings.inbound_token.as_deref()) {
        return Err(AppError::Unauthenticated);
    }
    let channel = match req
        .headers()
        .get("X-Guichet-Channel")
        .and_then(|h| h.to_str().ok())
    {
        Some("pipe") => Channel::Pipe,
        _ => Channel::Http,
    };
    let settings = state.settings.clone();
    let storage = state.storage.clone();
    let receipt = state
        .db(move |c| {
            let intake = Intake::new(c, &settings)?;
            service::receive(c, &intake, &storage, &body, channel)
        })
        .await?;
    state.mail_wakeup.notify_one();
    Ok(HttpResponse::Ok().json(receipt))
}
