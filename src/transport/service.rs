//! The rules of trips: checked and recorded with their request, changed by the requester's side
//! or the transport service (the carrier hears of changes once it is booked), confirmed with a
//! carrier (the requester gets the confirmation), and the warnings the service should look at.

use super::form::{self, Rules, TripInput, Warning};
use super::model::*;
use super::queries::{self, TripFilter};
use crate::audit;
use crate::auth::CurrentUser;
use crate::catalog::model::Category;
use crate::db::{CarrierId, UnitId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::Locale;
use crate::notify;
use crate::requests::commands::{StatusChange, TEXT_MAX};
use crate::requests::model::{EventKind, NewEvent, Request, RequestNumber};
use crate::requests::queries as rq;
use crate::workflow::{self, StateKind};
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{json, Map, Value};

/// The state of the transport workflow in which a carrier is booked.
pub const CONFIRMED: &str = "carrier_confirmed";

pub fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Toronto)
        .date_naive()
}

/// The rules of a new trip: today and the minimum notice.
pub fn rules_for_new(conn: &mut PgConnection, today: NaiveDate) -> QueryResult<Rules> {
    let days = queries::notice_days(conn)?;
    Ok(Rules {
        today,
        notice: Some((days, form::earliest_date(today, days))),
    })
}

/// Checks a new request's trip (for a trip category; `None` otherwise).
pub fn check_new(
    conn: &mut PgConnection,
    category: &Category,
    fields: &Map<String, Value>,
    today: NaiveDate,
) -> Result<Option<TripInput>, AppError> {
    if !category.trip {
        return Ok(None);
    }
    let rules = rules_for_new(conn, today)?;
    form::parse(fields, &rules)
        .map(Some)
        .map_err(AppError::Invalid)
}

/// Where a trip leaves from when the form says nothing: the unit's main building.
fn school_address(conn: &mut PgConnection, unit: UnitId) -> QueryResult<String> {
    let found = crate::units::queries::main_building(conn, unit)?;
    Ok(match found {
        Some((name, address)) if !address.trim().is_empty() => format!("{name}, {address}"),
        Some((name, _)) => name,
        None => crate::units::queries::find(conn, unit)?.name_fr,
    })
}

fn values(conn: &mut PgConnection, r: &Request, t: &TripInput) -> Result<TripValues, AppError> {
    Ok(TripValues {
        request_id: r.id,
        unit_id: r.unit_id,
        departs_at: local_to_utc(t.departs),
        returns_at: local_to_utc(t.returns),
        origin: match &t.origin {
            Some(o) => o.clone(),
            None => school_address(conn, r.unit_id)?,
        },
        destination: t.destination.clone(),
        destination_address: t.destination_address.clone(),
        students: t.students,
        adults: t.adults,
        wheelchair_places: t.wheelchair_places,
        adapted_vehicle: t.adapted_vehicle,
        vehicle_type: t.vehicle_type.clone(),
        vehicles: t.vehicles,
        budget_code: t.budget_code.clone(),
        carrier_notes: t.carrier_notes.clone(),
        urgent_reason: t.urgent_reason.clone(),
    })
}

/// Records the trip of a request just created (same transaction).
pub fn record_new(conn: &mut PgConnection, r: &Request, t: &TripInput) -> Result<(), AppError> {
    let v = values(conn, r, t)?;
    queries::insert(conn, &v)?;
    Ok(())
}

