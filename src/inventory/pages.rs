//! Inventory pages: the asset list, an asset's page with its quick actions (status, move,
//! assign), its form, printable labels with a QR code, and CSV imports. Thin handlers: the rules
//! live in `inventory::service` and `inventory::import`.

use super::import::{self, Options};
use super::model::AssetStatus;
use super::queries;
use super::service::{self, AssetChanges, AssetListParams};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::requests::queries::{ListQuery, StatusFilter};
use crate::units::queries as units;
use crate::web::extract::{check_csrf, form_pairs, CsrfForm, Ctx};
use crate::web::form::{field, help, options, required, with_errors};
use crate::web::render::{field_messages, refusal, see_other, urlencode};
use crate::AppState;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/assets", web::get().to(list))
        .route("/assets", web::post().to(create))
        .route("/assets/new", web::get().to(new_form))
        .route("/assets/labels", web::get().to(labels))
        .route("/assets/import", web::get().to(import_form))
        .route("/assets/import", web::post().to(import_upload))
        .route("/assets/import/{sha}", web::get().to(import_mapping))
        .route("/assets/import/{sha}", web::post().to(import_run))
        .route("/assets/{tag}", web::get().to(show))
        .route("/assets/{tag}", web::post().to(update))
        .route("/assets/{tag}/edit", web::get().to(edit_form))
        .route("/assets/{tag}/status", web::post().to(change_status))
        .route("/assets/{tag}/move", web::post().to(move_to))
        .route("/assets/{tag}/assign", web::post().to(assign))
        .route("/assets/{tag}/qr.svg", web::get().to(qr));
}

fn status_choices(loc: Locale, selected: &str, only: &[AssetStatus]) -> Vec<Value> {
    only.iter()
        .map(|s| json!({"value": s.code(), "label": service::status_label(loc, *s), "selected": s.code() == selected}))
        .collect()
}

fn list_rows(loc: Locale, rows: &[queries::AssetRow]) -> Vec<Value> {
    rows.iter()
        .map(|r| json!(service::row_view(r, loc)))
        .collect()
}

/// The query string of the filters, for the next page and the labels link.
fn filter_query(p: &AssetListParams) -> String {
    let mut p = p.clone();
    p.cursor = None;
    serde_urlencoded::to_string(&p).unwrap_or_default()
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<AssetListParams>,
) -> Result<HttpResponse, AppError> {
    let params = q.into_inner();
    let user = ctx.user.clone();
    let p = params.clone();
    let (rows, next, types, unit_list, buildings) = state
        .db(move |c| {
            let (rows, next) = service::list(c, &user, &p, 50)?;
            let scope = user.asset_scope();
            let unit_list: Vec<_> = units::all(c)?
                .into_iter()
                .filter(|u| u.active && scope.allows(u.id))
                .collect();
            let ids: Vec<_> = unit_list.iter().map(|u| u.id).collect();
            Ok((
                rows,
                next,
                queries::types(c)?,
                unit_list,
                units::buildings_of(c, &ids)?,
            ))
        })
        .await?;
    let loc = ctx.locale;
    let sel = |v: &Option<String>| v.clone().unwrap_or_default();
    let query = filter_query(&params);
    ctx.render(
        &state,
        "pages/inventory/list",
        json!({
            "title": ctx.t("assets-title"),
            "items": list_rows(loc, &rows),
            "next": next.map(|n| format!("{query}&cursor={}", urlencode(&n))),
            "labels_query": query,
            "can_manage": ctx.user.manages_inventory(),
            "types": types.iter().filter(|t| t.active).map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
                "selected": sel(&params.asset_type) == t.code})).collect::<Vec<_>>(),
            "statuses": status_choices(loc, &sel(&params.status), AssetStatus::ALL),
            "units": unit_list.iter().map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
                "selected": sel(&params.unit) == u.code})).collect::<Vec<_>>(),
            "buildings": buildings.iter().map(|(id, label)| json!({"value": id.to_string(), "label": label,
                "selected": sel(&params.building) == id.to_string()})).collect::<Vec<_>>(),
            "q": sel(&params.q),
            "is_first_page": params.cursor.is_none(),
        }),
    )
}

