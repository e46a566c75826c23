//! Request pages: my requests, the technician queue, the new-request steps, the request page
//! and its forms (comment, status, assignment, attachments). Thin: extract, call, render.

use super::filters::{self, ListParams};
use super::model::{Priority, Source};
use super::present::{list_items, priority_options, status_options};
use super::queries::StatusFilter;
use super::service::{self, AssignCmd, CategoryRef, CommentCmd, NewRequestCmd, TransitionCmd};
use super::show::{after_action, number};
use super::views;
use super::{attachments, show};
use crate::catalog::form::FieldKind;
use crate::catalog::present::form_fields;
use crate::catalog::queries as catalog;
use crate::db::{RoomId, UnitId, UserId};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{self, Locale};
use crate::units::queries as units;
use crate::users::queries as users;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::render::{field_messages, merge, see_other};
use crate::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/requests", web::get().to(my_requests))
        .route("/requests", web::post().to(create))
        .route("/requests/new", web::get().to(new_form))
        .route("/queue", web::get().to(queue))
        .route("/requests/{number}", web::get().to(show::show))
        .route("/requests/{number}/comments", web::post().to(comment))
        .route("/requests/{number}/transitions", web::post().to(transition))
        .route("/requests/{number}/assign", web::post().to(assign))
        .route("/requests/{number}/priority", web::post().to(priority))
        .route("/requests/{number}/watchers", web::post().to(watcher_add))
        .route(
            "/requests/{number}/watchers/remove",
            web::post().to(watcher_remove),
        )
        .route(
            "/requests/{number}/attachments",
            web::post().to(attachments::upload),
        )
        .route(
            "/requests/{number}/attachments/{id}",
            web::get().to(attachments::download),
        );
}

/// Query string of the current filters without the cursor, for "next page" links.
fn filter_query(p: &ListParams) -> String {
    let mut p = p.clone();
    p.cursor = None;
    serde_urlencoded::to_string(&p).unwrap_or_default()
}

/// « Mes demandes »: one's own requests, or with `view=unit` those of the unit one directs; with
/// the filters a dashboard's link added.
fn mine(
    c: &mut diesel::PgConnection,
    user: &crate::auth::CurrentUser,
    p: &ListParams,
    locale: Locale,
) -> Result<(views::Page, Value), AppError> {
    let mut query = filters::resolve(c, user, p, StatusFilter::All, 25)?;
    // Without a unit to direct, « Mes demandes » are one's own.
    if user.managed_units().is_empty() || p.view.as_deref() != Some("unit") {
        query.requester = Some(user.id);
    } else {
        query.requester = None;
        query.unit = query.unit.or(user.managed_units().first().copied());
    }
    let extra = extra_filters(c, locale, p)?;
    Ok((views::list(c, user, &query, locale)?, extra))
}

async fn my_requests(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let params = q.into_inner();
    let (user, locale, p) = (ctx.user.clone(), ctx.locale, params.clone());
    let (page, extra) = match state.db(move |c| mine(c, &user, &p, locale)).await {
        Ok(p) => p,
        Err(AppError::Invalid(_)) => return Ok(see_other("/requests")),
        Err(e) => return Err(e),
    };
    let status = params.status.clone().unwrap_or_else(|| "all".into());
    let unit_view = params.view.as_deref() == Some("unit");
    ctx.render(
        &state,
        "pages/requests/mine",
        json!({
            "title": ctx.t(if unit_view { "unit-requests-title" } else { "my-requests-title" }),
            "items": list_items(ctx.locale, &page),
            "next": page.next.map(filters::encode_cursor),
            "query": filter_query(&params),
            "statuses": status_options(ctx.locale, &page.states, &status),
            "unit_view": unit_view,
            "q": params.q.clone().unwrap_or_default(),
            "is_first_page": params.cursor.is_none(),
            "extra": extra,
        }),
    )
}

