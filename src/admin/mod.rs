//! Administration pages: units, people (with their roles), teams (with their members) and
//! categories (with their forms). Admins only; nothing referenced is ever deleted — it is
//! deactivated. The rules live in each domain's service; these handlers only translate HTTP.

use crate::catalog::queries as catalog;
use crate::catalog::service::{self as categories, CategoryInput};
use crate::db::{CategoryId, TeamId, UnitId, UserId};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{self, Locale};
use crate::requests::model::Priority;
use crate::units::model::UnitKind;
use crate::units::queries as units;
use crate::units::service::{self as unit_service, UnitInput};
use crate::users::admin::{self as people, PersonInput, TeamInput};
use crate::users::model::{Domain, Role};
use crate::users::queries as users;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::render::{field_messages, see_other};
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

mod asset_types;
mod automation;
mod emails;
mod recurring;
mod sla;
mod workflows;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(sla::routes);
    cfg.configure(asset_types::routes);
    cfg.configure(workflows::routes);
    cfg.configure(automation::routes);
    cfg.configure(recurring::routes);
    cfg.configure(emails::routes);
    cfg.route("/admin", web::get().to(index))
        .route("/admin/units", web::get().to(unit_list))
        .route("/admin/units", web::post().to(unit_create))
        .route("/admin/units/new", web::get().to(unit_new))
        .route("/admin/units/{id}", web::get().to(unit_edit))
        .route("/admin/units/{id}", web::post().to(unit_update))
        .route("/admin/units/{id}/rooms", web::post().to(room_add))
        .route(
            "/admin/units/{id}/rooms/{room}/remove",
            web::post().to(room_remove),
        )
        .route("/admin/users", web::get().to(user_list))
        .route("/admin/users", web::post().to(user_create))
        .route("/admin/users/new", web::get().to(user_new))
        .route("/admin/users/{id}", web::get().to(user_edit))
        .route("/admin/users/{id}", web::post().to(user_update))
        .route("/admin/users/{id}/roles", web::post().to(role_add))
        .route(
            "/admin/users/{id}/roles/{role}/remove",
            web::post().to(role_remove),
        )
        .route("/admin/users/{id}/aliases", web::post().to(alias_add))
        .route(
            "/admin/users/{id}/aliases/{email}/remove",
            web::post().to(alias_remove),
        )
        .route("/admin/teams", web::get().to(team_list))
        .route("/admin/teams", web::post().to(team_create))
        .route("/admin/teams/new", web::get().to(team_new))
        .route("/admin/teams/{id}", web::get().to(team_edit))
        .route("/admin/teams/{id}", web::post().to(team_update))
        .route("/admin/teams/{id}/members", web::post().to(member_add))
        .route(
            "/admin/teams/{id}/members/{user}/remove",
            web::post().to(member_remove),
        )
        .route("/admin/categories", web::get().to(category_list))
        .route("/admin/categories", web::post().to(category_create))
        .route("/admin/categories/new", web::get().to(category_new))
        .route("/admin/categories/{id}", web::get().to(category_edit))
        .route("/admin/categories/{id}", web::post().to(category_update));
}

// --- form building ---

/// One field of an admin form, as the `partials/admin_field` template expects it.
pub(crate) fn field(name: &str, label: String, kind: &str, value: &str) -> Value {
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
fn code_field(ctx: &Ctx, creating: bool, code: &str) -> Value {
    if creating {
        help(
            required(field("code", ctx.t("admin-code"), "text", code)),
            ctx.t("admin-code-help"),
        )
    } else {
        field("code", ctx.t("admin-code"), "readonly", code)
    }
}

fn name_fr_field(ctx: &Ctx, value: &str) -> Value {
    required(field("name_fr", ctx.t("admin-name-fr"), "text", value))
}

fn name_en_field(ctx: &Ctx, value: &str) -> Value {
    required(field("name_en", ctx.t("admin-name-en"), "text", value))
}

pub(crate) fn required(mut f: Value) -> Value {
    f["required"] = json!(true);
    f
}

pub(crate) fn help(mut f: Value, text: String) -> Value {
    f["help"] = json!(text);
    f
}

pub(crate) fn options(mut f: Value, opts: Vec<(String, String)>) -> Value {
    let selected = f["value"].as_str().unwrap_or("").to_string();
    f["options"] = json!(opts
        .into_iter()
        .map(|(v, l)| json!({"value": v, "label": l, "selected": v == selected}))
        .collect::<Vec<_>>());
    f
}

pub(crate) fn with_errors(fields: &mut [Value], errors: &Value) {
    for f in fields.iter_mut() {
        let name = f["name"].as_str().unwrap_or("").to_string();
        if let Some(e) = errors.get(&name) {
            f["errors"] = e.clone();
        }
    }
}

fn checkbox_value(active: bool) -> &'static str {
    if active {
        "on"
    } else {
        ""
    }
}

