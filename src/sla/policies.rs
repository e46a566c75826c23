//! Administration of SLA policies (targets per priority, calendar, warning share, the default)
//! and business calendars (checked before they are saved). Every change is audited. New targets
//! apply to requests submitted afterwards and to due dates recomputed later (priority change).

use super::calendar::CalendarDef;
use super::queries::{self, CalendarForm, PolicyForm};
use crate::audit;
use crate::auth::CurrentUser;
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::Priority;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use validator::Validate;

#[derive(Debug, Clone, Default, Deserialize, Validate)]
pub struct PolicyInput {
    #[validate(regex(path = *crate::units::service::CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_fr: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_en: String,
    #[serde(default)]
    pub calendar: String,
    #[serde(default)]
    pub warning_percent: String,
    /// Targets in business hours, by `first_<priority>` and `resolution_<priority>`.
    #[serde(flatten)]
    pub targets: std::collections::HashMap<String, String>,
    /// On a breach, raise the priority one step.
    #[serde(default)]
    pub escalate_priority: Option<String>,
    /// On a breach, hand the request to this team (code; empty for none).
    #[serde(default)]
    pub escalate_team: String,
    #[serde(default)]
    pub is_default: Option<String>,
    #[serde(default)]
    pub active: Option<String>,
}

/// Hours (« 4 », « 0,5 ») to whole minutes.
fn hours_to_minutes(s: &str) -> Option<i64> {
    let h: f64 = s.trim().replace(',', ".").parse().ok()?;
    (h > 0.0 && h <= 10_000.0).then(|| (h * 60.0).round() as i64)
}

fn check_policy(
    conn: &mut PgConnection,
    input: &PolicyInput,
    skip_code: bool,
) -> Result<PolicyForm, AppError> {
    let mut errors = FieldErrors::from_validation(input.validate(), &[]);
    if skip_code {
        errors.0.remove("code");
    }
    let calendar_id = input.calendar.trim().parse::<i64>().ok();
    let calendar_ok = match calendar_id {
        Some(id) => queries::calendar(conn, id).optional()?.is_some(),
        None => false,
    };
    if !calendar_ok {
        errors.add("calendar", Msg::new("field-choice"));
    }
    let warning_percent = match input.warning_percent.trim().parse::<i32>() {
        Ok(p) if (1..=99).contains(&p) => p,
        _ => {
            errors.add(
                "warning_percent",
                Msg::new("field-between").arg("min", 1).arg("max", 99),
            );
            75
        }
    };
    let mut targets = Map::new();
    for p in Priority::ALL {
        let mut one = Map::new();
        for (clock, prefix) in [("first_response", "first"), ("resolution", "resolution")] {
            let name = format!("{prefix}_{}", p.code());
            match input.targets.get(&name).and_then(|v| hours_to_minutes(v)) {
                Some(m) => {
                    one.insert(clock.into(), json!(m));
                }
                None => errors.add(&name, Msg::new("field-hours")),
            }
        }
        targets.insert(p.code().into(), Value::Object(one));
    }
    let team = match input.escalate_team.trim() {
        "" => None,
        code if crate::users::queries::team_by_code(conn, code)?.is_some() => {
            Some(code.to_string())
        }
        _ => {
            errors.add("escalate_team", Msg::new("field-choice"));
            None
        }
    };
    let escalation = super::model::Escalation {
        raise_priority: input.escalate_priority.is_some(),
        team,
    };
    errors.into_result()?;
    Ok(PolicyForm {
        escalation: serde_json::to_value(&escalation).unwrap_or_default(),
        code: input.code.trim().to_string(),
        name_fr: input.name_fr.trim().to_string(),
        name_en: input.name_en.trim().to_string(),
        calendar_id: calendar_id.unwrap_or_default(),
        targets: Value::Object(targets),
        warning_percent,
        is_default: input.is_default.is_some(),
        active: input.active.is_some(),
    })
}