/// What changed between two trips, for the timeline and the carrier: `(label, before, after)`.
fn differences(loc: Locale, before: &Trip, after: &TripValues) -> Vec<(String, String, String)> {
    let t = |k: &str| crate::i18n::tr(loc, k, &[]);
    let when = |at| crate::i18n::format_datetime(loc, at);
    let mut out = Vec::new();
    let mut diff = |key: &str, a: String, b: String| {
        if a != b {
            out.push((t(key), a, b));
        }
    };
    diff(
        "trip-departs",
        when(before.departs_at),
        when(after.departs_at),
    );
    diff(
        "trip-returns",
        when(before.returns_at),
        when(after.returns_at),
    );
    diff("trip-origin", before.origin.clone(), after.origin.clone());
    diff(
        "trip-destination",
        format!("{}, {}", before.destination, before.destination_address),
        format!("{}, {}", after.destination, after.destination_address),
    );
    diff(
        "trip-passengers",
        format!("{} + {}", before.students, before.adults),
        format!("{} + {}", after.students, after.adults),
    );
    diff(
        "trip-wheelchairs",
        before.wheelchair_places.to_string(),
        after.wheelchair_places.to_string(),
    );
    diff(
        "trip-vehicle",
        format!(
            "{} × {}",
            before.vehicles,
            vehicle_label(loc, &before.vehicle_type)
        ),
        format!(
            "{} × {}",
            after.vehicles,
            vehicle_label(loc, &after.vehicle_type)
        ),
    );
    diff(
        "trip-budget",
        before.budget_code.clone(),
        after.budget_code.clone(),
    );
    diff(
        "trip-notes",
        before.carrier_notes.clone(),
        after.carrier_notes.clone(),
    );
    out
}

pub fn vehicle_label(loc: Locale, code: &str) -> String {
    form::VEHICLE_TYPES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fr, en)| loc.pick(fr, en).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// The trip a person may read, with the request it belongs to.
fn load(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
) -> Result<(Request, crate::requests::access::Standing, Trip), AppError> {
    let (r, standing) = crate::requests::reading::load(conn, user, number, true)?;
    let trip = queries::of_request(conn, r.id)?.ok_or(AppError::NotFound)?;
    Ok((r, standing, trip))
}

/// Changes a trip: the requester's side or the transport service, until the request is done.
/// The values go through the category's form and the trip rules (the minimum notice aside: a
/// change may come late); a booked carrier is told what changed.
pub fn change(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    input: Map<String, Value>,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let (r, standing, before) = load(conn, user, number)?;
        if !(standing.staff || standing.requester_side) {
            return Err(AppError::Forbidden);
        }
        if r.status_kind.is_final() || r.status_kind == StateKind::Resolved {
            return Err(AppError::rule("trip-change-closed"));
        }
        let category = crate::catalog::queries::find(conn, r.category_id)?;
        let fields = category
            .form_def()
            .validate(&input)
            .map_err(AppError::Invalid)?;
        let trip = form::parse(
            &fields,
            &Rules {
                today: today(),
                notice: None,
            },
        )
        .map_err(AppError::Invalid)?;
        let after = values(conn, &r, &trip)?;
        let changes = differences(Locale::Fr, &before, &after);
        if changes.is_empty() && r.fields == Value::Object(fields.clone()) {
            return Ok(());
        }
        rq::set_fields(conn, r.id, Value::Object(fields))?;
        queries::update(conn, &after)?;
        let data = json!({ "field": "trip", "changes": changes.iter()
            .map(|(l, a, b)| json!({"label": l, "from": a, "to": b})).collect::<Vec<_>>() });
        let event = rq::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: EventKind::FieldChanged,
                body: String::new(),
                internal: false,
                data: data.clone(),
            },
        )?;
        if let (Some(carrier), Some(_)) = (before.carrier_id, before.confirmed_at) {
            let carrier = queries::carrier(conn, carrier)?;
            let loc = Locale::parse(&carrier.locale).unwrap_or_default();
            let changes = differences(loc, &before, &after);
            tell_carrier(
                conn,
                &r,
                &carrier,
                "changed",
                &after_trip(&before, &after),
                changes,
                event.id,
            )?;
        }
        audit::record(
            conn,
            &user.origin(),
            "trip.change",
            "request",
            r.number(),
            data,
        )?;
        Ok(())
    })
}

/// The trip as it is after a change (for the carrier's message).
fn after_trip(before: &Trip, after: &TripValues) -> Trip {
    Trip {
        departs_at: after.departs_at,
        returns_at: after.returns_at,
        origin: after.origin.clone(),
        destination: after.destination.clone(),
        destination_address: after.destination_address.clone(),
        students: after.students,
        adults: after.adults,
        wheelchair_places: after.wheelchair_places,
        adapted_vehicle: after.adapted_vehicle,
        vehicle_type: after.vehicle_type.clone(),
        vehicles: after.vehicles,
        budget_code: after.budget_code.clone(),
        carrier_notes: after.carrier_notes.clone(),
        ..before.clone()
    }
}

