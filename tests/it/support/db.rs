//! A fresh PostgreSQL database per test, cloned from a template migrated once per run.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use std::sync::OnceLock;

const TEMPLATE: &str = "guichet_it_template";

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

fn template() -> &'static str {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let mut conn = admin();
        // Several test binaries could share a server: serialize template creation.
        diesel::sql_query("SELECT pg_advisory_lock(4242)")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"))
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query(format!("CREATE DATABASE {TEMPLATE}"))
            .execute(&mut conn)
            .unwrap();
        {
            let mut t = PgConnection::establish(&format!("{}/{TEMPLATE}", server_url())).unwrap();
            guichet::db::migrate(&mut t).expect("migrations apply");
        }
        diesel::sql_query("SELECT pg_advisory_unlock(4242)")
            .execute(&mut conn)
            .unwrap();
    });
    TEMPLATE
}

pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new() -> TestDb {
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
