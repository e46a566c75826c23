//! The rules of loans: booking (no double booking, pools never over-booked, the longest loan of
//! the type), approval by the borrowing unit's director when the type asks for it, checkout with
//! the acknowledgement of the conditions, extension, cancellation, checkin with a condition report
//! (damage opens an IT request linked to the asset; a missing asset is marked and the director
//! told), and availability. Every change writes its history entry and audit row in the same
//! transaction.

use super::model::*;
use super::queries::{self, LoanFilter};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{AssetId, AssetModelId, LoanId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::{self, Locale};
use crate::inventory::model::{Asset, AssetEventKind, AssetStatus, NewAssetEvent};
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

fn invalid(field: &str, key: &str) -> AppError {
    AppError::Invalid(FieldErrors::single(field, Msg::new(key)))
}

/// A refusal from PostgreSQL's no-double-booking constraint, as the rule it is.
fn booked(e: diesel::result::Error, tag: &str) -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, _) => {
            AppError::Rule(Msg::new("loan-asset-booked").arg("label", tag))
        }
        e => AppError::Db(e),
    }
}

struct Pool {
    unit: UnitId,
    model: AssetModelId,
}

/// Whether `extra` more of the pool fit during `[from, to)`; the pool must be locked.
fn check_pool(
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
fn type_rules(conn: &mut PgConnection, models: &[AssetModelId]) -> QueryResult<(i64, bool)> {
    use crate::db::schema::{asset_models, asset_types};
    let rows: Vec<(i32, bool)> = asset_models::table
        .inner_join(asset_types::table)
        .filter(asset_models::id.eq_any(models))
        .select((asset_types::max_loan_days, asset_types::loan_needs_approval))
        .load(conn)?;
    Ok((
        rows.iter().map(|r| r.0 as i64).min().unwrap_or(30),
        rows.iter().any(|r| r.1),
    ))
}

fn lendable(a: &Asset) -> bool {
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

fn event(
    conn: &mut PgConnection,
    loan: LoanId,
    kind: LoanEventKind,
    actor: Option<UserId>,
    data: serde_json::Value,
) -> QueryResult<usize> {
    queries::insert_event(
        conn,
        &NewLoanEvent {
            loan_id: loan,
            kind,
            actor_id: actor,
            data,
        },
    )
}

/// The loan, if this person may see it (others get « not found »), locked for the change.
fn load(conn: &mut PgConnection, user: &CurrentUser, id: LoanId) -> Result<Loan, AppError> {
    let loan = queries::find_for_update(conn, id)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if !user.sees_loan(loan.borrower_id, loan.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(loan)
}

fn rule(key: &str) -> AppError {
    AppError::Rule(Msg::new(key))
}

/// The borrowing unit's director approves or refuses a loan waiting for it.
pub fn decide(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    approve: bool,
    note: &str,
) -> Result<Loan, AppError> {
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        if !(user.managed_units().contains(&loan.unit_id) || user.is_admin()) {
            return Err(AppError::Forbidden);
        }
        if loan.status != LoanStatus::Requested {
            return Err(rule("loan-not-waiting"));
        }
        if !approve && note.trim().is_empty() {
            return Err(invalid("note", "approval-reason-required"));
        }
        let status = if approve {
            LoanStatus::Approved
        } else {
            LoanStatus::Refused
        };
        queries::set_decision(conn, id, status, user.id, note.trim())?;
        if !approve {
            queries::release_items(conn, id)?;
        }
        let kind = if approve {
            LoanEventKind::Approved
        } else {
            LoanEventKind::Refused
        };
        event(conn, id, kind, Some(user.id), json!({"note": note.trim()}))?;
        audit::record(
            conn,
            &user.origin(),
            &format!("loan.{}", kind.code()),
            "loan",
            id,
            json!({}),
        )?;
        Ok(queries::find(conn, id)?)
    })
}

/// The borrower accepts the loan conditions (before checkout, from « Mes prêts »).
pub fn acknowledge(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    conditions: &str,
) -> Result<Loan, AppError> {
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        if loan.borrower_id != user.id {
            return Err(AppError::Forbidden);
        }
        if !loan.status.is_open() {
            return Err(rule("loan-closed"));
        }
        queries::set_acknowledged(conn, id, user.id, user.ip.as_deref(), conditions)?;
        event(
            conn,
            id,
            LoanEventKind::Acknowledged,
            Some(user.id),
            json!({"ip": user.ip}),
        )?;
        audit::record(
            conn,
            &user.origin(),
            "loan.acknowledged",
            "loan",
            id,
            json!({}),
        )?;
        Ok(queries::find(conn, id)?)
    })
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutCmd {
    /// The inventory numbers handed over (scanned or typed); for a quantity of a model, exactly
    /// that many of the pool. For booked assets, optional.
    #[serde(default)]
    pub assets: Vec<String>,
    /// The borrower accepts the conditions here, at the desk (unless they already did).
    #[serde(default)]
    pub acknowledged: bool,
}

