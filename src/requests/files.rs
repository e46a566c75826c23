//! Files on a request: attached by someone who may write to it (named safely, vetted: no
//! programs, the type read from the bytes), downloaded by someone who may read it, served with
//! a type that a browser never runs.

use super::model::*;
use super::queries::{self};
use super::reading::load;
use super::service::refuse_if_final;
use super::views::attachment_view;
use crate::audit;
use crate::auth::CurrentUser;
use crate::error::{AppError, FieldErrors, Msg};
use diesel::prelude::*;
use serde_json::json;

pub struct NewAttachmentCmd {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Records an attachment whose bytes are already in storage.
pub fn attach(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    cmd: NewAttachmentCmd,
) -> Result<AttachmentView, AppError> {
    let filename = sanitize_filename(&cmd.filename);
    conn.transaction(|conn| {
        let (r, _) = load(conn, user, number, true)?;
        refuse_if_final(&r)?;
        let event = queries::insert_event(
            conn,
            &NewEvent {
                request_id: r.id,
                actor_id: Some(user.id),
                kind: EventKind::AttachmentAdded,
                body: String::new(),
                internal: false,
                data: json!({ "filename": filename }),
            },
        )?;
        let a = queries::insert_attachment(
            conn,
            &NewAttachment {
                request_id: r.id,
                event_id: Some(event.id),
                uploader_id: Some(user.id),
                filename: filename.clone(),
                content_type: cmd.content_type.clone(),
                size_bytes: cmd.size_bytes,
                sha256: cmd.sha256.clone(),
            },
        )?;
        queries::touch(conn, r.id)?;
        audit::record(
            conn,
            &user.origin(),
            "attachment.add",
            "request",
            r.number(),
            json!({ "attachment_id": a.id, "filename": filename, "size": cmd.size_bytes }),
        )?;
        Ok(attachment_view(a))
    })
}

/// An attachment of a request the person may read; the download is recorded.
pub fn attachment_for_download(
    conn: &mut PgConnection,
    user: &CurrentUser,
    number: RequestNumber,
    id: i64,
) -> Result<Attachment, AppError> {
    conn.transaction(|conn| {
        let (r, standing) = load(conn, user, number, false)?;
        let a = queries::attachment(conn, crate::db::AttachmentId(id))?;
        if a.request_id != r.id {
            return Err(AppError::NotFound);
        }
        if let Some(ev) = a.event_id {
            if queries::event(conn, ev)?.internal && !standing.staff {
                return Err(AppError::NotFound);
            }
        }
        if a.purged_at.is_some() {
            return Err(AppError::rule("attachment-purged"));
        }
        audit::record(
            conn,
            &user.origin(),
            "attachment.download",
            "request",
            r.number(),
            json!({ "attachment_id": a.id }),
        )?;
        Ok(a)
    })
}

/// Keeps the last path component and printable characters; never empty.
pub fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "piece-jointe".to_string()
    } else {
        cleaned
    }
}

/// Names programs and scripts are sent with; refused whatever the bytes say.
const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "dll", "sys", "ps1", "psm1",
    "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "jar", "lnk", "reg", "sh", "bash", "app",
    "apk", "elf", "bin", "run", "iso",
];

/// What a file is, told by its bytes first (magic numbers) and its name after; programs and
/// scripts are refused (`attachment-executable`), whatever they are called.
pub fn vet_file(filename: &str, bytes: &[u8]) -> Result<String, AppError> {
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    // Windows (MZ), Linux (ELF) and macOS (Mach-O) programs, scripts with an interpreter line,
    // and whatever else `infer` knows as an application.
    const PROGRAMS: &[&[u8]] = &[
        b"MZ",
        b"\x7fELF",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"#!",
    ];
    let program = PROGRAMS.iter().any(|m| bytes.starts_with(m)) || infer::is_app(bytes);
    if program || EXECUTABLE_EXTENSIONS.contains(&extension.as_str()) {
        return Err(AppError::Invalid(FieldErrors::single(
            "file",
            Msg::new("attachment-executable"),
        )));
    }
    Ok(infer::get(bytes)
        .map(|t| t.mime_type().to_string())
        .unwrap_or_else(|| {
            mime_guess::from_path(filename)
                .first_or_octet_stream()
                .to_string()
        }))
}

/// The type a download is served with: anything a browser would run or render as a page
/// (HTML, SVG, XML, scripts) goes out as plain bytes.
pub fn served_type(content_type: &str) -> &str {
    let t = content_type.to_ascii_lowercase();
    let active = t.contains("html")
        || t.contains("svg")
        || t.contains("xml")
        || t.contains("javascript")
        || t.contains("ecmascript");
    if active {
        "application/octet-stream"
    } else {
        content_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_their_path_and_quotes() {
        assert_eq!(
            sanitize_filename("C:\\Users\\x\\rapport \"final\".pdf"),
            "rapport final.pdf"
        );
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("..."), "piece-jointe");
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn programs_are_refused_by_their_bytes_or_their_name() {
        for (name, bytes) in [
            (
                "rapport.pdf",
                b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".as_slice(),
            ),
            ("photo.png", b"\x7fELF\x02\x01\x01\x00".as_slice()),
            ("notes.txt", b"#!/bin/sh\nrm -rf /".as_slice()),
            ("facture.PDF.exe", b"%PDF-1.7".as_slice()),
            ("macro.vbs", b"MsgBox 1".as_slice()),
        ] {
            assert!(vet_file(name, bytes).is_err(), "{name}");
        }
    }

    #[test]
    fn the_type_comes_from_the_bytes_before_the_name() {
        assert_eq!(
            vet_file("scan.txt", b"%PDF-1.7\n...").unwrap(),
            "application/pdf"
        );
        assert_eq!(
            vet_file("photo.jpg", b"\x89PNG\r\n\x1a\n rest").unwrap(),
            "image/png"
        );
        assert_eq!(vet_file("liste.csv", b"a;b\n1;2").unwrap(), "text/csv");
    }

    #[test]
    fn pages_and_scripts_are_served_as_plain_bytes() {
        assert_eq!(served_type("text/html"), "application/octet-stream");
        assert_eq!(served_type("image/svg+xml"), "application/octet-stream");
        assert_eq!(served_type("application/pdf"), "application/pdf");
    }
}
