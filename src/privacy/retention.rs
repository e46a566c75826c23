//! Retention (Loi 25: personal information is kept only as long as needed). Policies per domain or
//! category say how long after its closing a request keeps its attachments and its requester's
//! identity; a nightly job applies them, and the same code answers a dry run (what would be done,
//! nothing changed). The clock is a parameter, so tests and the dry run can look years ahead.
//!
//! Anonymizing a request keeps what statistics need (category, unit, dates, delays, status,
//! team) and replaces the requester: the request passes to « Personne anonymisée », and their
//! name (whole and each part of three letters or more), their addresses and aliases are replaced
//! by a placeholder in the title, description, form answers, timeline, attachment names, approval
//! comments and received mail; the raw received messages and the sent mail's contents are deleted.

use super::queries::{self, Anonymizable, NewRun, Received};
pub use super::queries::{policies, runs, Policy, RunRow};
pub use super::redact::{Redactor, PLACEHOLDER};
use crate::audit::{self, Origin};
use crate::db::{CategoryId, RequestId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::RequestNumber;
use crate::storage::Storage;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The account anonymized requests belong to (created by the migration).
pub const ANONYMOUS_EMAIL: &str = "anonyme@guichet.invalid";
/// Requests and attachments listed by number in a report (the counts are always complete).
const LISTED: usize = 200;

/// A policy form: the scope (`*`, a domain code or `c<category id>`) and two delays in days
/// (empty = never).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyInput {
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub anonymize_after_days: String,
    #[serde(default)]
    pub attachments_after_days: String,
}

fn days(errors: &mut FieldErrors, field: &str, raw: &str) -> Option<i32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i32>() {
        Ok(n) if (1..=36_500).contains(&n) => Some(n),
        _ => {
            errors.add(
                field,
                Msg::new("field-between").arg("min", 1).arg("max", 36_500),
            );
            None
        }
    }
}

/// Creates or replaces the policy of a scope; audited with its before and after.
pub fn save_policy(
    conn: &mut PgConnection,
    origin: &Origin,
    input: &PolicyInput,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let anonymize = days(
        &mut errors,
        "anonymize_after_days",
        &input.anonymize_after_days,
    );
    let purge = days(
        &mut errors,
        "attachments_after_days",
        &input.attachments_after_days,
    );
    let scope = input.scope.trim();
    let (domain, category) = match scope {
        "*" | "" => (None, None),
        s if s.starts_with('c') => match s[1..].parse::<i64>() {
            Ok(id) => (None, Some(CategoryId(id))),
            Err(_) => {
                errors.add("scope", Msg::new("field-choice"));
                (None, None)
            }
        },
        s => (Some(s.to_string()), None),
    };
    errors.into_result()?;
    conn.transaction(|conn| {
        let known = match (&domain, category) {
            (Some(d), _) => queries::domain_exists(conn, d)?,
            (None, Some(c)) => queries::category_exists(conn, c)?,
            (None, None) => true,
        };
        if !known {
            return Err(AppError::Invalid(FieldErrors::single(
                "scope",
                Msg::new("field-choice"),
            )));
        }
        let before = policies(conn)?
            .into_iter()
            .find(|p| p.domain == domain && p.category_id == category);
        match &before {
            Some(p) => queries::update_policy(conn, p.id, anonymize, purge)?,
            None => queries::insert_policy(conn, domain.as_deref(), category, anonymize, purge)?,
        };
        audit::record(
            conn,
            origin,
            "retention.policy",
            "retention_policy",
            scope,
            json!({
                "before": before.map(|p| json!({ "anonymize_after_days": p.anonymize_after_days, "attachments_after_days": p.attachments_after_days })),
                "after": { "anonymize_after_days": anonymize, "attachments_after_days": purge },
            }),
        )?;
        Ok(())
    })
}

/// Removes a domain's or category's policy (the default stays): the broader one applies again.
pub fn remove_policy(conn: &mut PgConnection, origin: &Origin, id: i64) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let p = queries::policy(conn, id)?.ok_or(AppError::NotFound)?;
        if p.is_default() {
            return Err(AppError::rule("retention-default-stays"));
        }
        queries::delete_policy(conn, id)?;
        audit::record(
            conn,
            origin,
            "retention.policy_removed",
            "retention_policy",
            id,
            json!({ "domain": p.domain, "category_id": p.category_id,
                    "anonymize_after_days": p.anonymize_after_days,
                    "attachments_after_days": p.attachments_after_days }),
        )?;
        Ok(())
    })
}