/// The filters a dashboard's link adds that the filter form has no field for (category, kind,
/// breaches, creation and resolution periods): hidden fields that keep them when the form is
/// sent again, and their names for the notice above the list.
fn extra_filters(
    conn: &mut diesel::PgConnection,
    loc: Locale,
    p: &ListParams,
) -> Result<Value, AppError> {
    let mut hidden = Vec::new();
    let mut labels = Vec::new();
    let day = |raw: &str| {
        filters::instant(raw)
            .map(|t| i18n::format_date(loc, crate::transport::model::local(t).date()))
            .unwrap_or_else(|| raw.to_string())
    };
    // The day before an exclusive end, for « du … au … ».
    let day_before = |raw: &str| {
        filters::instant(raw)
            .map(|t| {
                let d = crate::transport::model::local(t - chrono::Duration::seconds(1)).date();
                i18n::format_date(loc, d)
            })
            .unwrap_or_else(|| raw.to_string())
    };
    let set = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let Some(c) = set(&p.category) {
        let name = catalog::by_code(conn, &c)?
            .map(|cat| loc.pick(&cat.name_fr, &cat.name_en).to_string())
            .unwrap_or_else(|| c.clone());
        labels.push(i18n::tr(loc, "drill-category", &[("label".into(), name)]));
        hidden.push(json!({"name": "category", "value": c}));
    }
    if let Some(k) = set(&p.kind) {
        labels.push(i18n::tr(loc, "drill-kind", &[("code".into(), k.clone())]));
        hidden.push(json!({"name": "kind", "value": k}));
    }
    if let Some(v) = set(&p.sla) {
        labels.push(i18n::tr(loc, "dashboard-breaches", &[]));
        hidden.push(json!({"name": "sla", "value": v}));
    }
    for (since, before, key) in [
        (&p.created_since, &p.created_before, "drill-created"),
        (&p.resolved_since, &p.resolved_before, "drill-resolved"),
    ] {
        let (a, b) = (set(since), set(before));
        if a.is_none() && b.is_none() {
            continue;
        }
        labels.push(i18n::tr(
            loc,
            key,
            &[
                (
                    "from".into(),
                    a.as_deref().map(day).unwrap_or_else(|| "…".into()),
                ),
                (
                    "to".into(),
                    b.as_deref().map(day_before).unwrap_or_else(|| "…".into()),
                ),
            ],
        ));
        let name = if key == "drill-created" {
            "created"
        } else {
            "resolved"
        };
        if let Some(a) = a {
            hidden.push(json!({"name": format!("{name}_since"), "value": a}));
        }
        if let Some(b) = b {
            hidden.push(json!({"name": format!("{name}_before"), "value": b}));
        }
    }
    Ok(json!({"hidden": hidden, "labels": labels}))
}

const ASSIGNEE_CHOICES: [&str; 2] = ["me", "none"];
const SORT_CHOICES: [&str; 5] = ["newest", "oldest", "updated", "priority", "due"];

/// The queue as read: a page of requests, the teams of the reader's domains, the units, and the
/// filters a dashboard's link added.
struct Queue {
    page: views::Page,
    teams: Vec<crate::users::model::Team>,
    units: Vec<crate::units::model::Unit>,
    extra: Value,
}

fn queue_of(
    c: &mut diesel::PgConnection,
    user: &crate::auth::CurrentUser,
    p: &ListParams,
    locale: Locale,
) -> Result<Queue, AppError> {
    let query = filters::resolve(c, user, p, StatusFilter::Open, 25)?;
    let domains = user.staff_domains();
    Ok(Queue {
        page: views::list(c, user, &query, locale)?,
        teams: users::teams(c)?
            .into_iter()
            .filter(|t| t.active && domains.contains(&t.domain))
            .collect(),
        units: units::all(c)?,
        extra: extra_filters(c, locale, p)?,
    })
}

/// The queue's filters, each choice marked when it is the one applied.
fn queue_filters(ctx: &Ctx, params: &ListParams, q: &Queue) -> Value {
    let sel = |v: &Option<String>| v.clone().unwrap_or_default();
    let loc = ctx.locale;
    json!({
        "statuses": status_options(loc, &q.page.states, &params.status.clone().unwrap_or_else(|| "open".into())),
        "priorities": priority_options(loc, &sel(&params.priority)),
        "domains": ctx.user.staff_domains().iter().map(|d| json!({
            "value": d.code(), "label": i18n::tr(loc, "domain", &[("code".into(), d.code().into())]),
            "selected": sel(&params.domain) == d.code()})).collect::<Vec<_>>(),
        "teams": q.teams.iter().map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
            "selected": sel(&params.team) == t.code})).collect::<Vec<_>>(),
        "units": q.units.iter().filter(|u| u.active).map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
            "selected": sel(&params.unit) == u.code})).collect::<Vec<_>>(),
        "assignees": ASSIGNEE_CHOICES.iter().map(|a| json!({"value": a,
            "label": i18n::tr(loc, &format!("assignee-{a}"), &[]), "selected": sel(&params.assignee) == *a})).collect::<Vec<_>>(),
        "sorts": SORT_CHOICES.iter().map(|s| json!({"value": s,
            "label": i18n::tr(loc, "sort", &[("code".into(), (*s).into())]), "selected": sel(&params.sort) == *s})).collect::<Vec<_>>(),
        "q": sel(&params.q),
    })
}

