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

use crate::audit::{self, Origin};
use crate::db::schema::{
    attachments, categories, inbound_messages, outbox, request_approvals, request_events,
    request_watchers, requests, retention_policies, retention_runs, user_email_aliases, users,
};
use crate::db::{CategoryId, RequestId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::storage::Storage;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What replaces the person in anonymized text.
pub const PLACEHOLDER: &str = "[personne anonymisée]";
/// The account anonymized requests belong to (created by the migration).
pub const ANONYMOUS_EMAIL: &str = "anonyme@guichet.invalid";
/// Requests and attachments listed by number in a report (the counts are always complete).
const LISTED: usize = 200;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = retention_policies)]
pub struct Policy {
    pub id: i64,
    pub domain: Option<String>,
    pub category_id: Option<CategoryId>,
    pub anonymize_after_days: Option<i32>,
    pub attachments_after_days: Option<i32>,
    pub updated_at: DateTime<Utc>,
}

impl Policy {
    /// The board-wide default (no domain, no category): it cannot be deleted.
    pub fn is_default(&self) -> bool {
        self.domain.is_none() && self.category_id.is_none()
    }
}

pub fn policies(conn: &mut PgConnection) -> QueryResult<Vec<Policy>> {
    retention_policies::table
        .select(Policy::as_select())
        .order((
            retention_policies::category_id.is_not_null(),
            retention_policies::domain.is_not_null(),
            retention_policies::domain,
            retention_policies::category_id,
        ))
        .load(conn)
}

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
        if let Some(d) = &domain {
            let known: i64 = crate::db::schema::domains::table
                .filter(crate::db::schema::domains::code.eq(d))
                .count()
                .get_result(conn)?;
            if known == 0 {
                return Err(AppError::Invalid(FieldErrors::single(
                    "scope",
                    Msg::new("field-choice"),
                )));
            }
        }
        if let Some(c) = category {
            let known: i64 = categories::table.find(c).count().get_result(conn)?;
            if known == 0 {
                return Err(AppError::Invalid(FieldErrors::single(
                    "scope",
                    Msg::new("field-choice"),
                )));
            }
        }
        let before = policies(conn)?
            .into_iter()
            .find(|p| p.domain == domain && p.category_id == category);
        match &before {
            Some(p) => {
                diesel::update(retention_policies::table.find(p.id))
                    .set((
                        retention_policies::anonymize_after_days.eq(anonymize),
                        retention_policies::attachments_after_days.eq(purge),
                        retention_policies::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(retention_policies::table)
                    .values((
                        retention_policies::domain.eq(&domain),
                        retention_policies::category_id.eq(category),
                        retention_policies::anonymize_after_days.eq(anonymize),
                        retention_policies::attachments_after_days.eq(purge),
                    ))
                    .execute(conn)?;
            }
        }
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
        let p = retention_policies::table
            .find(id)
            .select(Policy::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        if p.is_default() {
            return Err(AppError::rule("retention-default-stays"));
        }
        diesel::delete(retention_policies::table.find(id)).execute(conn)?;
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

// --- what is due ---

#[derive(Debug, Clone, QueryableByName)]
struct DueRequest {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    number: i64,
}

#[derive(Debug, Clone, QueryableByName)]
struct DueAttachment {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = Text)]
    filename: String,
    #[diesel(sql_type = BigInt)]
    size_bytes: i64,
}

/// The request's policy delay in `column` (most specific policy: its category, its parent
/// category, its domain, the default), as SQL over `r` (requests) and `c` (its category).
macro_rules! policy_delay {
    ($column:literal) => {
        concat!(
            "(SELECT p.",
            $column,
            " FROM retention_policies p
               WHERE p.category_id IN (r.category_id, c.parent_id)
                  OR (p.category_id IS NULL AND (p.domain = r.domain OR p.domain IS NULL))
               ORDER BY (p.category_id = r.category_id) DESC NULLS LAST,
                        (p.category_id IS NOT NULL) DESC, (p.domain IS NOT NULL) DESC
               LIMIT 1)"
        )
    };
}

/// Closed requests whose anonymization is due at `now`, by number. The shortest delay of any
/// policy bounds the scan (an index on the closing date), so a nightly run reads only old ones.
fn due_requests(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<Vec<DueRequest>> {
    diesel::sql_query(concat!(
        "SELECT id, number FROM (
           SELECT r.id, r.number, r.closed_at, ",
        policy_delay!("anonymize_after_days"),
        " AS delay
             FROM requests r JOIN categories c ON c.id = r.category_id
            WHERE r.closed_at IS NOT NULL AND r.anonymized_at IS NULL
              AND r.closed_at < $1 - (SELECT coalesce(min(anonymize_after_days), 1000000)
                                        FROM retention_policies) * interval '1 day') due
          WHERE delay IS NOT NULL AND closed_at < $1 - delay * interval '1 day'
          ORDER BY number"
    ))
    .bind::<Timestamptz, _>(now)
    .load(conn)
}

