//! Sending the outbox: a job claims due rows (`FOR UPDATE SKIP LOCKED`, so two servers never
//! send the same message), renders each in its recipient's language and hands it to SMTP — or,
//! without an SMTP server, writes it as an .eml file. A failure is retried with exponential
//! backoff; after the last attempt, or at once for an address that cannot work, the row is
//! marked failed with its error for an administrator to see and resend.

use super::render::{self, MailTemplates};
use crate::config::Settings;
use crate::db::UserId;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::requests::model::RequestNumber;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{FileTransport, Message, Transport};
use rand::RngCore;
use serde_json::{json, Value};

enum Outgoing {
    Smtp(SmtpServer),
    Files(FileTransport),
}

/// Where and how to reach the SMTP server.
struct SmtpServer {
    host: String,
    port: u16,
    /// Implicit TLS from the first byte (port 465).
    implicit_tls: bool,
    /// STARTTLS after the greeting (port 587).
    starttls: Option<TlsParameters>,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
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

use super::queries::Row;

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
                let tls = match s.smtp_security.as_str() {
                    "none" => None,
                    _ => Some(TlsParameters::new(host.clone()).map_err(|e| bad("smtp_host", &e))?),
                };
                Outgoing::Smtp(SmtpServer {
                    host: host.clone(),
                    port: s.smtp_port,
                    implicit_tls: s.smtp_security == "tls",
                    starttls: tls.clone().filter(|_| s.smtp_security == "starttls"),
                    tls,
                    credentials: match (&s.smtp_username, &s.smtp_password) {
                        (Some(u), Some(p)) => Some(Credentials::new(u.clone(), p.clone())),
                        _ => None,
                    },
                })
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
        cache: &mut render::Cache,
        row: &Row,
    ) -> Result<(Message, String, String), Failure> {
        if cache
            .undeliverable
            .contains(&row.recipient.trim().to_lowercase())
        {
            return Err(Failure::Permanent(format!(
                "adresse non distribuable (retour permanent) : {}",
                row.recipient
            )));
        }
        let to: Mailbox = row.recipient.trim().parse().map_err(|e| {
            Failure::Permanent(format!(
                "adresse du destinataire invalide « {} » : {e}",
                row.recipient
            ))
        })?;
        let locale = Locale::parse(&row.locale).unwrap_or_default();
        let name: Option<String> = row
            .recipient_id
            .and_then(|id| cache.names.get(&id).cloned());
        let mut data = render::data_for(
            conn,
            cache,
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
        // A refusal or an acknowledgement sent in answer to someone's message is an automatic
        // reply (RFC 3834), which their own auto-responder must not answer.
        let answers = row
            .payload
            .get("answers")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty() && !id.contains(['\r', '\n', '<', '>']))
            .map(|id| format!("<{id}>"));
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject.clone())
            .message_id(Some(message_id.clone()))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                if answers.is_some() {
                    "auto-replied".into()
                } else {
                    "auto-generated".into()
                },
            ));
        let request_number = number.as_deref().and_then(RequestNumber::parse);
        if let Some(r) = &self.reply_to {
            // Replies about a request go to its signed address, which survives relays that
            // rewrite Message-IDs (see `inbound::thread`).
            let reply_to = match (request_number, &cache.reply_key) {
                (Some(n), Some(key)) => {
                    let address = crate::signing::reply_address(r.email.as_ref(), key, n.0);
                    address
                        .parse()
                        .map(|a| Mailbox::new(r.name.clone(), a))
                        .unwrap_or_else(|_| r.clone())
                }
                _ => r.clone(),
            };
            b = b.reply_to(reply_to);
        }
        match (request_number, answers) {
            (Some(n), _) => {
                let thread = self.thread_id(n.0);
                b = b.in_reply_to(thread.clone()).references(thread);
            }
            (None, Some(answered)) => b = b.in_reply_to(answered.clone()).references(answered),
            (None, None) => {}
        }
        let message = b
            .multipart(MultiPart::alternative_plain_html(
                rendered.text,
                rendered.html,
            ))
            .map_err(|e| Failure::Permanent(e.to_string()))?;
        Ok((message, message_id, subject))
    }

    /// Delivers a batch: to files, or over one SMTP session (reopened if the server drops it).
    fn deliver_all(&self, messages: &[&Message]) -> Vec<Result<(), Failure>> {
        match &self.outgoing {
            Outgoing::Files(t) => messages
                .iter()
                .map(|m| {
                    t.send(m)
                        .map(|_| ())
                        .map_err(|e| Failure::Retry(e.to_string()))
                })
                .collect(),
            Outgoing::Smtp(_) if messages.is_empty() => Vec::new(),
            Outgoing::Smtp(server) => {
                // The session runs on its own small runtime and thread, so it works the same
                // from the server's job, a command or a test.
                let lost = |e: String| -> Vec<Result<(), Failure>> {
                    messages
                        .iter()
                        .map(|_| Err(Failure::Retry(e.clone())))
                        .collect()
                };
                std::thread::scope(|scope| {
                    scope
                        .spawn(|| {
                            match tokio::runtime::Builder::new_current_thread()
                                .enable_all()
                                .build()
                            {
                                Ok(rt) => rt.block_on(smtp_session(server, messages)),
                                Err(e) => lost(e.to_string()),
                            }
                        })
                        .join()
                        .unwrap_or_else(|_| lost("SMTP session failed".into()))
                })
            }
        }
    }

    /// Sends up to `limit` due messages. Claimed rows stay locked until their outcome is
    /// written, so another server skips them.
    pub fn send_due(&self, conn: &mut PgConnection, limit: i64) -> Result<Report, AppError> {
        conn.transaction(|conn| {
            let rows = super::queries::claim_due(conn, limit)?;
            let mut report = Report::default();
            if rows.is_empty() {
                return Ok(report);
            }
            let mut cache = render::Cache::default();
            if self.reply_to.is_some() {
                cache.reply_key = Some(crate::signing::instance_key(conn)?);
            }
            let recipients: Vec<String> = rows.iter().map(|r| r.recipient.to_lowercase()).collect();
            cache.undeliverable = super::undeliverable(conn, &recipients)?;
            let ids: Vec<UserId> = rows
                .iter()
                .filter_map(|r| r.recipient_id)
                .map(UserId)
                .collect();
            cache.names = crate::users::queries::by_ids(conn, &ids)?
                .into_iter()
                .map(|u| (u.id.0, u.display_name))
                .collect();
            let built: Vec<Result<(Message, String, String), Failure>> = rows
                .iter()
                .map(|row| self.build(conn, &mut cache, row))
                .collect();
            let ready: Vec<&Message> = built
                .iter()
                .filter_map(|b| b.as_ref().ok())
                .map(|b| &b.0)
                .collect();
            let mut delivered = self.deliver_all(&ready).into_iter();
            let mut sent = Vec::new();
            for (row, b) in rows.into_iter().zip(built) {
                let outcome = match b {
                    Ok((_, id, subject)) => delivered
                        .next()
                        .unwrap_or_else(|| Err(Failure::Retry("not delivered".into())))
                        .map(|_| (id, subject)),
                    Err(f) => Err(f),
                };
                match outcome {
                    Ok((message_id, subject)) => {
                        sent.push((row.id, message_id, subject));
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
                        let next = now + self.backoff(attempts);
                        let failed = last.then_some(now);
                        super::queries::mark_failed(conn, row.id, attempts, &error, next, failed)?;
                        if last {
                            report.failed += 1;
                        } else {
                            report.retried += 1;
                        }
                    }
                }
            }
            super::queries::mark_sent(conn, &sent, Utc::now())?;
            Ok(report)
        })
    }

    /// Gathers each person's waiting digest rows into one message; returns how many digests.
    pub fn make_digests(&self, conn: &mut PgConnection) -> Result<usize, AppError> {
        conn.transaction(|conn| {
            let rows = super::queries::claim_digest_rows(conn)?;
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
                let payload = json!({ "items": listed });
                let id =
                    super::queries::insert_digest(conn, who, &group[0].2, locale.code(), payload)?;
                let ids: Vec<i64> = group.iter().map(|r| r.0).collect();
                super::queries::mark_digested(conn, &ids, id)?;
                made += 1;
            }
            Ok(made)
        })
    }
}

