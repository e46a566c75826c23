//! All SQL about requests. Visibility comes from `access::RequestScope::filter`.

use super::model::*;
use crate::db::schema::{attachments, request_events, request_watchers, requests};
use crate::db::{AttachmentId, EventId, RequestId, TeamId, UnitId, UserId};
use crate::requests::access::RequestScope;
use crate::users::model::Domain;
use crate::workflow::StateKind;
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

pub fn insert(conn: &mut PgConnection, r: &NewRequest) -> QueryResult<Request> {
    diesel::insert_into(requests::table)
        .values(r)
        .returning(Request::as_returning())
        .get_result(conn)
}

/// The transaction's time (`now()`), which a request created in it carries.
pub fn transaction_time(conn: &mut PgConnection) -> QueryResult<DateTime<Utc>> {
    diesel::select(sql::<diesel::sql_types::Timestamptz>("now()")).get_result(conn)
}

/// A new request created at `at` with its SLA clocks already computed: one statement.
pub fn insert_started(
    conn: &mut PgConnection,
    r: &NewRequest,
    at: DateTime<Utc>,
    clocks: Option<&StartingClocks>,
) -> QueryResult<Request> {
    diesel::insert_into(requests::table)
        .values((r, requests::created_at.eq(at), clocks))
        .returning(Request::as_returning())
        .get_result(conn)
}

/// The request with that number, locked for update within the caller's transaction.
pub fn by_number_for_update(conn: &mut PgConnection, number: i64) -> QueryResult<Request> {
    requests::table
        .filter(requests::number.eq(number))
        .for_update()
        .select(Request::as_select())
        .first(conn)
}

pub fn number_of(conn: &mut PgConnection, id: RequestId) -> QueryResult<i64> {
    requests::table
        .find(id)
        .select(requests::number)
        .first(conn)
}

/// A request's number as people read it (`DS-000123`).
pub fn label_of(conn: &mut PgConnection, id: RequestId) -> QueryResult<String> {
    Ok(RequestNumber(number_of(conn, id)?).to_string())
}

pub fn by_number(conn: &mut PgConnection, number: i64) -> QueryResult<Request> {
    requests::table
        .filter(requests::number.eq(number))
        .select(Request::as_select())
        .first(conn)
}

pub fn is_watcher(conn: &mut PgConnection, request: RequestId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        request_watchers::table
            .filter(request_watchers::request_id.eq(request))
            .filter(request_watchers::user_id.eq(user)),
    ))
    .get_result(conn)
}

/// Whether one of these groups is (or was) asked to approve the request.
pub fn is_group_approver(
    conn: &mut PgConnection,
    request: RequestId,
    groups: &[crate::db::GroupId],
) -> QueryResult<bool> {
    if groups.is_empty() {
        return Ok(false);
    }
    use crate::db::schema::request_approvals;
    diesel::select(diesel::dsl::exists(
        request_approvals::table
            .filter(request_approvals::request_id.eq(request))
            .filter(request_approvals::group_id.eq_any(groups)),
    ))
    .get_result(conn)
}

pub fn add_watcher(
    conn: &mut PgConnection,
    request: RequestId,
    user: UserId,
) -> QueryResult<usize> {
    diesel::insert_into(request_watchers::table)
        .values((
            request_watchers::request_id.eq(request),
            request_watchers::user_id.eq(user),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

pub fn insert_event(conn: &mut PgConnection, e: &NewEvent) -> QueryResult<Event> {
    diesel::insert_into(request_events::table)
        .values(e)
        .returning(Event::as_returning())
        .get_result(conn)
}

pub fn events(
    conn: &mut PgConnection,
    request: RequestId,
    include_internal: bool,
) -> QueryResult<Vec<Event>> {
    let mut q = request_events::table
        .filter(request_events::request_id.eq(request))
        .order(request_events::id)
        .select(Event::as_select())
        .into_boxed();
    if !include_internal {
        q = q.filter(request_events::internal.eq(false));
    }
    q.load(conn)
}

pub fn touch(conn: &mut PgConnection, id: RequestId) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set(requests::updated_at.eq(diesel::dsl::now))
        .execute(conn)
}

pub fn set_first_response(conn: &mut PgConnection, id: RequestId) -> QueryResult<usize> {
    diesel::update(
        requests::table
            .find(id)
            .filter(requests::first_response_at.is_null()),
    )
    .set(requests::first_response_at.eq(diesel::dsl::now))
    .execute(conn)
}

pub fn set_status(
    conn: &mut PgConnection,
    id: RequestId,
    status: &str,
    kind: StateKind,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::status.eq(status),
            requests::status_kind.eq(kind),
            requests::resolved_at.eq(resolved_at),
            requests::closed_at.eq(closed_at),
            requests::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn set_assignment(
    conn: &mut PgConnection,
    id: RequestId,
    team: Option<TeamId>,
    assignee: Option<UserId>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::team_id.eq(team),
            requests::assignee_id.eq(assignee),
            requests::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn insert_attachment(conn: &mut PgConnection, a: &NewAttachment) -> QueryResult<Attachment> {
    diesel::insert_into(attachments::table)
        .values(a)
        .returning(Attachment::as_returning())
        .get_result(conn)
}

pub fn attachments_of(conn: &mut PgConnection, request: RequestId) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::request_id.eq(request))
        .order(attachments::id)
        .select(Attachment::as_select())
        .load(conn)
}

pub fn attachment(conn: &mut PgConnection, id: AttachmentId) -> QueryResult<Attachment> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
}

pub fn event(conn: &mut PgConnection, id: EventId) -> QueryResult<Event> {
    request_events::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
}

// --- lists ---

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Updated,
    Priority,
    /// Resolution due date, soonest first; requests without one last.
    Due,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "newest" => Some(Sort::Newest),
            "oldest" => Some(Sort::Oldest),
            "updated" => Some(Sort::Updated),
            "priority" => Some(Sort::Priority),
            "due" => Some(Sort::Due),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Updated => "updated",
            Sort::Priority => "priority",
            Sort::Due => "due",
        }
    }
}

