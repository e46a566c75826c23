//! What loan pages and the API show: one loan, the lists (the borrower's, the director's, the
//! desk's), and a model's availability per day and per asset.

use super::booking::parse_when;
use super::model::*;
use super::queries::{self, LoanFilter};
use super::service::invalid;
use crate::auth::CurrentUser;
use crate::db::{AssetId, AssetModelId, LoanId, UnitId};
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::inventory::queries as inventory;
use crate::units::queries as units;
use crate::users::queries as users;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::America::Toronto;
use diesel::prelude::*;
use utoipa::ToSchema;

pub fn status_label(locale: Locale, s: LoanStatus) -> String {
    i18n::tr(locale, "loan-status", &[("code".into(), s.code().into())])
}

/// One loan, if this person may see it.
pub fn view(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<LoanView, AppError> {
    let loan = queries::find(conn, id)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if !user.sees_loan(loan.borrower_id, loan.unit_id) {
        return Err(AppError::NotFound);
    }
    let mut v = views(conn, vec![loan], locale, now)?;
    v.pop().ok_or(AppError::NotFound)
}

pub fn views(
    conn: &mut PgConnection,
    loans: Vec<Loan>,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Vec<LoanView>, AppError> {
    let unit_list = units::all(conn)?;
    let unit_of = |id: UnitId| unit_list.iter().find(|u| u.id == id);
    let mut out = Vec::with_capacity(loans.len());
    for l in loans {
        let borrower = users::find(conn, l.borrower_id)?;
        let model = match l.model_id {
            Some(m) => Some(inventory::model(conn, m).map(|m| format!("{} {}", m.maker, m.name))?),
            None => None,
        };
        let items = queries::items(conn, l.id)?
            .into_iter()
            .map(|i| ItemView {
                tag: i.tag,
                model: i.model,
                from: i.from,
                to: i.to,
                checked_out_at: i.checked_out_at,
                returned_at: i.returned_at,
                condition: i.condition,
                condition_note: i.condition_note,
                active: i.active,
            })
            .collect();
        let request = l
            .request_id
            .map(|r| crate::requests::queries::label_of(conn, r))
            .transpose()?;
        let (u, lu) = (unit_of(l.unit_id), unit_of(l.lending_unit_id));
        out.push(LoanView {
            id: l.id.0,
            status: l.status.code().to_string(),
            status_label: status_label(locale, l.status),
            borrower: crate::users::model::PersonRef {
                email: borrower.email,
                name: borrower.display_name,
            },
            unit: u.map(|u| u.code.clone()).unwrap_or_default(),
            unit_name: u
                .map(|u| locale.pick(&u.name_fr, &u.name_en).to_string())
                .unwrap_or_default(),
            lending_unit: lu.map(|u| u.code.clone()).unwrap_or_default(),
            lending_unit_name: lu
                .map(|u| locale.pick(&u.name_fr, &u.name_en).to_string())
                .unwrap_or_default(),
            model,
            quantity: l.quantity,
            starts_at: l.starts_at,
            due_at: l.due_at,
            overdue: l.status == LoanStatus::CheckedOut && l.due_at < now,
            purpose: l.purpose,
            request,
            acknowledged_at: l.acknowledged_at,
            conditions: l.conditions,
            checked_out_at: l.checked_out_at,
            returned_at: l.returned_at,
            decision_note: l.decision_note,
            items,
        });
    }
    Ok(out)
}

/// Which loans a list shows: the borrower's own, a director's unit's, or the desk's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoanList {
    Mine,
    /// Waiting for this director's decision.
    ToApprove,
    /// The desk: bookings to hand over by the end of the day.
    ToHandOver,
    /// The desk: loans out, soonest due first (overdue first).
    Out,
}

pub fn list(
    conn: &mut PgConnection,
    user: &CurrentUser,
    which: LoanList,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Vec<LoanView>, AppError> {
    let mut f = LoanFilter {
        limit: 200,
        ..Default::default()
    };
    match which {
        LoanList::Mine => {
            f.borrower = Some(user.id);
            f.statuses = Some(vec![
                LoanStatus::Requested,
                LoanStatus::Approved,
                LoanStatus::CheckedOut,
            ]);
        }
        LoanList::ToApprove => {
            let managed = user.managed_units();
            if managed.is_empty() {
                return Ok(Vec::new());
            }
            f.units = Some(managed);
            f.statuses = Some(vec![LoanStatus::Requested]);
        }
        LoanList::ToHandOver | LoanList::Out if !user.lends() => return Err(AppError::Forbidden),
        LoanList::ToHandOver => {
            f.statuses = Some(vec![LoanStatus::Approved]);
            let end_of_day =
                parse_when(&now.with_timezone(&Toronto).date_naive().to_string(), true);
            f.starting_before = end_of_day;
        }
        LoanList::Out => f.statuses = Some(vec![LoanStatus::CheckedOut]),
    }
    let loans = queries::list(conn, &f)?;
    views(conn, loans, locale, now)
}

/// A booked period, `[from, to)`.
type Period = (DateTime<Utc>, DateTime<Utc>);

/// Availability of a model (at one lending unit, or all), per day, and per asset.
#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct Availability {
    pub model: String,
    /// Lendable assets.
    pub capacity: i64,
    pub days: Vec<DayAvailability>,
    pub assets: Vec<AssetAvailability>,
}

#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct DayAvailability {
    pub date: NaiveDate,
    /// The most booked at any time that day.
    pub booked: i64,
    pub available: i64,
}

