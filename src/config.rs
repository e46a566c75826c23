//! Settings: `guichet.toml` (or `data/guichet.toml`, written by scripts/run.sh) with `GUICHET_*`
//! environment overrides. A bad or missing setting stops start-up with a message naming it.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// PostgreSQL connection URL. Also read from `DATABASE_URL`.
    pub database_url: String,
    /// Address and port the web server listens on.
    #[serde(default = "defaults::bind")]
    pub bind: String,
    /// Public address of this instance, used in links (emails, QR codes).
    #[serde(default = "defaults::base_url")]
    pub base_url: String,
    /// Maximum number of pooled database connections.
    #[serde(default = "defaults::pool_size")]
    pub pool_size: u32,
    /// Folder of the handlebars templates.
    #[serde(default = "defaults::templates_dir")]
    pub templates_dir: PathBuf,
    /// Folder of the CSS, JavaScript and icons.
    #[serde(default = "defaults::static_dir")]
    pub static_dir: PathBuf,
    /// Reload templates from disk on every render (development only).
    #[serde(default)]
    pub reload_templates: bool,
    /// Folder where attachment bytes are stored, addressed by their SHA-256.
    #[serde(default = "defaults::attachments_dir")]
    pub attachments_dir: PathBuf,
    /// Largest attachment accepted, in bytes.
    #[serde(default = "defaults::max_attachment_bytes")]
    pub max_attachment_bytes: usize,
    /// Largest JSON or form body accepted, in bytes.
    #[serde(default = "defaults::max_body_bytes")]
    pub max_body_bytes: usize,
    /// A session ends after this many minutes without activity.
    #[serde(default = "defaults::session_idle_minutes")]
    pub session_idle_minutes: i64,
    /// A session ends this many hours after sign-in, active or not.
    #[serde(default = "defaults::session_max_hours")]
    pub session_max_hours: i64,
    /// Mark cookies `Secure` (turn off only for plain-HTTP demos on 127.0.0.1).
    #[serde(default = "defaults::yes")]
    pub cookie_secure: bool,
    /// Failed sign-ins allowed per address within `sign_in_window_minutes` before refusing.
    #[serde(default = "defaults::max_failed_sign_ins")]
    pub max_failed_sign_ins: i64,
    /// Window, in minutes, over which failed sign-ins are counted.
    #[serde(default = "defaults::sign_in_window_minutes")]
    pub sign_in_window_minutes: i64,
    /// Days after resolution during which the requester may reopen a request.
    #[serde(default = "defaults::reopen_days")]
    pub reopen_days: i64,
    /// Single sign-on: the OpenID Connect provider's issuer address (Microsoft Entra ID:
    /// `https://login.microsoftonline.com/<tenant>/v2.0`). Sign-in by code flow with PKCE.
    #[serde(default)]
    pub oidc_issuer: Option<String>,
    #[serde(default)]
    pub oidc_client_id: Option<String>,
    /// The client's secret (none for a public client).
    #[serde(default)]
    pub oidc_client_secret: Option<String>,
    /// Sign-in with a Guichet password; turn off once everyone signs in with the provider
    /// (API tokens still work).
    #[serde(default = "defaults::yes")]
    pub password_sign_in: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy you run).
    #[serde(default)]
    pub trust_proxy: bool,
    /// Number of worker threads of the web server (0 = one per core).
    #[serde(default)]
    pub workers: usize,
    /// SMTP server for outgoing mail; without one, messages are written as .eml files to
    /// `mail_dir`.
    #[serde(default)]
    pub smtp_host: Option<String>,
    #[serde(default = "defaults::smtp_port")]
    pub smtp_port: u16,
    /// `starttls` (port 587), `tls` (implicit TLS, port 465) or `none` (a relay on a trusted
    /// network only).
    #[serde(default = "defaults::smtp_security")]
    pub smtp_security: String,
    #[serde(default)]
    pub smtp_username: Option<String>,
    #[serde(default)]
    pub smtp_password: Option<String>,
    /// The sender of notifications, e.g. `Guichet <guichet@example.org>`.
    #[serde(default = "defaults::mail_from")]
    pub mail_from: String,
    /// Where replies go: the support mailbox Guichet reads (inbound mail).
    #[serde(default)]
    pub mail_reply_to: Option<String>,
    /// Folder of the .eml files written when no SMTP server is configured.
    #[serde(default = "defaults::mail_dir")]
    pub mail_dir: PathBuf,
    /// Attempts before a message is marked failed (shown to admins, who may resend it).
    #[serde(default = "defaults::mail_max_attempts")]
    pub mail_max_attempts: i32,
    /// Wait before the first retry, in seconds; doubled at each attempt, at most an hour.
    #[serde(default = "defaults::mail_retry_seconds")]
    pub mail_retry_seconds: i64,
    /// Hour (0–23, America/Toronto) at which daily digests are sent.
    #[serde(default = "defaults::digest_hour")]
    pub digest_hour: u32,
    /// Largest inbound message accepted, in bytes (60 MB). It must leave room above
    /// `max_attachment_bytes` (base64 makes a file a third larger), so that a message with a
    /// file over the attachment limit still comes in, the file being left out with a note.
    #[serde(default = "defaults::inbound_max_bytes")]
    pub inbound_max_bytes: usize,
    /// Secret the MTA pipe (`guichet mailgate`) and `POST /api/v1/inbound-mail` present as a
    /// Bearer token; without it, the HTTP intake is closed.
    #[serde(default)]
    pub inbound_token: Option<String>,
    /// Category code of requests opened by a new message (a `+code` on the support address
    /// chooses another); without it, new messages get a reply pointing to the web form.
    #[serde(default)]
    pub inbound_category: Option<String>,
    /// Messages from addresses that are nobody's: `reject` (a polite reply) or `triage` (a
    /// request in the name of a guest account, for the unit `inbound_triage_unit`).
    #[serde(default = "defaults::inbound_unknown_senders")]
    pub inbound_unknown_senders: String,
    #[serde(default)]
    pub inbound_triage_unit: Option<String>,
    /// The support mailbox Guichet polls; without `imap_host`, no polling.
    #[serde(default)]
    pub imap_host: Option<String>,
    #[serde(default = "defaults::imap_port")]
    pub imap_port: u16,
    /// `tls` (implicit TLS, port 993) or `none` (a server on this machine only).
    #[serde(default = "defaults::imap_security")]
    pub imap_security: String,
    #[serde(default)]
    pub imap_username: Option<String>,
    /// The password, or with `imap_auth = "xoauth2"` an OAuth2 access token (Microsoft 365,
    /// Google Workspace).
    #[serde(default)]
    pub imap_password: Option<String>,
    /// `password` (LOGIN) or `xoauth2`.
    #[serde(default = "defaults::imap_auth")]
    pub imap_auth: String,
    #[serde(default = "defaults::imap_mailbox")]
    pub imap_mailbox: String,
    /// Folder processed messages are moved to; without it they are only marked as read.
    #[serde(default)]
    pub imap_processed_mailbox: Option<String>,
    /// A PEM file of certificate authorities to trust for IMAP besides the usual ones.
    #[serde(default)]
    pub imap_ca_file: Option<PathBuf>,
    /// Seconds between two polls of the mailbox.
    #[serde(default = "defaults::imap_poll_seconds")]
    pub imap_poll_seconds: u64,
    /// The loan conditions the borrower accepts at checkout (care, loss and theft, return date).
    #[serde(default = "defaults::loan_conditions")]
    pub loan_conditions: String,
    /// Days a loan may be overdue before the borrowing unit's director is told.
    #[serde(default = "defaults::loan_escalation_days")]
    pub loan_escalation_days: i64,
    /// Requests each API token may make per minute (0: no limit); beyond, 429.
    #[serde(default = "defaults::api_requests_per_minute")]
    pub api_requests_per_minute: u32,
}

