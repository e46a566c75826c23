//! Running automation rules on request events, and managing them. Rules run inside the
//! transaction of the change that triggers them; their own actions are written directly (not
//! through the request services), so a rule never triggers another rule and nothing loops.

use super::queries::{self, RuleRow};
use super::{Actions, Conditions, Facts, FieldCondition, FieldOp, Trigger};
use crate::audit;
use crate::auth::CurrentUser;
use crate::catalog::queries as catalog;
use crate::db::RuleId;
use crate::error::{AppError, FieldErrors, Msg};
use crate::notify;
use crate::requests::model::{EventKind, NewEvent, Priority, Request, RequestNumber};
use crate::requests::queries as requests;
use crate::units::queries as units;
use crate::users::queries as users;
use chrono::Utc;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

/// Runs the active rules listening to `trigger` on a request, in order. `text` is the comment
/// or note of the event, searched with the title and description.
pub fn run(
    conn: &mut PgConnection,
    number: RequestNumber,
    trigger: Trigger,
    text: &str,
) -> Result<bool, AppError> {
    run_on(conn, number, None, trigger, text)
}

/// [`run`] on a request the caller has just written (and so need not be read again), with its
/// category.
pub fn run_on_written(
    conn: &mut PgConnection,
    written: &Request,
    category: &crate::catalog::model::Category,
    trigger: Trigger,
    text: &str,
) -> Result<bool, AppError> {
    run_on(
        conn,
        written.number(),
        Some((written, category)),
        trigger,
        text,
    )
}

fn run_on(
    conn: &mut PgConnection,
    number: RequestNumber,
    written: Option<(&Request, &crate::catalog::model::Category)>,
    trigger: Trigger,
    text: &str,
) -> Result<bool, AppError> {
    let rules: Vec<RuleRow> = queries::for_trigger(conn, trigger.code())?;
    if rules.is_empty() {
        return Ok(false);
    }
    // Rules change the team, assignee, priority or watchers, never the category or the unit.
    let (mut r, category) = match written {
        Some((r, c)) => (r.clone(), c.clone()),
        None => {
            let r = requests::by_number(conn, number.0)?;
            let c = catalog::find(conn, r.category_id)?;
            (r, c)
        }
    };
    let unit = units::find(conn, r.unit_id)?;
    let mut fired = false;
    for rule in rules {
        // Read again only after a rule changed it.
        if fired {
            r = requests::by_number(conn, number.0)?;
        }
        if r.status_kind.is_final() {
            return Ok(fired);
        }
        let (Ok(conditions), Ok(actions)) = (
            serde_json::from_value::<Conditions>(rule.conditions.clone()),
            serde_json::from_value::<Actions>(rule.actions.clone()),
        ) else {
            log::warn!("automation rule {} is unreadable; skipped", rule.id);
            continue;
        };
        let fields = r.fields.as_object().cloned().unwrap_or_default();
        let hay = format!("{} {} {}", r.title, r.description, text);
        let facts = Facts {
            category: &category.code,
            domain: r.domain.code(),
            unit: &unit.code,
            priority: r.priority.code(),
            status: &r.status,
            fields: &fields,
            text: &hay,
        };
        if !conditions.holds(&facts) {
            continue;
        }
        let applied = apply(conn, &r, &rule, &actions)?;
        requests::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: None,
                kind: EventKind::Automation,
                body: String::new(),
                internal: true,
                data: json!({ "rule": rule.name, "rule_id": rule.id, "trigger": trigger, "applied": applied }),
            },
        )?;
        fired = true;
    }
    Ok(fired)
}

