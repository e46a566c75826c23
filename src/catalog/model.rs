use super::form::FormDef;
use crate::approvals::ApprovalMode;
use crate::db::schema::{categories, domains};
use crate::db::{CategoryId, GroupId, TeamId, WorkflowId};
use crate::requests::model::Priority;
use crate::users::model::Domain;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = domains)]
pub struct DomainRow {
    pub code: Domain,
    pub name_fr: String,
    pub name_en: String,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: CategoryId,
    pub code: String,
    pub domain: Domain,
    pub parent_id: Option<CategoryId>,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub form: serde_json::Value,
    pub default_team_id: Option<TeamId>,
    pub default_priority: Priority,
    pub position: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sla_policy_id: Option<i64>,
    pub workflow_id: WorkflowId,
    pub approval: ApprovalMode,
    pub approval_group_id: Option<GroupId>,
    pub approval_field: Option<String>,
    pub approval_threshold: Option<f64>,
    pub confidential: bool,
    /// Its requests are trips (transport): the form carries the trip fields.
    pub trip: bool,
}

impl Category {
    /// The form definition; a stored form that no longer parses counts as no extra field
    /// (admins can only save forms that pass `FormDef::check`).
    pub fn form_def(&self) -> FormDef {
        serde_json::from_value(self.form.clone()).unwrap_or_default()
    }
}

/// `None` values are written as NULL (a category may lose its default team or SLA policy).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = categories, treat_none_as_null = true)]
pub struct CategoryForm {
    pub code: String,
    pub domain: Domain,
    pub parent_id: Option<CategoryId>,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub form: serde_json::Value,
    pub default_team_id: Option<TeamId>,
    pub default_priority: Priority,
    pub position: i32,
    pub active: bool,
    pub sla_policy_id: Option<i64>,
    pub workflow_id: WorkflowId,
    pub approval: ApprovalMode,
    pub approval_group_id: Option<GroupId>,
    pub approval_field: Option<String>,
    pub approval_threshold: Option<f64>,
    pub confidential: bool,
}