impl Settings {
    /// The default text of the loan conditions (for the demonstration data).
    pub fn default_loan_conditions() -> String {
        defaults::loan_conditions()
    }
}

mod defaults {
    use std::path::PathBuf;
    pub fn bind() -> String {
        "127.0.0.1:8080".into()
    }
    pub fn base_url() -> String {
        "http://127.0.0.1:8080".into()
    }
    pub fn pool_size() -> u32 {
        16
    }
    pub fn templates_dir() -> PathBuf {
        "templates".into()
    }
    pub fn static_dir() -> PathBuf {
        "static".into()
    }
    pub fn attachments_dir() -> PathBuf {
        "data/attachments".into()
    }
    pub fn max_attachment_bytes() -> usize {
        25 * 1024 * 1024
    }
    pub fn max_body_bytes() -> usize {
        256 * 1024
    }
    pub fn session_idle_minutes() -> i64 {
        120
    }
    pub fn session_max_hours() -> i64 {
        12
    }
    pub fn yes() -> bool {
        true
    }
    pub fn max_failed_sign_ins() -> i64 {
        5
    }
    pub fn sign_in_window_minutes() -> i64 {
        15
    }
    pub fn reopen_days() -> i64 {
        10
    }
    pub fn smtp_port() -> u16 {
        587
    }
    pub fn smtp_security() -> String {
        "starttls".into()
    }
    pub fn mail_from() -> String {
        "Guichet <guichet@localhost>".into()
    }
    pub fn mail_dir() -> PathBuf {
        "data/mail".into()
    }
    pub fn mail_max_attempts() -> i32 {
        8
    }
    pub fn mail_retry_seconds() -> i64 {
        30
    }
    pub fn digest_hour() -> u32 {
        7
    }
    pub fn inbound_max_bytes() -> usize {
        60 * 1024 * 1024
    }
    pub fn inbound_unknown_senders() -> String {
        "reject".into()
    }
    pub fn imap_port() -> u16 {
        993
    }
    pub fn imap_security() -> String {
        "tls".into()
    }
    pub fn imap_auth() -> String {
        "password".into()
    }
    pub fn imap_mailbox() -> String {
        "INBOX".into()
    }
    pub fn imap_poll_seconds() -> u64 {
        60
    }
    pub fn loan_conditions() -> String {
        "J'utilise l'équipement prêté avec soin, pour le travail, et je ne le prête à personne. \
         Je le rapporte au plus tard à la date de retour, avec ses accessoires. Je signale sans délai \
         toute perte, tout vol ou tout bris au service qui me l'a prêté. / I use the equipment with \
         care, for work, and lend it to nobody. I bring it back by the return date with its \
         accessories, and report any loss, theft or damage at once to the service that lent it."
            .into()
    }
    pub fn api_requests_per_minute() -> u32 {
        1200
    }
    pub fn loan_escalation_days() -> i64 {
        3
    }
}

