//! The period a dashboard covers, in the board's time (Montréal): this week (Monday to Sunday),
//! this month, this school year (1 July to 30 June) or a custom range of days. Pure: the
//! instants are computed from the local days, so a period ends at local midnight whatever the
//! daylight saving time.

use crate::error::{FieldErrors, Msg};
use crate::transport::model::local_to_utc;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

/// At most this many days in a custom range (five school years).
pub const MAX_DAYS: i64 = 5 * 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Week,
    Month,
    SchoolYear,
    Custom,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Week => "week",
            Kind::Month => "month",
            Kind::SchoolYear => "school_year",
            Kind::Custom => "custom",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: Kind,
    /// First day.
    pub first: NaiveDate,
    /// Last day, included.
    pub last: NaiveDate,
}

/// Trends count per day over a month or less, per week (from Monday) beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Day,
    Week,
}

pub fn monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// The school year holding `d`: 1 July to 30 June.
pub fn school_year(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start_year = if d.month() >= 7 {
        d.year()
    } else {
        d.year() - 1
    };
    let first = NaiveDate::from_ymd_opt(start_year, 7, 1).unwrap_or(d);
    let last = NaiveDate::from_ymd_opt(start_year + 1, 6, 30).unwrap_or(d);
    (first, last)
}

/// The month holding `d`: its first and last days.
pub fn month(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .unwrap_or(first);
    (first, next - Duration::days(1))
}

fn day(raw: Option<&str>) -> Option<NaiveDate> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