/// Attachments of closed requests whose deletion is due at `now`.
fn due_attachments(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<Vec<DueAttachment>> {
    diesel::sql_query(concat!(
        "SELECT a.id, due.number, a.filename, a.size_bytes FROM (
           SELECT r.id, r.number, r.closed_at, ",
        policy_delay!("attachments_after_days"),
        " AS delay
             FROM requests r JOIN categories c ON c.id = r.category_id
            WHERE r.closed_at IS NOT NULL
              AND r.closed_at < $1 - (SELECT coalesce(min(attachments_after_days), 1000000)
                                        FROM retention_policies) * interval '1 day') due
          JOIN attachments a ON a.request_id = due.id AND a.purged_at IS NULL
          WHERE due.delay IS NOT NULL AND due.closed_at < $1 - due.delay * interval '1 day'
          ORDER BY due.number, a.id"
    ))
    .bind::<Timestamptz, _>(now)
    .load(conn)
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
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        locked: bool,
    }
    let got: Locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<BigInt, _>(LOCK)
        .get_result(conn)?;
    if !got.locked {
        return Ok(Report {
            dry_run,
            clock: Some(now),
            ..Default::default()
        });
    }
    let result = run_locked(conn, storage, origin, now, dry_run);
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(LOCK)
        .execute(conn)?;
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
    let files = due_attachments(conn, now)?;
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
    let due = due_requests(conn, now)?;
    report.anonymized = due.len();
    report.requests = due.iter().take(LISTED).map(|r| r.number).collect();
    if !dry_run {
        let anonymous = anonymous_user(conn)?;
        for r in &due {
            anonymize(conn, storage, origin, now, RequestId(r.id), anonymous)?;
        }
    }
    diesel::insert_into(retention_runs::table)
        .values((
            retention_runs::clock.eq(now),
            retention_runs::dry_run.eq(dry_run),
            retention_runs::actor_id.eq(origin.actor),
            retention_runs::anonymized.eq(report.anonymized as i32),
            retention_runs::purged.eq(report.purged as i32),
            retention_runs::report.eq(serde_json::to_value(&report).unwrap_or_default()),
        ))
        .execute(conn)?;
    Ok(report)
}

