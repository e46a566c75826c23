//! The demo's loans, in every state.

use crate::auth::CurrentUser;
use crate::error::AppError;
use diesel::prelude::*;

/// Loans in every state: waiting for the director, booked ahead, out, overdue, returned,
/// cancelled and refused.
pub(super) fn loans(
    conn: &mut PgConnection,
    julie: &CurrentUser,
    director: &CurrentUser,
    desk: &CurrentUser,
) -> Result<(), AppError> {
    use crate::loans::booking::{self, ReserveCmd};
    use crate::loans::desk::{self, CheckinCmd, CheckoutCmd, ReturnedItem};
    use crate::loans::service as loans;
    let now = chrono::Utc::now();
    let day = |d: i64| {
        (now.with_timezone(&chrono_tz::America::Toronto).date_naive() + chrono::Duration::days(d))
            .to_string()
    };
    let at = |d: i64| now + chrono::Duration::days(d);
    let model = |conn: &mut PgConnection, name: &str| -> Result<i64, AppError> {
        Ok(crate::inventory::queries::model_id_named(conn, name)?)
    };
    let chromebooks = model(conn, "300e Chromebook Gen 4")?;
    let conditions = crate::config::Settings::default_loan_conditions();
    let pool = |q: i32, from: i64, to: i64, purpose: &str| ReserveCmd {
        model: Some(chromebooks),
        lending_unit: Some("sti".into()),
        quantity: Some(q),
        starts_at: day(from),
        due_at: day(to),
        purpose: purpose.into(),
        ..Default::default()
    };
    let one = |tag: &str, from: i64, to: i64, purpose: &str| ReserveCmd {
        assets: vec![tag.into()],
        starts_at: day(from),
        due_at: day(to),
        purpose: purpose.into(),
        ..Default::default()
    };
    let tags = |conn: &mut PgConnection, model_id: i64, n: i64| -> Result<Vec<String>, AppError> {
        Ok(crate::inventory::queries::lendable_tags(conn, model_id, n)?)
    };
    let laptop_model = model(conn, "Latitude 5440")?;
    let laptops = tags(conn, laptop_model, 4)?;
    let projector_model = model(conn, "EB-W51 portatif")?;
    let projectors = tags(conn, projector_model, 3)?;
    let carts = tags(conn, chromebooks, 12)?;

    // Waiting for the director: a laptop for a teacher on leave.
    let purpose = "Enseignante en congé : correction à la maison";
    booking::reserve(conn, julie, one(&laptops[0], 2, 60, purpose), now)?;
    // Booked ahead: Chromebooks for a ministry exam.
    booking::reserve(
        conn,
        julie,
        pool(5, 7, 9, "Épreuve ministérielle d'écriture, 6e année"),
        now,
    )?;
    // Refused.
    let refused = booking::reserve(
        conn,
        julie,
        one(&laptops[1], 3, 200, "Usage personnel"),
        now,
    )?;
    let why = "Un portable de l'école est déjà disponible.";
    loans::decide(conn, director, refused.id, false, why)?;
    // Out, on time: a projector, the conditions accepted at the desk.
    let out = booking::reserve(
        conn,
        julie,
        one(&projectors[0], -2, 3, "Soirée des parents"),
        at(-2),
    )?;
    let at_desk = CheckoutCmd {
        assets: vec![],
        acknowledged: true,
    };
    desk::checkout(conn, desk, out.id, at_desk.clone(), &conditions, at(-2))?;
    // Overdue: two Chromebooks, the conditions accepted online first.
    let late = booking::reserve(
        conn,
        julie,
        pool(2, -12, -3, "Projet de robotique"),
        at(-12),
    )?;
    loans::acknowledge(conn, julie, late.id, &conditions)?;
    let picked = CheckoutCmd {
        assets: carts[10..12].to_vec(),
        acknowledged: false,
    };
    desk::checkout(conn, desk, late.id, picked, &conditions, at(-12))?;
    // Returned in good condition.
    let back = booking::reserve(
        conn,
        julie,
        one(&projectors[1], -20, -15, "Spectacle"),
        at(-20),
    )?;
    desk::checkout(conn, desk, back.id, at_desk, &conditions, at(-20))?;
    let returned = ReturnedItem {
        tag: projectors[1].clone(),
        condition: "ok".into(),
        note: String::new(),
    };
    desk::checkin(
        conn,
        desk,
        back.id,
        CheckinCmd {
            items: vec![returned],
            borrower_agreed: true,
        },
    )?;
    // Cancelled.
    let cancelled = booking::reserve(
        conn,
        julie,
        one(&projectors[2], 10, 11, "Sortie au musée"),
        now,
    )?;
    booking::cancel(conn, julie, cancelled.id)?;
    Ok(())
}
