//! The JSON API for requests and the catalog (`/api/v1`). Bearer-token authentication; messages
//! in the language of `Accept-Language`.

use super::files;
use super::filters::{self, ListParams};
use super::model::{AttachmentView, EventView, Priority, RequestNumber, RequestView, Source};
use super::queries::StatusFilter;
use super::service::{self, AssignCmd, CategoryRef, CommentCmd, NewRequestCmd, TransitionCmd};
use super::views;
use crate::auth::CurrentUser;
use crate::catalog::form::FieldDef;
use crate::catalog::queries as catalog;
use crate::db::{RoomId, UnitId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::Locale;
use crate::users::queries as users;
use crate::web::extract::{resolve_locale, ApiUser};
use crate::AppState;
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::{Connection, PgConnection};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/catalog", web::get().to(catalog_list))
        .route("/request-choices", web::get().to(choices))
        .route("/requests", web::post().to(create))
        .route("/requests", web::get().to(list))
        .route("/requests/{number}", web::get().to(get))
        .route("/requests/{number}/events", web::get().to(events))
        .route("/requests/{number}/comments", web::post().to(comment))
        .route("/requests/{number}/transitions", web::post().to(transition))
        .route("/requests/{number}/assign", web::post().to(assign))
        .route("/requests/{number}/priority", web::post().to(priority))
        .route("/requests/{number}/watchers", web::get().to(watchers))
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

#[derive(Serialize, ToSchema)]
pub struct CategoryOut {
    code: String,
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    default_priority: String,
    fields: Vec<FieldDef>,
}

#[derive(Serialize, ToSchema)]
pub struct DomainOut {
    code: String,
    name_fr: String,
    name_en: String,
    categories: Vec<CategoryOut>,
}

/// The catalog: domains with their active categories and forms.
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog",
    responses((status = 200, body = [DomainOut]), (status = 401, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn catalog_list(
    _user: ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (domains, cats) = state
        .db(|c| Ok((catalog::domains(c)?, catalog::active_categories(c)?)))
        .await?;
    let out: Vec<DomainOut> = domains
        .into_iter()
        .map(|d| DomainOut {
            code: d.code.code().to_string(),
            categories: cats
                .iter()
                .filter(|c| c.domain == d.code)
                .map(|c| CategoryOut {
                    code: c.code.clone(),
                    name_fr: c.name_fr.clone(),
                    name_en: c.name_en.clone(),
                    description_fr: c.description_fr.clone(),
                    description_en: c.description_en.clone(),
                    default_priority: c.default_priority.code().to_string(),
                    fields: c.form_def().fields,
                })
                .collect(),
            name_fr: d.name_fr,
            name_en: d.name_en,
        })
        .collect();
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ChoicesParams {
    /// A unit code among those you may request for (all of them when absent).
    unit: Option<String>,
}

/// A value a request form offers.
#[derive(Serialize, ToSchema)]
pub struct ChoiceOut {
    /// What to send: a room id (a number) for `room` and fields of type `room`, an inventory
    /// number for fields of type `asset`.
    #[schema(value_type = Object)]
    value: Value,
    label: String,
    /// The code of its unit.
    unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnitChoiceOut {
    code: String,
    name_fr: String,
    name_en: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChoicesOut {
    /// The units you may request for (`unit` of a new request).
    units: Vec<UnitChoiceOut>,
    rooms: Vec<ChoiceOut>,
    assets: Vec<ChoiceOut>,
}

/// The units this person may request for (only `wanted`, when given: it must be one of them),
/// their rooms and their equipment.
fn choices_for(
    c: &mut PgConnection,
    user: &CurrentUser,
    wanted: Option<&str>,
    locale: Locale,
) -> Result<ChoicesOut, AppError> {
    let mut units = crate::units::queries::by_ids(c, &user.requesting_units())?;
    if let Some(code) = wanted {
        units.retain(|u| u.code == code);
        if units.is_empty() {
            return Err(AppError::Invalid(FieldErrors::single(
                "unit",
                Msg::new("field-unit-yours"),
            )));
        }
    }
    let ids: Vec<UnitId> = units.iter().map(|u| u.id).collect();
    let code_of = |id: UnitId| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.code.clone())
            .unwrap_or_default()
    };
    let rooms = crate::units::queries::room_choices(c, &ids)?
        .into_iter()
        .map(|r| ChoiceOut {
            value: Value::from(r.id.0),
            label: r.label,
            unit: code_of(r.unit_id),
        })
        .collect();
    let assets = crate::inventory::queries::choices(c, &ids)?
        .iter()
        .map(|a| {
            let (value, label) = crate::inventory::views::choice(a, locale);
            ChoiceOut {
                value: Value::from(value),
                label,
                unit: a.unit_code.clone(),
            }
        })
        .collect();
    Ok(ChoicesOut {
        units: units
            .iter()
            .map(|u| UnitChoiceOut {
                code: u.code.clone(),
                name_fr: u.name_fr.clone(),
                name_en: u.name_en.clone(),
            })
            .collect(),
        rooms,
        assets,
    })
}

/// What a request form offers you: your units, their rooms and their equipment — the valid
/// values of `unit`, `room` and of the form fields of type `room` and `asset` (see the catalog).
#[utoipa::path(get, path = "/api/v1/request-choices", tag = "catalog", params(ChoicesParams),
    responses((status = 200, body = ChoicesOut), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn choices(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
    q: web::Query<ChoicesParams>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let user = user.0;
    let wanted = q.into_inner().unit;
    let out = state
        .db(move |c| choices_for(c, &user, wanted.as_deref(), locale))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    /// Category code (see `/api/v1/catalog`).
    category: String,
    title: String,
    #[serde(default)]
    description: String,
    /// `low`, `normal`, `high` or `urgent`; the category's default otherwise.
    priority: Option<String>,
    /// Unit code, when you may request for several units.
    unit: Option<String>,
    /// Room id (see `/api/v1/request-choices`).
    room: Option<i64>,
    /// Values of the category's form fields, by key.
    #[schema(value_type = Object)]
    #[serde(default)]
    fields: Map<String, Value>,
}

/// The refusal of a value that is not one of the field's choices.
fn not_a_choice(field: &str) -> AppError {
    AppError::Invalid(FieldErrors::single(field, Msg::new("field-choice")))
}

impl NewRequestBody {
    /// The request asked for, its priority and unit read from their codes.
    fn command(self, c: &mut PgConnection) -> Result<NewRequestCmd, AppError> {
        let priority = match self.priority.as_deref() {
            None => None,
            Some(p) => Some(Priority::parse(p).ok_or_else(|| not_a_choice("priority"))?),
        };
        let unit = match self.unit.as_deref() {
            None => None,
            Some(code) => Some(
                crate::units::queries::by_code(c, code)
                    .map_err(|_| not_a_choice("unit"))?
                    .id,
            ),
        };
        Ok(NewRequestCmd {
            category: CategoryRef::Code(self.category),
            title: self.title,
            description: self.description,
            priority,
            unit,
            room: self.room.map(RoomId),
            fields: self.fields,
            source: Source::Api,
        })
    }
}

/// Submits a request.
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests", request_body = NewRequestBody,
    responses((status = 201, body = RequestView), (status = 422, body = crate::error::ErrorBody),
              (status = 400, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<NewRequestBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let b = body.into_inner();
    let user = user.0;
    let view = state
        .db(move |c| {
            let cmd = b.command(c)?;
            c.transaction(|c| {
                let r = service::create(c, &user, cmd)?;
                views::hydrate(c, vec![r], locale)?
                    .pop()
                    .ok_or(AppError::NotFound)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/requests/{}", view.number)))
        .json(view))
}

#[derive(Serialize, ToSchema)]
pub struct RequestPage {
    items: Vec<RequestView>,
    /// Pass as `cursor` for the next page; null on the last page.
    next_cursor: Option<String>,
}

/// Lists the requests you may see, filtered, newest first by default.
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests", params(ListParams),
    responses((status = 200, body = RequestPage), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let params: ListParams = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let locale = resolve_locale(&req);
    let user = user.0;
    let page = state
        .db(move |c| {
            let q = filters::resolve(c, &user, &params, StatusFilter::All, 50)?;
            views::list(c, &user, &q, locale)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RequestPage {
        items: page.items,
        next_cursor: page.next.map(filters::encode_cursor),
    }))
}

/// One request. Reading it is recorded in the access log.
#[utoipa::path(get, path = "/api/v1/requests/{number}", tag = "requests",
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = RequestView), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let user = user.0;
    let view = state
        .db(move |c| views::view(c, &user, num, locale))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The timeline. Internal notes appear only for the support staff of the request's domain.
#[utoipa::path(get, path = "/api/v1/requests/{number}/events", tag = "requests",
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = [EventView]), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn events(
    req: HttpRequest,
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let user = user.0;
    let events = state
        .db(move |c| views::events(c, &user, num, locale))
        .await?;
    Ok(HttpResponse::Ok().json(events))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    body: String,
    /// An internal note, never shown to the requester (support staff only).
    #[serde(default)]
    internal: bool,
}

/// Adds a comment or an internal note.
#[utoipa::path(post, path = "/api/v1/requests/{number}/comments", tag = "requests", request_body = CommentBody,
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 201, body = EventView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn comment(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<CommentBody>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let b = body.into_inner();
    let user = user.0;
    let event = state
        .db(move |c| {
            c.transaction(|c| {
                let e = service::comment(
                    c,
                    &user,
                    num,
                    CommentCmd {
                        body: b.body,
                        internal: b.internal,
                    },
                )?;
                views::event_written(c, &user, num, e.id, locale)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(event))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionBody {
    /// Target status code.
    to: String,
    /// Required to resolve (the resolution), to wait for the requester (the question), to cancel
    /// or to reopen (the reason).
    #[serde(default)]
    note: String,
}

/// Changes the status, as the workflow allows.
#[utoipa::path(post, path = "/api/v1/requests/{number}/transitions", tag = "requests", request_body = TransitionBody,
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = RequestView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn transition(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<TransitionBody>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let b = body.into_inner();
    let to = b.to;
    let user = user.0;
    let reopen_days = state.settings.reopen_days;
    let cmd = TransitionCmd { to, note: b.note };
    let view = state
        .db(move |c| {
            views::changed(c, &user, num, locale, |c| {
                service::transition(c, &user, num, cmd, reopen_days)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// Team code; null to clear. Absent keeps the team.
    #[serde(default, deserialize_with = "present")]
    team: Option<Option<String>>,
    /// Email of a member of the team, or `me`; null to clear. Absent keeps (or clears, when
    /// the team changes) the assignee.
    #[serde(default, deserialize_with = "present")]
    assignee: Option<Option<String>>,
}

/// Tells a present `null` from an absent field.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::<String>::deserialize(d)?))
}

impl AssignBody {
    /// The assignment asked for: a team by its code, a person by email (or `me`), `null` to clear.
    fn command(self, c: &mut PgConnection, user: &CurrentUser) -> Result<AssignCmd, AppError> {
        let team = match self.team {
            None => None,
            Some(None) => Some(None),
            Some(Some(code)) => Some(Some(
                users::team_by_code(c, &code)?
                    .ok_or_else(|| not_a_choice("team"))?
                    .id,
            )),
        };
        let assignee = match self.assignee {
            None => None,
            Some(None) => Some(None),
            Some(Some(who)) if who == "me" => Some(Some(user.id)),
            Some(Some(email)) => Some(Some(
                users::by_email(c, &email)?
                    .ok_or_else(|| not_a_choice("assignee"))?
                    .id,
            )),
        };
        Ok(AssignCmd { team, assignee })
    }
}

/// Assigns a team and/or a person (support staff of the domain).
#[utoipa::path(post, path = "/api/v1/requests/{number}/assign", tag = "requests", request_body = AssignBody,
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = RequestView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn assign(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<AssignBody>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let b = body.into_inner();
    let user = user.0;
    let view = state
        .db(move |c| {
            let cmd = b.command(c, &user)?;
            views::changed(c, &user, num, locale, |c| {
                service::assign(c, &user, num, cmd)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Attaches a file (multipart field `file`).
#[utoipa::path(post, path = "/api/v1/requests/{number}/attachments", tag = "requests",
    params(("number" = String, Path, description = "DS-000123")),
    request_body(content_type = "multipart/form-data", content = String, description = "field `file`"),
    responses((status = 201, body = AttachmentView), (status = 413, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn upload(
    req: HttpRequest,
    user: ApiUser,
    payload: Multipart,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let (filename, content_type, bytes) =
        super::attachments::read_upload(&req, payload, state.settings.max_attachment_bytes, false)
            .await?;
    let storage = state.storage.clone();
    let user = user.0;
    let view = state
        .db(move |c| {
            let sha256 = storage.put(&bytes)?;
            files::attach(
                c,
                &user,
                num,
                files::NewAttachmentCmd {
                    filename,
                    content_type,
                    size_bytes: bytes.len() as i64,
                    sha256,
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Downloads an attachment.
#[utoipa::path(get, path = "/api/v1/requests/{number}/attachments/{id}", tag = "requests",
    params(("number" = String, Path, description = "DS-000123"), ("id" = i64, Path)),
    responses((status = 200, description = "the file"), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn download(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (raw, id) = path.into_inner();
    super::attachments::send_attachment(&state, user.0, number(&raw)?, id).await
}

/// The people in copy of a request.
#[utoipa::path(get, path = "/api/v1/requests/{number}/watchers", tag = "requests",
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = [crate::users::model::PersonRef]), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn watchers(
    user: ApiUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = user.0;
    let people = state.db(move |c| service::watchers(c, &user, num)).await?;
    Ok(HttpResponse::Ok().json(people))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WatcherBody {
    email: String,
}

/// Puts a person in copy (the requester's side or the domain's staff).
#[utoipa::path(post, path = "/api/v1/requests/{number}/watchers", tag = "requests", request_body = WatcherBody,
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = [crate::users::model::PersonRef]), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn watcher_add(
    user: ApiUser,
    body: web::Json<WatcherBody>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = user.0;
    let email = body.into_inner().email;
    let people = state
        .db(move |c| {
            service::add_watcher(c, &user, num, &email)?;
            service::watchers(c, &user, num)
        })
        .await?;
    Ok(HttpResponse::Ok().json(people))
}

/// Takes a person out of copy (anyone may take themselves out).
#[utoipa::path(post, path = "/api/v1/requests/{number}/watchers/remove", tag = "requests", request_body = WatcherBody,
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 204, description = "done"), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn watcher_remove(
    user: ApiUser,
    body: web::Json<WatcherBody>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let user = user.0;
    let email = body.into_inner().email;
    state
        .db(move |c| service::remove_watcher(c, &user, num, &email))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityBody {
    /// `low`, `normal`, `high` or `urgent`.
    priority: String,
}

/// Changes the priority (support staff of the domain); the SLA due dates are recomputed.
#[utoipa::path(post, path = "/api/v1/requests/{number}/priority", tag = "requests", request_body = PriorityBody,
    params(("number" = String, Path, description = "DS-000123")),
    responses((status = 200, body = RequestView), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn priority(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<PriorityBody>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let num = number(&path)?;
    let locale = resolve_locale(&req);
    let p = Priority::parse(&body.priority).ok_or_else(|| {
        AppError::Invalid(FieldErrors::single("priority", Msg::new("field-choice")))
    })?;
    let user = user.0;
    let view = state
        .db(move |c| {
            views::changed(c, &user, num, locale, |c| {
                service::set_priority(c, &user, num, p)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