pub fn anonymous_user(conn: &mut PgConnection) -> QueryResult<UserId> {
    users::table
        .filter(users::email.eq(ANONYMOUS_EMAIL))
        .select(users::id)
        .first(conn)
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
        let rows: Vec<(i64, RequestId, String)> = diesel::update(
            attachments::table
                .filter(attachments::id.eq_any(ids))
                .filter(attachments::purged_at.is_null()),
        )
        .set(attachments::purged_at.eq(now))
        .returning((
            attachments::id,
            attachments::request_id,
            attachments::sha256,
        ))
        .get_results(conn)?;
        let mut by_request: std::collections::BTreeMap<RequestId, Vec<i64>> = Default::default();
        for (id, r, _) in &rows {
            by_request.entry(*r).or_default().push(*id);
        }
        for (r, ids) in by_request {
            let number: i64 = requests::table
                .find(r)
                .select(requests::number)
                .first(conn)?;
            audit::record(
                conn,
                origin,
                "retention.attachments_deleted",
                "request",
                crate::requests::model::RequestNumber(number),
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

/// Replaces a person's name, addresses and the parts of their name in free text.
pub struct Redactor {
    pattern: Option<Regex>,
}

impl Redactor {
    pub fn new(name: &str, emails: &[String]) -> Redactor {
        let mut needles: Vec<String> = emails
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        let name = name.trim();
        if !name.is_empty() {
            needles.push(name.to_string());
            // Each word (« Marie-Ève ») and each part of a compound one (« Ève »).
            for word in name.split_whitespace() {
                needles.push(word.to_string());
                if word.contains('-') {
                    needles.extend(word.split('-').map(str::to_string));
                }
            }
            needles.retain(|n| n.chars().count() >= 3);
        }
        // Longest first, so the whole name goes before its parts.
        needles.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        needles.dedup();
        let alternatives: Vec<String> = needles.iter().map(|n| regex::escape(n)).collect();
        #[allow(clippy::expect_used)] // Escaped alternatives always compile.
        let pattern = (!alternatives.is_empty()).then(|| {
            RegexBuilder::new(&format!(r"\b(?:{})\b", alternatives.join("|")))
                .case_insensitive(true)
                .build()
                .expect("escaped alternatives always compile")
        });
        Redactor { pattern }
    }

    pub fn text(&self, s: &str) -> String {
        match &self.pattern {
            Some(p) => p.replace_all(s, PLACEHOLDER).into_owned(),
            None => s.to_string(),
        }
    }

    /// Every string inside a JSON value (keys kept).
    pub fn json(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.json(x)).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, x)| (k.clone(), self.json(x))).collect())
            }
            other => other.clone(),
        }
    }
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
        let (number, requester, title, description, fields, done): (
            i64,
            UserId,
            String,
            String,
            Value,
            Option<DateTime<Utc>>,
        ) = requests::table
            .find(id)
            .select((
                requests::number,
                requests::requester_id,
                requests::title,
                requests::description,
                requests::fields,
                requests::anonymized_at,
            ))
            .for_update()
            .first(conn)?;
        if done.is_some() {
            return Ok(Vec::new());
        }
        let (name, email): (String, String) = users::table
            .find(requester)
            .select((users::display_name, users::email))
            .first(conn)?;
        let mut emails: Vec<String> = user_email_aliases::table
            .filter(user_email_aliases::user_id.eq(requester))
            .select(user_email_aliases::email)
            .load(conn)?;
        emails.push(email.clone());
        let redact = Redactor::new(&name, &emails);

        diesel::sql_query("SET LOCAL guichet.anonymizing = 'on'").execute(conn)?;
        let events: Vec<(i64, Option<UserId>, String, Value)> = request_events::table
            .filter(request_events::request_id.eq(id))
            .select((
                request_events::id,
                request_events::actor_id,
                request_events::body,
                request_events::data,
            ))
            .load(conn)?;
        for (eid, actor, body, data) in events {
            let (body2, data2) = (redact.text(&body), redact.json(&data));
            let actor2 = if actor == Some(requester) {
                Some(anonymous)
            } else {
                actor
            };
            if body2 != body || data2 != data || actor2 != actor {
                diesel::update(request_events::table.find(eid))
                    .set((
                        request_events::body.eq(body2),
                        request_events::data.eq(data2),
                        request_events::actor_id.eq(actor2),
                    ))
                    .execute(conn)?;
            }
        }
        // The requester's satisfaction rating keeps its score; its comment is redacted.
        {
            use crate::db::schema::satisfaction_ratings as sr;
            let rated: Option<String> = sr::table
                .find(id.0)
                .select(sr::comment)
                .first(conn)
                .optional()?;
            if let Some(comment) = rated {
                diesel::update(sr::table.find(id.0))
                    .set((
                        sr::comment.eq(redact.text(&comment)),
                        sr::rated_by.eq(Some(anonymous)),
                    ))
                    .execute(conn)?;
            }
        }
        let files: Vec<(i64, String)> = attachments::table
            .filter(attachments::request_id.eq(id))
            .select((attachments::id, attachments::filename))
            .load(conn)?;
        for (aid, filename) in files {
            let f2 = redact.text(&filename);
            if f2 != filename {
                diesel::update(attachments::table.find(aid))
                    .set(attachments::filename.eq(f2))
                    .execute(conn)?;
            }
        }
        diesel::update(
            attachments::table
                .filter(attachments::request_id.eq(id))
                .filter(attachments::uploader_id.eq(requester)),
        )
        .set(attachments::uploader_id.eq(anonymous))
        .execute(conn)?;
        let comments: Vec<(i64, String)> = request_approvals::table
            .filter(request_approvals::request_id.eq(id))
            .select((request_approvals::id, request_approvals::comment))
            .load(conn)?;
        for (aid, comment) in comments {
            let c2 = redact.text(&comment);
            if c2 != comment {
                diesel::update(request_approvals::table.find(aid))
                    .set(request_approvals::comment.eq(c2))
                    .execute(conn)?;
            }
        }
        let mails: Vec<(i64, String, String, String, String, String)> = inbound_messages::table
            .filter(inbound_messages::request_id.eq(id))
            .select((
                inbound_messages::id,
                inbound_messages::sender,
                inbound_messages::subject,
                inbound_messages::detail,
                inbound_messages::full_text,
                inbound_messages::content_hash,
            ))
            .load(conn)?;
        let mut raw_hashes = Vec::new();
        for (mid, sender, subject, detail, full_text, hash) in mails {
            let sender2 = if emails.iter().any(|e| e.eq_ignore_ascii_case(&sender)) {
                ANONYMOUS_EMAIL.to_string()
            } else {
                redact.text(&sender)
            };
            diesel::update(inbound_messages::table.find(mid))
                .set((
                    inbound_messages::sender.eq(sender2),
                    inbound_messages::subject.eq(redact.text(&subject)),
                    inbound_messages::detail.eq(redact.text(&detail)),
                    inbound_messages::full_text.eq(redact.text(&full_text)),
                    inbound_messages::user_id.eq(None::<UserId>),
                ))
                .execute(conn)?;
            raw_hashes.push(hash);
        }
        // Sent mail: the delivery stays (when, which template), its contents go.
        diesel::update(
            outbox::table.filter(outbox::request_id.eq(id)).filter(
                outbox::sent_at
                    .is_not_null()
                    .or(outbox::failed_at.is_not_null()),
            ),
        )
        .set((
            outbox::payload.eq(json!({})),
            outbox::subject.eq(None::<String>),
        ))
        .execute(conn)?;
        diesel::update(
            outbox::table
                .filter(outbox::request_id.eq(id))
                .filter(outbox::recipient_id.eq(requester)),
        )
        .set((
            outbox::recipient.eq(ANONYMOUS_EMAIL),
            outbox::recipient_id.eq(anonymous),
        ))
        .execute(conn)?;
        diesel::delete(request_watchers::table.filter(request_watchers::request_id.eq(id)))
            .execute(conn)?;
        diesel::update(requests::table.find(id))
            .set((
                requests::title.eq(redact.text(&title)),
                requests::description.eq(redact.text(&description)),
                requests::fields.eq(redact.json(&fields)),
                requests::requester_id.eq(anonymous),
                requests::anonymized_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            origin,
            "retention.anonymized",
            "request",
            crate::requests::model::RequestNumber(number),
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
        let files: i64 = attachments::table
            .filter(attachments::sha256.eq(&h))
            .filter(attachments::purged_at.is_null())
            .count()
            .get_result(conn)?;
        let mut mails = inbound_messages::table
            .filter(inbound_messages::content_hash.eq(&h))
            .into_boxed();
        if let Some(r) = except {
            mails = mails.filter(
                inbound_messages::request_id
                    .ne(r)
                    .or(inbound_messages::request_id.is_null()),
            );
        }
        let mails: i64 = mails.count().get_result(conn)?;
        if files == 0 && mails == 0 {
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

/// The recent runs, newest first.
pub fn runs(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<RunRow>> {
    retention_runs::table
        .left_join(users::table)
        .select((
            retention_runs::started_at,
            retention_runs::clock,
            retention_runs::dry_run,
            users::display_name.nullable(),
            retention_runs::anonymized,
            retention_runs::purged,
        ))
        .order(retention_runs::id.desc())
        .limit(limit)
        .load(conn)
}

pub type RunRow = (DateTime<Utc>, DateTime<Utc>, bool, Option<String>, i32, i32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_its_parts_and_addresses_are_replaced_whatever_the_case() {
        let r = Redactor::new(
            "Marie-Ève Tremblay",
            &["marie.tremblay@ecole.example".into()],
        );
        assert_eq!(
            r.text("Bonjour, je suis MARIE-ÈVE TREMBLAY (marie.tremblay@ecole.example). Merci, Marie-Ève"),
            format!("Bonjour, je suis {PLACEHOLDER} ({PLACEHOLDER}). Merci, {PLACEHOLDER}")
        );
        assert_eq!(r.text("Signé : Tremblay"), format!("Signé : {PLACEHOLDER}"));
    }

    #[test]
    fn words_that_merely_contain_a_name_part_are_kept() {
        let r = Redactor::new("Marc Roy", &[]);
        // « Roy » has three letters but « Royaume » is another word; « Marché » too.
        assert_eq!(
            r.text("Au Marché du Royaume, Marc a écrit"),
            format!("Au Marché du Royaume, {PLACEHOLDER} a écrit")
        );
    }

    #[test]
    fn json_strings_are_redacted_and_keys_and_numbers_kept() {
        let r = Redactor::new("Léa Gagnon", &[]);
        let v = json!({ "eleve": "pour Léa Gagnon", "n": 3, "liste": ["Gagnon", true] });
        assert_eq!(
            r.json(&v),
            json!({ "eleve": format!("pour {PLACEHOLDER}"), "n": 3, "liste": [PLACEHOLDER, true] })
        );
    }

    #[test]
    fn an_empty_identity_changes_nothing() {
        let r = Redactor::new("  ", &[]);
        assert_eq!(r.text("rien à changer"), "rien à changer");
    }
}
