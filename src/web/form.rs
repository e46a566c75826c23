//! The admin forms and lists every domain's administration pages share: one field of a form as
//! the `partials/admin_field` template expects it, a form page shown again with its messages
//! after a refusal, a list page with its « new » button.

use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::users::model::Domain;
use crate::web::extract::Ctx;
use crate::web::render::field_messages;
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

/// One field of an admin form, as the `partials/admin_field` template expects it.
pub fn field(name: &str, label: String, kind: &str, value: &str) -> Value {
    json!({
        "name": name, "id": format!("field-{name}"), "label": label, "value": value,
        "input_type": if kind == "textarea" || kind == "select" || kind == "checkbox" || kind == "readonly" { "text" } else { kind },
        "is_input": matches!(kind, "text" | "email" | "password" | "number"),
        "is_textarea": kind == "textarea", "is_select": kind == "select",
        "is_checkbox": kind == "checkbox", "is_readonly": kind == "readonly",
        "checked": value == "on", "required": false, "help": "", "rows": 4, "options": [], "errors": [],
    })
}

/// The code of a configured thing: chosen on creation, fixed afterwards.
pub fn code_field(ctx: &Ctx, creating: bool, code: &str) -> Value {
    if creating {
        help(
            required(field("code", ctx.t("admin-code"), "text", code)),
            ctx.t("admin-code-help"),
        )
    } else {
        field("code", ctx.t("admin-code"), "readonly", code)
    }
}

pub fn name_fr_field(ctx: &Ctx, value: &str) -> Value {
    required(field("name_fr", ctx.t("admin-name-fr"), "text", value))
}

pub fn name_en_field(ctx: &Ctx, value: &str) -> Value {
    required(field("name_en", ctx.t("admin-name-en"), "text", value))
}

pub fn required(mut f: Value) -> Value {
    f["required"] = json!(true);
    f
}

pub fn help(mut f: Value, text: String) -> Value {
    f["help"] = json!(text);
    f
}

pub fn options(mut f: Value, opts: Vec<(String, String)>) -> Value {
    let selected = f["value"].as_str().unwrap_or("").to_string();
    f["options"] = json!(opts
        .into_iter()
        .map(|(v, l)| json!({"value": v, "label": l, "selected": v == selected}))
        .collect::<Vec<_>>());
    f
}

pub fn with_errors(fields: &mut [Value], errors: &Value) {
    for f in fields.iter_mut() {
        let name = f["name"].as_str().unwrap_or("").to_string();
        if let Some(e) = errors.get(&name) {
            f["errors"] = e.clone();
        }
    }
}

pub fn checkbox_value(active: bool) -> &'static str {
    if active {
        "on"
    } else {
        ""
    }
}

/// How a form shows a refusal: the messages by field put on the fields, the status and the
/// message at the top (none, and 200, without a problem).
pub fn form_problem(
    ctx: &Ctx,
    fields: &mut [Value],
    problem: Option<&AppError>,
) -> (StatusCode, Option<String>) {
    match problem {
        Some(AppError::Invalid(f)) => {
            with_errors(fields, &field_messages(ctx.locale, f));
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(ctx.t("form-has-errors")),
            )
        }
        Some(e) => (e.status(), Some(i18n::msg(ctx.locale, &e.message()))),
        None => (StatusCode::OK, None),
    }
}

/// A list on a form's page (roles, members, rooms): each item with its remove button, then a
/// form to add one. `keys` are the message keys of its title, of its empty state and of its
/// add button.
pub fn section(
    ctx: &Ctx,
    keys: [&str; 3],
    items: Vec<Value>,
    add_action: String,
    add_fields: Vec<Value>,
) -> Value {
    let [title, empty, add_label] = keys;
    json!({ "title": ctx.t(title), "items": items, "empty": ctx.t(empty),
            "add_action": add_action, "add_fields": add_fields, "add_label": ctx.t(add_label) })
}

/// The members of a team or a group (`base`: its page), added by email.
pub fn members_section(ctx: &Ctx, base: &str, members: &[crate::users::model::User]) -> Value {
    let items = members
        .iter()
        .map(|m| {
            json!({ "label": format!("{} <{}>", m.display_name, m.email),
                         "remove_url": format!("{base}/members/{}/remove", m.id) })
        })
        .collect();
    let add = vec![required(field("email", ctx.t("email-label"), "email", ""))];
    section(
        ctx,
        ["admin-members", "admin-no-members", "admin-add-member"],
        items,
        format!("{base}/members"),
        add,
    )
}

pub struct FormPage {
    pub title: String,
    pub action: String,
    pub back_url: &'static str,
    pub fields: Vec<Value>,
    pub sections: Vec<Value>,
}

