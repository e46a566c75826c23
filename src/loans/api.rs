//! The JSON API of loans (`/api/v1/loans`, `/api/v1/availability`). The same rules as the pages,
//! through `loans::service`.

use super::booking::{self, ReserveCmd};
use super::desk::{self, CheckinCmd, CheckinOutcome, CheckoutCmd};
use super::model::LoanView;
use super::service;
use super::views::{self, Availability, LoanList};

use crate::db::{AssetModelId, LoanId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::web::extract::{resolve_locale, ApiUser};
use crate::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/loans", web::get().to(list))
        .route("/loans", web::post().to(reserve))
        .route("/loans/{id}", web::get().to(get))
        .route("/loans/{id}/approve", web::post().to(approve))
        .route("/loans/{id}/refuse", web::post().to(refuse))
        .route("/loans/{id}/acknowledge", web::post().to(acknowledge))
        .route("/loans/{id}/checkout", web::post().to(checkout))
        .route("/loans/{id}/checkin", web::post().to(checkin))
        .route("/loans/{id}/extend", web::post().to(extend))
        .route("/loans/{id}/cancel", web::post().to(cancel))
        .route("/availability", web::get().to(availability));
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `mine` (default), `to_approve` (directors), `to_hand_over` or `out` (the lending desk).
    view: Option<String>,
}

/// Loans: yours, those waiting for your approval, or the desk's.
#[utoipa::path(get, path = "/api/v1/loans", tag = "loans", params(ListQuery),
    responses((status = 200, body = [LoanView]), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    req: HttpRequest,
    user: ApiUser,
    q: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let which = match q.view.as_deref().unwrap_or("mine") {
        "mine" => LoanList::Mine,
        "to_approve" => LoanList::ToApprove,
        "to_hand_over" => LoanList::ToHandOver,
        "out" => LoanList::Out,
        _ => {
            return Err(AppError::Invalid(FieldErrors::single(
                "view",
                Msg::new("field-choice"),
            )))
        }
    };
    let locale = resolve_locale(&req);
    let now = state.clock.now();
    let loans = state
        .db(move |c| views::list(c, &user.0, which, locale, now))
        .await?;
    Ok(HttpResponse::Ok().json(loans))
}

