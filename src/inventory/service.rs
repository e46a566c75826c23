//! The rules of the inventory: who may read and change equipment, how an asset is created and
//! changed (one function for the web, the API and the quick actions, so each change leaves its
//! history entry and audit row the same way), and how requests link to assets.

use super::model::*;
use super::queries;
use super::values;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{AssetModelId, RequestId, RoomId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
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

pub(super) fn forbid_unless(ok: bool) -> Result<(), AppError> {
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
