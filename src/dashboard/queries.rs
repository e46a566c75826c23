//! The SQL of the dashboards: counts per bucket of a period over `requests` and
//! `satisfaction_ratings`, restricted by a scope's condition, and the compliance counts the
//! live figures and the counted days (`days`) share.

use super::model::Condition;
use crate::auth::CurrentUser;
use crate::db::schema::{requests, satisfaction_ratings, users};
use crate::db::UserId;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Nullable, SmallInt, Timestamptz};

pub const OPEN_KINDS: &str = "('new','open','pending','approval')";

#[derive(QueryableByName)]
pub struct CreatedRow {
    #[diesel(sql_type = Nullable<Int4>)]
    pub b: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub category_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub unit_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Resolved requests per bucket (`g` = 3), per assignee (`g` = 1) and per business minutes to
/// resolve (`g` = 2: the histogram the percentiles are read from).
#[derive(QueryableByName)]
pub struct ResolvedRow {
    #[diesel(sql_type = Int4)]
    pub g: i32,
    #[diesel(sql_type = Nullable<Int4>)]
    pub b: Option<i32>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub assignee_id: Option<i64>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub resolve_minutes: Option<i32>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub struct DueRow {
    #[diesel(sql_type = Int4)]
    pub b: i32,
    #[diesel(sql_type = BigInt)]
    pub due: i64,
    #[diesel(sql_type = BigInt)]
    pub met: i64,
}

#[derive(QueryableByName)]
pub struct OpenRow {
    #[diesel(sql_type = Nullable<BigInt>)]
    pub assignee_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub a0: i64,
    #[diesel(sql_type = BigInt)]
    pub a1: i64,
    #[diesel(sql_type = BigInt)]
    pub a2: i64,
    #[diesel(sql_type = BigInt)]
    pub a3: i64,
    #[diesel(sql_type = BigInt)]
    pub breaches: i64,
}

#[derive(QueryableByName)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
pub struct RatingGroup {
    #[diesel(sql_type = Int4)]
    pub g: i32,
    #[diesel(sql_type = Nullable<SmallInt>)]
    pub rating: Option<i16>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub team_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub category_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub unit_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

pub struct Bounds {
    /// The period's start.
    pub start: DateTime<Utc>,
    /// Where the live count starts: the end of the days read from `dashboard_days`.
    pub live: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub buckets: Vec<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

pub fn created(c: &mut PgConnection, s: &Condition, b: &Bounds) -> QueryResult<Vec<CreatedRow>> {
    diesel::sql_query(format!(
        "SELECT width_bucket(created_at, $3) AS b, category_id, unit_id, count(*) AS n
         FROM requests r WHERE created_at >= $1 AND created_at < $2 AND {s}
         GROUP BY GROUPING SETS ((1), (category_id), (unit_id))"
    ))
    .bind::<Timestamptz, _>(b.live)
    .bind::<Timestamptz, _>(b.end)
    .bind::<Array<Timestamptz>, _>(&b.buckets)
    .load(c)
}

pub fn resolved(c: &mut PgConnection, s: &Condition, b: &Bounds) -> QueryResult<Vec<ResolvedRow>> {
    diesel::sql_query(format!(
        "SELECT GROUPING(assignee_id, resolve_minutes) AS g, width_bucket(resolved_at, $3) AS b,
           assignee_id, resolve_minutes, count(*) AS n
         FROM requests r WHERE resolved_at >= $1 AND resolved_at < $2 AND {s}
         GROUP BY GROUPING SETS ((2), (assignee_id), (resolve_minutes))"
    ))
    .bind::<Timestamptz, _>(b.live)
    .bind::<Timestamptz, _>(b.end)
    .bind::<Array<Timestamptz>, _>(&b.buckets)
    .load(c)
}

/// The first responses due and met, as two counts (`due`, `met`); `now` is the placeholder of
/// the present instant. Shared with the counted days (`days::refresh`).
pub fn first_response_compliance(now: &str) -> String {
    format!(
        "count(*) FILTER (WHERE LEAST(first_response_at, resolved_at) IS NOT NULL
           OR (first_response_due <= {now} AND (closed_at IS NULL OR closed_at > first_response_due))) AS due,
         count(*) FILTER (WHERE LEAST(first_response_at, resolved_at) <= first_response_due) AS met"
    )
}

/// The resolutions due and met, as `first_response_compliance`.
pub fn resolution_compliance(now: &str) -> String {
    format!(
        "count(*) FILTER (WHERE resolved_at IS NOT NULL
           OR (resolution_due <= {now} AND sla_paused_since IS NULL
               AND (closed_at IS NULL OR closed_at > resolution_due))) AS due,
         count(*) FILTER (WHERE resolved_at <= resolution_due) AS met"
    )
}

/// Requests due in the period, per bucket of their due time, with how many were met.
fn due(
    c: &mut PgConnection,
    column: &str,
    compliance: String,
    s: &Condition,
    b: &Bounds,
) -> QueryResult<Vec<DueRow>> {
    diesel::sql_query(format!(
        "SELECT width_bucket({column}, $3) AS b, {compliance}
         FROM requests r WHERE {column} >= $1 AND {column} < $2 AND {s}
         GROUP BY 1"
    ))
    .bind::<Timestamptz, _>(b.live)
    .bind::<Timestamptz, _>(b.end)
    .bind::<Array<Timestamptz>, _>(&b.buckets)
    .bind::<Timestamptz, _>(b.now)
    .load(c)
}

pub fn first_due(c: &mut PgConnection, s: &Condition, b: &Bounds) -> QueryResult<Vec<DueRow>> {
    due(
        c,
        "first_response_due",
        first_response_compliance("$4"),
        s,
        b,
    )
}

pub fn resolution_due(c: &mut PgConnection, s: &Condition, b: &Bounds) -> QueryResult<Vec<DueRow>> {
    due(c, "resolution_due", resolution_compliance("$4"), s, b)
}

pub fn open(c: &mut PgConnection, s: &Condition, b: &Bounds) -> QueryResult<Vec<OpenRow>> {
    diesel::sql_query(format!(
        "SELECT assignee_id, count(*) AS n,
           count(*) FILTER (WHERE created_at > $1 - interval '1 day') AS a0,
           count(*) FILTER (WHERE created_at <= $1 - interval '1 day' AND created_at > $1 - interval '3 days') AS a1,
           count(*) FILTER (WHERE created_at <= $1 - interval '3 days' AND created_at > $1 - interval '7 days') AS a2,
           count(*) FILTER (WHERE created_at <= $1 - interval '7 days' AND created_at > $1 - interval '30 days') AS a3,
           count(*) FILTER (WHERE sla_paused_since IS NULL AND (resolution_due < $1
             OR (first_response_at IS NULL AND first_response_due < $1))) AS breaches
         FROM requests r WHERE status_kind IN {OPEN_KINDS} AND {s}
         GROUP BY assignee_id"
    ))
    .bind::<Timestamptz, _>(b.now)
    .load(c)
}

pub fn approvals(c: &mut PgConnection, s: &Condition) -> QueryResult<i64> {
    diesel::sql_query(format!(
        "SELECT count(*) AS n FROM requests r WHERE r.status_kind = 'approval' AND {s}
           AND EXISTS (SELECT 1 FROM request_approvals a WHERE a.request_id = r.id AND a.status = 'pending')"
    ))
    .get_result::<Count>(c)
    .map(|x| x.n)
}

pub fn ratings(c: &mut PgConnection, s: &Condition, b: &Bounds) -> QueryResult<Vec<RatingGroup>> {
    diesel::sql_query(format!(
        "SELECT GROUPING(rating, team_id, category_id, unit_id) AS g,
           rating, team_id, category_id, unit_id, count(*) AS n
         FROM satisfaction_ratings r
         WHERE created_at >= $1 AND created_at < $2 AND {s}
         GROUP BY GROUPING SETS ((rating), (team_id, rating), (category_id, rating), (unit_id, rating))"
    ))
    .bind::<Timestamptz, _>(b.live)
    .bind::<Timestamptz, _>(b.end)
    .load(c)
}

/// The names of the people the figures list (assignees), by id.
pub fn display_names(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    Ok(users::table
        .filter(users::id.eq_any(ids.iter().copied().map(UserId).collect::<Vec<_>>()))
        .select((users::id, users::display_name))
        .load::<(UserId, String)>(conn)?
        .into_iter()
        .map(|(id, n)| (id.0, n))
        .collect())
}

/// A rating of 1 or 2: (request id, rating, comment, when).
pub type LowRated = (i64, i16, String, DateTime<Utc>);

/// The ratings of 1 or 2 given in the period, newest first.
pub fn low_rated(conn: &mut PgConnection, b: &Bounds, limit: i64) -> QueryResult<Vec<LowRated>> {
    satisfaction_ratings::table
        .filter(satisfaction_ratings::rating.le(2))
        .filter(satisfaction_ratings::created_at.ge(b.start))
        .filter(satisfaction_ratings::created_at.lt(b.end))
        .order(satisfaction_ratings::created_at.desc())
        .limit(limit)
        .select((
            satisfaction_ratings::request_id,
            satisfaction_ratings::rating,
            satisfaction_ratings::comment,
            satisfaction_ratings::created_at,
        ))
        .load(conn)
}

/// Of these requests, those the reader may read within the scope: (id, number, title).
pub fn readable_titles(
    conn: &mut PgConnection,
    reader: &CurrentUser,
    scope: &Condition,
    ids: &[i64],
) -> QueryResult<Vec<(i64, i64, String)>> {
    requests::table
        .filter(requests::id.eq_any(ids))
        .filter(reader.request_scope().filter())
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            &scope.to_string(),
        ))
        .select((requests::id, requests::number, requests::title))
        .load(conn)
}

