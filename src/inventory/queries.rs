//! All SQL of the inventory. Visibility comes from `auth::AssetScope`, applied by the callers
//! through `AssetQuery::units`.

use super::model::*;
use crate::db::schema::{
    asset_events, asset_models, asset_types, assets, buildings, request_assets, rooms, units, users,
};
use crate::db::{
    AssetId, AssetModelId, AssetTypeId, BuildingId, RequestId, RoomId, UnitId, UserId,
};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

pub fn types(conn: &mut PgConnection) -> QueryResult<Vec<AssetType>> {
    asset_types::table
        .order(asset_types::name_fr)
        .select(AssetType::as_select())
        .load(conn)
}

pub fn models(conn: &mut PgConnection) -> QueryResult<Vec<AssetModel>> {
    asset_models::table
        .order((asset_models::maker, asset_models::name))
        .select(AssetModel::as_select())
        .load(conn)
}

pub fn model(conn: &mut PgConnection, id: AssetModelId) -> QueryResult<AssetModel> {
    asset_models::table
        .find(id)
        .select(AssetModel::as_select())
        .first(conn)
}

/// The model with that maker and name, whatever the case.
pub fn model_by_name(
    conn: &mut PgConnection,
    maker: &str,
    name: &str,
) -> QueryResult<Option<AssetModel>> {
    asset_models::table
        .filter(
            sql::<Bool>("lower(maker) = lower(")
                .bind::<Text, _>(maker)
                .sql(")"),
        )
        .filter(
            sql::<Bool>("lower(name) = lower(")
                .bind::<Text, _>(name)
                .sql(")"),
        )
        .select(AssetModel::as_select())
        .first(conn)
        .optional()
}