// --- one asset ---

#[derive(Deserialize)]
struct ShowQuery {
    ok: Option<String>,
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let flash = q
        .into_inner()
        .ok
        .filter(|f| ["created", "saved", "status", "moved", "assigned"].contains(&f.as_str()));
    render_show(&ctx, &state, path.into_inner(), flash, None).await
}

async fn render_show(
    ctx: &Ctx,
    state: &AppState,
    tag: String,
    flash: Option<String>,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let loc = ctx.locale;
    let t = tag.clone();
    let (asset, view, history, requests, unit_list, rooms) = state
        .db(move |c| {
            let asset = service::readable(c, &user, &t)?;
            let view = service::view_of(c, &user, &asset, loc)?;
            let history = service::history_of(c, &asset, loc)?;
            let q = ListQuery {
                asset: Some(asset.id),
                status: Some(StatusFilter::All),
                limit: 50,
                ..Default::default()
            };
            let requests = crate::requests::views::list(c, &user, &q, loc)?;
            let unit_list = units::all(c)?;
            let rooms = units::room_choices(c, &[asset.unit_id])?;
            Ok((asset, view, history, requests, unit_list, rooms))
        })
        .await?;
    let next: Vec<AssetStatus> = AssetStatus::ALL
        .iter()
        .copied()
        .filter(|s| asset.status.can_become(*s))
        .collect();
    let (status, problem_text, problem_fields) = refusal(loc, problem.as_ref());
    let cost = view
        .purchase_cost_cents
        .map(|c| super::values::format_cents(c, loc == Locale::Fr));
    ctx.render_status(
        state,
        status,
        "pages/inventory/show",
        json!({
            "title": format!("{} — {} {}", view.tag, view.maker, view.model),
            "a": view,
            "cost": cost,
            "purchase_date": asset.purchase_date.map(|d| i18n::format_date(loc, d)),
            "warranty_end": asset.warranty_end.map(|d| i18n::format_date(loc, d)),
            "under_warranty": asset.warranty_end.is_some_and(|d| d >= chrono::Utc::now().date_naive()),
            "extra": asset.extra.as_object().map(|m| m.iter().map(|(k, v)| json!({"name": k, "value": v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())})).collect::<Vec<_>>()).unwrap_or_default(),
            "history": history,
            "items": crate::requests::present::list_items(loc, &requests),
            "requests_caption": ctx.t("asset-requests"),
            "is_first_page": true,
            "query": "",
            "next": null,
            "can_manage": ctx.user.manages_inventory(),
            "next_statuses": status_choices(loc, "", &next),
            "units": unit_list.iter().filter(|u| u.active).map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
                "selected": u.id == asset.unit_id})).collect::<Vec<_>>(),
            "rooms": rooms.iter().map(|r| json!({"value": r.id.0.to_string(), "label": r.label, "selected": Some(r.id) == asset.room_id})).collect::<Vec<_>>(),
            "flash": flash.map(|f| i18n::tr(loc, "asset-done", &[("kind".into(), f)])),
            "problem": problem_text,
            "problem_fields": problem_fields,
        }),
    )
}

