//! Business time: a calendar (time zone, weekly business hours, periods with other hours such as
//! summer hours, days off such as holidays and closures) and the pure arithmetic on it — adding
//! business minutes to an instant, and counting business minutes between two instants.

use super::holidays;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Business intervals of each weekday, Monday first, in local time.
pub type Week = [Vec<(NaiveTime, NaiveTime)>; 7];

/// Other hours for a stretch of dates (inclusive), e.g. summer hours.
#[derive(Debug, Clone)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub week: Week,
}

#[derive(Debug, Clone)]
pub struct Calendar {
    pub tz: Tz,
    pub week: Week,
    pub periods: Vec<Period>,
    pub days_off: HashSet<NaiveDate>,
}

/// How far ahead to look before deciding a calendar has no business time at all.
const HORIZON_DAYS: i64 = 5 * 366;

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// A local wall-clock time as an instant. In the autumn overlap the first occurrence is taken;
/// in the spring gap, the first instant after it.
fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(early, _) => early.with_timezone(&Utc),
        LocalResult::None => to_utc(tz, local + Duration::hours(1)),
    }
}

impl Calendar {
    /// Monday to Friday, 7:30 to 16:30, in `America/Toronto`, with Québec's statutory holidays
    /// for the given years.
    pub fn quebec_standard(years: std::ops::RangeInclusive<i32>) -> Calendar {
        let day = vec![(hm(7, 30), hm(16, 30))];
        let week: Week = [
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            vec![],
            vec![],
        ];
        Calendar {
            tz: chrono_tz::America::Toronto,
            week,
            periods: Vec::new(),
            days_off: years.flat_map(holidays::quebec).map(|h| h.date).collect(),
        }
    }

    /// The business intervals of a local date.
    pub fn hours(&self, d: NaiveDate) -> &[(NaiveTime, NaiveTime)] {
        if self.days_off.contains(&d) {
            return &[];
        }
        let wd = d.weekday().num_days_from_monday() as usize;
        match self.periods.iter().find(|p| p.from <= d && d <= p.to) {
            Some(p) => &p.week[wd],
            None => &self.week[wd],
        }
    }

    fn intervals(&self, d: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        self.hours(d).iter().map(move |(s, e)| {
            (
                to_utc(self.tz, d.and_time(*s)),
                to_utc(self.tz, d.and_time(*e)),
            )
        })
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// The instant `minutes` business minutes after `start` (`start` itself for zero or less).
    /// `None` when the calendar has no business time within five years.
    pub fn add(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        let mut remaining = minutes.max(0) * 60;
        if remaining == 0 {
            return Some(start);
        }
        let mut day = self.local_date(start);
        for _ in 0..HORIZON_DAYS {
            for (s, e) in self.intervals(day) {
                if e <= start {
                    continue;
                }
                let from = s.max(start);
                let available = (e - from).num_seconds();
                if available >= remaining {
                    return Some(from + Duration::seconds(remaining));
                }
                remaining -= available;
            }
            day = day.succ_opt()?;
        }
        None
    }

    /// Business seconds in `[a, b)` (zero when `b <= a`).
    pub fn seconds_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        let (first, last) = (self.local_date(a), self.local_date(b));
        let mut total = 0;
        let mut day = first;
        while day <= last {
            for (s, e) in self.intervals(day) {
                let (from, to) = (s.max(a), e.min(b));
                if to > from {
                    total += (to - from).num_seconds();
                }
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        total
    }

    /// Business minutes in `[a, b)`, rounded down.
    pub fn minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.seconds_between(a, b) / 60
    }

    /// Whether an instant is within business hours (interval ends included).
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        self.intervals(self.local_date(t))
            .any(|(s, e)| s <= t && t <= e)
    }
}

/// A calendar as stored (JSON in `sla_calendars.definition`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CalendarDef {
    pub tz: String,
    /// Seven lists (Monday first) of `["07:30", "16:30"]` intervals.
    pub week: Vec<Vec<[String; 2]>>,
    /// Periods with other hours: `{"from": "2027-06-28", "to": "2027-08-20", "week": [...]}`.
    #[serde(default)]
    pub periods: Vec<PeriodDef>,
    /// Add Québec's statutory holidays.
    #[serde(default = "yes")]
    pub quebec_holidays: bool,
    /// Board-specific days off: closures, pedagogical days without service, …
    #[serde(default)]
    pub days_off: Vec<NaiveDate>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PeriodDef {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub week: Vec<Vec<[String; 2]>>,
}