pub fn insert_model(conn: &mut PgConnection, m: &NewModel) -> QueryResult<AssetModel> {
    diesel::insert_into(asset_models::table)
        .values(m)
        .returning(AssetModel::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: AssetId) -> QueryResult<Asset> {
    assets::table
        .find(id)
        .select(Asset::as_select())
        .first(conn)
}

/// The asset with that inventory number, whatever the case.
pub fn by_tag(conn: &mut PgConnection, tag: &str) -> QueryResult<Option<Asset>> {
    assets::table
        .filter(
            sql::<Bool>("upper(tag) = upper(")
                .bind::<Text, _>(tag)
                .sql(")"),
        )
        .select(Asset::as_select())
        .first(conn)
        .optional()
}

pub fn by_tag_for_update(conn: &mut PgConnection, tag: &str) -> QueryResult<Option<Asset>> {
    assets::table
        .filter(
            sql::<Bool>("upper(tag) = upper(")
                .bind::<Text, _>(tag)
                .sql(")"),
        )
        .for_update()
        .select(Asset::as_select())
        .first(conn)
        .optional()
}

pub fn by_serial(conn: &mut PgConnection, serial: &str) -> QueryResult<Option<Asset>> {
    assets::table
        .filter(
            sql::<Bool>("upper(serial) = upper(")
                .bind::<Text, _>(serial)
                .sql(")"),
        )
        .select(Asset::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, a: &AssetFields) -> QueryResult<Asset> {
    diesel::insert_into(assets::table)
        .values(a)
        .returning(Asset::as_returning())
        .get_result(conn)
}

/// Inserts many assets at once (imports); returns their ids in the order given.
pub fn insert_many(conn: &mut PgConnection, rows: &[AssetFields]) -> QueryResult<Vec<AssetId>> {
    diesel::insert_into(assets::table)
        .values(rows)
        .returning(assets::id)
        .get_results(conn)
}

pub fn update(conn: &mut PgConnection, id: AssetId, a: &AssetFields) -> QueryResult<Asset> {
    diesel::update(assets::table.find(id))
        .set((
            assets::tag.eq(&a.tag),
            assets::serial.eq(&a.serial),
            assets::model_id.eq(a.model_id),
            assets::status.eq(a.status),
            assets::unit_id.eq(a.unit_id),
            assets::room_id.eq(a.room_id),
            assets::assigned_to.eq(a.assigned_to),
            assets::purchase_date.eq(a.purchase_date),
            assets::purchase_cost_cents.eq(a.purchase_cost_cents),
            assets::warranty_end.eq(a.warranty_end),
            assets::notes.eq(&a.notes),
            assets::extra.eq(&a.extra),
            assets::loanable.eq(a.loanable),
            assets::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Asset::as_returning())
        .get_result(conn)
}

pub fn insert_events(conn: &mut PgConnection, e: &[NewAssetEvent]) -> QueryResult<usize> {
    diesel::insert_into(asset_events::table)
        .values(e)
        .execute(conn)
}

pub fn events(conn: &mut PgConnection, asset: AssetId) -> QueryResult<Vec<AssetEvent>> {
    asset_events::table
        .filter(asset_events::asset_id.eq(asset))
        .order(asset_events::id.desc())
        .select(AssetEvent::as_select())
        .load(conn)
}

/// Links a request to an asset; false when they were already linked.
pub fn link_request(
    conn: &mut PgConnection,
    request: RequestId,
    asset: AssetId,
) -> QueryResult<bool> {
    diesel::insert_into(request_assets::table)
        .values((
            request_assets::request_id.eq(request),
            request_assets::asset_id.eq(asset),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|n| n == 1)
}

/// The assets linked to a request.
pub fn of_request(conn: &mut PgConnection, request: RequestId) -> QueryResult<Vec<Asset>> {
    assets::table
        .inner_join(request_assets::table)
        .filter(request_assets::request_id.eq(request))
        .order(assets::tag)
        .select(Asset::as_select())
        .load(conn)
}

// --- lists ---

#[derive(Debug, Clone, Default)]
pub struct AssetQuery {
    /// Only these assets.
    pub ids: Option<Vec<AssetId>>,
    /// Limits to these units (the reader's scope), when given.
    pub units: Option<Vec<UnitId>>,
    pub unit: Option<UnitId>,
    pub asset_type: Option<AssetTypeId>,
    pub model: Option<AssetModelId>,
    pub status: Option<AssetStatus>,
    pub building: Option<BuildingId>,
    /// Words found in the inventory number, serial number, notes, maker or model.
    pub text: Option<String>,
    /// The inventory number (upper case) after which the page starts.
    pub after: Option<String>,
    pub limit: i64,
}

/// An asset with the names a list shows.
#[derive(Debug, Clone, Queryable)]
pub struct AssetRow {
    pub asset: Asset,
    pub type_code: String,
    pub type_fr: String,
    pub type_en: String,
    pub maker: String,
    pub model: String,
    pub unit_code: String,
    pub unit_fr: String,
    pub unit_en: String,
    pub building: Option<String>,
    pub room_code: Option<String>,
    pub room_name: Option<String>,
}

fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One page, by inventory number; returns the rows and whether more follow.
///
/// The page is chosen on `assets` alone (every filter is one of its columns once the type and
/// the words' models are resolved), then its rows are joined to their names: joining before
/// the limit would join every match of a search (2,000 of 100,000 assets) to keep 50.
pub fn list(conn: &mut PgConnection, q: &AssetQuery) -> QueryResult<(Vec<AssetRow>, bool)> {
    let mut query = assets::table.select(assets::id).into_boxed();
    if let Some(units) = &q.units {
        query = query.filter(assets::unit_id.eq_any(units.clone()));
    }
    if let Some(ids) = &q.ids {
        query = query.filter(assets::id.eq_any(ids.clone()));
    }
    if let Some(u) = q.unit {
        query = query.filter(assets::unit_id.eq(u));
    }
    if let Some(t) = q.asset_type {
        // The type's models named first (a small table): PostgreSQL then knows how many assets
        // match and walks the inventory-number index instead of sorting every match (35 ms
        // against 2 ms for a type's stock among 100,000 assets).
        let models: Vec<AssetModelId> = asset_models::table
            .filter(asset_models::type_id.eq(t))
            .select(asset_models::id)
            .load(conn)?;
        query = query.filter(assets::model_id.eq_any(models));
    }
    if let Some(m) = q.model {
        query = query.filter(assets::model_id.eq(m));
    }
    if let Some(s) = q.status {
        query = query.filter(assets::status.eq(s));
    }
    if let Some(b) = q.building {
        query = query.filter(
            sql::<Bool>("assets.room_id IN (SELECT id FROM rooms WHERE building_id = ")
                .bind::<diesel::sql_types::Int8, _>(b.0)
                .sql(")"),
        );
    }
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if let Some(text) = text {
        let pattern = like_pattern(text);
        // The models named first (a small table), so that the search is one indexed condition
        // on assets: trigrams on the asset's text, or its model (PostgreSQL combines both).
        let models: Vec<AssetModelId> = asset_models::table
            .filter(
                sql::<Bool>("lower(maker || ' ' || name) LIKE ").bind::<Text, _>(pattern.clone()),
            )
            .select(asset_models::id)
            .load(conn)?;
        let by_text = sql::<Bool>("assets.search_text LIKE ").bind::<Text, _>(pattern);
        if models.is_empty() {
            query = query.filter(by_text);
        } else {
            query = query.filter(by_text.or(assets::model_id.eq_any(models)));
        }
    }
    if let Some(after) = &q.after {
        query = query.filter(sql::<Bool>("upper(assets.tag) > ").bind::<Text, _>(after.clone()));
    }
    // With words to find, the matches come from the trigram index and are sorted after: walking
    // the inventory-number index would read every asset before the first match when the matches
    // sort late (`|| ''` keeps the planner off that index).
    let order = if text.is_some() {
        "upper(assets.tag) || ''"
    } else {
        "upper(assets.tag)"
    };
    let mut ids: Vec<AssetId> = query
        .order(sql::<Text>(order))
        .limit(q.limit + 1)
        .load(conn)?;
    let more = ids.len() as i64 > q.limit;
    ids.truncate(q.limit as usize);
    Ok((rows_of(conn, &ids)?, more))
}

/// Several assets with their names, by inventory number.
pub fn rows_of(conn: &mut PgConnection, ids: &[AssetId]) -> QueryResult<Vec<AssetRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    assets::table
        .inner_join(asset_models::table.inner_join(asset_types::table))
        .inner_join(units::table)
        .left_join(rooms::table.inner_join(buildings::table))
        .filter(assets::id.eq_any(ids))
        .select((
            Asset::as_select(),
            asset_types::code,
            asset_types::name_fr,
            asset_types::name_en,
            asset_models::maker,
            asset_models::name,
            units::code,
            units::name_fr,
            units::name_en,
            buildings::name.nullable(),
            rooms::code.nullable(),
            rooms::name.nullable(),
        ))
        .order(sql::<Text>("upper(assets.tag)"))
        .load(conn)
}

/// The assets of these units, for a request form's picker: inventory number, model and room.
pub fn choices(conn: &mut PgConnection, units: &[UnitId]) -> QueryResult<Vec<AssetRow>> {
    let q = AssetQuery {
        units: Some(units.to_vec()),
        limit: 2000,
        ..Default::default()
    };
    let (rows, _) = list(conn, &q)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.asset.status != AssetStatus::Retired)
        .collect())
}

/// Sets an asset's status (callers check the lifecycle and write the history).
pub fn set_status(conn: &mut PgConnection, id: AssetId, status: AssetStatus) -> QueryResult<usize> {
    diesel::update(assets::table.find(id))
        .set((
            assets::status.eq(status),
            assets::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

/// The editable columns of an asset type.
pub struct TypeRow {
    pub name_fr: String,
    pub name_en: String,
    pub max_loan_days: i32,
    pub loan_needs_approval: bool,
    pub active: bool,
}

pub fn insert_type(conn: &mut PgConnection, code: &str, t: &TypeRow) -> QueryResult<AssetTypeId> {
    diesel::insert_into(asset_types::table)
        .values((
            asset_types::code.eq(code),
            asset_types::name_fr.eq(&t.name_fr),
            asset_types::name_en.eq(&t.name_en),
            asset_types::max_loan_days.eq(t.max_loan_days),
            asset_types::loan_needs_approval.eq(t.loan_needs_approval),
            asset_types::active.eq(t.active),
        ))
        .returning(asset_types::id)
        .get_result(conn)
}

pub fn update_type(conn: &mut PgConnection, id: AssetTypeId, t: &TypeRow) -> QueryResult<usize> {
    diesel::update(asset_types::table.find(id))
        .set((
            asset_types::name_fr.eq(&t.name_fr),
            asset_types::name_en.eq(&t.name_en),
            asset_types::max_loan_days.eq(t.max_loan_days),
            asset_types::loan_needs_approval.eq(t.loan_needs_approval),
            asset_types::active.eq(t.active),
        ))
        .execute(conn)
}

/// Every type with its loan rules, for administrators.
pub fn type_rules(conn: &mut PgConnection) -> QueryResult<Vec<(AssetType, i32, bool)>> {
    asset_types::table
        .order(asset_types::name_fr)
        .select((
            AssetType::as_select(),
            asset_types::max_loan_days,
            asset_types::loan_needs_approval,
        ))
        .load(conn)
}

/// What an import matches its lines against, as stored: every type, model, unit, active room
/// (with its building) and active person, and every asset.
pub struct ImportRefs {
    /// id, code, French name, English name.
    pub types: Vec<(AssetTypeId, String, String, String)>,
    /// id, type, maker, name.
    pub models: Vec<(AssetModelId, AssetTypeId, String, String)>,
    /// id, code, French name, English name.
    pub units: Vec<(UnitId, String, String, String)>,
    /// id, unit, building code, building name, room code.
    pub rooms: Vec<(RoomId, UnitId, String, String, String)>,
    /// email, id.
    pub people: Vec<(String, UserId)>,
    pub assets: Vec<Asset>,
}

pub fn import_refs(conn: &mut PgConnection) -> QueryResult<ImportRefs> {
    Ok(ImportRefs {
        types: asset_types::table
            .select((
                asset_types::id,
                asset_types::code,
                asset_types::name_fr,
                asset_types::name_en,
            ))
            .load(conn)?,
        models: asset_models::table
            .select((
                asset_models::id,
                asset_models::type_id,
                asset_models::maker,
                asset_models::name,
            ))
            .load(conn)?,
        units: units::table
            .select((units::id, units::code, units::name_fr, units::name_en))
            .load(conn)?,
        rooms: rooms::table
            .inner_join(buildings::table)
            .filter(rooms::active)
            .select((
                rooms::id,
                buildings::unit_id,
                buildings::code,
                buildings::name,
                rooms::code,
            ))
            .load(conn)?,
        people: users::table
            .filter(users::active)
            .select((users::email, users::id))
            .load(conn)?,
        assets: assets::table.select(Asset::as_select()).load(conn)?,
    })
}

/// The model with this name (the demo's loader finds its models so).
pub fn model_id_named(conn: &mut PgConnection, name: &str) -> QueryResult<i64> {
    asset_models::table
        .filter(asset_models::name.eq(name))
        .select(asset_models::id)
        .first(conn)
}

/// The first `n` lendable assets of a model, by inventory number.
pub fn lendable_tags(conn: &mut PgConnection, model: i64, n: i64) -> QueryResult<Vec<String>> {
    assets::table
        .filter(assets::model_id.eq(model))
        .filter(assets::loanable)
        .order(assets::tag)
        .limit(n)
        .select(assets::tag)
        .load(conn)
}

/// Makes every asset of a unit lendable.
pub fn lend_all_of(conn: &mut PgConnection, unit: UnitId) -> QueryResult<usize> {
    diesel::update(assets::table.filter(assets::unit_id.eq(unit)))
        .set(assets::loanable.eq(true))
        .execute(conn)
}
