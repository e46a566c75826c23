//! Polling the support mailbox over IMAP (`async-imap` over `tokio-rustls`): each round fetches
//! the waiting messages, hands each to the pipeline, then marks it read (and moves it to the
//! processed folder when one is set). A message whose processing failed for a passing reason
//! (database down) is left as it was, to be fetched again; one already processed is
//! recognized by its Message-ID. A connection failure is logged and retried next round.

use super::intake::Intake;
use super::service::{self, Channel};
use crate::config::Settings;
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::storage::Storage;
use async_imap::{Authenticator, Client};
use futures_util::TryStreamExt;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub fetched: usize,
    pub processed: usize,
    /// Left in the mailbox for the next round (a passing failure, or too large).
    pub left: usize,
}

/// Messages fetched per round, at most.
const BATCH: usize = 50;
const TIMEOUT: Duration = Duration::from_secs(60);

struct XOauth2 {
    user: String,
    token: String,
}

impl Authenticator for &XOauth2 {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

fn tls_config(ca_file: Option<&std::path::Path>) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert.map_err(|e| format!("{}: {e}", path.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
}

/// One polling round against the configured mailbox.
pub async fn poll(s: &Settings, pool: &PgPool, storage: &Storage) -> Result<Round, String> {
    let host = s.imap_host.clone().ok_or("imap_host is not set")?;
    let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect((host.as_str(), s.imap_port)))
        .await
        .map_err(|_| format!("{host}:{}: connection timed out", s.imap_port))?
        .map_err(|e| format!("{host}:{}: {e}", s.imap_port))?;
    let _ = tcp.set_nodelay(true);
    if s.imap_security == "tls" {
        let config = tls_config(s.imap_ca_file.as_deref())?;
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| format!("imap_host: {e}"))?;
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| format!("{host}: TLS: {e}"))?;
        session(Client::new(tls), s, pool, storage).await
    } else {
        session(Client::new(tcp), s, pool, storage).await
    }
}

async fn session<T>(
    mut client: Client<T>,
    s: &Settings,
    pool: &PgPool,
    storage: &Storage,
) -> Result<Round, String>
where
    T: AsyncRead + AsyncWrite + Unpin + Debug + Send,
{
    let e = |what: &str, err: &dyn std::fmt::Display| format!("IMAP {what}: {err}");
    tokio::time::timeout(TIMEOUT, client.read_response())
        .await
        .map_err(|_| "IMAP greeting timed out".to_string())?
        .map_err(|x| e("greeting", &x))?
        .ok_or("the IMAP server closed the connection")?;
    let user = s.imap_username.clone().unwrap_or_default();
    let secret = s.imap_password.clone().unwrap_or_default();
    let mut imap = if s.imap_auth == "xoauth2" {
        let auth = XOauth2 {
            user: user.clone(),
            token: secret,
        };
        client
            .authenticate("XOAUTH2", &auth)
            .await
            .map_err(|(x, _)| e("authentication", &x))?
    } else {
        client
            .login(&user, &secret)
            .await
            .map_err(|(x, _)| e("login", &x))?
    };
    imap.select(&s.imap_mailbox)
        .await
        .map_err(|x| e(&format!("select {}", s.imap_mailbox), &x))?;
    // With a processed folder, whatever is left in the mailbox waits; without, the unread.
    let query = if s.imap_processed_mailbox.is_some() {
        "ALL"
    } else {
        "UNSEEN"
    };
    let mut uids: Vec<u32> = imap
        .uid_search(query)
        .await
        .map_err(|x| e("search", &x))?
        .into_iter()
        .collect();
    uids.sort_unstable();
    uids.truncate(BATCH);
    let mut round = Round::default();
    for uid in uids {
        let fetched: Vec<_> = imap
            .uid_fetch(uid.to_string(), "(UID RFC822.SIZE BODY.PEEK[])")
            .await
            .map_err(|x| e("fetch", &x))?
            .try_collect()
            .await
            .map_err(|x| e("fetch", &x))?;
        let Some(raw) = fetched.iter().find_map(|f| f.body().map(<[u8]>::to_vec)) else {
            continue;
        };
        round.fetched += 1;
        let settings = s.clone();
        let storage = storage.clone();
        let outcome = db::run(pool, move |c| {
            let intake = Intake::new(c, &settings)?;
            service::receive(c, &intake, &storage, &raw, Channel::Imap)
        })
        .await;
        let done = match outcome {
            Ok(_) => true,
            Err(AppError::PayloadTooLarge) => {
                log::warn!("IMAP message {uid} is larger than inbound_max_bytes: left unread");
                false
            }
            Err(err) => {
                log::warn!("IMAP message {uid} not processed, will retry: {err}");
                false
            }
        };
        if !done {
            round.left += 1;
            continue;
        }
        round.processed += 1;
        let _: Vec<_> = imap
            .uid_store(uid.to_string(), "+FLAGS (\\Seen)")
            .await
            .map_err(|x| e("store", &x))?
            .try_collect()
            .await
            .map_err(|x| e("store", &x))?;
        if let Some(folder) = &s.imap_processed_mailbox {
            imap.uid_mv(uid.to_string(), folder)
                .await
                .map_err(|x| e(&format!("move to {folder}"), &x))?;
        }
    }
    let _ = imap.logout().await;
    Ok(round)
}

/// Polls forever, every `imap_poll_seconds`; also finishes messages a crash left recorded but
/// unprocessed.
pub async fn run(settings: Arc<Settings>, pool: PgPool, storage: Storage) {
    let every = Duration::from_secs(settings.imap_poll_seconds.max(5));
    loop {
        let polled = if settings.imap_host.is_some() {
            poll(&settings, &pool, &storage).await
        } else {
            Ok(Round::default())
        };
        match polled {
            Ok(r) if r.fetched > 0 => log::info!(
                "IMAP: {} fetched, {} processed, {} left",
                r.fetched,
                r.processed,
                r.left
            ),
            Ok(_) => {}
            Err(err) => log::warn!("IMAP poll failed, retrying in {}s: {err}", every.as_secs()),
        }
        let s = settings.clone();
        let st = storage.clone();
        let pending = db::run(&pool, move |c| {
            let intake = Intake::new(c, &s)?;
            service::process_pending(
                c,
                &intake,
                &st,
                chrono::Utc::now() - chrono::Duration::minutes(1),
            )
        })
        .await;
        if let Err(err) = pending {
            log::warn!("inbound messages left unprocessed: {err}");
        }
        tokio::time::sleep(every).await;
    }
}
