//! All SQL of retention and anonymization. The long scans of what is due are in `sql/`.

use crate::db::schema::{
    attachments, categories, domains, inbound_messages, outbox, request_approvals, request_events,
    request_watchers, requests, retention_policies, retention_runs, satisfaction_ratings,
    user_email_aliases, users,
};
use crate::db::{CategoryId, RequestId, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Jsonb, Text, Timestamptz};
use serde::Serialize;
use serde_json::{json, Value};

// --- policies ---

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

pub fn policy(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Policy>> {
    retention_policies::table
        .find(id)
        .select(Policy::as_select())
        .first(conn)
        .optional()
}

pub fn domain_exists(conn: &mut PgConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        domains::table.filter(domains::code.eq(code)),
    ))
    .get_result(conn)
}

pub fn category_exists(conn: &mut PgConnection, id: CategoryId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(categories::table.find(id))).get_result(conn)
}

pub fn update_policy(
    conn: &mut PgConnection,
    id: i64,
    anonymize: Option<i32>,
    purge: Option<i32>,
) -> QueryResult<usize> {
    diesel::update(retention_policies::table.find(id))
        .set((
            retention_policies::anonymize_after_days.eq(anonymize),
            retention_policies::attachments_after_days.eq(purge),
            retention_policies::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn insert_policy(
    conn: &mut PgConnection,
    domain: Option<&str>,
    category: Option<CategoryId>,
    anonymize: Option<i32>,
    purge: Option<i32>,
) -> QueryResult<usize> {
    diesel::insert_into(retention_policies::table)
        .values((
            retention_policies::domain.eq(domain),
            retention_policies::category_id.eq(category),
            retention_policies::anonymize_after_days.eq(anonymize),
            retention_policies::attachments_after_days.eq(purge),
        ))
        .execute(conn)
}

pub fn delete_policy(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(retention_policies::table.find(id)).execute(conn)
}

// --- what is due ---

#[derive(Debug, Clone, QueryableByName)]
pub struct DueRequest {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub number: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct DueAttachment {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub number: i64,
    #[diesel(sql_type = Text)]
    pub filename: String,
    #[diesel(sql_type = BigInt)]
    pub size_bytes: i64,
}

/// A due scan with its requests' delay written in: the most specific policy's `column`.
fn due_scan(scan: &str, column: &str) -> String {
    let delay = include_str!("sql/policy_delay.sql")
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("{column}", column);
    let scan: String = scan
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    scan.replace("{delay}", delay.trim())
}

static DUE_REQUESTS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    due_scan(include_str!("sql/due_requests.sql"), "anonymize_after_days")
});
static DUE_ATTACHMENTS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    due_scan(
        include_str!("sql/due_attachments.sql"),
        "attachments_after_days",
    )
});

/// Closed requests whose anonymization is due at `now`, by number.
pub fn due_requests(conn: &mut PgConnection, now: DateTime<Utc>) -> QueryResult<Vec<DueRequest>> {
    diesel::sql_query(DUE_REQUESTS.as_str())
        .bind::<Timestamptz, _>(now)
        .load(conn)
}

/// Attachments of closed requests whose deletion is due at `now`.
pub fn due_attachments(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
) -> QueryResult<Vec<DueAttachment>> {
    diesel::sql_query(DUE_ATTACHMENTS.as_str())
        .bind::<Timestamptz, _>(now)
        .load(conn)
}

// --- runs ---

/// Takes the session's advisory lock `key` if nobody holds it.
pub fn try_lock(conn: &mut PgConnection, key: i64) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Locked {
        #[diesel(sql_type = Bool)]
        locked: bool,
    }
    let got: Locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
        .bind::<BigInt, _>(key)
        .get_result(conn)?;
    Ok(got.locked)
}

pub fn unlock(conn: &mut PgConnection, key: i64) -> QueryResult<usize> {
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(key)
        .execute(conn)
}

/// What a run did (or, dry, would have done), for the policies page.
pub struct NewRun {
    pub clock: DateTime<Utc>,
    pub dry_run: bool,
    pub actor: Option<UserId>,
    pub anonymized: i32,
    pub purged: i32,
    pub report: Value,
}

