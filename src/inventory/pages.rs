//! Inventory pages: the asset list, an asset's page with its quick actions (status, move,
//! assign), its form and printable labels with a QR code (the CSV imports: `import_pages`). Thin
//! handlers: the rules live in `inventory::service`, what is shown in `inventory::views`.

use super::model::AssetStatus;
use super::queries;
use super::service::{self, AssetChanges};
use super::views::{self, AssetListParams};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::requests::queries::{ListQuery, StatusFilter};
use crate::units::queries as units;
use crate::web::extract::{CsrfForm, Ctx};
use crate::web::form::{field, form_problem, help, options, required};
use crate::web::render::{refusal, see_other, urlencode};
use crate::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    super::import_pages::routes(cfg);
    cfg.route("/assets", web::get().to(list))
        .route("/assets", web::post().to(create))
        .route("/assets/new", web::get().to(new_form))
        .route("/assets/labels", web::get().to(labels))
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
        .map(|s| json!({"value": s.code(), "label": views::status_label(loc, *s), "selected": s.code() == selected}))
        .collect()
}

fn list_rows(loc: Locale, rows: &[queries::AssetRow]) -> Vec<Value> {
    rows.iter()
        .map(|r| json!(views::row_view(r, loc)))
        .collect()
}

/// The query string of the filters, for the next page and the labels link.
fn filter_query(p: &AssetListParams) -> String {
    let mut p = p.clone();
    p.cursor = None;
    serde_urlencoded::to_string(&p).unwrap_or_default()
}

/// What the list page shows beside the assets: the filters' choices within the reader's units.
struct ListChoices {
    types: Vec<super::model::AssetType>,
    units: Vec<crate::units::model::Unit>,
    buildings: Vec<(crate::db::BuildingId, String)>,
}

fn list_choices(
    c: &mut diesel::PgConnection,
    user: &crate::auth::CurrentUser,
) -> Result<ListChoices, AppError> {
    let scope = user.asset_scope();
    let unit_list: Vec<_> = units::all(c)?
        .into_iter()
        .filter(|u| u.active && scope.allows(u.id))
        .collect();
    let ids: Vec<_> = unit_list.iter().map(|u| u.id).collect();
    Ok(ListChoices {
        types: queries::types(c)?,
        buildings: units::buildings_of(c, &ids)?,
        units: unit_list,
    })
}

