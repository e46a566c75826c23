//! Recurring requests: a template an admin schedules (every week, month or year) for one or
//! several units. When an occurrence is due is pure and here; `service` creates the requests
//! (once per occurrence and unit, whichever server runs the job) and manages the schedules.

pub mod pages;
pub mod queries;
pub mod service;

use crate::code_enum;
use chrono::{Datelike, Duration, NaiveDate};

code_enum!(Frequency {
    Weekly => "weekly",
    Monthly => "monthly",
    Yearly => "yearly",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub frequency: Frequency,
    /// Yearly: the month, 1–12.
    pub month: Option<u32>,
    /// Weekly: 1 = Monday … 7 = Sunday. Otherwise the day of the month; past the month's end,
    /// the month's last day.
    pub day: u32,
    /// No occurrence before this date.
    pub starts_on: NaiveDate,
}

fn last_day(year: i32, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

/// The `day` of a month, or its last day when the month is shorter.
fn in_month(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day.min(last_day(year, month)))
}

fn prev_month(year: i32, month: u32) -> (i32, u32) {
    if month == 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    }
}

fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

impl Schedule {
    /// The latest occurrence on or before `today`, if it is not before `starts_on`. A job that
    /// missed days (a server stopped) creates this one occurrence, not every missed one.
    pub fn latest(&self, today: NaiveDate) -> Option<NaiveDate> {
        let candidate = match self.frequency {
            Frequency::Weekly => {
                let now = today.weekday().number_from_monday();
                let back = (now + 7 - self.day.clamp(1, 7)) % 7;
                Some(today - Duration::days(back as i64))
            }
            Frequency::Monthly => {
                let this = in_month(today.year(), today.month(), self.day)?;
                if this <= today {
                    Some(this)
                } else {
                    let (y, m) = prev_month(today.year(), today.month());
                    in_month(y, m, self.day)
                }
            }
            Frequency::Yearly => {
                let month = self.month?;
                let this = in_month(today.year(), month, self.day)?;
                if this <= today {
                    Some(this)
                } else {
                    in_month(today.year() - 1, month, self.day)
                }
            }
        }?;
        (candidate >= self.starts_on).then_some(candidate)
    }

    /// The first occurrence strictly after `after` (and not before `starts_on`).
    pub fn next(&self, after: NaiveDate) -> Option<NaiveDate> {
        let after = after.max(self.starts_on - Duration::days(1));
        match self.frequency {
            Frequency::Weekly => {
                let now = after.weekday().number_from_monday();
                let ahead = match (self.day.clamp(1, 7) + 7 - now) % 7 {
                    0 => 7,
                    n => n,
                };
                Some(after + Duration::days(ahead as i64))
            }
            Frequency::Monthly => {
                let this = in_month(after.year(), after.month(), self.day)?;
                if this > after {
                    Some(this)
                } else {
                    let (y, m) = next_month(after.year(), after.month());
                    in_month(y, m, self.day)
                }
            }
            Frequency::Yearly => {
                let month = self.month?;
                let this = in_month(after.year(), month, self.day)?;
                if this > after {
                    Some(this)
                } else {
                    in_month(after.year() + 1, month, self.day)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn schedule(frequency: Frequency, month: Option<u32>, day: u32) -> Schedule {
        Schedule {
            frequency,
            month,
            day,
            starts_on: d(2026, 1, 1),
        }
    }

    #[test]
    fn every_august_the_first() {
        let s = schedule(Frequency::Yearly, Some(8), 1);
        assert_eq!(s.latest(d(2026, 7, 31)), None, "not before the start");
        assert_eq!(s.latest(d(2026, 8, 1)), Some(d(2026, 8, 1)));
        assert_eq!(s.latest(d(2027, 3, 15)), Some(d(2026, 8, 1)));
        assert_eq!(s.next(d(2026, 8, 1)), Some(d(2027, 8, 1)));
    }

    #[test]
    fn a_31st_falls_on_the_last_day_of_short_months() {
        let s = schedule(Frequency::Monthly, None, 31);
        assert_eq!(s.latest(d(2026, 2, 28)), Some(d(2026, 2, 28)));
        assert_eq!(s.latest(d(2026, 3, 30)), Some(d(2026, 2, 28)));
        assert_eq!(s.next(d(2026, 2, 28)), Some(d(2026, 3, 31)));
        assert_eq!(s.next(d(2028, 1, 31)), Some(d(2028, 2, 29)));
    }

    #[test]
    fn weekly_on_monday() {
        let s = schedule(Frequency::Weekly, None, 1);
        // 2026-11-27 is a Friday; the Monday before is 23 November.
        assert_eq!(s.latest(d(2026, 11, 27)), Some(d(2026, 11, 23)));
        assert_eq!(s.latest(d(2026, 11, 23)), Some(d(2026, 11, 23)));
        assert_eq!(s.next(d(2026, 11, 23)), Some(d(2026, 11, 30)));
    }

    #[test]
    fn the_latest_occurrence_is_never_after_today_and_the_next_always_is() {
        let mut day = d(2026, 1, 1);
        for f in Frequency::ALL {
            let s = schedule(*f, (*f == Frequency::Yearly).then_some(6), 15);
            for _ in 0..800 {
                if let Some(l) = s.latest(day) {
                    assert!(l <= day);
                    assert!(s.next(l).is_some_and(|n| n > day), "{f:?} {day}");
                }
                day = day.succ_opt().unwrap();
            }
            day = d(2026, 1, 1);
        }
    }
}