pub fn render_form(
    ctx: &Ctx,
    state: &AppState,
    page: FormPage,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let mut fields = page.fields;
    let mut sections = page.sections;
    let (status, problem_text) = form_problem(ctx, &mut fields, problem.as_ref());
    if let Some(AppError::Invalid(f)) = &problem {
        let messages = field_messages(ctx.locale, f);
        for s in sections.iter_mut() {
            if let Some(Value::Array(add)) = s.get_mut("add_fields") {
                with_errors(add, &messages);
            }
        }
    }
    ctx.render_status(
        state,
        status,
        "pages/admin/form",
        json!({ "title": page.title, "action": page.action, "back_url": page.back_url,
                "fields": fields, "sections": sections, "problem": problem_text }),
    )
}

/// The heading of a list page and its « new » button.
pub struct ListHead {
    pub title: String,
    pub new_url: &'static str,
    pub new_label: String,
}

impl ListHead {
    /// From message keys: the title, and the label of the « new » button going to `new_url`.
    pub fn of(ctx: &Ctx, title: &str, new_url: &'static str, new_label: &str) -> Self {
        ListHead {
            title: ctx.t(title),
            new_url,
            new_label: ctx.t(new_label),
        }
    }
}

/// A list's column headings, from their message keys separated by spaces.
pub fn columns(ctx: &Ctx, keys: &str) -> Vec<String> {
    keys.split_whitespace().map(|k| ctx.t(k)).collect()
}

pub fn list_page(
    ctx: &Ctx,
    state: &AppState,
    head: ListHead,
    columns: Vec<String>,
    rows: Vec<Value>,
    extra: Value,
) -> Result<HttpResponse, AppError> {
    let mut data = json!({ "title": head.title, "new_url": head.new_url, "new_label": head.new_label, "columns": columns,
                           "rows": rows, "searchable": false, "q": "", "next": null,
                           "to_place_filter": false, "to_place": false });
    if let (Value::Object(d), Value::Object(e)) = (&mut data, extra) {
        d.extend(e);
    }
    ctx.render(state, "pages/admin/list", data)
}

pub fn yes_no(loc: Locale, b: bool) -> String {
    i18n::tr(loc, if b { "admin-active" } else { "admin-inactive" }, &[])
}

/// The priorities, as a select's options.
pub fn priority_choices(loc: Locale) -> Vec<(String, String)> {
    crate::requests::model::Priority::ALL
        .iter()
        .map(|p| {
            (
                p.code().to_string(),
                i18n::tr(loc, "priority", &[("code".into(), p.code().into())]),
            )
        })
        .collect()
}

/// A select's options after a first one (« none », « any »).
pub fn after_first(first: String, rest: Vec<(String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), first))
        .chain(rest)
        .collect()
}

pub fn domain_options(loc: Locale) -> Vec<(String, String)> {
    Domain::ALL
        .iter()
        .map(|d| {
            (
                d.code().to_string(),
                i18n::tr(loc, "domain", &[("code".into(), d.code().into())]),
            )
        })
        .collect()
}

/// A form with no field of its own (a button: its CSRF token only).
#[derive(Deserialize)]
pub struct Empty {}

/// An administrator's change from a form: refused unless the person administers; `write` runs
/// as them in one database call; then, as [`render_or_redirect`], on to `to` of what it saved or
/// the form again with the refusal.
pub async fn admin_write<T, S, W, F, Fut>(
    state: web::Data<AppState>,
    user: crate::auth::CurrentUser,
    write: W,
    to: impl FnOnce(T) -> S,
    again: F,
) -> Result<HttpResponse, AppError>
where
    T: Send + 'static,
    S: AsRef<str>,
    W: FnOnce(&mut diesel::PgConnection, &crate::auth::CurrentUser) -> Result<T, AppError>
        + Send
        + 'static,
    F: FnOnce(AppError) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    user.require_admin()?;
    let saved = state.db(move |c| write(c, &user)).await;
    render_or_redirect(saved, to, again).await
}

/// The outcome of a form's POST: on success a redirect (303) to `to` of what was saved; on a
/// refusal (`AppError::is_refusal`) the form again, built by `again` with the messages; any
/// other error is an error page.
pub async fn render_or_redirect<T, S, F, Fut>(
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> S,
    again: F,
) -> Result<HttpResponse, AppError>
where
    S: AsRef<str>,
    F: FnOnce(AppError) -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, AppError>>,
{
    match result {
        Ok(saved) => Ok(crate::web::render::see_other(to(saved).as_ref())),
        Err(e) if e.is_refusal() => again(e).await,
        Err(e) => Err(e),
    }
}
