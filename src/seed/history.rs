//! The demo's requests spread over the school year, with a small deterministic generator.

use crate::error::AppError;
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
    let offset = "CASE WHEN status_kind IN ('new','open','pending','approval')
                    THEN make_interval(days => (number % 20)::int, hours => (number % 7)::int)
                    ELSE make_interval(days => (5 + (number * 37) % 135)::int, hours => (number % 9)::int) END";
    diesel::sql_query(format!(
        "CREATE TEMP TABLE demo_shift ON COMMIT DROP AS SELECT id, {offset} AS d FROM requests"
    ))
    .execute(conn)?;
    let shift = "UPDATE requests r SET created_at = created_at - s.d, updated_at = updated_at - s.d,
           first_response_at = first_response_at - s.d, resolved_at = resolved_at - s.d,
           closed_at = closed_at - s.d, first_response_due = first_response_due - s.d,
           resolution_due = resolution_due - s.d, sla_paused_since = sla_paused_since - s.d,
           first_response_warn_at = first_response_warn_at - s.d, resolution_warn_at = resolution_warn_at - s.d,
           first_response_warned_at = first_response_warned_at - s.d,
           resolution_warned_at = resolution_warned_at - s.d,
           first_response_breached_at = first_response_breached_at - s.d,
           resolution_breached_at = resolution_breached_at - s.d
         FROM demo_shift s WHERE s.id = r.id";
    diesel::sql_query(shift).execute(conn)?;
    // Moved back by whole days and hours, a due date may land on a weekend or at night: each is
    // computed again by the SLA code from the moved submission, as for a live request.
    let moved: Vec<crate::requests::model::Request> = crate::db::schema::requests::table
        .filter(crate::db::schema::requests::sla_policy_id.is_not_null())
        .select(crate::requests::model::Request::as_select())
        .load(conn)?;
    for r in &moved {
        crate::sla::service::recompute(conn, r)?;
    }
    for stmt in [
        // The timelines are append-only; the demo's loader alone moves them, in its transaction.
        "ALTER TABLE request_events DISABLE TRIGGER request_events_append_only",
        "ALTER TABLE sla_clock_events DISABLE TRIGGER sla_clock_events_append_only",
        "UPDATE request_events e SET created_at = e.created_at - s.d FROM demo_shift s WHERE s.id = e.request_id",
        "UPDATE sla_clock_events e SET at = e.at - s.d, due = e.due - s.d, created_at = e.created_at - s.d
         FROM demo_shift s WHERE s.id = e.request_id",
        // The clocks' start events carry the due dates computed again.
        "UPDATE sla_clock_events e SET due = CASE e.clock WHEN 'first_response' THEN r.first_response_due
                                                   ELSE r.resolution_due END
         FROM requests r WHERE r.id = e.request_id AND e.kind = 'started'",
        "ALTER TABLE request_events ENABLE TRIGGER request_events_append_only",
        "ALTER TABLE sla_clock_events ENABLE TRIGGER sla_clock_events_append_only",
        "UPDATE request_approvals a SET created_at = a.created_at - s.d, decided_at = a.decided_at - s.d
         FROM demo_shift s WHERE s.id = a.request_id",
        // Resolution from 1 to 40 hours after submission (and closure two days later).
        "UPDATE requests SET resolved_at = created_at + make_interval(hours => (1 + (number * 13) % 40)::int),
           closed_at = CASE WHEN closed_at IS NOT NULL
             THEN LEAST(created_at + make_interval(hours => (49 + (number * 13) % 40)::int), now()) END,
           first_response_at = COALESCE(first_response_at, created_at + interval '30 minutes'),
           resolve_minutes = NULL
         WHERE resolved_at IS NOT NULL",
        "UPDATE requests SET sla_paused_since = resolved_at WHERE status_kind = 'resolved'",
        "UPDATE requests SET first_response_breached_at = first_response_due
         WHERE first_response_due < now() AND first_response_at IS NULL AND closed_at IS NULL
           AND first_response_breached_at IS NULL",
        "UPDATE requests SET resolution_breached_at = resolution_due
         WHERE resolution_due < now() AND resolved_at IS NULL AND closed_at IS NULL
           AND sla_paused_since IS NULL AND resolution_breached_at IS NULL",
        "UPDATE requests SET first_response_warned_at = COALESCE(first_response_warned_at, first_response_warn_at)
         WHERE first_response_warn_at < now() AND first_response_at IS NULL",
        "UPDATE requests SET resolution_warned_at = COALESCE(resolution_warned_at, resolution_warn_at)
         WHERE resolution_warn_at < now() AND resolved_at IS NULL",
    ] {
        diesel::sql_query(stmt).execute(conn)?;
    }
    Ok(())
}