struct FormPage {
    title: String,
    action: String,
    back_url: &'static str,
    fields: Vec<Value>,
    sections: Vec<Value>,
}

fn render_form(
    ctx: &Ctx,
    state: &AppState,
    page: FormPage,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let mut fields = page.fields;
    let mut sections = page.sections;
    let (status, problem_text) = match &problem {
        Some(AppError::Invalid(f)) => {
            let messages = field_messages(ctx.locale, f);
            with_errors(&mut fields, &messages);
            for s in sections.iter_mut() {
                if let Some(Value::Array(add)) = s.get_mut("add_fields") {
                    with_errors(add, &messages);
                }
            }
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(ctx.t("form-has-errors")),
            )
        }
        Some(e) => (e.status(), Some(i18n::msg(ctx.locale, &e.message()))),
        None => (StatusCode::OK, None),
    };
    ctx.render_status(
        state,
        status,
        "pages/admin/form",
        json!({ "title": page.title, "action": page.action, "back_url": page.back_url,
                "fields": fields, "sections": sections, "problem": problem_text }),
    )
}

/// Outcome of a POST: redirect on success, the form again with messages on a refusal.
fn is_refusal(e: &AppError) -> bool {
    e.is_refusal()
}

/// The heading of a list page and its « new » button.
struct ListHead {
    title: String,
    new_url: &'static str,
    new_label: String,
}

fn list_page(
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

fn yes_no(loc: Locale, b: bool) -> String {
    i18n::tr(loc, if b { "admin-active" } else { "admin-inactive" }, &[])
}

async fn index(ctx: Ctx) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    Ok(see_other("/admin/units"))
}

// --- units ---

fn kind_options(loc: Locale) -> Vec<(String, String)> {
    UnitKind::ALL
        .iter()
        .map(|k| {
            (
                k.code().to_string(),
                i18n::tr(loc, "unit-kind", &[("code".into(), k.code().into())]),
            )
        })
        .collect()
}

async fn unit_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(units::all(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|u| json!({ "url": format!("/admin/units/{}", u.id), "cells": [
            loc.pick(&u.name_fr, &u.name_en), u.code,
            i18n::tr(loc, "unit-kind", &[("code".into(), u.kind.code().into())]), yes_no(loc, u.active)] }))
        .collect();
    let cols = ["admin-name", "admin-code", "admin-kind", "admin-state"]
        .iter()
        .map(|k| ctx.t(k))
        .collect();
    list_page(
        &ctx,
        &state,
        ListHead {
            title: ctx.t("admin-units"),
            new_url: "/admin/units/new",
            new_label: ctx.t("admin-new-unit"),
        },
        cols,
        rows,
        json!({}),
    )
}

fn unit_fields(
    ctx: &Ctx,
    input: &UnitInput,
    creating: bool,
    parents: &[(String, String)],
) -> Vec<Value> {
    let mut parent_opts = vec![(String::new(), ctx.t("admin-none"))];
    parent_opts.extend(parents.iter().cloned());
    vec![
        code_field(ctx, creating, &input.code),
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
        options(
            field("kind", ctx.t("admin-kind"), "select", &input.kind),
            kind_options(ctx.locale),
        ),
        options(
            field("parent", ctx.t("admin-parent"), "select", &input.parent),
            parent_opts,
        ),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ),
    ]
}

async fn unit_parents(state: &AppState, loc: Locale) -> Result<Vec<(String, String)>, AppError> {
    let all = state.db(|c| Ok(units::all(c)?)).await?;
    Ok(all
        .iter()
        .map(|u| {
            (
                u.id.to_string(),
                loc.pick(&u.name_fr, &u.name_en).to_string(),
            )
        })
        .collect())
}

