//! Request pages: my requests, the technician queue, the new-request steps, the request page
//! and its forms (comment, status, assignment, attachments). Thin: extract, call, render.

use super::filters::{self, ListParams};
use super::model::{Priority, RequestNumber, Source};
use super::queries::StatusFilter;
use super::service::{self, AssignCmd, CategoryRef, CommentCmd, NewRequestCmd, TransitionCmd};
use crate::catalog::form::{FieldKind, FormDef};
use crate::catalog::queries as catalog;
use crate::db::{RoomId, TeamId, UnitId, UserId};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{self, Locale};
use crate::units::queries as units;
use crate::users::queries as users;
use crate::web::extract::{check_csrf, CsrfForm, Ctx};
use crate::web::render::{field_messages, see_other};
use crate::workflow::{State, StateKind};
use crate::AppState;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::TryStreamExt;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/requests", web::get().to(my_requests))
        .route("/requests", web::post().to(create))
        .route("/requests/new", web::get().to(new_form))
        .route("/queue", web::get().to(queue))
        .route("/requests/{number}", web::get().to(show))
        .route("/requests/{number}/comments", web::post().to(comment))
        .route("/requests/{number}/transitions", web::post().to(transition))
        .route("/requests/{number}/assign", web::post().to(assign))
        .route("/requests/{number}/priority", web::post().to(priority))
        .route("/requests/{number}/watchers", web::post().to(watcher_add))
        .route(
            "/requests/{number}/watchers/remove",
            web::post().to(watcher_remove),
        )
        .route("/requests/{number}/attachments", web::post().to(upload))
        .route(
            "/requests/{number}/attachments/{id}",
            web::get().to(download),
        );
}

fn number(raw: &str) -> Result<RequestNumber, AppError> {
    RequestNumber::parse(raw).ok_or(AppError::NotFound)
}

fn status_options(locale: Locale, states: &[State], selected: &str) -> Vec<Value> {
    let mut v = vec![
        json!({ "value": "open", "label": i18n::tr(locale, "filter-open", &[]), "selected": selected == "open" }),
        json!({ "value": "all", "label": i18n::tr(locale, "filter-all", &[]), "selected": selected == "all" }),
    ];
    for s in states {
        v.push(json!({
            "value": s.code,
            "label": s.label(locale),
            "selected": selected == s.code,
        }));
    }
    v
}

fn priority_options(locale: Locale, selected: &str) -> Vec<Value> {
    Priority::ALL
        .iter()
        .map(|p| {
            json!({
                "value": p.code(),
                "label": i18n::tr(locale, "priority", &[("code".into(), p.code().into())]),
                "selected": selected == p.code(),
            })
        })
        .collect()
}

/// Query string of the current filters without the cursor, for "next page" links.
fn filter_query(p: &ListParams) -> String {
    let mut p = p.clone();
    p.cursor = None;
    serde_urlencoded::to_string(&p).unwrap_or_default()
}

/// The list rows, each with its SLA badge: breached, paused, or the resolution due date.
pub(crate) fn list_items(loc: Locale, page: &service::Page) -> Value {
    json!(page
        .items
        .iter()
        .map(|r| {
            let mut v = json!(r);
            let done = matches!(r.status_kind.as_str(), "resolved" | "closed" | "cancelled");
            v["due"] = match &r.sla {
                Some(sla) if !done && sla.resolution_breached => {
                    json!({"class": "sla-breached", "label": i18n::tr(loc, "sla-breached", &[])})
                }
                Some(sla) if !done && sla.paused => json!({"class": "sla-paused", "label": i18n::tr(loc, "sla-paused", &[])}),
                Some(sla) if !done => json!({"class": "", "label": sla.resolution_due.map(|d| i18n::format_datetime(loc, d))}),
                _ => Value::Null,
            };
            v
        })
        .collect::<Vec<_>>())
}