/// Where the previous page stopped: the sort key and the id of its last row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusFilter {
    /// Not resolved, closed or cancelled.
    Open,
    All,
    /// A state code, in whichever workflow.
    Is(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Nobody,
    Person(UserId),
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub status: Option<StatusFilter>,
    pub domain: Option<Domain>,
    pub team: Option<TeamId>,
    pub assignee: Option<AssigneeFilter>,
    pub unit: Option<UnitId>,
    pub requester: Option<UserId>,
    pub priority: Option<super::model::Priority>,
    pub text: Option<String>,
    pub number: Option<i64>,
    /// Requests linked to this asset.
    pub asset: Option<crate::db::AssetId>,
    pub category: Option<crate::db::CategoryId>,
    pub kind: Option<StateKind>,
    /// Open, clock running, past a due time (the dashboards' breaches in progress).
    pub breached: bool,
    pub created_since: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    pub resolved_since: Option<DateTime<Utc>>,
    pub resolved_before: Option<DateTime<Utc>>,
    pub sort: Sort,
    pub cursor: Option<Cursor>,
    pub limit: i64,
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn from_micros(m: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp_micros(m).unwrap_or_default()
}

type Listed<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::Filter<
        diesel::dsl::Select<requests::table, diesel::dsl::AsSelect<Request, diesel::pg::Pg>>,
        Box<dyn BoxableExpression<requests::table, diesel::pg::Pg, SqlType = Bool>>,
    >,
    diesel::pg::Pg,
>;

/// A text search sorted newest first reads this many of the newest requests by date before
/// anything else: a common word (« projecteur ») fills the page from them, however many match
/// in the whole history, whatever PostgreSQL estimates (left to choose, it sometimes read the
/// 62,000 matches of the text index to keep 51: 200 ms instead of 10).
const SEARCH_WINDOW: i64 = 5_000;

/// One page of the requests visible in `scope`, plus the cursor of the next page.
pub fn list(
    conn: &mut PgConnection,
    scope: &RequestScope,
    q: &ListQuery,
) -> QueryResult<(Vec<Request>, Option<Cursor>)> {
    let want = q.limit + 1;
    let mut rows = if q.text.is_some() && q.sort == Sort::Newest {
        newest_matches(conn, scope, q, want)?
    } else {
        filtered(scope, q, text_match).limit(want).load(conn)?
    };
    let next = if rows.len() as i64 > q.limit {
        rows.truncate(q.limit as usize);
        rows.last().map(|r| Cursor {
            key: match q.sort {
                Sort::Newest | Sort::Oldest => micros(r.created_at),
                Sort::Updated => micros(r.updated_at),
                Sort::Priority => r.priority_rank as i64,
                Sort::Due => r.resolution_due.map(micros).unwrap_or(i64::MAX),
            },
            id: r.id.0,
        })
    } else {
        None
    };
    Ok((rows, next))
}

/// The first `want` matches of a text search, newest first: among the `SEARCH_WINDOW` newest
/// requests (after the cursor) read by date; then, if the page is not full, among the older
/// ones — still by date when the word was common in the window (one request in a hundred or
/// more: the page fills soon), through the text index when it was rare (few matches to sort).
fn newest_matches(
    conn: &mut PgConnection,
    scope: &RequestScope,
    q: &ListQuery,
    want: i64,
) -> QueryResult<Vec<Request>> {
    let mut edge = requests::table
        .select(requests::created_at)
        .order(requests::created_at.desc())
        .offset(SEARCH_WINDOW)
        .limit(1)
        .into_boxed();
    if let Some(c) = q.cursor {
        edge = edge.filter(requests::created_at.le(from_micros(c.key)));
    }
    let Some(edge) = edge.first::<DateTime<Utc>>(conn).optional()? else {
        return filtered(scope, q, text_match_by_date)
            .limit(want)
            .load(conn);
    };
    let mut rows: Vec<Request> = filtered(scope, q, text_match_by_date)
        .filter(requests::created_at.ge(edge))
        .limit(want)
        .load(conn)?;
    let got = rows.len() as i64;
    if got < want {
        let common = got * 100 >= SEARCH_WINDOW;
        let text: TextMatch = if common {
            text_match_by_date
        } else {
            text_match
        };
        rows.extend(
            filtered(scope, q, text)
                .filter(requests::created_at.lt(edge))
                .limit(want - got)
                .load::<Request>(conn)?,
        );
    }
    Ok(rows)
}

type TextMatch =
    fn(&str) -> Box<dyn BoxableExpression<requests::table, diesel::pg::Pg, SqlType = Bool>>;

/// The requests of `scope` that `q` asks for, in its order (without the page's limit); `text`
/// builds the condition of the text searched.
fn filtered<'a>(scope: &RequestScope, q: &'a ListQuery, text: TextMatch) -> Listed<'a> {
    let mut query = requests::table
        .select(Request::as_select())
        .filter(scope.filter())
        .into_boxed();
    match &q.status {
        Some(StatusFilter::Open) => {
            let open: Vec<StateKind> = StateKind::ALL
                .iter()
                .copied()
                .filter(|k| k.is_open())
                .collect();
            query = query.filter(requests::status_kind.eq_any(open))
        }
        Some(StatusFilter::Is(s)) => query = query.filter(requests::status.eq(s.clone())),
        Some(StatusFilter::All) | None => {}
    }
    if let Some(d) = q.domain {
        query = query.filter(requests::domain.eq(d));
    }
    if let Some(t) = q.team {
        query = query.filter(requests::team_id.eq(t));
    }
    match q.assignee {
        Some(AssigneeFilter::Nobody) => query = query.filter(requests::assignee_id.is_null()),
        Some(AssigneeFilter::Person(p)) => query = query.filter(requests::assignee_id.eq(p)),
        None => {}
    }
    if let Some(u) = q.unit {
        query = query.filter(requests::unit_id.eq(u));
    }
    if let Some(r) = q.requester {
        query = query.filter(requests::requester_id.eq(r));
    }
    if let Some(a) = q.asset {
        use crate::db::schema::request_assets;
        query = query.filter(diesel::dsl::exists(
            request_assets::table
                .filter(request_assets::request_id.eq(requests::id))
                .filter(request_assets::asset_id.eq(a)),
        ));
    }
    if let Some(p) = q.priority {
        query = query.filter(requests::priority.eq(p));
    }
    if let Some(c) = q.category {
        query = query.filter(requests::category_id.eq(c));
    }
    if let Some(k) = q.kind {
        query = query.filter(requests::status_kind.eq(k));
    }
    if q.breached {
        let open: Vec<StateKind> = StateKind::ALL
            .iter()
            .copied()
            .filter(|k| k.is_open())
            .collect();
        let now = Utc::now();
        query = query
            .filter(requests::status_kind.eq_any(open))
            .filter(requests::sla_paused_since.is_null())
            .filter(
                requests::resolution_due
                    .lt(now)
                    .or(requests::first_response_at
                        .is_null()
                        .and(requests::first_response_due.lt(now))),
            );
    }
    if let Some(t) = q.created_since {
        query = query.filter(requests::created_at.ge(t));
    }
    if let Some(t) = q.created_before {
        query = query.filter(requests::created_at.lt(t));
    }
    if let Some(t) = q.resolved_since {
        query = query.filter(requests::resolved_at.ge(t));
    }
    if let Some(t) = q.resolved_before {
        query = query.filter(requests::resolved_at.lt(t));
    }
    match (&q.text, q.number) {
        (Some(t), Some(n)) => {
            query = query.filter(requests::number.eq(n).or(text_match(t)));
        }
        (Some(t), None) => query = query.filter(text(t)),
        (None, Some(n)) => query = query.filter(requests::number.eq(n)),
        (None, None) => {}
    }
    if let Some(c) = q.cursor {
        query = match q.sort {
            Sort::Newest => query.filter(
                requests::created_at
                    .lt(from_micros(c.key))
                    .or(requests::created_at
                        .eq(from_micros(c.key))
                        .and(requests::id.lt(RequestId(c.id)))),
            ),
            Sort::Oldest => query.filter(
                requests::created_at
                    .gt(from_micros(c.key))
                    .or(requests::created_at
                        .eq(from_micros(c.key))
                        .and(requests::id.gt(RequestId(c.id)))),
            ),
            Sort::Updated => query.filter(
                requests::updated_at
                    .lt(from_micros(c.key))
                    .or(requests::updated_at
                        .eq(from_micros(c.key))
                        .and(requests::id.lt(RequestId(c.id)))),
            ),
            Sort::Priority => query.filter(
                requests::priority_rank
                    .lt(c.key as i16)
                    .or(requests::priority_rank
                        .eq(c.key as i16)
                        .and(requests::id.gt(RequestId(c.id)))),
            ),
            // No due date sorts last: the cursor key i64::MAX stands for it.
            Sort::Due if c.key == i64::MAX => query.filter(
                requests::resolution_due
                    .is_null()
                    .and(requests::id.gt(RequestId(c.id))),
            ),
            Sort::Due => query.filter(
                requests::resolution_due
                    .gt(from_micros(c.key))
                    .or(requests::resolution_due
                        .eq(from_micros(c.key))
                        .and(requests::id.gt(RequestId(c.id))))
                    .or(requests::resolution_due.is_null()),
            ),
        };
    }
    query = match q.sort {
        Sort::Newest => query.order((requests::created_at.desc(), requests::id.desc())),
        Sort::Oldest => query.order((requests::created_at.asc(), requests::id.asc())),
        Sort::Updated => query.order((requests::updated_at.desc(), requests::id.desc())),
        Sort::Priority => query.order((requests::priority_rank.desc(), requests::id.asc())),
        Sort::Due => query.order((
            requests::resolution_due.asc().nulls_last(),
            requests::id.asc(),
        )),
    };
    query
}