async fn unit_form(
    ctx: &Ctx,
    state: &AppState,
    id: Option<UnitId>,
    input: UnitInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let parents = unit_parents(state, ctx.locale).await?;
    let mut sections = vec![];
    if let Some(unit) = id {
        let rooms = state
            .db(move |c| Ok(units::room_choices(c, &[unit])?))
            .await?;
        let items: Vec<Value> = rooms
            .iter()
            .map(|r| json!({ "label": r.label, "remove_url": format!("/admin/units/{unit}/rooms/{}/remove", r.id) }))
            .collect();
        sections.push(json!({
            "title": ctx.t("admin-rooms"), "items": items, "empty": ctx.t("admin-no-rooms"),
            "add_action": format!("/admin/units/{unit}/rooms"), "add_label": ctx.t("admin-add-room"),
            "add_fields": [
                required(field("building", ctx.t("admin-building"), "text", "Immeuble principal")),
                required(field("room", ctx.t("col-room"), "text", "")),
                field("room_name", ctx.t("admin-room-name"), "text", ""),
            ],
        }));
    }
    let page = FormPage {
        title: if id.is_some() {
            input.name_fr.clone()
        } else {
            ctx.t("admin-new-unit")
        },
        action: id.map_or("/admin/units".to_string(), |i| format!("/admin/units/{i}")),
        back_url: "/admin/units",
        fields: unit_fields(ctx, &input, id.is_none(), &parents),
        sections,
    };
    render_form(ctx, state, page, problem)
}

async fn unit_input(state: &AppState, id: UnitId) -> Result<UnitInput, AppError> {
    let u = state.db(move |c| Ok(units::find(c, id)?)).await?;
    Ok(UnitInput {
        code: u.code,
        name_fr: u.name_fr,
        name_en: u.name_en,
        kind: u.kind.code().into(),
        parent: u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        active: u.active.then(|| "on".into()),
    })
}

async fn room_add(
    ctx: Ctx,
    form: CsrfForm<crate::units::service::RoomInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = UnitId(path.into_inner());
    let user = ctx.user.clone();
    match state
        .db(move |c| unit_service::add_room(c, &user, id, form.0))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/units/{id}"))),
        Err(e) if is_refusal(&e) => {
            let input = unit_input(&state, id).await?;
            unit_form(&ctx, &state, Some(id), input, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

async fn room_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, room) = path.into_inner();
    let user = ctx.user.clone();
    state
        .db(move |c| unit_service::deactivate_room(c, &user, UnitId(id), crate::db::RoomId(room)))
        .await?;
    Ok(see_other(&format!("/admin/units/{id}")))
}

async fn unit_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = UnitInput {
        code: String::new(),
        name_fr: String::new(),
        name_en: String::new(),
        kind: "school".into(),
        parent: String::new(),
        active: Some("on".into()),
    };
    unit_form(&ctx, &state, None, blank, None).await
}

async fn unit_create(
    ctx: Ctx,
    form: CsrfForm<UnitInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state
        .db(move |c| unit_service::create(c, &user, input))
        .await
    {
        Ok(_) => Ok(see_other("/admin/units?ok=1")),
        Err(e) if is_refusal(&e) => unit_form(&ctx, &state, None, form.0, Some(e)).await,
        Err(e) => Err(e),
    }
}

async fn unit_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = UnitId(path.into_inner());
    let u = state.db(move |c| Ok(units::find(c, id)?)).await?;
    let input = UnitInput {
        code: u.code,
        name_fr: u.name_fr,
        name_en: u.name_en,
        kind: u.kind.code().into(),
        parent: u.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        active: u.active.then(|| "on".into()),
    };
    unit_form(&ctx, &state, Some(id), input, None).await
}

