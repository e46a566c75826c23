//! What the sender is told: why a command or the whole message was refused, which files were
//! left out, and the answers that say so (in their language, in answer to their message).

use super::message::Inbound;
use crate::auth::CurrentUser;
use crate::error::{AppError, Msg};
use crate::i18n::{self, Locale};
use crate::notify::Notice;
use crate::requests::model::Request;
use diesel::prelude::*;
use serde_json::{json, Value};

/// Why something the sender asked was not done.
#[derive(Debug, Clone)]
pub(super) struct Refusal {
    pub what: String,
    pub why: Msg,
}

pub(super) fn refusal(what: &str, e: AppError) -> Result<Refusal, AppError> {
    match e {
        AppError::Db(_) | AppError::Pool | AppError::Internal(_) | AppError::Template(_) => Err(e),
        AppError::Invalid(errors) => Ok(Refusal {
            what: what.to_string(),
            why: errors
                .0
                .values()
                .flatten()
                .next()
                .cloned()
                .unwrap_or_else(|| Msg::new("error-invalid")),
        }),
        AppError::NotFound | AppError::Forbidden => Ok(Refusal {
            what: what.to_string(),
            why: Msg::new("inbound-not-allowed"),
        }),
        other => Ok(Refusal {
            what: what.to_string(),
            why: other.message(),
        }),
    }
}

impl Refusal {
    /// A refusal of the whole message, with no line to name.
    pub(super) fn plain(key: &str) -> Refusal {
        Refusal {
            what: String::new(),
            why: Msg::new(key),
        }
    }
}

pub(super) fn problem_lines(locale: Locale, refusals: &[Refusal]) -> Vec<Value> {
    refusals
        .iter()
        .map(|r| json!({ "what": r.what, "why": i18n::msg(locale, &r.why) }))
        .collect()
}

/// Tells the sender, in their language, in answer to their message, what was not done and why;
/// `stored` says their message was kept all the same (on `request`).
pub(super) fn answer(
    conn: &mut PgConnection,
    me: &CurrentUser,
    request: Option<&Request>,
    m: &Inbound,
    refusals: &[Refusal],
    stored: bool,
) -> QueryResult<()> {
    crate::notify::queue_to_address(
        conn,
        &me.email,
        Some(me.id),
        me.locale,
        &Notice {
            template: "inbound_refused",
            request: request.map(|r| r.id),
            event: None,
            payload: json!({
                "subject": m.subject,
                "problems": problem_lines(me.locale, refusals),
                "stored": stored,
                "answers": m.message_id.clone().unwrap_or_default(),
            }),
        },
    )?;
    Ok(())
}

/// A polite answer to an unknown address, at most once a day per address (a forged sender
/// must not turn Guichet into a mail cannon).
pub(super) fn answer_stranger(
    conn: &mut PgConnection,
    email: &str,
    m: &Inbound,
) -> QueryResult<()> {
    let since = chrono::Utc::now() - chrono::Duration::days(1);
    if super::queries::sent_since(conn, email, "inbound_unknown", since)? {
        return Ok(());
    }
    crate::notify::queue_to_address(
        conn,
        email,
        None,
        Locale::Fr,
        &Notice {
            template: "inbound_unknown",
            request: None,
            event: None,
            payload: json!({
                "subject": m.subject,
                "answers": m.message_id.clone().unwrap_or_default(),
            }),
        },
    )?;
    Ok(())
}

/// A message as the request page shows it: the full text of an email a timeline entry came
/// Why an attachment was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LeftOut {
    TooLarge,
    /// A program or a script.
    Program,
    /// Its encoding is broken: the bytes are not what the sender attached.
    Damaged,
}

/// An attachment left out, named on the request and in the answer to the sender.
#[derive(Debug, Clone)]
pub(super) struct Dropped {
    pub name: String,
    pub size: usize,
    pub why: LeftOut,
}

impl Dropped {
    /// The note on the request, in brackets.
    pub(super) fn note(&self, locale: Locale, max: usize) -> String {
        let key = match self.why {
            LeftOut::TooLarge => "inbound-attachment-dropped",
            LeftOut::Program => "inbound-attachment-program",
            LeftOut::Damaged => "inbound-attachment-damaged",
        };
        i18n::msg(locale, &self.args(Msg::new(key), locale, max))
    }

    /// The line of the answer to the sender.
    pub(super) fn refusal(&self, locale: Locale, max: usize) -> Refusal {
        let key = match self.why {
            LeftOut::TooLarge => "inbound-file-too-large",
            LeftOut::Program => "inbound-file-program",
            LeftOut::Damaged => "inbound-file-damaged",
        };
        Refusal {
            what: self.name.clone(),
            why: self.args(Msg::new(key), locale, max),
        }
    }

    fn args(&self, m: Msg, locale: Locale, max: usize) -> Msg {
        m.arg("name", &self.name)
            .arg("size", mebibytes(locale, self.size))
            .arg("max", mebibytes(locale, max))
    }
}

/// The notes, one per line, about attachments left out.
pub(super) fn dropped_note(locale: Locale, dropped: &[Dropped], max: usize) -> String {
    dropped
        .iter()
        .map(|d| d.note(locale, max))
        .collect::<Vec<_>>()
        .join("\n")
}

fn mebibytes(locale: Locale, n: usize) -> String {
    let v = n as f64 / 1_048_576.0;
    match locale {
        Locale::Fr => format!("{v:.1} Mo").replace('.', ","),
        Locale::En => format!("{v:.1} MB"),
    }
}

/// What was not done, for the administrators' log (in French, the log's language).
pub(super) fn details(refusals: &[Refusal]) -> String {
    refusals
        .iter()
        .map(|r| format!("{} : {}", r.what, i18n::msg(Locale::Fr, &r.why)))
        .collect::<Vec<_>>()
        .join("\n")
}
