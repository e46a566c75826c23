use crate::code_enum;
use crate::db::schema::{buildings, rooms, units};
use crate::db::{BuildingId, RoomId, UnitId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

code_enum!(UnitKind {
    School => "school",
    VocationalCentre => "vocational_centre",
    AdultCentre => "adult_centre",
    Service => "service",
    GeneralDirection => "general_direction",
});

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = units)]
pub struct Unit {
    pub id: UnitId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = units)]
pub struct UnitForm {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = buildings)]
pub struct Building {
    pub id: BuildingId,
    pub unit_id: UnitId,
    pub code: String,
    pub name: String,
    pub address: String,
    pub active: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = buildings)]
pub struct NewBuilding {
    pub unit_id: UnitId,
    pub code: String,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = rooms)]
pub struct Room {
    pub id: RoomId,
    pub building_id: BuildingId,
    pub code: String,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = rooms)]
pub struct NewRoom {
    pub building_id: BuildingId,
    pub code: String,
    pub name: String,
}

/// A room as offered in a form: « Immeuble principal — local 204 ».
#[derive(Debug, Clone, Serialize)]
pub struct RoomChoice {
    pub id: RoomId,
    pub unit_id: UnitId,
    pub label: String,
}