#[derive(Debug, Clone, serde::Serialize, ToSchema)]
pub struct AssetAvailability {
    pub tag: String,
    /// Days (in the asked range) on which the asset is booked or out.
    pub busy: Vec<NaiveDate>,
}

pub fn availability(
    conn: &mut PgConnection,
    model: AssetModelId,
    lending_unit: Option<UnitId>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Availability, AppError> {
    if to < from || (to - from).num_days() > 92 {
        return Err(invalid("to", "loan-range-too-long"));
    }
    let m = inventory::model(conn, model)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let start = parse_when(&from.to_string(), false).ok_or(AppError::NotFound)?;
    let end = parse_when(&to.to_string(), true).ok_or(AppError::NotFound)?;
    let pool_assets = queries::pool_assets(conn, lending_unit, model)?;
    let mut bookings: Vec<(DateTime<Utc>, DateTime<Utc>, i64)> = Vec::new();
    let mut per_asset: std::collections::HashMap<i64, Vec<Period>> = Default::default();
    let ids: Vec<AssetId> = pool_assets.iter().map(|a| a.0).collect();
    for b in queries::assets_bookings(conn, &ids, start, end)? {
        bookings.push((b.from, b.to, 1));
        if let Some(a) = b.asset_id {
            per_asset.entry(a).or_default().push((b.from, b.to));
        }
    }
    let mut lenders: Vec<UnitId> = pool_assets.iter().map(|a| a.2).collect();
    lenders.sort();
    lenders.dedup();
    for u in lenders {
        for b in queries::pool_quantities(conn, u, model, start, end)? {
            bookings.push((b.from, b.to, b.quantity));
        }
    }
    let capacity = pool_assets.len() as i64;
    let mut bounds = Vec::new();
    let mut d = from;
    while d <= to {
        bounds.push((
            (
                d,
                parse_when(&d.to_string(), false).ok_or(AppError::NotFound)?,
            ),
            parse_when(&d.to_string(), true).ok_or(AppError::NotFound)?,
        ));
        d = d.succ_opt().ok_or(AppError::NotFound)?;
    }
    let periods: Vec<_> = bounds.iter().map(|((_, a), b)| (*a, *b)).collect();
    let days = bounds
        .iter()
        .zip(daily_peaks(&periods, &bookings))
        .map(|(((date, _), _), booked)| DayAvailability {
            date: *date,
            booked,
            available: (capacity - booked).max(0),
        })
        .collect();
    let local_day = |t: DateTime<Utc>| t.with_timezone(&Toronto).date_naive();
    let assets = pool_assets
        .iter()
        .map(|(id, tag, _)| {
            let mut busy = Vec::new();
            for (a, b) in per_asset.get(&id.0).map(Vec::as_slice).unwrap_or(&[]) {
                let mut day = local_day((*a).max(start));
                let last = local_day((*b - Duration::seconds(1)).min(end));
                while day <= last {
                    if !busy.contains(&day) {
                        busy.push(day);
                    }
                    match day.succ_opt() {
                        Some(n) => day = n,
                        None => break,
                    }
                }
            }
            busy.sort();
            AssetAvailability {
                tag: tag.clone(),
                busy,
            }
        })
        .collect();
    Ok(Availability {
        model: format!("{} {}", m.maker, m.name),
        capacity,
        days,
        assets,
    })
}