async fn queue(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    if !ctx.user.is_staff() && !ctx.user.is_auditor() {
        return Err(AppError::Forbidden);
    }
    let params = q.into_inner();
    let (user, locale, p) = (ctx.user.clone(), ctx.locale, params.clone());
    let queue = state.db(move |c| queue_of(c, &user, &p, locale)).await?;
    let mut page = queue_filters(&ctx, &params, &queue);
    let more = json!({
        "title": ctx.t("queue-title"),
        "items": list_items(ctx.locale, &queue.page),
        "next": queue.page.next.map(filters::encode_cursor),
        "query": filter_query(&params),
        "is_first_page": params.cursor.is_none(),
        "extra": queue.extra,
    });
    merge(&mut page, more);
    ctx.render(&state, "pages/requests/queue", page)
}

#[derive(Deserialize)]
struct NewQuery {
    domain: Option<String>,
    category: Option<String>,
}

/// What the new-request page shows for a chosen category (or the domain/category pickers).
struct NewPage {
    submitted: Map<String, Value>,
    errors: Value,
    status: StatusCode,
}

/// What the new-request page offers: the domains, the categories of the chosen domain, the
/// chosen category, and the requester's units, rooms and (when the form asks for one) assets.
struct NewChoices {
    domains: Vec<crate::catalog::model::DomainRow>,
    cats: Vec<crate::catalog::model::Category>,
    category: Option<crate::catalog::model::Category>,
    units: Vec<crate::units::model::Unit>,
    rooms: Vec<Value>,
    assets: Vec<Value>,
}

fn new_choices(
    c: &mut diesel::PgConnection,
    unit_ids: &[UnitId],
    q: &NewQuery,
    loc: Locale,
) -> Result<NewChoices, AppError> {
    let category = match &q.category {
        Some(code) => catalog::by_code(c, code)?.filter(|c| c.active),
        None => None,
    };
    let domain = category.as_ref().map(|c| c.domain).or_else(|| {
        q.domain
            .as_deref()
            .and_then(crate::users::model::Domain::parse)
    });
    let cats = match domain {
        Some(d) => catalog::categories_of(c, d)?,
        None => Vec::new(),
    };
    let wants_assets = category.as_ref().is_some_and(|cat| {
        cat.form_def()
            .fields
            .iter()
            .any(|f| f.kind == FieldKind::Asset)
    });
    let assets = if wants_assets {
        crate::inventory::queries::choices(c, unit_ids)?
    } else {
        Vec::new()
    };
    Ok(NewChoices {
        domains: catalog::domains(c)?,
        cats,
        category,
        units: units::by_ids(c, unit_ids)?,
        rooms: units::room_choices(c, unit_ids)?
            .iter()
            .map(|r| json!({"id": r.id, "label": r.label, "unit": r.unit_id}))
            .collect(),
        assets: assets
            .iter()
            .map(|a| {
                let (value, label) = crate::inventory::views::choice(a, loc);
                json!({"value": value, "label": label})
            })
            .collect(),
    })
}