impl Period {
    /// Reads `period` (`week`, `month`, `school_year` — the default —, `custom`) with `from` and
    /// `to` for a custom range; `today` is the board's day. Errors name the parameter.
    pub fn parse(
        kind: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = match kind.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("school_year") => Kind::SchoolYear,
            Some("week") => Kind::Week,
            Some("month") => Kind::Month,
            Some("custom") => Kind::Custom,
            Some(_) => {
                errors.add("period", Msg::new("field-choice"));
                return Err(errors);
            }
        };
        let (first, last) = match kind {
            Kind::Week => (monday(today), monday(today) + Duration::days(6)),
            Kind::Month => month(today),
            Kind::SchoolYear => school_year(today),
            Kind::Custom => {
                let first = day(from);
                let last = day(to);
                if first.is_none() {
                    errors.add("from", Msg::new("field-date"));
                }
                if last.is_none() {
                    errors.add("to", Msg::new("field-date"));
                }
                match (first, last) {
                    (Some(f), Some(l)) if l < f => {
                        errors.add("to", Msg::new("dashboard-period-order"));
                        return Err(errors);
                    }
                    (Some(f), Some(l)) if (l - f).num_days() >= MAX_DAYS => {
                        errors.add("to", Msg::new("dashboard-period-long").arg("max", MAX_DAYS));
                        return Err(errors);
                    }
                    (Some(f), Some(l)) => (f, l),
                    _ => return Err(errors),
                }
            }
        };
        Ok(Period { kind, first, last })
    }

    /// `[start, end)` in UTC: local midnight of the first day to local midnight after the last.
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |d: NaiveDate| local_to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default());
        (
            midnight(self.first),
            midnight(self.last + Duration::days(1)),
        )
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    pub fn step(&self) -> Step {
        if self.days() <= 31 {
            Step::Day
        } else {
            Step::Week
        }
    }

    /// The first day of each trend bucket (the first one is the period's first day, even when
    /// it is not a Monday).
    pub fn buckets(&self) -> Vec<NaiveDate> {
        let mut out = vec![self.first];
        let mut d = match self.step() {
            Step::Day => self.first + Duration::days(1),
            Step::Week => monday(self.first) + Duration::days(7),
        };
        while d <= self.last {
            out.push(d);
            d += match self.step() {
                Step::Day => Duration::days(1),
                Step::Week => Duration::days(7),
            };
        }
        out
    }

    /// The buckets that have begun by `today` (a period running into the future stops at the
    /// current day or week); at least the first.
    pub fn buckets_until(&self, today: NaiveDate) -> Vec<NaiveDate> {
        let mut b = self.buckets();
        b.retain(|d| *d <= today);
        if b.is_empty() {
            b.push(self.first);
        }
        b
    }

    /// The instants at which those buckets start, for `width_bucket`.
    pub fn bucket_instants(&self, today: NaiveDate) -> Vec<DateTime<Utc>> {
        self.buckets_until(today)
            .into_iter()
            .map(|d| local_to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default()))
            .collect()
    }

    /// The period before this one, of the same kind (for « previous » links).
    pub fn previous(&self) -> Period {
        let (first, last) = match self.kind {
            Kind::Week => (
                self.first - Duration::days(7),
                self.first - Duration::days(1),
            ),
            Kind::Month => month(self.first - Duration::days(1)),
            Kind::SchoolYear => school_year(self.first - Duration::days(1)),
            Kind::Custom => (
                self.first - Duration::days(self.days()),
                self.first - Duration::days(1),
            ),
        };
        Period {
            kind: self.kind,
            first,
            last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &FieldErrors) -> Vec<&str> {
        e.0.keys().map(String::as_str).collect()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_school_year_turns_on_the_first_of_july() {
        assert_eq!(
            school_year(d("2026-06-30")),
            (d("2025-07-01"), d("2026-06-30"))
        );
        assert_eq!(
            school_year(d("2026-07-01")),
            (d("2026-07-01"), d("2027-06-30"))
        );
        let p = Period::parse(None, None, None, d("2026-11-27")).unwrap();
        assert_eq!(
            (p.kind, p.first, p.last),
            (Kind::SchoolYear, d("2026-07-01"), d("2027-06-30"))
        );
        assert_eq!(p.step(), Step::Week);
        assert_eq!(p.previous().first, d("2025-07-01"));
    }

    #[test]
    fn a_period_ends_at_local_midnight_across_daylight_saving_time() {
        // 1 July is in summer time (UTC−4), 1 December in winter time (UTC−5).
        let p = Period::parse(
            Some("custom"),
            Some("2026-07-01"),
            Some("2026-11-30"),
            d("2026-11-27"),
        )
        .unwrap();
        let (start, end) = p.instants();
        assert_eq!(start.to_rfc3339(), "2026-07-01T04:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-12-01T05:00:00+00:00");
    }

    #[test]
    fn weeks_start_on_monday_and_short_periods_count_per_day() {
        let p = Period::parse(Some("week"), None, None, d("2026-11-27")).unwrap();
        assert_eq!((p.first, p.last), (d("2026-11-23"), d("2026-11-29")));
        assert_eq!(p.step(), Step::Day);
        assert_eq!(p.buckets().len(), 7);
        let m = Period::parse(Some("month"), None, None, d("2026-02-10")).unwrap();
        assert_eq!((m.first, m.last), (d("2026-02-01"), d("2026-02-28")));
        let y = Period::parse(Some("school_year"), None, None, d("2026-11-27")).unwrap();
        let b = y.buckets();
        // 1 July 2026 is a Wednesday: the first bucket is short, the next starts on Monday 6.
        assert_eq!((b[0], b[1]), (d("2026-07-01"), d("2026-07-06")));
        assert_eq!(*b.last().unwrap(), d("2027-06-28"));
        // Up to the current week only.
        let shown = y.buckets_until(d("2026-11-27"));
        assert_eq!(*shown.last().unwrap(), d("2026-11-23"));
        assert_eq!(y.buckets_until(d("2026-06-01")), vec![d("2026-07-01")]);
    }

    #[test]
    fn bad_ranges_are_refused_with_the_field_at_fault() {
        let e = Period::parse(
            Some("custom"),
            Some("2026-11-30"),
            Some("2026-11-01"),
            d("2026-11-27"),
        )
        .unwrap_err();
        assert_eq!(fields(&e), vec!["to"]);
        let e = Period::parse(Some("custom"), Some("hier"), None, d("2026-11-27")).unwrap_err();
        assert_eq!(fields(&e), vec!["from", "to"]);
        let e = Period::parse(Some("decade"), None, None, d("2026-11-27")).unwrap_err();
        assert_eq!(fields(&e), vec!["period"]);
        assert!(Period::parse(
            Some("custom"),
            Some("2020-01-01"),
            Some("2026-11-01"),
            d("2026-11-27")
        )
        .is_err());
    }
}
