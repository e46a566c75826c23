//! Sending the outbox: a job claims due rows (`FOR UPDATE SKIP LOCKED`, so two servers never
//! send the same message), renders each in its recipient's language and hands it to SMTP — or,
//! without an SMTP server, writes it as an .eml file. A failure is retried with exponential
//! backoff; after the last attempt, or at once for an address that cannot work, the row is
//! marked failed with its error for an administrator to see and resend.

use super::render::{self, MailTemplates};
use crate::config::Settings;
use crate::db::schema::{outbox, users};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::requests::model::RequestNumber;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use rand::RngCore;
use serde_json::{json, Value};

enum Outgoing {
    Smtp(Box<SmtpTransport>),
    Files(FileTransport),
}

/// How mail leaves: the transport and the envelope settings.
pub struct Mailer {
    outgoing: Outgoing,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    /// The host part of Message-IDs.
    domain: String,
    base_url: String,
    max_attempts: i32,
    retry_seconds: i64,
    reopen_days: i64,
    pub templates: MailTemplates,
}

/// What one pass of the sender did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct Row {
    id: i64,
    recipient_id: Option<i64>,
    recipient: String,
    template: String,
    locale: String,
    request_id: Option<i64>,
    payload: Value,
    attempts: i32,
}

impl Mailer {
    pub fn from_settings(s: &Settings) -> Result<Mailer, AppError> {
        let bad =
            |what: &str, e: &dyn std::fmt::Display| AppError::Internal(format!("{what}: {e}"));
        let outgoing = match &s.smtp_host {
            None => {
                std::fs::create_dir_all(&s.mail_dir)
                    .map_err(|e| bad(&format!("cannot create {}", s.mail_dir.display()), &e))?;
                Outgoing::Files(FileTransport::new(&s.mail_dir))
            }
            Some(host) => {
                let builder = match s.smtp_security.as_str() {
                    "tls" => SmtpTransport::relay(host).map_err(|e| bad("smtp_host", &e))?,
                    "starttls" => {
                        let tls =
                            TlsParameters::new(host.clone()).map_err(|e| bad("smtp_host", &e))?;
                        SmtpTransport::builder_dangerous(host).tls(Tls::Required(tls))
                    }
                    _ => SmtpTransport::builder_dangerous(host).tls(Tls::None),
                };
                let mut builder = builder
                    .port(s.smtp_port)
                    .timeout(Some(std::time::Duration::from_secs(15)));
                if let (Some(u), Some(p)) = (&s.smtp_username, &s.smtp_password) {
                    builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
                }
                Outgoing::Smtp(Box::new(builder.build()))
            }
        };
        let domain = url::Url::parse(&s.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "guichet.local".into());
        Ok(Mailer {
            outgoing,
            from: s.mail_from.parse().map_err(|e| bad("mail_from", &e))?,
            reply_to: match &s.mail_reply_to {
                Some(r) => Some(r.parse().map_err(|e| bad("mail_reply_to", &e))?),
                None => None,
            },
            domain,
            base_url: s.base_url.clone(),
            max_attempts: s.mail_max_attempts,
            retry_seconds: s.mail_retry_seconds,
            reopen_days: s.reopen_days,
            templates: MailTemplates::load(&s.templates_dir, s.reload_templates)?,
        })
    }

    /// `<ds-000123@host>`: the thread every message about a request refers to.
    pub fn thread_id(&self, number: i64) -> String {
        format!("<ds-{number:06}@{}>", self.domain)
    }

    fn message_id(&self, row: i64) -> String {
        let mut bytes = [0u8; 8];
        rand::thread_rng().fill_bytes(&mut bytes);
        format!("<{row}.{}@{}>", hex::encode(bytes), self.domain)
    }

