//! Booking equipment: specific assets or a quantity of a model, never double-booked (the
//! database refuses an overlap), a pool never over-booked, within the longest loan of the type.

use super::model::*;
use super::queries::{self};
use super::service::{booked, event, invalid, load, rule, tell_directors};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{AssetModelId, LoanId, UnitId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::inventory::model::{Asset, AssetStatus};
use crate::inventory::queries as inventory;
use crate::units::queries as units;
use crate::users::queries as users;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::America::Toronto;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// `2026-12-01T08:30` (Montréal time), an RFC 3339 instant, or a date: a start date means its
/// first minute, a due date its last (the equipment comes back that day).
pub fn parse_when(raw: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    let t = raw.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .ok()
        .or_else(|| {
            let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
            let d = if end_of_day { d.succ_opt()? } else { d };
            d.and_hms_opt(0, 0, 0)
        })?;
    Toronto
        .from_local_datetime(&local)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

/// A reservation: specific assets by inventory number, or a quantity of a model at a lending unit.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReserveCmd {
    /// Inventory numbers of the assets wanted (all of one lending unit).
    #[serde(default)]
    pub assets: Vec<String>,
    /// Or a model id (see `GET /api/v1/availability`)…
    pub model: Option<i64>,
    /// …at this lending unit (code)…
    pub lending_unit: Option<String>,
    /// …in this quantity.
    pub quantity: Option<i32>,
    /// Start: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM` (Montréal time) or RFC 3339.
    pub starts_at: String,
    /// Return: same formats; a date means the end of that day.
    pub due_at: String,
    #[serde(default)]
    pub purpose: String,
    /// Borrowing unit code (default: your first unit).
    pub unit: Option<String>,
    /// The lending desk may book for someone else (email).
    pub borrower: Option<String>,
}

pub(super) struct Pool {
    unit: UnitId,
    model: AssetModelId,
}

/// Whether `extra` more of the pool fit during `[from, to)`; the pool must be locked.
pub(super) fn check_pool(
    conn: &mut PgConnection,
    pool: &Pool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    extra: i64,
    except: Option<LoanId>,
) -> Result<(), AppError> {
    let capacity = queries::pool_capacity(conn, pool.unit, pool.model)?;
    let bookings: Vec<_> = queries::pool_bookings(conn, pool.unit, pool.model, from, to, except)?
        .into_iter()
        .map(|b| (b.from, b.to, b.quantity))
        .collect();
    let free = capacity - peak_load(from, to, &bookings);
    if extra > free {
        return Err(AppError::Rule(
            Msg::new("loan-not-available").arg("n", free.max(0)),
        ));
    }
    Ok(())
}

/// The longest loan and the approval rule of the types involved.
pub(super) fn type_rules(
    conn: &mut PgConnection,
    models: &[AssetModelId],
) -> QueryResult<(i64, bool)> {
    let rows = queries::type_rules(conn, models)?;
    Ok((
        rows.iter().map(|r| r.0 as i64).min().unwrap_or(30),
        rows.iter().any(|r| r.1),
    ))
}

pub(super) fn lendable(a: &Asset) -> bool {
    a.loanable && matches!(a.status, AssetStatus::InStock | AssetStatus::OnLoan)
}

/// Books equipment for a period.
pub fn reserve(
    conn: &mut PgConnection,
    user: &CurrentUser,
    cmd: ReserveCmd,
    now: DateTime<Utc>,
) -> Result<Loan, AppError> {
    let mut errors = FieldErrors::default();
    let starts = parse_when(&cmd.starts_at, false);
    let due = parse_when(&cmd.due_at, true);
    if starts.is_none() {
        errors.add("starts_at", Msg::new("field-datetime"));
    }
    if due.is_none() {
        errors.add("due_at", Msg::new("field-datetime"));
    }
    if let (Some(s), Some(d)) = (starts, due) {
        if d <= s {
            errors.add("due_at", Msg::new("loan-due-before-start"));
        }
        if s < now - Duration::days(1) {
            errors.add("starts_at", Msg::new("loan-in-the-past"));
        }
    }
    if cmd.purpose.chars().count() > 2000 {
        errors.add("purpose", Msg::new("field-too-long").arg("max", 2000));
    }
    // Who borrows, for which unit.
    let borrower = match cmd
        .borrower
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(email) if user.lends() => match users::by_email(conn, email)?.filter(|u| u.active) {
            Some(u) => Some(u.id),
            None => {
                errors.add("borrower", Msg::new("asset-person-unknown"));
                None
            }
        },
        Some(_) => return Err(AppError::Forbidden),
        None => Some(user.id),
    };
    let mut own_units = user.requesting_units();
    own_units.extend(user.managed_units());
    let unit = match cmd.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => match units::by_code(conn, code).optional()? {
            Some(u) if user.lends() || own_units.contains(&u.id) => Some(u.id),
            _ => {
                errors.add("unit", Msg::new("field-choice"));
                None
            }
        },
        None => own_units
            .first()
            .copied()
            .or_else(|| user.roles.first().map(|r| r.0)),
    };
    if unit.is_none() && !errors.0.contains_key("unit") {
        return Err(AppError::rule("request-no-unit"));
    }

    // What: specific assets, or a quantity of a pool.
    let mut assets = Vec::new();
    for raw in cmd
        .assets
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        match inventory::by_tag(conn, raw)?.filter(lendable) {
            Some(a) if !assets.iter().any(|x: &Asset| x.id == a.id) => assets.push(a),
            Some(_) => {}
            None => errors.add(
                "assets",
                Msg::new("loan-asset-not-lendable").arg("label", raw),
            ),
        }
    }
    let pool = match (cmd.model, cmd.quantity, assets.is_empty()) {
        (Some(m), Some(q), true) => {
            if !(1..=500).contains(&q) {
                errors.add("quantity", Msg::new("field-min").arg("min", 1));
            }
            let lending = cmd
                .lending_unit
                .as_deref()
                .and_then(|c| units::by_code(conn, c.trim()).optional().ok().flatten());
            match lending {
                Some(u) => Some((
                    Pool {
                        unit: u.id,
                        model: AssetModelId(m),
                    },
                    q,
                )),
                None => {
                    errors.add("lending_unit", Msg::new("field-choice"));
                    None
                }
            }
        }
        (None, None, false) => None,
        (_, _, true) if !errors.0.contains_key("assets") => {
            errors.add("assets", Msg::new("loan-what"));
            None
        }
        (_, _, true) => None,
        (_, _, false) => {
            errors.add("assets", Msg::new("loan-what"));
            None
        }
    };
    let lending_unit = match (&pool, assets.first()) {
        (Some((p, _)), _) => Some(p.unit),
        (None, Some(a)) => {
            if assets.iter().any(|x| x.unit_id != a.unit_id) {
                errors.add("assets", Msg::new("loan-one-lender"));
            }
            Some(a.unit_id)
        }
        _ => None,
    };
    errors.into_result()?;
    let (Some(starts), Some(due), Some(borrower), Some(unit), Some(lending_unit)) =
        (starts, due, borrower, unit, lending_unit)
    else {
        return Err(AppError::BadRequest("incomplete reservation".into()));
    };
    let models: Vec<AssetModelId> = match &pool {
        Some((p, _)) => vec![p.model],
        None => assets.iter().map(|a| a.model_id).collect(),
    };
    let (max_days, needs_approval) = type_rules(conn, &models)?;
    if due - starts > Duration::days(max_days) {
        return Err(AppError::Rule(
            Msg::new("loan-too-long").arg("days", max_days),
        ));
    }

    conn.transaction(|conn| {
        // Pools in a fixed order, so two bookings never wait on each other's locks.
        let mut pools: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        match &pool {
            Some((p, q)) => *pools.entry((p.unit.0, p.model.0)).or_default() += *q as i64,
            None => {
                for a in &assets {
                    *pools.entry((a.unit_id.0, a.model_id.0)).or_default() += 1;
                }
            }
        }
        for (u, m) in pools.keys() {
            queries::lock_pool(conn, UnitId(*u), AssetModelId(*m))?;
        }
        // A specific asset already booked is named; then the pools it belongs to are checked.
        for a in &assets {
            if queries::asset_busy(conn, a.id, starts, due)? {
                return Err(AppError::Rule(Msg::new("loan-asset-booked").arg("label", &a.tag)));
            }
        }
        for ((u, m), extra) in &pools {
            let p = Pool { unit: UnitId(*u), model: AssetModelId(*m) };
            check_pool(conn, &p, starts, due, *extra, None)?;
        }
        let loan = queries::insert(
            conn,
            &NewLoan {
                borrower_id: borrower,
                unit_id: unit,
                lending_unit_id: lending_unit,
                model_id: pool.as_ref().map(|(p, _)| p.model),
                quantity: pool.as_ref().map(|(_, q)| *q),
                starts_at: starts,
                due_at: due,
                status: if needs_approval { LoanStatus::Requested } else { LoanStatus::Approved },
                purpose: cmd.purpose.trim().to_string(),
                request_id: None,
            },
        )?;
        for a in &assets {
            queries::insert_item(conn, loan.id, a.id, starts, due, false).map_err(|e| booked(e, &a.tag))?;
        }
        event(conn, loan.id, LoanEventKind::Reserved, Some(user.id), json!({"needs_approval": needs_approval}))?;
        if needs_approval {
            tell_directors(conn, &loan, "loan_approval_needed", json!({}))?;
        }
        audit::record(conn, &user.origin(), "loan.reserved", "loan", loan.id,
            json!({"borrower": borrower, "assets": assets.iter().map(|a| &a.tag).collect::<Vec<_>>(),
                   "model": loan.model_id, "quantity": loan.quantity}))?;
        Ok(loan)
    })
}

