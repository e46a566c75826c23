//! What leaves Guichet about trips: the weekly CSV of a carrier's trips, and the calendars
//! (.ics) carriers and schools subscribe to with a secret link (only its SHA-256 is kept).

use super::model::{local, TripRow};
use super::queries::{self, TripFilter};
use super::service::vehicle_label;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{CarrierId, UnitId};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::requests::model::RequestNumber;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use icalendar::{Component, EventLike, EventStatus};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The Monday of the week of a day.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// The columns of the weekly CSV, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "csv-number",
    "csv-date",
    "csv-departure",
    "csv-return",
    "csv-unit",
    "csv-origin",
    "csv-destination",
    "csv-address",
    "csv-students",
    "csv-adults",
    "csv-wheelchairs",
    "csv-adapted",
    "csv-vehicle",
    "csv-vehicles",
    "csv-budget",
    "csv-notes",
    "csv-status",
];

/// A carrier's trips of one week (Monday to Sunday) as CSV: UTF-8 with a byte-order mark and
/// `;` separators, as French spreadsheets open them.
pub fn weekly_csv(
    conn: &mut PgConnection,
    user: &CurrentUser,
    carrier: CarrierId,
    monday: NaiveDate,
    loc: Locale,
) -> Result<(String, Vec<u8>), AppError> {
    if !user.runs_transport() {
        return Err(AppError::Forbidden);
    }
    let c = queries::carrier(conn, carrier)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let from = super::model::local_to_utc(monday.and_hms_opt(0, 0, 0).unwrap_or_default());
    let to = super::model::local_to_utc(
        (monday + Duration::days(7))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let rows = queries::list(
        conn,
        None,
        &TripFilter {
            from: Some(from),
            to: Some(to),
            carrier: Some(carrier),
            unit: None,
            live_only: true,
        },
        10_000,
    )?;
    let workflows = workflow_labels(conn, &rows, loc)?;
    let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let t = |k: &str| crate::i18n::tr(loc, k, &[]);
        w.write_record(CSV_COLUMNS.iter().map(|k| t(k)))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        for r in &rows {
            let d = local(r.trip.departs_at);
            let back = local(r.trip.returns_at);
            let yes_no = if r.trip.adapted_vehicle { "yes" } else { "no" };
            w.write_record([
                RequestNumber(r.number).to_string(),
                d.format("%Y-%m-%d").to_string(),
                d.format("%H:%M").to_string(),
                if back.date() == d.date() {
                    back.format("%H:%M").to_string()
                } else {
                    back.format("%Y-%m-%d %H:%M").to_string()
                },
                loc.pick(&r.unit_fr, &r.unit_en).to_string(),
                r.trip.origin.clone(),
                r.trip.destination.clone(),
                r.trip.destination_address.clone(),
                r.trip.students.to_string(),
                r.trip.adults.to_string(),
                r.trip.wheelchair_places.to_string(),
                t(yes_no),
                vehicle_label(loc, &r.trip.vehicle_type),
                r.trip.vehicles.to_string(),
                r.trip.budget_code.clone(),
                r.trip.carrier_notes.clone(),
                workflows
                    .get(&(r.number))
                    .cloned()
                    .unwrap_or_else(|| r.status.clone()),
            ])
            .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        w.flush().map_err(|e| AppError::Internal(e.to_string()))?;
    }
    audit::record(
        conn,
        &user.origin(),
        "trip.export",
        "carrier",
        carrier,
        json!({"week": monday, "rows": rows.len()}),
    )?;
    let slug: String = c
        .name
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    Ok((format!("transport-{slug}-{monday}.csv"), out))
}

/// Each row's status label, by request number (each workflow loaded once).
pub fn workflow_labels(
    conn: &mut PgConnection,
    rows: &[TripRow],
    loc: Locale,
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let mut cache = std::collections::HashMap::new();
    let mut out = std::collections::HashMap::new();
    for r in rows {
        if let std::collections::hash_map::Entry::Vacant(slot) = cache.entry(r.workflow_id) {
            slot.insert(crate::workflow::queries::load(conn, r.workflow_id)?);
        }
        if let Some(w) = cache.get(&r.workflow_id) {
            out.insert(r.number, w.label(&r.status, loc).to_string());
        }
    }
    Ok(out)
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who a feed is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFor {
    Carrier(CarrierId),
    Unit(UnitId),
}

/// Creates a subscription link; returns its secret token (shown once). The transport service
/// creates any; a unit's director, their unit's.
pub fn create_feed(
    conn: &mut PgConnection,
    user: &CurrentUser,
    target: FeedFor,
) -> Result<String, AppError> {
    let allowed = match target {
        FeedFor::Carrier(_) => user.runs_transport(),
        FeedFor::Unit(u) => user.runs_transport() || user.managed_units().contains(&u),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let token = crate::users::service::new_secret();
    let (carrier, unit) = match target {
        FeedFor::Carrier(c) => (
            Some(
                queries::carrier(conn, c)
                    .optional()?
                    .ok_or(AppError::NotFound)?
                    .id,
            ),
            None,
        ),
        FeedFor::Unit(u) => (
            None,
            Some(
                crate::units::queries::find(conn, u)
                    .optional()?
                    .ok_or(AppError::NotFound)?
                    .id,
            ),
        ),
    };
    conn.transaction(|conn| {
        let id = queries::insert_feed(conn, &hash(&token), carrier, unit, user.id)?;
        audit::record(
            conn,
            &user.origin(),
            "trip_feed.create",
            "trip_feed",
            id,
            json!({"carrier": carrier, "unit": unit}),
        )?;
        Ok(token)
    })
}

pub fn revoke_feed(conn: &mut PgConnection, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let (carrier, unit) = queries::feed(conn, id)?.ok_or(AppError::NotFound)?;
    let allowed = user.runs_transport()
        || (carrier.is_none() && unit.is_some_and(|u| user.managed_units().contains(&u)));
    if !allowed {
        return Err(AppError::Forbidden);
    }
    conn.transaction(|conn| {
        queries::revoke_feed(conn, id)?;
        audit::record(
            conn,
            &user.origin(),
            "trip_feed.revoke",
            "trip_feed",
            id,
            json!({}),
        )?;
        Ok(())
    })
}

/// The calendar behind a link: the carrier's or the unit's trips from 60 days ago to a year
/// ahead. A cancelled trip stays in the feed, marked cancelled, so calendars that had it drop it.
/// `None` for an unknown or revoked token.
pub fn ics(
    conn: &mut PgConnection,
    token: &str,
    base_url: &str,
) -> Result<Option<String>, AppError> {
    let Some((id, carrier, unit)) = queries::feed_by_hash(conn, &hash(token))? else {
        return Ok(None);
    };
    queries::feed_used(conn, id)?;
    let now = Utc::now();
    let rows = queries::list(
        conn,
        None,
        &TripFilter {
            from: Some(now - Duration::days(60)),
            to: Some(now + Duration::days(366)),
            carrier,
            unit,
            live_only: false,
        },
        5_000,
    )?;
    let (name, loc) = match (carrier, unit) {
        (Some(c), _) => {
            let c = queries::carrier(conn, c)?;
            (
                format!("Guichet — {}", c.name),
                Locale::parse(&c.locale).unwrap_or_default(),
            )
        }
        (_, Some(u)) => (
            format!(
                "Guichet — {}",
                crate::units::queries::find(conn, u)?.name_fr
            ),
            Locale::Fr,
        ),
        _ => return Ok(None),
    };
    // A unit sees its trips whatever their state; a carrier only those booked with it.
    let host = url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "guichet.invalid".into());
    let mut cal = icalendar::Calendar::new();
    cal.name(&name).timezone("America/Toronto");
    for r in &rows {
        let number = RequestNumber(r.number).to_string();
        let t = &r.trip;
        let cancelled = r.status_kind == crate::workflow::StateKind::Cancelled;
        let summary = format!(
            "{} — {} → {}",
            number,
            loc.pick(&r.unit_fr, &r.unit_en),
            t.destination
        );
        let notes = if t.carrier_notes.is_empty() {
            String::new()
        } else {
            format!("{}\n", t.carrier_notes)
        };
        let description = format!(
            "{}\n{}: {} + {}\n{}: {} × {}\n{}: {}\n{}{}/requests/{}",
            r.title,
            crate::i18n::tr(loc, "trip-passengers", &[]),
            t.students,
            t.adults,
            crate::i18n::tr(loc, "trip-vehicle", &[]),
            t.vehicles,
            vehicle_label(loc, &t.vehicle_type),
            crate::i18n::tr(loc, "trip-origin", &[]),
            t.origin,
            notes,
            base_url.trim_end_matches('/'),
            number,
        );
        let mut e = icalendar::Event::with_uid(&format!("trip-{}@{host}", r.number));
        e.summary(&summary)
            .description(&description)
            .location(&format!("{}, {}", t.destination, t.destination_address))
            .starts(t.departs_at)
            .ends(t.returns_at)
            .timestamp(t.updated_at)
            .status(if cancelled {
                EventStatus::Cancelled
            } else if t.confirmed_at.is_some() {
                EventStatus::Confirmed
            } else {
                EventStatus::Tentative
            });
        cal.push(e.done());
    }
    Ok(Some(cal.done().to_string()))
}