fn set_asset_status(
    conn: &mut PgConnection,
    actor: UserId,
    asset: &Asset,
    to: AssetStatus,
    kind: AssetEventKind,
    data: serde_json::Value,
) -> Result<(), AppError> {
    if asset.status == to {
        return Ok(());
    }
    if !asset.status.can_become(to) {
        return Err(AppError::Rule(
            Msg::new("asset-status-refused")
                .arg_label("from", "asset-status", asset.status)
                .arg_label("to", "asset-status", to),
        ));
    }
    inventory::set_status(conn, asset.id, to)?;
    let mut data = data;
    data["from"] = json!(asset.status);
    data["to"] = json!(to);
    inventory::insert_events(
        conn,
        &[NewAssetEvent {
            asset_id: asset.id,
            kind,
            actor_id: Some(actor),
            request_id: None,
            data,
        }],
    )?;
    Ok(())
}

/// The lending desk hands the equipment over.
pub fn checkout(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    cmd: CheckoutCmd,
    conditions: &str,
    now: DateTime<Utc>,
) -> Result<Loan, AppError> {
    if !user.lends() {
        return Err(AppError::Forbidden);
    }
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        match loan.status {
            LoanStatus::Approved => {}
            LoanStatus::Requested => return Err(rule("loan-needs-approval")),
            _ => return Err(rule("loan-closed")),
        }
        if loan.acknowledged_at.is_none() && !cmd.acknowledged {
            return Err(invalid("acknowledged", "loan-ack-required"));
        }
        if loan.due_at <= now {
            return Err(rule("loan-due-passed"));
        }
        let tags: Vec<String> = cmd
            .assets
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let from = now.min(loan.starts_at);
        match (loan.model_id, loan.quantity) {
            (Some(model), Some(q)) => {
                if tags.len() != q as usize {
                    return Err(AppError::Invalid(FieldErrors::single(
                        "assets",
                        Msg::new("loan-quantity-mismatch").arg("n", q),
                    )));
                }
                queries::lock_pool(conn, loan.lending_unit_id, model)?;
                for t in &tags {
                    let a = inventory::by_tag_for_update(conn, t)?
                        .filter(|a| {
                            a.model_id == model
                                && a.unit_id == loan.lending_unit_id
                                && a.loanable
                                && a.status == AssetStatus::InStock
                        })
                        .ok_or_else(|| {
                            AppError::Invalid(FieldErrors::single(
                                "assets",
                                Msg::new("loan-asset-not-in-pool").arg("label", t),
                            ))
                        })?;
                    queries::insert_item(conn, loan.id, a.id, from, loan.due_at, true)
                        .map_err(|e| booked(e, &a.tag))?;
                }
            }
            _ => {
                let items = queries::items(conn, loan.id)?;
                for t in &tags {
                    if !items
                        .iter()
                        .any(|i| i.active && i.tag.eq_ignore_ascii_case(t))
                    {
                        return Err(AppError::Invalid(FieldErrors::single(
                            "assets",
                            Msg::new("loan-asset-not-in-loan").arg("label", t),
                        )));
                    }
                }
                if from < loan.starts_at {
                    queries::set_items_period(conn, loan.id, Some(from), loan.due_at).map_err(
                        |e| booked(e, &items.first().map(|i| i.tag.clone()).unwrap_or_default()),
                    )?;
                }
                queries::check_out_items(conn, loan.id)?;
            }
        }
        for item in queries::items(conn, loan.id)?.iter().filter(|i| i.active) {
            let asset = inventory::find(conn, AssetId(item.asset_id))?;
            // Still with someone else (an overdue loan): it cannot be handed over twice.
            if asset.status != AssetStatus::InStock {
                return Err(AppError::Rule(
                    Msg::new("loan-asset-still-out").arg("label", &asset.tag),
                ));
            }
            set_asset_status(
                conn,
                user.id,
                &asset,
                AssetStatus::OnLoan,
                AssetEventKind::Loaned,
                json!({"loan": loan.id}),
            )?;
        }
        queries::set_checked_out(conn, loan.id, user.id)?;
        if loan.acknowledged_at.is_none() {
            // Accepted in person: the borrower's acceptance, recorded from the desk.
            queries::set_acknowledged(
                conn,
                loan.id,
                loan.borrower_id,
                user.ip.as_deref(),
                conditions,
            )?;
            event(
                conn,
                loan.id,
                LoanEventKind::Acknowledged,
                Some(user.id),
                json!({"at_desk": true, "ip": user.ip}),
            )?;
        }
        event(
            conn,
            loan.id,
            LoanEventKind::CheckedOut,
            Some(user.id),
            json!({"assets": tags}),
        )?;
        audit::record(
            conn,
            &user.origin(),
            "loan.checked_out",
            "loan",
            loan.id,
            json!({"assets": tags}),
        )?;
        Ok(queries::find(conn, loan.id)?)
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnedItem {
    /// Inventory number.
    pub tag: String,
    /// `ok`, `damaged` or `missing`.
    pub condition: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinCmd {
    /// The assets coming back (others stay out: a partial return).
    pub items: Vec<ReturnedItem>,
    /// The borrower agrees with the condition report.
    #[serde(default)]
    pub borrower_agreed: bool,
}

/// What a checkin did beyond the return itself.
#[derive(Debug, Clone, Default, serde::Serialize, ToSchema)]
pub struct CheckinOutcome {
    /// Requests opened for damaged equipment (`DS-000123`).
    pub repair_requests: Vec<String>,
    /// The loan is complete (every asset back).
    pub complete: bool,
}

/// The lending desk takes equipment back, with its condition.
pub fn checkin(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    cmd: CheckinCmd,
) -> Result<CheckinOutcome, AppError> {
    if !user.lends() {
        return Err(AppError::Forbidden);
    }
    if cmd.items.is_empty() {
        return Err(invalid("items", "loan-nothing-returned"));
    }
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        if loan.status != LoanStatus::CheckedOut {
            return Err(rule("loan-not-out"));
        }
        let items = queries::items(conn, loan.id)?;
        let mut outcome = CheckinOutcome::default();
        let mut missing = Vec::new();
        for r in &cmd.items {
            let condition = Condition::parse(r.condition.trim())
                .ok_or_else(|| invalid("condition", "field-choice"))?;
            let item = items
                .iter()
                .find(|i| i.active && i.tag.eq_ignore_ascii_case(r.tag.trim()))
                .ok_or_else(|| AppError::Invalid(FieldErrors::single(
                    "items", Msg::new("loan-asset-not-in-loan").arg("label", r.tag.trim()))))?;
            if condition != Condition::Ok && r.note.trim().is_empty() {
                return Err(invalid("note", "loan-condition-note-required"));
            }
            queries::return_item(conn, item.id, condition, r.note.trim(), cmd.borrower_agreed)?;
            let asset = inventory::find(conn, AssetId(item.asset_id))?;
            let to = match condition {
                Condition::Ok => AssetStatus::InStock,
                Condition::Damaged => AssetStatus::InRepair,
                Condition::Missing => AssetStatus::Missing,
            };
            set_asset_status(conn, user.id, &asset, to, AssetEventKind::Returned,
                json!({"loan": loan.id, "condition": condition, "note": r.note.trim()}))?;
            match condition {
                Condition::Damaged => {
                    let n = open_repair(conn, user, &asset, &loan, r.note.trim())?;
                    outcome.repair_requests.push(n);
                }
                Condition::Missing => missing.push(asset.tag.clone()),
                Condition::Ok => {}
            }
        }
        let still_out = queries::items(conn, loan.id)?.iter().any(|i| i.active);
        if !still_out {
            queries::set_returned(conn, loan.id)?;
        }
        outcome.complete = !still_out;
        if !missing.is_empty() {
            tell_directors(conn, &loan, "loan_missing", json!({"assets": missing}))?;
        }
        event(conn, loan.id, LoanEventKind::Returned, Some(user.id), json!({
            "items": cmd.items.iter().map(|i| json!({"tag": i.tag, "condition": i.condition, "note": i.note})).collect::<Vec<_>>(),
            "borrower_agreed": cmd.borrower_agreed, "complete": outcome.complete,
            "repair_requests": outcome.repair_requests}))?;
        audit::record(conn, &user.origin(), "loan.returned", "loan", loan.id,
            json!({"complete": outcome.complete, "missing": missing}))?;
        Ok(outcome)
    })
}

