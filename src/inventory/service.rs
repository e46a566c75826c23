//! The rules of the inventory: who may read and change equipment, how an asset is created and
//! changed (one function for the web, the API and the quick actions, so each change leaves its
//! history entry and audit row the same way), and how requests link to assets.

use super::model::*;
use super::queries::{self, AssetRow};
use super::values;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{AssetModelId, RequestId, RoomId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::units::queries as units;
use crate::users::queries as users;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

/// What to set on an asset; absent fields are left as they are (on creation: their defaults).
/// An empty string clears an optional value.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetChanges {
    /// Inventory number (« numéro d'inventaire »): letters, digits and `. _ -`, unique.
    pub tag: Option<String>,
    pub serial: Option<String>,
    /// Asset type code (`portable`, `projecteur`…); needed when the model is new.
    #[serde(rename = "type")]
    pub asset_type: Option<String>,
    pub maker: Option<String>,
    pub model: Option<String>,
    /// `in_stock`, `deployed`, `on_loan`, `in_repair`, `missing` or `retired`, per the lifecycle.
    pub status: Option<String>,
    /// Owning unit code.
    pub unit: Option<String>,
    /// Room id (of the owning unit); empty to clear.
    pub room: Option<String>,
    /// Email of the person the asset is assigned to; empty to clear.
    pub assigned_to: Option<String>,
    /// `YYYY-MM-DD`.
    pub purchase_date: Option<String>,
    /// In dollars, e.g. `899.99`.
    pub purchase_cost: Option<String>,
    pub warranty_end: Option<String>,
    pub notes: Option<String>,
    /// Extra fields from the inventory tools, kept as they are.
    #[schema(value_type = Object)]
    pub extra: Option<Map<String, Value>>,
    /// Lent by its unit's desk (see loans).
    pub loanable: Option<bool>,
    /// Why the status changes (kept in the history).
    pub note: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim)
}

fn forbid_unless(ok: bool) -> Result<(), AppError> {
    if ok {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Creates an asset (`tag: None`) or changes the one with that inventory number.
pub fn save(
    conn: &mut PgConnection,
    user: &CurrentUser,
    tag: Option<&str>,
    changes: AssetChanges,
    request: Option<RequestId>,
) -> Result<Asset, AppError> {
    forbid_unless(user.manages_inventory())?;
    conn.transaction(|conn| {
        let before = match tag {
            Some(t) => Some(queries::by_tag_for_update(conn, t)?.ok_or(AppError::NotFound)?),
            None => None,
        };
        let after = resolve(conn, before.as_ref(), &changes)?;
        let asset = match &before {
            None => {
                let a = queries::insert(conn, &after).map_err(taken)?;
                queries::insert_events(
                    conn,
                    &[NewAssetEvent {
                        asset_id: a.id,
                        kind: AssetEventKind::Created,
                        actor_id: Some(user.id),
                        request_id: request,
                        data: json!({"status": a.status}),
                    }],
                )?;
                audit::record(
                    conn,
                    &user.origin(),
                    "asset.created",
                    "asset",
                    a.id,
                    json!({"tag": a.tag}),
                )?;
                a
            }
            Some(b) => {
                let events = history_of_change(b, &after, user.id, request, given(&changes.note));
                if events.is_empty() {
                    return Ok(b.clone());
                }
                let a = queries::update(conn, b.id, &after).map_err(taken)?;
                let kinds: Vec<&str> = events.iter().map(|e| e.kind.code()).collect();
                queries::insert_events(conn, &events)?;
                audit::record(
                    conn,
                    &user.origin(),
                    "asset.updated",
                    "asset",
                    a.id,
                    json!({"tag": a.tag, "changes": kinds}),
                )?;
                a
            }
        };
        Ok(asset)
    })
}

/// A unique index refused the row: another asset has that inventory or serial number.
fn taken(e: diesel::result::Error) -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    match &e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            let field = if info.constraint_name() == Some("assets_serial_key") {
                "serial"
            } else {
                "tag"
            };
            AppError::Invalid(FieldErrors::single(field, Msg::new("asset-number-taken")))
        }
        _ => AppError::Db(e),
    }
}