/// The filters of the list page, each choice marked when it is the one applied.
fn list_filters(loc: Locale, params: &AssetListParams, ch: &ListChoices) -> Value {
    let sel = |v: &Option<String>| v.clone().unwrap_or_default();
    json!({
        "types": ch.types.iter().filter(|t| t.active).map(|t| json!({"value": t.code, "label": loc.pick(&t.name_fr, &t.name_en),
            "selected": sel(&params.asset_type) == t.code})).collect::<Vec<_>>(),
        "statuses": status_choices(loc, &sel(&params.status), AssetStatus::ALL),
        "units": ch.units.iter().map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
            "selected": sel(&params.unit) == u.code})).collect::<Vec<_>>(),
        "buildings": ch.buildings.iter().map(|(id, label)| json!({"value": id.to_string(), "label": label,
            "selected": sel(&params.building) == id.to_string()})).collect::<Vec<_>>(),
        "q": sel(&params.q),
    })
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<AssetListParams>,
) -> Result<HttpResponse, AppError> {
    let params = q.into_inner();
    let user = ctx.user.clone();
    let p = params.clone();
    let (rows, next, choices) = state
        .db(move |c| {
            let (rows, next) = views::list(c, &user, &p, 50)?;
            Ok((rows, next, list_choices(c, &user)?))
        })
        .await?;
    let query = filter_query(&params);
    let mut page = list_filters(ctx.locale, &params, &choices);
    let more = json!({
        "title": ctx.t("assets-title"),
        "items": list_rows(ctx.locale, &rows),
        "next": next.map(|n| format!("{query}&cursor={}", urlencode(&n))),
        "labels_query": query,
        "can_manage": ctx.user.manages_inventory(),
        "is_first_page": params.cursor.is_none(),
    });
    crate::web::render::merge(&mut page, more);
    ctx.render(&state, "pages/inventory/list", page)
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

/// An asset's page as read: the asset, its view and history, its requests, and the units and
/// rooms it can move to.
struct Shown {
    asset: super::model::Asset,
    view: super::model::AssetView,
    history: Vec<super::model::AssetEventView>,
    requests: crate::requests::views::Page,
    units: Vec<crate::units::model::Unit>,
    rooms: Vec<crate::units::model::RoomChoice>,
}

fn shown(
    c: &mut diesel::PgConnection,
    user: &crate::auth::CurrentUser,
    tag: &str,
    loc: Locale,
) -> Result<Shown, AppError> {
    let asset = views::readable(c, user, tag)?;
    let q = ListQuery {
        asset: Some(asset.id),
        status: Some(StatusFilter::All),
        limit: 50,
        ..Default::default()
    };
    Ok(Shown {
        view: views::view_of(c, user, &asset, loc)?,
        history: views::history_of(c, &asset, loc)?,
        requests: crate::requests::views::list(c, user, &q, loc)?,
        units: units::all(c)?,
        rooms: units::room_choices(c, &[asset.unit_id])?,
        asset,
    })
}

/// The values of an asset's page (without the flash, the problem and the reader's rights).
fn show_page(loc: Locale, s: Shown) -> Value {
    let asset = &s.asset;
    let next: Vec<AssetStatus> = AssetStatus::ALL
        .iter()
        .copied()
        .filter(|st| asset.status.can_become(*st))
        .collect();
    let cost = s
        .view
        .purchase_cost_cents
        .map(|c| super::values::format_cents(c, loc == Locale::Fr));
    json!({
        "title": format!("{} — {} {}", s.view.tag, s.view.maker, s.view.model),
        "cost": cost,
        "purchase_date": asset.purchase_date.map(|d| i18n::format_date(loc, d)),
        "warranty_end": asset.warranty_end.map(|d| i18n::format_date(loc, d)),
        "under_warranty": asset.warranty_end.is_some_and(|d| d >= chrono::Utc::now().date_naive()),
        "extra": asset.extra.as_object().map(|m| m.iter().map(|(k, v)| json!({"name": k, "value": v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())})).collect::<Vec<_>>()).unwrap_or_default(),
        "history": s.history,
        "items": crate::requests::present::list_items(loc, &s.requests),
        "is_first_page": true,
        "query": "",
        "next": null,
        "next_statuses": status_choices(loc, "", &next),
        "units": s.units.iter().filter(|u| u.active).map(|u| json!({"value": u.code, "label": loc.pick(&u.name_fr, &u.name_en),
            "selected": u.id == asset.unit_id})).collect::<Vec<_>>(),
        "rooms": s.rooms.iter().map(|r| json!({"value": r.id.0.to_string(), "label": r.label, "selected": Some(r.id) == asset.room_id})).collect::<Vec<_>>(),
        "a": s.view,
    })
}

