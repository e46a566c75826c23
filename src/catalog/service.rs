//! Rules for the catalog: category codes are unique and fixed; a form definition is checked
//! before it is saved; categories are deactivated, never deleted (requests refer to them).

use super::form::FormDef;
use super::model::CategoryForm;
use super::queries;
use crate::approvals::ApprovalMode;
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{CategoryId, GroupId, TeamId, WorkflowId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::Priority;
use crate::users::model::Domain;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use validator::Validate;

pub static CODE_RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^[a-z0-9][a-z0-9_-]{1,59}$").unwrap_or_else(|_| unreachable!())
});

#[derive(Debug, Clone, Deserialize, Validate)]
pub struct CategoryInput {
    #[validate(regex(path = *CODE_RE, code = "field-code"))]
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub domain: String,
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
    #[serde(default)]
    pub default_team: String,
    pub default_priority: String,
    /// SLA policy id; empty for the default policy.
    #[serde(default)]
    pub sla_policy: String,
    #[serde(default)]
    pub position: String,
    /// The form definition, as JSON: `{"fields": [...]}`.
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub active: Option<String>,
    /// Workflow id; empty for « Standard ».
    #[serde(default)]
    pub workflow: String,
    /// `none`, `director`, `group` or `director_then_group`.
    #[serde(default)]
    pub approval: String,
    /// Group id for the group approval.
    #[serde(default)]
    pub approval_group: String,
    /// Key of a number field of the form; with a threshold, approval only above it.
    #[serde(default)]
    pub approval_field: String,
    #[serde(default)]
    pub approval_threshold: String,
    #[serde(default)]
    pub confidential: Option<String>,
}

struct Checked {
    domain: Option<Domain>,
    team: Option<TeamId>,
    sla_policy: Option<i64>,
    priority: Priority,
    position: i32,
    form: serde_json::Value,
    workflow: WorkflowId,
    approval: ApprovalMode,
    approval_group: Option<GroupId>,
    approval_field: Option<String>,
    approval_threshold: Option<f64>,
}

fn check(
    conn: &mut PgConnection,
    input: &CategoryInput,
    skip_code: bool,
) -> Result<Checked, AppError> {
    let mut errors = FieldErrors::from_validation(input.validate(), &[]);
    if skip_code {
        errors.0.remove("code");
    }
    let domain = Domain::parse(&input.domain);
    if domain.is_none() && !skip_code {
        errors.add("domain", Msg::new("field-choice"));
    }
    let priority = Priority::parse(&input.default_priority).unwrap_or(Priority::Normal);
    if Priority::parse(&input.default_priority).is_none() {
        errors.add("default_priority", Msg::new("field-choice"));
    }
    let position = match input.position.trim() {
        "" => 0,
        p => p.parse::<i32>().unwrap_or_else(|_| {
            errors.add("position", Msg::new("field-number"));
            0
        }),
    };
    let sla_policy = match input.sla_policy.trim() {
        "" => None,
        p => match p.parse::<i64>().ok() {
            Some(id) if crate::sla::queries::policy(conn, id).optional()?.is_some() => Some(id),
            _ => {
                errors.add("sla_policy", Msg::new("field-choice"));
                None
            }
        },
    };
    let team = match input.default_team.trim() {
        "" => None,
        t => match t.parse::<i64>().ok().map(TeamId) {
            Some(id) if crate::users::queries::team(conn, id).optional()?.is_some() => Some(id),
            _ => {
                errors.add("default_team", Msg::new("field-choice"));
                None
            }
        },
    };
    let text = if input.form.trim().is_empty() {
        "{\"fields\": []}"
    } else {
        input.form.as_str()
    };
    let form = match serde_json::from_str::<FormDef>(text) {
        Ok(def) => match def.check() {
            Ok(()) => serde_json::to_value(&def).unwrap_or_else(|_| json!({"fields": []})),
            Err(reason) => {
                errors.add("form", Msg::new("field-form").arg("detail", reason));
                json!({})
            }
        },
        Err(e) => {
            errors.add("form", Msg::new("field-form").arg("detail", e.to_string()));
            json!({})
        }
    };
    let workflow = match input.workflow.trim() {
        "" => crate::workflow::queries::id_by_code(conn, "standard")?,
        w => match w.parse::<i64>().ok().map(WorkflowId) {
            Some(id)
                if crate::workflow::queries::row(conn, id)
                    .optional()?
                    .is_some() =>
            {
                Some(id)
            }
            _ => None,
        },
    };
    if workflow.is_none() {
        errors.add("workflow", Msg::new("field-choice"));
    }
    let approval = match input.approval.trim() {
        "" => Some(ApprovalMode::None),
        a => ApprovalMode::parse(a),
    };
    if approval.is_none() {
        errors.add("approval", Msg::new("field-choice"));
    }
    let approval = approval.unwrap_or(ApprovalMode::None);
    let approval_group = match input.approval_group.trim() {
        "" => None,
        g => match g.parse::<i64>().ok().map(GroupId) {
            Some(id)
                if crate::users::group_queries::find(conn, id)
                    .optional()?
                    .is_some() =>
            {
                Some(id)
            }
            _ => {
                errors.add("approval_group", Msg::new("field-choice"));
                None
            }
        },
    };
    if matches!(
        approval,
        ApprovalMode::Group | ApprovalMode::DirectorThenGroup
    ) && approval_group.is_none()
        && !errors.0.contains_key("approval_group")
    {
        errors.add("approval_group", Msg::new("field-approval-group"));
    }
    let approval_field = Some(input.approval_field.trim().to_string()).filter(|f| !f.is_empty());
    let approval_threshold = match input.approval_threshold.trim() {
        "" => None,
        t => match t.replace(',', ".").replace(' ', "").parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
            _ => {
                errors.add("approval_threshold", Msg::new("field-number"));
                None
            }
        },
    };
    if let Some(f) = &approval_field {
        let is_number = serde_json::from_value::<FormDef>(form.clone())
            .ok()
            .is_some_and(|d| {
                d.fields
                    .iter()
                    .any(|x| &x.key == f && x.kind == super::form::FieldKind::Number)
            });
        if !is_number {
            errors.add("approval_field", Msg::new("field-approval-field"));
        }
        if approval_threshold.is_none() && !errors.0.contains_key("approval_threshold") {
            errors.add("approval_threshold", Msg::new("field-required"));
        }
    } else if approval_threshold.is_some() {
        errors.add("approval_field", Msg::new("field-required"));
    }
    errors.into_result()?;
    Ok(Checked {
        domain,
        team,
        sla_policy,
        priority,
        position,
        form,
        workflow: workflow.unwrap_or(WorkflowId(0)),
        approval,
        approval_group,
        approval_field,
        approval_threshold,
    })
}

