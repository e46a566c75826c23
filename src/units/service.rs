//! Rules for administrative units: codes are unique and never change; units are deactivated,
//! never deleted (requests refer to them).

use super::model::{UnitForm, UnitKind};
use super::queries;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::UnitId;
use crate::error::{AppError, FieldErrors, Msg};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use validator::Validate;

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct UnitInput {
    #[validate(regex(path = *CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_fr: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_en: String,
    pub kind: String,
    #[serde(default)]
    pub parent: String,
    #[serde(default)]
    pub active: Option<String>,
}

pub static CODE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[a-z0-9][a-z0-9_-]{1,39}$").unwrap_or_else(|_| unreachable!())
});

fn to_form(input: &UnitInput, code: String) -> Result<UnitForm, AppError> {
    let kind = UnitKind::parse(&input.kind)
        .ok_or_else(|| AppError::Invalid(FieldErrors::single("kind", Msg::new("field-choice"))))?;
    let parent_id = match input.parent.trim() {
        "" => None,
        p => Some(UnitId(p.parse().map_err(|_| {
            AppError::Invalid(FieldErrors::single("parent", Msg::new("field-choice")))
        })?)),
    };
    Ok(UnitForm {
        code,
        name_fr: input.name_fr.trim().to_string(),
        name_en: input.name_en.trim().to_string(),
        kind,
        parent_id,
        active: input.active.is_some(),
    })
}

/// Creates a unit; a code already used is refused by name.
pub fn create(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: UnitInput,
) -> Result<UnitId, AppError> {
    input.validate()?;
    let form = to_form(&input, input.code.trim().to_string())?;
    conn.transaction(|conn| {
        let unit = queries::insert(conn, &form)
            .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?;
        audit::record(
            conn,
            &actor.origin(),
            "unit.create",
            "unit",
            unit.id,
            json!({ "code": unit.code }),
        )?;
        Ok(unit.id)
    })
}

/// Updates names, kind, parent and whether the unit is active (the code stays).
pub fn update(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: UnitId,
    input: UnitInput,
) -> Result<(), AppError> {
    let errors = FieldErrors::from_validation(input.validate(), &["code"]);
    errors.into_result()?;
    conn.transaction(|conn| {
        let before = queries::find(conn, id)?;
        let form = to_form(&input, before.code.clone())?;
        if form.parent_id == Some(id) {
            return Err(AppError::Invalid(FieldErrors::single("parent", Msg::new("field-choice"))));
        }
        let after = queries::update(conn, id, &form)?;
        audit::record(
            conn,
            &actor.origin(),
            "unit.update",
            "unit",
            id,
            json!({ "before": { "name_fr": before.name_fr, "name_en": before.name_en, "kind": before.kind, "active": before.active },
                    "after": { "name_fr": after.name_fr, "name_en": after.name_en, "kind": after.kind, "active": after.active } }),
        )?;
        Ok(())
    })
}

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct RoomInput {
    #[validate(length(min = 1, max = 100, code = "field-length"))]
    pub building: String,
    #[validate(length(min = 1, max = 40, code = "field-length"))]
    pub room: String,
    #[validate(length(max = 100, code = "field-too-long"))]
    #[serde(default)]
    pub room_name: String,
}

/// Adds a room to a unit, in the named building (created when the unit has none by that name).
pub fn add_room(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    unit: UnitId,
    input: RoomInput,
) -> Result<(), AppError> {
    input.validate()?;
    conn.transaction(|conn| {
        queries::find(conn, unit)?;
        let name = input.building.trim();
        let building = match queries::building_by_name(conn, unit, name)? {
            Some(b) => b,
            None => {
                let taken = queries::building_codes(conn, unit)?;
                let code = format!("immeuble-{}", taken.len() + 1);
                queries::insert_building(
                    conn,
                    &super::model::NewBuilding {
                        unit_id: unit,
                        code,
                        name: name.to_string(),
                        address: String::new(),
                    },
                )?
            }
        };
        let room = queries::insert_room(
            conn,
            &super::model::NewRoom {
                building_id: building,
                code: input.room.trim().to_string(),
                name: input.room_name.trim().to_string(),
            },
        )
        .map_err(|e| AppError::taken(e, "room", "field-room-taken"))?;
        audit::record(
            conn,
            &actor.origin(),
            "unit.room_add",
            "unit",
            unit,
            json!({ "room_id": room, "building": name, "room": input.room.trim() }),
        )?;
        Ok(())
    })
}

/// Takes a room out of the choices; requests that named it keep it.
pub fn deactivate_room(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    unit: UnitId,
    room: crate::db::RoomId,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        if queries::set_room_active(conn, unit, room, false)? == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &actor.origin(),
            "unit.room_deactivate",
            "unit",
            unit,
            json!({ "room_id": room }),
        )?;
        Ok(())
    })
}
