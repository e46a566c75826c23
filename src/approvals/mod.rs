//! Approvals: who must say yes before work starts (the requesting unit's director, a named
//! group, or both in order), when (an optional threshold on a number field of the form), and
//! the decisions. The rule is pure and here; `service` records steps and decisions.

pub mod api;
pub mod pages;
pub mod queries;
pub mod service;

use crate::code_enum;
use crate::db::schema::request_approvals;
use crate::db::{ApprovalId, GroupId, RequestId, UnitId, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

code_enum!(
    /// A category's approval rule.
    ApprovalMode {
        None => "none",
        Director => "director",
        Group => "group",
        DirectorThenGroup => "director_then_group",
    }
);

code_enum!(Approver {
    Director => "director",
    Group => "group",
});

code_enum!(
    /// `waiting`: behind an earlier step not approved yet; `withdrawn`: the request left
    /// approval another way (withdrawn by the requester, refused at an earlier step).
    StepStatus {
        Waiting => "waiting",
        Pending => "pending",
        Approved => "approved",
        Refused => "refused",
        Withdrawn => "withdrawn",
    }
);

/// A category's approval rule, as stored on the category.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub mode: ApprovalMode,
    pub group: Option<GroupId>,
    /// Approval only when this number field exceeds `threshold`.
    pub field: Option<String>,
    pub threshold: Option<f64>,
}

impl Rule {
    /// The steps, in order.
    pub fn steps(&self) -> Vec<Approver> {
        match self.mode {
            ApprovalMode::None => vec![],
            ApprovalMode::Director => vec![Approver::Director],
            ApprovalMode::Group => vec![Approver::Group],
            ApprovalMode::DirectorThenGroup => vec![Approver::Director, Approver::Group],
        }
    }

    /// Whether a request with these form values needs approval. With a threshold, only a value
    /// strictly above it does (an empty field needs none).
    pub fn applies(&self, fields: &Map<String, Value>) -> bool {
        if self.mode == ApprovalMode::None {
            return false;
        }
        match (&self.field, self.threshold) {
            (Some(field), Some(threshold)) => fields
                .get(field)
                .and_then(Value::as_f64)
                .is_some_and(|v| v > threshold),
            _ => true,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = request_approvals)]
pub struct Step {
    pub id: ApprovalId,
    pub request_id: RequestId,
    pub step: i16,
    pub approver: Approver,
    pub unit_id: Option<UnitId>,
    pub group_id: Option<GroupId>,
    pub status: StepStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = request_approvals)]
pub struct NewStep {
    pub request_id: RequestId,
    pub step: i16,
    pub approver: Approver,
    pub unit_id: Option<UnitId>,
    pub group_id: Option<GroupId>,
    pub status: StepStatus,
}

/// A step as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApprovalView {
    pub step: i16,
    /// `director` or `group`.
    pub approver: String,
    /// The unit whose director decides, or the group's name.
    pub approver_name: String,
    /// `waiting`, `pending`, `approved`, `refused` or `withdrawn`.
    pub status: String,
    pub decided_by: Option<crate::users::model::PersonRef>,
    pub decided_at: Option<DateTime<Utc>>,
    pub comment: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(mode: ApprovalMode, threshold: Option<f64>) -> Rule {
        Rule {
            mode,
            group: Some(GroupId(1)),
            field: threshold.map(|_| "cout".to_string()),
            threshold,
        }
    }

    fn fields(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn without_a_threshold_every_request_needs_approval() {
        assert!(rule(ApprovalMode::Director, None).applies(&Map::new()));
        assert!(!rule(ApprovalMode::None, None).applies(&Map::new()));
    }

    #[test]
    fn a_threshold_asks_only_above_the_amount() {
        let r = rule(ApprovalMode::Director, Some(500.0));
        assert!(!r.applies(&fields(json!({"cout": 500}))));
        assert!(r.applies(&fields(json!({"cout": 500.01}))));
        assert!(!r.applies(&fields(json!({}))));
        assert!(!r.applies(&fields(json!({"cout": "beaucoup"}))));
    }

    #[test]
    fn both_in_sequence_means_director_then_group() {
        assert_eq!(
            rule(ApprovalMode::DirectorThenGroup, None).steps(),
            vec![Approver::Director, Approver::Group]
        );
    }
}