fn trip_payload(loc: Locale, t: &Trip) -> Value {
    json!({
        "departs_at": t.departs_at,
        "returns_at": t.returns_at,
        "departs": crate::i18n::format_datetime(loc, t.departs_at),
        "returns": crate::i18n::format_datetime(loc, t.returns_at),
        "origin": t.origin,
        "destination": t.destination,
        "destination_address": t.destination_address,
        "students": t.students,
        "adults": t.adults,
        "wheelchair_places": t.wheelchair_places,
        "vehicles": t.vehicles,
        "vehicle": vehicle_label(loc, &t.vehicle_type),
        "notes": t.carrier_notes,
    })
}

/// Queues a message to a carrier's contact about one of its trips: `booked`, `changed` or
/// `cancelled`.
fn tell_carrier(
    conn: &mut PgConnection,
    r: &Request,
    carrier: &Carrier,
    kind: &str,
    trip: &Trip,
    changes: Vec<(String, String, String)>,
    event: crate::db::EventId,
) -> Result<(), AppError> {
    let loc = Locale::parse(&carrier.locale).unwrap_or_default();
    let unit = crate::units::queries::find(conn, r.unit_id)?;
    notify::queue_to_address(
        conn,
        &carrier.email,
        None,
        loc,
        &notify::Notice {
            template: "trip_carrier",
            request: Some(r.id),
            event: Some(event),
            payload: json!({
                "kind": kind,
                "booked": kind == "booked",
                "changed": kind == "changed",
                "cancelled": kind == "cancelled",
                "carrier": carrier.name,
                "contact": carrier.contact_name,
                "unit": loc.pick(&unit.name_fr, &unit.name_en),
                "trip": trip_payload(loc, trip),
                "changes": changes.iter().map(|(l, a, b)| json!({"label": l, "from": a, "to": b})).collect::<Vec<_>>(),
            }),
        },
    )?;
    Ok(())
}

/// The transport service books a carrier for a trip and confirms it: the request moves to
/// « Transporteur confirmé », the requester receives the confirmation, the carrier the trip.
/// Choosing another carrier later tells the first one the trip is no longer theirs.
pub fn confirm(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    carrier: CarrierId,
    note: &str,
) -> Result<(), AppError> {
    if note.chars().count() > TEXT_MAX {
        return Err(AppError::Invalid(FieldErrors::single(
            "note",
            Msg::new("field-too-long").arg("max", TEXT_MAX),
        )));
    }
    conn.transaction(|conn| {
        let (r, standing, trip) = load(conn, user, number)?;
        if !standing.staff {
            return Err(AppError::Forbidden);
        }
        let chosen = queries::carrier(conn, carrier)
            .optional()?
            .filter(|c| c.active)
            .ok_or_else(|| {
                AppError::Invalid(FieldErrors::single("carrier", Msg::new("field-choice")))
            })?;
        if trip.carrier_id == Some(carrier) && trip.confirmed_at.is_some() {
            return Ok(());
        }
        // The status change's note says who carries, unless the service wrote one.
        let note = match note.trim() {
            "" => [
                chosen.name.as_str(),
                chosen.contact_name.as_str(),
                chosen.phone.as_str(),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" — "),
            n => n.to_string(),
        };
        let note = note.as_str();
        let wf = workflow::queries::load(conn, r.workflow_id)?;
        let to = wf
            .state(CONFIRMED)
            .cloned()
            .ok_or_else(|| AppError::rule("trip-no-confirm-state"))?;
        if r.status != CONFIRMED {
            wf.check(&workflow::Attempt {
                from: &r.status,
                to: CONFIRMED,
                standing,
                note,
                resolved_at: r.resolved_at,
                now: Utc::now(),
                reopen_days: 0,
            })?;
        }
        queries::set_carrier(conn, r.id, carrier, user.id)?;
        let event = rq::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: EventKind::FieldChanged,
                body: String::new(),
                internal: false,
                data: json!({"field": "carrier", "to": chosen.name, "from": trip.carrier_id}),
            },
        )?;
        if r.status != CONFIRMED {
            crate::requests::commands::move_to(
                conn,
                &r,
                &to,
                Some(user.id),
                note.trim(),
                json!({}),
            )?;
        }
        // The carrier booked before hears it is no longer theirs.
        if let (Some(old), Some(_)) = (trip.carrier_id, trip.confirmed_at) {
            if old != carrier {
                let old = queries::carrier(conn, old)?;
                tell_carrier(conn, &r, &old, "cancelled", &trip, Vec::new(), event.id)?;
            }
        }
        tell_carrier(conn, &r, &chosen, "booked", &trip, Vec::new(), event.id)?;
        notify::events::trip_confirmed(
            conn,
            &r,
            user.id,
            event.id,
            json!({
                "carrier": chosen.name,
                "phone": chosen.phone,
                "contact": chosen.contact_name,
                "note": note.trim(),
                "trip": {"departs_at": trip.departs_at, "returns_at": trip.returns_at,
                         "origin": trip.origin, "destination": trip.destination,
                         "vehicles": trip.vehicles,
                         "vehicle_fr": vehicle_label(Locale::Fr, &trip.vehicle_type),
                         "vehicle_en": vehicle_label(Locale::En, &trip.vehicle_type)},
            }),
        )?;
        audit::record(
            conn,
            &user.origin(),
            "trip.confirm",
            "request",
            r.number(),
            json!({"carrier": carrier}),
        )?;
        Ok(())
    })
}

