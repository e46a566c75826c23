//! The rules of a loan once booked (`booking`): approval by the borrowing unit's director when
//! the type asks for it, the borrower's acknowledgement of the conditions, extension and
//! cancellation, and the notices to directors. The desk's checkout and checkin are in `desk`,
//! what pages show in `views`. Every change writes its history entry and audit row in the same
//! transaction.

use super::model::*;
use super::queries::{self};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{LoanId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::inventory::queries as inventory;
use crate::users::queries as users;
use diesel::prelude::*;
use serde_json::json;

pub(super) fn invalid(field: &str, key: &str) -> AppError {
    AppError::Invalid(FieldErrors::single(field, Msg::new(key)))
}

/// A refusal from PostgreSQL's no-double-booking constraint, as the rule it is.
pub(super) fn booked(e: diesel::result::Error, tag: &str) -> AppError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ExclusionViolation, _) => {
            AppError::Rule(Msg::new("loan-asset-booked").arg("label", tag))
        }
        e => AppError::Db(e),
    }
}

pub(super) fn event(
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
pub(super) fn load(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
) -> Result<Loan, AppError> {
    let loan = queries::find_for_update(conn, id)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if !user.sees_loan(loan.borrower_id, loan.unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(loan)
}

pub(super) fn rule(key: &str) -> AppError {
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
