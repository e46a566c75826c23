//! The figures of a dashboard. Closed days come from `dashboard_days` (see `days`), counted
//! again whenever something in them changes; the rest of the period (today) is counted straight
//! from the requests: each query reads one range of a covering index (created, resolved, first
//! response due, resolution due) and the queries run at once on separate connections. The
//! snapshot figures (backlog, breaches in progress, approvals waiting) are always counted live.
//!
//! Definitions (shown on the page under « Comment lire ces chiffres »):
//! - backlog: requests not resolved, closed or cancelled, now (awaiting approval included);
//! - new / resolved: created / resolved during the period;
//! - SLA compliance: among the requests whose due time falls in the period and is decided (the
//!   due time has passed, or the clock stopped before it), the share met in time. The first
//!   response is met by the staff's first public word or the resolution; a request cancelled
//!   before its due time does not count; one waiting for the requester (clock paused) counts
//!   once it resumes;
//! - breaches in progress: open requests, clock running, past a due time;
//! - time to resolve: business hours of the SLA calendar from submission to resolution, the
//!   pauses (waiting for the requester, approval) taken out; median and 90th percentile;
//! - satisfaction: the ratings given during the period.

use super::day_queries::{self, Day};
use super::days;
use super::model::{
    round1, Compliance, CountRow, Figures, LowRating, PeriodOut, RatingRow, Satisfaction, TechRow,
    Tiles, TrendRow,
};
use super::model::{Condition, Table};
use super::period::{Period, Step};
use super::queries::{
    approvals, created, display_names, first_due, low_rated, open, ratings, readable_titles,
    resolution_due, resolved, Bounds, CreatedRow, DueRow, OpenRow, RatingGroup, ResolvedRow,
};
use super::scope::Scope;
use crate::db::PgPool;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::requests::model::RequestNumber;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use std::collections::HashMap;

/// What the queries return, before labels.
#[derive(Default)]
struct Raw {
    created: Vec<CreatedRow>,
    resolved: Vec<ResolvedRow>,
    first_due: Vec<DueRow>,
    resolution_due: Vec<DueRow>,
    open: Vec<OpenRow>,
    approvals: i64,
    ratings: Vec<RatingGroup>,
}

type Group = fn(&mut PgConnection, &Condition, &Bounds) -> Result<Raw, AppError>;

fn g_created(c: &mut PgConnection, s: &Condition, b: &Bounds) -> Result<Raw, AppError> {
    Ok(Raw {
        created: created(c, s, b)?,
        approvals: approvals(c, s)?,
        ..Raw::default()
    })
}

fn g_resolved(c: &mut PgConnection, s: &Condition, b: &Bounds) -> Result<Raw, AppError> {
    Ok(Raw {
        resolved: resolved(c, s, b)?,
        open: open(c, s, b)?,
        ..Raw::default()
    })
}

fn g_first_due(c: &mut PgConnection, s: &Condition, b: &Bounds) -> Result<Raw, AppError> {
    Ok(Raw {
        first_due: first_due(c, s, b)?,
        ratings: ratings(c, s, b)?,
        ..Raw::default()
    })
}

fn g_resolution_due(c: &mut PgConnection, s: &Condition, b: &Bounds) -> Result<Raw, AppError> {
    Ok(Raw {
        resolution_due: resolution_due(c, s, b)?,
        ..Raw::default()
    })
}

const GROUPS: [Group; 4] = [g_resolution_due, g_created, g_resolved, g_first_due];

/// Runs a group in a transaction of its own, with room to aggregate in memory (JIT compilation
/// is off on every pooled connection: see `db::pool`).
fn run(g: Group, c: &mut PgConnection, s: &Condition, b: &Bounds) -> Result<Raw, AppError> {
    c.transaction(|c| {
        crate::db::local_work_mem(c, "32MB")?;
        g(c, s, b)
    })
}

