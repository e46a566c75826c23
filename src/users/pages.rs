//! Administration of people (with their roles and addresses) and teams (with their members).
//! Admins only; nobody is deleted — an account is deactivated. Named groups: `group_pages`.

use crate::db::{TeamId, UnitId, UserId};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{self};
use crate::units::queries as units;
use crate::users::directory::{self as people, PersonInput, TeamInput};
use crate::users::model::Role;
use crate::users::queries as users;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{
    admin_write, checkbox_value, code_field, columns, domain_options, field, help, list_page,
    members_section, name_en_field, name_fr_field, options, render_form, render_or_redirect,
    required, section, yes_no, Empty, FormPage, ListHead,
};
use crate::web::render::{see_other, urlencode};
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin/users", web::get().to(user_list))
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
        );
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
    let cols = columns(&ctx, "admin-name email-label admin-locale admin-state");
    list_page(
        &ctx,
        &state,
        ListHead::of(&ctx, "admin-users", "/admin/users/new", "admin-new-user"),
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
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::create_person(c, user, input),
        |id| format!("/admin/users/{id}"),
        |e| async move {
            let page = FormPage {
                title: ctx.t("admin-new-user"),
                action: "/admin/users".into(),
                back_url: "/admin/users",
                fields: person_fields(&ctx, &form.0, true),
                sections: vec![],
            };
            render_form(&ctx, &state, page, Some(e))
        },
    )
    .await
}

/// A person's roles (each in a unit) and the form to add one.
fn roles_section(
    ctx: &Ctx,
    id: UserId,
    roles: &[crate::users::directory::RoleRow],
    all_units: &[crate::units::model::Unit],
) -> Value {
    let loc = ctx.locale;
    let unit_name = |uid: UnitId| {
        all_units
            .iter()
            .find(|x| x.id == uid)
            .map(|x| loc.pick(&x.name_fr, &x.name_en).to_string())
            .unwrap_or_default()
    };
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
    section(
        ctx,
        ["admin-roles", "admin-no-roles", "admin-add-role"],
        items,
        format!("/admin/users/{id}/roles"),
        add_fields,
    )
}

/// A person's other addresses (mail from them is theirs) and the form to add one.
fn aliases_section(ctx: &Ctx, id: UserId, aliases: &[String]) -> Value {
    let items = aliases
        .iter()
        .map(|a| {
            json!({
                "label": a,
                "remove_url": format!("/admin/users/{id}/aliases/{}/remove", urlencode(a)),
            })
        })
        .collect();
    section(
        ctx,
        ["admin-aliases", "admin-no-aliases", "admin-add-alias"],
        items,
        format!("/admin/users/{id}/aliases"),
        vec![field("email", ctx.t("admin-alias"), "email", "")],
    )
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
    let input = edited.unwrap_or(PersonInput {
        email: u.email.clone(),
        display_name: u.display_name.clone(),
        locale: u.locale.clone(),
        password: String::new(),
        active: u.active.then(|| "on".into()),
    });
    let page = FormPage {
        title: u.display_name.clone(),
        action: format!("/admin/users/{id}"),
        back_url: "/admin/users",
        fields: person_fields(ctx, &input, false),
        sections: vec![
            roles_section(ctx, id, &roles, &all_units),
            aliases_section(ctx, id, &aliases),
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
    let id = UserId(path.into_inner());
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::update_person(c, user, id, input),
        |_| format!("/admin/users/{id}"),
        |e| async move { user_page(&ctx, &state, id, Some(form.0), Some(e)).await },
    )
    .await
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
    render_or_redirect(
        result,
        |_| format!("/admin/users/{id}"),
        |e| async move { user_page(&ctx, &state, id, None, Some(e)).await },
    )
    .await
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
    let id = UserId(path.into_inner());
    let email = form.0.email;
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::add_alias(c, user, id, &email),
        |_| format!("/admin/users/{id}"),
        |e| async move { user_page(&ctx, &state, id, None, Some(e)).await },
    )
    .await
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

async fn role_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, role) = path.into_inner();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::remove_role(c, user, UserId(id), role),
        |_| format!("/admin/users/{id}"),
        |e| async move { user_page(&ctx, &state, UserId(id), None, Some(e)).await },
    )
    .await
}

// --- teams ---

async fn team_list(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    ctx.user.require_admin()?;
    let all = state.db(|c| Ok(users::teams(c)?)).await?;
    let loc = ctx.locale;
    let rows = all
        .iter()
        .map(|t| json!({ "url": format!("/admin/teams/{}", t.id), "cells": [loc.pick(&t.name_fr, &t.name_en), t.code,
            i18n::tr(loc, "domain", &[("code".into(), t.domain.code().into())]), yes_no(loc, t.active)] }))
        .collect();
    let cols = columns(&ctx, "admin-name admin-code col-domain admin-state");
    list_page(
        &ctx,
        &state,
        ListHead::of(&ctx, "admin-teams", "/admin/teams/new", "admin-new-team"),
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
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::create_team(c, user, input),
        |id| format!("/admin/teams/{id}"),
        |e| async move {
            let page = FormPage {
                title: ctx.t("admin-new-team"),
                action: "/admin/teams".into(),
                back_url: "/admin/teams",
                fields: team_fields(&ctx, &form.0, true, &[]),
                sections: vec![],
            };
            render_form(&ctx, &state, page, Some(e))
        },
    )
    .await
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
    let page = FormPage {
        title: ctx.locale.pick(&t.name_fr, &t.name_en).to_string(),
        action: format!("/admin/teams/{id}"),
        back_url: "/admin/teams",
        fields: team_fields(ctx, &input, false, &member_opts),
        sections: vec![members_section(
            ctx,
            &format!("/admin/teams/{id}"),
            &members,
        )],
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
    let id = TeamId(path.into_inner());
    let input = form.0.clone();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::update_team(c, user, id, input),
        |_| format!("/admin/teams/{id}"),
        |e| async move { team_page(&ctx, &state, id, Some(form.0), Some(e)).await },
    )
    .await
}

#[derive(Deserialize)]
pub(super) struct MemberForm {
    pub(super) email: String,
}

async fn member_add(
    ctx: Ctx,
    form: CsrfForm<MemberForm>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = TeamId(path.into_inner());
    let email = form.0.email;
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::add_member(c, user, id, &email),
        |_| format!("/admin/teams/{id}"),
        |e| async move { team_page(&ctx, &state, id, None, Some(e)).await },
    )
    .await
}

async fn member_remove(
    ctx: Ctx,
    _f: CsrfForm<Empty>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, member) = path.into_inner();
    admin_write(
        state.clone(),
        ctx.user.clone(),
        move |c, user| people::remove_member(c, user, TeamId(id), UserId(member)),
        |_| format!("/admin/teams/{id}"),
        |e| async move { team_page(&ctx, &state, TeamId(id), None, Some(e)).await },
    )
    .await
}