async fn unit_update(
    ctx: Ctx,
    form: CsrfForm<UnitInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = UnitId(path.into_inner());
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state
        .db(move |c| unit_service::update(c, &user, id, input))
        .await
    {
        Ok(()) => Ok(see_other("/admin/units?ok=1")),
        Err(e) if is_refusal(&e) => {
            let mut input = form.0;
            input.code = state.db(move |c| Ok(units::find(c, id)?.code)).await?;
            unit_form(&ctx, &state, Some(id), input, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

// --- people ---

#[derive(Deserialize)]
struct PeopleQuery {
    q: Option<String>,
    after: Option<String>,
    to_place: Option<String>,
}

const PAGE: i64 = 50;

async fn user_list(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<PeopleQuery>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let text = q.q.clone().unwrap_or_default();
    let after = q.after.as_deref().and_then(|a| {
        let (id, name) = a.split_once(':')?;
        Some((name.to_string(), UserId(id.parse().ok()?)))
    });
    let t = text.clone();
    let to_place = q.to_place.as_deref().is_some_and(|v| !v.is_empty());
    let found = state
        .db(move |c| Ok(users::search(c, &t, to_place, after, PAGE)?))
        .await?;
    let loc = ctx.locale;
    let rows: Vec<Value> = found
        .iter()
        .map(|u| json!({ "url": format!("/admin/users/{}", u.id), "cells": [u.display_name, u.email, u.locale, yes_no(loc, u.active)] }))
        .collect();
    let next = (found.len() as i64 == PAGE).then(|| {
        let last = &found[found.len() - 1];
        serde_urlencoded::to_string([
            ("q", text.as_str()),
            ("to_place", if to_place { "1" } else { "" }),
            ("after", &format!("{}:{}", last.id, last.display_name)),
        ])
        .unwrap_or_default()
    });
    let cols = ["admin-name", "email-label", "admin-locale", "admin-state"]
        .iter()
        .map(|k| ctx.t(k))
        .collect();
    list_page(
        &ctx,
        &state,
        ListHead {
            title: ctx.t("admin-users"),
            new_url: "/admin/users/new",
            new_label: ctx.t("admin-new-user"),
        },
        cols,
        rows,
        json!({ "searchable": true, "q": text, "next": next, "to_place_filter": true, "to_place": to_place }),
    )
}

fn locale_options() -> Vec<(String, String)> {
    vec![
        ("fr".into(), "Français".into()),
        ("en".into(), "English".into()),
    ]
}

fn person_fields(ctx: &Ctx, input: &PersonInput, creating: bool) -> Vec<Value> {
    vec![
        if creating {
            required(field("email", ctx.t("email-label"), "email", &input.email))
        } else {
            help(
                required(field("email", ctx.t("email-label"), "email", &input.email)),
                ctx.t("admin-email-rectify-help"),
            )
        },
        required(field(
            "display_name",
            ctx.t("admin-name"),
            "text",
            &input.display_name,
        )),
        options(
            field("locale", ctx.t("admin-locale"), "select", &input.locale),
            locale_options(),
        ),
        help(
            field(
                "password",
                ctx.t(if creating {
                    "password-label"
                } else {
                    "admin-new-password"
                }),
                "password",
                "",
            ),
            ctx.t("admin-password-help"),
        ),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ),
    ]
}

async fn user_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = PersonInput {
        email: String::new(),
        display_name: String::new(),
        locale: "fr".into(),
        password: String::new(),
        active: Some("on".into()),
    };
    let page = FormPage {
        title: ctx.t("admin-new-user"),
        action: "/admin/users".into(),
        back_url: "/admin/users",
        fields: person_fields(&ctx, &blank, true),
        sections: vec![],
    };
    render_form(&ctx, &state, page, None)
}

async fn user_create(
    ctx: Ctx,
    form: CsrfForm<PersonInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state
        .db(move |c| people::create_person(c, &user, input))
        .await
    {
        Ok(id) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(e) if is_refusal(&e) => {
            let page = FormPage {
                title: ctx.t("admin-new-user"),
                action: "/admin/users".into(),
                back_url: "/admin/users",
                fields: person_fields(&ctx, &form.0, true),
                sections: vec![],
            };
            render_form(&ctx, &state, page, Some(e))
        }
        Err(e) => Err(e),
    }
}

async fn user_page(
    ctx: &Ctx,
    state: &AppState,
    id: UserId,
    edited: Option<PersonInput>,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let actor = ctx.user.clone();
    let ((u, roles), all_units, aliases) = state
        .db(move |c| {
            Ok((
                people::person(c, &actor, id)?,
                units::all(c)?,
                people::aliases(c, id)?,
            ))
        })
        .await?;
    let loc = ctx.locale;
    let unit_name = |uid: UnitId| {
        all_units
            .iter()
            .find(|x| x.id == uid)
            .map(|x| loc.pick(&x.name_fr, &x.name_en).to_string())
            .unwrap_or_default()
    };
    let input = edited.unwrap_or(PersonInput {
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        locale: u.locale.clone(),
        password: String::new(),
        active: u.active.then(|| "on".into()),
    });
    let role_label = |r: Role| i18n::tr(loc, "role", &[("code".into(), r.code().into())]);
    let items: Vec<Value> = roles
        .iter()
        .map(|(rid, uid, r)| json!({ "label": format!("{} — {}", role_label(*r), unit_name(*uid)), "remove_url": format!("/admin/users/{id}/roles/{rid}/remove") }))
        .collect();
    let add_fields = vec![
        options(
            field("unit", ctx.t("col-unit"), "select", ""),
            all_units
                .iter()
                .filter(|x| x.active)
                .map(|x| {
                    (
                        x.id.to_string(),
                        loc.pick(&x.name_fr, &x.name_en).to_string(),
                    )
                })
                .collect(),
        ),
        options(
            field("role", ctx.t("admin-role"), "select", "requester"),
            Role::ALL
                .iter()
                .map(|r| (r.code().to_string(), role_label(*r)))
                .collect(),
        ),
    ];
    let page = FormPage {
        title: u.display_name.clone(),
        action: format!("/admin/users/{id}"),
        back_url: "/admin/users",
        fields: person_fields(ctx, &input, false),
        sections: vec![
            json!({ "title": ctx.t("admin-roles"), "items": items, "empty": ctx.t("admin-no-roles"),
                               "add_action": format!("/admin/users/{id}/roles"), "add_fields": add_fields, "add_label": ctx.t("admin-add-role") }),
            json!({ "title": ctx.t("admin-aliases"), "items": aliases.iter().map(|a| json!({
                        "label": a,
                        "remove_url": format!("/admin/users/{id}/aliases/{}/remove",
                            url::form_urlencoded::byte_serialize(a.as_bytes()).collect::<String>()),
                    })).collect::<Vec<_>>(),
                    "empty": ctx.t("admin-no-aliases"),
                    "add_action": format!("/admin/users/{id}/aliases"),
                    "add_fields": vec![field("email", ctx.t("admin-alias"), "email", "")],
                    "add_label": ctx.t("admin-add-alias") }),
        ],
    };
    render_form(ctx, state, page, problem)
}

async fn user_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    user_page(&ctx, &state, UserId(path.into_inner()), None, None).await
}

async fn user_update(
    ctx: Ctx,
    form: CsrfForm<PersonInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = UserId(path.into_inner());
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state
        .db(move |c| people::update_person(c, &user, id, input))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(e) if is_refusal(&e) => user_page(&ctx, &state, id, Some(form.0), Some(e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct RoleForm {
    unit: String,
    role: String,
}

async fn role_add(
    ctx: Ctx,
    form: CsrfForm<RoleForm>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = UserId(path.into_inner());
    let choice = |f: &str| {
        AppError::Invalid(FieldErrors::single(
            f,
            crate::error::Msg::new("field-choice"),
        ))
    };
    let unit = form.0.unit.parse().map(UnitId).map_err(|_| choice("unit"));
    let role = Role::parse(&form.0.role).ok_or_else(|| choice("role"));
    let user = ctx.user.clone();
    let result = match (unit, role) {
        (Ok(unit), Ok(role)) => {
            state
                .db(move |c| people::add_role(c, &user, id, unit, role))
                .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(e) if is_refusal(&e) => user_page(&ctx, &state, id, None, Some(e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct AliasForm {
    email: String,
}

async fn alias_add(
    ctx: Ctx,
    form: CsrfForm<AliasForm>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = UserId(path.into_inner());
    let user = ctx.user.clone();
    let email = form.0.email;
    match state
        .db(move |c| people::add_alias(c, &user, id, &email))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(e) if is_refusal(&e) => user_page(&ctx, &state, id, None, Some(e)).await,
        Err(e) => Err(e),
    }
}

async fn alias_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, email) = path.into_inner();
    let user = ctx.user.clone();
    state
        .db(move |c| people::remove_alias(c, &user, UserId(id), &email))
        .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

#[derive(Deserialize)]
struct Empty {}

async fn role_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, role) = path.into_inner();
    let user = ctx.user.clone();
    match state
        .db(move |c| people::remove_role(c, &user, UserId(id), role))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(e) if is_refusal(&e) => user_page(&ctx, &state, UserId(id), None, Some(e)).await,
        Err(e) => Err(e),
    }
}

// --- teams ---

fn domain_options(loc: Locale) -> Vec<(String, String)> {
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

async fn team_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(users::teams(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|t| json!({ "url": format!("/admin/teams/{}", t.id), "cells": [loc.pick(&t.name_fr, &t.name_en), t.code,
            i18n::tr(loc, "domain", &[("code".into(), t.domain.code().into())]), yes_no(loc, t.active)] }))
        .collect();
    let cols = ["admin-name", "admin-code", "col-domain", "admin-state"]
        .iter()
        .map(|k| ctx.t(k))
        .collect();
    list_page(
        &ctx,
        &state,
        ListHead {
            title: ctx.t("admin-teams"),
            new_url: "/admin/teams/new",
            new_label: ctx.t("admin-new-team"),
        },
        cols,
        rows,
        json!({}),
    )
}

fn team_fields(
    ctx: &Ctx,
    input: &TeamInput,
    creating: bool,
    members: &[(String, String)],
) -> Vec<Value> {
    let mut lead_opts = vec![(String::new(), ctx.t("admin-none"))];
    lead_opts.extend(members.iter().cloned());
    let mut v = vec![
        code_field(ctx, creating, &input.code),
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
    ];
    if creating {
        v.push(options(
            field("domain", ctx.t("col-domain"), "select", &input.domain),
            domain_options(ctx.locale),
        ));
    } else {
        v.push(field(
            "domain_label",
            ctx.t("col-domain"),
            "readonly",
            &i18n::tr(
                ctx.locale,
                "domain",
                &[("code".into(), input.domain.clone())],
            ),
        ));
        v.push(options(
            field("lead", ctx.t("admin-lead"), "select", &input.lead),
            lead_opts,
        ));
    }
    v.push(field(
        "active",
        ctx.t("admin-active"),
        "checkbox",
        checkbox_value(input.active.is_some()),
    ));
    v
}

async fn team_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = TeamInput {
        code: String::new(),
        name_fr: String::new(),
        name_en: String::new(),
        domain: "ti".into(),
        lead: String::new(),
        active: Some("on".into()),
    };
    let page = FormPage {
        title: ctx.t("admin-new-team"),
        action: "/admin/teams".into(),
        back_url: "/admin/teams",
        fields: team_fields(&ctx, &blank, true, &[]),
        sections: vec![],
    };
    render_form(&ctx, &state, page, None)
}

async fn team_create(
    ctx: Ctx,
    form: CsrfForm<TeamInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state
        .db(move |c| people::create_team(c, &user, input))
        .await
    {
        Ok(id) => Ok(see_other(&format!("/admin/teams/{id}"))),
        Err(e) if is_refusal(&e) => {
            let page = FormPage {
                title: ctx.t("admin-new-team"),
                action: "/admin/teams".into(),
                back_url: "/admin/teams",
                fields: team_fields(&ctx, &form.0, true, &[]),
                sections: vec![],
            };
            render_form(&ctx, &state, page, Some(e))
        }
        Err(e) => Err(e),
    }
}

async fn team_page(
    ctx: &Ctx,
    state: &AppState,
    id: TeamId,
    edited: Option<TeamInput>,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (t, members) = state
        .db(move |c| Ok((users::team(c, id)?, users::team_members(c, id)?)))
        .await?;
    let input = edited.map(|mut e| {
        e.code = t.code.clone();
        e.domain = t.domain.code().into();
        e
    });
    let input = input.unwrap_or(TeamInput {
        code: t.code.clone(),
        name_fr: t.name_fr.clone(),
        name_en: t.name_en.clone(),
        domain: t.domain.code().into(),
        lead: t.lead_id.map(|l| l.to_string()).unwrap_or_default(),
        active: t.active.then(|| "on".into()),
    });
    let member_opts: Vec<(String, String)> = members
        .iter()
        .map(|m| (m.id.to_string(), m.display_name.clone()))
        .collect();
    let items: Vec<Value> = members
        .iter()
        .map(|m| json!({ "label": format!("{} <{}>", m.display_name, m.email), "remove_url": format!("/admin/teams/{id}/members/{}/remove", m.id) }))
        .collect();
    let page = FormPage {
        title: ctx.locale.pick(&t.name_fr, &t.name_en).to_string(),
        action: format!("/admin/teams/{id}"),
        back_url: "/admin/teams",
        fields: team_fields(ctx, &input, false, &member_opts),
        sections: vec![
            json!({ "title": ctx.t("admin-members"), "items": items, "empty": ctx.t("admin-no-members"),
            "add_action": format!("/admin/teams/{id}/members"),
            "add_fields": [required(field("email", ctx.t("email-label"), "email", ""))], "add_label": ctx.t("admin-add-member") }),
        ],
    };
    render_form(ctx, state, page, problem)
}

async fn team_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    team_page(&ctx, &state, TeamId(path.into_inner()), None, None).await
}

async fn team_update(
    ctx: Ctx,
    form: CsrfForm<TeamInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = TeamId(path.into_inner());
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state
        .db(move |c| people::update_team(c, &user, id, input))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/teams/{id}"))),
        Err(e) if is_refusal(&e) => team_page(&ctx, &state, id, Some(form.0), Some(e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct MemberForm {
    email: String,
}

async fn member_add(
    ctx: Ctx,
    form: CsrfForm<MemberForm>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = TeamId(path.into_inner());
    let user = ctx.user.clone();
    let email = form.0.email;
    match state
        .db(move |c| people::add_member(c, &user, id, &email))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/teams/{id}"))),
        Err(e) if is_refusal(&e) => team_page(&ctx, &state, id, None, Some(e)).await,
        Err(e) => Err(e),
    }
}

async fn member_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (id, member) = path.into_inner();
    let user = ctx.user.clone();
    match state
        .db(move |c| people::remove_member(c, &user, TeamId(id), UserId(member)))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/teams/{id}"))),
        Err(e) if is_refusal(&e) => team_page(&ctx, &state, TeamId(id), None, Some(e)).await,
        Err(e) => Err(e),
    }
}

// --- categories ---

async fn category_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(catalog::all_categories(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|c| json!({ "url": format!("/admin/categories/{}", c.id), "cells": [loc.pick(&c.name_fr, &c.name_en), c.code,
            i18n::tr(loc, "domain", &[("code".into(), c.domain.code().into())]),
            i18n::tr(loc, "admin-field-count", &[("n".into(), c.form_def().fields.len().to_string())]), yes_no(loc, c.active)] }))
        .collect();
    let cols = [
        "admin-name",
        "admin-code",
        "col-domain",
        "admin-form",
        "admin-state",
    ]
    .iter()
    .map(|k| ctx.t(k))
    .collect();
    list_page(
        &ctx,
        &state,
        ListHead {
            title: ctx.t("admin-categories"),
            new_url: "/admin/categories/new",
            new_label: ctx.t("admin-new-category"),
        },
        cols,
        rows,
        json!({}),
    )
}

async fn category_form(
    ctx: &Ctx,
    state: &AppState,
    id: Option<CategoryId>,
    input: CategoryInput,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (teams, policies, workflows, groups) = state
        .db(|c| {
            Ok((
                users::teams(c)?,
                crate::sla::queries::policies(c)?,
                crate::workflow::queries::rows(c)?,
                crate::users::groups::all(c)?,
            ))
        })
        .await?;
    let loc = ctx.locale;
    let mut team_opts = vec![(String::new(), ctx.t("admin-none"))];
    team_opts.extend(teams.iter().filter(|t| t.active).map(|t| {
        (
            t.id.to_string(),
            loc.pick(&t.name_fr, &t.name_en).to_string(),
        )
    }));
    let creating = id.is_none();
    let mut fields = vec![
        code_field(ctx, creating, &input.code),
        if creating {
            options(
                field("domain", ctx.t("col-domain"), "select", &input.domain),
                domain_options(loc),
            )
        } else {
            field(
                "domain_label",
                ctx.t("col-domain"),
                "readonly",
                &i18n::tr(loc, "domain", &[("code".into(), input.domain.clone())]),
            )
        },
        name_fr_field(ctx, &input.name_fr),
        name_en_field(ctx, &input.name_en),
        field(
            "description_fr",
            ctx.t("admin-description-fr"),
            "textarea",
            &input.description_fr,
        ),
        field(
            "description_en",
            ctx.t("admin-description-en"),
            "textarea",
            &input.description_en,
        ),
        options(
            field(
                "default_team",
                ctx.t("admin-default-team"),
                "select",
                &input.default_team,
            ),
            team_opts,
        ),
        options(
            field(
                "default_priority",
                ctx.t("admin-default-priority"),
                "select",
                &input.default_priority,
            ),
            Priority::ALL
                .iter()
                .map(|p| {
                    (
                        p.code().to_string(),
                        i18n::tr(loc, "priority", &[("code".into(), p.code().into())]),
                    )
                })
                .collect(),
        ),
        field(
            "position",
            ctx.t("admin-position"),
            "number",
            &input.position,
        ),
        help(
            field("form", ctx.t("admin-form"), "textarea", &input.form),
            ctx.t("admin-form-help"),
        ),
        field(
            "active",
            ctx.t("admin-active"),
            "checkbox",
            checkbox_value(input.active.is_some()),
        ),
    ];
    let mut policy_opts = vec![(String::new(), ctx.t("admin-sla-default-policy"))];
    policy_opts.extend(policies.iter().filter(|p| p.active).map(|p| {
        (
            p.id.to_string(),
            loc.pick(&p.name_fr, &p.name_en).to_string(),
        )
    }));
    let at = fields
        .iter()
        .position(|f| f["name"] == "default_priority")
        .map_or(fields.len(), |i| i + 1);
    fields.insert(
        at,
        options(
            field(
                "sla_policy",
                ctx.t("admin-sla-policy"),
                "select",
                &input.sla_policy,
            ),
            policy_opts,
        ),
    );
    if let Some(f) = fields.iter_mut().find(|f| f["name"] == "form") {
        f["rows"] = json!(16);
    }
    let at = fields
        .iter()
        .position(|f| f["name"] == "form")
        .unwrap_or(fields.len());
    let mut group_opts = vec![(String::new(), ctx.t("admin-none"))];
    group_opts.extend(groups.iter().map(|g| {
        (
            g.id.to_string(),
            loc.pick(&g.name_fr, &g.name_en).to_string(),
        )
    }));
    let approval_fields = vec![
        options(
            field(
                "workflow",
                ctx.t("admin-workflow"),
                "select",
                &input.workflow,
            ),
            workflows
                .iter()
                .map(|w| {
                    (
                        w.id.to_string(),
                        loc.pick(&w.name_fr, &w.name_en).to_string(),
                    )
                })
                .collect(),
        ),
        options(
            field(
                "approval",
                ctx.t("admin-approval"),
                "select",
                &input.approval,
            ),
            crate::approvals::ApprovalMode::ALL
                .iter()
                .map(|m| {
                    (
                        m.code().to_string(),
                        i18n::tr(loc, "approval-mode", &[("code".into(), m.code().into())]),
                    )
                })
                .collect(),
        ),
        options(
            field(
                "approval_group",
                ctx.t("admin-approval-group"),
                "select",
                &input.approval_group,
            ),
            group_opts,
        ),
        help(
            field(
                "approval_field",
                ctx.t("admin-approval-field"),
                "text",
                &input.approval_field,
            ),
            ctx.t("admin-approval-field-help"),
        ),
        field(
            "approval_threshold",
            ctx.t("admin-approval-threshold"),
            "text",
            &input.approval_threshold,
        ),
        help(
            field(
                "confidential",
                ctx.t("admin-confidential"),
                "checkbox",
                checkbox_value(input.confidential.is_some()),
            ),
            ctx.t("admin-confidential-help"),
        ),
    ];
    for (i, f) in approval_fields.into_iter().enumerate() {
        fields.insert(at + i, f);
    }
    let page = FormPage {
        title: if creating {
            ctx.t("admin-new-category")
        } else {
            loc.pick(&input.name_fr, &input.name_en).to_string()
        },
        action: id.map_or("/admin/categories".to_string(), |i| {
            format!("/admin/categories/{i}")
        }),
        back_url: "/admin/categories",
        fields,
        sections: vec![],
    };
    render_form(ctx, state, page, problem)
}

async fn category_new(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let blank = CategoryInput {
        code: String::new(),
        domain: "ti".into(),
        name_fr: String::new(),
        name_en: String::new(),
        description_fr: String::new(),
        description_en: String::new(),
        default_team: String::new(),
        default_priority: "normal".into(),
        position: "0".into(),
        form: "{\n  \"fields\": []\n}".into(),
        active: Some("on".into()),
        sla_policy: String::new(),
        workflow: String::new(),
        approval: "none".into(),
        approval_group: String::new(),
        approval_field: String::new(),
        approval_threshold: String::new(),
        confidential: None,
    };
    category_form(&ctx, &state, None, blank, None).await
}

async fn category_create(
    ctx: Ctx,
    form: CsrfForm<CategoryInput>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state.db(move |c| categories::create(c, &user, input)).await {
        Ok(id) => Ok(see_other(&format!("/admin/categories/{id}"))),
        Err(e) if is_refusal(&e) => category_form(&ctx, &state, None, form.0, Some(e)).await,
        Err(e) => Err(e),
    }
}

async fn category_edit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = CategoryId(path.into_inner());
    let c = state.db(move |conn| Ok(catalog::find(conn, id)?)).await?;
    let input = CategoryInput {
        code: c.code.clone(),
        domain: c.domain.code().into(),
        name_fr: c.name_fr.clone(),
        name_en: c.name_en.clone(),
        description_fr: c.description_fr.clone(),
        description_en: c.description_en.clone(),
        default_team: c.default_team_id.map(|t| t.to_string()).unwrap_or_default(),
        default_priority: c.default_priority.code().into(),
        position: c.position.to_string(),
        form: serde_json::to_string_pretty(&c.form).unwrap_or_default(),
        active: c.active.then(|| "on".into()),
        sla_policy: c.sla_policy_id.map(|p| p.to_string()).unwrap_or_default(),
        workflow: c.workflow_id.to_string(),
        approval: c.approval.code().into(),
        approval_group: c
            .approval_group_id
            .map(|g| g.to_string())
            .unwrap_or_default(),
        approval_field: c.approval_field.clone().unwrap_or_default(),
        approval_threshold: c
            .approval_threshold
            .map(|t| t.to_string())
            .unwrap_or_default(),
        confidential: c.confidential.then(|| "on".into()),
    };
    category_form(&ctx, &state, Some(id), input, None).await
}

async fn category_update(
    ctx: Ctx,
    form: CsrfForm<CategoryInput>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let id = CategoryId(path.into_inner());
    let (user, input) = (ctx.user.clone(), form.0.clone());
    match state
        .db(move |c| categories::update(c, &user, id, input))
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/categories/{id}"))),
        Err(e) if is_refusal(&e) => {
            let c = state.db(move |conn| Ok(catalog::find(conn, id)?)).await?;
            let mut input = form.0;
            input.code = c.code;
            input.domain = c.domain.code().into();
            category_form(&ctx, &state, Some(id), input, Some(e)).await
        }
        Err(e) => Err(e),
    }
}
