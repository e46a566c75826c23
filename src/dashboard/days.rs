//! The figures of each closed day, per scope (table `dashboard_days`), so that a school year is
//! read from about 365 rows rather than counted from 200,000 requests.
//!
//! A day is counted once it has been over (Montréal time) for a quarter of an hour; today is
//! always counted live. Triggers mark a counted day stale whenever a request or a rating that
//! counts in it changes (migration 000018), and the next dashboard that needs the day counts it
//! again before reading it; a job does the same hourly for every day, so readers seldom wait.
//! Each stale mark carries a version: counting a day clears only the mark it saw, so a change
//! committed while the day was being counted keeps it stale.
//!
//! The counts follow the definitions of `figures` exactly; a test compares the two on
//! generated history, before and after changes to old requests.

use super::queries::{first_response_compliance, resolution_compliance};
use crate::db::schema::{dashboard_days, dashboard_days_stale, requests};
use crate::error::AppError;
use crate::transport::model::{local, local_to_utc};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Int4, Nullable, SmallInt, Text, Timestamptz};
use std::collections::{BTreeMap, HashMap};

/// How long after its end a day is counted: a transaction begun before midnight has committed
/// by then (the triggers do not mark the day that is still today).
const SETTLE_MINUTES: i64 = 15;

/// Stale days a reader counts before reading; with more (a fresh migration, a bulk load), the
/// dashboard counts the period live and leaves the days to the job.
pub const MAX_COUNTED_ON_READ: usize = 62;

/// Days counted in one transaction.
const CHUNK_DAYS: i64 = 31;

/// The rows of `refresh` that go in at once (23 parameters each, PostgreSQL allows 65,535).
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

/// Packs integers as little-endian 64-bit words.
pub fn pack(values: impl IntoIterator<Item = i64>) -> Vec<u8> {
    values.into_iter().flat_map(i64::to_le_bytes).collect()
}

/// Reads back what `pack` wrote, `N` integers at a time (an incomplete tuple at the end is
/// ignored).
pub fn tuples<const N: usize>(bytes: &[u8]) -> impl Iterator<Item = [i64; N]> + '_ {
    bytes.chunks_exact(8 * N).map(|c| {
        std::array::from_fn(|i| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&c[i * 8..i * 8 + 8]);
            i64::from_le_bytes(word)
        })
    })
}

/// The last day that may be read from `dashboard_days` at `now`.
pub fn last_closed(now: DateTime<Utc>) -> NaiveDate {
    local(now - Duration::minutes(SETTLE_MINUTES)).date() - Duration::days(1)
}

/// Local midnight at the start of `day`, as an instant.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    local_to_utc(day.and_time(NaiveTime::MIN))
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

/// Runs of consecutive days, at most `CHUNK_DAYS` long, as (first, last).
pub fn runs(days: &[NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in days {
        match out.last_mut() {
            Some((first, last))
                if *last + Duration::days(1) == d && (d - *first).num_days() < CHUNK_DAYS =>
            {
                *last = d
            }
            _ => out.push((d, d)),
        }
    }
    out
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
struct Keyed {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = Text)]
    scope: String,
    #[diesel(sql_type = Int4)]
    g: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    a: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    b: Option<i64>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = Text)]
    scope: String,
    #[diesel(sql_type = BigInt)]
    due: i64,
    #[diesel(sql_type = BigInt)]
    met: i64,
}

#[derive(QueryableByName)]
struct Rated {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = Text)]
    scope: String,
    #[diesel(sql_type = Int4)]
    g: i32,
    #[diesel(sql_type = SmallInt)]
    rating: i16,
    #[diesel(sql_type = Nullable<BigInt>)]
    id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// What a day of a scope is built from.
#[derive(Default)]
struct Build {
    created: i32,
    categories: BTreeMap<i64, i64>,
    units: BTreeMap<i64, i64>,
    resolved: i32,
    /// 0: nobody.
    assignees: BTreeMap<i64, i64>,
    minutes: BTreeMap<i64, i64>,
    first: (i32, i32),
    resolution: (i32, i32),
    ratings: [i32; 5],
    /// (1 team, 2 category, 3 unit; id; rating) → count.
    rated: BTreeMap<(i64, i64, i64), i64>,
}

fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn pairs(m: &BTreeMap<i64, i64>) -> Vec<u8> {
    pack(m.iter().flat_map(|(k, n)| [*k, *n]))
}

