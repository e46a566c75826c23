use crate::code_enum;
use crate::db::schema::{attachments, request_events, requests};
use crate::db::{
    AttachmentId, CategoryId, EventId, RequestId, RoomId, TeamId, UnitId, UserId, WorkflowId,
};
use crate::sla::model::SlaView;
use crate::users::model::Domain;
use crate::workflow::StateKind;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

code_enum!(Priority {
    Low => "low",
    Normal => "normal",
    High => "high",
    Urgent => "urgent",
});

code_enum!(Source {
    Web => "web",
    Email => "email",
    Api => "api",
    Schedule => "schedule",
});

code_enum!(EventKind {
    Created => "created",
    Comment => "comment",
    InternalNote => "internal_note",
    StatusChanged => "status_changed",
    Assigned => "assigned",
    FieldChanged => "field_changed",
    AttachmentAdded => "attachment_added",
    SlaWarning => "sla_warning",
    SlaBreach => "sla_breach",
    ApprovalRequested => "approval_requested",
    Approved => "approved",
    Refused => "refused",
    Automation => "automation",
});

/// What the request page tells each domain that adds a section to it (approvals, assets,
/// departure, trip, rating): the reader has already been allowed to read the request.
#[derive(Debug, Clone, Copy)]
pub struct SectionOf {
    pub number: RequestNumber,
    pub id: RequestId,
    pub status: StateKind,
    /// The reader works on it (a technician or manager of its domain).
    pub staff: bool,
}

impl SectionOf {
    /// Neither final nor resolved: the request may still change.
    pub fn open(&self) -> bool {
        !self.status.is_final() && self.status != StateKind::Resolved
    }
}

/// A request number as people write it: `DS-000123` (or just `123`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestNumber(pub i64);

impl RequestNumber {
    pub fn parse(s: &str) -> Option<RequestNumber> {
        let s = s.trim();
        let digits = s
            .strip_prefix("DS-")
            .or_else(|| s.strip_prefix("ds-"))
            .or_else(|| s.strip_prefix("DS"))
            .unwrap_or(s)
            .trim();
        if digits.is_empty() || digits.len() > 15 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(RequestNumber)
    }
}

impl std::fmt::Display for RequestNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DS-{:06}", self.0)
    }
}

impl<'de> Deserialize<'de> for RequestNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RequestNumber::parse(&s).ok_or_else(|| serde::de::Error::custom("not a request number"))
    }
}

impl Serialize for RequestNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = requests)]
pub struct Request {
    pub id: RequestId,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub category_id: CategoryId,
    pub domain: Domain,
    pub requester_id: UserId,
    pub unit_id: UnitId,
    pub room_id: Option<RoomId>,
    pub priority: Priority,
    pub priority_rank: i16,
    /// The code of a state of the request's workflow.
    pub status: String,
    pub team_id: Option<TeamId>,
    pub assignee_id: Option<UserId>,
    pub fields: serde_json::Value,
    pub source: Source,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub sla_policy_id: Option<i64>,
    pub first_response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub sla_paused_since: Option<DateTime<Utc>>,
    pub sla_paused_minutes: i32,
    pub first_response_warn_at: Option<DateTime<Utc>>,
    pub resolution_warn_at: Option<DateTime<Utc>>,
    pub first_response_warned_at: Option<DateTime<Utc>>,
    pub resolution_warned_at: Option<DateTime<Utc>>,
    pub first_response_breached_at: Option<DateTime<Utc>>,
    pub resolution_breached_at: Option<DateTime<Utc>>,
    pub workflow_id: WorkflowId,
    pub status_kind: StateKind,
    /// The request that generated this one (a departure's tasks).
    pub parent_id: Option<RequestId>,
    /// The day it must be done by (a departure's task), apart from the SLA.
    pub due_on: Option<chrono::NaiveDate>,
}

impl Request {
    pub fn number(&self) -> RequestNumber {
        RequestNumber(self.number)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = requests)]
pub struct NewRequest {
    pub title: String,
    pub description: String,
    pub category_id: CategoryId,
    pub domain: Domain,
    pub requester_id: UserId,
    pub unit_id: UnitId,
    pub room_id: Option<RoomId>,
    pub priority: Priority,
    pub status: String,
    pub status_kind: StateKind,
    pub workflow_id: WorkflowId,
    pub team_id: Option<TeamId>,
    pub fields: serde_json::Value,
    pub source: Source,
}

