//! The demo's requests spread over the school year, with a small deterministic generator.

use crate::error::AppError;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

/// A small deterministic generator, so the demo is the same on every machine.
pub(super) struct Lcg(pub(super) u64);

pub(super) const TITLES: &[&str] = &[
    "Ne fonctionne plus depuis ce matin",
    "Problème récurrent, besoin d'aide",
    "Demande pour la semaine prochaine",
    "Urgent : classe touchée",
    "Suivi de la demande précédente",
    "À planifier avant la fin de l'étape",
];

/// Spreads the demo's requests over the school year so that the dashboards have a history:
/// every instant of a request (and of its timeline, clocks and approvals) moves back by the same
/// offset — up to 20 days for open requests, 140 for the others —, and resolved requests take
/// from one to forty business-ish hours. Clocks already past due are marked breached, as the
/// SLA scan would have, so that starting the demo mails nobody.
pub(super) fn history(conn: &mut PgConnection) -> Result<(), AppError> {
    conn.batch_execute(include_str!("sql/history_shift.sql"))?;
    // Moved back by whole days and hours, a due date may land on a weekend or at night: each is
    // computed again by the SLA code from the moved submission, as for a live request.
    let moved = crate::requests::queries::with_sla_policy(conn)?;
    for r in &moved {
        crate::sla::service::recompute(conn, r)?;
    }
    conn.batch_execute(include_str!("sql/history_after.sql"))?;
    Ok(())
}