/// Applies what can be applied; an action that no longer fits (a team of another domain, a
/// person who left) is skipped and said so in the firing's record.
fn apply(
    conn: &mut PgConnection,
    r: &Request,
    rule: &RuleRow,
    a: &Actions,
) -> Result<Vec<Value>, AppError> {
    let mut applied = Vec::new();
    let mut team = r.team_id;
    if let Some(code) = &a.team {
        match users::team_by_code(conn, code)? {
            Some(t) if t.active && t.domain == r.domain => {
                team = Some(t.id);
                applied.push(json!({ "team": code }));
            }
            _ => applied.push(json!({ "team": code, "skipped": true })),
        }
    }
    let mut assignee = if team != r.team_id {
        None
    } else {
        r.assignee_id
    };
    if let Some(email) = &a.assignee {
        let person = users::by_email(conn, email)?.filter(|u| u.active);
        let member = match (person.as_ref(), team) {
            (Some(p), Some(t)) => users::is_team_member(conn, t, p.id)?,
            _ => false,
        };
        match person {
            Some(p) if member => {
                assignee = Some(p.id);
                applied.push(json!({ "assignee": email }));
            }
            _ => applied.push(json!({ "assignee": email, "skipped": true })),
        }
    }
    if team != r.team_id || assignee != r.assignee_id {
        requests::set_assignment(conn, r.id, team, assignee)?;
    }
    if let Some(p) = a.priority.as_deref().and_then(Priority::parse) {
        if p != r.priority {
            crate::sla::service::on_priority(conn, r, p, Utc::now())?;
            requests::set_priority(conn, r.id, p)?;
            applied.push(json!({ "priority": p }));
        }
    }
    if let Some(email) = &a.watcher {
        match users::by_email(conn, email)?.filter(|u| u.active) {
            Some(u) => {
                requests::add_watcher(conn, r.id, u.id)?;
                applied.push(json!({ "watcher": email }));
            }
            None => applied.push(json!({ "watcher": email, "skipped": true })),
        }
    }
    if let Some(note) = a.note.as_deref().filter(|n| !n.trim().is_empty()) {
        requests::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: None,
                kind: EventKind::InternalNote,
                body: note.trim().to_string(),
                internal: true,
                data: json!({ "rule": rule.name }),
            },
        )?;
        applied.push(json!({ "note": true }));
    }
    if let Some(email) = &a.notify {
        match users::by_email(conn, email)?.filter(|u| u.active) {
            Some(u) => {
                notify::queue(
                    conn,
                    &[u],
                    &notify::Notice {
                        template: "automation_notice",
                        request: Some(r.id),
                        event: None,
                        payload: json!({ "rule": rule.name }),
                    },
                )?;
                applied.push(json!({ "notify": email }));
            }
            None => applied.push(json!({ "notify": email, "skipped": true })),
        }
    }
    Ok(applied)
}

// --- administration ---

/// The rule form: one value per condition and action (empty = none).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub active: Option<String>,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub on_created: Option<String>,
    #[serde(default)]
    pub on_status_changed: Option<String>,
    #[serde(default)]
    pub on_comment_added: Option<String>,
    #[serde(default)]
    pub on_field_changed: Option<String>,
    #[serde(default)]
    pub if_category: String,
    #[serde(default)]
    pub if_domain: String,
    #[serde(default)]
    pub if_unit: String,
    #[serde(default)]
    pub if_priority: String,
    #[serde(default)]
    pub if_status: String,
    #[serde(default)]
    pub if_field_key: String,
    #[serde(default)]
    pub if_field_op: String,
    #[serde(default)]
    pub if_field_value: String,
    #[serde(default)]
    pub if_text: String,
    #[serde(default)]
    pub then_team: String,
    #[serde(default)]
    pub then_assignee: String,
    #[serde(default)]
    pub then_priority: String,
    #[serde(default)]
    pub then_watcher: String,
    #[serde(default)]
    pub then_note: String,
    #[serde(default)]
    pub then_notify: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl RuleInput {
    /// The form filled from a stored rule.
    pub fn of(rule: &RuleRow) -> RuleInput {
        let c: Conditions = serde_json::from_value(rule.conditions.clone()).unwrap_or_default();
        let a: Actions = serde_json::from_value(rule.actions.clone()).unwrap_or_default();
        let on = |t: Trigger| {
            rule.events
                .iter()
                .any(|e| e == t.code())
                .then(|| "on".into())
        };
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        RuleInput {
            name: rule.name.clone(),
            active: rule.active.then(|| "on".into()),
            position: rule.position.to_string(),
            on_created: on(Trigger::Created),
            on_status_changed: on(Trigger::StatusChanged),
            on_comment_added: on(Trigger::CommentAdded),
            on_field_changed: on(Trigger::FieldChanged),
            if_category: s(&c.category),
            if_domain: s(&c.domain),
            if_unit: s(&c.unit),
            if_priority: s(&c.priority),
            if_status: s(&c.status),
            if_field_key: c.field.as_ref().map(|f| f.key.clone()).unwrap_or_default(),
            if_field_op: c
                .field
                .as_ref()
                .map(|f| f.op.code().to_string())
                .unwrap_or_default(),
            if_field_value: c
                .field
                .as_ref()
                .map(|f| f.value.clone())
                .unwrap_or_default(),
            if_text: s(&c.text),
            then_team: s(&a.team),
            then_assignee: s(&a.assignee),
            then_priority: s(&a.priority),
            then_watcher: s(&a.watcher),
            then_note: s(&a.note),
            then_notify: s(&a.notify),
        }
    }
}

struct Checked {
    name: String,
    events: Vec<String>,
    conditions: Conditions,
    actions: Actions,
    position: i32,
    active: bool,
}

impl Checked {
    fn values(&self) -> queries::RuleValues {
        queries::RuleValues {
            name: self.name.clone(),
            events: self.events.clone(),
            conditions: json!(self.conditions),
            actions: json!(self.actions),
            position: self.position,
            active: self.active,
        }
    }
}

