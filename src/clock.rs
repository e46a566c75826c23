//! What time it is for the application: the system's clock in service, a moment a test sets
//! (and moves) in tests. Handlers and jobs ask `state.clock.now()` rather than `Utc::now()`, so
//! a story that spans days (a loan's reminder, its overdue notices) does not depend on the day
//! the tests run.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Toronto;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// No moment set: the system's clock.
const SYSTEM: i64 = i64::MIN;

#[derive(Clone, Debug)]
pub struct Clock(Arc<AtomicI64>);

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(AtomicI64::new(SYSTEM)))
    }

    /// A clock that stays at `at` until it is set again.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        let clock = Clock::system();
        clock.set(at);
        clock
    }

    /// Sets the moment every holder of this clock (and its clones) sees.
    pub fn set(&self, at: DateTime<Utc>) {
        self.0.store(at.timestamp_micros(), Ordering::Relaxed);
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.0.load(Ordering::Relaxed) {
            SYSTEM => Utc::now(),
            micros => Utc
                .timestamp_micros(micros)
                .single()
                .unwrap_or_else(Utc::now),
        }
    }

    /// Today in Montréal.
    pub fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Toronto).date_naive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stays_and_moves_for_every_clone() {
        let at = Utc.with_ymd_and_hms(2029, 3, 26, 14, 0, 0).unwrap();
        let clock = Clock::fixed(at);
        let other = clock.clone();
        assert_eq!(other.now(), at);
        assert_eq!(other.today(), NaiveDate::from_ymd_opt(2029, 3, 26).unwrap());
        clock.set(at + chrono::Duration::days(2));
        assert_eq!(other.now(), at + chrono::Duration::days(2));
    }

    #[test]
    fn the_system_clock_follows_the_system() {
        let before = Utc::now();
        let now = Clock::system().now();
        assert!(now >= before && now <= Utc::now());
    }
}