async fn render_show(
    ctx: &Ctx,
    state: &AppState,
    tag: String,
    flash: Option<String>,
    problem: Option<AppError>,
) -> Result<HttpResponse, AppError> {
    let (user, loc) = (ctx.user.clone(), ctx.locale);
    let data = state.db(move |c| shown(c, &user, &tag, loc)).await?;
    let (status, problem_text, problem_fields) = refusal(loc, problem.as_ref());
    let mut page = show_page(loc, data);
    let more = json!({
        "requests_caption": ctx.t("asset-requests"),
        "can_manage": ctx.user.manages_inventory(),
        "flash": flash.map(|f| i18n::tr(loc, "asset-done", &[("kind".into(), f)])),
        "problem": problem_text,
        "problem_fields": problem_fields,
    });
    crate::web::render::merge(&mut page, more);
    ctx.render_status(state, status, "pages/inventory/show", page)
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

/// What the asset form offers: the types, the models (for suggestions), the units and the rooms
/// of the chosen unit.
struct FormChoices {
    types: Vec<super::model::AssetType>,
    models: Vec<super::model::AssetModel>,
    units: Vec<crate::units::model::Unit>,
    rooms: Vec<crate::units::model::RoomChoice>,
}

fn form_choices(c: &mut diesel::PgConnection, unit_code: &str) -> Result<FormChoices, AppError> {
    let unit_list = units::all(c)?;
    let rooms = match unit_list.iter().find(|u| u.code == unit_code) {
        Some(u) => units::room_choices(c, &[u.id])?,
        None => Vec::new(),
    };
    Ok(FormChoices {
        types: queries::types(c)?,
        models: queries::models(c)?,
        units: unit_list,
        rooms,
    })
}

/// The fields of the asset form with these values: the status on creation, the room once created.
fn asset_fields(ctx: &Ctx, v: &AssetForm, ch: &FormChoices, creating: bool) -> Vec<Value> {
    let loc = ctx.locale;
    let opt = |o: &[(String, String)]| o.to_vec();
    let type_opts: Vec<(String, String)> = std::iter::once((String::new(), ctx.t("choose-option")))
        .chain(
            ch.types
                .iter()
                .filter(|t| t.active)
                .map(|t| (t.code.clone(), loc.pick(&t.name_fr, &t.name_en).to_string())),
        )
        .collect();
    let unit_opts: Vec<(String, String)> = std::iter::once((String::new(), ctx.t("choose-option")))
        .chain(
            ch.units
                .iter()
                .filter(|u| u.active)
                .map(|u| (u.code.clone(), loc.pick(&u.name_fr, &u.name_en).to_string())),
        )
        .collect();
    let mut fields = vec![
        help(
            required(field("tag", ctx.t("asset-tag"), "text", &v.tag)),
            ctx.t("asset-tag-help"),
        ),
        field("serial", ctx.t("asset-serial"), "text", &v.serial),
        help(
            options(
                field("type", ctx.t("asset-type"), "select", &v.asset_type),
                opt(&type_opts),
            ),
            ctx.t("asset-type-help"),
        ),
        required(field("maker", ctx.t("asset-maker"), "text", &v.maker)),
        required(field("model", ctx.t("asset-model"), "text", &v.model)),
        required(options(
            field("unit", ctx.t("asset-unit"), "select", &v.unit),
            opt(&unit_opts),
        )),
    ];
    if creating {
        let statuses: Vec<(String, String)> = AssetStatus::ALL
            .iter()
            .filter(|s| **s != AssetStatus::OnLoan)
            .map(|s| (s.code().to_string(), views::status_label(loc, *s)))
            .collect();
        fields.push(options(
            field("status", ctx.t("col-status"), "select", &v.status),
            statuses,
        ));
    } else {
        let room_opts: Vec<(String, String)> =
            std::iter::once((String::new(), ctx.t("asset-no-room")))
                .chain(
                    ch.rooms
                        .iter()
                        .map(|r| (r.id.0.to_string(), r.label.clone())),
                )
                .collect();
        fields.push(options(
            field("room", ctx.t("col-room"), "select", &v.room),
            room_opts,
        ));
    }
    fields.extend([
        help(
            field(
                "assigned_to",
                ctx.t("asset-assigned-to"),
                "email",
                &v.assigned_to,
            ),
            ctx.t("asset-assigned-help"),
        ),
        help(
            field(
                "purchase_date",
                ctx.t("asset-purchase-date"),
                "date",
                &v.purchase_date,
            ),
            ctx.t("date-help"),
        ),
        help(
            field(
                "purchase_cost",
                ctx.t("asset-purchase-cost"),
                "text",
                &v.purchase_cost,
            ),
            ctx.t("asset-cost-help"),
        ),
        help(
            field(
                "warranty_end",
                ctx.t("asset-warranty-end"),
                "date",
                &v.warranty_end,
            ),
            ctx.t("date-help"),
        ),
        field("notes", ctx.t("asset-notes"), "textarea", &v.notes),
        help(
            field(
                "loanable",
                ctx.t("asset-loanable"),
                "checkbox",
                if v.loanable.is_some() { "on" } else { "" },
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
    fields
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
    let unit_code = values.unit.clone();
    let ch = state.db(move |c| form_choices(c, &unit_code)).await?;
    let mut fields = asset_fields(ctx, &values, &ch, editing.is_none());
    let (status, problem_text) = form_problem(ctx, &mut fields, problem.as_ref());
    let (title, action) = match &editing {
        None => (ctx.t("asset-new"), "/assets".to_string()),
        Some(t) => (
            i18n::tr(ctx.locale, "asset-edit", &[("label".into(), t.clone())]),
            format!("/assets/{}", urlencode(t)),
        ),
    };
    let models: Vec<Value> = ch
        .models
        .iter()
        .map(|m| json!({"maker": m.maker, "name": m.name}))
        .collect();
    ctx.render_status(
        state,
        status,
        "pages/inventory/form",
        json!({"title": title, "action": action, "back_url": action, "fields": fields,
               "problem": problem_text, "models": models}),
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
    let view = state.db(move |c| views::view(c, &user, &t, loc)).await?;
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
            views::readable(c, &user, &t)?;
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
    let a = state.db(move |c| views::readable(c, &user, &tag)).await?;
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
        .db(move |c| views::list(c, &user, &params, 200))
        .await?;
    let loc = ctx.locale;
    let labels = rows
        .iter()
        .map(|r| {
            let v = views::row_view(r, loc);
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