/// The default SLA policy, if one is marked so.
pub fn default_policy_id(conn: &mut PgConnection) -> QueryResult<Option<i64>> {
    use crate::db::schema::sla_policies;
    sla_policies::table
        .filter(sla_policies::is_default)
        .select(sla_policies::id)
        .first::<i64>(conn)
        .optional()
}

pub fn set_resolve_minutes(
    conn: &mut PgConnection,
    id: crate::db::RequestId,
    minutes: Option<i32>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set(requests::resolve_minutes.eq(minutes))
        .execute(conn)
}

/// When the first request was submitted.
pub fn first_created(conn: &mut PgConnection) -> QueryResult<Option<DateTime<Utc>>> {
    requests::table
        .select(diesel::dsl::min(requests::created_at))
        .first(conn)
}

/// A resolved request without its resolution time: `(id, policy, created, resolved, closed,
/// paused since, paused minutes)`.
pub type Pending = (
    i64,
    Option<i64>,
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    i32,
);

/// Up to `batch` resolved requests without their resolution time, in id order.
pub fn unresolved_minutes(conn: &mut PgConnection, batch: i64) -> QueryResult<Vec<Pending>> {
    requests::table
        .filter(requests::resolved_at.is_not_null())
        .filter(requests::resolve_minutes.is_null())
        .order(requests::id)
        .limit(batch)
        .select((
            requests::id,
            requests::sla_policy_id,
            requests::created_at,
            requests::resolved_at.assume_not_null(),
            requests::closed_at,
            requests::sla_paused_since,
            requests::sla_paused_minutes,
        ))
        .load(conn)
}