fn merge(into: &mut Raw, part: Raw) {
    into.created.extend(part.created);
    into.resolved.extend(part.resolved);
    into.first_due.extend(part.first_due);
    into.resolution_due.extend(part.resolution_due);
    into.open.extend(part.open);
    into.approvals += part.approvals;
    into.ratings.extend(part.ratings);
}

/// Runs the queries: on `main`, and at once on the idle connections of the pool (at most three
/// more; none when the pool is busy — then one after the other). The dashboard's latency is
/// that of its slowest group of queries rather than their sum, and it never waits for a
/// connection it does not hold.
fn raw(pool: &PgPool, main: &mut PgConnection, scope: &Scope, b: &Bounds) -> Result<Raw, AppError> {
    let s = scope.condition(Table::R);
    let mut extra = (0..GROUPS.len() - 1).filter_map(|_| pool.try_get());
    std::thread::scope(|t| -> Result<Raw, AppError> {
        let (s, b) = (&s, b);
        let mut handles = Vec::new();
        let mut here = Vec::new();
        for (i, g) in GROUPS.into_iter().enumerate() {
            // The first group stays on `main`.
            match if i > 0 { extra.next() } else { None } {
                Some(mut c) => handles.push(t.spawn(move || run(g, &mut c, s, b))),
                None => here.push(g),
            }
        }
        let mut out = Raw::default();
        for g in here {
            merge(&mut out, run(g, main, s, b)?);
        }
        for h in handles {
            let part = h
                .join()
                .map_err(|e| AppError::Internal(format!("dashboard query panicked: {e:?}")))??;
            merge(&mut out, part);
        }
        Ok(out)
    })
}

/// Names of what the figures refer to.
struct Labels {
    categories: HashMap<i64, (String, String)>,
    units: HashMap<i64, (String, String)>,
    teams: HashMap<i64, (String, String)>,
    people: HashMap<i64, String>,
}

/// id → (code, name in the reader's language), of rows given as (id, code, French, English).
fn by_id<T>(
    rows: Vec<T>,
    loc: Locale,
    of: impl Fn(T) -> (i64, String, String, String),
) -> HashMap<i64, (String, String)> {
    rows.into_iter()
        .map(|r| {
            let (id, code, fr, en) = of(r);
            (id, (code, loc.pick(&fr, &en).to_string()))
        })
        .collect()
}

