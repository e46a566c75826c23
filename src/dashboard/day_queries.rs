//! The SQL of the counted days: which days to count, the counts of a period per scope and day
//! (grouped as `days` builds them), and the rows written back with their marks.

use super::queries::{first_response_compliance, resolution_compliance};
use crate::db::schema::{dashboard_days, dashboard_days_stale};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Int4, Nullable, SmallInt, Text, Timestamptz};

/// The rows of `replace` that go in at once (23 parameters each, PostgreSQL allows 65,535).
const INSERT_BATCH: usize = 1_000;

/// The figures of one day in one scope; see migration 000018 for the columns. The breakdowns
/// are packed tuples: read them with `tuples`.
#[derive(Debug, Clone, Default, PartialEq, Queryable, Insertable)]
#[diesel(table_name = dashboard_days)]
pub struct Day {
    pub scope: String,
    pub day: NaiveDate,
    pub created: i32,
    /// (category id, count)
    pub created_categories: Vec<u8>,
    /// (unit id, count)
    pub created_units: Vec<u8>,
    pub resolved: i32,
    /// (user id or 0 for nobody, count)
    pub resolved_assignees: Vec<u8>,
    /// (business minutes, count)
    pub resolve_minutes: Vec<u8>,
    pub first_due: i32,
    pub first_met: i32,
    pub resolution_due: i32,
    pub resolution_met: i32,
    /// Counts of ratings 1 to 5.
    pub ratings: Vec<i32>,
    /// (1 team, 2 category or 3 unit; id; rating; count)
    pub rated: Vec<u8>,
}

/// The days from `first` to `last` that are not counted or are stale.
pub fn uncounted(
    conn: &mut PgConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Vec<NaiveDate>> {
    #[derive(QueryableByName)]
    struct D {
        #[diesel(sql_type = Date)]
        d: NaiveDate,
    }
    if last < first {
        return Ok(Vec::new());
    }
    diesel::sql_query(
        "SELECT g::date AS d FROM generate_series($1::date, $2::date, interval '1 day') AS g
         WHERE NOT EXISTS (SELECT 1 FROM dashboard_days_done x WHERE x.day = g::date)
            OR EXISTS (SELECT 1 FROM dashboard_days_stale s WHERE s.day = g::date)
         ORDER BY 1",
    )
    .bind::<Date, _>(first)
    .bind::<Date, _>(last)
    .load::<D>(conn)
    .map(|v| v.into_iter().map(|d| d.d).collect())
}

/// The figures of `scope` (see `Scope::key`) for the days from `first` to `last`.
pub fn load(
    conn: &mut PgConnection,
    scope: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Vec<Day>> {
    dashboard_days::table
        .filter(dashboard_days::scope.eq(scope))
        .filter(dashboard_days::day.between(first, last))
        .order(dashboard_days::day)
        .load(conn)
}

/// The scopes a request or a rating counts in: the board, its domain, its team, its unit.
const SCOPES: &str = "CROSS JOIN LATERAL (VALUES ('b'), ('d:' || r.domain), ('t' || r.team_id),
  ('u' || r.unit_id)) AS k(scope)";

fn day_of(column: &str) -> String {
    format!("(r.{column} AT TIME ZONE 'America/Toronto')::date AS day")
}

#[derive(QueryableByName)]
pub struct Keyed {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = Text)]
    pub scope: String,
    #[diesel(sql_type = Int4)]
    pub g: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub a: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub b: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub struct Due {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = Text)]
    pub scope: String,
    #[diesel(sql_type = BigInt)]
    pub due: i64,
    #[diesel(sql_type = BigInt)]
    pub met: i64,
}

#[derive(QueryableByName)]
pub struct Rated {
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    #[diesel(sql_type = Text)]
    pub scope: String,
    #[diesel(sql_type = Int4)]
    pub g: i32,
    #[diesel(sql_type = SmallInt)]
    pub rating: i16,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// One counter at a time: two would insert the same rows.
pub fn lock_counter(c: &mut PgConnection) -> QueryResult<usize> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('dashboard_days'))").execute(c)
}

/// The stale marks of the days from `first` to `last`: `(day, version)`.
pub fn stale_marks(
    c: &mut PgConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, i64)>> {
    dashboard_days_stale::table
        .filter(dashboard_days_stale::day.between(first, last))
        .select((dashboard_days_stale::day, dashboard_days_stale::version))
        .load(c)
}

