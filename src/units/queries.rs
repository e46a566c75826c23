use super::model::*;
use crate::db::schema::{buildings, rooms, units};
use crate::db::{BuildingId, RoomId, UnitId};
use diesel::prelude::*;

pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<Unit>> {
    units::table
        .order(units::name_fr)
        .select(Unit::as_select())
        .load(conn)
}

pub fn by_ids(conn: &mut PgConnection, ids: &[UnitId]) -> QueryResult<Vec<Unit>> {
    units::table
        .filter(units::id.eq_any(ids))
        .order(units::name_fr)
        .select(Unit::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: UnitId) -> QueryResult<Unit> {
    units::table.find(id).select(Unit::as_select()).first(conn)
}

pub fn by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Unit> {
    units::table
        .filter(units::code.eq(code))
        .select(Unit::as_select())
        .first(conn)
}

pub fn insert(conn: &mut PgConnection, form: &UnitForm) -> QueryResult<Unit> {
    diesel::insert_into(units::table)
        .values(form)
        .returning(Unit::as_returning())
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: UnitId, form: &UnitForm) -> QueryResult<Unit> {
    diesel::update(units::table.find(id))
        .set((form, units::updated_at.eq(diesel::dsl::now)))
        .returning(Unit::as_returning())
        .get_result(conn)
}

pub fn insert_building(conn: &mut PgConnection, b: &NewBuilding) -> QueryResult<BuildingId> {
    diesel::insert_into(buildings::table)
        .values(b)
        .returning(buildings::id)
        .get_result(conn)
}

pub fn insert_room(conn: &mut PgConnection, r: &NewRoom) -> QueryResult<RoomId> {
    diesel::insert_into(rooms::table)
        .values(r)
        .returning(rooms::id)
        .get_result(conn)
}

/// Active rooms of the given units, labelled with their building.
pub fn room_choices(conn: &mut PgConnection, unit_ids: &[UnitId]) -> QueryResult<Vec<RoomChoice>> {
    let rows: Vec<(RoomId, UnitId, String, String, String)> = rooms::table
        .inner_join(buildings::table)
        .filter(buildings::unit_id.eq_any(unit_ids))
        .filter(rooms::active.eq(true))
        .filter(buildings::active.eq(true))
        .order((buildings::name, rooms::code))
        .select((
            rooms::id,
            buildings::unit_id,
            buildings::name,
            rooms::code,
            rooms::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, unit_id, building, code, name)| RoomChoice {
            id,
            unit_id,
            label: label(&building, &code, &name),
        })
        .collect())
}

/// The unit a room belongs to, if the room exists and is active.
pub fn room_unit(conn: &mut PgConnection, room: RoomId) -> QueryResult<Option<UnitId>> {
    rooms::table
        .inner_join(buildings::table)
        .filter(rooms::id.eq(room))
        .filter(rooms::active.eq(true))
        .select(buildings::unit_id)
        .first(conn)
        .optional()
}

/// « Immeuble principal — local 204 (Bibliothèque) »
pub fn label(building: &str, code: &str, name: &str) -> String {
    if name.is_empty() {
        format!("{building} — {code}")
    } else {
        format!("{building} — {code} ({name})")
    }
}

/// Labels of several rooms in one query.
pub fn room_labels(
    conn: &mut PgConnection,
    ids: &[RoomId],
) -> QueryResult<std::collections::HashMap<RoomId, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(RoomId, String, String, String)> = rooms::table
        .inner_join(buildings::table)
        .filter(rooms::id.eq_any(ids))
        .select((rooms::id, buildings::name, rooms::code, rooms::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, b, c, n)| (id, label(&b, &c, &n)))
        .collect())
}

pub fn building_by_name(
    conn: &mut PgConnection,
    unit: UnitId,
    name: &str,
) -> QueryResult<Option<BuildingId>> {
    buildings::table
        .filter(buildings::unit_id.eq(unit))
        .filter(buildings::name.eq(name))
        .select(buildings::id)
        .first(conn)
        .optional()
}

/// The active buildings of these units, labelled « unit code — building ».
pub fn buildings_of(
    conn: &mut PgConnection,
    unit_ids: &[UnitId],
) -> QueryResult<Vec<(BuildingId, String)>> {
    let rows: Vec<(BuildingId, String, String)> = buildings::table
        .inner_join(units::table)
        .filter(buildings::unit_id.eq_any(unit_ids))
        .filter(buildings::active)
        .order((units::code, buildings::name))
        .select((buildings::id, units::code, buildings::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, unit, name)| (id, format!("{unit} — {name}")))
        .collect())
}

pub fn building_codes(conn: &mut PgConnection, unit: UnitId) -> QueryResult<Vec<String>> {
    buildings::table
        .filter(buildings::unit_id.eq(unit))
        .select(buildings::code)
        .load(conn)
}

pub fn set_room_active(
    conn: &mut PgConnection,
    unit: UnitId,
    room: RoomId,
    active: bool,
) -> QueryResult<usize> {
    let in_unit = buildings::table
        .filter(buildings::unit_id.eq(unit))
        .select(buildings::id);
    diesel::update(
        rooms::table
            .filter(rooms::id.eq(room))
            .filter(rooms::building_id.eq_any(in_unit)),
    )
    .set(rooms::active.eq(active))
    .execute(conn)
}

/// A unit's main building (its first active one): its name and address.
pub fn main_building(
    conn: &mut PgConnection,
    unit: UnitId,
) -> QueryResult<Option<(String, String)>> {
    buildings::table
        .filter(buildings::unit_id.eq(unit))
        .filter(buildings::active)
        .order(buildings::id)
        .select((buildings::name, buildings::address))
        .first(conn)
        .optional()
}
