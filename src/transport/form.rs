//! The trip fields of a transport request: the form a trip category asks them with, and the rules
//! a trip follows beyond each field's own type (pure, unit-tested). Errors are keyed
//! `fields.<key>` like the form's, so the page shows them next to the field.

use crate::error::{FieldErrors, Msg};
use crate::sla::holidays;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde_json::{json, Map, Value};

pub const DATE: &str = "date_sortie";
pub const DEPARTURE: &str = "heure_depart";
pub const RETURN_DATE: &str = "date_retour";
pub const RETURN: &str = "heure_retour";
pub const ORIGIN: &str = "origine";
pub const DESTINATION: &str = "destination";
pub const ADDRESS: &str = "adresse_destination";
pub const STUDENTS: &str = "eleves";
pub const ADULTS: &str = "adultes";
pub const WHEELCHAIRS: &str = "places_fauteuil";
pub const ADAPTED: &str = "vehicule_adapte";
pub const VEHICLE: &str = "type_vehicule";
pub const VEHICLES: &str = "nombre_vehicules";
pub const BUDGET: &str = "code_budgetaire";
pub const NOTES: &str = "notes_transporteur";
pub const URGENCY: &str = "raison_urgence";

/// Vehicle types as the form offers them (the codes of `vehicle_types`).
pub const VEHICLE_TYPES: &[(&str, &str, &str)] = &[
    ("autobus", "Autobus scolaire", "School bus"),
    ("minibus", "Minibus", "Minibus"),
    ("adapte", "Véhicule adapté", "Adapted vehicle"),
    ("taxi", "Taxi", "Taxi"),
];

fn field(key: &str, fr: &str, en: &str, kind: &str, required: bool) -> Value {
    json!({"key": key, "label_fr": fr, "label_en": en, "type": kind, "required": required})
}

/// The form of a trip category (stored in `categories.form`).
pub fn form() -> Value {
    let mut fields = vec![
        field(DATE, "Date du déplacement", "Trip date", "date", true),
        field(DEPARTURE, "Heure de départ", "Departure time", "time", true),
        json!({"key": RETURN_DATE, "label_fr": "Date du retour", "label_en": "Return date",
               "type": "date", "help_fr": "Seulement si le retour a lieu un autre jour.",
               "help_en": "Only if the return is on another day."}),
        field(RETURN, "Heure de retour", "Return time", "time", true),
        json!({"key": ORIGIN, "label_fr": "Lieu de départ", "label_en": "Pick-up place",
               "type": "text", "max_length": 300,
               "help_fr": "Laissez vide pour un départ de l'école (son adresse).",
               "help_en": "Leave empty to leave from the school (its address)."}),
        json!({"key": DESTINATION, "label_fr": "Destination (nom)", "label_en": "Destination (name)",
               "type": "text", "required": true, "max_length": 200}),
        json!({"key": ADDRESS, "label_fr": "Adresse de la destination", "label_en": "Destination address",
               "type": "text", "required": true, "max_length": 300}),
        json!({"key": STUDENTS, "label_fr": "Nombre d'élèves", "label_en": "Number of students",
               "type": "number", "required": true, "min": 0.0, "max": 1000.0}),
        json!({"key": ADULTS, "label_fr": "Nombre d'adultes", "label_en": "Number of adults",
               "type": "number", "required": true, "min": 0.0, "max": 200.0}),
        json!({"key": WHEELCHAIRS, "label_fr": "Places pour fauteuil roulant", "label_en": "Wheelchair places",
               "type": "number", "min": 0.0, "max": 40.0}),
        field(
            ADAPTED,
            "Véhicule adapté requis",
            "Adapted vehicle needed",
            "checkbox",
            false,
        ),
    ];
    fields.push(json!({"key": VEHICLE, "label_fr": "Type de véhicule", "label_en": "Vehicle type",
        "type": "select", "required": true,
        "options": VEHICLE_TYPES.iter().map(|(v, fr, en)| json!({"value": v, "label_fr": fr, "label_en": en})).collect::<Vec<_>>()}));
    fields.extend([
        json!({"key": VEHICLES, "label_fr": "Nombre de véhicules", "label_en": "Number of vehicles",
               "type": "number", "min": 1.0, "max": 30.0,
               "help_fr": "Un s'il est laissé vide.", "help_en": "One if left empty."}),
        json!({"key": BUDGET, "label_fr": "Code budgétaire", "label_en": "Budget code",
               "type": "text", "required": true, "max_length": 40}),
        json!({"key": NOTES, "label_fr": "Notes pour le transporteur", "label_en": "Notes for the carrier",
               "type": "long_text", "max_length": 2000}),
        json!({"key": URGENCY, "label_fr": "Raison de l'urgence", "label_en": "Reason for the urgency",
               "type": "long_text", "max_length": 2000,
               "help_fr": "Seulement pour un transport demandé avec moins que le préavis minimum (10 jours ouvrables, sauf avis contraire).",
               "help_en": "Only for a trip asked for with less than the minimum notice (10 business days unless stated otherwise)."}),
    ]);
    json!({ "fields": fields })
}