/// The asset as it will be after the changes, or the reasons it can't be, by field.
fn resolve(
    conn: &mut PgConnection,
    before: Option<&Asset>,
    ch: &AssetChanges,
) -> Result<AssetFields, AppError> {
    let mut errors = FieldErrors::default();
    let creating = before.is_none();
    let required = |errors: &mut FieldErrors, field: &str, v: Option<&str>| -> bool {
        let missing = v.is_none_or(str::is_empty);
        if missing && creating {
            errors.add(field, Msg::new("field-required"));
        }
        !missing
    };

    let tag = match given(&ch.tag) {
        Some(t) if !t.is_empty() => values::tag(t).unwrap_or_else(|| {
            errors.add("tag", Msg::new("asset-tag-invalid"));
            String::new()
        }),
        _ => {
            required(&mut errors, "tag", None);
            before.map(|b| b.tag.clone()).unwrap_or_default()
        }
    };
    if let Some(other) = queries::by_tag(conn, &tag)? {
        if before.map(|b| b.id) != Some(other.id) && !tag.is_empty() {
            errors.add("tag", Msg::new("asset-number-taken"));
        }
    }
    let serial = match given(&ch.serial) {
        Some("") => None,
        Some(s) if s.chars().count() > 100 => {
            errors.add("serial", Msg::new("field-too-long").arg("max", 100));
            None
        }
        Some(s) => {
            if let Some(other) = queries::by_serial(conn, s)? {
                if before.map(|b| b.id) != Some(other.id) {
                    errors.add("serial", Msg::new("asset-number-taken"));
                }
            }
            Some(s.to_string())
        }
        None => before.and_then(|b| b.serial.clone()),
    };

    let model_id = resolve_model(conn, before, ch, &mut errors, creating)?;

    let status = match given(&ch.status) {
        Some(s) if !s.is_empty() => match (AssetStatus::parse(s), before) {
            (None, _) => {
                errors.add("status", Msg::new("field-choice"));
                AssetStatus::InStock
            }
            (Some(to), Some(b)) if to != b.status && !b.status.can_become(to) => {
                return Err(AppError::Rule(
                    Msg::new("asset-status-refused")
                        .arg_label("from", "asset-status", b.status)
                        .arg_label("to", "asset-status", to),
                ));
            }
            (Some(to), _) => to,
        },
        _ => before.map(|b| b.status).unwrap_or(AssetStatus::InStock),
    };

    let unit_id = match given(&ch.unit) {
        Some(code) if required(&mut errors, "unit", Some(code)) => {
            match units::by_code(conn, code).optional()? {
                Some(u) => u.id,
                None => {
                    errors.add("unit", Msg::new("field-choice"));
                    UnitId(0)
                }
            }
        }
        _ => {
            required(&mut errors, "unit", None);
            before.map(|b| b.unit_id).unwrap_or(UnitId(0))
        }
    };
    let room_id = match given(&ch.room) {
        Some("") => None,
        Some(r) => match r.parse::<i64>().ok().map(RoomId) {
            Some(room) if units::room_unit(conn, room)? == Some(unit_id) => Some(room),
            _ => {
                errors.add("room", Msg::new("field-room"));
                None
            }
        },
        // Moving to another unit leaves the old unit's room behind.
        None => before
            .filter(|b| b.unit_id == unit_id)
            .and_then(|b| b.room_id),
    };
    let assigned_to = match given(&ch.assigned_to) {
        Some("") => None,
        Some(email) => match users::by_email(conn, email)?.filter(|u| u.active) {
            Some(u) => Some(u.id),
            None => {
                errors.add("assigned_to", Msg::new("asset-person-unknown"));
                None
            }
        },
        None => before.and_then(|b| b.assigned_to),
    };
    // Handing an asset in stock to someone deploys it.
    let status = if assigned_to.is_some()
        && before.and_then(|b| b.assigned_to) != assigned_to
        && status == AssetStatus::InStock
        && given(&ch.status).is_none_or(str::is_empty)
    {
        AssetStatus::Deployed
    } else {
        status
    };

    let mut date_of =
        |field: &str, v: &Option<String>, old: Option<chrono::NaiveDate>| match given(v) {
            Some("") => None,
            Some(s) => values::date(s).or_else(|| {
                errors.add(field, Msg::new("field-date"));
                None
            }),
            None => old,
        };
    let purchase_date = date_of(
        "purchase_date",
        &ch.purchase_date,
        before.and_then(|b| b.purchase_date),
    );
    let warranty_end = date_of(
        "warranty_end",
        &ch.warranty_end,
        before.and_then(|b| b.warranty_end),
    );
    let purchase_cost_cents = match given(&ch.purchase_cost) {
        Some("") => None,
        Some(s) => values::cents(s).or_else(|| {
            errors.add("purchase_cost", Msg::new("field-number"));
            None
        }),
        None => before.and_then(|b| b.purchase_cost_cents),
    };
    let notes = match given(&ch.notes) {
        Some(n) if n.chars().count() > 5000 => {
            errors.add("notes", Msg::new("field-too-long").arg("max", 5000));
            String::new()
        }
        Some(n) => n.to_string(),
        None => before.map(|b| b.notes.clone()).unwrap_or_default(),
    };
    let extra = match &ch.extra {
        Some(m) => Value::Object(m.clone()),
        None => before.map(|b| b.extra.clone()).unwrap_or_else(|| json!({})),
    };
    let loanable = ch
        .loanable
        .unwrap_or_else(|| before.is_some_and(|b| b.loanable));
    errors.into_result()?;
    Ok(AssetFields {
        tag,
        serial,
        model_id,
        status,
        unit_id,
        room_id,
        assigned_to,
        purchase_date,
        purchase_cost_cents,
        warranty_end,
        notes,
        extra,
        loanable,
    })
}