    /// Wait before the next attempt after `attempts` failures: doubling, at most an hour.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let exp = attempts.clamp(1, 20) - 1;
        Duration::seconds((self.retry_seconds.max(1) << exp).min(3600))
    }

    fn build(
        &self,
        conn: &mut PgConnection,
        row: &Row,
    ) -> Result<(Message, String, String), Failure> {
        let to: Mailbox = row.recipient.trim().parse().map_err(|e| {
            Failure::Permanent(format!(
                "adresse du destinataire invalide « {} » : {e}",
                row.recipient
            ))
        })?;
        let locale = Locale::parse(&row.locale).unwrap_or_default();
        let name: Option<String> = match row.recipient_id {
            Some(id) => users::table
                .find(id)
                .select(users::display_name)
                .first(conn)
                .optional()
                .map_err(|e| Failure::Retry(e.to_string()))?,
            None => None,
        };
        let mut data = render::data_for(
            conn,
            &self.base_url,
            locale,
            name.as_deref().unwrap_or(""),
            row.request_id,
            &row.payload,
        )
        .map_err(|e| Failure::Retry(e.to_string()))?;
        data["reopen_days"] = json!(self.reopen_days);
        let rendered = self
            .templates
            .render(&row.template, locale, &data)
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        let number = data["r"]["number"].as_str().map(str::to_string);
        let subject = match &number {
            Some(n) => format!("[{n}] {}", rendered.subject),
            None => rendered.subject.clone(),
        };
        let message_id = self.message_id(row.id);
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject.clone())
            .message_id(Some(message_id.clone()))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".into(),
            ));
        if let Some(r) = &self.reply_to {
            b = b.reply_to(r.clone());
        }
        if let Some(n) = number.as_deref().and_then(RequestNumber::parse) {
            let thread = self.thread_id(n.0);
            b = b.in_reply_to(thread.clone()).references(thread);
        }
        let message = b
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        Ok((message, message_id, subject))
    }

    fn deliver(&self, m: &Message) -> Result<(), Failure> {
        match &self.outgoing {
            Outgoing::Files(t) => t
                .send(m)
                .map(|_| ())
                .map_err(|e| Failure::Retry(e.to_string())),
            Outgoing::Smtp(t) => t.send(m).map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    Failure::Permanent(e.to_string())
                } else {
                    Failure::Retry(e.to_string())
                }
            }),
        }
    }

    /// Sends up to `limit` due messages. Claimed rows stay locked until their outcome is
    /// written, so another server skips them.
    pub fn send_due(&self, conn: &mut PgConnection, limit: i64) -> Result<Report, AppError> {
        conn.transaction(|conn| {
            let rows: Vec<Row> = outbox::table
                .filter(outbox::sent_at.is_null())
                .filter(outbox::failed_at.is_null())
                .filter(outbox::digest.eq(false))
                .filter(outbox::next_try_at.le(Utc::now()))
                .order(outbox::id)
                .limit(limit)
                .for_update()
                .skip_locked()
                .select(Row::as_select())
                .load(conn)?;
            let mut report = Report::default();
            for row in rows {
                let outcome = self
                    .build(conn, &row)
                    .and_then(|(m, id, subject)| self.deliver(&m).map(|_| (id, subject)));
                match outcome {
                    Ok((message_id, subject)) => {
                        diesel::update(outbox::table.find(row.id))
                            .set((
                                outbox::sent_at.eq(Utc::now()),
                                outbox::message_id.eq(message_id),
                                outbox::subject.eq(subject),
                                outbox::attempts.eq(row.attempts + 1),
                                outbox::last_error.eq(None::<String>),
                            ))
                            .execute(conn)?;
                        report.sent += 1;
                    }
                    Err(f) => {
                        let attempts = row.attempts + 1;
                        let (error, last) = match f {
                            Failure::Permanent(e) => (e, true),
                            Failure::Retry(e) => (e, attempts >= self.max_attempts),
                        };
                        log::warn!("message {} to {}: {error}", row.id, row.recipient);
                        let now = Utc::now();
                        diesel::update(outbox::table.find(row.id))
                            .set((
                                outbox::attempts.eq(attempts),
                                outbox::last_error.eq(&error),
                                outbox::next_try_at.eq(now + self.backoff(attempts)),
                                outbox::failed_at.eq(last.then_some(now)),
                            ))
                            .execute(conn)?;
                        if last {
                            report.failed += 1;
                        } else {
                            report.retried += 1;
                        }
                    }
                }
            }
            Ok(report)
        })
    }

    /// Gathers each person's waiting digest rows into one message; returns how many digests.
    pub fn make_digests(&self, conn: &mut PgConnection) -> Result<usize, AppError> {
        conn.transaction(|conn| {
            let rows: Vec<DigestRow> = outbox::table
                .filter(outbox::digest.eq(true))
                .filter(outbox::sent_at.is_null())
                .filter(outbox::failed_at.is_null())
                .order((outbox::recipient_id, outbox::id))
                .for_update()
                .skip_locked()
                .select((
                    outbox::id,
                    outbox::recipient_id,
                    outbox::recipient,
                    outbox::locale,
                    outbox::template,
                    outbox::request_id,
                    outbox::payload,
                ))
                .load(conn)?;
            let mut made = 0;
            let mut i = 0;
            while i < rows.len() {
                let who = rows[i].1;
                let group: Vec<_> = rows[i..]
                    .iter()
                    .take_while(|r| r.1 == who)
                    .cloned()
                    .collect();
                i += group.len();
                let locale = Locale::parse(&group[0].3).unwrap_or_default();
                let items: Vec<(i64, String, Option<i64>, Value)> = group
                    .iter()
                    .map(|r| (r.0, r.4.clone(), r.5, r.6.clone()))
                    .collect();
                let listed =
                    render::digest_items(conn, &self.templates, &self.base_url, locale, &items)?;
                let id: i64 = diesel::insert_into(outbox::table)
                    .values((
                        outbox::recipient_id.eq(who),
                        outbox::recipient.eq(&group[0].2),
                        outbox::template.eq("digest"),
                        outbox::locale.eq(locale.code()),
                        outbox::payload.eq(json!({ "items": listed })),
                    ))
                    .returning(outbox::id)
                    .get_result(conn)?;
                let ids: Vec<i64> = group.iter().map(|r| r.0).collect();
                render::mark_digested(conn, &ids, id)?;
                made += 1;
            }
            Ok(made)
        })
    }
}

/// id, recipient id, address, locale, template, request, payload.
type DigestRow = (i64, Option<i64>, String, String, String, Option<i64>, Value);

enum Failure {
    /// Will not work however often it is tried (a malformed address, a refused recipient).
    Permanent(String),
    Retry(String),
}

/// Puts a failed message back in the queue (an administrator's « Renvoyer »).
pub fn resend(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::failed_at.is_not_null()),
    )
    .set((
        outbox::failed_at.eq(None::<DateTime<Utc>>),
        outbox::attempts.eq(0),
        outbox::next_try_at.eq(Utc::now()),
    ))
    .execute(conn)
}
