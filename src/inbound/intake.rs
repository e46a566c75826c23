//! What every step of the pipeline shares: its settings (`Intake`), what processing decides
//! (`Done`), and who wrote a message.

use super::message::{self, Own};
use super::queries as inbound;
use crate::config::Settings;
use crate::db::{EventId, RequestId, UserId};
use crate::error::AppError;
use crate::users::model::User;
use crate::users::queries as people;
use diesel::prelude::*;

/// What unknown senders get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    Reject,
    /// A request as a guest, for this unit code.
    Triage(String),
}

/// The pipeline's settings, read once.
#[derive(Debug, Clone)]
pub struct Intake {
    pub own: Own,
    /// The key that signs reply addresses.
    pub key: Vec<u8>,
    pub max_bytes: usize,
    pub max_attachment_bytes: usize,
    pub category: Option<String>,
    pub unknown: Unknown,
    pub reopen_days: i64,
}

/// The host of our Message-IDs (that of `base_url`, as the mailer uses).
pub fn message_id_domain(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "guichet.local".into())
}

impl Intake {
    pub fn new(conn: &mut PgConnection, s: &Settings) -> Result<Intake, AppError> {
        let mut addresses = Vec::new();
        for a in [Some(&s.mail_from), s.mail_reply_to.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Ok(m) = a.parse::<lettre::message::Mailbox>() {
                addresses.push(message::base_address(m.email.as_ref()));
            }
        }
        Ok(Intake {
            own: Own {
                addresses,
                message_id_domain: message_id_domain(&s.base_url),
            },
            key: crate::signing::instance_key(conn)?,
            max_bytes: s.inbound_max_bytes,
            max_attachment_bytes: s.max_attachment_bytes,
            category: s.inbound_category.clone(),
            unknown: match (&*s.inbound_unknown_senders, &s.inbound_triage_unit) {
                ("triage", Some(unit)) => Unknown::Triage(unit.clone()),
                _ => Unknown::Reject,
            },
            reopen_days: s.reopen_days,
        })
    }
}

/// What processing decided.
#[derive(Debug, Default)]
pub(super) struct Done {
    pub outcome: &'static str,
    pub reason: String,
    pub detail: String,
    pub user: Option<UserId>,
    pub request: Option<RequestId>,
    /// The request's number, for the receipt.
    pub number: Option<i64>,
    pub event: Option<EventId>,
    pub full_text: String,
}

impl Done {
    pub(super) fn new(outcome: &'static str, reason: &str) -> Done {
        Done {
            outcome,
            reason: reason.to_string(),
            ..Done::default()
        }
    }
}

/// The active person who writes from this address (their own or an alias).
pub(super) fn sender(conn: &mut PgConnection, email: &str) -> QueryResult<Option<User>> {
    let email = email.to_lowercase();
    let direct = people::by_email(conn, &email)?;
    let user = match direct {
        Some(u) => Some(u),
        None => match inbound::alias_owner(conn, &email)? {
            Some(id) => Some(people::find(conn, id)?),
            None => None,
        },
    };
    Ok(user.filter(|u| u.active))
}

pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
