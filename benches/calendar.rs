//! How long computing a due date through the business calendar takes (target: under 5 µs on
//! average). Run by scripts/bench.sh.

use chrono::{Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use guichet::sla::calendar::Calendar;
use std::hint::black_box;

fn due_dates(c: &mut Criterion) {
    let cal = Calendar::quebec_standard(2025..=2031);
    // Starts spread over a school year, every 7 h 13 min, to hit nights, weekends and holidays.
    let base = Utc.with_ymd_and_hms(2026, 8, 24, 12, 0, 0).unwrap();
    let starts: Vec<_> = (0..1200)
        .map(|i| base + Duration::minutes(433 * i))
        .collect();
    for (name, minutes) in [
        ("first response 4 h", 240),
        ("resolution 45 h", 2700),
        ("low priority 90 h", 5400),
    ] {
        let mut i = 0;
        c.bench_function(&format!("due date: {name}"), |b| {
            b.iter(|| {
                i = (i + 1) % starts.len();
                black_box(cal.add(black_box(starts[i]), black_box(minutes)))
            })
        });
    }
}

criterion_group!(benches, due_dates);
criterion_main!(benches);