/// Moves the return date later (the borrower, the director or the desk), within the longest loan
/// of the type and as long as nobody has booked the equipment after.
pub fn extend(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    due_raw: &str,
) -> Result<Loan, AppError> {
    let due = parse_when(due_raw, true).ok_or_else(|| invalid("due_at", "field-datetime"))?;
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        if !loan.status.is_open() {
            return Err(rule("loan-closed"));
        }
        if due <= loan.due_at {
            return Err(invalid("due_at", "loan-extend-later"));
        }
        let items = queries::items(conn, loan.id)?;
        let models: Vec<AssetModelId> = match loan.model_id {
            Some(m) if items.is_empty() => vec![m],
            _ => items.iter().map(|i| AssetModelId(i.model_id)).collect(),
        };
        let (max_days, _) = type_rules(conn, &models)?;
        if due - loan.starts_at > Duration::days(max_days) {
            return Err(AppError::Rule(
                Msg::new("loan-too-long").arg("days", max_days),
            ));
        }
        if let (Some(model), Some(q), true) =
            (loan.model_id, loan.quantity, loan.status.is_booking())
        {
            let pool = Pool {
                unit: loan.lending_unit_id,
                model,
            };
            queries::lock_pool(conn, pool.unit, pool.model)?;
            check_pool(conn, &pool, loan.starts_at, due, q as i64, Some(loan.id))?;
        }
        let first = items
            .iter()
            .find(|i| i.active)
            .map(|i| i.tag.clone())
            .unwrap_or_default();
        queries::set_items_period(conn, loan.id, None, due).map_err(|e| booked(e, &first))?;
        queries::set_due(conn, loan.id, due)?;
        event(
            conn,
            loan.id,
            LoanEventKind::Extended,
            Some(user.id),
            json!({"from": loan.due_at, "to": due}),
        )?;
        audit::record(
            conn,
            &user.origin(),
            "loan.extended",
            "loan",
            loan.id,
            json!({"to": due}),
        )?;
        Ok(queries::find(conn, loan.id)?)
    })
}

