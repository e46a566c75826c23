//! `Idempotency-Key` on every POST of the API. A client that retries after a timeout sends the
//! same key: the first success of that key (for the same credentials, route and body) is kept 24
//! hours with its response, and a retry gets that response again (with `Idempotency-Replayed:
//! true`) instead of a second request or comment. A failure is not kept — nothing was written,
//! the retry runs again. The same key with another body is refused (422); while the first call
//! is still running, a retry is told to wait (409).

pub mod queries;

use crate::error::{AppError, FieldErrors, Msg};
use crate::AppState;
use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use diesel::prelude::*;
use futures_util::StreamExt;
use queries::Kept;
use sha2::{Digest, Sha256};

/// How long a key's response is kept.
pub const KEEP_HOURS: i64 = 24;
const KEY_MAX: usize = 255;

fn hash(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

enum Claim {
    /// This call is the first: it runs.
    First,
    /// The same call succeeded before.
    Replay(Kept),
    /// The key was used for another body.
    Reused,
    /// The first call is still running.
    Running,
}

fn claim(conn: &mut PgConnection, key: &str, request: &str) -> QueryResult<Claim> {
    queries::forget_expired(conn, key, expiry())?;
    if queries::insert(conn, key, request)? == 1 {
        return Ok(Claim::First);
    }
    let kept = queries::kept(conn, key)?;
    Ok(if kept.request_hash != request {
        Claim::Reused
    } else if kept.status.is_none() {
        Claim::Running
    } else {
        Claim::Replay(kept)
    })
}

/// Keys older than this are forgotten.
fn expiry() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() - chrono::Duration::hours(KEEP_HOURS)
}

/// Deletes the keys kept longer than `KEEP_HOURS` (the retention job).
pub fn purge(conn: &mut PgConnection) -> QueryResult<usize> {
    queries::purge(conn, expiry())
}

fn refused(req: ServiceRequest, e: AppError) -> ServiceResponse<BoxBody> {
    let (req, _) = req.into_parts();
    ServiceResponse::from_err(e, req)
}

/// The middleware of the API scope.
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req
        .headers()
        .get("Idempotency-Key")
        .map(|v| v.to_str().map(|s| s.trim().to_string()));
    let (Some(key), true) = (key, req.method() == Method::POST) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let Ok(key) = key.map_err(|_| ()).and_then(|k| {
        if k.is_empty() || k.len() > KEY_MAX {
            Err(())
        } else {
            Ok(k)
        }
    }) else {
        return Ok(refused(
            req,
            AppError::Invalid(FieldErrors::single(
                "Idempotency-Key",
                Msg::new("idempotency-key-invalid").arg("max", KEY_MAX),
            )),
        ));
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    // The body, read once to be hashed, then given back to the handler.
    let limit = state
        .settings
        .inbound_max_bytes
        .max(state.settings.max_attachment_bytes)
        .saturating_add(1024 * 1024);
    let mut payload = req.take_payload();
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if bytes.len() + chunk.len() > limit {
            return Ok(refused(req, AppError::PayloadTooLarge));
        }
        bytes.extend_from_slice(&chunk);
    }
    let bytes = bytes.freeze();
    let credentials = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let route = req.uri().to_string();
    let key_hash = hash(&[&credentials, route.as_bytes(), key.as_bytes()]);
    let request_hash = hash(&[&bytes]);
    let claimed = {
        let (k, r) = (key_hash.clone(), request_hash.clone());
        state.db(move |c| Ok(claim(c, &k, &r)?)).await
    };
    let claimed = match claimed {
        Ok(c) => c,
        Err(e) => return Ok(refused(req, e)),
    };
    match claimed {
        Claim::Reused => {
            return Ok(refused(
                req,
                AppError::Invalid(FieldErrors::single(
                    "Idempotency-Key",
                    Msg::new("idempotency-key-reused"),
                )),
            ))
        }
        Claim::Running => {
            return Ok(refused(
                req,
                AppError::Conflict("idempotency-key-running".into()),
            ))
        }
        Claim::Replay(kept) => {
            let mut res = HttpResponse::build(
                StatusCode::from_u16(kept.status.unwrap_or(200) as u16).unwrap_or(StatusCode::OK),
            );
            res.insert_header(("Idempotency-Replayed", "true"));
            if let Some(t) = kept.content_type {
                res.insert_header((header::CONTENT_TYPE, t));
            }
            if let Some(l) = kept.location {
                res.insert_header((header::LOCATION, l));
            }
            let (req, _) = req.into_parts();
            return Ok(ServiceResponse::new(
                req,
                res.body(kept.body.unwrap_or_default()),
            ));
        }
        Claim::First => {}
    }
    let stream = futures_util::stream::once(async move { Ok(bytes) });
    let boxed: std::pin::Pin<
        Box<dyn futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>>>,
    > = Box::pin(stream);
    req.set_payload(Payload::from(boxed));
    let res = next.call(req).await;
    let keep = match &res {
        Ok(r) => r.status().is_success(),
        Err(_) => false,
    };
    if !keep {
        // Nothing was written: the key is free for the retry.
        let k = key_hash.clone();
        let _ = state
            .db(move |c| Ok(queries::release(c, &k).map(|_| ())?))
            .await;
        return res.map(ServiceResponse::map_into_boxed_body);
    }
    let res = res?;
    let status = res.status();
    let header_of = |name: header::HeaderName| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header_of(header::CONTENT_TYPE);
    let location = header_of(header::LOCATION);
    let (req, res) = res.into_parts();
    let (res, body) = res.into_parts();
    let Ok(body) = body::to_bytes(body).await else {
        return Err(actix_web::error::ErrorInternalServerError(
            "the response could not be read",
        ));
    };
    let stored = body.to_vec();
    state
        .db(move |c| {
            let kept = (status.as_u16() as i16, content_type, location, stored);
            Ok(queries::store(c, &key_hash, kept).map(|_| ())?)
        })
        .await
        .map_err(actix_web::Error::from)?;
    Ok(ServiceResponse::new(req, res.set_body(BoxBody::new(body))))
}