/// A trip as the form gave it, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TripInput {
    pub date: NaiveDate,
    pub departs: NaiveDateTime,
    pub returns: NaiveDateTime,
    /// `None`: from the school.
    pub origin: Option<String>,
    pub destination: String,
    pub destination_address: String,
    pub students: i32,
    pub adults: i32,
    pub wheelchair_places: i32,
    pub adapted_vehicle: bool,
    pub vehicle_type: String,
    pub vehicles: i32,
    pub budget_code: String,
    pub carrier_notes: String,
    pub urgent_reason: Option<String>,
}

impl TripInput {
    pub fn passengers(&self) -> i32 {
        self.students + self.adults
    }
}

/// What the rules need to know besides the values: today, and the earliest date a trip may be
/// asked for without a reason (`None` when the notice does not apply, e.g. to a change).
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub today: NaiveDate,
    pub notice: Option<(i32, NaiveDate)>,
}

/// Whether a day is worked: not a weekend, not a Québec statutory holiday.
pub fn is_business_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        && !holidays::quebec(d.year()).iter().any(|h| h.date == d)
}

/// The first date that is at least `days` business days after `today`.
pub fn earliest_date(today: NaiveDate, days: i32) -> NaiveDate {
    let mut d = today;
    let mut left = days;
    while left > 0 {
        d += Duration::days(1);
        if is_business_day(d) {
            left -= 1;
        }
    }
    d
}

fn text(fields: &Map<String, Value>, key: &str) -> Option<String> {
    fields
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn date(fields: &Map<String, Value>, key: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&text(fields, key)?, "%Y-%m-%d").ok()
}

fn time(fields: &Map<String, Value>, key: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(&text(fields, key)?, "%H:%M").ok()
}

/// A count: absent is `None`, a whole number is `Some(Ok)`, anything else `Some(Err)`.
fn count(fields: &Map<String, Value>, key: &str) -> Option<Result<i32, Msg>> {
    let n = fields.get(key)?.as_f64()?;
    Some(if n.fract() == 0.0 && (0.0..=100_000.0).contains(&n) {
        Ok(n as i32)
    } else {
        Err(Msg::new("field-whole-number"))
    })
}

