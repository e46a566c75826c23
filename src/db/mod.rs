//! Database access: the r2d2 pool, embedded migrations, typed IDs, text-coded enums and the
//! `db(...)` helper that runs synchronous Diesel work off the async executor.

pub mod schema;

use crate::error::AppError;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

pub type PgPool = Pool<ConnectionManager<PgConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Settings of every pooled connection. JIT compilation is off: PostgreSQL compiles the queries
/// it estimates large, such as a text search over a million requests that its LIMIT stops after
/// 51 rows, and compiling costs 40–50 ms of CPU where the query takes 10 (measured on the
/// benchmark's history; under 32 connections it was most of the search's latency).
#[derive(Debug)]
struct Session;

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for Session {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        use diesel::RunQueryDsl;
        diesel::sql_query("SET jit = off")
            .execute(conn)
            .map(|_| ())
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

pub fn pool(url: &str, size: u32) -> Result<PgPool, AppError> {
    Pool::builder()
        .max_size(size)
        .connection_customizer(Box::new(Session))
        .connection_timeout(Duration::from_secs(10))
        .build(ConnectionManager::<PgConnection>::new(url))
        .map_err(|e| AppError::Internal(format!("cannot connect to the database: {e}")))
}

/// Whether the database answers (the health check).
pub fn ping(conn: &mut PgConnection) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// Gives the current transaction this much memory to sort and aggregate in (`'32MB'`).
pub fn local_work_mem(conn: &mut PgConnection, amount: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    // A setting is not a bind parameter: the amount is checked to be digits and a unit.
    if !amount.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(diesel::result::Error::QueryBuilderError(
            "work_mem: digits and a unit".into(),
        ));
    }
    diesel::sql_query(format!("SET LOCAL work_mem = '{amount}'"))
        .execute(conn)
        .map(|_| ())
}

/// A secret the database generated at installation (`reply_token`: the signing key).
pub fn instance_secret(conn: &mut PgConnection, name: &str) -> diesel::QueryResult<String> {
    use diesel::prelude::*;
    schema::instance_secrets::table
        .find(name)
        .select(schema::instance_secrets::value)
        .first(conn)
}

/// Applies pending migrations; returns their names.
pub fn migrate(conn: &mut PgConnection) -> Result<Vec<String>, AppError> {
    conn.run_pending_migrations(MIGRATIONS)
        .map(|v| v.iter().map(|m| m.to_string()).collect())
        .map_err(|e| AppError::Internal(format!("migration failed: {e}")))
}

/// Runs `f` with a pooled connection on actix's blocking thread pool. The connection is taken
/// inside the closure, so no connection is held across an `.await`.
pub async fn run<F, T>(pool: &PgPool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|_| AppError::Pool)?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
}

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(diesel_derive_newtype::DieselNewType, Debug, Clone, Copy, PartialEq, Eq, Hash,
                 PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub i64);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "{}", self.0) }
        }
    )*};
}
id_type!(
    UnitId,
    BuildingId,
    RoomId,
    UserId,
    TeamId,
    CategoryId,
    RequestId,
    EventId,
    AttachmentId,
    WorkflowId,
    GroupId,
    ApprovalId,
    RuleId,
    AssetId,
    AssetTypeId,
    AssetModelId,
    LoanId,
    CarrierId
);

/// Declares an enum stored as a checked text code in PostgreSQL and serialized as that code.
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 diesel::expression::AsExpression, diesel::deserialize::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.code()) }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>)
                -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(self.code().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg>>::from_sql(bytes)?;
                $name::parse(&s).ok_or_else(|| format!("unknown {} code {s:?}", stringify!($name)).into())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::unknown_variant(&s, &[$($code),*]))
            }
        }
    };
}