/// The SLA columns a request is created with (`sla::service::plan_start`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = requests)]
pub struct StartingClocks {
    pub sla_policy_id: Option<i64>,
    pub first_response_due: Option<DateTime<Utc>>,
    pub first_response_warn_at: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub resolution_warn_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = request_events)]
pub struct Event {
    pub id: EventId,
    pub request_id: RequestId,
    pub actor_id: Option<UserId>,
    pub kind: EventKind,
    pub body: String,
    pub internal: bool,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = request_events)]
pub struct NewEvent {
    pub request_id: RequestId,
    pub actor_id: Option<UserId>,
    pub kind: EventKind,
    pub body: String,
    pub internal: bool,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: AttachmentId,
    pub request_id: RequestId,
    pub event_id: Option<EventId>,
    pub uploader_id: Option<UserId>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    /// When the retention policy deleted its bytes (the row stays, for the timeline).
    pub purged_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment {
    pub request_id: RequestId,
    pub event_id: Option<EventId>,
    pub uploader_id: Option<UserId>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

// --- views: what pages and the API show ---

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CodeName {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    /// `DS-000123`
    pub number: String,
    pub title: String,
    pub description: String,
    /// The state's code in the request's workflow (`new`, `in_progress`, `waiting_requester`,
    /// `awaiting_approval`, `resolved`, `closed`, `cancelled`, …).
    pub status: String,
    /// The state's label in the reader's language.
    pub status_label: String,
    /// `new`, `open`, `pending`, `approval`, `resolved`, `closed` or `cancelled`.
    pub status_kind: String,
    /// The workflow's code.
    pub workflow: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    pub category: CodeName,
    /// `materiel`, `ti` or `transport`.
    pub domain: String,
    pub unit: CodeName,
    pub requester: crate::users::model::PersonRef,
    pub team: Option<CodeName>,
    pub assignee: Option<crate::users::model::PersonRef>,
    pub room: Option<String>,
    #[schema(value_type = Object)]
    pub fields: serde_json::Value,
    /// `web`, `email`, `api` or `schedule` (a recurring request).
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The service-level clocks; null when no policy applies.
    pub sla: Option<SlaView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
    /// Deleted by the retention policy: listed, no longer downloadable.
    pub purged: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    /// `created`, `comment`, `internal_note`, `status_changed`, `assigned`, `field_changed`,
    /// `attachment_added`, `sla_warning`, `sla_breach`, `approval_requested`, `approved`,
    /// `refused`, `automation`.
    pub kind: String,
    pub actor: Option<crate::users::model::PersonRef>,
    pub body: String,
    pub internal: bool,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub attachments: Vec<AttachmentView>,
    pub created_at: DateTime<Utc>,
}

impl Request {
    /// The request's SLA as the request page and the API show it (none without a policy).
    pub fn sla_view(&self, now: DateTime<Utc>) -> Option<SlaView> {
        let r = self;
        r.sla_policy_id?;
        let paused = r.sla_paused_since.is_some();
        let open = r.closed_at.is_none();
        let first_response_breached = r.first_response_breached_at.is_some()
            || match (r.first_response_due, r.first_response_at) {
                (Some(due), Some(at)) => at > due,
                (Some(due), None) => open && now > due,
                _ => false,
            };
        let resolution_breached = r.resolution_breached_at.is_some()
            || match (r.resolution_due, r.resolved_at) {
                (Some(due), Some(at)) => at > due,
                (Some(due), None) => open && !paused && now > due,
                _ => false,
            };
        Some(SlaView {
            first_response_due: r.first_response_due,
            resolution_due: r.resolution_due,
            first_responded_at: r.first_response_at,
            paused,
            paused_since: r.sla_paused_since,
            paused_minutes: r.sla_paused_minutes as i64,
            first_response_breached,
            resolution_breached,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_numbers_parse_and_print() {
        assert_eq!(RequestNumber::parse("DS-000123"), Some(RequestNumber(123)));
        assert_eq!(RequestNumber::parse("ds-42"), Some(RequestNumber(42)));
        assert_eq!(RequestNumber::parse("42"), Some(RequestNumber(42)));
        assert_eq!(RequestNumber::parse("DS-"), None);
        assert_eq!(RequestNumber::parse("DS-12a"), None);
        assert_eq!(RequestNumber::parse("0"), None);
        assert_eq!(RequestNumber(123).to_string(), "DS-000123");
        assert_eq!(RequestNumber(1234567).to_string(), "DS-1234567");
    }
}
