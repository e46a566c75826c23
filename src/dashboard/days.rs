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

use super::day_queries::{self as q, Day};
use crate::error::AppError;
use crate::transport::model::{local, local_to_utc};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// How long after its end a day is counted: a transaction begun before midnight has committed
/// by then (the triggers do not mark the day that is still today).
const SETTLE_MINUTES: i64 = 15;

/// Stale days a reader counts before reading; with more (a fresh migration, a bulk load), the
/// dashboard counts the period live and leaves the days to the job.
pub const MAX_COUNTED_ON_READ: usize = 62;

/// Days counted in one transaction.
const CHUNK_DAYS: i64 = 31;

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
        q::lock_counter(c)?;
        crate::db::local_work_mem(c, "64MB")?;
        // Read before counting: a mark made after this stays.
        let seen = q::stale_marks(c, first, last)?;
        let mut days: HashMap<(String, NaiveDate), Build> = HashMap::new();
        for r in q::created(c, start, end)? {
            let d = days.entry((r.scope, r.day)).or_default();
            match (r.g, r.a, r.b) {
                (3, ..) => d.created += count(r.n),
                (1, Some(cat), _) => *d.categories.entry(cat).or_default() += r.n,
                (2, _, Some(unit)) => *d.units.entry(unit).or_default() += r.n,
                _ => {}
            }
        }
        for r in q::resolved(c, start, end)? {
            let d = days.entry((r.scope, r.day)).or_default();
            match (r.g, r.b) {
                (3, _) => d.resolved += count(r.n),
                (1, _) => *d.assignees.entry(r.a.unwrap_or(0)).or_default() += r.n,
                (2, Some(m)) => *d.minutes.entry(m).or_default() += r.n,
                _ => {}
            }
        }
        for r in q::due(c, true, start, end, now)? {
            let d = days.entry((r.scope, r.day)).or_default();
            d.first = (count(r.due), count(r.met));
        }
        for r in q::due(c, false, start, end, now)? {
            let d = days.entry((r.scope, r.day)).or_default();
            d.resolution = (count(r.due), count(r.met));
        }
        for r in q::rated(c, start, end)? {
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
        let rows: Vec<Day> = days
            .into_iter()
            .map(|((scope, day), b)| b.into_day(scope, day))
            .collect();
        q::replace(c, first, last, &rows)?;
        let counted: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
        q::mark_done(c, &counted)?;
        for (day, version) in seen {
            q::clear_stale(c, day, version)?;
        }
        Ok(())
    })
}

/// Counts every closed day not counted yet or stale, from the first request on; returns how
/// many days it counted.
pub fn refresh_pending(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let first = super::queries::first_created(conn)?;
    let Some(first) = first else {
        return Ok(0);
    };
    let days = q::uncounted(conn, local(first).date(), last_closed(now))?;
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