/// Checks the values the form validated (types, bounds, required) against the trip rules:
/// the return after the departure, a date not in the past, at least one passenger, whole
/// numbers of people and vehicles, and the minimum notice unless a reason is given.
pub fn parse(fields: &Map<String, Value>, rules: &Rules) -> Result<TripInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = |k: &str| format!("fields.{k}");
    let need = |k: &str, present: bool, errors: &mut FieldErrors| {
        if !present {
            errors.add(&name(k), Msg::new("field-required"));
        }
    };
    let day = date(fields, DATE);
    let departure = time(fields, DEPARTURE);
    let back = time(fields, RETURN);
    need(DATE, day.is_some(), &mut errors);
    need(DEPARTURE, departure.is_some(), &mut errors);
    need(RETURN, back.is_some(), &mut errors);
    let destination = text(fields, DESTINATION);
    let address = text(fields, ADDRESS);
    let vehicle = text(fields, VEHICLE);
    let budget = text(fields, BUDGET);
    need(DESTINATION, destination.is_some(), &mut errors);
    need(ADDRESS, address.is_some(), &mut errors);
    need(VEHICLE, vehicle.is_some(), &mut errors);
    need(BUDGET, budget.is_some(), &mut errors);
    let whole = |k: &str, default: Option<i32>, errors: &mut FieldErrors| match count(fields, k) {
        Some(Ok(n)) => n,
        Some(Err(m)) => {
            errors.add(&name(k), m);
            0
        }
        None => match default {
            Some(d) => d,
            None => {
                errors.add(&name(k), Msg::new("field-required"));
                0
            }
        },
    };
    let students = whole(STUDENTS, None, &mut errors);
    let adults = whole(ADULTS, None, &mut errors);
    let wheelchair_places = whole(WHEELCHAIRS, Some(0), &mut errors);
    let vehicles = whole(VEHICLES, Some(1), &mut errors).max(1);
    if students + adults < 1 && !errors.0.contains_key(&name(STUDENTS)) {
        errors.add(&name(STUDENTS), Msg::new("trip-no-passenger"));
    }
    let urgent_reason = text(fields, URGENCY);
    let mut result = None;
    if let (Some(day), Some(departure), Some(back)) = (day, departure, back) {
        let return_day = date(fields, RETURN_DATE).unwrap_or(day);
        let departs = day.and_time(departure);
        let returns = return_day.and_time(back);
        if day < rules.today {
            errors.add(&name(DATE), Msg::new("trip-date-past"));
        } else if let Some((days, earliest)) = rules.notice {
            if day < earliest && urgent_reason.is_none() {
                errors.add(
                    &name(DATE),
                    Msg::new("trip-notice").arg("days", days).arg_pick(
                        "date",
                        &crate::i18n::format_date(crate::i18n::Locale::Fr, earliest),
                        &crate::i18n::format_date(crate::i18n::Locale::En, earliest),
                    ),
                );
                errors.add(&name(URGENCY), Msg::new("trip-urgency-needed"));
            }
        }
        if return_day < day {
            errors.add(&name(RETURN_DATE), Msg::new("trip-return-before"));
        } else if returns <= departs {
            errors.add(&name(RETURN), Msg::new("trip-return-before"));
        }
        result = Some((day, departs, returns));
    }
    let (Some((date, departs, returns)), true) = (result, errors.is_empty()) else {
        return Err(errors);
    };
    // The urgency reason is kept only when the notice was short.
    let short = rules.notice.is_some_and(|(_, earliest)| date < earliest);
    Ok(TripInput {
        date,
        departs,
        returns,
        origin: text(fields, ORIGIN),
        destination: destination.unwrap_or_default(),
        destination_address: address.unwrap_or_default(),
        students,
        adults,
        wheelchair_places,
        adapted_vehicle: fields
            .get(ADAPTED)
            .and_then(Value::as_bool)
            .unwrap_or(false),
        vehicle_type: vehicle.unwrap_or_default(),
        vehicles,
        budget_code: budget.unwrap_or_default(),
        carrier_notes: text(fields, NOTES).unwrap_or_default(),
        urgent_reason: if short || rules.notice.is_none() {
            urgent_reason
        } else {
            None
        },
    })
}

/// A warning about a trip: something the transport service should look at, not a refusal.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// More passengers than the vehicles carry.
    OverCapacity { passengers: i32, capacity: i32 },
    /// Wheelchair places asked for in vehicles that have none.
    NoWheelchairPlaces { wanted: i32, offered: i32 },
    /// The carrier has no vehicle of this type.
    CarrierLacksType,
    /// At the busiest moment of the trip, the carrier would need more vehicles of the type than
    /// it has.
    CarrierOverbooked { needed: i32, fleet: i32 },
}