async fn my_requests(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let params = q.into_inner();
    let user = ctx.user.clone();
    let locale = ctx.locale;
    let p = params.clone();
    let result = state
        .db(move |c| {
            let mut query = filters::resolve(c, &user, &p, StatusFilter::All, 25)?;
            // Without a unit to direct, « Mes demandes » are one's own.
            if user.managed_units().is_empty() || p.view.as_deref() != Some("unit") {
                query.requester = Some(user.id);
            } else {
                query.requester = None;
                query.unit = query.unit.or(user.managed_units().first().copied());
            }
            let extra = extra_filters(c, locale, &p)?;
            Ok((service::list(c, &user, &query, locale)?, extra))
        })
        .await;
    let (page, extra) = match result {
        Ok(p) => p,
        Err(AppError::Invalid(_)) => return Ok(see_other("/requests")),
        Err(e) => return Err(e),
    };
    let status = params.status.clone().unwrap_or_else(|| "all".into());
    ctx.render(
        &state,
        "pages/requests/mine",
        json!({
            "title": ctx.t(if params.view.as_deref() == Some("unit") { "unit-requests-title" } else { "my-requests-title" }),
            "items": list_items(ctx.locale, &page),
            "next": page.next.map(filters::encode_cursor),
            "query": filter_query(&params),
            "statuses": status_options(ctx.locale, &page.states, &status),
            "unit_view": params.view.as_deref() == Some("unit"),
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

async fn queue(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    if !ctx.user.is_staff() && !ctx.user.is_auditor() {
        return Err(AppError::Forbidden);
    }
    let params = q.into_inner();
    let user = ctx.user.clone();
    let locale = ctx.locale;
    let p = params.clone();
    let (page, teams, unit_list, extra) = state
        .db(move |c| {
            let query = filters::resolve(c, &user, &p, StatusFilter::Open, 25)?;
            let page = service::list(c, &user, &query, locale)?;
            let domains = user.staff_domains();
            let teams: Vec<_> = users::teams(c)?
                .into_iter()
                .filter(|t| t.active && domains.contains(&t.domain))
                .collect();
            let unit_list = units::all(c)?;
            let extra = extra_filters(c, locale, &p)?;
            Ok((page, teams, unit_list, extra))
        })
        .await?;
    let sel = |v: &Option<String>| v.clone().unwrap_or_default();
    let loc = ctx.locale;
    ctx.render(
        &state,
        "pages/requests/queue",
        json!({
            "title": ctx.t("queue-title"),
            "items": list_items(ctx.locale, &page),
            "next": page.next.map(filters::encode_cursor),
            "query": filter_query(&params),
            "statuses": status_options(loc, &page.states, &params.status.clone().unwrap_or_else(|| "open".into())),
            "priorities": priority_options(loc, &sel(&params.priority)),
            "domains": ctx.user.staff_domains().iter().map(|d| json!({
                "value": d.code(), "label": i18n::tr(loc, "domain", &[("code".into(), d.code().into())]),
                "selected": sel(&params.domain) == d.code()})).collect::<Vec<_>>(),
            "teams": teams.iter().map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
                "selected": sel(&params.team) == t.code})).collect::<Vec<_>>(),
            "units": unit_list.iter().filter(|u| u.active).map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
                "selected": sel(&params.unit) == u.code})).collect::<Vec<_>>(),
            "assignees": ASSIGNEE_CHOICES.iter().map(|a| json!({"value": a,
                "label": i18n::tr(loc, &format!("assignee-{a}"), &[]), "selected": sel(&params.assignee) == *a})).collect::<Vec<_>>(),
            "sorts": SORT_CHOICES.iter().map(|s| json!({"value": s,
                "label": i18n::tr(loc, "sort", &[("code".into(), (*s).into())]), "selected": sel(&params.sort) == *s})).collect::<Vec<_>>(),
            "q": sel(&params.q),
            "is_first_page": params.cursor.is_none(),
            "extra": extra,
        }),
    )
}

#[derive(Deserialize)]
struct NewQuery {
    domain: Option<String>,
    category: Option<String>,
}