pub fn create(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    input: CategoryInput,
) -> Result<CategoryId, AppError> {
    let c = check(conn, &input, false)?;
    let domain = c.domain.ok_or_else(|| {
        AppError::Invalid(FieldErrors::single("domain", Msg::new("field-choice")))
    })?;
    conn.transaction(|conn| {
        let cat = queries::insert(
            conn,
            &CategoryForm {
                code: input.code.trim().to_string(),
                domain,
                parent_id: None,
                name_fr: input.name_fr.trim().to_string(),
                name_en: input.name_en.trim().to_string(),
                description_fr: input.description_fr.trim().to_string(),
                description_en: input.description_en.trim().to_string(),
                form: c.form,
                default_team_id: c.team,
                sla_policy_id: c.sla_policy,
                default_priority: c.priority,
                position: c.position,
                active: input.active.is_some(),
                workflow_id: c.workflow,
                approval: c.approval,
                approval_group_id: c.approval_group,
                approval_field: c.approval_field.clone(),
                approval_threshold: c.approval_threshold,
                confidential: input.confidential.is_some(),
            },
        )
        .map_err(|e| AppError::taken(e, "code", "field-code-taken"))?;
        audit::record(
            conn,
            &actor.origin(),
            "category.create",
            "category",
            cat.id,
            json!({ "code": cat.code }),
        )?;
        Ok(cat.id)
    })
}

/// Updates everything but the code and the domain (requests already filed keep their domain).
pub fn update(
    conn: &mut PgConnection,
    actor: &CurrentUser,
    id: CategoryId,
    input: CategoryInput,
) -> Result<(), AppError> {
    let c = check(conn, &input, true)?;
    conn.transaction(|conn| {
        let before = queries::find(conn, id)?;
        let after = queries::update(
            conn,
            id,
            &CategoryForm {
                code: before.code.clone(),
                domain: before.domain,
                parent_id: before.parent_id,
                name_fr: input.name_fr.trim().to_string(),
                name_en: input.name_en.trim().to_string(),
                description_fr: input.description_fr.trim().to_string(),
                description_en: input.description_en.trim().to_string(),
                form: c.form,
                default_team_id: c.team,
                sla_policy_id: c.sla_policy,
                default_priority: c.priority,
                position: c.position,
                active: input.active.is_some(),
                workflow_id: c.workflow,
                approval: c.approval,
                approval_group_id: c.approval_group,
                approval_field: c.approval_field.clone(),
                approval_threshold: c.approval_threshold,
                confidential: input.confidential.is_some(),
            },
        )?;
        audit::record(
            conn,
            &actor.origin(),
            "category.update",
            "category",
            id,
            json!({ "before": { "name_fr": before.name_fr, "form": before.form, "active": before.active,
                                "default_team_id": before.default_team_id, "default_priority": before.default_priority },
                    "after": { "name_fr": after.name_fr, "form": after.form, "active": after.active,
                               "default_team_id": after.default_team_id, "default_priority": after.default_priority } }),
        )?;
        Ok(())
    })
}
