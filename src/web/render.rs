//! Rendering pages: the handlebars registry (templates by path, our helpers) and the one
//! `render` function that adds what every page needs (language, person, CSRF token).

use super::extract::{AnonCtx, Ctx};
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use handlebars::{DirectorySourceOptions, Handlebars};
use serde_json::{json, Value};

pub fn templates(settings: &Settings) -> Result<Handlebars<'static>, AppError> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.set_dev_mode(settings.reload_templates);
    hb.register_helper("t", Box::new(i18n::t_helper));
    hb.register_helper("datetime", Box::new(i18n::datetime_helper));
    hb.register_templates_directory(&settings.templates_dir, DirectorySourceOptions::default())
        .map_err(|e| {
            AppError::Template(format!(
                "cannot load templates from {}: {e}",
                settings.templates_dir.display()
            ))
        })?;
    Ok(hb)
}

fn me(user: &CurrentUser) -> Value {
    json!({
        "name": user.display_name,
        "email": user.email,
        "is_staff": user.is_staff(),
        "is_admin": user.is_admin(),
        "is_auditor": user.is_auditor(),
        "is_manager": !user.managed_units().is_empty(),
        "is_approver": !user.managed_units().is_empty() || !user.groups.is_empty(),
        "can_request": !user.requesting_units().is_empty(),
        "sees_assets": user.asset_scope().sees_any(),
        "runs_transport": user.runs_transport(),
        "has_dashboard": user.has_dashboard(),
    })
}

/// Renders a template with the page essentials merged into `data`.
pub fn render(
    state: &AppState,
    status: StatusCode,
    tpl: &str,
    locale: Locale,
    user: Option<&CurrentUser>,
    csrf: &str,
    mut data: Value,
) -> Result<HttpResponse, AppError> {
    if let Value::Object(map) = &mut data {
        map.insert("lang".into(), json!(locale.code()));
        map.insert(
            "other_lang".into(),
            json!(match locale {
                Locale::Fr => "en",
                Locale::En => "fr",
            }),
        );
        map.insert("csrf".into(), json!(csrf));
        map.insert("me".into(), user.map(me).unwrap_or(Value::Null));
        map.entry("flash").or_insert(Value::Null);
        map.entry("title").or_insert(Value::Null);
    }
    let html = state.templates.render(tpl, &data)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(html))
}

impl Ctx {
    pub fn render(
        &self,
        state: &AppState,
        tpl: &str,
        data: Value,
    ) -> Result<HttpResponse, AppError> {
        render(
            state,
            StatusCode::OK,
            tpl,
            self.locale,
            Some(&self.user),
            &self.csrf,
            data,
        )
    }
    pub fn render_status(
        &self,
        state: &AppState,
        status: StatusCode,
        tpl: &str,
        data: Value,
    ) -> Result<HttpResponse, AppError> {
        render(
            state,
            status,
            tpl,
            self.locale,
            Some(&self.user),
            &self.csrf,
            data,
        )
    }
    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.locale, key, &[])
    }
}

impl AnonCtx {
    pub fn render_status(
        &self,
        state: &AppState,
        status: StatusCode,
        tpl: &str,
        data: Value,
    ) -> Result<HttpResponse, AppError> {
        let mut res = render(
            state,
            status,
            tpl,
            self.locale,
            self.user.as_ref(),
            &self.csrf,
            data,
        )?;
        if self.new_cookie {
            let cookie = super::extract::cookie(
                super::extract::CSRF_COOKIE,
                self.csrf.clone(),
                state.settings.cookie_secure,
            );
            res.add_cookie(&cookie)
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        Ok(res)
    }
}

/// Field errors as `{field: [message, …]}` in the page's language.
pub fn field_messages(locale: Locale, errors: &crate::error::FieldErrors) -> Value {
    let mut out = serde_json::Map::new();
    for (field, msgs) in &errors.0 {
        out.insert(
            field.clone(),
            json!(msgs
                .iter()
                .map(|m| i18n::msg(locale, m))
                .collect::<Vec<_>>()),
        );
    }
    Value::Object(out)
}

/// How a page shows a refused action: its status, the message at the top, and the messages by
/// field (`{}` when none).
pub fn refusal(
    locale: Locale,
    problem: Option<&crate::error::AppError>,
) -> (actix_web::http::StatusCode, Option<String>, Value) {
    use crate::error::AppError;
    use actix_web::http::StatusCode;
    match problem {
        Some(AppError::Invalid(f)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(i18n::tr(locale, "form-has-errors", &[])),
            field_messages(locale, f),
        ),
        Some(e) => (e.status(), Some(i18n::msg(locale, &e.message())), json!({})),
        None => (StatusCode::OK, None, json!({})),
    }
}

/// A page's values put together from parts: the fields of `more` added to (or replacing those
/// of) `page`. Both are JSON objects; anything else in `more` is ignored.
pub fn merge(page: &mut Value, more: Value) {
    if let (Some(p), Value::Object(m)) = (page.as_object_mut(), more) {
        p.extend(m);
    }
}

/// A value for a URL's path or query.
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A CSV file being written as spreadsheets open it: UTF-8 with a byte-order mark (so that Excel
/// reads the accents right).
pub struct CsvFile(csv::Writer<Vec<u8>>);

impl CsvFile {
    pub fn new(delimiter: u8) -> Self {
        CsvFile(
            csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(b"\xef\xbb\xbf".to_vec()),
        )
    }

    pub fn row<I, T>(&mut self, cells: I) -> Result<(), crate::error::AppError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.0
            .write_record(cells)
            .map_err(|e| crate::error::AppError::Internal(format!("csv: {e}")))
    }

    pub fn bytes(self) -> Result<Vec<u8>, crate::error::AppError> {
        self.0
            .into_inner()
            .map_err(|e| crate::error::AppError::Internal(format!("csv: {e}")))
    }
}

/// A CSV file to download (never cached: it holds what the reader may see today).
pub fn csv_download(name: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes)
}

/// A redirect after a successful POST, with a confirmation shown on the next page.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}