/// Full-text match in French and English, accents ignored.
fn text_match(
    text: &str,
) -> Box<dyn BoxableExpression<requests::table, diesel::pg::Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>("requests.search @@ (websearch_to_tsquery('guichet_fr', ")
            .bind::<Text, _>(text.to_string())
            .sql(") || websearch_to_tsquery('guichet_en', ")
            .bind::<Text, _>(text.to_string())
            .sql("))"),
    )
}

/// The same match through the function behind `@@`, which the text index cannot serve: the
/// newest requests are then read by date and tested one by one, the cheap way when the page
/// fills among them.
fn text_match_by_date(
    text: &str,
) -> Box<dyn BoxableExpression<requests::table, diesel::pg::Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>("ts_match_vq(requests.search, websearch_to_tsquery('guichet_fr', ")
            .bind::<Text, _>(text.to_string())
            .sql(") || websearch_to_tsquery('guichet_en', ")
            .bind::<Text, _>(text.to_string())
            .sql("))"),
    )
}

pub fn remove_watcher(
    conn: &mut PgConnection,
    request: RequestId,
    user: UserId,
) -> QueryResult<usize> {
    diesel::delete(
        request_watchers::table
            .filter(request_watchers::request_id.eq(request))
            .filter(request_watchers::user_id.eq(user)),
    )
    .execute(conn)
}