/// After a quick action: back to the asset with a confirmation, or the page with the reason.
async fn after(
    ctx: &Ctx,
    state: &AppState,
    tag: String,
    flash: &str,
    result: Result<String, AppError>,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(tag) => Ok(see_other(&format!(
            "/assets/{}?ok={flash}",
            urlencode(&tag)
        ))),
        Err(e @ (AppError::Invalid(_) | AppError::Rule(_) | AppError::Conflict(_))) => {
            render_show(ctx, state, tag, None, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
    #[serde(default)]
    note: String,
    /// A request the change belongs to (a repair), by number.
    #[serde(default)]
    request: String,
}

async fn change_status(
    ctx: Ctx,
    form: CsrfForm<StatusForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let tag = path.into_inner();
    let f = form.0;
    let changes = AssetChanges {
        status: Some(f.status),
        note: Some(f.note),
        ..Default::default()
    };
    let (user, t, raw_request) = (ctx.user.clone(), tag.clone(), f.request.clone());
    let result = state
        .db(move |c| {
            let request = request_of(c, &user, &raw_request)?;
            service::save(c, &user, Some(&t), changes, request).map(|a| a.tag)
        })
        .await;
    if result.is_ok() {
        if let Some(n) = crate::requests::model::RequestNumber::parse(&f.request) {
            return Ok(see_other(&format!("/requests/{n}?ok=asset#assets")));
        }
    }
    after(&ctx, &state, tag, "status", result).await
}

/// The request a repair belongs to, if its number is given and this person may read it.
fn request_of(
    c: &mut diesel::PgConnection,
    user: &crate::auth::CurrentUser,
    raw: &str,
) -> Result<Option<crate::db::RequestId>, AppError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let num = crate::requests::model::RequestNumber::parse(raw).ok_or_else(|| {
        AppError::Invalid(FieldErrors::single("request", Msg::new("field-choice")))
    })?;
    match crate::requests::reading::load(c, user, num, false) {
        Ok((r, _)) => Ok(Some(r.id)),
        Err(AppError::NotFound) => Err(AppError::Invalid(FieldErrors::single(
            "request",
            Msg::new("field-choice"),
        ))),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct MoveForm {
    unit: String,
    #[serde(default)]
    room: String,
}

async fn move_to(
    ctx: Ctx,
    form: CsrfForm<MoveForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let changes = AssetChanges {
        unit: Some(form.0.unit),
        room: Some(form.0.room),
        ..Default::default()
    };
    quick_change(&ctx, &state, path.into_inner(), changes, "moved").await
}

/// One quick action of the asset page (move, assign): its changes saved by the service, then
/// back to the asset with a confirmation or the page with the reason.
async fn quick_change(
    ctx: &Ctx,
    state: &AppState,
    tag: String,
    changes: AssetChanges,
    flash: &str,
) -> Result<HttpResponse, AppError> {
    let (user, t) = (ctx.user.clone(), tag.clone());
    let result = state
        .db(move |c| service::save(c, &user, Some(&t), changes, None).map(|a| a.tag))
        .await;
    after(ctx, state, tag, flash, result).await
}

#[derive(Deserialize)]
struct AssignForm {
    #[serde(default)]
    assigned_to: String,
}

async fn assign(
    ctx: Ctx,
    form: CsrfForm<AssignForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let changes = AssetChanges {
        assigned_to: Some(form.0.assigned_to),
        ..Default::default()
    };
    quick_change(&ctx, &state, path.into_inner(), changes, "assigned").await
}

// --- the form ---

#[derive(Debug, Clone, Default, Deserialize)]
struct AssetForm {
    #[serde(default)]
    tag: String,
    #[serde(default)]
    serial: String,
    #[serde(default, rename = "type")]
    asset_type: String,
    #[serde(default)]
    maker: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    assigned_to: String,
    #[serde(default)]
    purchase_date: String,
    #[serde(default)]
    purchase_cost: String,
    #[serde(default)]
    warranty_end: String,
    #[serde(default)]
    notes: String,
    loanable: Option<String>,
}

impl AssetForm {
    fn changes(self, creating: bool) -> AssetChanges {
        AssetChanges {
            tag: Some(self.tag),
            serial: Some(self.serial),
            asset_type: Some(self.asset_type),
            maker: Some(self.maker),
            model: Some(self.model),
            status: creating.then_some(self.status),
            unit: Some(self.unit),
            room: creating.then_some(String::new()).or(Some(self.room)),
            assigned_to: Some(self.assigned_to),
            purchase_date: Some(self.purchase_date),
            purchase_cost: Some(self.purchase_cost),
            warranty_end: Some(self.warranty_end),
            notes: Some(self.notes),
            extra: None,
            loanable: Some(self.loanable.is_some()),
            note: None,
        }
    }
}

async fn render_form(
    ctx: &Ctx,
    state: &AppState,
    editing: Option<String>,
    values: AssetForm,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    if !ctx.user.manages_inventory() {
        return Err(AppError::Forbidden);
    }
    let loc = ctx.locale;
    let unit_code = values.unit.clone();
    let (types, models, unit_list, rooms) = state
        .db(move |c| {
            let unit_list = units::all(c)?;
            let rooms = match unit_list.iter().find(|u| u.code == unit_code) {
                Some(u) => units::room_choices(c, &[u.id])?,
                None => Vec::new(),
            };
            Ok((queries::types(c)?, queries::models(c)?, unit_list, rooms))
        })
        .await?;
    let creating = editing.is_none();
    let opt = |v: &[(String, String)]| v.to_vec();
    let type_opts: Vec<(String, String)> = std::iter::once((String::new(), ctx.t("choose-option")))
        .chain(
            types
                .iter()
                .filter(|t| t.active)
                .map(|t| (t.code.clone(), loc.pick(&t.name_fr, &t.name_en).to_string())),
        )
        .collect();
    let unit_opts: Vec<(String, String)> = std::iter::once((String::new(), ctx.t("choose-option")))
        .chain(
            unit_list
                .iter()
                .filter(|u| u.active)
                .map(|u| (u.code.clone(), loc.pick(&u.name_fr, &u.name_en).to_string())),
        )
        .collect();
    let mut fields = vec![
        help(
            required(field("tag", ctx.t("asset-tag"), "text", &values.tag)),
            ctx.t("asset-tag-help"),
        ),
        field("serial", ctx.t("asset-serial"), "text", &values.serial),
        help(
            options(
                field("type", ctx.t("asset-type"), "select", &values.asset_type),
                opt(&type_opts),
            ),
            ctx.t("asset-type-help"),
        ),
        required(field("maker", ctx.t("asset-maker"), "text", &values.maker)),
        required(field("model", ctx.t("asset-model"), "text", &values.model)),
        required(options(
            field("unit", ctx.t("asset-unit"), "select", &values.unit),
            opt(&unit_opts),
        )),
    ];
    if creating {
        let statuses: Vec<(String, String)> = AssetStatus::ALL
            .iter()
            .filter(|s| **s != AssetStatus::OnLoan)
            .map(|s| (s.code().to_string(), service::status_label(loc, *s)))
            .collect();
        fields.push(options(
            field("status", ctx.t("col-status"), "select", &values.status),
            statuses,
        ));
    } else {
        let room_opts: Vec<(String, String)> =
            std::iter::once((String::new(), ctx.t("asset-no-room")))
                .chain(rooms.iter().map(|r| (r.id.0.to_string(), r.label.clone())))
                .collect();
        fields.push(options(
            field("room", ctx.t("col-room"), "select", &values.room),
            room_opts,
        ));
    }
    fields.extend([
        help(
            field(
                "assigned_to",
                ctx.t("asset-assigned-to"),
                "email",
                &values.assigned_to,
            ),
            ctx.t("asset-assigned-help"),
        ),
        help(
            field(
                "purchase_date",
                ctx.t("asset-purchase-date"),
                "date",
                &values.purchase_date,
            ),
            ctx.t("date-help"),
        ),
        help(
            field(
                "purchase_cost",
                ctx.t("asset-purchase-cost"),
                "text",
                &values.purchase_cost,
            ),
            ctx.t("asset-cost-help"),
        ),
        help(
            field(
                "warranty_end",
                ctx.t("asset-warranty-end"),
                "date",
                &values.warranty_end,
            ),
            ctx.t("date-help"),
        ),
        field("notes", ctx.t("asset-notes"), "textarea", &values.notes),
        help(
            field(
                "loanable",
                ctx.t("asset-loanable"),
                "checkbox",
                if values.loanable.is_some() { "on" } else { "" },
            ),
            ctx.t("asset-loanable-help"),
        ),
    ]);
    for f in fields.iter_mut() {
        if f["name"] == "purchase_date" || f["name"] == "warranty_end" {
            f["is_input"] = json!(true);
            f["input_type"] = json!("date");
        }
    }
    let (status, problem_text) = match &problem {
        Some(AppError::Invalid(e)) => {
            with_errors(&mut fields, &field_messages(loc, e));
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(ctx.t("form-has-errors")),
            )
        }
        Some(e) => (e.status(), Some(i18n::msg(loc, &e.message()))),
        None => (StatusCode::OK, None),
    };
    let (title, action, back) = match &editing {
        None => (
            ctx.t("asset-new"),
            "/assets".to_string(),
            "/assets".to_string(),
        ),
        Some(t) => (
            i18n::tr(loc, "asset-edit", &[("label".into(), t.clone())]),
            format!("/assets/{}", urlencode(t)),
            format!("/assets/{}", urlencode(t)),
        ),
    };
    ctx.render_status(
        state,
        status,
        "pages/inventory/form",
        json!({"title": title, "action": action, "back_url": back, "fields": fields, "problem": problem_text,
               "models": models.iter().map(|m| json!({"maker": m.maker, "name": m.name})).collect::<Vec<_>>()}),
    )
}

async fn new_form(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let values = AssetForm {
        status: "in_stock".into(),
        ..Default::default()
    };
    render_form(&ctx, &state, None, values, None).await
}

async fn create(
    ctx: Ctx,
    form: CsrfForm<AssetForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let values = form.0;
    let changes = values.clone().changes(true);
    let user = ctx.user.clone();
    match state
        .db(move |c| service::save(c, &user, None, changes, None))
        .await
    {
        Ok(a) => Ok(see_other(&format!(
            "/assets/{}?ok=created",
            urlencode(&a.tag)
        ))),
        Err(e @ (AppError::Invalid(_) | AppError::Rule(_))) => {
            render_form(&ctx, &state, None, values, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

async fn edit_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let tag = path.into_inner();
    let (user, t) = (ctx.user.clone(), tag.clone());
    let loc = ctx.locale;
    let view = state.db(move |c| service::view(c, &user, &t, loc)).await?;
    let values = AssetForm {
        tag: view.tag.clone(),
        serial: view.serial.unwrap_or_default(),
        asset_type: view.type_code,
        maker: view.maker,
        model: view.model,
        status: view.status,
        unit: view.unit,
        room: view.room_id.map(|r| r.to_string()).unwrap_or_default(),
        assigned_to: view.assigned_to.map(|p| p.email).unwrap_or_default(),
        purchase_date: view
            .purchase_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
        purchase_cost: view
            .purchase_cost_cents
            .map(|c| format!("{}.{:02}", c / 100, c % 100))
            .unwrap_or_default(),
        warranty_end: view.warranty_end.map(|d| d.to_string()).unwrap_or_default(),
        notes: view.notes,
        loanable: view.loanable.then(|| "on".to_string()),
    };
    render_form(&ctx, &state, Some(tag), values, None).await
}

async fn update(
    ctx: Ctx,
    form: CsrfForm<AssetForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let tag = path.into_inner();
    let values = form.0;
    let changes = values.clone().changes(false);
    let (user, t) = (ctx.user.clone(), tag.clone());
    match state
        .db(move |c| {
            service::readable(c, &user, &t)?;
            service::save(c, &user, Some(&t), changes, None)
        })
        .await
    {
        Ok(a) => Ok(see_other(&format!(
            "/assets/{}?ok=saved",
            urlencode(&a.tag)
        ))),
        Err(e @ (AppError::Invalid(_) | AppError::Rule(_))) => {
            render_form(&ctx, &state, Some(tag), values, Some(e)).await
        }
        Err(e) => Err(e),
    }
}

// --- labels ---

/// The QR code of an asset's page, as SVG.
pub fn qr_svg(base_url: &str, tag: &str) -> Result<String, AppError> {
    let url = format!(
        "{}/assets/{}",
        base_url.trim_end_matches('/'),
        urlencode(tag)
    );
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(120, 120)
        .quiet_zone(true)
        .build())
}

async fn qr(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = ctx.user.clone();
    let tag = path.into_inner();
    let a = state.db(move |c| service::readable(c, &user, &tag)).await?;
    let svg = qr_svg(&state.settings.base_url, &a.tag)?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("Cache-Control", "private, max-age=86400"))
        .body(svg))
}

/// Printable labels (inventory number, model, unit, QR code) for the assets of the list's
/// filters, one page of up to 200 at a time.
async fn labels(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<AssetListParams>,
) -> Result<HttpResponse, AppError> {
    let mut params = q.into_inner();
    params.limit = Some(params.limit.unwrap_or(200).min(200));
    let user = ctx.user.clone();
    let (rows, _) = state
        .db(move |c| service::list(c, &user, &params, 200))
        .await?;
    let loc = ctx.locale;
    let labels = rows
        .iter()
        .map(|r| {
            let v = service::row_view(r, loc);
            Ok(json!({"tag": v.tag, "model": format!("{} {}", v.maker, v.model), "unit": v.unit_name,
                      "qr": qr_svg(&state.settings.base_url, &v.tag)?}))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    ctx.render(
        &state,
        "pages/inventory/labels",
        json!({"title": ctx.t("asset-labels"), "labels": labels}),
    )
}

// --- imports ---

fn require_manager(ctx: &Ctx) -> Result<(), AppError> {
    if ctx.user.manages_inventory() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn import_form(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    render_upload(&ctx, &state, None)
}

fn render_upload(
    ctx: &Ctx,
    state: &AppState,
    problem: Option<Msg>,
) -> Result<HttpResponse, AppError> {
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    ctx.render_status(
        state,
        status,
        "pages/inventory/import",
        json!({"title": ctx.t("import-title"), "upload": true,
               "problem": problem.map(|m| i18n::msg(ctx.locale, &m))}),
    )
}

async fn import_upload(
    req: HttpRequest,
    ctx: Ctx,
    payload: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    let limit = state.settings.max_attachment_bytes;
    let bytes = match crate::requests::attachments::read_upload(&req, payload, limit, true).await {
        Ok((_, _, bytes)) => bytes,
        Err(AppError::PayloadTooLarge) => {
            let m = Msg::new("field-file-too-large").arg("max", limit / (1024 * 1024));
            return render_upload(&ctx, &state, Some(m));
        }
        Err(AppError::Invalid(_)) => {
            return render_upload(&ctx, &state, Some(Msg::new("field-file")))
        }
        Err(e) => return Err(e),
    };
    if let Err(m) = import::read(&bytes) {
        return render_upload(&ctx, &state, Some(m));
    }
    let storage = state.storage.clone();
    let sha = web::block(move || storage.put(&bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(see_other(&format!("/assets/import/{sha}")))
}

/// The stored file of an import in progress; the name is its SHA-256, nothing else.
async fn stored_sheet(state: &AppState, sha: &str) -> Result<import::Sheet, AppError> {
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let storage = state.storage.clone();
    let sha = sha.to_ascii_lowercase();
    let bytes = web::block(move || storage.get(&sha))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    import::read(&bytes).map_err(AppError::Rule)
}

#[derive(Deserialize)]
struct MappingQuery {
    preset: Option<String>,
}

async fn import_mapping(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<MappingQuery>,
) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    let sha = path.into_inner();
    let sheet = stored_sheet(&state, &sha).await?;
    let preset = q.into_inner().preset.unwrap_or_else(|| "auto".into());
    let mapping = import::suggest(&preset, &sheet.headers);
    let opts = Options {
        mapping,
        ..Default::default()
    };
    render_mapping(
        &ctx,
        &state,
        &sha,
        &sheet,
        &preset,
        &opts,
        None,
        StatusCode::OK,
    )
    .await
}

const PRESETS: [&str; 5] = ["auto", "guichet", "lansweeper", "intune", "jamf"];

#[allow(clippy::too_many_arguments)]
async fn render_mapping(
    ctx: &Ctx,
    state: &AppState,
    sha: &str,
    sheet: &import::Sheet,
    preset: &str,
    opts: &Options,
    report: Option<import::Report>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let loc = ctx.locale;
    let (types, unit_list) = state
        .db(|c| Ok((queries::types(c)?, units::all(c)?)))
        .await?;
    let targets: Vec<Value> = import::TARGETS
        .iter()
        .map(|t| {
            let chosen = opts.mapping.get(*t).copied();
            json!({"name": format!("map.{t}"), "id": format!("map-{t}"),
                   "label": i18n::tr(loc, "import-target", &[("code".into(), (*t).into())]),
                   "columns": sheet.headers.iter().enumerate().map(|(i, h)| json!({"value": i, "label": h, "selected": chosen == Some(i)})).collect::<Vec<_>>()})
        })
        .collect();
    let sel = |v: &Option<String>, code: &str| v.as_deref() == Some(code);
    let errors: Vec<Value> = report
        .as_ref()
        .map(|r| {
            r.errors
                .iter()
                .take(500)
                .map(|e| json!({"line": e.line, "column": e.column, "message": i18n::msg(loc, &e.message)}))
                .collect()
        })
        .unwrap_or_default();
    ctx.render_status(
        state,
        status,
        "pages/inventory/import",
        json!({
            "title": ctx.t("import-title"), "mapping": true, "sha": sha,
            "encoding": sheet.encoding,
            "delimiter": match sheet.delimiter { b';' => ";", b'\t' => "tab", b'|' => "|", _ => "," },
            "line_count": sheet.records.len(),
            "presets": PRESETS.iter().map(|p| json!({"value": p,
                "label": i18n::tr(loc, "import-preset", &[("code".into(), (*p).into())]), "selected": *p == preset})).collect::<Vec<_>>(),
            "targets": targets,
            "types": types.iter().filter(|t| t.active).map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
                "selected": sel(&opts.default_type, &t.code)})).collect::<Vec<_>>(),
            "units": unit_list.iter().filter(|u| u.active).map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
                "selected": sel(&opts.default_unit, &u.code)})).collect::<Vec<_>>(),
            "headers": sheet.headers,
            "preview": sheet.records.iter().take(5).map(|(line, cells)| json!({"line": line, "cells": cells})).collect::<Vec<_>>(),
            "report": report.as_ref().map(|r| json!({
                "lines": r.lines, "created": r.created, "updated": r.updated, "unchanged": r.unchanged,
                "new_models": r.new_models, "error_count": r.errors.len(), "written": r.written,
                "more_errors": r.errors.len().saturating_sub(500), "errors": errors,
                "ok": r.errors.is_empty()})),
        }),
    )
}

async fn import_run(
    req: HttpRequest,
    ctx: Ctx,
    body: web::Bytes,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_manager(&ctx)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    check_csrf(&req, get("csrf").as_deref())?;
    let sha = path.into_inner();
    let sheet = stored_sheet(&state, &sha).await?;
    let mut opts = Options {
        default_unit: get("default_unit").filter(|s| !s.is_empty()),
        default_type: get("default_type").filter(|s| !s.is_empty()),
        ..Default::default()
    };
    for (k, v) in &pairs {
        if let (Some(t), Ok(i)) = (k.strip_prefix("map."), v.parse::<usize>()) {
            if import::TARGETS.contains(&t) && i < sheet.headers.len() {
                opts.mapping.insert(t.to_string(), i);
            }
        }
    }
    let write = get("action").as_deref() == Some("run");
    let preset = get("preset").unwrap_or_else(|| "auto".into());
    let (origin, s2, o2) = (ctx.user.origin(), sheet.clone(), opts.clone());
    let report = state
        .db(move |c| import::run(c, &origin, &s2, &o2, write))
        .await?;
    let status = if report.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_mapping(
        &ctx,
        &state,
        &sha,
        &sheet,
        &preset,
        &opts,
        Some(report),
        status,
    )
    .await
}
