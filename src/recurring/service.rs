//! Creating the due occurrences of recurring requests, and managing the schedules. Each
//! occurrence and unit is claimed by inserting its `recurring_runs` row (primary key) in the
//! transaction that creates the request: a second server waits for the first and then finds the
//! row already there, so nothing is created twice.

use super::queries::{self, Recurring};
use super::{Frequency, Schedule};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{CategoryId, UnitId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::{Priority, Source};
use crate::requests::service::{self as requests, CategoryRef, NewRequestCmd};
use crate::users::queries as users;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{json, Map, Value};

impl Recurring {
    pub fn schedule(&self) -> Schedule {
        Schedule {
            frequency: self.frequency,
            month: self.month.map(|m| m as u32),
            day: self.day.max(1) as u32,
            starts_on: self.starts_on,
        }
    }
}

/// Today in the board's time zone.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::America::Toronto).date_naive()
}

/// Creates every due occurrence not created yet; returns how many requests were created. A
/// schedule that fails (its category's form changed, its requester left) is logged and tried
/// again next time; the others go on.
pub fn run_due(conn: &mut PgConnection, today: NaiveDate) -> Result<usize, AppError> {
    let schedules = queries::active(conn)?;
    let mut created = 0;
    for s in schedules {
        let Some(occurs_on) = s.schedule().latest(today) else {
            continue;
        };
        for unit in &s.unit_ids {
            match create_occurrence(conn, &s, occurs_on, UnitId(*unit)) {
                Ok(true) => created += 1,
                Ok(false) => {}
                Err(e) => log::warn!(
                    "recurring request {} for unit {unit} on {occurs_on} not created: {e}",
                    s.id
                ),
            }
        }
    }
    Ok(created)
}

fn create_occurrence(
    conn: &mut PgConnection,
    s: &Recurring,
    occurs_on: NaiveDate,
    unit: UnitId,
) -> Result<bool, AppError> {
    conn.transaction(|conn| {
        let claimed = queries::claim_run(conn, s.id, occurs_on, unit)?;
        if claimed == 0 {
            return Ok(false);
        }
        let person = users::find(conn, s.requester_id)?;
        let who = crate::users::service::identity(conn, &person)?;
        let r = requests::create_scheduled(
            conn,
            &who,
            NewRequestCmd {
                category: CategoryRef::Id(s.category_id),
                title: s.title.clone(),
                description: s.description.clone(),
                priority: s.priority,
                unit: Some(unit),
                room: None,
                fields: s.fields.as_object().cloned().unwrap_or_default(),
                source: Source::Schedule,
            },
        )?;
        queries::set_run_request(conn, s.id, occurs_on, unit, r.id)?;
        Ok(true)
    })
}

// --- administration ---

/// The schedule form; `units` are unit codes.
#[derive(Debug, Clone, Default)]
pub struct RecurringInput {
    pub title: String,
    pub description: String,
    pub category: String,
    pub requester: String,
    pub units: Vec<String>,
    pub fields: String,
    pub priority: String,
    pub frequency: String,
    pub month: String,
    pub day: String,
    pub starts_on: String,
    pub active: bool,
}

impl RecurringInput {
    /// From the raw form pairs (`unit_<code>` checkboxes).
    pub fn from_pairs(pairs: &[(String, String)]) -> RecurringInput {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        RecurringInput {
            title: get("title"),
            description: get("description"),
            category: get("category"),
            requester: get("requester"),
            units: pairs
                .iter()
                .filter_map(|(k, _)| k.strip_prefix("unit_").map(str::to_string))
                .collect(),
            fields: get("fields"),
            priority: get("priority"),
            frequency: get("frequency"),
            month: get("month"),
            day: get("day"),
            starts_on: get("starts_on"),
            active: pairs.iter().any(|(k, _)| k == "active"),
        }
    }
}

use queries::Checked;