/// Requests submitted from `start` to `end`: per day and scope, per category, per unit.
pub fn created(
    c: &mut PgConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<Vec<Keyed>> {
    diesel::sql_query(format!(
        "SELECT day, scope, GROUPING(category_id, unit_id) AS g, category_id AS a,
           unit_id AS b, count(*) AS n
         FROM (SELECT {}, k.scope, r.category_id, r.unit_id FROM requests r {SCOPES}
               WHERE r.created_at >= $1 AND r.created_at < $2 AND k.scope IS NOT NULL) x
         GROUP BY GROUPING SETS ((day, scope), (day, scope, category_id), (day, scope, unit_id))",
        day_of("created_at")
    ))
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .load(c)
}

/// Requests resolved from `start` to `end`: per day and scope, per assignee, per resolution time.
pub fn resolved(
    c: &mut PgConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<Vec<Keyed>> {
    diesel::sql_query(format!(
        "SELECT day, scope, GROUPING(assignee_id, resolve_minutes) AS g, assignee_id AS a,
           resolve_minutes::int8 AS b, count(*) AS n
         FROM (SELECT {}, k.scope, r.assignee_id, r.resolve_minutes FROM requests r {SCOPES}
               WHERE r.resolved_at >= $1 AND r.resolved_at < $2 AND k.scope IS NOT NULL) x
         GROUP BY GROUPING SETS ((day, scope), (day, scope, assignee_id),
           (day, scope, resolve_minutes))",
        day_of("resolved_at")
    ))
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .load(c)
}

/// First responses (`first`) or resolutions due from `start` to `end`, and those met, as of
/// `now`.
pub fn due(
    c: &mut PgConnection,
    first: bool,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Due>> {
    let (due, columns, met) = if first {
        (
            "first_response_due",
            "r.first_response_due, r.first_response_at, r.resolved_at, r.closed_at",
            first_response_compliance("$3"),
        )
    } else {
        (
            "resolution_due",
            "r.resolution_due, r.resolved_at, r.closed_at, r.sla_paused_since",
            resolution_compliance("$3"),
        )
    };
    diesel::sql_query(format!(
        "SELECT day, scope, {met}
         FROM (SELECT {}, k.scope, {columns} FROM requests r {SCOPES}
               WHERE r.{due} >= $1 AND r.{due} < $2 AND k.scope IS NOT NULL) x
         GROUP BY day, scope",
        day_of(due)
    ))
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .bind::<Timestamptz, _>(now)
    .load(c)
}

/// Ratings given from `start` to `end`: per day, scope and rating; per team, category, unit.
pub fn rated(
    c: &mut PgConnection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<Vec<Rated>> {
    diesel::sql_query(format!(
        "SELECT day, scope, GROUPING(team_id, category_id, unit_id) AS g, rating,
           COALESCE(team_id, category_id, unit_id) AS id, count(*) AS n
         FROM (SELECT {}, k.scope, r.rating, r.team_id, r.category_id, r.unit_id
               FROM satisfaction_ratings r {SCOPES}
               WHERE r.created_at >= $1 AND r.created_at < $2 AND k.scope IS NOT NULL) x
         GROUP BY GROUPING SETS ((day, scope, rating), (day, scope, team_id, rating),
           (day, scope, category_id, rating), (day, scope, unit_id, rating))",
        day_of("created_at")
    ))
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .load(c)
}

/// The rows of the days from `first` to `last`, replaced by these.
pub fn replace(
    c: &mut PgConnection,
    first: NaiveDate,
    last: NaiveDate,
    rows: &[Day],
) -> QueryResult<()> {
    diesel::delete(dashboard_days::table.filter(dashboard_days::day.between(first, last)))
        .execute(c)?;
    for batch in rows.chunks(INSERT_BATCH) {
        diesel::insert_into(dashboard_days::table)
            .values(batch)
            .execute(c)?;
    }
    Ok(())
}

/// These days are counted (now).
pub fn mark_done(c: &mut PgConnection, days: &[NaiveDate]) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO dashboard_days_done (day, computed_at) SELECT d, now() FROM unnest($1::date[]) d
         ON CONFLICT (day) DO UPDATE SET computed_at = now()",
    )
    .bind::<diesel::sql_types::Array<Date>, _>(days)
    .execute(c)
}

/// Clears the stale mark a count saw (a later mark stays).
pub fn clear_stale(c: &mut PgConnection, day: NaiveDate, version: i64) -> QueryResult<usize> {
    diesel::delete(
        dashboard_days_stale::table
            .filter(dashboard_days_stale::day.eq(day))
            .filter(dashboard_days_stale::version.eq(version)),
    )
    .execute(c)
}
