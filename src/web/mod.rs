//! The web layer: route table, extractors, rendering and error pages. Handlers live with their
//! domain (`requests::pages`, `requests::api`); this module wires them.

pub mod errors;
pub mod extract;
pub mod form;
pub mod idempotency;
pub mod pages;
pub mod render;
pub mod throttle;

use crate::config::Settings;
use crate::error::AppError;
use crate::requests;
use actix_web::middleware::DefaultHeaders;
use actix_web::web;

pub fn json_config(s: &Settings) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(s.max_body_bytes)
        .error_handler(errors::json_error)
}

pub fn form_config(s: &Settings) -> web::FormConfig {
    web::FormConfig::default()
        .limit(s.max_body_bytes)
        .error_handler(errors::form_error)
}

/// Headers on every response. HSTS only when Guichet is served over HTTPS (its `base_url`) with
/// secure cookies: a plain-HTTP demo must stay reachable.
pub fn security_headers(settings: &Settings) -> DefaultHeaders {
    let mut h = DefaultHeaders::new();
    if served_over_https(settings) {
        h = h.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    h.add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
}

fn served_over_https(settings: &Settings) -> bool {
    settings.cookie_secure && settings.base_url.starts_with("https://")
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

pub fn routes(cfg: &mut web::ServiceConfig, settings: &Settings) {
    cfg.route("/healthz", web::get().to(pages::healthz))
        .service(actix_files::Files::new("/static", &settings.static_dir).prefer_utf8(true))
        .route("/", web::get().to(pages::home))
        .route("/login", web::get().to(pages::login_form))
        .route("/login", web::post().to(pages::login))
        .route("/login/oidc", web::get().to(pages::oidc_start))
        .route("/login/oidc/callback", web::get().to(pages::oidc_callback))
        .route("/logout", web::post().to(pages::logout))
        .route(
            "/logout-everywhere",
            web::post().to(pages::logout_everywhere),
        )
        .route("/language", web::post().to(pages::language))
        .route("/profile", web::get().to(pages::profile))
        .route("/profile", web::post().to(pages::profile_save))
        .configure(requests::pages::routes)
        .configure(crate::approvals::pages::routes)
        .configure(crate::units::pages::routes)
        .configure(crate::users::pages::routes)
        .configure(crate::users::group_pages::routes)
        .configure(crate::catalog::pages::routes)
        .configure(crate::sla::pages::routes)
        .configure(crate::inventory::type_pages::routes)
        .configure(crate::workflow::pages::routes)
        .configure(crate::automation::pages::routes)
        .configure(crate::recurring::pages::routes)
        .configure(crate::notify::pages::routes)
        .configure(crate::inbound::pages::routes)
        .configure(crate::inventory::pages::routes)
        .configure(crate::loans::pages::routes)
        .configure(crate::audit::pages::routes)
        .configure(crate::privacy::pages::routes)
        .configure(crate::departures::pages::routes)
        .configure(crate::transport::pages::routes)
        .configure(crate::dashboard::pages::routes)
        .configure(crate::dashboard::rating_pages::routes)
        .service(
            web::scope("/api/v1")
                .wrap(actix_web::middleware::from_fn(idempotency::middleware))
                .route("/openapi.json", web::get().to(crate::openapi::spec))
                .configure(requests::api::routes)
                .configure(crate::approvals::api::routes)
                .configure(crate::inventory::api::routes)
                .configure(crate::loans::api::routes)
                .configure(crate::transport::api::routes)
                .configure(crate::dashboard::api::routes)
                .configure(|c| crate::inbound::api::api_routes(c, settings.inbound_max_bytes)),
        )
        .default_service(web::to(not_found));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(extra: &str) -> Settings {
        Settings::from_sources(
            &format!("database_url = \"postgres://localhost/x\"\n{extra}"),
            "test",
            &[],
        )
        .unwrap()
    }

    #[test]
    fn hsts_only_behind_https_with_secure_cookies() {
        assert!(served_over_https(&settings(
            "base_url = \"https://guichet.example.org\""
        )));
        assert!(!served_over_https(&settings(
            "base_url = \"http://127.0.0.1:8080\"\ncookie_secure = false"
        )));
        assert!(!served_over_https(&settings(
            "base_url = \"https://guichet.example.org\"\ncookie_secure = false"
        )));
    }
}