fn check(conn: &mut PgConnection, i: &RecurringInput) -> Result<Checked, AppError> {
    let mut errors = FieldErrors::default();
    let title = i.title.trim().to_string();
    if title.is_empty() {
        errors.add("title", Msg::new("field-required"));
    } else if title.chars().count() > 200 {
        errors.add("title", Msg::new("field-too-long").arg("max", 200));
    }
    let category = crate::catalog::queries::by_code(conn, i.category.trim())?.filter(|c| c.active);
    if category.is_none() {
        errors.add("category", Msg::new("field-choice"));
    }
    let requester = users::by_email(conn, &i.requester)?.filter(|u| u.active);
    if requester.is_none() {
        errors.add("requester", Msg::new("field-person-unknown"));
    }
    let mut units = Vec::new();
    for code in &i.units {
        match crate::units::queries::by_code(conn, code).optional()? {
            Some(u) if u.active => units.push(u.id.0),
            _ => errors.add("units", Msg::new("field-choice")),
        }
    }
    if i.units.is_empty() {
        errors.add("units", Msg::new("field-recurring-units"));
    }
    let fields = match i.fields.trim() {
        "" => json!({}),
        text => match serde_json::from_str::<Map<String, Value>>(text) {
            Ok(m) => match category.as_ref().map(|c| c.form_def().validate(&m)) {
                Some(Err(field_errors)) => {
                    let detail = field_errors
                        .0
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ");
                    errors.add("fields", Msg::new("field-form").arg("detail", detail));
                    json!({})
                }
                Some(Ok(values)) => Value::Object(values),
                None => json!({}),
            },
            Err(e) => {
                errors.add(
                    "fields",
                    Msg::new("field-form").arg("detail", e.to_string()),
                );
                json!({})
            }
        },
    };
    // Without values, the category's form must still accept the request.
    if i.fields.trim().is_empty() {
        if let Some(Err(field_errors)) = category
            .as_ref()
            .map(|c| c.form_def().validate(&Map::new()))
        {
            let detail = field_errors
                .0
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            errors.add("fields", Msg::new("field-form").arg("detail", detail));
        }
    }
    let priority = match i.priority.trim() {
        "" => None,
        p => {
            let parsed = Priority::parse(p);
            if parsed.is_none() {
                errors.add("priority", Msg::new("field-choice"));
            }
            parsed
        }
    };
    let frequency = Frequency::parse(i.frequency.trim());
    if frequency.is_none() {
        errors.add("frequency", Msg::new("field-choice"));
    }
    let frequency = frequency.unwrap_or(Frequency::Monthly);
    let day = i.day.trim().parse::<i16>().ok();
    let max_day = if frequency == Frequency::Weekly {
        7
    } else {
        31
    };
    let day = match day {
        Some(d) if (1..=max_day).contains(&d) => d,
        _ => {
            errors.add(
                "day",
                Msg::new("field-between").arg("min", 1).arg("max", max_day),
            );
            1
        }
    };
    let month = match (frequency, i.month.trim().parse::<i16>().ok()) {
        (Frequency::Yearly, Some(m)) if (1..=12).contains(&m) => Some(m),
        (Frequency::Yearly, _) => {
            errors.add("month", Msg::new("field-choice"));
            None
        }
        _ => None,
    };
    let starts_on = match i.starts_on.trim() {
        "" => today(Utc::now()),
        s => NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| {
            errors.add("starts_on", Msg::new("field-date"));
            today(Utc::now())
        }),
    };
    errors.into_result()?;
    Ok(Checked {
        title,
        description: i.description.trim().to_string(),
        category_id: category.map(|c| c.id).unwrap_or(CategoryId(0)),
        requester_id: requester.map(|u| u.id).unwrap_or(UserId(0)),
        unit_ids: units,
        fields,
        priority,
        frequency,
        month,
        day,
        starts_on,
        active: i.active,
    })
}

pub fn create(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: RecurringInput,
) -> Result<i64, AppError> {
    conn.transaction(|conn| {
        let c = check(conn, &input)?;
        let id = queries::insert(conn, &c)?;
        audit::record(
            conn,
            &actor.origin(),
            "recurring.create",
            "recurring_request",
            id,
            json!({ "title": c.title, "frequency": c.frequency, "units": c.unit_ids }),
        )?;
        Ok(id)
    })
}

pub fn update(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: i64,
    input: RecurringInput,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        queries::find(conn, id)?;
        let c = check(conn, &input)?;
        queries::update(conn, id, &c)?;
        audit::record(
            conn,
            &actor.origin(),
            "recurring.update",
            "recurring_request",
            id,
            json!({ "title": c.title, "frequency": c.frequency, "units": c.unit_ids, "active": c.active }),
        )?;
        Ok(())
    })
}

/// A stored schedule as its form shows it.
pub fn input_of(c: &mut PgConnection, id: i64) -> Result<RecurringInput, AppError> {
    let r = queries::find(c, id)?;
    let cat = crate::catalog::queries::find(c, r.category_id)?;
    let requester = users::find(c, r.requester_id)?;
    let unit_codes = crate::units::queries::by_ids(
        c,
        &r.unit_ids.iter().map(|u| UnitId(*u)).collect::<Vec<_>>(),
    )?
    .into_iter()
    .map(|u| u.code)
    .collect();
    Ok(RecurringInput {
        title: r.title,
        description: r.description,
        category: cat.code,
        requester: requester.email,
        units: unit_codes,
        fields: if r.fields.as_object().is_some_and(|m| m.is_empty()) {
            String::new()
        } else {
            serde_json::to_string_pretty(&r.fields).unwrap_or_default()
        },
        priority: r.priority.map(|p| p.code().to_string()).unwrap_or_default(),
        frequency: r.frequency.code().into(),
        month: r.month.map(|m| m.to_string()).unwrap_or_default(),
        day: r.day.to_string(),
        starts_on: r.starts_on.to_string(),
        active: r.active,
    })
}