pub fn insert_run(conn: &mut PgConnection, run: NewRun) -> QueryResult<usize> {
    diesel::insert_into(retention_runs::table)
        .values((
            retention_runs::clock.eq(run.clock),
            retention_runs::dry_run.eq(run.dry_run),
            retention_runs::actor_id.eq(run.actor),
            retention_runs::anonymized.eq(run.anonymized),
            retention_runs::purged.eq(run.purged),
            retention_runs::report.eq(run.report),
        ))
        .execute(conn)
}

pub type RunRow = (DateTime<Utc>, DateTime<Utc>, bool, Option<String>, i32, i32);

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

// --- deleting attachments ---

/// Marks the attachments deleted at `now`: (id, request, content hash) of those that were not.
pub fn mark_purged(
    conn: &mut PgConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> QueryResult<Vec<(i64, RequestId, String)>> {
    diesel::update(
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
    .get_results(conn)
}

/// Whether a stored content is still held by a kept attachment or a received message (other
/// than those of `except`, the request being anonymized).
pub fn content_in_use(
    conn: &mut PgConnection,
    hash: &str,
    except: Option<RequestId>,
) -> QueryResult<bool> {
    let files: i64 = attachments::table
        .filter(attachments::sha256.eq(hash))
        .filter(attachments::purged_at.is_null())
        .count()
        .get_result(conn)?;
    let mut mails = inbound_messages::table
        .filter(inbound_messages::content_hash.eq(hash))
        .into_boxed();
    if let Some(r) = except {
        mails = mails.filter(
            inbound_messages::request_id
                .ne(r)
                .or(inbound_messages::request_id.is_null()),
        );
    }
    let mails: i64 = mails.count().get_result(conn)?;
    Ok(files > 0 || mails > 0)
}

// --- anonymizing a request ---

pub fn anonymous_user(conn: &mut PgConnection, email: &str) -> QueryResult<UserId> {
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .first(conn)
}

/// The parts of a request anonymization rewrites, locked.
#[derive(Queryable)]
pub struct Anonymizable {
    pub number: i64,
    pub requester: UserId,
    pub title: String,
    pub description: String,
    pub fields: Value,
    pub anonymized_at: Option<DateTime<Utc>>,
}

pub fn lock_anonymizable(conn: &mut PgConnection, id: RequestId) -> QueryResult<Anonymizable> {
    requests::table
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
        .first(conn)
}

/// A person's name and every address they write from (aliases, then their own).
pub fn identity(conn: &mut PgConnection, user: UserId) -> QueryResult<(String, Vec<String>)> {
    let (name, email): (String, String) = users::table
        .find(user)
        .select((users::display_name, users::email))
        .first(conn)?;
    let mut emails: Vec<String> = user_email_aliases::table
        .filter(user_email_aliases::user_id.eq(user))
        .select(user_email_aliases::email)
        .load(conn)?;
    emails.push(email);
    Ok((name, emails))
}

/// Tells the triggers that protect the timeline that this transaction anonymizes.
pub fn start_anonymizing(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::sql_query("SET LOCAL guichet.anonymizing = 'on'").execute(conn)
}

pub type EventText = (i64, Option<UserId>, String, Value);

pub fn events(conn: &mut PgConnection, id: RequestId) -> QueryResult<Vec<EventText>> {
    request_events::table
        .filter(request_events::request_id.eq(id))
        .select((
            request_events::id,
            request_events::actor_id,
            request_events::body,
            request_events::data,
        ))
        .load(conn)
}

pub fn set_event(
    conn: &mut PgConnection,
    (id, actor, body, data): EventText,
) -> QueryResult<usize> {
    diesel::update(request_events::table.find(id))
        .set((
            request_events::body.eq(body),
            request_events::data.eq(data),
            request_events::actor_id.eq(actor),
        ))
        .execute(conn)
}

pub fn rating_comment(conn: &mut PgConnection, id: RequestId) -> QueryResult<Option<String>> {
    satisfaction_ratings::table
        .find(id.0)
        .select(satisfaction_ratings::comment)
        .first(conn)
        .optional()
}

pub fn set_rating(
    conn: &mut PgConnection,
    id: RequestId,
    comment: &str,
    rated_by: UserId,
) -> QueryResult<usize> {
    diesel::update(satisfaction_ratings::table.find(id.0))
        .set((
            satisfaction_ratings::comment.eq(comment),
            satisfaction_ratings::rated_by.eq(Some(rated_by)),
        ))
        .execute(conn)
}

pub fn attachment_names(conn: &mut PgConnection, id: RequestId) -> QueryResult<Vec<(i64, String)>> {
    attachments::table
        .filter(attachments::request_id.eq(id))
        .select((attachments::id, attachments::filename))
        .load(conn)
}

pub fn rename_attachment(conn: &mut PgConnection, id: i64, name: &str) -> QueryResult<usize> {
    diesel::update(attachments::table.find(id))
        .set(attachments::filename.eq(name))
        .execute(conn)
}

/// The request's attachments uploaded by `from` become `to`'s.
pub fn hand_over_uploads(
    conn: &mut PgConnection,
    id: RequestId,
    from: UserId,
    to: UserId,
) -> QueryResult<usize> {
    diesel::update(
        attachments::table
            .filter(attachments::request_id.eq(id))
            .filter(attachments::uploader_id.eq(from)),
    )
    .set(attachments::uploader_id.eq(to))
    .execute(conn)
}

pub fn approval_comments(
    conn: &mut PgConnection,
    id: RequestId,
) -> QueryResult<Vec<(i64, String)>> {
    request_approvals::table
        .filter(request_approvals::request_id.eq(id))
        .select((request_approvals::id, request_approvals::comment))
        .load(conn)
}

pub fn set_approval_comment(conn: &mut PgConnection, id: i64, comment: &str) -> QueryResult<usize> {
    diesel::update(request_approvals::table.find(id))
        .set(request_approvals::comment.eq(comment))
        .execute(conn)
}

/// A received message of the request, as anonymization rewrites it.
#[derive(Queryable)]
pub struct Received {
    pub id: i64,
    pub sender: String,
    pub subject: String,
    pub detail: String,
    pub full_text: String,
    pub content_hash: String,
}

pub fn received(conn: &mut PgConnection, id: RequestId) -> QueryResult<Vec<Received>> {
    inbound_messages::table
        .filter(inbound_messages::request_id.eq(id))
        .select((
            inbound_messages::id,
            inbound_messages::sender,
            inbound_messages::subject,
            inbound_messages::detail,
            inbound_messages::full_text,
            inbound_messages::content_hash,
        ))
        .load(conn)
}

/// Rewrites a received message's texts and detaches it from its sender's account.
pub fn set_received(conn: &mut PgConnection, m: &Received) -> QueryResult<usize> {
    diesel::update(inbound_messages::table.find(m.id))
        .set((
            inbound_messages::sender.eq(&m.sender),
            inbound_messages::subject.eq(&m.subject),
            inbound_messages::detail.eq(&m.detail),
            inbound_messages::full_text.eq(&m.full_text),
            inbound_messages::user_id.eq(None::<UserId>),
        ))
        .execute(conn)
}

/// Sent (or failed) mail of the request keeps its delivery (when, which template), not its
/// contents; what was addressed to `requester` is addressed to the anonymous account.
pub fn forget_sent_mail(
    conn: &mut PgConnection,
    id: RequestId,
    requester: UserId,
    anonymous: UserId,
    anonymous_email: &str,
) -> QueryResult<usize> {
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
        outbox::recipient.eq(anonymous_email),
        outbox::recipient_id.eq(anonymous),
    ))
    .execute(conn)
}