/// Variables that start with `GUICHET_` but are not settings.
const NOT_SETTINGS: &[&str] = &["GUICHET_CONFIG", "GUICHET_ADMIN_PASSWORD", "GUICHET_LOG"];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("configuration file {path} is not valid TOML: {message}")]
    Parse { path: String, message: String },
    #[error("setting `{setting}`: {message}")]
    Setting { setting: String, message: String },
}

impl Settings {
    /// Loads the settings from the first configuration file found (the explicit path,
    /// `GUICHET_CONFIG`, `./guichet.toml`, `./data/guichet.toml`) and the environment.
    pub fn load(explicit: Option<&Path>) -> Result<Settings, ConfigError> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let path = explicit
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("GUICHET_CONFIG").map(PathBuf::from))
            .or_else(|| {
                ["guichet.toml", "data/guichet.toml"]
                    .iter()
                    .map(PathBuf::from)
                    .find(|p| p.exists())
            });
        let text = match &path {
            Some(p) => std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                path: p.display().to_string(),
                source,
            })?,
            None => String::new(),
        };
        Self::from_sources(
            &text,
            &path.map(|p| p.display().to_string()).unwrap_or_default(),
            &env,
        )
    }

    /// Builds settings from TOML text and environment pairs (pure, for tests).
    pub fn from_sources(
        toml_text: &str,
        path: &str,
        env: &[(String, String)],
    ) -> Result<Settings, ConfigError> {
        let mut table: toml::Table =
            toml_text
                .parse()
                .map_err(|e: toml::de::Error| ConfigError::Parse {
                    path: path.to_string(),
                    message: e.message().to_string(),
                })?;
        for (name, value) in env {
            let key = if name == "DATABASE_URL" {
                "database_url".to_string()
            } else if let Some(rest) = name.strip_prefix("GUICHET_") {
                if NOT_SETTINGS.contains(&name.as_str()) {
                    continue;
                }
                rest.to_ascii_lowercase()
            } else {
                continue;
            };
            // Environment values are strings; numbers and booleans are recognized.
            let parsed = if let Ok(n) = value.parse::<i64>() {
                toml::Value::Integer(n)
            } else if value == "true" || value == "false" {
                toml::Value::Boolean(value == "true")
            } else {
                toml::Value::String(value.clone())
            };
            table.insert(key, parsed);
        }
        if !table.contains_key("database_url") {
            return Err(ConfigError::Setting {
                setting: "database_url".into(),
                message:
                    "missing; set it in guichet.toml or with DATABASE_URL / GUICHET_DATABASE_URL"
                        .into(),
            });
        }
        let settings: Settings = serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                setting_error(&path, inner.message())
            })?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |setting: &str, message: &str| {
            Err(ConfigError::Setting {
                setting: setting.into(),
                message: message.into(),
            })
        };
        if !self.database_url.starts_with("postgres://")
            && !self.database_url.starts_with("postgresql://")
        {
            return bad(
                "database_url",
                "must start with postgres:// or postgresql://",
            );
        }
        if self.bind.parse::<std::net::SocketAddr>().is_err() {
            return bad("bind", "must be an address and port such as 127.0.0.1:8080");
        }
        if url::Url::parse(&self.base_url).is_err() {
            return bad(
                "base_url",
                "must be an absolute URL such as https://guichet.example.org",
            );
        }
        if self.pool_size == 0 {
            return bad("pool_size", "must be at least 1");
        }
        if let Some(issuer) = &self.oidc_issuer {
            if url::Url::parse(issuer).is_err() {
                return bad("oidc_issuer", "must be the provider's issuer URL");
            }
            if self.oidc_client_id.as_deref().unwrap_or("").is_empty() {
                return bad("oidc_client_id", "is required with oidc_issuer");
            }
        }
        if !self.password_sign_in && self.oidc_issuer.is_none() {
            return bad(
                "password_sign_in",
                "can be false only with single sign-on (oidc_issuer): nobody could sign in",
            );
        }
        if self.session_max_hours < 1 {
            return bad("session_max_hours", "must be at least 1");
        }
        if self.session_idle_minutes < 1 {
            return bad("session_idle_minutes", "must be at least 1");
        }
        if self.max_attachment_bytes == 0 {
            return bad("max_attachment_bytes", "must be at least 1");
        }
        if self.inbound_max_bytes < self.max_attachment_bytes / 2 * 3 {
            return bad(
                "inbound_max_bytes",
                "must be at least 1.5 × max_attachment_bytes, so that a message with a file over \
                 the attachment limit is still accepted (the file left out with a note)",
            );
        }
        if !["reject", "triage"].contains(&self.inbound_unknown_senders.as_str()) {
            return bad("inbound_unknown_senders", "must be reject or triage");
        }
        if self.inbound_unknown_senders == "triage" && self.inbound_triage_unit.is_none() {
            return bad(
                "inbound_triage_unit",
                "must name the unit code of guests' requests when inbound_unknown_senders = triage",
            );
        }
        if !["tls", "none"].contains(&self.imap_security.as_str()) {
            return bad("imap_security", "must be tls or none");
        }
        if !["password", "xoauth2"].contains(&self.imap_auth.as_str()) {
            return bad("imap_auth", "must be password or xoauth2");
        }
        if self.imap_host.is_some()
            && (self.imap_username.is_none() || self.imap_password.is_none())
        {
            return bad(
                "imap_username",
                "and imap_password are needed with imap_host",
            );
        }
        if !["starttls", "tls", "none"].contains(&self.smtp_security.as_str()) {
            return bad("smtp_security", "must be starttls, tls or none");
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return bad(
                "mail_from",
                "must be an address such as Guichet <guichet@example.org>",
            );
        }
        if let Some(r) = &self.mail_reply_to {
            if r.parse::<lettre::message::Mailbox>().is_err() {
                return bad(
                    "mail_reply_to",
                    "must be an address such as soutien@example.org",
                );
            }
        }
        if self.mail_max_attempts < 1 {
            return bad("mail_max_attempts", "must be at least 1");
        }
        if self.digest_hour > 23 {
            return bad("digest_hour", "must be an hour from 0 to 23");
        }
        Ok(())
    }
}

