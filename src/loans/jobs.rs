//! Loan reminders and overdue notices: the borrower is reminded the business day before the
//! return date, told every day once the loan is overdue, and after `loan_escalation_days` the
//! borrowing unit's director is told too. Each notice is claimed in the database (a column set
//! in the claiming update), so several servers never send one twice.

use super::model::{Loan, LoanEventKind, NewLoanEvent};
use super::queries;
use super::service::{notice_payload, tell_directors};
use crate::error::AppError;
use crate::sla::calendar::Calendar;
use crate::users::queries as users;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::America::Toronto;
use diesel::prelude::*;
use serde_json::json;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub reminders: usize,
    pub overdue: usize,
    pub escalated: usize,
}

/// The business day before `d` (weekends and Québec holidays skipped).
pub fn business_day_before(calendar: &Calendar, d: NaiveDate) -> NaiveDate {
    let mut day = d.pred_opt().unwrap_or(d);
    for _ in 0..14 {
        if !calendar.hours(day).is_empty() {
            return day;
        }
        day = day.pred_opt().unwrap_or(day);
    }
    day
}

fn local_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Toronto).date_naive()
}

fn borrower_notice(
    conn: &mut PgConnection,
    loan: &Loan,
    template: &str,
    extra: serde_json::Value,
) -> Result<(), AppError> {
    let borrower = users::find(conn, loan.borrower_id)?;
    let payload = notice_payload(conn, loan, extra)?;
    crate::notify::queue(
        conn,
        &[borrower],
        &crate::notify::Notice {
            template,
            request: None,
            event: None,
            payload,
        },
    )?;
    Ok(())
}

/// Sends what is due at `now`.
pub fn run(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    escalation_days: i64,
) -> Result<Sent, AppError> {
    let year = now.with_timezone(&Toronto).year();
    let calendar = Calendar::quebec_standard(year - 1..=year + 1);
    let today = local_day(now);
    let mut sent = Sent::default();
    conn.transaction(|conn| -> Result<(), AppError> {
        let due_soon: Vec<_> = queries::reminder_candidates(conn, now, now + Duration::days(6))?
            .into_iter()
            // A loan due at midnight is due the day before: that is the return day.
            .filter(|l| {
                business_day_before(&calendar, local_day(l.due_at - Duration::seconds(1))) <= today
            })
            .map(|l| l.id)
            .collect();
        for loan in queries::mark_reminded(conn, &due_soon, now)? {
            borrower_notice(conn, &loan, "loan_reminder", json!({}))?;
            queries::insert_event(
                conn,
                &NewLoanEvent {
                    loan_id: loan.id,
                    kind: LoanEventKind::Reminded,
                    actor_id: None,
                    data: json!({}),
                },
            )?;
            sent.reminders += 1;
        }
        for loan in queries::claim_overdue(conn, now, today)? {
            let days = (today - local_day(loan.due_at - Duration::seconds(1)))
                .num_days()
                .max(1);
            borrower_notice(conn, &loan, "loan_overdue", json!({"days": days}))?;
            queries::insert_event(
                conn,
                &NewLoanEvent {
                    loan_id: loan.id,
                    kind: LoanEventKind::Overdue,
                    actor_id: None,
                    data: json!({"days": days}),
                },
            )?;
            sent.overdue += 1;
            if days >= escalation_days && queries::set_escalated(conn, loan.id, now)? == 1 {
                tell_directors(conn, &loan, "loan_escalated", json!({"days": days}))?;
                queries::insert_event(
                    conn,
                    &NewLoanEvent {
                        loan_id: loan.id,
                        kind: LoanEventKind::Escalated,
                        actor_id: None,
                        data: json!({"days": days}),
                    },
                )?;
                sent.escalated += 1;
            }
        }
        Ok(())
    })?;
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reminder_goes_the_business_day_before() {
        let cal = Calendar::quebec_standard(2026..=2027);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        // Due Tuesday → Monday; due Monday → the Friday before.
        assert_eq!(business_day_before(&cal, d(12, 8)), d(12, 7));
        assert_eq!(business_day_before(&cal, d(12, 7)), d(12, 4));
        // Due the Tuesday after Labour Day (Monday 7 September 2026) → Friday 4 September.
        assert_eq!(business_day_before(&cal, d(9, 8)), d(9, 4));
    }
}