/// Writes the resolution times of these requests (`ids[i]` took `minutes[i]`).
pub fn set_many_resolve_minutes(
    conn: &mut PgConnection,
    ids: &[i64],
    minutes: &[i32],
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE requests r SET resolve_minutes = v.m
         FROM unnest($1::int8[], $2::int4[]) AS v(id, m) WHERE r.id = v.id",
    )
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Array<diesel::sql_types::Integer>, _>(minutes)
    .execute(conn)
}

/// A rating as kept.
pub fn rating_of(
    conn: &mut PgConnection,
    id: i64,
) -> QueryResult<Option<(i16, String, DateTime<Utc>)>> {
    satisfaction_ratings::table
        .find(id)
        .select((
            satisfaction_ratings::rating,
            satisfaction_ratings::comment,
            satisfaction_ratings::updated_at,
        ))
        .first(conn)
        .optional()
}

/// What rating needs of a request: its id, its requester and when it was resolved.
pub type RatingFacts = (i64, UserId, Option<DateTime<Utc>>);

/// The rating facts of request `number` (locked with `for_update`).
pub fn rating_facts(
    conn: &mut PgConnection,
    number: i64,
    for_update: bool,
) -> QueryResult<Option<RatingFacts>> {
    let q = requests::table.filter(requests::number.eq(number)).select((
        requests::id,
        requests::requester_id,
        requests::resolved_at,
    ));
    if for_update {
        q.for_update().first(conn).optional()
    } else {
        q.first(conn).optional()
    }
}

/// The same, by the request's id.
pub fn rating_facts_of(
    conn: &mut PgConnection,
    id: crate::db::RequestId,
) -> QueryResult<RatingFacts> {
    requests::table
        .filter(requests::id.eq(id))
        .select((requests::id, requests::requester_id, requests::resolved_at))
        .first(conn)
}

/// Keeps a request's rating, with its domain, team, unit and category as they are when it is
/// rated.
pub fn save_rating(
    conn: &mut PgConnection,
    id: i64,
    rating: i16,
    comment: &str,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO satisfaction_ratings (request_id, rating, comment, rated_by, domain, team_id,
                                           unit_id, category_id)
         SELECT id, $2, $3, requester_id, domain, team_id, unit_id, category_id
           FROM requests WHERE id = $1
         ON CONFLICT (request_id) DO UPDATE
           SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, domain = EXCLUDED.domain,
               team_id = EXCLUDED.team_id, unit_id = EXCLUDED.unit_id,
               category_id = EXCLUDED.category_id, updated_at = $4",
    )
    .bind::<BigInt, _>(id)
    .bind::<SmallInt, _>(rating)
    .bind::<diesel::sql_types::Text, _>(comment)
    .bind::<Timestamptz, _>(now)
    .execute(conn)
}