pub fn drop_watchers(conn: &mut PgConnection, id: RequestId) -> QueryResult<usize> {
    diesel::delete(request_watchers::table.filter(request_watchers::request_id.eq(id)))
        .execute(conn)
}

/// The request's own texts, rewritten, and its requester the anonymous account, as of `now`.
pub fn set_anonymized(
    conn: &mut PgConnection,
    id: RequestId,
    r: &Anonymizable,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::title.eq(&r.title),
            requests::description.eq(&r.description),
            requests::fields.eq(&r.fields),
            requests::requester_id.eq(r.requester),
            requests::anonymized_at.eq(now),
        ))
        .execute(conn)
}

// --- the privacy report ---

/// Active people holding a role.
#[derive(QueryableByName)]
pub struct RoleCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub role: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// How much personal information the installation holds.
#[derive(QueryableByName)]
pub struct Volumes {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub people: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub requests: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub anonymized: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub files: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub trail: i64,
}

pub fn active_people_by_role(conn: &mut PgConnection) -> QueryResult<Vec<(String, i64)>> {
    Ok(diesel::sql_query(
        "SELECT role, count(DISTINCT user_id) AS n FROM user_roles r JOIN users u ON u.id = r.user_id
          WHERE u.active GROUP BY role ORDER BY role",
    )
    .load::<RoleCount>(conn)?
    .into_iter()
    .map(|r| (r.role, r.n))
    .collect())
}

