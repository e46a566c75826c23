//! Guichet: service requests for a Québec school service centre — material resources,
//! information technology and transport.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod automation;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod departures;
pub mod error;
pub mod i18n;
pub mod inbound;
pub mod inventory;
pub mod jobs;
pub mod loans;
pub mod notify;
pub mod oidc;
pub mod openapi;
pub mod privacy;
pub mod recurring;
pub mod requests;
pub mod seed;
pub mod signing;
pub mod sla;
pub mod storage;
pub mod transport;
pub mod units;
pub mod users;
pub mod web;
pub mod workflow;

/// Connects the domains that lower ones must not name: what approvals and trips do when a
/// request changes state. Called at start by every entry point (`AppState::new`, the commands,
/// the tests); calling it again changes nothing.
pub fn wire() {
    requests::commands::install(&[transport::service::on_status, approvals::service::on_status]);
}

use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{body::MessageBody, web as aw, App, Error};
use std::sync::Arc;

/// Everything a handler needs, shared by all workers.
pub struct AppState {
    pub pool: db::PgPool,
    pub settings: Arc<config::Settings>,
    pub templates: Arc<handlebars::Handlebars<'static>>,
    pub storage: storage::Storage,
    /// Wakes the mail sender: changes that queue messages need not wait for its next round.
    pub mail_wakeup: Arc<tokio::sync::Notify>,
    /// Requests per API token and minute (`api_requests_per_minute`).
    pub api_limiter: Arc<web::throttle::RateLimiter>,
    /// What time it is (the system's clock; a test sets its own).
    pub clock: clock::Clock,
}

impl AppState {
    pub fn new(settings: config::Settings, pool: db::PgPool) -> Result<AppState, error::AppError> {
        wire();
        let templates = web::render::templates(&settings)?;
        let settings_api_limit = settings.api_requests_per_minute;
        Ok(AppState {
            pool,
            storage: storage::Storage::local(&settings.attachments_dir),
            settings: Arc::new(settings),
            templates: Arc::new(templates),
            mail_wakeup: Arc::new(tokio::sync::Notify::new()),
            api_limiter: Arc::new(web::throttle::RateLimiter::new(settings_api_limit)),
            clock: clock::Clock::system(),
        })
    }

    /// Runs synchronous Diesel work on the blocking pool: `state.db(move |c| service(c, cmd)).await`.
    pub async fn db<F, T>(&self, f: F) -> Result<T, error::AppError>
    where
        F: FnOnce(&mut diesel::PgConnection) -> Result<T, error::AppError> + Send + 'static,
        T: Send + 'static,
    {
        db::run(&self.pool, f).await
    }
}

/// The whole application, shared by `guichet serve` and the tests.
pub fn build_app(
    state: aw::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let settings = state.settings.clone();
    let wakeup = state.mail_wakeup.clone();
    App::new()
        .app_data(state)
        .app_data(web::json_config(&settings))
        .app_data(web::form_config(&settings))
        .app_data(aw::PayloadConfig::new(settings.max_body_bytes))
        .wrap_fn(move |req, srv| {
            // Anything but a read may have queued messages: wake the sender.
            use actix_web::dev::Service;
            let changes = !matches!(
                *req.method(),
                actix_web::http::Method::GET | actix_web::http::Method::HEAD
            );
            let wakeup = wakeup.clone();
            let fut = srv.call(req);
            async move {
                let res = fut.await?;
                if changes {
                    wakeup.notify_one();
                }
                Ok(res)
            }
        })
        .wrap(web::errors::handlers())
        .wrap(web::security_headers(&settings))
        .configure(|cfg| web::routes(cfg, &settings))
}