impl Warning {
    pub fn msg(&self) -> Msg {
        match self {
            Warning::OverCapacity {
                passengers,
                capacity,
            } => Msg::new("trip-warn-capacity")
                .arg("n", passengers)
                .arg("max", capacity),
            Warning::NoWheelchairPlaces { wanted, offered } => Msg::new("trip-warn-wheelchair")
                .arg("n", wanted)
                .arg("max", offered),
            Warning::CarrierLacksType => Msg::new("trip-warn-carrier-type"),
            Warning::CarrierOverbooked { needed, fleet } => Msg::new("trip-warn-overbooked")
                .arg("n", needed)
                .arg("max", fleet),
        }
    }
}

/// The capacity warnings of a trip: passengers over what its vehicles carry, wheelchair places
/// the vehicles do not offer. `capacity` and `wheelchair` are one vehicle's.
pub fn capacity_warnings(
    passengers: i32,
    wheelchair_places: i32,
    vehicles: i32,
    capacity: i32,
    wheelchair: i32,
) -> Vec<Warning> {
    let mut w = Vec::new();
    if passengers > capacity * vehicles {
        w.push(Warning::OverCapacity {
            passengers,
            capacity: capacity * vehicles,
        });
    }
    if wheelchair_places > wheelchair * vehicles {
        w.push(Warning::NoWheelchairPlaces {
            wanted: wheelchair_places,
            offered: wheelchair * vehicles,
        });
    }
    w
}

