//! Québec statutory holidays for any year, as observed by a public body: New Year's Day, Good
//! Friday, Easter Monday, Journée nationale des patriotes (the Monday before 25 May), Fête
//! nationale (24 June), Canada Day (1 July), Labour Day, Thanksgiving and Christmas. A fixed-date
//! holiday that falls on a Sunday is observed the Monday after (the rule of the Fête nationale and
//! Canada Day acts, applied to all fixed dates as boards' agreements do). Board-specific days are data.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    /// Fluent key suffix: `holiday-<code>`.
    pub code: &'static str,
}

/// Easter Sunday (Gregorian), by the anonymous Meeus/Jones/Butcher algorithm.
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).unwrap_or(NaiveDate::MIN)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The n-th (1-based) given weekday of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n as u8).unwrap_or(NaiveDate::MIN)
}

fn observed(d: NaiveDate) -> NaiveDate {
    if d.weekday() == Weekday::Sun {
        d + Duration::days(1)
    } else {
        d
    }
}

pub fn quebec(year: i32) -> Vec<Holiday> {
    let e = easter(year);
    // The Monday before 25 May: the last Monday from 18 to 24 May.
    let may24 = date(year, 5, 24);
    let patriotes = may24 - Duration::days(may24.weekday().num_days_from_monday() as i64);
    vec![
        Holiday {
            date: observed(date(year, 1, 1)),
            code: "new-year",
        },
        Holiday {
            date: e - Duration::days(2),
            code: "good-friday",
        },
        Holiday {
            date: e + Duration::days(1),
            code: "easter-monday",
        },
        Holiday {
            date: patriotes,
            code: "patriotes",
        },
        Holiday {
            date: observed(date(year, 6, 24)),
            code: "fete-nationale",
        },
        Holiday {
            date: observed(date(year, 7, 1)),
            code: "canada-day",
        },
        Holiday {
            date: nth_weekday(year, 9, Weekday::Mon, 1),
            code: "labour-day",
        },
        Holiday {
            date: nth_weekday(year, 10, Weekday::Mon, 2),
            code: "thanksgiving",
        },
        Holiday {
            date: observed(date(year, 12, 25)),
            code: "christmas",
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn on(year: i32, code: &str) -> NaiveDate {
        quebec(year)
            .into_iter()
            .find(|h| h.code == code)
            .unwrap()
            .date
    }

    #[test]
    fn easter_falls_on_known_dates() {
        assert_eq!(easter(2024), d(2024, 3, 31));
        assert_eq!(easter(2025), d(2025, 4, 20));
        assert_eq!(easter(2026), d(2026, 4, 5));
        assert_eq!(easter(2027), d(2027, 3, 28));
        assert_eq!(easter(2038), d(2038, 4, 25));
        assert_eq!(on(2026, "good-friday"), d(2026, 4, 3));
        assert_eq!(on(2026, "easter-monday"), d(2026, 4, 6));
    }

    #[test]
    fn patriotes_day_is_the_monday_before_the_25th_of_may() {
        assert_eq!(on(2025, "patriotes"), d(2025, 5, 19));
        assert_eq!(on(2026, "patriotes"), d(2026, 5, 18)); // 25 May 2026 is itself a Monday
        assert_eq!(on(2027, "patriotes"), d(2027, 5, 24));
    }

    #[test]
    fn sunday_holidays_move_to_monday() {
        // 24 June and 1 July 2018 were Sundays.
        assert_eq!(on(2018, "fete-nationale"), d(2018, 6, 25));
        assert_eq!(on(2018, "canada-day"), d(2018, 7, 2));
        assert_eq!(on(2026, "fete-nationale"), d(2026, 6, 24));
        // Christmas 2022 was a Sunday.
        assert_eq!(on(2022, "christmas"), d(2022, 12, 26));
    }

    #[test]
    fn monday_holidays_of_autumn() {
        assert_eq!(on(2026, "labour-day"), d(2026, 9, 7));
        assert_eq!(on(2026, "thanksgiving"), d(2026, 10, 12));
    }
}