fn check(conn: &mut PgConnection, i: &RuleInput) -> Result<Checked, AppError> {
    let mut errors = FieldErrors::default();
    let name = i.name.trim().to_string();
    if name.is_empty() {
        errors.add("name", Msg::new("field-required"));
    } else if name.chars().count() > 200 {
        errors.add("name", Msg::new("field-too-long").arg("max", 200));
    }
    let events: Vec<String> = [
        (Trigger::Created, &i.on_created),
        (Trigger::StatusChanged, &i.on_status_changed),
        (Trigger::CommentAdded, &i.on_comment_added),
        (Trigger::FieldChanged, &i.on_field_changed),
    ]
    .into_iter()
    .filter(|(_, on)| on.is_some())
    .map(|(t, _)| t.code().to_string())
    .collect();
    if events.is_empty() {
        errors.add("on_created", Msg::new("field-rule-events"));
    }
    let position = match i.position.trim() {
        "" => 0,
        p => p.parse().unwrap_or_else(|_| {
            errors.add("position", Msg::new("field-number"));
            0
        }),
    };
    let category = opt(&i.if_category);
    if let Some(c) = &category {
        if catalog::by_code(conn, c)?.is_none() {
            errors.add("if_category", Msg::new("field-choice"));
        }
    }
    let domain = opt(&i.if_domain);
    if domain
        .as_deref()
        .is_some_and(|d| crate::users::model::Domain::parse(d).is_none())
    {
        errors.add("if_domain", Msg::new("field-choice"));
    }
    let unit = opt(&i.if_unit);
    if let Some(u) = &unit {
        if units::by_code(conn, u).optional()?.is_none() {
            errors.add("if_unit", Msg::new("field-choice"));
        }
    }
    let priority = opt(&i.if_priority);
    if priority
        .as_deref()
        .is_some_and(|p| Priority::parse(p).is_none())
    {
        errors.add("if_priority", Msg::new("field-choice"));
    }
    let status = opt(&i.if_status);
    if let Some(s) = &status {
        if !crate::workflow::queries::state_choices(conn)?
            .iter()
            .any(|c| &c.code == s)
        {
            errors.add("if_status", Msg::new("field-choice"));
        }
    }
    let field = match opt(&i.if_field_key) {
        None => None,
        Some(key) => match FieldOp::parse(i.if_field_op.trim()) {
            Some(op) => Some(FieldCondition {
                key,
                op,
                value: i.if_field_value.trim().to_string(),
            }),
            None => {
                errors.add("if_field_op", Msg::new("field-choice"));
                None
            }
        },
    };
    let team = opt(&i.then_team);
    if let Some(t) = &team {
        if users::team_by_code(conn, t)?.is_none() {
            errors.add("then_team", Msg::new("field-choice"));
        }
    }
    let mut person = |field: &str, v: &str| -> Result<Option<String>, AppError> {
        let Some(email) = opt(v).map(|e| e.to_lowercase()) else {
            return Ok(None);
        };
        if users::by_email(conn, &email)?
            .filter(|u| u.active)
            .is_none()
        {
            errors.add(field, Msg::new("field-person-unknown"));
        }
        Ok(Some(email))
    };
    let assignee = person("then_assignee", &i.then_assignee)?;
    let watcher = person("then_watcher", &i.then_watcher)?;
    let notify = person("then_notify", &i.then_notify)?;
    let then_priority = opt(&i.then_priority);
    if then_priority
        .as_deref()
        .is_some_and(|p| Priority::parse(p).is_none())
    {
        errors.add("then_priority", Msg::new("field-choice"));
    }
    let note = opt(&i.then_note);
    if note.as_deref().is_some_and(|n| n.chars().count() > 5000) {
        errors.add("then_note", Msg::new("field-too-long").arg("max", 5000));
    }
    let actions = Actions {
        team,
        assignee,
        priority: then_priority,
        watcher,
        note,
        notify,
    };
    if actions.is_empty() {
        errors.add("then_team", Msg::new("field-rule-actions"));
    }
    errors.into_result()?;
    Ok(Checked {
        name,
        events,
        conditions: Conditions {
            category,
            domain,
            unit,
            priority,
            status,
            field,
            text: opt(&i.if_text),
        },
        actions,
        position,
        active: i.active.is_some(),
    })
}

pub fn create(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: RuleInput,
) -> Result<RuleId, AppError> {
    conn.transaction(|conn| {
        let c = check(conn, &input)?;
        let id = queries::insert(conn, &c.values())?;
        audit::record(
            conn,
            &actor.origin(),
            "automation.create",
            "automation_rule",
            id,
            json!({ "name": c.name, "events": c.events, "conditions": c.conditions, "actions": c.actions }),
        )?;
        Ok(id)
    })
}

pub fn update(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: RuleId,
    input: RuleInput,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        queries::find(conn, id)?;
        let c = check(conn, &input)?;
        queries::update(conn, id, &c.values())?;
        audit::record(
            conn,
            &actor.origin(),
            "automation.update",
            "automation_rule",
            id,
            json!({ "name": c.name, "events": c.events, "conditions": c.conditions, "actions": c.actions, "active": c.active }),
        )?;
        Ok(())
    })
}