/// The form of a category, with submitted values and errors, ready for the template.
pub(crate) fn form_fields(
    locale: Locale,
    form: &FormDef,
    values: &Map<String, Value>,
    errors: &Value,
    rooms: &[Value],
    assets: &[Value],
) -> Vec<Value> {
    form.fields
        .iter()
        .map(|f| {
            let value = values.get(&f.key).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            let value = value.unwrap_or_default();
            let options: Vec<Value> = match f.kind {
                FieldKind::Select => f
                    .options
                    .iter()
                    .map(|o| json!({"value": o.value, "label": locale.pick(&o.label_fr, &o.label_en), "selected": o.value == value}))
                    .collect(),
                FieldKind::Room => rooms
                    .iter()
                    .map(|r| json!({"value": r["id"].to_string(), "label": r["label"], "selected": value.parse::<i64>().ok() == r["id"].as_i64()}))
                    .collect(),
                FieldKind::Asset => assets.to_vec(),
                _ => Vec::new(),
            };
            let kind = serde_json::to_value(f.kind).unwrap_or(Value::Null);
            json!({
                "key": f.key,
                "name": format!("f_{}", f.key),
                "id": format!("field-{}", f.key),
                "label": f.label(locale),
                "help": f.help(locale),
                "type": kind,
                "required": f.required,
                "value": value,
                "checked": value == "true" || value == "on",
                "options": options,
                "errors": errors.get(format!("fields.{}", f.key)).cloned().unwrap_or(json!([])),
                "min": f.min, "max": f.max,
                "is_text": f.kind == FieldKind::Text, "is_long_text": f.kind == FieldKind::LongText,
                "is_number": f.kind == FieldKind::Number, "is_date": f.kind == FieldKind::Date,
                "is_datetime": f.kind == FieldKind::Datetime, "is_checkbox": f.kind == FieldKind::Checkbox,
                "is_time": f.kind == FieldKind::Time,
                "is_choice": matches!(f.kind, FieldKind::Select | FieldKind::Room),
                "is_asset": f.kind == FieldKind::Asset,
            })
        })
        .collect()
}

