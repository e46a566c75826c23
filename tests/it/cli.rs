//! The `guichet` command itself: configuration errors name the setting, `token create` prints only
//! the token, `create-admin` takes its password from the environment, `seed-demo --if-empty` is
//! idempotent.

use crate::support::db::TestDb;
use std::process::Command;

fn guichet(db: Option<&TestDb>, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("GUICHET_CONFIG", "/dev/null")
        .env("GUICHET_LOG", "error");
    for (k, _) in std::env::vars()
        .filter(|(k, _)| k.starts_with("GUICHET_") && k != "GUICHET_CONFIG" && k != "GUICHET_LOG")
    {
        cmd.env_remove(k);
    }
    if let Some(db) = db {
        cmd.env("DATABASE_URL", &db.url);
    }
    cmd.output().unwrap()
}

#[test]
fn a_missing_or_bad_setting_stops_start_up_with_its_name() {
    let out = guichet(None, &["migrate"]);
    assert_eq!(out.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&out.stderr).contains("database_url"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    let out = cmd
        .args(["migrate"])
        .env("GUICHET_CONFIG", "/dev/null")
        .env("DATABASE_URL", "postgres://x/y")
        .env("GUICHET_SESSION_IDLE_MINUTES", "jamais")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("session_idle_minutes"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_command_line_migrates_seeds_once_and_creates_admins_and_tokens() {
    let db = TestDb::empty();
    let out = guichet(Some(&db), &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = guichet(Some(&db), &["seed-demo", "--if-empty"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("Demo data loaded.") && text.contains("demandeur@guichet.example"),
        "{text}"
    );
    // The demo's requests, moved back over the school year, get their due dates from the SLA
    // code as live ones do: none on a weekend of the board's calendar.
    {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let weekend = |column: &str| {
            diesel::sql_query(format!(
                "SELECT count(*) AS n FROM requests
                  WHERE EXTRACT(ISODOW FROM {column} AT TIME ZONE 'America/Toronto') IN (6, 7)"
            ))
            .get_result::<Count>(&mut db.pool().get().unwrap())
            .unwrap()
            .n
        };
        assert_eq!(weekend("resolution_due"), 0, "resolution due on a weekend");
        assert_eq!(
            weekend("first_response_due"),
            0,
            "first response due on a weekend"
        );
        let with_dues = diesel::sql_query(
            "SELECT count(*) AS n FROM requests WHERE resolution_due IS NOT NULL",
        )
        .get_result::<Count>(&mut db.pool().get().unwrap())
        .unwrap()
        .n;
        assert!(with_dues > 20, "{with_dues} requests with a due date");
    }
    let out = guichet(Some(&db), &["seed-demo", "--if-empty"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Demo data already present."));
    let out = guichet(Some(&db), &["privacy-report"]);
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("Durées de conservation")
            && report.contains("environ 7 ans")
            && report.contains("Incident de confidentialité"),
        "{report}"
    );
    // Every form of the demo and of the migrations is one the application reads (a wrong field
    // type would silently leave a category without its form).
    {
        use diesel::prelude::*;
        use guichet::db::schema::categories;
        let forms: Vec<(String, serde_json::Value)> = categories::table
            .select((categories::code, categories::form))
            .load(&mut db.pool().get().unwrap())
            .unwrap();
        assert!(forms.len() > 10);
        for (code, form) in forms {
            let parsed: Result<guichet::catalog::form::FormDef, _> = serde_json::from_value(form);
            assert!(parsed.is_ok(), "{code}: {parsed:?}");
        }
    }

    let out = guichet(
        Some(&db),
        &[
            "token",
            "create",
            "--email",
            "tech.ti@guichet.example",
            "--name",
            "inventaire",
        ],
    );
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the token: {stdout}");
    assert!(lines[0].starts_with("gch_") && lines[0].len() > 40);
    let out = guichet(
        Some(&db),
        &[
            "token",
            "create",
            "--email",
            "personne@nulle.part",
            "--name",
            "x",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("personne@nulle.part"));

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    let out = cmd
        .args([
            "create-admin",
            "--email",
            "Nouvelle.Admin@CSS.example",
            "--name",
            "Nouvelle Admin",
        ])
        .env("GUICHET_CONFIG", "/dev/null")
        .env("DATABASE_URL", &db.url)
        .env("GUICHET_ADMIN_PASSWORD", "un mot de passe solide")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nouvelle.Admin@CSS.example"));
    let out = Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["create-admin", "--email", "b@css.example"])
        .env("GUICHET_CONFIG", "/dev/null")
        .env("DATABASE_URL", &db.url)
        .env("GUICHET_ADMIN_PASSWORD", "court")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("12 characters"));
}
