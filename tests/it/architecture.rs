//! The layout explains the architecture (docs/architecture.md): every source file has a layer,
//! and a file imports only from its own layer or those below. Outbound mail (`notify`) imports no
//! inbound mail, dashboard or web code; no file is over 800 lines (the generated schema aside);
//! no route handler is over 40 lines. What is still out of line is listed here, and each entry
//! must still be: the lists only shrink.

use std::collections::{BTreeMap, BTreeSet};

/// Bottom to top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// Errors, messages, clock, settings, the database's types, file storage, signing.
    Foundation,
    /// Domain types, pure rules and SQL: `model.rs`, `queries.rs`, the workflow engine, the
    /// access rule, the audit trail.
    Model,
    /// What the application does: services, jobs' bodies, mail in and out.
    Service,
    /// HTTP: pages, the API, the web toolkit, OpenAPI.
    Web,
    /// Wiring: the binary, the scheduler, demo data.
    App,
}

/// Files of the model layer whatever their name.
const MODEL_FILES: &[&str] = &[
    "workflow/mod.rs",
    "approvals/mod.rs",
    "requests/access.rs",
    "requests/reading.rs",
    "catalog/form.rs",
    "auth.rs",
    "inventory/values.rs",
    "recurring/mod.rs",
];

/// Imports that still go up a layer: (importing file, imported file).
const KNOWN_UPWARD: &[(&str, &str)] = &[];

/// Files that still import each other, through any number of steps: each circle by its files.
const KNOWN_CIRCLES: &[&str] = &[];

/// The one file outside `queries.rs` (and the database's own `db/`) that holds SQL, on purpose:
/// the access rule, written once as a predicate and once as the SQL condition of the lists, side
/// by side so that they are read (and changed) together; a property test holds them equal.
const SQL_OUTSIDE_QUERIES: &[&str] = &["requests/access.rs"];

struct Source {
    text: String,
    lines: usize,
}

fn sources() -> BTreeMap<String, Source> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut BTreeMap<String, Source>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let full = std::fs::read_to_string(&path).unwrap();
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                // What the code uses: no unit tests, no comments.
                let code = full
                    .split("#[cfg(test)]\nmod tests")
                    .next()
                    .unwrap_or("")
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                out.insert(
                    rel,
                    Source {
                        text: code,
                        lines: full.lines().count(),
                    },
                );
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

fn layer(rel: &str, text: &str) -> Layer {
    let top = rel.split('/').next().unwrap_or("").trim_end_matches(".rs");
    let name = rel.rsplit('/').next().unwrap_or("").trim_end_matches(".rs");
    if ["main", "lib", "jobs", "seed"].contains(&top) {
        Layer::App
    } else if [
        "error", "i18n", "clock", "config", "storage", "signing", "db",
    ]
    .contains(&top)
    {
        Layer::Foundation
    } else if ["web", "openapi"].contains(&top)
        || ["pages", "api"].contains(&name)
        || text.contains("HttpResponse")
    {
        Layer::Web
    } else if ["model", "queries"].contains(&name) || top == "audit" || MODEL_FILES.contains(&rel) {
        Layer::Model
    } else {
        Layer::Service
    }
}

/// The module path of a file: `requests/show.rs` → requests::show; `requests/mod.rs` → requests.
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The file a path names (the longest prefix that is a file).
fn file_of(path: &[String], files: &BTreeMap<String, Source>) -> Option<String> {
    (1..=path.len()).rev().find_map(|i| {
        let p = path[..i].join("/");
        [format!("{p}.rs"), format!("{p}/mod.rs")]
            .into_iter()
            .find(|f| files.contains_key(f))
    })
}