const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn failure(e: lettre::transport::smtp::Error) -> Failure {
    if e.is_permanent() {
        Failure::Permanent(e.to_string())
    } else {
        Failure::Retry(e.to_string())
    }
}

/// Opens an SMTP session. The TCP connection has Nagle's algorithm off: lettre writes the end
/// of DATA separately, and with Nagle each message would wait for the server's delayed ACK.
async fn smtp_connect(s: &SmtpServer) -> Result<AsyncSmtpConnection, Failure> {
    let hello = ClientId::default();
    let retry = Failure::Retry;
    let mut conn = if s.implicit_tls {
        AsyncSmtpConnection::connect_tokio1(
            (s.host.as_str(), s.port),
            Some(SMTP_TIMEOUT),
            &hello,
            s.tls.clone(),
            None,
        )
        .await
        .map_err(failure)?
    } else {
        let tcp = tokio::time::timeout(
            SMTP_TIMEOUT,
            tokio::net::TcpStream::connect((s.host.as_str(), s.port)),
        )
        .await
        .map_err(|_| retry(format!("SMTP {}:{}: connection timed out", s.host, s.port)))?
        .map_err(|e| retry(format!("SMTP {}:{}: {e}", s.host, s.port)))?;
        tcp.set_nodelay(true).map_err(|e| retry(e.to_string()))?;
        let mut conn = tokio::time::timeout(
            SMTP_TIMEOUT,
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &hello),
        )
        .await
        .map_err(|_| retry("SMTP greeting timed out".into()))?
        .map_err(failure)?;
        if let Some(tls) = &s.starttls {
            conn.starttls(tls.clone(), &hello).await.map_err(failure)?;
        }
        conn
    };
    if let Some(c) = &s.credentials {
        conn.auth(&[Mechanism::Plain, Mechanism::Login], c)
            .await
            .map_err(failure)?;
    }
    Ok(conn)
}

