//! All SQL of loans. Booked periods are PostgreSQL ranges (`tstzrange`, half-open), written and
//! read here only.

use super::model::*;
use crate::db::schema::{loan_events, loans};
use crate::db::{AssetId, AssetModelId, LoanId, UnitId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};

/// The items holding their asset during `[FROM, TO)` (`asset_id`, `loan_id`, and the part `f`–`t`
/// of that range they hold): booked periods overlapping it (an index search on the range), and
/// items out past their return date, which hold their asset until it comes back.
macro_rules! held_items {
    ($cond:literal, $from:literal, $to:literal) => {
        concat!(
            "SELECT i.asset_id, i.loan_id, greatest(lower(i.period), ",
            $from,
            ") AS f,
                    least(upper(i.period), ",
            $to,
            ") AS t
               FROM loan_items i
              WHERE i.active AND ",
            $cond,
            " AND i.period && tstzrange(",
            $from,
            ", ",
            $to,
            ", '[)')
                AND NOT (i.checked_out_at IS NOT NULL AND upper(i.period) < now())
             UNION ALL
             SELECT i.asset_id, i.loan_id, greatest(lower(i.period), ",
            $from,
            "), ",
            $to,
            "
               FROM loan_items i
              WHERE i.active AND ",
            $cond,
            " AND i.checked_out_at IS NOT NULL
                AND upper(i.period) < now() AND lower(i.period) < ",
            $to
        )
    };
}

pub fn insert(conn: &mut PgConnection, l: &NewLoan) -> QueryResult<Loan> {
    diesel::insert_into(loans::table)
        .values(l)
        .returning(Loan::as_returning())
        .get_result(conn)
}

pub fn find(conn: &mut PgConnection, id: LoanId) -> QueryResult<Loan> {
    loans::table.find(id).select(Loan::as_select()).first(conn)
}

pub fn find_for_update(conn: &mut PgConnection, id: LoanId) -> QueryResult<Loan> {
    loans::table
        .find(id)
        .for_update()
        .select(Loan::as_select())
        .first(conn)
}

pub fn insert_event(conn: &mut PgConnection, e: &NewLoanEvent) -> QueryResult<usize> {
    diesel::insert_into(loan_events::table)
        .values(e)
        .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = loan_events)]
pub struct LoanEvent {
    pub id: i64,
    pub kind: LoanEventKind,
    pub actor_id: Option<UserId>,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

pub fn events(conn: &mut PgConnection, loan: LoanId) -> QueryResult<Vec<LoanEvent>> {
    loan_events::table
        .filter(loan_events::loan_id.eq(loan))
        .order(loan_events::id.desc())
        .select(LoanEvent::as_select())
        .load(conn)
}

/// Sets the status and the columns that go with it.
pub fn set_status(conn: &mut PgConnection, id: LoanId, status: LoanStatus) -> QueryResult<usize> {
    diesel::update(loans::table.find(id))
        .set((
            loans::status.eq(status),
            loans::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn set_decision(
    conn: &mut PgConnection,
    id: LoanId,
    status: LoanStatus,
    by: UserId,
    note: &str,
) -> QueryResult<usize> {
    diesel::update(loans::table.find(id))
        .set((
            loans::status.eq(status),
            loans::decided_by.eq(by),
            loans::decided_at.eq(diesel::dsl::now),
            loans::decision_note.eq(note),
            loans::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn set_acknowledged(
    conn: &mut PgConnection,
    id: LoanId,
    by: UserId,
    ip: Option<&str>,
    conditions: &str,
) -> QueryResult<usize> {
    diesel::update(loans::table.find(id))
        .set((
            loans::acknowledged_at.eq(diesel::dsl::now),
            loans::acknowledged_by.eq(by),
            loans::acknowledged_ip.eq(ip),
            loans::conditions.eq(conditions),
        ))
        .execute(conn)
}

pub fn set_checked_out(conn: &mut PgConnection, id: LoanId, by: UserId) -> QueryResult<usize> {
    diesel::update(loans::table.find(id))
        .set((
            loans::status.eq(LoanStatus::CheckedOut),
            loans::checked_out_at.eq(diesel::dsl::now),
            loans::checked_out_by.eq(by),
            loans::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn set_returned(conn: &mut PgConnection, id: LoanId) -> QueryResult<usize> {
    diesel::update(loans::table.find(id))
        .set((
            loans::status.eq(LoanStatus::Returned),
            loans::returned_at.eq(diesel::dsl::now),
            loans::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn set_due(conn: &mut PgConnection, id: LoanId, due: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(loans::table.find(id))
        .set((
            loans::due_at.eq(due),
            // A new due date earns a new reminder.
            loans::reminded_at.eq(None::<DateTime<Utc>>),
            loans::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

// --- items ---

/// Books an asset for `[from, to)` for a loan. PostgreSQL refuses an overlap with another active
/// booking of the same asset (`loan_items_no_double_booking`).
pub fn insert_item(
    conn: &mut PgConnection,
    loan: LoanId,
    asset: AssetId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    checked_out: bool,
) -> QueryResult<usize> {
    diesel::sql_query(
        "INSERT INTO loan_items (loan_id, asset_id, period, checked_out_at)
         VALUES ($1, $2, tstzrange($3, $4, '[)'), CASE WHEN $5 THEN now() END)",
    )
    .bind::<BigInt, _>(loan.0)
    .bind::<BigInt, _>(asset.0)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .bind::<Bool, _>(checked_out)
    .execute(conn)
}

/// Moves the period of a loan's active items: a new start (checkout earlier than booked) and/or a
/// new end (extension).
pub fn set_items_period(
    conn: &mut PgConnection,
    loan: LoanId,
    from: Option<DateTime<Utc>>,
    to: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE loan_items SET period = tstzrange(coalesce($2, lower(period)), $3, '[)')
          WHERE loan_id = $1 AND active",
    )
    .bind::<BigInt, _>(loan.0)
    .bind::<Nullable<Timestamptz>, _>(from)
    .bind::<Timestamptz, _>(to)
    .execute(conn)
}

/// Whether an asset is booked or out at some time during `[from, to)` (other than for `except`).
pub fn asset_busy(
    conn: &mut PgConnection,
    asset: AssetId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Busy {
        #[diesel(sql_type = Bool)]
        busy: bool,
    }
    diesel::sql_query(concat!(
        "SELECT EXISTS (",
        held_items!("i.asset_id = $1", "$2", "$3"),
        ") AS busy"
    ))
    .bind::<BigInt, _>(asset.0)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .get_result::<Busy>(conn)
    .map(|b| b.busy)
}

/// Marks the loan's booked (not yet handed over) items as handed over now.
pub fn check_out_items(conn: &mut PgConnection, loan: LoanId) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE loan_items SET checked_out_at = now() WHERE loan_id = $1 AND active AND checked_out_at IS NULL",
    )
    .bind::<BigInt, _>(loan.0)
    .execute(conn)
}

/// Frees every active item of a loan (cancelled or refused).
pub fn release_items(conn: &mut PgConnection, loan: LoanId) -> QueryResult<usize> {
    diesel::sql_query("UPDATE loan_items SET active = FALSE WHERE loan_id = $1 AND active")
        .bind::<BigInt, _>(loan.0)
        .execute(conn)
}

/// Records the return of one item; the asset is free from now on.
pub fn return_item(
    conn: &mut PgConnection,
    item: i64,
    condition: Condition,
    note: &str,
    borrower_agreed: bool,
) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE loan_items SET active = FALSE, returned_at = now(), condition = $2, condition_note = $3,
                borrower_agreed = $4,
                period = CASE WHEN upper(period) > now() AND lower(period) < now()
                              THEN tstzrange(lower(period), now(), '[)') ELSE period END
          WHERE id = $1",
    )
    .bind::<BigInt, _>(item)
    .bind::<Text, _>(condition.code())
    .bind::<Text, _>(note)
    .bind::<Bool, _>(borrower_agreed)
    .execute(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct ItemRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub asset_id: i64,
    #[diesel(sql_type = Text)]
    pub tag: String,
    #[diesel(sql_type = BigInt)]
    pub model_id: i64,
    #[diesel(sql_type = Text)]
    pub model: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Timestamptz)]
    pub from: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub to: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    pub active: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub checked_out_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub returned_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub condition: Option<String>,
    #[diesel(sql_type = Text)]
    pub condition_note: String,
}

pub fn items(conn: &mut PgConnection, loan: LoanId) -> QueryResult<Vec<ItemRow>> {
    diesel::sql_query(
        "SELECT i.id, i.asset_id, a.tag, a.model_id, m.maker || ' ' || m.name AS model, a.status,
                lower(i.period) AS \"from\", upper(i.period) AS \"to\", i.active, i.checked_out_at,
                i.returned_at, i.condition, i.condition_note
           FROM loan_items i JOIN assets a ON a.id = i.asset_id JOIN asset_models m ON m.id = a.model_id
          WHERE i.loan_id = $1 ORDER BY a.tag",
    )
    .bind::<BigInt, _>(loan.0)
    .load(conn)
}

// --- pools ---

/// Serializes bookings of one pool (a model at a lending unit) until the transaction ends.
pub fn lock_pool(conn: &mut PgConnection, unit: UnitId, model: AssetModelId) -> QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1::int4, $2::int4)")
        .bind::<BigInt, _>(unit.0)
        .bind::<BigInt, _>(model.0)
        .execute(conn)
        .map(|_| ())
}

/// How many assets of the pool can be lent: loanable, in stock or already out on loan.
pub fn pool_capacity(
    conn: &mut PgConnection,
    unit: UnitId,
    model: AssetModelId,
) -> QueryResult<i64> {
    use crate::db::schema::assets;
    assets::table
        .filter(assets::unit_id.eq(unit))
        .filter(assets::model_id.eq(model))
        .filter(assets::loanable)
        .filter(assets::status.eq_any(["in_stock", "on_loan"]))
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Booking {
    #[diesel(sql_type = Timestamptz)]
    pub from: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub to: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub quantity: i64,
    /// The asset, for bookings of a specific asset.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub asset_id: Option<i64>,
}

/// What holds the pool during `[from, to)`: quantities booked but not handed over yet, and the
/// pool's assets booked or out (except the loan `except`).
pub fn pool_bookings(
    conn: &mut PgConnection,
    unit: UnitId,
    model: AssetModelId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    except: Option<LoanId>,
) -> QueryResult<Vec<Booking>> {
    diesel::sql_query(concat!(
        "SELECT starts_at AS \"from\", due_at AS \"to\", quantity::int8 AS quantity, NULL::int8 AS asset_id
           FROM loans
          WHERE lending_unit_id = $1 AND model_id = $2 AND status IN ('requested', 'approved')
            AND starts_at < $4 AND due_at > $3 AND id IS DISTINCT FROM $5
         UNION ALL
         SELECT f, t, 1, asset_id FROM (",
        held_items!(
            "i.asset_id IN (SELECT id FROM assets WHERE unit_id = $1 AND model_id = $2)",
            "$3",
            "$4"
        ),
        ") held WHERE loan_id IS DISTINCT FROM $5"
    ))
    .bind::<BigInt, _>(unit.0)
    .bind::<BigInt, _>(model.0)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .bind::<Nullable<BigInt>, _>(except.map(|l| l.0))
    .load(conn)
}

/// Quantities of the pool booked but not handed over yet during `[from, to)`.
pub fn pool_quantities(
    conn: &mut PgConnection,
    unit: UnitId,
    model: AssetModelId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<Booking>> {
    diesel::sql_query(
        "SELECT starts_at AS \"from\", due_at AS \"to\", quantity::int8 AS quantity, NULL::int8 AS asset_id
           FROM loans
          WHERE lending_unit_id = $1 AND model_id = $2 AND status IN ('requested', 'approved')
            AND starts_at < $4 AND due_at > $3",
    )
    .bind::<BigInt, _>(unit.0)
    .bind::<BigInt, _>(model.0)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .load(conn)
}

/// The pool's loanable assets (for availability by asset), by inventory number.
pub fn pool_assets(
    conn: &mut PgConnection,
    unit: Option<UnitId>,
    model: AssetModelId,
) -> QueryResult<Vec<(AssetId, String, UnitId)>> {
    use crate::db::schema::assets;
    let mut q = assets::table
        .filter(assets::model_id.eq(model))
        .filter(assets::loanable)
        .filter(assets::status.eq_any(["in_stock", "on_loan"]))
        .select((assets::id, assets::tag, assets::unit_id))
        .order(assets::tag)
        .into_boxed();
    if let Some(u) = unit {
        q = q.filter(assets::unit_id.eq(u));
    }
    q.load(conn)
}

/// Bookings overlapping `[from, to)` of the given assets (a pool's, from [`pool_assets`]).
///
/// Two shapes of the same query: a few assets are probed one by one in the no-double-booking
/// index; many (a pool of 500 Chromebooks) are found by reading the period index once and keeping
/// theirs (`asset_id + 0` keeps PostgreSQL from probing 500 times, which its generic plan
/// would otherwise choose: 11 ms against 4 ms at 20,000 loans).
pub fn assets_bookings(
    conn: &mut PgConnection,
    assets: &[AssetId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<Booking>> {
    const FEW: usize = 32;
    let ids: Vec<i64> = assets.iter().map(|a| a.0).collect();
    let sql = if ids.len() <= FEW {
        concat!(
            "SELECT f AS \"from\", t AS \"to\", 1::int8 AS quantity, asset_id FROM (",
            held_items!("i.asset_id = ANY($1)", "$2", "$3"),
            ") held"
        )
    } else {
        concat!(
            "SELECT f AS \"from\", t AS \"to\", 1::int8 AS quantity, asset_id FROM (",
            held_items!("(i.asset_id + 0) = ANY($1)", "$2", "$3"),
            ") held"
        )
    };
    diesel::sql_query(sql)
        .bind::<diesel::sql_types::Array<BigInt>, _>(ids)
        .bind::<Timestamptz, _>(from)
        .bind::<Timestamptz, _>(to)
        .load(conn)
}

// --- lists ---

/// Loans matching a filter, newest first (at most `limit`).
pub fn list(conn: &mut PgConnection, f: &LoanFilter) -> QueryResult<Vec<Loan>> {
    let mut q = loans::table.select(Loan::as_select()).into_boxed();
    if let Some(b) = f.borrower {
        q = q.filter(loans::borrower_id.eq(b));
    }
    if let Some(units) = &f.units {
        q = q.filter(loans::unit_id.eq_any(units.clone()));
    }
    if let Some(s) = &f.statuses {
        q = q.filter(loans::status.eq_any(s.clone()));
    }
    if let Some(t) = f.starting_before {
        q = q.filter(loans::starts_at.lt(t));
    }
    if let Some(t) = f.due_before {
        q = q.filter(loans::due_at.lt(t));
    }
    q.order((loans::due_at, loans::id))
        .limit(f.limit)
        .load(conn)
}

#[derive(Debug, Clone, Default)]
pub struct LoanFilter {
    pub borrower: Option<UserId>,
    pub units: Option<Vec<UnitId>>,
    pub statuses: Option<Vec<LoanStatus>>,
    pub starting_before: Option<DateTime<Utc>>,
    pub due_before: Option<DateTime<Utc>>,
    pub limit: i64,
}

// --- reminders ---

/// Loans out, not reminded yet, due between `now` and `until` (candidates for a reminder).
pub fn reminder_candidates(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> QueryResult<Vec<Loan>> {
    loans::table
        .filter(loans::status.eq(LoanStatus::CheckedOut))
        .filter(loans::reminded_at.is_null())
        .filter(loans::due_at.gt(now))
        .filter(loans::due_at.lt(until))
        .select(Loan::as_select())
        .load(conn)
}

/// Claims the reminders of these loans: returns those not claimed by someone else already.
pub fn mark_reminded(
    conn: &mut PgConnection,
    ids: &[LoanId],
    now: DateTime<Utc>,
) -> QueryResult<Vec<Loan>> {
    diesel::update(
        loans::table
            .filter(loans::id.eq_any(ids))
            .filter(loans::reminded_at.is_null()),
    )
    .set(loans::reminded_at.eq(now))
    .returning(Loan::as_returning())
    .get_results(conn)
}

/// Overdue loans not yet told today, claimed.
pub fn claim_overdue(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> QueryResult<Vec<Loan>> {
    let ids: Vec<LoanId> = loans::table
        .filter(loans::status.eq(LoanStatus::CheckedOut))
        .filter(loans::due_at.lt(now))
        .filter(
            loans::overdue_notice_on
                .is_null()
                .or(loans::overdue_notice_on.lt(today)),
        )
        .for_update()
        .skip_locked()
        .select(loans::id)
        .load(conn)?;
    diesel::update(loans::table.filter(loans::id.eq_any(&ids)))
        .set(loans::overdue_notice_on.eq(today))
        .returning(Loan::as_returning())
        .get_results(conn)
}

pub fn set_escalated(
    conn: &mut PgConnection,
    id: LoanId,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(loans::table.find(id).filter(loans::escalated_at.is_null()))
        .set(loans::escalated_at.eq(now))
        .execute(conn)
}

/// A pool: loanable assets of one model at one lending unit.
#[derive(Debug, Clone, QueryableByName)]
pub struct PoolRow {
    #[diesel(sql_type = BigInt)]
    pub model_id: i64,
    #[diesel(sql_type = Text)]
    pub model: String,
    #[diesel(sql_type = Text)]
    pub unit_code: String,
    #[diesel(sql_type = Text)]
    pub unit_fr: String,
    #[diesel(sql_type = Text)]
    pub unit_en: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

pub fn pools(conn: &mut PgConnection) -> QueryResult<Vec<PoolRow>> {
    diesel::sql_query(
        "SELECT m.id AS model_id, m.maker || ' ' || m.name AS model, u.code AS unit_code,
                u.name_fr AS unit_fr, u.name_en AS unit_en, count(*) AS count
           FROM assets a JOIN asset_models m ON m.id = a.model_id JOIN units u ON u.id = a.unit_id
          WHERE a.loanable AND a.status IN ('in_stock', 'on_loan')
          GROUP BY m.id, m.maker, m.name, u.code, u.name_fr, u.name_en
          ORDER BY model, u.code",
    )
    .load(conn)
}

/// The longest loan and whether approval is needed, for the types of these models.
pub fn type_rules(
    conn: &mut PgConnection,
    models: &[AssetModelId],
) -> QueryResult<Vec<(i32, bool)>> {
    use crate::db::schema::{asset_models, asset_types};
    asset_models::table
        .inner_join(asset_types::table)
        .filter(asset_models::id.eq_any(models))
        .select((asset_types::max_loan_days, asset_types::loan_needs_approval))
        .load(conn)
}