/// The new-request page's values: the domain and category pickers, then the chosen category's
/// form with what was submitted and its messages.
fn new_page(loc: Locale, page: &NewPage, ch: &NewChoices) -> Value {
    let get = |k: &str| {
        page.submitted
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let (domains, cats, unit_rows, rooms) = (&ch.domains, &ch.cats, &ch.units, &ch.rooms);
    let chosen_domain = cats.first().map(|c| c.domain.code()).unwrap_or("");
    json!({
        "domains": domains.iter().map(|d| json!({"code": d.code, "name": loc.pick(&d.name_fr, &d.name_en),
            "current": d.code.code() == chosen_domain})).collect::<Vec<_>>(),
        "domain_chosen": !cats.is_empty(),
        // Equipment loans have their own booking form, offered in the catalog of their domains.
        "offers_loans": matches!(chosen_domain, "ti" | "materiel"),
        "domain_name": domains.iter().find(|d| d.code.code() == chosen_domain).map(|d| loc.pick(&d.name_fr, &d.name_en)),
        "categories": cats.iter().map(|c| json!({"code": c.code, "name": loc.pick(&c.name_fr, &c.name_en),
            "description": loc.pick(&c.description_fr, &c.description_en)})).collect::<Vec<_>>(),
        "category": ch.category.as_ref().map(|c| json!({
            "code": c.code, "name": loc.pick(&c.name_fr, &c.name_en),
            "description": loc.pick(&c.description_fr, &c.description_en),
            "fields": form_fields(loc, &c.form_def(), &page.submitted_fields(), &page.errors,
                &rooms.iter().filter(|r| unit_rows.len() == 1 || r["unit"] == json!(get("unit").parse::<i64>().unwrap_or(0))).cloned().collect::<Vec<_>>(),
                &ch.assets),
            "priorities": priority_options(loc, &if get("priority").is_empty() { c.default_priority.code().to_string() } else { get("priority") }),
        })),
        "units": unit_rows.iter().map(|u| json!({"value": u.id, "label": loc.pick(&u.name_fr, &u.name_en),
            "selected": get("unit") == u.id.to_string()})).collect::<Vec<_>>(),
        "several_units": unit_rows.len() > 1,
        "rooms": rooms.iter().map(|r| json!({"value": r["id"], "label": r["label"],
            "selected": get("room").parse::<i64>().ok() == r["id"].as_i64()})).collect::<Vec<_>>(),
        "values": {"title": get("title"), "description": get("description")},
        "errors": page.errors,
        "has_errors": page.errors.as_object().is_some_and(|o| !o.is_empty()),
    })
}

async fn render_new(
    ctx: &Ctx,
    state: &AppState,
    q: NewQuery,
    page: NewPage,
) -> Result<HttpResponse, AppError> {
    if ctx.user.requesting_units().is_empty() {
        return Err(AppError::rule("request-no-unit"));
    }
    let (loc, unit_ids) = (ctx.locale, ctx.user.requesting_units());
    let choices = state
        .db(move |c| new_choices(c, &unit_ids, &q, loc))
        .await?;
    let mut data = new_page(loc, &page, &choices);
    data["title"] = json!(ctx.t("new-request-title"));
    ctx.render_status(state, page.status, "pages/requests/new", data)
}

impl NewPage {
    /// The category-form values only (`f_<key>` without the prefix).
    fn submitted_fields(&self) -> Map<String, Value> {
        self.submitted
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("f_").map(|k| (k.to_string(), v.clone())))
            .collect()
    }
}

async fn new_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    render_new(
        &ctx,
        &state,
        q.into_inner(),
        NewPage {
            submitted: Map::new(),
            errors: json!({}),
            status: StatusCode::OK,
        },
    )
    .await
}

fn submitted_text(submitted: &Map<String, Value>, k: &str) -> String {
    submitted
        .get(k)
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The request the new-request form asks for, and the problems found before the rules see it
/// (an unknown priority).
fn new_command(submitted: &Map<String, Value>) -> (NewRequestCmd, FieldErrors) {
    let get = |k: &str| submitted_text(submitted, k);
    let mut errors = FieldErrors::default();
    let priority = match get("priority").as_str() {
        "" => None,
        p => Priority::parse(p).or_else(|| {
            errors.add("priority", crate::error::Msg::new("field-choice"));
            None
        }),
    };
    let cmd = NewRequestCmd {
        category: CategoryRef::Code(get("category")),
        title: get("title"),
        description: get("description"),
        priority,
        unit: get("unit").parse::<i64>().ok().map(UnitId),
        room: get("room").parse::<i64>().ok().map(RoomId),
        fields: submitted
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("f_").map(|k| (k.to_string(), v.clone())))
            .collect(),
        source: Source::Web,
    };
    (cmd, errors)
}