fn labels(conn: &mut PgConnection, raw: &Raw, loc: Locale) -> Result<Labels, AppError> {
    let categories = by_id(crate::catalog::queries::all_categories(conn)?, loc, |c| {
        (c.id.0, c.code, c.name_fr, c.name_en)
    });
    let units = by_id(crate::units::queries::all(conn)?, loc, |u| {
        (u.id.0, u.code, u.name_fr, u.name_en)
    });
    let teams = by_id(crate::users::queries::teams(conn)?, loc, |t| {
        (t.id.0, t.code, t.name_fr, t.name_en)
    });
    let mut ids: Vec<i64> = raw
        .resolved
        .iter()
        .filter_map(|r| r.assignee_id)
        .chain(raw.open.iter().filter_map(|r| r.assignee_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let people = display_names(conn, &ids)?.into_iter().collect();
    Ok(Labels {
        categories,
        units,
        teams,
        people,
    })
}

fn bucket_index(b: Option<i32>, len: usize) -> Option<usize> {
    b.and_then(|b| usize::try_from(b).ok())
        .filter(|b| *b >= 1 && *b <= len)
        .map(|b| b - 1)
}

/// The number of ratings of a distribution (counts of 1 to 5) and the sum of their values.
fn weighted(d: &[i64]) -> (i64, i64) {
    d.iter()
        .enumerate()
        .fold((0, 0), |(n, s), (i, c)| (n + c, s + (i as i64 + 1) * c))
}

/// PostgreSQL's `percentile_disc` over a histogram (value, count) sorted by value: the first
/// value whose cumulative share reaches `p`.
pub fn percentile_disc(sorted: &[(i32, i64)], p: f64) -> Option<i32> {
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    let mut seen = 0;
    for (v, n) in sorted {
        seen += n;
        if seen as f64 >= p * total as f64 {
            return Some(*v);
        }
    }
    None
}

fn hours(minutes: Option<i32>) -> Option<f64> {
    minutes.map(|m| round1(m as f64 / 60.0))
}

fn sorted(mut rows: Vec<CountRow>) -> Vec<CountRow> {
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    rows
}

fn named(map: &HashMap<i64, (String, String)>, id: i64) -> (String, String) {
    map.get(&id)
        .cloned()
        .unwrap_or_else(|| (id.to_string(), id.to_string()))
}

/// The figures but the low ratings, shaped from the raw counts.
struct Shaped {
    tiles: Tiles,
    trend: Vec<TrendRow>,
    backlog_ages: Vec<CountRow>,
    categories: Vec<CountRow>,
    units: Vec<CountRow>,
    technicians: Vec<TechRow>,
    satisfaction: Satisfaction,
}

/// Shapes the raw counts into figures.
fn assemble(raw: &Raw, labels: &Labels, period: &Period, today: NaiveDate, loc: Locale) -> Shaped {
    let days = period.buckets_until(today);
    let mut trend: Vec<TrendRow> = days
        .iter()
        .map(|d| TrendRow {
            from: *d,
            created: 0,
            resolved: 0,
            first_response: Compliance::default(),
            resolution: Compliance::default(),
        })
        .collect();
    let mut tiles = Tiles::default();
    // Several rows may count the same thing (closed days, then today): everything adds up.
    let mut per_category: HashMap<i64, i64> = HashMap::new();
    let mut per_unit: HashMap<i64, i64> = HashMap::new();
    for r in &raw.created {
        if let Some(i) = bucket_index(r.b, trend.len()) {
            trend[i].created += r.n;
            tiles.new += r.n;
        } else if let Some(c) = r.category_id {
            *per_category.entry(c).or_default() += r.n;
        } else if let Some(u) = r.unit_id {
            *per_unit.entry(u).or_default() += r.n;
        }
    }
    let counted = |map: HashMap<i64, i64>, names: &HashMap<i64, (String, String)>| {
        map.into_iter()
            .map(|(id, count)| {
                let (code, label) = named(names, id);
                CountRow { code, label, count }
            })
            .collect::<Vec<_>>()
    };
    let categories = counted(per_category, &labels.categories);
    let units = counted(per_unit, &labels.units);
    let mut techs: HashMap<Option<i64>, (i64, i64)> = HashMap::new();
    let mut minutes: Vec<(i32, i64)> = Vec::new();
    for r in &raw.resolved {
        match r.g {
            3 => {
                if let Some(i) = bucket_index(r.b, trend.len()) {
                    trend[i].resolved += r.n;
                }
                tiles.resolved += r.n;
            }
            1 => techs.entry(r.assignee_id).or_default().1 += r.n,
            _ => minutes.extend(r.resolve_minutes.map(|m| (m, r.n))),
        }
    }
    minutes.sort_unstable();
    tiles.resolve_hours_median = hours(percentile_disc(&minutes, 0.5));
    tiles.resolve_hours_p90 = hours(percentile_disc(&minutes, 0.9));
    let (mut fd, mut fm, mut rd, mut rm) = (0, 0, 0, 0);
    for r in &raw.first_due {
        if let Some(i) = bucket_index(Some(r.b), trend.len()) {
            let c = trend[i].first_response;
            trend[i].first_response = Compliance::new(c.due + r.due, c.met + r.met);
        }
        fd += r.due;
        fm += r.met;
    }
    for r in &raw.resolution_due {
        if let Some(i) = bucket_index(Some(r.b), trend.len()) {
            let c = trend[i].resolution;
            trend[i].resolution = Compliance::new(c.due + r.due, c.met + r.met);
        }
        rd += r.due;
        rm += r.met;
    }
    tiles.first_response = Compliance::new(fd, fm);
    tiles.resolution = Compliance::new(rd, rm);
    let mut ages = [0i64; 5];
    for r in &raw.open {
        tiles.backlog += r.n;
        tiles.breaches_in_progress += r.breaches;
        ages[0] += r.a0;
        ages[1] += r.a1;
        ages[2] += r.a2;
        ages[3] += r.a3;
        ages[4] += r.n - r.a0 - r.a1 - r.a2 - r.a3;
        techs.entry(r.assignee_id).or_default().0 += r.n;
    }
    let backlog_ages = ["lt1d", "d1to3", "d3to7", "d7to30", "gt30d"]
        .iter()
        .zip(ages)
        .map(|(code, count)| CountRow {
            code: (*code).into(),
            label: i18n::tr(loc, "dashboard-age", &[("code".into(), (*code).into())]),
            count,
        })
        .collect();
    tiles.approvals_waiting = raw.approvals;
    let nobody = i18n::tr(loc, "dashboard-unassigned", &[]);
    let mut technicians: Vec<TechRow> = techs
        .into_iter()
        .map(|(id, (open, resolved))| TechRow {
            user_id: id,
            name: id
                .and_then(|i| labels.people.get(&i).cloned())
                .unwrap_or_else(|| nobody.clone()),
            open,
            resolved,
        })
        .collect();
    technicians.sort_by(|a, b| {
        (b.open + b.resolved)
            .cmp(&(a.open + a.resolved))
            .then_with(|| a.name.cmp(&b.name))
    });
    let mut sat = Satisfaction {
        distribution: vec![0; 5],
        ..Satisfaction::default()
    };
    // Per group: the count of each rating, then the average from them.
    let mut groups: [HashMap<i64, Vec<i64>>; 3] = Default::default();
    for g in &raw.ratings {
        let Some(r) = g.rating.filter(|r| (1..=5).contains(r)) else {
            continue;
        };
        let slot = (r - 1) as usize;
        let (i, id) = match (g.g, g.team_id, g.category_id, g.unit_id) {
            (7, ..) => {
                sat.distribution[slot] += g.n;
                continue;
            }
            (3, Some(t), ..) => (0, t),
            (5, _, Some(c), _) => (1, c),
            (6, .., Some(u)) => (2, u),
            _ => continue,
        };
        groups[i].entry(id).or_insert_with(|| vec![0; 5])[slot] += g.n;
    }
    let rows = |map: &HashMap<i64, Vec<i64>>, names: &HashMap<i64, (String, String)>| {
        let mut out: Vec<RatingRow> = map
            .iter()
            .map(|(id, d)| {
                let (code, label) = named(names, *id);
                let (n, total) = weighted(d);
                RatingRow {
                    code,
                    label,
                    count: n,
                    average: round1(total as f64 / n.max(1) as f64),
                    distribution: d.clone(),
                }
            })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        out
    };
    sat.by_team = rows(&groups[0], &labels.teams);
    sat.by_category = rows(&groups[1], &labels.categories);
    sat.by_unit = rows(&groups[2], &labels.units);
    let (count, sum) = weighted(&sat.distribution);
    sat.count = count;
    sat.average = (count > 0).then(|| round1(sum as f64 / count as f64));
    Shaped {
        tiles,
        trend,
        backlog_ages,
        categories: sorted(categories),
        units: sorted(units),
        technicians,
        satisfaction: sat,
    }
}

/// Ratings of 1 or 2 given in the period, on requests of the scope the reader may open.
fn low_ratings(
    conn: &mut PgConnection,
    reader: &crate::auth::CurrentUser,
    scope: &Scope,
    b: &Bounds,
) -> Result<Vec<LowRating>, AppError> {
    let low = low_rated(conn, b, 500)?;
    let ids: Vec<i64> = low.iter().map(|l| l.0).collect();
    let readable: HashMap<i64, (i64, String)> =
        readable_titles(conn, reader, &scope.condition(Table::Requests), &ids)?
            .into_iter()
            .map(|(id, n, t)| (id, (n, t)))
            .collect();
    Ok(low
        .into_iter()
        .filter_map(|(id, rating, comment, rated_at)| {
            readable.get(&id).map(|(n, title)| LowRating {
                number: RequestNumber(*n).to_string(),
                title: title.clone(),
                rating,
                comment,
                rated_at,
            })
        })
        .take(50)
        .collect())
}

/// The raw counts of days read from `dashboard_days`: the day's totals in its trend bucket
/// (`buckets`: the first day of each), the breakdowns summed over the days.
fn raw_of_days(days: Vec<Day>, buckets: &[NaiveDate]) -> Raw {
    fn sum<const N: usize>(into: &mut HashMap<[i64; N], i64>, bytes: &[u8]) {
        for t in days::tuples::<N>(bytes) {
            let (key, n) = t.split_at(N - 1);
            let mut k = [0; N];
            k[..N - 1].copy_from_slice(key);
            *into.entry(k).or_default() += n[0];
        }
    }
    let mut raw = Raw::default();
    let (mut categories, mut units) = (HashMap::new(), HashMap::new());
    let (mut assignees, mut minutes) = (HashMap::new(), HashMap::new());
    let mut rated = HashMap::new();
    let mut ratings = [0i64; 5];
    for d in days {
        let b = buckets.iter().filter(|s| **s <= d.day).count() as i32;
        let n = i64::from;
        raw.created.push(CreatedRow {
            b: Some(b),
            category_id: None,
            unit_id: None,
            n: n(d.created),
        });
        raw.resolved.push(ResolvedRow {
            g: 3,
            b: Some(b),
            assignee_id: None,
            resolve_minutes: None,
            n: n(d.resolved),
        });
        raw.first_due.push(DueRow {
            b,
            due: n(d.first_due),
            met: n(d.first_met),
        });
        raw.resolution_due.push(DueRow {
            b,
            due: n(d.resolution_due),
            met: n(d.resolution_met),
        });
        for (total, k) in ratings.iter_mut().zip(&d.ratings) {
            *total += n(*k);
        }
        sum::<2>(&mut categories, &d.created_categories);
        sum::<2>(&mut units, &d.created_units);
        sum::<2>(&mut assignees, &d.resolved_assignees);
        sum::<2>(&mut minutes, &d.resolve_minutes);
        sum::<4>(&mut rated, &d.rated);
    }
    let created = |category_id, unit_id, n| CreatedRow {
        b: None,
        category_id,
        unit_id,
        n,
    };
    raw.created.extend(
        categories
            .into_iter()
            .map(|([c, _], n)| created(Some(c), None, n)),
    );
    raw.created.extend(
        units
            .into_iter()
            .map(|([u, _], n)| created(None, Some(u), n)),
    );
    let resolved = |g, assignee_id, resolve_minutes, n| ResolvedRow {
        g,
        b: None,
        assignee_id,
        resolve_minutes,
        n,
    };
    raw.resolved.extend(
        assignees
            .into_iter()
            .map(|([a, _], n)| resolved(1, Some(a).filter(|a| *a != 0), None, n)),
    );
    raw.resolved.extend(
        minutes
            .into_iter()
            .map(|([m, _], n)| resolved(2, None, Some(i32::try_from(m).unwrap_or(i32::MAX)), n)),
    );
    let rating = |g, rating: i64, team_id, category_id, unit_id, n| RatingGroup {
        g,
        rating: i16::try_from(rating).ok(),
        team_id,
        category_id,
        unit_id,
        n,
    };
    raw.ratings.extend(
        (1..=5)
            .zip(ratings)
            .map(|(r, n)| rating(7, r, None, None, None, n)),
    );
    raw.ratings
        .extend(rated.into_iter().map(|([kind, id, r, _], n)| match kind {
            1 => rating(3, r, Some(id), None, None, n),
            2 => rating(5, r, None, Some(id), None, n),
            _ => rating(6, r, None, None, Some(id), n),
        }));
    raw
}

/// How the period's closed days are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// From `dashboard_days`, counting again first the days that need it (when few do).
    Days,
    /// Straight from the requests: the reference the days are tested against.
    Live,
}

/// Reads the closed days of the period from `dashboard_days`, counting first those not counted
/// or stale; returns them with the instant where the live count starts. None when too many days
/// need counting (a fresh migration, a bulk load): then the whole period is counted live.
fn closed_days(
    conn: &mut PgConnection,
    scope: &Scope,
    period: &Period,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<(Raw, DateTime<Utc>)>, AppError> {
    // Never past the real clock: a day still open somewhere is not marked stale when it changes.
    let last = period.last.min(days::last_closed(now.min(Utc::now())));
    if last < period.first {
        return Ok(None);
    }
    let uncounted = day_queries::uncounted(conn, period.first, last)?;
    if uncounted.len() > days::MAX_COUNTED_ON_READ {
        return Ok(None);
    }
    for (a, z) in days::runs(&uncounted) {
        days::refresh(conn, a, z, Utc::now())?;
    }
    let rows = day_queries::load(conn, &scope.key(), period.first, last)?;
    Ok(Some((
        raw_of_days(rows, &period.buckets_until(today)),
        days::start_of(last + chrono::Duration::days(1)),
    )))
}

/// The figures of `scope` over `period` as of `now`, labelled in `loc`.
pub fn compute(
    pool: &PgPool,
    reader: &crate::auth::CurrentUser,
    scope: &Scope,
    scope_label: &str,
    period: &Period,
    now: DateTime<Utc>,
    loc: Locale,
) -> Result<Figures, AppError> {
    compute_by(
        pool,
        reader,
        scope,
        scope_label,
        period,
        now,
        loc,
        Counting::Days,
    )
}

/// `compute`, choosing how closed days are counted.
#[allow(clippy::too_many_arguments)]
pub fn compute_by(
    pool: &PgPool,
    reader: &crate::auth::CurrentUser,
    scope: &Scope,
    scope_label: &str,
    period: &Period,
    now: DateTime<Utc>,
    loc: Locale,
    counting: Counting,
) -> Result<Figures, AppError> {
    let (start, end) = period.instants();
    let today = crate::transport::model::local(now).date();
    let conn = &mut pool
        .get()
        .map_err(|e| AppError::Internal(format!("pool: {e}")))?;
    let (mut raw, live) = match counting {
        Counting::Days => closed_days(conn, scope, period, today, now)?,
        Counting::Live => None,
    }
    .unwrap_or_else(|| (Raw::default(), start));
    let b = Bounds {
        start,
        live: live.min(end),
        end,
        buckets: period.bucket_instants(today),
        now,
    };
    merge(&mut raw, self::raw(pool, conn, scope, &b)?);
    let labels = labels(conn, &raw, loc)?;
    let Shaped {
        tiles,
        trend,
        backlog_ages,
        categories,
        units,
        technicians,
        satisfaction,
    } = assemble(&raw, &labels, period, today, loc);
    let low_ratings = low_ratings(conn, reader, scope, &b)?;
    Ok(Figures {
        scope: scope.code(),
        scope_label: scope_label.to_string(),
        period: PeriodOut {
            kind: period.kind.code().into(),
            from: period.first,
            to: period.last,
            step: match period.step() {
                Step::Day => "day".into(),
                Step::Week => "week".into(),
            },
        },
        generated_at: now,
        tiles,
        trend,
        backlog_ages,
        categories,
        units,
        technicians,
        satisfaction,
        low_ratings,
    })
}

#[cfg(test)]
mod tests {
    use super::percentile_disc;

    #[test]
    fn percentiles_read_from_a_histogram_match_postgresql() {
        // percentile_disc(0.5) of 10, 20, 20, 40 is 20; (0.9) is 40; of nothing, none.
        let h = [(10, 1), (20, 2), (40, 1)];
        assert_eq!(percentile_disc(&h, 0.5), Some(20));
        assert_eq!(percentile_disc(&h, 0.9), Some(40));
        assert_eq!(percentile_disc(&h, 0.25), Some(10));
        assert_eq!(percentile_disc(&[(120, 1), (1080, 1)], 0.5), Some(120));
        assert_eq!(percentile_disc(&[], 0.5), None);
    }
}
