//! A request's trip card on its page: the trip, the carrier, the warnings, what the reader may
//! do (change the trip while the request is open, book a carrier for the transport office).

use super::form::Warning;
use super::queries;
use super::service;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::requests::model::SectionOf;
use diesel::PgConnection;
use serde_json::{json, Value};

pub(super) fn warning_texts(loc: Locale, w: &[Warning]) -> Vec<String> {
    w.iter().map(|w| i18n::msg(loc, &w.msg())).collect()
}

/// The trip card of a request's page: the carrier, the warnings, what the person may do.
pub fn request_section(
    conn: &mut PgConnection,
    user: &CurrentUser,
    of: &SectionOf,
    loc: Locale,
) -> Result<Value, AppError> {
    let Some(trip) = queries::of_request(conn, of.id)? else {
        return Ok(Value::Null);
    };
    let fleets = service::Fleets::load(conn)?;
    let warnings = if of.status == crate::workflow::StateKind::Cancelled {
        Vec::new()
    } else {
        service::warnings(conn, &fleets, &trip)?
    };
    let carrier = match trip.carrier_id {
        Some(c) => Some(queries::carrier(conn, c)?),
        None => None,
    };
    let (can_act, staff) = (of.open(), of.staff);
    let may_confirm = staff && can_act && user.runs_transport();
    let choices = if may_confirm {
        let mut v = Vec::new();
        for c in queries::carriers(conn)?.into_iter().filter(|c| c.active) {
            let why = service::carrier_warning(conn, &fleets, c.id, &trip)?;
            let label = match &why {
                Some(w) => format!("{} — {}", c.name, i18n::msg(loc, &w.msg())),
                None => c.name.clone(),
            };
            v.push(
                json!({"value": c.id, "label": label, "selected": Some(c.id) == trip.carrier_id}),
            );
        }
        v
    } else {
        Vec::new()
    };
    Ok(json!({
        "departs": i18n::format_datetime(loc, trip.departs_at),
        "returns": i18n::format_datetime(loc, trip.returns_at),
        "origin": trip.origin,
        "carrier": carrier.as_ref().map(|c| json!({"name": c.name, "contact": c.contact_name, "phone": c.phone, "email": c.email})),
        "confirmed": trip.confirmed_at.map(|at| i18n::format_datetime(loc, at)),
        "urgent_reason": trip.urgent_reason,
        "warnings": warning_texts(loc, &warnings),
        "may_change": can_act,
        "may_confirm": may_confirm,
        "choices": choices,
    }))
}