/// What the new-request page shows for a chosen category (or the domain/category pickers).
struct NewPage {
    submitted: Map<String, Value>,
    errors: Value,
    status: StatusCode,
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
    let loc = ctx.locale;
    let unit_ids = ctx.user.requesting_units();
    let (domains, cats, category, unit_rows, (rooms, assets)) = state
        .db(move |c| {
            let domains = catalog::domains(c)?;
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
            let unit_rows = units::by_ids(c, &unit_ids)?;
            let rooms = units::room_choices(c, &unit_ids)?;
            let wants_assets = category.as_ref().is_some_and(|cat| {
                cat.form_def()
                    .fields
                    .iter()
                    .any(|f| f.kind == FieldKind::Asset)
            });
            let assets = if wants_assets {
                crate::inventory::queries::choices(c, &unit_ids)?
            } else {
                Vec::new()
            };
            Ok((domains, cats, category, unit_rows, (rooms, assets)))
        })
        .await?;
    let rooms: Vec<Value> = rooms
        .iter()
        .map(|r| json!({"id": r.id, "label": r.label, "unit": r.unit_id}))
        .collect();
    let assets: Vec<Value> = assets
        .iter()
        .map(|a| {
            let v = crate::inventory::service::row_view(a, loc);
            let place = v.room.map(|r| format!(" — {r}")).unwrap_or_default();
            json!({"value": v.tag, "label": format!("{} {}{place}", v.maker, v.model)})
        })
        .collect();
    let get = |k: &str| {
        page.submitted
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let chosen_domain = cats.first().map(|c| c.domain.code()).unwrap_or("");
    let data = json!({
        "title": ctx.t("new-request-title"),
        "domains": domains.iter().map(|d| json!({"code": d.code, "name": loc.pick(&d.name_fr, &d.name_en),
            "current": d.code.code() == chosen_domain})).collect::<Vec<_>>(),
        "domain_chosen": !cats.is_empty(),
        // Equipment loans have their own booking form, offered in the catalog of their domains.
        "offers_loans": matches!(chosen_domain, "ti" | "materiel"),
        "domain_name": domains.iter().find(|d| d.code.code() == chosen_domain).map(|d| loc.pick(&d.name_fr, &d.name_en)),
        "categories": cats.iter().map(|c| json!({"code": c.code, "name": loc.pick(&c.name_fr, &c.name_en),
            "description": loc.pick(&c.description_fr, &c.description_en)})).collect::<Vec<_>>(),
        "category": category.as_ref().map(|c| json!({
            "code": c.code, "name": loc.pick(&c.name_fr, &c.name_en),
            "description": loc.pick(&c.description_fr, &c.description_en),
            "fields": form_fields(loc, &c.form_def(), &page.submitted_fields(), &page.errors,
                &rooms.iter().filter(|r| unit_rows.len() == 1 || r["unit"] == json!(get("unit").parse::<i64>().unwrap_or(0))).cloned().collect::<Vec<_>>(),
                &assets),
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
    });
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

async fn create(
    ctx: Ctx,
    form: CsrfForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pairs = form.0;
    let mut submitted = Map::new();
    for (k, v) in &pairs {
        if k != "csrf" {
            submitted.insert(k.clone(), Value::String(v.clone()));
        }
    }
    let get = |k: &str| {
        submitted
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let category_code = get("category");
    let mut errors = FieldErrors::default();
    let priority = match get("priority").as_str() {
        "" => None,
        p => Priority::parse(p).or_else(|| {
            errors.add("priority", crate::error::Msg::new("field-choice"));
            None
        }),
    };
    let unit = get("unit").parse::<i64>().ok().map(UnitId);
    let room = get("room").parse::<i64>().ok().map(RoomId);
    let fields: Map<String, Value> = submitted
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("f_").map(|k| (k.to_string(), v.clone())))
        .collect();
    let cmd = NewRequestCmd {
        category: CategoryRef::Code(category_code.clone()),
        title: get("title"),
        description: get("description"),
        priority,
        unit,
        room,
        fields,
        source: Source::Web,
    };
    let user = ctx.user.clone();
    let result = if errors.is_empty() {
        state.db(move |c| service::create(c, &user, cmd)).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(r) => Ok(see_other(&format!("/requests/{}?ok=created", r.number()))),
        Err(AppError::Invalid(fe)) => {
            let errors = field_messages(ctx.locale, &fe);
            render_new(
                &ctx,
                &state,
                NewQuery {
                    domain: None,
                    category: Some(category_code),
                },
                NewPage {
                    submitted,
                    errors,
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                },
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ShowQuery {
    ok: Option<String>,
}

/// The form's values as label/value rows, in the reader's language.
pub(crate) fn field_rows(
    loc: Locale,
    form: &FormDef,
    fields: &Value,
    room_labels: &std::collections::HashMap<i64, String>,
) -> Vec<Value> {
    form.fields
        .iter()
        .filter_map(|f| {
            let v = fields.get(&f.key)?;
            let shown = match (f.kind, v) {
                (FieldKind::Checkbox, _) => i18n::tr(loc, "yes", &[]),
                (FieldKind::Room, Value::Number(n)) => n
                    .as_i64()
                    .and_then(|id| room_labels.get(&id).cloned())
                    .unwrap_or_else(|| n.to_string()),
                (FieldKind::Select, Value::String(s)) => f
                    .options
                    .iter()
                    .find(|o| &o.value == s)
                    .map(|o| loc.pick(&o.label_fr, &o.label_en).to_string())
                    .unwrap_or_else(|| s.clone()),
                (FieldKind::Date, Value::String(s)) => {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map(|d| i18n::format_date(loc, d))
                        .unwrap_or_else(|_| s.clone())
                }
                (FieldKind::Time, Value::String(s)) => {
                    chrono::NaiveTime::parse_from_str(s, "%H:%M")
                        .map(|t| i18n::format_time(loc, t))
                        .unwrap_or_else(|_| s.clone())
                }
                (FieldKind::Number, Value::Number(n)) => {
                    let f = n.as_f64().unwrap_or(0.0);
                    if f.fract() == 0.0 {
                        format!("{}", f as i64)
                    } else {
                        format!("{f}").replace('.', if loc == Locale::Fr { "," } else { "." })
                    }
                }
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            Some(json!({"label": f.label(loc), "value": shown}))
        })
        .collect()
}

/// Renders the request page; `problem` carries a refused action's message and field errors.
async fn render_show(
    ctx: &Ctx,
    state: &AppState,
    num: RequestNumber,
    flash: Option<String>,
    problem: Option<(StatusCode, AppError)>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let loc = ctx.locale;
    let reopen_days = state.settings.reopen_days;
    let (detail, form, teams, techs, room_labels, (watchers, assets, departure, trip, rating)) =
        state
            .db(move |c| {
                let detail = service::read(c, &user, num, loc, reopen_days)?;
                let watchers = service::watchers(c, &user, num)?;
                let cat = catalog::by_code(c, &detail.request.category.code)?
                    .ok_or(AppError::NotFound)?;
                let (teams, techs) = if detail.standing.staff {
                    let teams: Vec<_> = users::teams(c)?
                        .into_iter()
                        .filter(|t| t.active && t.domain == detail.domain)
                        .collect();
                    (teams, users::technicians_of_domain(c, detail.domain)?)
                } else {
                    (Vec::new(), Vec::new())
                };
                let form = cat.form_def();
                let room_ids: Vec<RoomId> = form
                    .fields
                    .iter()
                    .filter(|f| f.kind == FieldKind::Room)
                    .filter_map(|f| detail.request.fields.get(&f.key).and_then(Value::as_i64))
                    .map(RoomId)
                    .collect();
                let room_labels: std::collections::HashMap<i64, String> =
                    units::room_labels(c, &room_ids)?
                        .into_iter()
                        .map(|(id, l)| (id.0, l))
                        .collect();
                let assets = crate::inventory::service::of_request(c, &user, num, loc)?;
                let departure = crate::departures::of_request(c, num, loc)?;
                let trip = crate::transport::pages::request_section(
                    c,
                    &user,
                    num,
                    loc,
                    !detail.status_kind.is_final() && detail.status_kind != StateKind::Resolved,
                    detail.standing.staff,
                )?;
                let rating = crate::dashboard::satisfaction::section(c, &user, num, loc)?;
                Ok((
                    detail,
                    form,
                    teams,
                    techs,
                    room_labels,
                    (watchers, assets, departure, trip, rating),
                ))
            })
            .await?;
    let r = &detail.request;
    let field_rows = field_rows(loc, &form, &r.fields, &room_labels);
    let events: Vec<Value> = detail
        .events
        .iter()
        .map(|e| {
            let mut v = json!(e);
            let status_label = |k: &str| {
                e.data
                    .get(k)
                    .and_then(|s| s.as_str())
                    .map(|s| detail.workflow.label(s, loc))
            };
            v["from_label"] = json!(status_label("from"));
            v["to_label"] = json!(status_label("to"));
            v["is_comment"] = json!(e.kind == "comment");
            v["is_note"] = json!(e.kind == "internal_note");
            v["is_status"] = json!(e.kind == "status_changed");
            v["is_assigned"] = json!(e.kind == "assigned");
            v["is_created"] = json!(e.kind == "created");
            v["is_attachment"] = json!(e.kind == "attachment_added");
            v["is_sla"] = json!(e.kind == "sla_warning" || e.kind == "sla_breach");
            v["is_approval_requested"] = json!(e.kind == "approval_requested");
            v["is_approved"] = json!(e.kind == "approved");
            v["is_refused"] = json!(e.kind == "refused");
            v["is_automation"] = json!(e.kind == "automation");
            v["mail_id"] = e.data.get("inbound_id").cloned().unwrap_or(Value::Null);
            v["by_approval"] = json!(e
                .data
                .get("by_approval")
                .and_then(|a| a.as_bool())
                .unwrap_or(false));
            v["rule_name"] = json!(e.data.get("rule").and_then(|a| a.as_str()).unwrap_or(""));
            v["field_text"] = if e.kind == "field_changed"
                && e.data.get("field").and_then(|f| f.as_str()) == Some("priority")
            {
                let label = |k: &str| {
                    i18n::tr(
                        loc,
                        "priority",
                        &[(
                            "code".into(),
                            e.data.get(k).and_then(|v| v.as_str()).unwrap_or("").into(),
                        )],
                    )
                };
                json!(i18n::tr(
                    loc,
                    "event-priority",
                    &[("from".into(), label("from")), ("to".into(), label("to"))]
                ))
            } else if e.kind == "field_changed"
                && e.data.get("field").and_then(|f| f.as_str()) == Some("trip")
            {
                // What changed in a trip (labels as recorded, times as shown to the carrier).
                let text = |c: &Value, k: &str| {
                    c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string()
                };
                let changes: Vec<String> = e
                    .data
                    .get("changes")
                    .and_then(|c| c.as_array())
                    .map(|list| {
                        list.iter()
                            .map(|c| {
                                i18n::tr(
                                    loc,
                                    "event-trip-change",
                                    &[
                                        ("label".into(), text(c, "label")),
                                        ("from".into(), text(c, "from")),
                                        ("to".into(), text(c, "to")),
                                    ],
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                json!(i18n::tr(
                    loc,
                    "event-trip",
                    &[("changes".into(), changes.join("; "))]
                ))
            } else if e.kind == "field_changed"
                && e.data.get("field").and_then(|f| f.as_str()) == Some("carrier")
            {
                json!(i18n::tr(
                    loc,
                    "event-carrier",
                    &[(
                        "name".into(),
                        e.data
                            .get("to")
                            .and_then(|v| v.as_str())
                            .unwrap_or("")
                            .into()
                    )]
                ))
            } else {
                Value::Null
            };
            v["sla_text"] = json!(i18n::tr(
                loc,
                "event-sla",
                &[
                    ("kind".into(), e.kind.clone()),
                    (
                        "clock".into(),
                        e.data
                            .get("clock")
                            .and_then(|c| c.as_str())
                            .unwrap_or("")
                            .into()
                    ),
                ]
            ));
            v["automatic"] = json!(e
                .data
                .get("automatic")
                .and_then(|a| a.as_bool())
                .unwrap_or(false));
            v
        })
        .collect();
    let transitions: Vec<Value> = detail
        .transitions
        .iter()
        .map(|(to, needs_note, reopens)| {
            let label = if *reopens {
                i18n::tr(loc, "action-reopen", &[])
            } else if detail.status_kind == StateKind::Resolved && to.kind == StateKind::Closed {
                i18n::tr(loc, "action-confirm", &[])
            } else {
                i18n::tr(
                    loc,
                    "action-to",
                    &[
                        ("code".into(), to.code.clone()),
                        ("label".into(), to.label(loc).into()),
                    ],
                )
            };
            json!({"value": to.code, "label": label, "needs_note": needs_note})
        })
        .collect();
    let (status, problem_msg, problem_fields) = match problem {
        Some((st, e)) => {
            let fields = match &e {
                AppError::Invalid(f) => field_messages(loc, f),
                _ => json!({}),
            };
            (st, Some(i18n::msg(loc, &e.message())), fields)
        }
        None => (StatusCode::OK, None, json!({})),
    };
    let mut tech_rows: Vec<Value> = Vec::new();
    let mut seen: Vec<UserId> = Vec::new();
    for (team, u) in &techs {
        if seen.contains(&u.id) {
            continue;
        }
        seen.push(u.id);
        let _: &TeamId = team;
        tech_rows.push(json!({"value": u.id, "label": u.display_name, "selected": Some(u.id) == detail.assignee_id}));
    }
    let sla = sla_card(loc, r, detail.sla.as_ref());
    let approvals: Vec<Value> = detail
        .approvals
        .iter()
        .map(|a| {
            let mut v = json!(a);
            v["approver_label"] = json!(i18n::tr(
                loc,
                "approval-approver",
                &[("code".into(), a.approver.clone())]
            ));
            v["status_label"] = json!(i18n::tr(
                loc,
                "approval-status",
                &[("code".into(), a.status.clone())]
            ));
            v["decided_label"] = match (&a.decided_by, a.decided_at) {
                (Some(p), Some(at)) => json!(i18n::tr(
                    loc,
                    "approval-decided",
                    &[
                        ("who".into(), p.name.clone()),
                        ("when".into(), i18n::format_datetime(loc, at))
                    ]
                )),
                _ => Value::Null,
            };
            v
        })
        .collect();
    let data = json!({
        "sla": sla,
        "title": format!("{} — {}", r.number, r.title),
        "r": r,
        "status_label": r.status_label,
        "priority_label": i18n::tr(loc, "priority", &[("code".into(), r.priority.clone())]),
        "domain_label": i18n::tr(loc, "domain", &[("code".into(), r.domain.clone())]),
        "field_rows": field_rows,
        "events": events,
        "attachments": detail.attachments,
        "staff": detail.standing.staff,
        "requester_side": detail.standing.requester_side,
        "transitions": transitions,
        "approvals": approvals,
        "may_approve": detail.may_approve,
        "workflow_name": loc.pick(&detail.workflow.name_fr, &detail.workflow.name_en),
        "can_act": !detail.status_kind.is_final(),
        "teams": teams.iter().map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
            "selected": Some(t.id) == detail.team_id})).collect::<Vec<_>>(),
        "technicians": tech_rows,
        "watchers": watchers,
        "assets": assets,
        "departure": departure,
        "trip": trip,
        "rating": rating,
        "manages_inventory": ctx.user.manages_inventory(),
        "sees_assets": ctx.user.asset_scope().sees_any(),
        "priorities": priority_options(loc, &r.priority),
        "can_manage_watchers": detail.standing.staff || detail.standing.requester_side,
        "flash": flash.map(|k| i18n::tr(loc, &format!("flash-{k}"), &[])),
        "problem": problem_msg,
        "problem_fields": problem_fields,
        "max_attachment_mb": state.settings.max_attachment_bytes / (1024 * 1024),
    });
    ctx.render_status(state, status, "pages/requests/show", data)
}

const FLASHES: &[&str] = &[
    "rating",
    "asset",
    "trip",
    "carrier",
    "approved",
    "refused",
    "priority",
    "created",
    "comment",
    "transition",
    "assign",
    "attachment",
    "watchers",
];

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let flash = q.ok.clone().filter(|k| FLASHES.contains(&k.as_str()));
    render_show(&ctx, &state, num, flash, None).await
}

/// After a form on the request page: back to it with a confirmation, or the page again with
/// the reason the action was refused.
pub(crate) async fn after_action(
    ctx: &Ctx,
    state: &AppState,
    num: RequestNumber,
    flash: &str,
    result: Result<(), AppError>,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/requests/{num}?ok={flash}#timeline"))),
        Err(
            e @ (AppError::Invalid(_)
            | AppError::Rule(_)
            | AppError::Forbidden
            | AppError::Conflict(_)),
        ) => {
            let status = e.status();
            render_show(ctx, state, num, None, Some((status, e))).await
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

/// Reads a multipart upload: the CSRF field and one file, refusing files over the limit.
pub async fn read_upload(
    req: &HttpRequest,
    mut payload: Multipart,
    limit: usize,
    need_csrf: bool,
) -> Result<(String, String, Vec<u8>), AppError> {
    let mut csrf: Option<String> = None;
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(mut field) = payload
        .try_next()
        .await
        .map_err(|e| AppError::BadRequest(e.to_string()))?
    {
        let name = field.name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .try_next()
            .await
            .map_err(|e| AppError::BadRequest(e.to_string()))?
        {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > limit {
                return Err(AppError::PayloadTooLarge);
            }
        }
        match name.as_str() {
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).to_string()),
            "file" => {
                let filename = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename())
                    .unwrap_or("")
                    .to_string();
                if !filename.is_empty() {
                    let content_type = service::vet_file(&filename, &bytes)?;
                    file = Some((filename, content_type, bytes));
                }
            }
            _ => {}
        }
    }
    if need_csrf {
        check_csrf(req, csrf.as_deref())?;
    }
    file.ok_or_else(|| {
        AppError::Invalid(FieldErrors::single(
            "file",
            crate::error::Msg::new("field-file"),
        ))
    })
}

async fn upload(
    req: HttpRequest,
    ctx: Ctx,
    payload: Multipart,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let result = match read_upload(&req, payload, state.settings.max_attachment_bytes, true).await {
        Ok((filename, content_type, bytes)) => {
            let storage = state.storage.clone();
            let user = ctx.user.clone();
            state
                .db(move |c| {
                    let sha256 = storage.put(&bytes)?;
                    let cmd = service::NewAttachmentCmd {
                        filename,
                        content_type,
                        size_bytes: bytes.len() as i64,
                        sha256,
                    };
                    service::attach(c, &user, num, cmd).map(|_| ())
                })
                .await
        }
        Err(AppError::PayloadTooLarge) => Err(AppError::Invalid(FieldErrors::single(
            "file",
            crate::error::Msg::new("field-file-too-large")
                .arg("max", state.settings.max_attachment_bytes / (1024 * 1024)),
        ))),
        Err(e) => Err(e),
    };
    after_action(&ctx, &state, num, "attachment", result).await
}

/// Sends an attachment's bytes to someone allowed to see its request.
pub async fn send_attachment(
    state: &AppState,
    user: crate::auth::CurrentUser,
    num: RequestNumber,
    id: i64,
) -> Result<HttpResponse, AppError> {
    let storage = state.storage.clone();
    let (a, bytes) = state
        .db(move |c| {
            let a = service::attachment_for_download(c, &user, num, id)?;
            let bytes = storage.get(&a.sha256)?;
            Ok((a, bytes))
        })
        .await?;
    let cd = actix_web::http::header::ContentDisposition {
        disposition: actix_web::http::header::DispositionType::Attachment,
        parameters: vec![actix_web::http::header::DispositionParam::FilenameExt(
            actix_web::http::header::ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: a.filename.clone().into_bytes(),
            },
        )],
    };
    Ok(HttpResponse::Ok()
        .content_type(service::served_type(&a.content_type))
        .insert_header(cd)
        .insert_header(("Cache-Control", "private, no-store"))
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
        .body(bytes))
}

async fn download(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (raw, id) = path.into_inner();
    send_attachment(&state, ctx.user, number(&raw)?, id).await
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

/// « 2 h 15 min » of business time.
fn business_duration(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

/// The SLA card of the request page: both clocks and the explanation of their due dates.
fn sla_card(
    loc: Locale,
    r: &super::model::RequestView,
    explanation: Option<&crate::sla::service::Explanation>,
) -> Value {
    let (Some(sla), Some(ex)) = (r.sla.as_ref(), explanation) else {
        return Value::Null;
    };
    let fmt = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| i18n::format_datetime(loc, t));
    let clock_state = |breached: bool, done: bool, paused: bool| {
        let key = match (breached, done, paused) {
            (true, _, _) => "sla-breached",
            (false, true, _) => "sla-met",
            (false, false, true) => "sla-paused",
            _ => "sla-running",
        };
        json!({"label": i18n::tr(loc, key, &[]), "class": key})
    };
    let events: Vec<Value> = ex
        .events
        .iter()
        .map(|e| {
            json!({
                "at": i18n::format_datetime(loc, e.at),
                "text": i18n::tr(loc, "sla-event", &[("clock".into(), e.clock.code().into()), ("kind".into(), e.kind.code().into())]),
                "due": fmt(e.due),
                "paused": e.data.get("paused_minutes").and_then(Value::as_i64).filter(|m| *m > 0).map(business_duration),
            })
        })
        .collect();
    json!({
        "first_response_due": fmt(sla.first_response_due),
        "first_response_state": clock_state(sla.first_response_breached, sla.first_responded_at.is_some(), false),
        "resolution_due": fmt(sla.resolution_due),
        "resolution_state": clock_state(sla.resolution_breached, r.resolved_at.is_some() || r.closed_at.is_some(), sla.paused),
        "paused_since": fmt(sla.paused_since),
        "paused_total": business_duration(sla.paused_minutes),
        "policy": loc.pick(&ex.policy.name_fr, &ex.policy.name_en),
        "calendar": loc.pick(&ex.calendar.name_fr, &ex.calendar.name_en),
        "first_response_target": ex.target.map(|t| business_duration(t.first_response)),
        "resolution_target": ex.target.map(|t| business_duration(t.resolution)),
        "events": events,
    })
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
