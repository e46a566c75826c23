//! The data-subject export (Loi 25: a person may ask what a public body holds about them). An
//! auditor produces, for one person, a ZIP of JSON files (one per kind of record, every column
//! but secrets) with a readable summary in the person's language and the files they attached;
//! producing it is recorded in the audit log.

use crate::audit::{self, Origin};
use crate::db::UserId;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::storage::Storage;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb, Text};
use serde_json::{json, Value};
use std::io::Write;

/// One file of the export: its name, what it holds (a Fluent key) and the SQL giving its JSON
/// array (`$1` is the person's id). Secrets (password hash, token hashes, CSRF tokens) stay out.
const SECTIONS: &[(&str, &str, &str)] = &[
    (
        "profil.json",
        "export-profile",
        "SELECT jsonb_build_array(to_jsonb(u) - 'password_hash' || jsonb_build_object(
            'roles', (SELECT coalesce(jsonb_agg(jsonb_build_object('unit', n.code, 'role', r.role) ORDER BY n.code), '[]')
                        FROM user_roles r JOIN units n ON n.id = r.unit_id WHERE r.user_id = u.id),
            'teams', (SELECT coalesce(jsonb_agg(t.code ORDER BY t.code), '[]')
                        FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = u.id),
            'groups', (SELECT coalesce(jsonb_agg(g.code ORDER BY g.code), '[]')
                         FROM user_group_members m JOIN user_groups g ON g.id = m.group_id WHERE m.user_id = u.id),
            'email_aliases', (SELECT coalesce(jsonb_agg(a.email ORDER BY a.email), '[]')
                                FROM user_email_aliases a WHERE a.user_id = u.id),
            'sessions', (SELECT coalesce(jsonb_agg(jsonb_build_object('created_at', s.created_at,
                           'last_seen_at', s.last_seen_at, 'ip', s.ip, 'user_agent', s.user_agent) ORDER BY s.id), '[]')
                           FROM sessions s WHERE s.user_id = u.id),
            'api_tokens', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'created_at', t.created_at,
                             'last_used_at', t.last_used_at, 'revoked_at', t.revoked_at) ORDER BY t.id), '[]')
                             FROM api_tokens t WHERE t.user_id = u.id),
            'sign_in_attempts', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.created_at, 'ip', a.ip,
                                   'succeeded', a.succeeded) ORDER BY a.id), '[]')
                                   FROM sign_in_attempts a WHERE a.email = u.email)))
           FROM users u WHERE u.id = $1",
    ),
    (
        "demandes.json",
        "export-requests-file",
        "SELECT coalesce(jsonb_agg(to_jsonb(r) - 'search' || jsonb_build_object('category', c.code, 'unit', n.code)
                                   ORDER BY r.number), '[]')
           FROM requests r JOIN categories c ON c.id = r.category_id JOIN units n ON n.id = r.unit_id
          WHERE r.requester_id = $1",
    ),
    (
        "interventions.json",
        "export-events",
        "SELECT coalesce(jsonb_agg(to_jsonb(e) || jsonb_build_object('request', r.number) ORDER BY e.id), '[]')
           FROM request_events e JOIN requests r ON r.id = e.request_id WHERE e.actor_id = $1",
    ),
    (
        "demandes-suivies.json",
        "export-watching",
        "SELECT coalesce(jsonb_agg(r.number ORDER BY r.number), '[]')
           FROM request_watchers w JOIN requests r ON r.id = w.request_id WHERE w.user_id = $1",
    ),
    (
        "pieces-jointes.json",
        "export-attachments-file",
        "SELECT coalesce(jsonb_agg(to_jsonb(a) - 'sha256' || jsonb_build_object('request', r.number) ORDER BY a.id), '[]')
           FROM attachments a JOIN requests r ON r.id = a.request_id WHERE a.uploader_id = $1",
    ),
    (
        "approbations.json",
        "export-approvals",
        "SELECT coalesce(jsonb_agg(to_jsonb(p) || jsonb_build_object('request', r.number) ORDER BY p.id), '[]')
           FROM request_approvals p JOIN requests r ON r.id = p.request_id WHERE p.decided_by = $1",
    ),
    (
        "avis.json",
        "export-ratings",
        "SELECT coalesce(jsonb_agg(to_jsonb(s) || jsonb_build_object('request', r.number) ORDER BY s.request_id), '[]')
           FROM satisfaction_ratings s JOIN requests r ON r.id = s.request_id WHERE s.rated_by = $1",
    ),
    (
        "courriels-recus.json",
        "export-mail-in",
        "SELECT coalesce(jsonb_agg(to_jsonb(m) - 'content_hash' ORDER BY m.id), '[]')
           FROM inbound_messages m WHERE m.user_id = $1",
    ),
    (
        "courriels-envoyes.json",
        "export-mail-out",
        "SELECT coalesce(jsonb_agg(jsonb_build_object('template', o.template, 'recipient', o.recipient,
                  'subject', o.subject, 'created_at', o.created_at, 'sent_at', o.sent_at,
                  'failed_at', o.failed_at, 'payload', o.payload) ORDER BY o.id), '[]')
           FROM outbox o WHERE o.recipient_id = $1",
    ),
    (
        "prets.json",
        "export-loans-file",
        "SELECT coalesce(jsonb_agg(to_jsonb(l) || jsonb_build_object('items',
                  (SELECT coalesce(jsonb_agg(jsonb_build_object('asset', s.tag, 'period', i.period::text,
                     'checked_out_at', i.checked_out_at, 'returned_at', i.returned_at, 'condition', i.condition)
                     ORDER BY s.tag), '[]')
                     FROM loan_items i JOIN assets s ON s.id = i.asset_id WHERE i.loan_id = l.id)) ORDER BY l.id), '[]')
           FROM loans l WHERE l.borrower_id = $1",
    ),
    (
        "equipements.json",
        "export-assets",
        "SELECT coalesce(jsonb_agg(jsonb_build_object('tag', s.tag, 'serial', s.serial, 'maker', m.maker,
                  'model', m.name, 'status', s.status, 'assigned_since', s.updated_at) ORDER BY s.tag), '[]')
           FROM assets s JOIN asset_models m ON m.id = s.model_id WHERE s.assigned_to = $1",
    ),
    (
        "journal-dossier.json",
        "export-trail-about",
        "SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.created_at, 'action', a.action,
                  'by', coalesce(u.email, ''), 'ip', a.ip, 'data', a.data) ORDER BY a.id), '[]')
           FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
          WHERE a.entity = 'user' AND a.entity_id = $1::text",
    ),
    (
        "journal-activite.json",
        "export-trail-by",
        "SELECT coalesce(jsonb_agg(jsonb_build_object('at', a.created_at, 'action', a.action,
                  'entity', a.entity, 'entity_id', a.entity_id, 'ip', a.ip) ORDER BY a.id), '[]')
           FROM (SELECT * FROM audit_log WHERE actor_id = $1 ORDER BY id DESC LIMIT 50000) a",
    ),
];

#[derive(QueryableByName)]
struct Section {
    #[diesel(sql_type = Jsonb)]
    rows: Value,
}

#[derive(QueryableByName)]
struct FileRow {
    #[diesel(sql_type = BigInt)]
    number: i64,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    filename: String,
    #[diesel(sql_type = Text)]
    sha256: String,
}

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
        let s: Section = diesel::sql_query(format!("SELECT ({sql}) AS rows"))
            .bind::<BigInt, _>(person.0)
            .get_result(conn)?;
        sections.push((*file, *key, s.rows));
    }
    let files: Vec<FileRow> = diesel::sql_query(
        "SELECT r.number, a.id, a.filename, a.sha256 FROM attachments a JOIN requests r ON r.id = a.request_id
          WHERE a.uploader_id = $1 AND a.purged_at IS NULL ORDER BY a.id",
    )
    .bind::<BigInt, _>(person.0)
    .load(conn)?;
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
