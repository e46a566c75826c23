//! `GET /api/v1/dashboard`: the figures of a dashboard as JSON, under the same rules as the
//! page (who may see which scope).

use super::figures;
use super::model::Figures;
use super::period::Period;
use super::scope::{self, Choice};
use crate::audit;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::units::model::Unit;
use crate::users::model::Team;
use crate::web::extract::ApiUser;
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/dashboard", web::get().to(get));
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// `board`, `domain:<materiel|ti|transport>`, `team:<code>` or `unit:<code>`; by default
    /// the widest scope the reader has.
    pub scope: Option<String>,
    /// `week`, `month`, `school_year` (default: 1 July to 30 June) or `custom`.
    pub period: Option<String>,
    /// First day of a custom period (`YYYY-MM-DD`).
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day of a custom period, included.
    #[param(format = Date)]
    pub to: Option<String>,
}

/// A dashboard ready to show: its figures and the scopes the reader could pick instead.
pub struct Loaded {
    pub figures: Figures,
    pub choices: Vec<Choice>,
    pub choice: Choice,
    pub period: Period,
}

type Scopes = (Vec<Team>, Vec<Unit>, Vec<Choice>);

/// The teams, the units, and the scopes this person may pick among them.
fn scopes_of(
    conn: &mut diesel::PgConnection,
    user: &CurrentUser,
    loc: Locale,
) -> Result<Scopes, AppError> {
    let teams = crate::users::queries::teams(conn)?;
    let units = crate::units::queries::all(conn)?;
    let choices = scope::choices(user, &teams, &units, loc);
    Ok((teams, units, choices))
}

/// The scopes this person may pick (for the pickers of a page whose query was refused).
pub async fn choices(
    state: &AppState,
    user: &CurrentUser,
    loc: Locale,
) -> Result<Vec<Choice>, AppError> {
    let u = user.clone();
    state.db(move |c| Ok(scopes_of(c, &u, loc)?.2)).await
}

/// Checks the query, then counts (on the blocking pool, several connections at once). Every
/// view is audited: the figures name technicians and quote requesters' comments.
pub async fn load(
    state: &AppState,
    user: &CurrentUser,
    q: &DashboardQuery,
    loc: Locale,
) -> Result<Loaded, AppError> {
    if !user.has_dashboard() {
        return Err(AppError::Forbidden);
    }
    let today = crate::transport::service::today();
    let period = Period::parse(
        q.period.as_deref(),
        q.from.as_deref(),
        q.to.as_deref(),
        today,
    )
    .map_err(AppError::Invalid)?;
    let u = user.clone();
    let asked = q.scope.clone();
    let (choices, choice) = state
        .db(move |c| {
            let (teams, units, choices) = scopes_of(c, &u, loc)?;
            let choice = scope::resolve(asked.as_deref(), &choices, &teams, &units)?;
            audit::record(
                c,
                &u.origin(),
                "dashboard.viewed",
                "dashboard",
                choice.scope.code(),
                json!({ "from": period.first, "to": period.last }),
            )?;
            Ok((choices, choice))
        })
        .await?;
    let pool = state.pool.clone();
    let (u, ch) = (user.clone(), choice.clone());
    let figures = web::block(move || {
        figures::compute(&pool, &u, &ch.scope, &ch.label, &period, Utc::now(), loc)
    })
    .await
    .map_err(|e| AppError::Internal(format!("blocking: {e}")))??;
    Ok(Loaded {
        figures,
        choices,
        choice,
        period,
    })
}

/// The figures of a dashboard: tiles, trends, backlog by age, volume by category and unit,
/// workload per technician, satisfaction and the low ratings the reader may open.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "dashboard", params(DashboardQuery),
    responses((status = 200, body = Figures), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    user: ApiUser,
    q: web::Query<DashboardQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let loc = user.0.locale;
    let loaded = load(&state, &user.0, &q, loc).await?;
    Ok(HttpResponse::Ok().json(loaded.figures))
}