// --- the run ---

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Report {
    pub dry_run: bool,
    pub clock: Option<DateTime<Utc>>,
    /// Requests anonymized (or that would be).
    pub anonymized: usize,
    /// Their numbers (the first ones).
    pub requests: Vec<i64>,
    /// Attachments deleted (or that would be), and their total size.
    pub purged: usize,
    pub purged_bytes: i64,
    /// (request number, file name) of the first ones.
    pub files: Vec<(i64, String)>,
    /// False when another server was already running the policy.
    pub ran: bool,
}

/// Applies the policies as of `now` (or, with `dry_run`, reports what it would do and changes
/// nothing but the run's record). One server at a time (an advisory lock); each request is its
/// own transaction, so a failure leaves the others done and the next night resumes.
pub fn run(
    conn: &mut PgConnection,
    storage: &Storage,
    origin: &Origin,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    const LOCK: i64 = 0x0067_7569_6372_6574; // "guicret"
    if !queries::try_lock(conn, LOCK)? {
        return Ok(Report {
            dry_run,
            clock: Some(now),
            ..Default::default()
        });
    }
    let result = run_locked(conn, storage, origin, now, dry_run);
    queries::unlock(conn, LOCK)?;
    result
}

fn run_locked(
    conn: &mut PgConnection,
    storage: &Storage,
    origin: &Origin,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Report, AppError> {
    let mut report = Report {
        dry_run,
        clock: Some(now),
        ran: true,
        ..Default::default()
    };
    // Attachments first: a request due for both loses its files, then its requester's name.
    let files = queries::due_attachments(conn, now)?;
    report.purged = files.len();
    report.purged_bytes = files.iter().map(|f| f.size_bytes).sum();
    report.files = files
        .iter()
        .take(LISTED)
        .map(|f| (f.number, f.filename.clone()))
        .collect();
    if !dry_run {
        for chunk in files.chunks(500) {
            let ids: Vec<i64> = chunk.iter().map(|f| f.id).collect();
            purge_attachments(conn, storage, origin, now, &ids)?;
        }
    }
    let due = queries::due_requests(conn, now)?;
    report.anonymized = due.len();
    report.requests = due.iter().take(LISTED).map(|r| r.number).collect();
    if !dry_run {
        let anonymous = anonymous_user(conn)?;
        for r in &due {
            anonymize(conn, storage, origin, now, RequestId(r.id), anonymous)?;
        }
    }
    queries::insert_run(
        conn,
        NewRun {
            clock: now,
            dry_run,
            actor: origin.actor,
            anonymized: report.anonymized as i32,
            purged: report.purged as i32,
            report: serde_json::to_value(&report).unwrap_or_default(),
        },
    )?;
    Ok(report)
}

pub fn anonymous_user(conn: &mut PgConnection) -> QueryResult<UserId> {
    queries::anonymous_user(conn, ANONYMOUS_EMAIL)
}

/// Marks the attachments deleted, then deletes their bytes unless something else still holds
/// the same content (the store keeps one copy per content).
fn purge_attachments(
    conn: &mut PgConnection,
    storage: &Storage,
    origin: &Origin,
    now: DateTime<Utc>,
    ids: &[i64],
) -> Result<(), AppError> {
    let orphans: Vec<String> = conn.transaction(|conn| {
        let rows = queries::mark_purged(conn, ids, now)?;
        let mut by_request: std::collections::BTreeMap<RequestId, Vec<i64>> = Default::default();
        for (id, r, _) in &rows {
            by_request.entry(*r).or_default().push(*id);
        }
        for (r, ids) in by_request {
            let number = crate::requests::queries::number_of(conn, r)?;
            audit::record(
                conn,
                origin,
                "retention.attachments_deleted",
                "request",
                RequestNumber(number),
                json!({ "attachment_ids": ids }),
            )?;
        }
        let mut hashes: Vec<String> = rows.into_iter().map(|(_, _, h)| h).collect();
        hashes.sort();
        hashes.dedup();
        Ok::<_, AppError>(unreferenced(conn, hashes, None)?)
    })?;
    // After the commit: a failed deletion leaves bytes behind, never a row without its bytes.
    remove_all(storage, &orphans, "attachment bytes");
    Ok(())
}

/// Anonymizes one request (see the module's documentation), in one transaction.
pub fn anonymize(
    conn: &mut PgConnection,
    storage: &Storage,
    origin: &Origin,
    now: DateTime<Utc>,
    id: RequestId,
    anonymous: UserId,
) -> Result<(), AppError> {
    let raw_hashes: Vec<String> = conn.transaction(|conn| {
        let r = queries::lock_anonymizable(conn, id)?;
        if r.anonymized_at.is_some() {
            return Ok(Vec::new());
        }
        let requester = r.requester;
        let (name, emails) = queries::identity(conn, requester)?;
        let redact = Redactor::new(&name, &emails);

        queries::start_anonymizing(conn)?;
        for (eid, actor, body, data) in queries::events(conn, id)? {
            let (body2, data2) = (redact.text(&body), redact.json(&data));
            let actor2 = if actor == Some(requester) {
                Some(anonymous)
            } else {
                actor
            };
            if body2 != body || data2 != data || actor2 != actor {
                queries::set_event(conn, (eid, actor2, body2, data2))?;
            }
        }
        // The requester's satisfaction rating keeps its score; its comment is redacted.
        if let Some(comment) = queries::rating_comment(conn, id)? {
            queries::set_rating(conn, id, &redact.text(&comment), anonymous)?;
        }
        for (aid, filename) in queries::attachment_names(conn, id)? {
            let f2 = redact.text(&filename);
            if f2 != filename {
                queries::rename_attachment(conn, aid, &f2)?;
            }
        }
        queries::hand_over_uploads(conn, id, requester, anonymous)?;
        for (aid, comment) in queries::approval_comments(conn, id)? {
            let c2 = redact.text(&comment);
            if c2 != comment {
                queries::set_approval_comment(conn, aid, &c2)?;
            }
        }
        let mut raw_hashes = Vec::new();
        for m in queries::received(conn, id)? {
            let sender = if emails.iter().any(|e| e.eq_ignore_ascii_case(&m.sender)) {
                ANONYMOUS_EMAIL.to_string()
            } else {
                redact.text(&m.sender)
            };
            queries::set_received(
                conn,
                &Received {
                    id: m.id,
                    sender,
                    subject: redact.text(&m.subject),
                    detail: redact.text(&m.detail),
                    full_text: redact.text(&m.full_text),
                    content_hash: String::new(),
                },
            )?;
            raw_hashes.push(m.content_hash);
        }
        // Sent mail: the delivery stays (when, which template), its contents go.
        queries::forget_sent_mail(conn, id, requester, anonymous, ANONYMOUS_EMAIL)?;
        queries::drop_watchers(conn, id)?;
        queries::set_anonymized(
            conn,
            id,
            &Anonymizable {
                number: r.number,
                requester: anonymous,
                title: redact.text(&r.title),
                description: redact.text(&r.description),
                fields: redact.json(&r.fields),
                anonymized_at: Some(now),
            },
            now,
        )?;
        audit::record(
            conn,
            origin,
            "retention.anonymized",
            "request",
            RequestNumber(r.number),
            json!({}),
        )?;
        // The raw messages go once nothing else points at them.
        Ok::<_, AppError>(unreferenced(conn, raw_hashes, Some(id))?)
    })?;
    remove_all(storage, &raw_hashes, "a received message");
    Ok(())
}

/// The stored contents no longer held by a kept attachment or by a received message (other than
/// those of `except`, the request being anonymized): they may be deleted.
fn unreferenced(
    conn: &mut PgConnection,
    hashes: Vec<String>,
    except: Option<RequestId>,
) -> QueryResult<Vec<String>> {
    let mut out = Vec::new();
    for h in hashes {
        if !queries::content_in_use(conn, &h, except)? {
            out.push(h);
        }
    }
    Ok(out)
}

/// Deletes stored contents; a failure is logged (bytes left behind, never a row without bytes).
fn remove_all(storage: &Storage, hashes: &[String], what: &str) {
    for h in hashes {
        if let Err(e) = storage.remove(h) {
            log::warn!("retention: could not delete {what} {h}: {e}");
        }
    }
}
