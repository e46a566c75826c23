//! A fresh PostgreSQL database per test, cloned from a template migrated once per run.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use std::sync::OnceLock;

pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .expect("TEST_DATABASE_URL must point at a PostgreSQL server (scripts/test.sh sets it)")
        .trim_end_matches('/')
        .to_string()
}

fn admin() -> PgConnection {
    PgConnection::establish(&format!("{}/postgres", server_url()))
        .expect("connect to the test server")
}

/// The migrated template of this build's migrations: its name carries a fingerprint of the
/// migrations folder, so the test processes of one run (nextest starts one per test) share it
/// and a run with other migrations gets its own.
fn template() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = format!("guichet_it_template_{:016x}", migrations_fingerprint());
        let mut conn = admin();
        // Several test processes share a server: one creates the template, the others wait.
        diesel::sql_query("SELECT pg_advisory_lock(4242)")
            .execute(&mut conn)
            .unwrap();
        if !database_exists(&mut conn, &name) {
            let building = format!("{name}_building");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                .execute(&mut conn)
                .unwrap();
            diesel::sql_query(format!("CREATE DATABASE {building}"))
                .execute(&mut conn)
                .unwrap();
            {
                let mut t =
                    PgConnection::establish(&format!("{}/{building}", server_url())).unwrap();
                guichet::db::migrate(&mut t).expect("migrations apply");
            }
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                .execute(&mut conn)
                .unwrap();
        }
        diesel::sql_query("SELECT pg_advisory_unlock(4242)")
            .execute(&mut conn)
            .unwrap();
        name
    })
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Found>(conn)
        .unwrap()
        .n
        == 1
}

/// A hash of every migration's path and text.
fn migrations_fingerprint() -> u64 {
    use std::hash::{Hash, Hasher};
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"),
        &mut files,
    );
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut h);
    h.finish()
}

pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new() -> TestDb {
        // As every entry point does at start.
        guichet::wire();
        let tpl = template();
        let name = format!("t_{}", uuid_like());
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {tpl}"))
            .execute(&mut admin())
            .expect("create test database");
        TestDb {
            url: format!("{}/{name}", server_url()),
            name,
        }
    }

    pub fn pool(&self) -> Pool<ConnectionManager<PgConnection>> {
        guichet::db::pool(&self.url, 4).expect("pool")
    }

    /// An empty database without migrations (for the migration round-trip test).
    pub fn empty() -> TestDb {
        let name = format!("t_{}", uuid_like());
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin())
            .unwrap();
        TestDb {
            url: format!("{}/{name}", server_url()),
            name,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin());
    }
}

fn uuid_like() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}
