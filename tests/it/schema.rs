//! Schema and text invariants: migrations go down and up again; every message key used in code
//! and templates exists in French and English.

use crate::support::db::TestDb;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use guichet::i18n::{has_key, Locale};
use std::collections::BTreeSet;

#[test]
fn migrations_go_down_and_up_again() {
    let db = TestDb::empty();
    let mut conn = PgConnection::establish(&db.url).unwrap();
    let applied = guichet::db::migrate(&mut conn).unwrap();
    assert!(!applied.is_empty());
    let before = schema_dump(&db.url);
    conn.revert_all_migrations(guichet::db::MIGRATIONS).unwrap();
    let again = guichet::db::migrate(&mut conn).unwrap();
    assert_eq!(applied, again);
    // Not only the same migrations: the same schema, object for object.
    let after = schema_dump(&db.url);
    assert!(before.contains("CREATE TABLE public.requests"), "{before}");
    if before != after {
        let diff: Vec<String> = before
            .lines()
            .zip(after.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .collect();
        panic!("the schema differs after down and up:\n{}", diff.join("\n"));
    }
}

/// `pg_dump --schema-only` of a database (PostgreSQL 15's, else the one on the PATH).
fn schema_dump(url: &str) -> String {
    let bin = ["/usr/lib/postgresql/15/bin/pg_dump"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("pg_dump");
    let out = std::process::Command::new(bin)
        .args(["--schema-only", "--no-owner", "--no-privileges", url])
        .output()
        .expect("pg_dump");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Recent pg_dump releases frame the dump with a random `\restrict` key: not schema.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn keys_in(dir: &str, ext: &str, patterns: &[&str], out: &mut BTreeSet<String>) {
    for entry in walk(dir) {
        if !entry.ends_with(ext) {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        for p in patterns {
            let mut rest = text.as_str();
            while let Some(i) = rest.find(p) {
                rest = &rest[i + p.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    {
                        out.insert(key.to_string());
                    }
                }
            }
        }
    }
}

fn walk(dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(p.to_str().unwrap()));
        } else {
            out.push(p.to_str().unwrap().to_string());
        }
    }
    out
}

#[test]
fn every_message_key_exists_in_french_and_english() {
    let mut keys = BTreeSet::new();
    keys_in("templates", ".hbs", &["{{t \""], &mut keys);
    keys_in(
        "src",
        ".rs",
        &[
            "Msg::new(\"",
            "AppError::rule(\"",
            "tr(locale, \"",
            "tr(loc, \"",
            "ctx.t(\"",
        ],
        &mut keys,
    );
    // Keys chosen in match arms and conditionals: any string literal shaped like a key.
    let shaped = regex::Regex::new(
        r#""((?:error|field|transition|assign|request|sign|flash|action|admin|user|team|unit|role|sla)-[a-z0-9-]+)""#,
    )
    .unwrap();
    for file in walk("src").into_iter().filter(|f| f.ends_with(".rs")) {
        let text = std::fs::read_to_string(&file).unwrap();
        keys.extend(shaped.captures_iter(&text).map(|c| c[1].to_string()));
    }
    for k in [
        "created",
        "comment",
        "transition",
        "assign",
        "attachment",
        "watchers",
    ] {
        keys.insert(format!("flash-{k}"));
    }
    for k in ["me", "none"] {
        keys.insert(format!("assignee-{k}"));
    }
    keys.retain(|k| {
        k.contains('-')
            || ["status", "priority", "domain", "sort", "yes", "nobody"].contains(&k.as_str())
    });
    assert!(keys.len() > 80, "too few keys found: {}", keys.len());
    let missing: Vec<String> = keys
        .iter()
        .flat_map(|k| {
            [Locale::Fr, Locale::En]
                .into_iter()
                .filter(|l| !has_key(*l, k))
                .map(move |l| format!("{}:{k}", l.code()))
        })
        .collect();
    assert!(missing.is_empty(), "missing translations: {missing:?}");
}