/// An IT request for equipment that came back damaged, linked to the asset: in the first active
/// IT category whose form asks for nothing more than equipment.
fn open_repair(
    conn: &mut PgConnection,
    user: &CurrentUser,
    asset: &Asset,
    loan: &Loan,
    note: &str,
) -> Result<String, AppError> {
    use crate::catalog::form::FieldKind;
    use crate::requests::service::{self as requests, CategoryRef, NewRequestCmd};
    let categories = crate::catalog::queries::active_categories(conn)?;
    let fits = |c: &&crate::catalog::model::Category| {
        c.domain == crate::users::model::Domain::Ti
            && c.form_def()
                .fields
                .iter()
                .all(|f| !f.required || f.kind == FieldKind::Asset)
    };
    let with_field = |c: &&crate::catalog::model::Category| {
        c.form_def()
            .fields
            .iter()
            .any(|f| f.kind == FieldKind::Asset)
    };
    let category = categories
        .iter()
        .filter(fits)
        .find(with_field)
        .or_else(|| categories.iter().find(fits))
        .ok_or_else(|| rule("loan-no-repair-category"))?;
    let mut fields = serde_json::Map::new();
    if let Some(f) = category
        .form_def()
        .fields
        .iter()
        .find(|f| f.kind == FieldKind::Asset)
    {
        fields.insert(f.key.clone(), json!(asset.tag));
    }
    let model = inventory::model(conn, asset.model_id)?;
    let r = requests::create_scheduled(
        conn,
        user,
        NewRequestCmd {
            category: CategoryRef::Id(category.id),
            title: format!(
                "Équipement endommagé au retour d'un prêt : {} ({} {})",
                asset.tag, model.maker, model.name
            ),
            description: format!("Prêt n° {} — état constaté au retour : {note}", loan.id.0),
            priority: None,
            unit: Some(asset.unit_id),
            room: None,
            fields,
            source: crate::requests::model::Source::Web,
        },
    )?;
    crate::inventory::service::link_request(conn, user.id, r.id, asset)?;
    Ok(crate::requests::model::RequestNumber(r.number).to_string())
}