pub fn watchers(conn: &mut PgConnection, request: RequestId) -> QueryResult<Vec<UserId>> {
    request_watchers::table
        .filter(request_watchers::request_id.eq(request))
        .select(request_watchers::user_id)
        .load(conn)
}

pub fn set_priority(
    conn: &mut PgConnection,
    id: RequestId,
    priority: super::model::Priority,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::priority.eq(priority),
            requests::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn by_id(conn: &mut PgConnection, id: RequestId) -> QueryResult<Request> {
    requests::table
        .find(id)
        .select(Request::as_select())
        .first(conn)
}

/// What the access rule needs of a request's category: whether it is confidential, and the group
/// that approves it.
pub fn category_access(
    conn: &mut PgConnection,
    id: crate::db::CategoryId,
) -> QueryResult<(bool, Option<crate::db::GroupId>)> {
    crate::db::schema::categories::table
        .find(id)
        .select((
            crate::db::schema::categories::confidential,
            crate::db::schema::categories::approval_group_id,
        ))
        .first(conn)
}

/// The requests with these ids.
pub fn by_ids(conn: &mut PgConnection, ids: &[RequestId]) -> QueryResult<Vec<Request>> {
    requests::table
        .filter(requests::id.eq_any(ids))
        .select(Request::as_select())
        .load(conn)
}

/// Replaces a request's form values.
pub fn set_fields(
    conn: &mut PgConnection,
    id: RequestId,
    fields: serde_json::Value,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::fields.eq(fields),
            requests::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

/// The requests an SLA policy applies to.
pub fn with_sla_policy(conn: &mut PgConnection) -> QueryResult<Vec<Request>> {
    requests::table
        .filter(requests::sla_policy_id.is_not_null())
        .select(Request::as_select())
        .load(conn)
}