async fn create(
    ctx: Ctx,
    form: CsrfForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let submitted: Map<String, Value> = form
        .0
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let (cmd, errors) = new_command(&submitted);
    let category_code = submitted_text(&submitted, "category");
    let user = ctx.user.clone();
    let result = if errors.is_empty() {
        state.db(move |c| service::create(c, &user, cmd)).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(r) => Ok(see_other(&format!("/requests/{}?ok=created", r.number()))),
        Err(AppError::Invalid(fe)) => {
            let again = NewPage {
                submitted,
                errors: field_messages(ctx.locale, &fe),
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            let q = NewQuery {
                domain: None,
                category: Some(category_code),
            };
            render_new(&ctx, &state, q, again).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct CommentForm {
    body: String,
    internal: Option<String>,
}

async fn comment(
    ctx: Ctx,
    form: CsrfForm<CommentForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let cmd = CommentCmd {
        body: form.0.body,
        internal: form.0.internal.is_some(),
    };
    let user = ctx.user.clone();
    let result = state
        .db(move |c| service::comment(c, &user, num, cmd).map(|_| ()))
        .await;
    after_action(&ctx, &state, num, "comment", result).await
}

#[derive(Deserialize)]
struct TransitionForm {
    to: String,
    #[serde(default)]
    note: String,
}

async fn transition(
    ctx: Ctx,
    form: CsrfForm<TransitionForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = ctx.user.clone();
    let reopen_days = state.settings.reopen_days;
    let cmd = TransitionCmd {
        to: form.0.to,
        note: form.0.note,
    };
    let result = state
        .db(move |c| service::transition(c, &user, num, cmd, reopen_days))
        .await;
    after_action(&ctx, &state, num, "transition", result).await
}

#[derive(Deserialize)]
struct AssignForm {
    team: Option<String>,
    assignee: Option<String>,
}

async fn assign(
    ctx: Ctx,
    form: CsrfForm<AssignForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = ctx.user.clone();
    let f = form.0;
    let result = state
        .db(move |c| {
            let team = match f.team.as_deref().map(str::trim) {
                None => None,
                Some("") => Some(None),
                Some(code) => Some(Some(
                    users::team_by_code(c, code)?
                        .ok_or_else(|| {
                            AppError::Invalid(FieldErrors::single(
                                "team",
                                crate::error::Msg::new("field-choice"),
                            ))
                        })?
                        .id,
                )),
            };
            let assignee = match f.assignee.as_deref().map(str::trim) {
                None => None,
                Some("") => Some(None),
                Some("me") => Some(Some(user.id)),
                Some(id) => Some(Some(UserId(
                    id.parse()
                        .map_err(|_| AppError::BadRequest("assignee".into()))?,
                ))),
            };
            service::assign(c, &user, num, AssignCmd { team, assignee })
        })
        .await;
    after_action(&ctx, &state, num, "assign", result).await
}

#[derive(Deserialize)]
struct WatcherForm {
    email: String,
}

async fn watcher_add(
    ctx: Ctx,
    form: CsrfForm<WatcherForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = ctx.user.clone();
    let email = form.0.email;
    let result = state
        .db(move |c| service::add_watcher(c, &user, num, &email))
        .await;
    after_action(&ctx, &state, num, "watchers", result).await
}

async fn watcher_remove(
    ctx: Ctx,
    form: CsrfForm<WatcherForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = ctx.user.clone();
    let email = form.0.email;
    let myself = email.trim().eq_ignore_ascii_case(&ctx.user.email);
    let result = state
        .db(move |c| service::remove_watcher(c, &user, num, &email))
        .await;
    match result {
        // Out of copy, they may no longer see the request.
        Ok(()) if myself => Ok(see_other("/requests")),
        other => after_action(&ctx, &state, num, "watchers", other).await,
    }
}

#[derive(Deserialize)]
struct PriorityForm {
    priority: String,
}

async fn priority(
    ctx: Ctx,
    form: CsrfForm<PriorityForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = ctx.user.clone();
    let result = match Priority::parse(&form.0.priority) {
        Some(p) => {
            state
                .db(move |c| service::set_priority(c, &user, num, p))
                .await
        }
        None => Err(AppError::Invalid(FieldErrors::single(
            "priority",
            crate::error::Msg::new("field-choice"),
        ))),
    };
    after_action(&ctx, &state, num, "priority", result).await
}