/// The model named by maker and model, created on first use with the given type.
fn resolve_model(
    conn: &mut PgConnection,
    before: Option<&Asset>,
    ch: &AssetChanges,
    errors: &mut FieldErrors,
    creating: bool,
) -> Result<AssetModelId, AppError> {
    let maker = given(&ch.maker).filter(|s| !s.is_empty());
    let name = given(&ch.model).filter(|s| !s.is_empty());
    let type_code = given(&ch.asset_type).filter(|s| !s.is_empty());
    if maker.is_none() && name.is_none() && type_code.is_none() {
        if let Some(b) = before {
            return Ok(b.model_id);
        }
    }
    let current = match before {
        Some(b) => Some(queries::model(conn, b.model_id)?),
        None => None,
    };
    let maker = maker
        .map(str::to_string)
        .or(current.as_ref().map(|m| m.maker.clone()));
    let name = name
        .map(str::to_string)
        .or(current.as_ref().map(|m| m.name.clone()));
    let asset_type = match type_code {
        Some(code) => match queries::types(conn)?.into_iter().find(|t| t.code == code) {
            Some(t) => Some(t.id),
            None => {
                errors.add("type", Msg::new("field-choice"));
                return Ok(AssetModelId(0));
            }
        },
        None => current.as_ref().map(|m| m.type_id),
    };
    let (Some(maker), Some(name)) = (maker, name) else {
        for (field, v) in [("maker", &ch.maker), ("model", &ch.model)] {
            if given(v).is_none_or(str::is_empty) && creating {
                errors.add(field, Msg::new("field-required"));
            }
        }
        return Ok(AssetModelId(0));
    };
    if maker.chars().count() > 100 || name.chars().count() > 200 {
        errors.add("model", Msg::new("field-too-long").arg("max", 100));
        return Ok(AssetModelId(0));
    }
    match queries::model_by_name(conn, &maker, &name)? {
        Some(m) if asset_type.is_some_and(|t| t != m.type_id) && type_code.is_some() => {
            errors.add("type", Msg::new("asset-model-other-type"));
            Ok(m.id)
        }
        Some(m) => Ok(m.id),
        None => match asset_type {
            Some(t) => Ok(queries::insert_model(
                conn,
                &NewModel {
                    type_id: t,
                    maker: &maker,
                    name: &name,
                },
            )?
            .id),
            None => {
                errors.add("type", Msg::new("field-required"));
                Ok(AssetModelId(0))
            }
        },
    }
}

/// The history entries a change leaves: one per kind of change.
fn history_of_change(
    b: &Asset,
    a: &AssetFields,
    actor: UserId,
    request: Option<RequestId>,
    note: Option<&str>,
) -> Vec<NewAssetEvent> {
    let event = |kind, data| NewAssetEvent {
        asset_id: b.id,
        kind,
        actor_id: Some(actor),
        request_id: request,
        data,
    };
    let mut out = Vec::new();
    if a.status != b.status {
        out.push(event(
            AssetEventKind::StatusChanged,
            json!({"from": b.status, "to": a.status, "note": note.unwrap_or("")}),
        ));
    }
    if a.unit_id != b.unit_id || a.room_id != b.room_id {
        out.push(event(
            AssetEventKind::Moved,
            json!({"from_unit": b.unit_id, "to_unit": a.unit_id, "from_room": b.room_id, "to_room": a.room_id}),
        ));
    }
    if a.assigned_to != b.assigned_to {
        out.push(event(
            AssetEventKind::Assigned,
            json!({"from": b.assigned_to, "to": a.assigned_to}),
        ));
    }
    let mut fields = Vec::new();
    let old = AssetFields::of(b);
    for (name, changed) in [
        ("tag", a.tag != old.tag),
        ("serial", a.serial != old.serial),
        ("model", a.model_id != old.model_id),
        ("purchase_date", a.purchase_date != old.purchase_date),
        (
            "purchase_cost",
            a.purchase_cost_cents != old.purchase_cost_cents,
        ),
        ("warranty_end", a.warranty_end != old.warranty_end),
        ("notes", a.notes != old.notes),
        ("extra", a.extra != old.extra),
        ("loanable", a.loanable != old.loanable),
    ] {
        if changed {
            fields.push(name);
        }
    }
    if !fields.is_empty() {
        out.push(event(AssetEventKind::Updated, json!({"fields": fields})));
    }
    out
}

