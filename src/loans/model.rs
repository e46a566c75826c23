//! Rows of loans, their items and history, and the pure rules: the loan lifecycle and the peak
//! load of a pool over a period.

use crate::code_enum;
use crate::db::schema::{loan_events, loans};
use crate::db::{AssetModelId, LoanId, RequestId, UnitId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

code_enum!(LoanStatus {
    Requested => "requested",
    Approved => "approved",
    Refused => "refused",
    CheckedOut => "checked_out",
    Returned => "returned",
    Cancelled => "cancelled",
});

code_enum!(LoanEventKind {
    Reserved => "reserved",
    Approved => "approved",
    Refused => "refused",
    CheckedOut => "checked_out",
    Acknowledged => "acknowledged",
    Extended => "extended",
    Returned => "returned",
    Cancelled => "cancelled",
    Reminded => "reminded",
    Overdue => "overdue",
    Escalated => "escalated",
});

code_enum!(Condition {
    Ok => "ok",
    Damaged => "damaged",
    Missing => "missing",
});

impl LoanStatus {
    /// Still holding (or about to hold) equipment.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LoanStatus::Requested | LoanStatus::Approved | LoanStatus::CheckedOut
        )
    }
    /// Not handed over yet: may still be cancelled or change its assets.
    pub fn is_booking(self) -> bool {
        matches!(self, LoanStatus::Requested | LoanStatus::Approved)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = loans)]
pub struct Loan {
    pub id: LoanId,
    pub borrower_id: UserId,
    pub unit_id: UnitId,
    pub lending_unit_id: UnitId,
    pub model_id: Option<AssetModelId>,
    pub quantity: Option<i32>,
    pub starts_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub status: LoanStatus,
    pub purpose: String,
    pub request_id: Option<RequestId>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub checked_out_by: Option<UserId>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_ip: Option<String>,
    pub acknowledged_by: Option<UserId>,
    pub conditions: String,
    pub returned_at: Option<DateTime<Utc>>,
    pub reminded_at: Option<DateTime<Utc>>,
    pub overdue_notice_on: Option<NaiveDate>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = loans)]
pub struct NewLoan {
    pub borrower_id: UserId,
    pub unit_id: UnitId,
    pub lending_unit_id: UnitId,
    pub model_id: Option<AssetModelId>,
    pub quantity: Option<i32>,
    pub starts_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub status: LoanStatus,
    pub purpose: String,
    pub request_id: Option<RequestId>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = loan_events)]
pub struct NewLoanEvent {
    pub loan_id: LoanId,
    pub kind: LoanEventKind,
    pub actor_id: Option<UserId>,
    pub data: serde_json::Value,
}

/// One asset of a loan, with its booked period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemView {
    /// Inventory number.
    pub tag: String,
    pub model: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    /// `ok`, `damaged` or `missing`, once returned.
    pub condition: Option<String>,
    pub condition_note: String,
    /// The asset is still with the borrower (or booked for them).
    pub active: bool,
}

/// A loan as pages and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoanView {
    pub id: i64,
    pub status: String,
    pub status_label: String,
    pub borrower: crate::users::model::PersonRef,
    /// Borrowing unit code.
    pub unit: String,
    pub unit_name: String,
    pub lending_unit: String,
    pub lending_unit_name: String,
    /// For a quantity of a model: the model, « Lenovo 300e Chromebook ».
    pub model: Option<String>,
    pub quantity: Option<i32>,
    pub starts_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub purpose: String,
    pub request: Option<String>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub conditions: String,
    pub checked_out_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub items: Vec<ItemView>,
}

/// The most units of a pool in use at any instant of `[from, to)`, given the bookings that
/// overlap it (each a period and a quantity).
pub fn peak_load(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    bookings: &[(DateTime<Utc>, DateTime<Utc>, i64)],
) -> i64 {
    let mut edges: Vec<(DateTime<Utc>, i64)> = Vec::new();
    for (a, b, q) in bookings {
        let (a, b) = ((*a).max(from), (*b).min(to));
        if a < b {
            edges.push((a, *q));
            edges.push((b, -*q));
        }
    }
    // At equal instants, ends before starts: periods are half-open.
    edges.sort_by_key(|(t, q)| (*t, *q));
    let (mut load, mut peak) = (0, 0);
    for (_, q) in edges {
        load += q;
        peak = peak.max(load);
    }
    peak
}

/// The peak of each of consecutive periods `days` (each `[start, end)`, in order), in one pass
/// over the bookings sorted once.
pub fn daily_peaks(
    days: &[(DateTime<Utc>, DateTime<Utc>)],
    bookings: &[(DateTime<Utc>, DateTime<Utc>, i64)],
) -> Vec<i64> {
    let mut edges: Vec<(DateTime<Utc>, i64)> = Vec::with_capacity(bookings.len() * 2);
    for (a, b, q) in bookings {
        if a < b {
            edges.push((*a, *q));
            edges.push((*b, -*q));
        }
    }
    edges.sort_by_key(|(t, q)| (*t, *q));
    let mut out = Vec::with_capacity(days.len());
    let (mut i, mut load) = (0, 0);
    for (start, end) in days {
        // Everything up to the start of the day (ends before starts at equal instants).
        while i < edges.len() && edges[i].0 <= *start {
            load += edges[i].1;
            i += 1;
        }
        let mut peak = load;
        while i < edges.len() && edges[i].0 < *end {
            load += edges[i].1;
            peak = peak.max(load);
            i += 1;
        }
        out.push(peak);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, 0, 0, 0).unwrap()
    }

    #[test]
    fn the_peak_counts_only_bookings_that_overlap_at_the_same_time() {
        let bookings = [
            (day(1), day(5), 10),
            (day(5), day(9), 10),
            (day(3), day(6), 5),
        ];
        assert_eq!(peak_load(day(1), day(10), &bookings), 15);
        // Back-to-back bookings never add up.
        assert_eq!(peak_load(day(1), day(10), &bookings[..2]), 10);
        // Only the asked period matters.
        assert_eq!(peak_load(day(7), day(9), &bookings), 10);
        assert_eq!(peak_load(day(9), day(10), &bookings), 0);
    }

    #[test]
    fn daily_peaks_match_the_peak_of_each_day() {
        let bookings = [
            (day(1), day(5), 10),
            (day(5), day(9), 10),
            (day(3), day(6), 5),
            (day(2) + chrono::Duration::hours(12), day(3), 7),
        ];
        let days: Vec<_> = (1..10).map(|d| (day(d), day(d + 1))).collect();
        let expected: Vec<i64> = days
            .iter()
            .map(|(a, b)| peak_load(*a, *b, &bookings))
            .collect();
        assert_eq!(daily_peaks(&days, &bookings), expected);
        assert_eq!(expected, [10, 17, 15, 15, 15, 10, 10, 10, 0]);
    }

    #[test]
    fn open_loans_hold_equipment_and_bookings_may_still_change() {
        assert!(LoanStatus::CheckedOut.is_open() && !LoanStatus::CheckedOut.is_booking());
        assert!(LoanStatus::Requested.is_booking() && LoanStatus::Approved.is_booking());
        for s in [
            LoanStatus::Refused,
            LoanStatus::Returned,
            LoanStatus::Cancelled,
        ] {
            assert!(!s.is_open() && !s.is_booking());
        }
    }
}