pub fn create_policy(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: PolicyInput,
) -> Result<i64, AppError> {
    conn.transaction(|conn| {
        let form = check_policy(conn, &input, false)?;
        if form.is_default {
            queries::clear_default(conn)?;
        }
        let id = queries::insert_policy(conn, &form)
            .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?;
        audit::record(
            conn,
            &actor.origin(),
            "sla_policy.create",
            "sla_policy",
            id,
            json!({ "code": form.code, "targets": form.targets }),
        )?;
        Ok(id)
    })
}

pub fn update_policy(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: i64,
    input: PolicyInput,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let before = queries::policy(conn, id)?;
        let mut form = check_policy(conn, &input, true)?;
        form.code = before.code.clone();
        if before.is_default && !form.is_default {
            return Err(AppError::rule("sla-default-needed"));
        }
        if form.is_default && !before.is_default {
            queries::clear_default(conn)?;
        }
        queries::update_policy(conn, id, &form)?;
        audit::record(
            conn,
            &actor.origin(),
            "sla_policy.update",
            "sla_policy",
            id,
            json!({ "before": { "targets": before.targets, "calendar_id": before.calendar_id, "warning_percent": before.warning_percent, "escalation": before.escalation },
                    "after": { "targets": form.targets, "calendar_id": form.calendar_id, "warning_percent": form.warning_percent, "escalation": form.escalation } }),
        )?;
        Ok(())
    })
}

#[derive(Debug, Clone, Default, Deserialize, Validate)]
pub struct CalendarInput {
    #[validate(regex(path = *crate::units::service::CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_fr: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_en: String,
    /// The definition as JSON (see `CalendarDef`).
    pub definition: String,
}

fn check_calendar(input: &CalendarInput, skip_code: bool) -> Result<CalendarForm, AppError> {
    let mut errors = FieldErrors::from_validation(input.validate(), &[]);
    if skip_code {
        errors.0.remove("code");
    }
    let definition = match serde_json::from_str::<CalendarDef>(&input.definition) {
        Ok(def) => match def.build(2020..=2020) {
            Ok(_) => serde_json::to_value(&def).unwrap_or_default(),
            Err(reason) => {
                errors.add(
                    "definition",
                    Msg::new("field-calendar").arg("detail", reason),
                );
                Value::Null
            }
        },
        Err(e) => {
            errors.add(
                "definition",
                Msg::new("field-calendar").arg("detail", e.to_string()),
            );
            Value::Null
        }
    };
    errors.into_result()?;
    Ok(CalendarForm {
        code: input.code.trim().to_string(),
        name_fr: input.name_fr.trim().to_string(),
        name_en: input.name_en.trim().to_string(),
        definition,
    })
}

pub fn create_calendar(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: CalendarInput,
) -> Result<i64, AppError> {
    let form = check_calendar(&input, false)?;
    conn.transaction(|conn| {
        let id = queries::insert_calendar(conn, &form)
            .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?;
        audit::record(
            conn,
            &actor.origin(),
            "sla_calendar.create",
            "sla_calendar",
            id,
            json!({ "code": form.code }),
        )?;
        Ok(id)
    })
}

pub fn update_calendar(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: i64,
    input: CalendarInput,
) -> Result<(), AppError> {
    let mut form = check_calendar(&input, true)?;
    conn.transaction(|conn| {
        let before = queries::calendar(conn, id)?;
        form.code = before.code.clone();
        queries::update_calendar(conn, id, &form)?;
        audit::record(
            conn,
            &actor.origin(),
            "sla_calendar.update",
            "sla_calendar",
            id,
            json!({ "before": before.definition, "after": form.definition }),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::hours_to_minutes;

    #[test]
    fn hours_are_read_the_french_way_too() {
        assert_eq!(hours_to_minutes("4"), Some(240));
        assert_eq!(hours_to_minutes("0,5"), Some(30));
        assert_eq!(hours_to_minutes("1.25"), Some(75));
        assert_eq!(hours_to_minutes("0"), None);
        assert_eq!(hours_to_minutes("beaucoup"), None);
    }
}
