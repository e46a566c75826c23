use super::model::*;
use crate::db::schema::{categories, domains};
use crate::db::CategoryId;
use crate::users::model::Domain;
use diesel::prelude::*;

pub fn domains(conn: &mut PgConnection) -> QueryResult<Vec<DomainRow>> {
    domains::table
        .order(domains::position)
        .select(DomainRow::as_select())
        .load(conn)
}

pub fn active_categories(conn: &mut PgConnection) -> QueryResult<Vec<Category>> {
    categories::table
        .filter(categories::active.eq(true))
        .order((
            categories::domain,
            categories::position,
            categories::name_fr,
        ))
        .select(Category::as_select())
        .load(conn)
}

pub fn all_categories(conn: &mut PgConnection) -> QueryResult<Vec<Category>> {
    categories::table
        .order((
            categories::domain,
            categories::position,
            categories::name_fr,
        ))
        .select(Category::as_select())
        .load(conn)
}

pub fn categories_of(conn: &mut PgConnection, domain: Domain) -> QueryResult<Vec<Category>> {
    categories::table
        .filter(categories::active.eq(true))
        .filter(categories::domain.eq(domain))
        .order((categories::position, categories::name_fr))
        .select(Category::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: CategoryId) -> QueryResult<Category> {
    categories::table
        .find(id)
        .select(Category::as_select())
        .first(conn)
}

pub fn by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Category>> {
    categories::table
        .filter(categories::code.eq(code))
        .select(Category::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, c: &CategoryForm) -> QueryResult<Category> {
    diesel::insert_into(categories::table)
        .values(c)
        .returning(Category::as_returning())
        .get_result(conn)
}

pub fn update(conn: &mut PgConnection, id: CategoryId, c: &CategoryForm) -> QueryResult<Category> {
    diesel::update(categories::table.find(id))
        .set((c, categories::updated_at.eq(diesel::dsl::now)))
        .returning(Category::as_returning())
        .get_result(conn)
}

pub fn by_ids(conn: &mut PgConnection, ids: &[CategoryId]) -> QueryResult<Vec<Category>> {
    categories::table
        .filter(categories::id.eq_any(ids))
        .select(Category::as_select())
        .load(conn)
}

/// Marks a category as a trip request (its form is the trip form).
pub fn set_trip(conn: &mut PgConnection, id: CategoryId) -> QueryResult<usize> {
    diesel::update(categories::table.find(id))
        .set(categories::trip.eq(true))
        .execute(conn)
}

/// The team new requests of these categories go to.
pub fn set_default_team(
    conn: &mut PgConnection,
    codes: &[&str],
    team: crate::db::TeamId,
) -> QueryResult<usize> {
    diesel::update(categories::table.filter(categories::code.eq_any(codes)))
        .set(categories::default_team_id.eq(team))
        .execute(conn)
}