/// Cancels a booking before the equipment is handed over (the borrower, the director or the
/// desk).
pub fn cancel(conn: &mut PgConnection, user: &CurrentUser, id: LoanId) -> Result<Loan, AppError> {
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        if !loan.status.is_booking() {
            return Err(rule("loan-not-cancellable"));
        }
        queries::release_items(conn, loan.id)?;
        queries::set_status(conn, loan.id, LoanStatus::Cancelled)?;
        event(
            conn,
            loan.id,
            LoanEventKind::Cancelled,
            Some(user.id),
            json!({}),
        )?;
        audit::record(
            conn,
            &user.origin(),
            "loan.cancelled",
            "loan",
            loan.id,
            json!({}),
        )?;
        Ok(queries::find(conn, loan.id)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_montreal_days_and_a_due_date_includes_its_day() {
        let s = parse_when("2026-12-01", false).unwrap();
        assert_eq!(s.to_rfc3339(), "2026-12-01T05:00:00+00:00");
        let d = parse_when("2026-12-01", true).unwrap();
        assert_eq!(d.to_rfc3339(), "2026-12-02T05:00:00+00:00");
        let t = parse_when("2026-07-01T08:30", false).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-07-01T12:30:00+00:00");
        assert!(parse_when("2026-12-01T08:30:00Z", false).is_some());
        assert!(parse_when("demain", false).is_none());
    }
}