/// The most vehicles in use at once among bookings `(start, end, vehicles)` (ends exclusive).
pub fn peak<T: Ord + Copy>(bookings: &[(T, T, i32)]) -> i32 {
    let mut edges: Vec<(T, i32)> = Vec::with_capacity(bookings.len() * 2);
    for (start, end, n) in bookings {
        edges.push((*start, *n));
        edges.push((*end, -*n));
    }
    // At equal times, vehicles come back before they leave again.
    edges.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0, 0);
    for (_, delta) in edges {
        now += delta;
        most = most.max(now);
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::form::FormDef;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn values(extra: Value) -> Map<String, Value> {
        let mut v = json!({
            "date_sortie": "2026-12-15", "heure_depart": "08:30", "heure_retour": "15:00",
            "destination": "Musée de la civilisation", "adresse_destination": "85, rue Dalhousie, Québec",
            "eleves": "48", "adultes": "4", "type_vehicule": "autobus", "code_budgetaire": "5-123-456",
        });
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        // Through the form first, as a request is: types and bounds.
        let form: FormDef = serde_json::from_value(form()).unwrap();
        form.validate(v.as_object().unwrap()).unwrap()
    }

    fn rules() -> Rules {
        let today = d("2026-11-27");
        Rules {
            today,
            notice: Some((10, earliest_date(today, 10))),
        }
    }

    #[test]
    fn the_form_is_a_valid_definition() {
        let form: FormDef = serde_json::from_value(form()).unwrap();
        form.check().unwrap();
    }

    #[test]
    fn a_complete_trip_is_read_with_its_defaults() {
        let t = parse(&values(json!({})), &rules()).unwrap();
        assert_eq!(t.departs, d("2026-12-15").and_hms_opt(8, 30, 0).unwrap());
        assert_eq!(t.returns, d("2026-12-15").and_hms_opt(15, 0, 0).unwrap());
        assert_eq!(
            (t.students, t.adults, t.vehicles, t.wheelchair_places),
            (48, 4, 1, 0)
        );
        assert_eq!(t.origin, None);
        assert_eq!(t.urgent_reason, None);
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        // Friday 27 November 2026 + 10 business days: Friday 11 December.
        assert_eq!(earliest_date(d("2026-11-27"), 10), d("2026-12-11"));
        // Christmas and Boxing Day: 24 Dec (Thu) + 1 → 28 Dec (Mon; 25 Dec is a holiday).
        assert_eq!(earliest_date(d("2026-12-24"), 1), d("2026-12-28"));
        assert!(!is_business_day(d("2027-01-01")));
    }

    #[test]
    fn the_return_must_follow_the_departure() {
        let e = parse(&values(json!({"heure_retour": "08:00"})), &rules()).unwrap_err();
        assert_eq!(e.0["fields.heure_retour"][0].key, "trip-return-before");
        let e = parse(
            &values(json!({"date_retour": "2026-12-14", "heure_retour": "18:00"})),
            &rules(),
        )
        .unwrap_err();
        assert_eq!(e.0["fields.date_retour"][0].key, "trip-return-before");
        // An overnight trip may come back earlier in the day than it left.
        let t = parse(
            &values(json!({"date_retour": "2026-12-16", "heure_retour": "07:00"})),
            &rules(),
        )
        .unwrap();
        assert_eq!(t.returns, d("2026-12-16").and_hms_opt(7, 0, 0).unwrap());
    }

    #[test]
    fn a_past_date_and_an_empty_bus_are_refused() {
        let e = parse(
            &values(json!({"date_sortie": "2026-11-26", "eleves": "0", "adultes": "0"})),
            &rules(),
        )
        .unwrap_err();
        assert_eq!(e.0["fields.date_sortie"][0].key, "trip-date-past");
        assert_eq!(e.0["fields.eleves"][0].key, "trip-no-passenger");
    }

    #[test]
    fn people_are_whole_numbers() {
        let e = parse(&values(json!({"eleves": "12,5"})), &rules()).unwrap_err();
        assert_eq!(e.0["fields.eleves"][0].key, "field-whole-number");
    }

    #[test]
    fn short_notice_needs_a_reason() {
        let e = parse(&values(json!({"date_sortie": "2026-12-10"})), &rules()).unwrap_err();
        let m = &e.0["fields.date_sortie"][0];
        assert_eq!(m.key, "trip-notice");
        assert_eq!(
            crate::i18n::msg(crate::i18n::Locale::Fr, m),
            "Un transport se demande au moins 10 jours ouvrables à l'avance : la première date possible est le 11 décembre 2026. Pour un besoin urgent, expliquez-en la raison."
        );
        assert_eq!(e.0["fields.raison_urgence"][0].key, "trip-urgency-needed");
        // The first date possible is accepted, and an earlier one with a reason.
        assert!(parse(&values(json!({"date_sortie": "2026-12-11"})), &rules()).is_ok());
        let t = parse(
            &values(
                json!({"date_sortie": "2026-12-01", "raison_urgence": "Tournoi régional reporté"}),
            ),
            &rules(),
        )
        .unwrap();
        assert_eq!(t.urgent_reason.as_deref(), Some("Tournoi régional reporté"));
        // A reason given when the notice is long enough is not kept.
        let t = parse(
            &values(json!({"raison_urgence": "Par précaution"})),
            &rules(),
        )
        .unwrap();
        assert_eq!(t.urgent_reason, None);
        // A change (no notice rule) may move the trip closer.
        let change = Rules {
            today: d("2026-11-27"),
            notice: None,
        };
        assert!(parse(&values(json!({"date_sortie": "2026-11-30"})), &change).is_ok());
    }

    #[test]
    fn capacity_warnings_count_every_vehicle() {
        assert_eq!(
            capacity_warnings(80, 0, 1, 72, 0),
            vec![Warning::OverCapacity {
                passengers: 80,
                capacity: 72
            }]
        );
        assert!(capacity_warnings(80, 0, 2, 72, 0).is_empty());
        assert_eq!(
            capacity_warnings(6, 2, 1, 72, 0),
            vec![Warning::NoWheelchairPlaces {
                wanted: 2,
                offered: 0
            }]
        );
    }

    #[test]
    fn the_peak_counts_only_bookings_that_overlap() {
        // 8–12 (2), 11–15 (1), 12–16 (2): at 11–12, 3; at 12–15, 3 (the first is back at 12).
        assert_eq!(peak(&[(8, 12, 2), (11, 15, 1), (12, 16, 2)]), 3);
        assert_eq!(peak(&[(8, 10, 1), (10, 12, 1)]), 1);
        assert_eq!(peak::<i32>(&[]), 0);
    }
}