pub fn volumes(conn: &mut PgConnection) -> QueryResult<Volumes> {
    diesel::sql_query(
        "SELECT (SELECT count(*) FROM users WHERE active) AS people,
                (SELECT count(*) FROM requests) AS requests,
                (SELECT count(*) FROM requests WHERE anonymized_at IS NOT NULL) AS anonymized,
                (SELECT count(*) FROM attachments WHERE purged_at IS NULL) AS files,
                (SELECT count(*) FROM audit_log) AS trail",
    )
    .get_result(conn)
}

// --- the data-subject export ---

#[derive(QueryableByName)]
struct Section {
    #[diesel(sql_type = Jsonb)]
    rows: Value,
}

#[derive(QueryableByName)]
pub struct FileRow {
    #[diesel(sql_type = BigInt)]
    pub number: i64,
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub filename: String,
    #[diesel(sql_type = Text)]
    pub sha256: String,
}

/// One section of the export: `sql` (one of `export::SECTIONS`) gives a JSON array; `$1` is the
/// person.
pub fn export_section(conn: &mut PgConnection, sql: &str, person: UserId) -> QueryResult<Value> {
    let s: Section = diesel::sql_query(format!("SELECT ({sql}) AS rows"))
        .bind::<BigInt, _>(person.0)
        .get_result(conn)?;
    Ok(s.rows)
}

/// The files a person attached (and that are still kept), with their request's number.
pub fn export_files(conn: &mut PgConnection, person: UserId) -> QueryResult<Vec<FileRow>> {
    diesel::sql_query(
        "SELECT r.number, a.id, a.filename, a.sha256 FROM attachments a JOIN requests r ON r.id = a.request_id
          WHERE a.uploader_id = $1 AND a.purged_at IS NULL ORDER BY a.id",
    )
    .bind::<BigInt, _>(person.0)
    .load(conn)
}

// --- the register of confidentiality incidents ---

/// A declaration: number, date, declarant, status (fr, en), title, form answers.
pub type RegisterRow = (i64, DateTime<Utc>, String, String, String, String, Value);

/// The declarations of the register's category, by number.
pub fn incident_register(conn: &mut PgConnection, category: &str) -> QueryResult<Vec<RegisterRow>> {
    use crate::db::schema::workflow_states as ws;
    requests::table
        .inner_join(users::table.on(users::id.eq(requests::requester_id)))
        .inner_join(categories::table)
        .inner_join(
            ws::table.on(ws::workflow_id
                .eq(requests::workflow_id)
                .and(ws::code.eq(requests::status))),
        )
        .filter(categories::code.eq(category))
        .select((
            requests::number,
            requests::created_at,
            users::display_name,
            ws::label_fr,
            ws::label_en,
            requests::title,
            requests::fields,
        ))
        .order(requests::number)
        .load(conn)
}
