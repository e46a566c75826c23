//! List parameters as they arrive from a page or the API (codes and text), resolved into a
//! typed `ListQuery`. Unknown values are refused with a message per parameter.

use super::model::{Priority, RequestNumber};
use super::queries::{AssigneeFilter, Cursor, ListQuery, Sort, StatusFilter};
use crate::auth::CurrentUser;
use crate::error::{AppError, FieldErrors, Msg};
use crate::units::queries as units;
use crate::users::model::Domain;
use crate::users::queries as users;
use base64::Engine;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `open`, `all`, or a status code.
    pub status: Option<String>,
    /// `materiel`, `ti` or `transport`.
    pub domain: Option<String>,
    /// Team code.
    pub team: Option<String>,
    /// `me`, `none` or an email address.
    pub assignee: Option<String>,
    /// Unit code.
    pub unit: Option<String>,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: Option<String>,
    /// Words to search for (accents ignored), or a request number.
    pub q: Option<String>,
    /// `newest` (default), `oldest`, `updated` or `priority`.
    pub sort: Option<String>,
    /// `mine` restricts to the requests you submitted.
    pub view: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// State kind: `new`, `open`, `pending`, `approval`, `resolved`, `closed` or `cancelled`.
    pub kind: Option<String>,
    /// `breached`: open, clock running, past a due time.
    pub sla: Option<String>,
    /// Created at or after this instant (RFC 3339) or day (`YYYY-MM-DD`, board time).
    pub created_since: Option<String>,
    /// Created before this instant or day.
    pub created_before: Option<String>,
    /// Resolved at or after this instant or day.
    pub resolved_since: Option<String>,
    /// Resolved before this instant or day.
    pub resolved_before: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 100.
    pub limit: Option<i64>,
}

pub fn encode_cursor(c: Cursor) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{}.{}", c.key, c.id))
}

fn decode_cursor(s: &str) -> Option<Cursor> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (k, i) = text.split_once('.')?;
    Some(Cursor {
        key: k.parse().ok()?,
        id: i.parse().ok()?,
    })
}

/// An instant (RFC 3339) or a day of the board (its local midnight).
pub fn instant(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(crate::transport::model::local_to_utc)
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Resolves the parameters; `default_status` applies when none is given.
pub fn resolve(
    conn: &mut PgConnection,
    user: &CurrentUser,
    p: &ListParams,
    default_status: StatusFilter,
    default_limit: i64,
) -> Result<ListQuery, AppError> {
    let mut errors = FieldErrors::default();
    let mut q = ListQuery {
        limit: default_limit,
        status: Some(default_status),
        ..Default::default()
    };
    if let Some(s) = nonempty(&p.status) {
        q.status = match s {
            "open" => Some(StatusFilter::Open),
            "all" => Some(StatusFilter::All),
            code => {
                if crate::workflow::queries::state_choices(conn)?
                    .iter()
                    .any(|s| s.code == code)
                {
                    Some(StatusFilter::Is(code.to_string()))
                } else {
                    errors.add("status", Msg::new("field-choice"));
                    None
                }
            }
        };
    }
    if let Some(d) = nonempty(&p.domain) {
        q.domain = Domain::parse(d);
        if q.domain.is_none() {
            errors.add("domain", Msg::new("field-choice"));
        }
    }
    if let Some(t) = nonempty(&p.team) {
        match users::team_by_code(conn, t)? {
            Some(team) => q.team = Some(team.id),
            None => errors.add("team", Msg::new("field-choice")),
        }
    }
    if let Some(a) = nonempty(&p.assignee) {
        q.assignee = match a {
            "me" => Some(AssigneeFilter::Person(user.id)),
            "none" => Some(AssigneeFilter::Nobody),
            email => match users::by_email(conn, email)? {
                Some(u) => Some(AssigneeFilter::Person(u.id)),
                None => {
                    errors.add("assignee", Msg::new("field-choice"));
                    None
                }
            },
        };
    }
    if let Some(u) = nonempty(&p.unit) {
        match units::by_code(conn, u).optional()? {
            Some(unit) => q.unit = Some(unit.id),
            None => errors.add("unit", Msg::new("field-choice")),
        }
    }
    if let Some(pr) = nonempty(&p.priority) {
        q.priority = Priority::parse(pr);
        if q.priority.is_none() {
            errors.add("priority", Msg::new("field-choice"));
        }
    }
    if let Some(text) = nonempty(&p.q) {
        if text.chars().count() > 200 {
            errors.add("q", Msg::new("field-too-long").arg("max", 200));
        }
        q.number = RequestNumber::parse(text).map(|n| n.0);
        // A bare number is looked up as a number only.
        if q.number.is_none() || !text.chars().all(|c| c.is_ascii_digit()) {
            q.text = Some(text.to_string());
        }
    }
    if let Some(c) = nonempty(&p.category) {
        match crate::catalog::queries::by_code(conn, c)? {
            Some(cat) => q.category = Some(cat.id),
            None => errors.add("category", Msg::new("field-choice")),
        }
    }
    if let Some(k) = nonempty(&p.kind) {
        q.kind = crate::workflow::StateKind::parse(k);
        if q.kind.is_none() {
            errors.add("kind", Msg::new("field-choice"));
        }
    }
    match nonempty(&p.sla) {
        None => {}
        Some("breached") => q.breached = true,
        Some(_) => errors.add("sla", Msg::new("field-choice")),
    }
    for (name, raw, slot) in [
        ("created_since", &p.created_since, &mut q.created_since),
        ("created_before", &p.created_before, &mut q.created_before),
        ("resolved_since", &p.resolved_since, &mut q.resolved_since),
        (
            "resolved_before",
            &p.resolved_before,
            &mut q.resolved_before,
        ),
    ] {
        if let Some(v) = nonempty(raw) {
            match instant(v) {
                Some(t) => *slot = Some(t),
                None => errors.add(name, Msg::new("field-date")),
            }
        }
    }
    if let Some(s) = nonempty(&p.sort) {
        match Sort::parse(s) {
            Some(sort) => q.sort = sort,
            None => errors.add("sort", Msg::new("field-choice")),
        }
    }
    if nonempty(&p.view) == Some("mine") {
        q.requester = Some(user.id);
    }
    if let Some(c) = nonempty(&p.cursor) {
        match decode_cursor(c) {
            Some(cursor) => q.cursor = Some(cursor),
            None => errors.add("cursor", Msg::new("field-cursor")),
        }
    }
    if let Some(l) = p.limit {
        if (1..=100).contains(&l) {
            q.limit = l;
        } else {
            errors.add(
                "limit",
                Msg::new("field-between").arg("min", 1).arg("max", 100),
            );
        }
    }
    errors.into_result()?;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor {
            key: 1_700_000_000_123_456,
            id: 42,
        };
        assert_eq!(decode_cursor(&encode_cursor(c)), Some(c));
        assert_eq!(decode_cursor("nope!"), None);
    }
}
