//! Administration of workflows: create one (from a copy of another), rename it, add or change
//! states and transitions, remove them. A workflow in use may gain states but never lose one
//! that requests are in (the database refuses it too), nor change that state's kind.

use super::queries::{self, WorkflowRow};
use super::{Actor, StateKind};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::WorkflowId;
use crate::error::{AppError, FieldErrors, Msg};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use validator::Validate;

pub static CODE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[a-z0-9][a-z0-9_-]{1,39}$").unwrap_or_else(|_| unreachable!())
});
pub static STATE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[a-z][a-z0-9_]{1,39}$").unwrap_or_else(|_| unreachable!())
});

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct WorkflowInput {
    #[validate(regex(path = *CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_fr: String,
    #[validate(length(min = 1, max = 200, code = "field-length"))]
    pub name_en: String,
    #[validate(length(max = 2000, code = "field-too-long"))]
    #[serde(default)]
    pub description_fr: String,
    #[validate(length(max = 2000, code = "field-too-long"))]
    #[serde(default)]
    pub description_en: String,
    /// On creation: the workflow whose states and transitions are copied.
    #[serde(default)]
    pub copy_from: String,
}

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct StateInput {
    #[validate(regex(path = *STATE_RE, code = "field-state-code"))]
    pub code: String,
    #[validate(length(min = 1, max = 100, code = "field-length"))]
    pub label_fr: String,
    #[validate(length(min = 1, max = 100, code = "field-length"))]
    pub label_en: String,
    pub kind: String,
    #[serde(default)]
    pub position: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TransitionInput {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub role_requester: Option<String>,
    #[serde(default)]
    pub role_unit_manager: Option<String>,
    #[serde(default)]
    pub role_technician: Option<String>,
    #[serde(default)]
    pub role_service_manager: Option<String>,
    #[serde(default)]
    pub note_required: Option<String>,
    #[serde(default)]
    pub on_approval: Option<String>,
}

fn row_values(input: &WorkflowInput) -> (String, String, String, String) {
    (
        input.name_fr.trim().to_string(),
        input.name_en.trim().to_string(),
        input.description_fr.trim().to_string(),
        input.description_en.trim().to_string(),
    )
}

pub fn create(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: WorkflowInput,
) -> Result<WorkflowId, AppError> {
    let mut errors = FieldErrors::from_validation(input.validate(), &[]);
    let source = match input.copy_from.trim() {
        "" => queries::id_by_code(conn, "standard")?,
        s => s
            .parse::<i64>()
            .ok()
            .map(WorkflowId)
            .filter(|id| queries::row(conn, *id).is_ok()),
    };
    if source.is_none() {
        errors.add("copy_from", Msg::new("field-choice"));
    }
    errors.into_result()?;
    let (name_fr, name_en, description_fr, description_en) = row_values(&input);
    conn.transaction(|conn| {
        let names = (
            &name_fr[..],
            &name_en[..],
            &description_fr[..],
            &description_en[..],
        );
        let id = queries::insert_workflow(conn, input.code.trim(), names)
            .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?;
        if let Some(src) = source {
            let def = queries::load(conn, src)?;
            for s in &def.states {
                queries::save_state(conn, id, s)?;
            }
            for (i, t) in def.transitions.iter().enumerate() {
                queries::save_transition(conn, id, t, i as i32 + 1)?;
            }
        }
        audit::record(
            conn,
            &actor.origin(),
            "workflow.create",
            "workflow",
            id,
            json!({ "code": input.code.trim(), "copied_from": source }),
        )?;
        Ok(id)
    })
}

pub fn update(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: WorkflowId,
    input: WorkflowInput,
) -> Result<(), AppError> {
    FieldErrors::from_validation(input.validate(), &["code"]).into_result()?;
    let (name_fr, name_en, description_fr, description_en) = row_values(&input);
    conn.transaction(|conn| {
        let before: WorkflowRow = queries::row(conn, id)?;
        let names = (
            &name_fr[..],
            &name_en[..],
            &description_fr[..],
            &description_en[..],
        );
        queries::rename_workflow(conn, id, names)?;
        audit::record(
            conn,
            &actor.origin(),
            "workflow.update",
            "workflow",
            id,
            json!({ "code": before.code, "name_fr": name_fr, "name_en": name_en }),
        )?;
        Ok(())
    })
}

fn in_use(conn: &mut PgConnection, id: WorkflowId, code: &str) -> Result<i64, AppError> {
    Ok(queries::usage(conn, id)?.get(code).copied().unwrap_or(0))
}

fn state_in_use(n: i64, label_fr: &str, label_en: &str) -> AppError {
    AppError::Rule(
        Msg::new("workflow-state-in-use")
            .arg("n", n)
            .arg_pick("state", label_fr, label_en),
    )
}

/// Adds a state, or changes the labels, kind and position of the state with that code.
pub fn save_state(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: WorkflowId,
    input: StateInput,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::from_validation(input.validate(), &[]);
    let kind = StateKind::parse(&input.kind);
    if kind.is_none() {
        errors.add("kind", Msg::new("field-choice"));
    }
    let position = match input.position.trim() {
        "" => None,
        p => match p.parse::<i32>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.add("position", Msg::new("field-number"));
                None
            }
        },
    };
    errors.into_result()?;
    let kind = kind.unwrap_or(StateKind::Open);
    let code = input.code.trim().to_string();
    conn.transaction(|conn| {
        let def = queries::load(conn, id)?;
        let position = position
            .unwrap_or_else(|| def.states.iter().map(|s| s.position).max().unwrap_or(0) + 1);
        if let Some(existing) = def.state(&code) {
            let n = in_use(conn, id, &code)?;
            if existing.kind != kind && n > 0 {
                return Err(state_in_use(n, &existing.label_fr, &existing.label_en));
            }
        }
        let state = super::State {
            code: code.clone(),
            label_fr: input.label_fr.trim().to_string(),
            label_en: input.label_en.trim().to_string(),
            kind,
            position,
        };
        queries::save_state(conn, id, &state)?;
        audit::record(
            conn,
            &actor.origin(),
            "workflow.state_save",
            "workflow",
            id,
            json!({ "state": code, "kind": kind }),
        )?;
        Ok(())
    })
}