/// Sends each message over one session, reopening it if the server drops it; when the server
/// cannot be reached, every message left waits for the next try.
async fn smtp_session(s: &SmtpServer, messages: &[&Message]) -> Vec<Result<(), Failure>> {
    let mut out: Vec<Result<(), Failure>> = Vec::with_capacity(messages.len());
    let mut conn: Option<AsyncSmtpConnection> = None;
    for m in messages {
        if conn.as_ref().is_none_or(|c| c.has_broken()) {
            match smtp_connect(s).await {
                Ok(c) => conn = Some(c),
                Err(Failure::Permanent(e) | Failure::Retry(e)) => {
                    while out.len() < messages.len() {
                        out.push(Err(Failure::Retry(e.clone())));
                    }
                    return out;
                }
            }
        }
        let Some(c) = conn.as_mut() else { break };
        let sent = tokio::time::timeout(SMTP_TIMEOUT, c.send(m.envelope(), &m.formatted())).await;
        out.push(match sent {
            Ok(r) => r.map(|_| ()).map_err(failure),
            Err(_) => {
                conn = None;
                Err(Failure::Retry("SMTP timed out".into()))
            }
        });
    }
    if let Some(mut c) = conn {
        let _ = c.quit().await;
    }
    out
}

enum Failure {
    /// Will not work however often it is tried (a malformed address, a refused recipient).
    Permanent(String),
    Retry(String),
}
