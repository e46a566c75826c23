//! The one application error type, its HTTP status and its Fluent message key. Only this file
//! knows HTTP statuses; `web::errors` renders the localized page or JSON body.

use actix_web::{http::StatusCode, HttpResponse, ResponseError};
use serde::Serialize;
use std::collections::BTreeMap;

/// A localizable message: a Fluent key and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub key: String,
    pub args: Vec<(String, String)>,
}

impl Msg {
    pub fn new(key: impl Into<String>) -> Msg {
        Msg {
            key: key.into(),
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &str, value: impl ToString) -> Msg {
        self.args.push((name.to_string(), value.to_string()));
        self
    }
    /// An argument written by an administrator in both languages (e.g. a workflow state label).
    pub fn arg_pick(mut self, name: &str, fr: &str, en: &str) -> Msg {
        self.args
            .push((name.to_string(), format!("{PICK_PREFIX}{fr}\u{1}{en}")));
        self
    }
    /// An argument that is itself translated: the label of `key` with `$code` = `code`
    /// (e.g. a status name inside a sentence).
    pub fn arg_label(mut self, name: &str, key: &str, code: impl ToString) -> Msg {
        self.args.push((
            name.to_string(),
            format!("{LABEL_PREFIX}{key}:{}", code.to_string()),
        ));
        self
    }
}

/// Marks an argument to translate before use (see `Msg::arg_label`).
pub const LABEL_PREFIX: &str = "\u{1}label:";
/// Marks an argument given in both languages (see `Msg::arg_pick`).
pub const PICK_PREFIX: &str = "\u{1}pick:";

/// Messages per field name, in the order fields appear.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FieldErrors(pub BTreeMap<String, Vec<Msg>>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, msg: Msg) {
        self.0.entry(field.to_string()).or_default().push(msg);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
    pub fn single(field: &str, msg: Msg) -> FieldErrors {
        let mut e = FieldErrors::default();
        e.add(field, msg);
        e
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A business rule refused the action; the string is the Fluent key of the reason.
    #[error("rule: {0:?}")]
    Rule(Msg),
    #[error("too many attempts")]
    Throttled,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("database: {0}")]
    Db(diesel::result::Error),
    #[error("database pool unavailable")]
    Pool,
    #[error("template: {0}")]
    Template(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) | AppError::Rule(_) => StatusCode::CONFLICT,
            AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Pool => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// Stable machine-readable code for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Rule(_) => "rule",
            AppError::Throttled => "throttled",
            AppError::Csrf => "csrf",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Pool => "unavailable",
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => "internal",
        }
    }

    /// The message shown to the user. Internal details never appear in it.
    pub fn message(&self) -> Msg {
        match self {
            AppError::NotFound => Msg::new("error-not-found"),
            AppError::Unauthenticated => Msg::new("error-unauthenticated"),
            AppError::Forbidden => Msg::new("error-forbidden"),
            AppError::Invalid(_) => Msg::new("error-invalid"),
            AppError::BadRequest(detail) => Msg::new("error-bad-request").arg("detail", detail),
            AppError::Conflict(key) => Msg::new(key.clone()),
            AppError::Rule(msg) => msg.clone(),
            AppError::Throttled => Msg::new("error-throttled"),
            AppError::Csrf => Msg::new("error-csrf"),
            AppError::PayloadTooLarge => Msg::new("error-too-large"),
            AppError::Pool => Msg::new("error-unavailable"),
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => {
                Msg::new("error-internal")
            }
        }
    }

    /// A refusal the person can fix or must be told about, shown on the page they came from (the
    /// form again, the request page), as opposed to a failure, shown as an error page. Forbidden
    /// is one: whoever reaches a form may read its page (the handlers check that first), so what
    /// they may not do is said there.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            AppError::Invalid(_) | AppError::Rule(_) | AppError::Conflict(_) | AppError::Forbidden
        )
    }

    pub fn rule(key: &str) -> AppError {
        AppError::Rule(Msg::new(key))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("error-conflict".into())
            }
            // PostgreSQL text cannot hold a NUL character: input that carries one is malformed.
            Error::DatabaseError(_, ref info) if info.message().contains("0x00") => {
                AppError::BadRequest("text contains a NUL character".into())
            }
            other => AppError::Db(other),
        }
    }
}

impl From<r2d2_error::PoolError> for AppError {
    fn from(_: r2d2_error::PoolError) -> Self {
        AppError::Pool
    }
}

mod r2d2_error {
    pub type PoolError = diesel::r2d2::PoolError;
}

impl From<handlebars::RenderError> for AppError {
    fn from(e: handlebars::RenderError) -> Self {
        AppError::Template(e.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    // The body is replaced by `web::errors`, which knows the locale; this is the fallback.
    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status());
        if matches!(self, AppError::Throttled) {
            res.insert_header(("Retry-After", "60"));
        }
        res.finish()
    }
}

/// Validator's errors become field messages: each rule's `code` is the Fluent key and its
/// bounds (`min`, `max`) the message arguments.
impl FieldErrors {
    /// Validator's outcome as field messages, leaving out `skip` (e.g. a code that cannot change
    /// on an update): each rule's `code` is the Fluent key, its bounds the message arguments.
    pub fn from_validation(
        result: Result<(), validator::ValidationErrors>,
        skip: &[&str],
    ) -> FieldErrors {
        let mut out = FieldErrors::default();
        let Err(errors) = result else {
            return out;
        };
        for (field, errs) in errors.field_errors() {
            if skip.contains(&field.as_ref()) {
                continue;
            }
            for e in errs {
                let mut m = Msg::new(e.code.to_string());
                for bound in ["min", "max"] {
                    if let Some(v) = e.params.get(bound) {
                        m = m.arg(bound, v.to_string().trim_matches('"'));
                    }
                }
                out.add(&field, m);
            }
        }
        out
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        AppError::Invalid(FieldErrors::from_validation(Err(errors), &[]))
    }
}

impl AppError {
    /// A unique violation reported on the form field that caused it (a code already in use);
    /// any other database error unchanged.
    pub fn taken(e: diesel::result::Error, field: &str, key: &str) -> AppError {
        match AppError::from(e) {
            AppError::Conflict(_) => AppError::Invalid(FieldErrors::single(field, Msg::new(key))),
            other => other,
        }
    }
}

/// How the API says what went wrong (`web::errors` writes it), as the OpenAPI description
/// shows it: `{"error": {"code", "message", "fields": {name: [messages]}}}`
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `not_found`, `unauthenticated`, `forbidden`, `invalid`, `bad_request`,
    /// `conflict`, `rule`, `payload_too_large`, `internal`, …
    code: String,
    /// Message in the language of `Accept-Language` (French by default).
    message: String,
    #[schema(value_type = Object)]
    fields: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_said_on_the_page_and_a_failure_is_an_error_page() {
        let refusals = [
            AppError::Invalid(FieldErrors::single("title", Msg::new("field-required"))),
            AppError::rule("request-no-unit"),
            AppError::Conflict("changed".into()),
            AppError::Forbidden,
        ];
        assert!(refusals.iter().all(AppError::is_refusal));
        let failures = [
            AppError::NotFound,
            AppError::Unauthenticated,
            AppError::Csrf,
            AppError::Throttled,
            AppError::PayloadTooLarge,
            AppError::Pool,
            AppError::BadRequest("x".into()),
        ];
        assert!(!failures.iter().any(AppError::is_refusal));
    }
}