/// A request of a trip changes status (a hook of `requests::commands::move_to`): it reaches
/// « Transporteur confirmé » only with a carrier, and a booked carrier hears of a cancellation.
pub fn on_status(conn: &mut PgConnection, change: &StatusChange) -> Result<(), AppError> {
    let (r, to, event) = (change.before, change.to, change.event);
    let Some(trip) = queries::of_request(conn, r.id)? else {
        return Ok(());
    };
    if to.code == CONFIRMED && trip.carrier_id.is_none() {
        return Err(AppError::rule("trip-needs-carrier"));
    }
    if to.kind == StateKind::Cancelled {
        if let (Some(c), Some(_)) = (trip.carrier_id, trip.confirmed_at) {
            let carrier = queries::carrier(conn, c)?;
            tell_carrier(conn, r, &carrier, "cancelled", &trip, Vec::new(), event)?;
        }
    }
    Ok(())
}

/// What the warnings need, loaded once for a page of trips: vehicle types and carriers' fleets.
pub struct Fleets {
    types: Vec<VehicleType>,
    fleets: Vec<(CarrierId, String, i32)>,
}

impl Fleets {
    pub fn load(conn: &mut PgConnection) -> QueryResult<Fleets> {
        Ok(Fleets {
            types: queries::vehicle_types(conn)?,
            fleets: queries::fleets(conn)?,
        })
    }
}

/// What the transport service should look at: capacity, wheelchair places, and the booked
/// carrier's fleet (the type at all, and enough vehicles at the busiest moment of the trip).
pub fn warnings(conn: &mut PgConnection, f: &Fleets, trip: &Trip) -> QueryResult<Vec<Warning>> {
    let mut out = match f.types.iter().find(|t| t.code == trip.vehicle_type) {
        Some(t) => form::capacity_warnings(
            trip.passengers(),
            trip.wheelchair_places,
            trip.vehicles,
            t.capacity,
            t.wheelchair_places,
        ),
        None => Vec::new(),
    };
    if let Some(carrier) = trip.carrier_id {
        out.extend(carrier_warning(conn, f, carrier, trip)?);
    }
    Ok(out)
}

/// Whether a carrier could take a trip: `None` when it can, or why not.
pub fn carrier_warning(
    conn: &mut PgConnection,
    f: &Fleets,
    carrier: CarrierId,
    trip: &Trip,
) -> QueryResult<Option<Warning>> {
    let fleet = f
        .fleets
        .iter()
        .find(|(c, t, _)| *c == carrier && *t == trip.vehicle_type)
        .map(|(_, _, n)| *n)
        .unwrap_or(0);
    if fleet == 0 {
        return Ok(Some(Warning::CarrierLacksType));
    }
    let mut bookings = queries::bookings(
        conn,
        carrier,
        &trip.vehicle_type,
        trip.departs_at,
        trip.returns_at,
        trip.request_id,
    )?;
    // Only the part of each booking within this trip matters.
    for b in bookings.iter_mut() {
        b.0 = b.0.max(trip.departs_at);
        b.1 = b.1.min(trip.returns_at);
    }
    bookings.push((trip.departs_at, trip.returns_at, trip.vehicles));
    let needed = form::peak(&bookings);
    Ok((needed > fleet).then_some(Warning::CarrierOverbooked { needed, fleet }))
}