/// Names the setting first: the path serde stopped at, or the unknown field it quotes.
fn setting_error(path: &str, message: &str) -> ConfigError {
    let setting = if path.is_empty() || path == "." {
        message.split('`').nth(1).unwrap_or("(unknown)").to_string()
    } else {
        path.to_string()
    };
    ConfigError::Setting {
        setting,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn environment_overrides_the_file() {
        let s = Settings::from_sources(
            "database_url = \"postgres://a/b\"\nbind = \"127.0.0.1:9000\"",
            "x.toml",
            &env(&[
                ("GUICHET_BIND", "127.0.0.1:9001"),
                ("GUICHET_COOKIE_SECURE", "false"),
            ]),
        )
        .unwrap();
        assert_eq!(s.bind, "127.0.0.1:9001");
        assert!(!s.cookie_secure);
        assert_eq!(s.max_attachment_bytes, 25 * 1024 * 1024);
    }

    /// The settings of a file holding a database URL and `extra`, or the error's text.
    fn with(extra: &str) -> Result<Settings, String> {
        Settings::from_sources(
            &format!("database_url = \"postgres://a/b\"\n{extra}"),
            "",
            &[],
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn the_message_limit_leaves_room_above_the_attachment_limit() {
        let s = with;
        let defaults = s("").unwrap();
        assert!(defaults.inbound_max_bytes >= defaults.max_attachment_bytes / 2 * 3);
        let err = s("inbound_max_bytes = 30000000").unwrap_err();
        assert!(err.contains("inbound_max_bytes"), "{err}");
        assert!(s("max_attachment_bytes = 10000000\ninbound_max_bytes = 15000000").is_ok());
    }

    #[test]
    fn single_sign_on_needs_its_client_and_passwords_go_only_with_it() {
        let s = with;
        let err = s("oidc_issuer = \"https://login.example/v2.0\"").unwrap_err();
        assert!(err.contains("oidc_client_id"), "{err}");
        let err = s("password_sign_in = false").unwrap_err();
        assert!(err.contains("password_sign_in"), "{err}");
        let ok = s("oidc_issuer = \"https://login.example/v2.0\"\noidc_client_id = \"guichet\"\npassword_sign_in = false")
            .unwrap();
        assert!(!ok.password_sign_in);
    }

    #[test]
    fn a_missing_database_url_names_the_setting() {
        let err = Settings::from_sources("", "", &[]).unwrap_err().to_string();
        assert!(err.contains("database_url"), "{err}");
    }

    #[test]
    fn an_unknown_setting_is_refused_by_name() {
        let err =
            Settings::from_sources("database_url = \"postgres://a/b\"\nbnid = \"x\"", "", &[])
                .unwrap_err()
                .to_string();
        assert!(err.contains("bnid"), "{err}");
    }

    #[test]
    fn a_bad_value_names_the_setting() {
        let err = Settings::from_sources(
            "database_url = \"postgres://a/b\"",
            "",
            &env(&[("GUICHET_BIND", "nowhere")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`bind`"), "{err}");
        let err = Settings::from_sources(
            "database_url = \"postgres://a/b\"",
            "",
            &env(&[("GUICHET_POOL_SIZE", "many")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("pool_size"), "{err}");
    }
}