impl Build {
    fn into_day(self, scope: String, day: NaiveDate) -> Day {
        Day {
            scope,
            day,
            created: self.created,
            created_categories: pairs(&self.categories),
            created_units: pairs(&self.units),
            resolved: self.resolved,
            resolved_assignees: pairs(&self.assignees),
            resolve_minutes: pairs(&self.minutes),
            first_due: self.first.0,
            first_met: self.first.1,
            resolution_due: self.resolution.0,
            resolution_met: self.resolution.1,
            ratings: self.ratings.to_vec(),
            rated: pack(
                self.rated
                    .iter()
                    .flat_map(|((kind, id, rating), n)| [*kind, *id, *rating, *n]),
            ),
        }
    }
}

/// Counts the days from `first` to `last` again, in every scope, as of `now`.
pub fn refresh(
    conn: &mut PgConnection,
    first: NaiveDate,
    last: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (start, end) = (start_of(first), start_of(last + Duration::days(1)));
    conn.transaction(|c| {
        // One counter at a time: two would insert the same rows.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('dashboard_days'))").execute(c)?;
        diesel::sql_query("SET LOCAL work_mem = '64MB'").execute(c)?;
        // Read before counting: a mark made after this stays.
        let seen: Vec<(NaiveDate, i64)> = dashboard_days_stale::table
            .filter(dashboard_days_stale::day.between(first, last))
            .select((dashboard_days_stale::day, dashboard_days_stale::version))
            .load(c)?;
        let mut days: HashMap<(String, NaiveDate), Build> = HashMap::new();
        let created: Vec<Keyed> = diesel::sql_query(format!(
            "SELECT day, scope, GROUPING(category_id, unit_id) AS g, category_id AS a,
               unit_id AS b, count(*) AS n
             FROM (SELECT {}, k.scope, r.category_id, r.unit_id FROM requests r {SCOPES}
                   WHERE r.created_at >= $1 AND r.created_at < $2 AND k.scope IS NOT NULL) x
             GROUP BY GROUPING SETS ((day, scope), (day, scope, category_id), (day, scope, unit_id))",
            day_of("created_at")
        ))
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .load(c)?;
        for r in created {
            let d = days.entry((r.scope, r.day)).or_default();
            match (r.g, r.a, r.b) {
                (3, ..) => d.created += count(r.n),
                (1, Some(cat), _) => *d.categories.entry(cat).or_default() += r.n,
                (2, _, Some(unit)) => *d.units.entry(unit).or_default() += r.n,
                _ => {}
            }
        }
        let resolved: Vec<Keyed> = diesel::sql_query(format!(
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
        .load(c)?;
        for r in resolved {
            let d = days.entry((r.scope, r.day)).or_default();
            match (r.g, r.b) {
                (3, _) => d.resolved += count(r.n),
                (1, _) => *d.assignees.entry(r.a.unwrap_or(0)).or_default() += r.n,
                (2, Some(m)) => *d.minutes.entry(m).or_default() += r.n,
                _ => {}
            }
        }
        let first_due: Vec<Due> = diesel::sql_query(format!(
            "SELECT day, scope, {}
             FROM (SELECT {}, k.scope, r.first_response_due, r.first_response_at, r.resolved_at,
                     r.closed_at FROM requests r {SCOPES}
                   WHERE r.first_response_due >= $1 AND r.first_response_due < $2
                     AND k.scope IS NOT NULL) x
             GROUP BY day, scope",
            first_response_compliance("$3"),
            day_of("first_response_due")
        ))
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<Timestamptz, _>(now)
        .load(c)?;
        for r in first_due {
            let d = days.entry((r.scope, r.day)).or_default();
            d.first = (count(r.due), count(r.met));
        }
        let resolution_due: Vec<Due> = diesel::sql_query(format!(
            "SELECT day, scope, {}
             FROM (SELECT {}, k.scope, r.resolution_due, r.resolved_at, r.closed_at,
                     r.sla_paused_since FROM requests r {SCOPES}
                   WHERE r.resolution_due >= $1 AND r.resolution_due < $2
                     AND k.scope IS NOT NULL) x
             GROUP BY day, scope",
            resolution_compliance("$3"),
            day_of("resolution_due")
        ))
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<Timestamptz, _>(now)
        .load(c)?;
        for r in resolution_due {
            let d = days.entry((r.scope, r.day)).or_default();
            d.resolution = (count(r.due), count(r.met));
        }
        let rated: Vec<Rated> = diesel::sql_query(format!(
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
        .load(c)?;
        for r in rated {
            let Some(slot) = usize::try_from(r.rating - 1).ok().filter(|s| *s < 5) else {
                continue;
            };
            let d = days.entry((r.scope, r.day)).or_default();
            // GROUPING: 7 the whole scope; 3 per team, 5 per category, 6 per unit.
            let kind = match (r.g, r.id) {
                (7, _) => {
                    d.ratings[slot] += count(r.n);
                    continue;
                }
                (3, Some(_)) => 1,
                (5, Some(_)) => 2,
                (6, Some(_)) => 3,
                _ => continue,
            };
            if let Some(id) = r.id {
                *d.rated.entry((kind, id, i64::from(r.rating))).or_default() += r.n;
            }
        }
        diesel::delete(dashboard_days::table.filter(dashboard_days::day.between(first, last)))
            .execute(c)?;
        let rows: Vec<Day> = days
            .into_iter()
            .map(|((scope, day), b)| b.into_day(scope, day))
            .collect();
        for batch in rows.chunks(INSERT_BATCH) {
            diesel::insert_into(dashboard_days::table)
                .values(batch)
                .execute(c)?;
        }
        let counted: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
        diesel::sql_query(
            "INSERT INTO dashboard_days_done (day, computed_at) SELECT d, now() FROM unnest($1::date[]) d
             ON CONFLICT (day) DO UPDATE SET computed_at = now()",
        )
        .bind::<diesel::sql_types::Array<Date>, _>(&counted)
        .execute(c)?;
        for (day, version) in seen {
            diesel::delete(
                dashboard_days_stale::table
                    .filter(dashboard_days_stale::day.eq(day))
                    .filter(dashboard_days_stale::version.eq(version)),
            )
            .execute(c)?;
        }
        Ok(())
    })
}

/// Counts every closed day not counted yet or stale, from the first request on; returns how
/// many days it counted.
pub fn refresh_pending(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let first: Option<DateTime<Utc>> = requests::table
        .select(diesel::dsl::min(requests::created_at))
        .first(conn)?;
    let Some(first) = first else {
        return Ok(0);
    };
    let days = uncounted(conn, local(first).date(), last_closed(now))?;
    for (a, b) in runs(&days) {
        refresh(conn, a, b, now)?;
    }
    Ok(days.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn packed_tuples_read_back_as_written() {
        let bytes = pack([1, -2, i64::MAX, 0, 5]);
        assert_eq!(bytes.len(), 40);
        let pairs: Vec<[i64; 2]> = tuples(&bytes).collect();
        assert_eq!(pairs, vec![[1, -2], [i64::MAX, 0]]);
        assert_eq!(tuples::<1>(&bytes).count(), 5);
        assert_eq!(tuples::<2>(&[]).count(), 0);
    }

    #[test]
    fn consecutive_days_are_counted_together_a_month_at_most() {
        let days = [
            d("2026-01-01"),
            d("2026-01-02"),
            d("2026-01-03"),
            d("2026-01-05"),
        ];
        assert_eq!(
            runs(&days),
            vec![
                (d("2026-01-01"), d("2026-01-03")),
                (d("2026-01-05"), d("2026-01-05"))
            ]
        );
        let year: Vec<NaiveDate> = d("2025-07-01").iter_days().take(365).collect();
        let r = runs(&year);
        assert_eq!(r.len(), 12);
        assert!(r.iter().all(|(a, b)| (*b - *a).num_days() < CHUNK_DAYS));
        assert_eq!(r[0].0, d("2025-07-01"));
        assert_eq!(r.last().unwrap().1, d("2026-06-30"));
        assert!(runs(&[]).is_empty());
    }

    #[test]
    fn a_day_is_read_from_the_table_a_quarter_of_an_hour_after_it_ends() {
        // 00:10 in Montréal (EST, UTC-5) on 2 March: 1 March is not settled yet.
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(last_closed(at("2026-03-02T05:10:00Z")), d("2026-02-28"));
        assert_eq!(last_closed(at("2026-03-02T05:16:00Z")), d("2026-03-01"));
        // Summer time (UTC-4).
        assert_eq!(last_closed(at("2026-07-02T04:16:00Z")), d("2026-07-01"));
        assert_eq!(start_of(d("2026-07-02")), at("2026-07-02T04:00:00Z"));
    }
}