/// Queues a notice about a loan to the borrowing unit's directors.
pub(crate) fn tell_directors(
    conn: &mut PgConnection,
    loan: &Loan,
    template: &str,
    extra: serde_json::Value,
) -> Result<usize, AppError> {
    let directors =
        users::people_with_role(conn, loan.unit_id, crate::users::model::Role::UnitManager)?;
    let payload = notice_payload(conn, loan, extra)?;
    Ok(crate::notify::queue(
        conn,
        &directors,
        &crate::notify::Notice {
            template,
            request: None,
            event: None,
            payload,
        },
    )?)
}

/// What loan emails show: the loan, its borrower, its equipment and dates.
pub fn notice_payload(
    conn: &mut PgConnection,
    loan: &Loan,
    extra: serde_json::Value,
) -> Result<serde_json::Value, AppError> {
    let borrower = users::find(conn, loan.borrower_id)?;
    let mut items: Vec<String> = queries::items(conn, loan.id)?
        .iter()
        .filter(|i| i.active)
        .map(|i| format!("{} — {}", i.tag, i.model))
        .collect();
    if let (true, Some(model), Some(q)) = (items.is_empty(), loan.model_id, loan.quantity) {
        let m = inventory::model(conn, model)?;
        items.push(format!("{q} × {} {}", m.maker, m.name));
    }
    let mut p = json!({"loan": loan.id.0, "borrower": borrower.display_name, "equipment": items,
                       "due": loan.due_at.to_rfc3339()});
    if let (Some(obj), Some(more)) = (p.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    Ok(p)
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

// --- reading ---

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
        let request = match l.request_id {
            Some(r) => Some(
                crate::requests::model::RequestNumber(crate::requests::queries::number_of(
                    conn, r,
                )?)
                .to_string(),
            ),
            None => None,
        };
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