/// The trips a person may see.
pub fn list(
    conn: &mut PgConnection,
    user: &CurrentUser,
    filter: &TripFilter,
    limit: i64,
) -> QueryResult<Vec<TripRow>> {
    queries::list(conn, Some(&user.request_scope()), filter, limit)
}

/// Sets the minimum notice (transport service or admins).
pub fn set_notice(conn: &mut PgConnection, user: &CurrentUser, days: &str) -> Result<(), AppError> {
    if !user.runs_transport() {
        return Err(AppError::Forbidden);
    }
    let days: i32 = days
        .trim()
        .parse()
        .ok()
        .filter(|d| (0..=60).contains(d))
        .ok_or_else(|| {
            AppError::Invalid(FieldErrors::single(
                "notice_days",
                Msg::new("field-max").arg("max", 60),
            ))
        })?;
    conn.transaction(|conn| {
        queries::set_notice_days(conn, days)?;
        audit::record(
            conn,
            &user.origin(),
            "transport.notice",
            "transport_settings",
            1,
            json!({"days": days}),
        )?;
        Ok(())
    })
}

/// A carrier as a form gives it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CarrierInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub locale: String,
    #[serde(default)]
    pub active: Option<String>,
    /// Vehicles per type: `fleet_<type>`.
    #[serde(flatten)]
    pub fleet: std::collections::HashMap<String, String>,
}

/// Creates (`id` None) or updates a carrier and its fleet.
pub fn save_carrier(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: Option<CarrierId>,
    input: &CarrierInput,
) -> Result<CarrierId, AppError> {
    if !user.runs_transport() {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let name = input.name.trim();
    if name.is_empty() {
        errors.add("name", Msg::new("field-required"));
    } else if name.chars().count() > 200 {
        errors.add("name", Msg::new("field-too-long").arg("max", 200));
    }
    let email = input.email.trim().to_lowercase();
    let email_ok = email.split_once('@').is_some_and(|(a, b)| {
        !a.is_empty() && b.contains('.') && !email.chars().any(char::is_whitespace)
    });
    if !email_ok {
        errors.add("email", Msg::new("field-email"));
    }
    if input.phone.trim().chars().count() > 40 {
        errors.add("phone", Msg::new("field-too-long").arg("max", 40));
    }
    if input.contact_name.trim().chars().count() > 200 {
        errors.add("contact_name", Msg::new("field-too-long").arg("max", 200));
    }
    let mut fleet = Vec::new();
    for (code, _, _) in form::VEHICLE_TYPES {
        let raw = input
            .fleet
            .get(&format!("fleet_{code}"))
            .map(|s| s.trim())
            .unwrap_or("");
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<i32>() {
            Ok(n) if (0..=1000).contains(&n) => fleet.push((code.to_string(), n)),
            _ => errors.add(&format!("fleet_{code}"), Msg::new("field-whole-number")),
        }
    }
    errors.into_result()?;
    let values = CarrierValues {
        name: name.to_string(),
        contact_name: input.contact_name.trim().to_string(),
        email,
        phone: input.phone.trim().to_string(),
        locale: if input.locale == "en" { "en" } else { "fr" }.to_string(),
        active: id.is_none() || input.active.is_some(),
    };
    conn.transaction(|conn| {
        let id = match id {
            Some(id) => {
                if queries::update_carrier(conn, id, &values)
                    .map_err(|e| AppError::taken(e, "name", "carrier-name-taken"))?
                    == 0
                {
                    return Err(AppError::NotFound);
                }
                id
            }
            None => queries::insert_carrier(conn, &values)
                .map_err(|e| AppError::taken(e, "name", "carrier-name-taken"))?,
        };
        queries::set_fleet(conn, id, &fleet)?;
        audit::record(
            conn,
            &user.origin(),
            "carrier.save",
            "carrier",
            id,
            json!({"name": values.name, "fleet": fleet}),
        )?;
        Ok(id)
    })
}
