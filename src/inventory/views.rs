//! Assets as pages and the API show them: one asset (with the read of whom it is assigned to
//! recorded), its history as sentences, the assets of a request, and the lists.

use super::model::*;
use super::queries::{self, AssetRow};
use super::service::forbid_unless;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::units::queries as units;
use crate::users::queries as users;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

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

/// An asset as a request form offers it: its inventory number, and « maker model — room ».
pub fn choice(r: &AssetRow, locale: Locale) -> (String, String) {
    let v = row_view(r, locale);
    let place = v.room.map(|r| format!(" — {r}")).unwrap_or_default();
    (v.tag, format!("{} {}{place}", v.maker, v.model))
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
        let request = e
            .request_id
            .map(|r| crate::requests::queries::label_of(conn, r))
            .transpose()?;
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