/// The files a file imports (crate:: and super:: paths, `use` groups included).
fn imports(rel: &str, text: &str, files: &BTreeMap<String, Source>) -> BTreeSet<String> {
    let path = regex::Regex::new(
        r"\b(crate|super)((?:::super)*)::((?:[a-z_0-9]+::)*)(\{[^}]*\}|[A-Za-z_0-9]+)",
    )
    .unwrap();
    let mut out = BTreeSet::new();
    for c in path.captures_iter(text) {
        let mut base: Vec<String> = if &c[1] == "crate" {
            Vec::new()
        } else {
            let mut m = module_of(rel);
            m.pop();
            for _ in 0..c[2].matches("super").count() {
                m.pop();
            }
            m
        };
        base.extend(
            c[3].split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        let tails: Vec<Vec<String>> = if c[4].starts_with('{') {
            c[4].trim_matches(|ch| ch == '{' || ch == '}')
                .split(',')
                .map(|p| p.trim().split("::").map(|s| s.trim().to_string()).collect())
                .collect()
        } else {
            vec![vec![c[4].to_string()]]
        };
        for tail in tails {
            let mut full = base.clone();
            full.extend(tail.into_iter().filter(|s| !s.is_empty() && s != "self"));
            if let Some(f) = file_of(&full, files) {
                if f != rel {
                    out.insert(f);
                }
            }
        }
    }
    out
}

/// Lists what breaks a rule against what is known, both ways: a new break fails, and so does
/// a listed one that is fixed (take it off the list).
fn against_known(what: &str, found: BTreeSet<String>, known: BTreeSet<String>) {
    let new: Vec<_> = found.difference(&known).collect();
    let fixed: Vec<_> = known.difference(&found).collect();
    assert!(new.is_empty(), "{what}: {new:#?}");
    assert!(
        fixed.is_empty(),
        "{what}, fixed since (take them off the list): {fixed:#?}"
    );
}

#[test]
fn a_file_imports_only_its_layer_and_those_below() {
    let files = sources();
    let mut found = BTreeSet::new();
    for (rel, src) in &files {
        let mine = layer(rel, &src.text);
        for to in imports(rel, &src.text, &files) {
            let theirs = layer(&to, &files[&to].text);
            if theirs > mine {
                found.insert(format!("{rel} ({mine:?}) -> {to} ({theirs:?})"));
            }
        }
    }
    let known = KNOWN_UPWARD
        .iter()
        .map(|(a, b)| {
            format!(
                "{a} ({:?}) -> {b} ({:?})",
                layer(a, &files[*a].text),
                layer(b, &files[*b].text)
            )
        })
        .collect();
    against_known("imports that go up a layer", found, known);
}

#[test]
fn outbound_mail_imports_no_inbound_mail_dashboard_or_web_code() {
    // notify's own admin page (notify/pages.rs) is a web page and may use the web toolkit; it
    // still reads nothing of inbound mail or the dashboards (the console showing both
    // directions is inbound/pages.rs).
    let files = sources();
    let mut found = Vec::new();
    for (rel, src) in files.iter().filter(|(f, _)| f.starts_with("notify/")) {
        let own_page = layer(rel, &src.text) == Layer::Web;
        for to in imports(rel, &src.text, &files) {
            let web = layer(&to, &files[&to].text) == Layer::Web && !own_page;
            if web || to.starts_with("inbound/") || to.starts_with("dashboard/") {
                found.push(format!("{rel} -> {to}"));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_file_is_over_800_lines() {
    let found: Vec<_> = sources()
        .into_iter()
        .filter(|(rel, src)| src.lines > 800 && rel != "db/schema.rs")
        .map(|(rel, src)| format!("{rel} ({} lines)", src.lines))
        .collect();
    assert!(found.is_empty(), "files over 800 lines: {found:#?}");
}

#[test]
fn sql_lives_in_queries_files() {
    // A table of the schema (`requests::table`) or a statement written out (`sql_query(`).
    let sql = regex::Regex::new(r"\b[a-z_]+::table\b|\bsql_query\(").unwrap();
    let found = sources()
        .into_iter()
        .filter(|(rel, src)| {
            !rel.ends_with("queries.rs") && !rel.starts_with("db/") && sql.is_match(&src.text)
        })
        .map(|(rel, _)| rel)
        .collect();
    against_known(
        "SQL outside queries.rs",
        found,
        SQL_OUTSIDE_QUERIES.iter().map(|s| s.to_string()).collect(),
    );
}

/// Route handlers: the `async fn`s of the web layer that answer with an `HttpResponse`.
fn handlers(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let head = regex::Regex::new(r"^(pub(\([a-z]+\))? )?async fn ([a-z_0-9]+)").unwrap();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(c) = head.captures(l) else { continue };
        let Some(len) = lines[i..].iter().position(|l| *l == "}") else {
            continue;
        };
        let signature: String = lines[i..i + len].join(" ");
        let returns = signature.split('{').next().unwrap_or("");
        if returns.contains("HttpResponse") {
            out.push((c[3].to_string(), len + 1));
        }
    }
    out
}

#[test]
fn no_route_handler_is_over_40_lines() {
    let files = sources();
    let mut found = BTreeSet::new();
    for (rel, src) in &files {
        if layer(rel, &src.text) != Layer::Web {
            continue;
        }
        for (name, len) in handlers(&src.text) {
            if len > 40 {
                found.insert(format!("{rel} {name} ({len} lines)"));
            }
        }
    }
    assert!(found.is_empty(), "route handlers over 40 lines: {found:#?}");
}

#[test]
fn the_layers_are_told_apart() {
    // The rule itself: a pages file is web, a model is model, signing is at the bottom.
    let files = sources();
    let of = |f: &str| layer(f, &files[f].text);
    assert_eq!(of("requests/show.rs"), Layer::Web);
    assert_eq!(of("requests/model.rs"), Layer::Model);
    assert_eq!(of("signing.rs"), Layer::Foundation);
    assert_eq!(of("notify/mailer.rs"), Layer::Service);
    assert_eq!(of("jobs.rs"), Layer::App);
    let imported = imports("notify/mailer.rs", &files["notify/mailer.rs"].text, &files);
    assert!(imported.contains("signing.rs"), "{imported:?}");
    assert!(
        imported.contains("notify/mod.rs"),
        "super:: paths count: {imported:?}"
    );
}

#[test]
fn no_two_files_import_each_other_even_through_others() {
    // A circle is a strongly connected group of files: each reaches every other by imports.
    let files = sources();
    let edges: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(rel, src)| (rel.clone(), imports(rel, &src.text, &files)))
        .collect();
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(f) = todo.pop() {
            for to in &edges[&f] {
                if seen.insert(to.clone()) {
                    todo.push(to.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|f| (f, reach(f))).collect();
    let mut found = BTreeSet::new();
    for (f, r) in &reaches {
        let circle: Vec<&str> = r
            .iter()
            .filter(|g| reaches[g].contains(*f))
            .map(String::as_str)
            .collect();
        if !circle.is_empty() {
            found.insert(circle.join(" "));
        }
    }
    against_known(
        "files that import each other",
        found,
        KNOWN_CIRCLES.iter().map(|c| c.to_string()).collect(),
    );
}