// --- reading ---

/// The asset with that inventory number, if this person may see it.
pub fn readable(conn: &mut PgConnection, user: &CurrentUser, tag: &str) -> Result<Asset, AppError> {
    let asset = queries::by_tag(conn, tag)?.ok_or(AppError::NotFound)?;
    if !user.asset_scope().allows(asset.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(asset)
}

/// The asset as pages and the API show it. Showing whom it is assigned to is a read of personal
/// information, recorded in the access log.
pub fn view(
    conn: &mut PgConnection,
    user: &CurrentUser,
    tag: &str,
    locale: Locale,
) -> Result<AssetView, AppError> {
    let asset = readable(conn, user, tag)?;
    view_of(conn, user, &asset, locale)
}

/// `view` of an asset already found readable.
pub fn view_of(
    conn: &mut PgConnection,
    user: &CurrentUser,
    asset: &Asset,
    locale: Locale,
) -> Result<AssetView, AppError> {
    let mut v = views(conn, vec![asset.clone()], locale)?
        .pop()
        .ok_or(AppError::NotFound)?;
    if let Some(p) = asset.assigned_to {
        let person = users::find(conn, p)?;
        v.assigned_to = Some(PersonRef {
            email: person.email,
            name: person.display_name,
        });
        audit::record(
            conn,
            &user.origin(),
            "asset.read",
            "user",
            p,
            json!({"asset": asset.tag}),
        )?;
    }
    Ok(v)
}

/// Views of several assets (without the assigned person).
pub fn views(
    conn: &mut PgConnection,
    assets: Vec<Asset>,
    locale: Locale,
) -> Result<Vec<AssetView>, AppError> {
    let ids: Vec<_> = assets.iter().map(|a| a.id).collect();
    let rows = queries::rows_of(conn, &ids)?;
    Ok(rows.into_iter().map(|r| row_view(&r, locale)).collect())
}

pub fn row_view(r: &AssetRow, locale: Locale) -> AssetView {
    let a = &r.asset;
    AssetView {
        tag: a.tag.clone(),
        serial: a.serial.clone(),
        type_code: r.type_code.clone(),
        type_name: locale.pick(&r.type_fr, &r.type_en).to_string(),
        maker: r.maker.clone(),
        model: r.model.clone(),
        status: a.status.code().to_string(),
        status_label: status_label(locale, a.status),
        unit: r.unit_code.clone(),
        unit_name: locale.pick(&r.unit_fr, &r.unit_en).to_string(),
        room_id: a.room_id.map(|r| r.0),
        room: match (&r.building, &r.room_code) {
            (Some(b), Some(c)) => Some(units::label(b, c, r.room_name.as_deref().unwrap_or(""))),
            _ => None,
        },
        assigned_to: None,
        purchase_date: a.purchase_date,
        purchase_cost_cents: a.purchase_cost_cents,
        warranty_end: a.warranty_end,
        notes: a.notes.clone(),
        extra: a.extra.clone(),
        loanable: a.loanable,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

pub fn status_label(locale: Locale, s: AssetStatus) -> String {
    i18n::tr(locale, "asset-status", &[("code".into(), s.code().into())])
}

/// The history, newest first, as sentences.
pub fn history(
    conn: &mut PgConnection,
    user: &CurrentUser,
    tag: &str,
    locale: Locale,
) -> Result<Vec<AssetEventView>, AppError> {
    let asset = readable(conn, user, tag)?;
    history_of(conn, &asset, locale)
}

/// `history` of an asset already found readable.
pub fn history_of(
    conn: &mut PgConnection,
    asset: &Asset,
    locale: Locale,
) -> Result<Vec<AssetEventView>, AppError> {
    let events = queries::events(conn, asset.id)?;
    let mut people = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let mut name_of =
            |conn: &mut PgConnection, id: Option<UserId>| -> Result<String, AppError> {
                let Some(id) = id else {
                    return Ok("—".into());
                };
                if let Some(n) = people.get(&id) {
                    return Ok(Clone::clone(n));
                }
                let n = users::find(conn, id)?.display_name;
                people.insert(id, n.clone());
                Ok(n)
            };
        let actor = match e.actor_id {
            Some(id) => Some(name_of(conn, Some(id))?),
            None => None,
        };
        let request = match e.request_id {
            Some(r) => Some(
                crate::requests::model::RequestNumber(crate::requests::queries::number_of(
                    conn, r,
                )?)
                .to_string(),
            ),
            None => None,
        };
        let status = |k: &str| {
            status_label(
                locale,
                e.data[k]
                    .as_str()
                    .and_then(AssetStatus::parse)
                    .unwrap_or(AssetStatus::InStock),
            )
        };
        let mut args: Vec<(String, String)> = vec![("kind".into(), e.kind.code().into())];
        match e.kind {
            AssetEventKind::StatusChanged | AssetEventKind::Created => {
                args.push(("from".into(), status("from")));
                args.push((
                    "to".into(),
                    status(if e.kind == AssetEventKind::Created {
                        "status"
                    } else {
                        "to"
                    }),
                ));
            }
            AssetEventKind::Assigned => {
                let to = e.data["to"].as_i64().map(UserId);
                args.push(("who".into(), name_of(conn, to)?));
            }
            AssetEventKind::Moved => {
                let unit = e.data["to_unit"]
                    .as_i64()
                    .map(UnitId)
                    .unwrap_or(asset.unit_id);
                let u = units::find(conn, unit)?;
                args.push((
                    "name".into(),
                    locale.pick(&u.name_fr, &u.name_en).to_string(),
                ));
            }
            _ => {}
        }
        args.push(("label".into(), request.clone().unwrap_or_default()));
        let mut text = i18n::tr(locale, "asset-event", &args);
        if let Some(note) = e.data["note"].as_str().filter(|n| !n.is_empty()) {
            text = format!("{text} — {note}");
        }
        out.push(AssetEventView {
            kind: e.kind.code().to_string(),
            text,
            actor,
            request,
            data: e.data,
            at: e.created_at,
        });
    }
    Ok(out)
}

// --- requests ---

/// The assets linked to a request (its page has checked the reader may read it), with the statuses a repair moves them
/// to (for those who manage the inventory).
pub fn request_section(
    conn: &mut PgConnection,
    _reader: &CurrentUser,
    of: &crate::requests::model::SectionOf,
    locale: Locale,
) -> Result<Value, AppError> {
    let assets = queries::of_request(conn, of.id)?;
    let views = views(conn, assets.clone(), locale)?;
    Ok(assets
        .iter()
        .zip(views)
        .map(|(a, v)| {
            let repair = [
                AssetStatus::InRepair,
                AssetStatus::InStock,
                AssetStatus::Deployed,
            ]
            .into_iter()
            .filter(|s| a.status.can_become(*s))
            .filter(|s| (a.status == AssetStatus::InRepair) != (*s == AssetStatus::InRepair))
            .map(|s| json!({"value": s.code(), "label": status_label(locale, s)}))
            .collect::<Vec<_>>();
            json!({"view": v, "next": repair})
        })
        .collect::<Vec<_>>()
        .into())
}

/// The asset a request form names (by inventory number) for a request of `unit`: it must be one
/// of the unit's assets and not retired.
pub fn for_request_field(
    conn: &mut PgConnection,
    unit: UnitId,
    tag: &str,
) -> Result<Option<Asset>, AppError> {
    Ok(queries::by_tag(conn, tag)?
        .filter(|a| a.unit_id == unit && a.status != AssetStatus::Retired))
}

/// Links a request to an asset, in the request's transaction, with a history entry on the asset.
pub fn link_request(
    conn: &mut PgConnection,
    actor: UserId,
    request: RequestId,
    asset: &Asset,
) -> Result<(), AppError> {
    if queries::link_request(conn, request, asset.id)? {
        queries::insert_events(
            conn,
            &[NewAssetEvent {
                asset_id: asset.id,
                kind: AssetEventKind::RequestLinked,
                actor_id: Some(actor),
                request_id: Some(request),
                data: json!({}),
            }],
        )?;
    }
    Ok(())
}

// --- lists ---

/// List parameters as they arrive from a page or the API.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssetListParams {
    /// Asset type code.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub asset_type: Option<String>,
    /// Status code.
    pub status: Option<String>,
    /// Unit code.
    pub unit: Option<String>,
    /// Building id.
    pub building: Option<String>,
    /// Words in the inventory number, serial number, notes, maker or model.
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 200.
    pub limit: Option<i64>,
}

/// One page of the assets this person may see; the cursor of the next page, if any.
pub fn list(
    conn: &mut PgConnection,
    user: &CurrentUser,
    p: &AssetListParams,
    default_limit: i64,
) -> Result<(Vec<AssetRow>, Option<String>), AppError> {
    let scope = user.asset_scope();
    forbid_unless(scope.sees_any())?;
    let mut errors = FieldErrors::default();
    let some = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut q = queries::AssetQuery {
        units: match scope {
            crate::auth::AssetScope::All => None,
            crate::auth::AssetScope::Units(u) => Some(u),
        },
        text: some(&p.q),
        after: some(&p.cursor).map(|c| c.to_uppercase()),
        limit: p.limit.unwrap_or(default_limit),
        ..Default::default()
    };
    if !(1..=200).contains(&q.limit) {
        errors.add("limit", Msg::new("field-max").arg("max", 200));
    }
    if let Some(t) = some(&p.asset_type) {
        match queries::types(conn)?.into_iter().find(|x| x.code == t) {
            Some(x) => q.asset_type = Some(x.id),
            None => errors.add("type", Msg::new("field-choice")),
        }
    }
    if let Some(s) = some(&p.status) {
        q.status = AssetStatus::parse(&s);
        if q.status.is_none() {
            errors.add("status", Msg::new("field-choice"));
        }
    }
    if let Some(u) = some(&p.unit) {
        match units::by_code(conn, &u).optional()? {
            Some(x) => q.unit = Some(x.id),
            None => errors.add("unit", Msg::new("field-choice")),
        }
    }
    if let Some(b) = some(&p.building) {
        match b.parse::<i64>() {
            Ok(id) => q.building = Some(crate::db::BuildingId(id)),
            Err(_) => errors.add("building", Msg::new("field-choice")),
        }
    }
    errors.into_result()?;
    let (rows, more) = queries::list(conn, &q)?;
    let next = if more {
        rows.last().map(|r| r.asset.tag.clone())
    } else {
        None
    };
    Ok((rows, next))
}

// --- types (administration) ---

/// An asset type as administrators edit it: its names and its loan rules.
#[derive(Debug, Clone, Default, Deserialize, validator::Validate)]
pub struct TypeInput {
    #[validate(regex(path = *crate::units::service::CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_fr: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_en: String,
    /// The longest loan, in days (1 to 400).
    #[serde(default)]
    pub max_loan_days: String,
    pub loan_needs_approval: Option<String>,
    pub active: Option<String>,
}

/// Creates (`id: None`) or changes an asset type; the code is fixed once created.
pub fn save_type(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: Option<crate::db::AssetTypeId>,
    input: TypeInput,
) -> Result<crate::db::AssetTypeId, AppError> {
    use validator::Validate;
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let skip: &[&str] = if id.is_some() { &["code"] } else { &[] };
    let mut errors = FieldErrors::from_validation(input.validate(), skip);
    let days = input
        .max_loan_days
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (1..=400).contains(d));
    if days.is_none() {
        errors.add("max_loan_days", Msg::new("field-max").arg("max", 400));
    }
    errors.into_result()?;
    let row = queries::TypeRow {
        name_fr: input.name_fr.trim().to_string(),
        name_en: input.name_en.trim().to_string(),
        max_loan_days: days.unwrap_or(30),
        loan_needs_approval: input.loan_needs_approval.is_some(),
        active: input.active.is_some() || id.is_none(),
    };
    conn.transaction(|conn| {
        let id = match id {
            Some(id) => {
                queries::update_type(conn, id, &row)?;
                id
            }
            None => queries::insert_type(conn, input.code.trim(), &row)
                .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?,
        };
        audit::record(
            conn,
            &user.origin(),
            "asset_type.save",
            "asset_type",
            id,
            json!({"name_fr": row.name_fr, "max_loan_days": row.max_loan_days,
                   "loan_needs_approval": row.loan_needs_approval, "active": row.active}),
        )?;
        Ok(id)
    })
}
