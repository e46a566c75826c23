//! Throttling per API token: at most `api_requests_per_minute` requests in each calendar minute
//! (0 = no limit), counted before the token is even looked up, so a wrong token hammered in a
//! loop costs no database work. Counts are per server (several servers each allow the limit).

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct RateLimiter {
    per_minute: u32,
    /// Per token digest: the minute counted and the requests in it.
    windows: Mutex<HashMap<[u8; 32], (i64, u32)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `token` at `unix_seconds`; false once the minute's allowance is used.
    pub fn allow(&self, token: &str, unix_seconds: i64) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let minute = unix_seconds.div_euclid(60);
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 10_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let entry = windows.entry(key).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_gets_its_allowance_each_minute_and_others_theirs() {
        let l = RateLimiter::new(3);
        let t0 = 1_800_000_000; // a minute boundary
        assert!((0..3).all(|i| l.allow("a", t0 + i)));
        assert!(!l.allow("a", t0 + 30), "the fourth in the same minute");
        assert!(l.allow("b", t0 + 30), "another token is not affected");
        assert!(l.allow("a", t0 + 60), "the next minute starts afresh");
    }

    #[test]
    fn zero_means_no_limit() {
        let l = RateLimiter::new(0);
        assert!((0..10_000).all(|i| l.allow("a", i / 100)));
    }
}