/// Books equipment: specific assets, or a quantity of a model at a lending unit. 409 when it is
/// not available for the whole period.
#[utoipa::path(post, path = "/api/v1/loans", tag = "loans", request_body = ReserveCmd,
    responses((status = 201, body = LoanView), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reserve(
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<ReserveCmd>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let user = user.0;
    let now = state.clock.now();
    let view = state
        .db(move |c| {
            c.transaction(|c| {
                let loan = booking::reserve(c, &user, body.into_inner(), now)?;
                views::view(c, &user, loan.id, locale, now)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/loans/{}", view.id)))
        .json(view))
}

/// One loan (the borrower, the unit's director, the lending desk and auditors).
#[utoipa::path(get, path = "/api/v1/loans/{id}", tag = "loans", params(("id" = i64, Path)),
    responses((status = 200, body = LoanView), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let id = LoanId(path.into_inner());
    let now = state.clock.now();
    let view = state
        .db(move |c| views::view(c, &user.0, id, locale, now))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    #[serde(default)]
    note: String,
}

/// Runs one change of a loan and answers with the loan as it is after.
async fn act<F>(
    req: HttpRequest,
    user: ApiUser,
    id: i64,
    state: web::Data<AppState>,
    f: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut diesel::PgConnection, &crate::auth::CurrentUser, LoanId) -> Result<(), AppError>
        + Send
        + 'static,
{
    let locale = resolve_locale(&req);
    let user = user.0;
    let id = LoanId(id);
    let now = state.clock.now();
    let view = state
        .db(move |c| {
            c.transaction(|c| {
                f(c, &user, id)?;
                views::view(c, &user, id, locale, now)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The borrowing unit's director approves.
#[utoipa::path(post, path = "/api/v1/loans/{id}/approve", tag = "loans", params(("id" = i64, Path)),
    request_body = NoteBody, responses((status = 200, body = LoanView), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn approve(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    body: Option<web::Json<NoteBody>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let note = body.map(|b| b.into_inner().note).unwrap_or_default();
    act(req, user, path.into_inner(), state, move |c, u, id| {
        service::decide(c, u, id, true, &note).map(|_| ())
    })
    .await
}

/// The borrowing unit's director refuses (a reason is required).
#[utoipa::path(post, path = "/api/v1/loans/{id}/refuse", tag = "loans", params(("id" = i64, Path)),
    request_body = NoteBody, responses((status = 200, body = LoanView), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn refuse(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NoteBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let note = body.into_inner().note;
    act(req, user, path.into_inner(), state, move |c, u, id| {
        service::decide(c, u, id, false, &note).map(|_| ())
    })
    .await
}

/// The borrower accepts the loan conditions (recorded with the time and address).
#[utoipa::path(post, path = "/api/v1/loans/{id}/acknowledge", tag = "loans", params(("id" = i64, Path)),
    responses((status = 200, body = LoanView), (status = 403, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn acknowledge(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let conditions = state.settings.loan_conditions.clone();
    act(req, user, path.into_inner(), state, move |c, u, id| {
        service::acknowledge(c, u, id, &conditions).map(|_| ())
    })
    .await
}

/// The lending desk hands the equipment over.
#[utoipa::path(post, path = "/api/v1/loans/{id}/checkout", tag = "loans", params(("id" = i64, Path)),
    request_body = CheckoutCmd, responses((status = 200, body = LoanView), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn checkout(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<CheckoutCmd>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let conditions = state.settings.loan_conditions.clone();
    let cmd = body.into_inner();
    let now = state.clock.now();
    act(req, user, path.into_inner(), state, move |c, u, id| {
        desk::checkout(c, u, id, cmd, &conditions, now).map(|_| ())
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct CheckinResult {
    loan: LoanView,
    outcome: CheckinOutcome,
}

/// The lending desk takes equipment back with its condition (`ok`, `damaged` opens an IT request
/// linked to the asset, `missing` marks it and tells the unit's director); some assets may stay out.
#[utoipa::path(post, path = "/api/v1/loans/{id}/checkin", tag = "loans", params(("id" = i64, Path)),
    request_body = CheckinCmd, responses((status = 200, body = CheckinResult), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn checkin(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<CheckinCmd>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let locale = resolve_locale(&req);
    let user = user.0;
    let id = LoanId(path.into_inner());
    let cmd = body.into_inner();
    let now = state.clock.now();
    let result = state
        .db(move |c| {
            c.transaction(|c| {
                let outcome = desk::checkin(c, &user, id, cmd)?;
                Ok(CheckinResult {
                    loan: views::view(c, &user, id, locale, now)?,
                    outcome,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// The new return date (`YYYY-MM-DD` or date and time).
    due_at: String,
}

/// Moves the return date later, when nobody has booked the equipment after.
#[utoipa::path(post, path = "/api/v1/loans/{id}/extend", tag = "loans", params(("id" = i64, Path)),
    request_body = ExtendBody, responses((status = 200, body = LoanView), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn extend(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ExtendBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let due = body.into_inner().due_at;
    act(req, user, path.into_inner(), state, move |c, u, id| {
        booking::extend(c, u, id, &due).map(|_| ())
    })
    .await
}

/// Cancels a booking before the equipment is handed over.
#[utoipa::path(post, path = "/api/v1/loans/{id}/cancel", tag = "loans", params(("id" = i64, Path)),
    responses((status = 200, body = LoanView), (status = 409, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(
    req: HttpRequest,
    user: ApiUser,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    act(req, user, path.into_inner(), state, |c, u, id| {
        booking::cancel(c, u, id).map(|_| ())
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// Model id.
    model: i64,
    /// Lending unit code (default: every unit lending the model).
    unit: Option<String>,
    /// First day, `YYYY-MM-DD` (default today).
    from: Option<NaiveDate>,
    /// Last day (default 4 weeks after `from`; at most 92 days).
    to: Option<NaiveDate>,
}

/// How many of a model are free each day, and which assets are busy which days.
#[utoipa::path(get, path = "/api/v1/availability", tag = "loans", params(AvailabilityQuery),
    responses((status = 200, body = Availability), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn availability(
    _user: ApiUser,
    q: web::Query<AvailabilityQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let from = q.from.unwrap_or_else(|| state.clock.today());
    let to = q.to.unwrap_or(from + chrono::Duration::days(27));
    let a = state
        .db(move |c| {
            let unit = match q.unit.as_deref() {
                Some(code) => Some(
                    crate::units::queries::by_code(c, code)
                        .map_err(|_| AppError::NotFound)?
                        .id,
                ),
                None => None,
            };
            views::availability(c, AssetModelId(q.model), unit, from, to)
        })
        .await?;
    Ok(HttpResponse::Ok().json(a))
}
