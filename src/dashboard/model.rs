//! What a dashboard shows, as the pages, the API (`GET /api/v1/dashboard`) and the CSV export
//! receive it: tiles, trend, breakdowns, technicians, satisfaction.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ToSchema)]
pub struct Compliance {
    /// Requests whose due time fell in the period and is decided.
    pub due: i64,
    /// Of those, met in time.
    pub met: i64,
    /// `met / due` in percent, one decimal; none when nothing was due.
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Tiles {
    /// Open now.
    pub backlog: i64,
    /// Created in the period.
    pub new: i64,
    /// Resolved in the period.
    pub resolved: i64,
    pub first_response: Compliance,
    pub resolution: Compliance,
    /// Open, clock running, past a due time, now.
    pub breaches_in_progress: i64,
    /// Median business hours to resolve (requests resolved in the period).
    pub resolve_hours_median: Option<f64>,
    /// 90th percentile of the business hours to resolve.
    pub resolve_hours_p90: Option<f64>,
    /// Requests waiting for an approval, now.
    pub approvals_waiting: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrendRow {
    /// First day of the day or week.
    pub from: NaiveDate,
    pub created: i64,
    pub resolved: i64,
    pub first_response: Compliance,
    pub resolution: Compliance,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CountRow {
    /// Category, unit or age-bucket code.
    pub code: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TechRow {
    /// None for the requests nobody is assigned.
    pub user_id: Option<i64>,
    pub name: String,
    /// Open requests assigned, now.
    pub open: i64,
    /// Requests resolved in the period.
    pub resolved: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RatingRow {
    pub code: String,
    pub label: String,
    pub count: i64,
    pub average: f64,
    /// Ratings of 1, 2, 3, 4 and 5.
    pub distribution: Vec<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Satisfaction {
    pub count: i64,
    pub average: Option<f64>,
    /// Ratings of 1, 2, 3, 4 and 5.
    pub distribution: Vec<i64>,
    pub by_team: Vec<RatingRow>,
    pub by_category: Vec<RatingRow>,
    pub by_unit: Vec<RatingRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LowRating {
    pub number: String,
    pub title: String,
    pub rating: i16,
    pub comment: String,
    pub rated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeriodOut {
    /// `week`, `month`, `school_year` or `custom`.
    pub kind: String,
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
    /// Trend buckets: `day` or `week`.
    pub step: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figures {
    /// `board`, `domain:<code>`, `team:<code>` or `unit:<code>`.
    pub scope: String,
    pub scope_label: String,
    pub period: PeriodOut,
    pub generated_at: DateTime<Utc>,
    pub tiles: Tiles,
    /// Per day (a month or less) or per week.
    pub trend: Vec<TrendRow>,
    /// The open backlog by age.
    pub backlog_ages: Vec<CountRow>,
    /// Requests created in the period per category, most first.
    pub categories: Vec<CountRow>,
    /// Requests created in the period per unit, most first.
    pub units: Vec<CountRow>,
    pub technicians: Vec<TechRow>,
    pub satisfaction: Satisfaction,
    /// Ratings of 1 or 2 in the period, on the requests the reader may open.
    pub low_ratings: Vec<LowRating>,
}

impl Compliance {
    pub fn new(due: i64, met: i64) -> Compliance {
        Compliance {
            due,
            met,
            percent: (due > 0).then(|| round1(met as f64 * 100.0 / due as f64)),
        }
    }
}

/// One decimal.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// How a dashboard query names the table a scope restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `requests r` (or `satisfaction_ratings r`).
    R,
    /// `requests`, unaliased.
    Requests,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::R => "r",
            Table::Requests => "requests",
        }
    }
}

/// A scope's condition in a dashboard query's text. It is only built by `Scope::condition`
/// (the one caller of `Condition::of`), from typed values — ids, a domain's fixed code and a fixed table name —
/// so no text a person typed ever reaches the SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition(String);

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Condition {
    /// For `Scope::condition` only.
    pub(super) fn of(sql: String) -> Condition {
        Condition(sql)
    }
}