/// Removes a state nobody is in, with the transitions that lead to or from it.
pub fn remove_state(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: WorkflowId,
    code: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let def = queries::load(conn, id)?;
        let state = def.state(code).ok_or(AppError::NotFound)?;
        let n = in_use(conn, id, code)?;
        if n > 0 {
            return Err(state_in_use(n, &state.label_fr, &state.label_en));
        }
        queries::delete_state(conn, id, code)?;
        audit::record(
            conn,
            &actor.origin(),
            "workflow.state_remove",
            "workflow",
            id,
            json!({ "state": code }),
        )?;
        Ok(())
    })
}

/// Adds a transition, or changes the one between the same two states.
pub fn save_transition(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: WorkflowId,
    input: TransitionInput,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let def = queries::load(conn, id)?;
        let mut errors = FieldErrors::default();
        if def.state(&input.from).is_none() {
            errors.add("from", Msg::new("field-choice"));
        }
        if def.state(&input.to).is_none() {
            errors.add("to", Msg::new("field-choice"));
        } else if input.from == input.to {
            errors.add("to", Msg::new("transition-same"));
        }
        let roles: Vec<Actor> = [
            (Actor::Requester, &input.role_requester),
            (Actor::UnitManager, &input.role_unit_manager),
            (Actor::Technician, &input.role_technician),
            (Actor::ServiceManager, &input.role_service_manager),
        ]
        .into_iter()
        .filter(|(_, on)| on.is_some())
        .map(|(a, _)| a)
        .collect();
        let on_approval = input.on_approval.is_some();
        if roles.is_empty() && !on_approval {
            errors.add("role_requester", Msg::new("field-transition-roles"));
        }
        errors.into_result()?;
        let position = def.transitions.len() as i32 + 1;
        queries::save_transition(
            conn,
            id,
            &super::Transition {
                from: input.from.clone(),
                to: input.to.clone(),
                roles: roles.clone(),
                note_required: input.note_required.is_some(),
                on_approval,
            },
            position,
        )?;
        audit::record(
            conn,
            &actor.origin(),
            "workflow.transition_save",
            "workflow",
            id,
            json!({ "from": input.from, "to": input.to, "roles": roles, "on_approval": on_approval }),
        )?;
        Ok(())
    })
}

pub fn remove_transition(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: WorkflowId,
    from: &str,
    to: &str,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let n = queries::delete_transition(conn, id, from, to)?;
        if n == 0 {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &actor.origin(),
            "workflow.transition_remove",
            "workflow",
            id,
            json!({ "from": from, "to": to }),
        )?;
        Ok(())
    })
}
