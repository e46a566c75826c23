use crate::code_enum;
use crate::db::schema::{sla_calendars, sla_clock_events, sla_policies};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

code_enum!(Clock {
    FirstResponse => "first_response",
    Resolution => "resolution",
});

code_enum!(ClockEventKind {
    Started => "started",
    Paused => "paused",
    Resumed => "resumed",
    TargetChanged => "target_changed",
    Warned => "warned",
    Met => "met",
    Breached => "breached",
    Stopped => "stopped",
});

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sla_calendars)]
pub struct CalendarRow {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub definition: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sla_policies)]
pub struct PolicyRow {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub calendar_id: i64,
    pub targets: serde_json::Value,
    pub warning_percent: i32,
    pub escalation: serde_json::Value,
    pub is_default: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Targets of one priority, in business minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub first_response: i64,
    pub resolution: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = sla_clock_events)]
pub struct ClockEvent {
    pub id: i64,
    pub request_id: i64,
    pub clock: Clock,
    pub kind: ClockEventKind,
    pub at: DateTime<Utc>,
    pub due: Option<DateTime<Utc>>,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sla_clock_events)]
pub struct NewClockEvent {
    pub request_id: i64,
    pub clock: Clock,
    pub kind: ClockEventKind,
    pub at: DateTime<Utc>,
    pub due: Option<DateTime<Utc>>,
    pub data: serde_json::Value,
}

/// What a breach triggers, per policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Raise the priority one step (up to urgent).
    #[serde(default)]
    pub raise_priority: bool,
    /// Hand the request to this team (its members decide who takes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
}

/// The `sla` object of a request, as the API and pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlaView {
    pub first_response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub paused: bool,
    pub paused_since: Option<DateTime<Utc>>,
    /// Business minutes paused so far (not counting a pause in progress).
    pub paused_minutes: i64,
    pub first_response_breached: bool,
    pub resolution_breached: bool,
}