fn parse_week(week: &[Vec<[String; 2]>]) -> Result<Week, String> {
    if week.len() != 7 {
        return Err(format!("a week has 7 days, not {}", week.len()));
    }
    let mut out: Week = Default::default();
    for (i, day) in week.iter().enumerate() {
        let mut intervals = Vec::new();
        for [s, e] in day {
            let s = NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("bad time {s:?}"))?;
            let e = NaiveTime::parse_from_str(e, "%H:%M").map_err(|_| format!("bad time {e:?}"))?;
            if e <= s {
                return Err(format!("interval {s}–{e} ends before it starts"));
            }
            intervals.push((s, e));
        }
        intervals.sort();
        if intervals.windows(2).any(|w| w[1].0 < w[0].1) {
            return Err("intervals overlap".into());
        }
        out[i] = intervals;
    }
    Ok(out)
}

impl CalendarDef {
    /// Builds the calendar, with Québec holidays for `years` when asked.
    pub fn build(&self, years: std::ops::RangeInclusive<i32>) -> Result<Calendar, String> {
        let tz: Tz = self
            .tz
            .parse()
            .map_err(|_| format!("unknown time zone {:?}", self.tz))?;
        let mut days_off: HashSet<NaiveDate> = self.days_off.iter().copied().collect();
        if self.quebec_holidays {
            days_off.extend(years.flat_map(holidays::quebec).map(|h| h.date));
        }
        let periods = self
            .periods
            .iter()
            .map(|p| {
                Ok(Period {
                    from: p.from,
                    to: p.to,
                    week: parse_week(&p.week)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Calendar {
            tz,
            week: parse_week(&self.week)?,
            periods,
            days_off,
        })
    }

    pub fn quebec_standard() -> CalendarDef {
        let day = || vec![["07:30".to_string(), "16:30".to_string()]];
        CalendarDef {
            tz: "America/Toronto".into(),
            week: vec![day(), day(), day(), day(), day(), vec![], vec![]],
            periods: vec![],
            quebec_holidays: true,
            days_off: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cal() -> Calendar {
        Calendar::quebec_standard(2024..=2029)
    }

    /// A local Toronto time as an instant.
    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        to_utc(
            chrono_tz::America::Toronto,
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, min, 0)
                .unwrap(),
        )
    }

    #[test]
    fn a_day_of_work_is_nine_hours() {
        let c = cal();
        assert_eq!(
            c.add(at(2026, 11, 24, 7, 30), 9 * 60),
            Some(at(2026, 11, 24, 16, 30))
        );
        assert_eq!(
            c.add(at(2026, 11, 24, 16, 0), 60),
            Some(at(2026, 11, 25, 8, 0))
        );
        // Submitted at night: the clock starts the next morning.
        assert_eq!(
            c.add(at(2026, 11, 24, 22, 0), 30),
            Some(at(2026, 11, 25, 8, 0))
        );
    }

    #[test]
    fn weekends_and_easter_are_skipped() {
        let c = cal();
        // Thursday 2 April 2026, 16:00 + 1 h: Good Friday, the weekend and Easter Monday pass.
        assert_eq!(c.add(at(2026, 4, 2, 16, 0), 60), Some(at(2026, 4, 7, 8, 0)));
    }

    #[test]
    fn the_fete_nationale_on_a_sunday_is_observed_on_monday() {
        let c = Calendar::quebec_standard(2018..=2018);
        // Friday 22 June 2018 16:00 + 1 h → Tuesday 26 June 8:00 (Monday the 25th is off).
        assert_eq!(
            c.add(at(2018, 6, 22, 16, 0), 60),
            Some(at(2018, 6, 26, 8, 0))
        );
    }

    #[test]
    fn daylight_saving_changes_do_not_shift_business_hours() {
        let c = cal();
        // Spring forward on Sunday 8 March 2026: Friday 16:00 EST + 1 h = Monday 8:00 EDT.
        let due = c.add(at(2026, 3, 6, 16, 0), 60).unwrap();
        assert_eq!(due, at(2026, 3, 9, 8, 0));
        assert_eq!(due.to_rfc3339(), "2026-03-09T12:00:00+00:00");
        // Fall back on Sunday 1 November 2026: Friday 16:00 EDT + 1 h = Monday 8:00 EST.
        let due = c.add(at(2026, 10, 30, 16, 0), 60).unwrap();
        assert_eq!(due.to_rfc3339(), "2026-11-02T13:00:00+00:00");
        assert_eq!(c.minutes_between(at(2026, 10, 30, 16, 0), due), 60);
        // A full business day on the Monday after the change is still nine hours.
        assert_eq!(
            c.minutes_between(at(2026, 3, 9, 0, 0), at(2026, 3, 10, 0, 0)),
            9 * 60
        );
    }

    #[test]
    fn summer_hours_and_closures_come_from_data() {
        let mut def = CalendarDef::quebec_standard();
        def.days_off = vec![NaiveDate::from_ymd_opt(2026, 12, 28).unwrap()];
        def.periods = vec![PeriodDef {
            from: NaiveDate::from_ymd_opt(2026, 6, 29).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 8, 21).unwrap(),
            week: vec![
                vec![["08:00".into(), "12:00".into()]],
                vec![["08:00".into(), "12:00".into()]],
                vec![["08:00".into(), "12:00".into()]],
                vec![["08:00".into(), "12:00".into()]],
                vec![],
                vec![],
                vec![],
            ],
        }];
        let c = def.build(2026..=2026).unwrap();
        // Thursday 2 July 2026 11:00 + 2 h, summer hours: Friday is off → Monday 6 July 9:00.
        assert_eq!(
            c.add(at(2026, 7, 2, 11, 0), 120),
            Some(at(2026, 7, 6, 9, 0))
        );
        // Christmas (Friday 25), then the closure on Monday 28 December.
        assert_eq!(
            c.add(at(2026, 12, 24, 16, 0), 60),
            Some(at(2026, 12, 29, 8, 0))
        );
    }

    #[test]
    fn a_calendar_without_hours_says_so() {
        let mut def = CalendarDef::quebec_standard();
        def.week = vec![vec![]; 7];
        let c = def.build(2026..=2026).unwrap();
        assert_eq!(c.add(at(2026, 1, 5, 9, 0), 1), None);
        assert_eq!(c.add(at(2026, 1, 5, 9, 0), 0), Some(at(2026, 1, 5, 9, 0)));
    }

    #[test]
    fn bad_definitions_are_refused() {
        let mut def = CalendarDef::quebec_standard();
        def.tz = "Mars/Olympus".into();
        assert!(def.build(2026..=2026).is_err());
        let mut def = CalendarDef::quebec_standard();
        def.week[0] = vec![["16:30".into(), "07:30".into()]];
        assert!(def.build(2026..=2026).is_err());
        let mut def = CalendarDef::quebec_standard();
        def.week.pop();
        assert!(def.build(2026..=2026).is_err());
    }

    fn instants() -> impl Strategy<Value = DateTime<Utc>> {
        // Any minute from 2025 to 2028.
        (0i64..(4 * 366 * 24 * 60))
            .prop_map(|m| Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + Duration::minutes(m))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn adding_is_monotonic(start in instants(), a in 0i64..5000, b in 0i64..5000) {
            let c = cal();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(c.add(start, lo).unwrap() <= c.add(start, hi).unwrap());
        }

        #[test]
        fn adding_is_additive_across_splits(start in instants(), a in 0i64..3000, b in 0i64..3000) {
            let c = cal();
            let once = c.add(start, a + b).unwrap();
            let twice = c.add(c.add(start, a).unwrap(), b).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn the_result_is_within_business_hours(start in instants(), m in 1i64..10000) {
            let c = cal();
            prop_assert!(c.is_open(c.add(start, m).unwrap()));
        }

        #[test]
        fn counting_undoes_adding(start in instants(), m in 0i64..10000) {
            let c = cal();
            let due = c.add(start, m).unwrap();
            prop_assert_eq!(c.minutes_between(start, due), m);
        }
    }
}
