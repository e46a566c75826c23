//! The data-subject export (Loi 25: a person may ask what a public body holds about them). An
//! auditor produces, for one person, a ZIP of JSON files (one per kind of record, every column
//! but secrets) with a readable summary in the person's language and the files they attached;
//! producing it is recorded in the audit log.

use super::queries::{self, FileRow};
use crate::audit::{self, Origin};
use crate::db::UserId;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::storage::Storage;
use diesel::prelude::*;
use serde_json::{json, Value};
use std::io::Write;

/// One file of the export: its name, what it holds (a Fluent key) and the SQL giving its JSON
/// array (`$1` is the person's id; the SQL in `sql/export/`). Secrets (password hash, token hashes, CSRF tokens) stay out.
const SECTIONS: &[(&str, &str, &str)] = &[
    (
        "profil.json",
        "export-profile",
        include_str!("sql/export/profil.sql"),
    ),
    (
        "demandes.json",
        "export-requests-file",
        include_str!("sql/export/demandes.sql"),
    ),
    (
        "interventions.json",
        "export-events",
        include_str!("sql/export/interventions.sql"),
    ),
    (
        "demandes-suivies.json",
        "export-watching",
        include_str!("sql/export/demandes-suivies.sql"),
    ),
    (
        "pieces-jointes.json",
        "export-attachments-file",
        include_str!("sql/export/pieces-jointes.sql"),
    ),
    (
        "approbations.json",
        "export-approvals",
        include_str!("sql/export/approbations.sql"),
    ),
    (
        "avis.json",
        "export-ratings",
        include_str!("sql/export/avis.sql"),
    ),
    (
        "courriels-recus.json",
        "export-mail-in",
        include_str!("sql/export/courriels-recus.sql"),
    ),
    (
        "courriels-envoyes.json",
        "export-mail-out",
        include_str!("sql/export/courriels-envoyes.sql"),
    ),
    (
        "prets.json",
        "export-loans-file",
        include_str!("sql/export/prets.sql"),
    ),
    (
        "equipements.json",
        "export-assets",
        include_str!("sql/export/equipements.sql"),
    ),
    (
        "journal-dossier.json",
        "export-trail-about",
        include_str!("sql/export/journal-dossier.sql"),
    ),
    (
        "journal-activite.json",
        "export-trail-by",
        include_str!("sql/export/journal-activite.sql"),
    ),
];

/// What an export holds, for the summary and the auditor's confirmation.
#[derive(Debug, Clone)]
pub struct Export {
    pub zip: Vec<u8>,
    pub file_name: String,
    pub counts: Vec<(String, usize)>,
}

/// Builds the export of `person` and records it (who, for whom, what it holds).
pub fn build(
    conn: &mut PgConnection,
    storage: &Storage,
    templates: &handlebars::Handlebars<'static>,
    origin: &Origin,
    person: UserId,
) -> Result<Export, AppError> {
    let user = crate::users::queries::find(conn, person)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let locale = user.locale();
    let now = chrono::Utc::now();
    let mut sections = Vec::new();
    for (file, key, sql) in SECTIONS {
        sections.push((*file, *key, queries::export_section(conn, sql, person)?));
    }
    let files = queries::export_files(conn, person)?;
    let counts: Vec<(String, usize)> = sections
        .iter()
        .map(|(f, _, rows)| (f.to_string(), rows.as_array().map_or(0, Vec::len)))
        .collect();
    let requests: Vec<Value> = sections
        .iter()
        .find(|(f, _, _)| *f == "demandes.json")
        .and_then(|(_, _, rows)| rows.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|mut r| {
            let n = r["number"].as_i64().unwrap_or_default();
            r["ref"] = json!(crate::requests::model::RequestNumber(n).to_string());
            r
        })
        .collect();
    let loans = sections
        .iter()
        .find(|(f, _, _)| *f == "prets.json")
        .map(|(_, _, rows)| rows.clone())
        .unwrap_or_default();
    let summary = templates.render(
        "privacy/summary",
        &json!({
            "lang": locale.code(),
            "person": { "name": user.display_name, "email": user.email },
            "produced_at": now,
            "sections": sections.iter().map(|(f, k, rows)| json!({
                "file": f, "key": k, "count": rows.as_array().map_or(0, Vec::len) })).collect::<Vec<_>>(),
            "requests": requests,
            "loans": loans,
            "files": files.iter().map(|f| json!({ "name": attachment_path(f) })).collect::<Vec<_>>(),
        }),
    )?;

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let name = match locale {
        Locale::Fr => "resume.html",
        Locale::En => "summary.html",
    };
    zip.start_file(name, options).map_err(zip_error)?;
    zip.write_all(summary.as_bytes())?;
    for (file, _, rows) in &sections {
        zip.start_file(*file, options).map_err(zip_error)?;
        zip.write_all(&serde_json::to_vec_pretty(rows).unwrap_or_default())?;
    }
    let mut missing = 0;
    for f in &files {
        match storage.get(&f.sha256) {
            Ok(bytes) => {
                zip.start_file(attachment_path(f), options)
                    .map_err(zip_error)?;
                zip.write_all(&bytes)?;
            }
            Err(_) => missing += 1,
        }
    }
    let bytes = zip.finish().map_err(zip_error)?.into_inner();
    audit::record(
        conn,
        origin,
        "person.export",
        "user",
        person,
        json!({ "counts": counts.iter().map(|(f, n)| json!({ "file": f, "rows": n })).collect::<Vec<_>>(),
                "attachments": files.len() - missing, "bytes": bytes.len() }),
    )?;
    let slug: String = user
        .email
        .split('@')
        .next()
        .unwrap_or("personne")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok(Export {
        zip: bytes,
        file_name: format!("guichet-{slug}-{}.zip", now.format("%Y-%m-%d")),
        counts,
    })
}

/// Where an attached file goes in the ZIP: `pieces-jointes/DS-000123-<id>-<name>`, the name
/// reduced to what every system accepts.
fn attachment_path(f: &FileRow) -> String {
    let safe: String = f
        .filename
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "pieces-jointes/{}-{}-{safe}",
        crate::requests::model::RequestNumber(f.number),
        f.id
    )
}

fn zip_error(e: zip::result::ZipError) -> AppError {
    AppError::Internal(format!("zip: {e}"))
}
