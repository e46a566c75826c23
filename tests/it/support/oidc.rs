//! A real OpenID Connect provider (the npm package `oidc-provider`, tests/oidc/provider.mjs) on
//! loopback, and a user agent that signs in on its development login page as a browser would.

use super::smtp::free_port;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const CLIENT_SECRET: &str = "secret-de-test-oidc";

pub struct OidcProvider {
    child: Child,
    pub issuer: String,
    /// What a slow provider wrote of its calls (`> GET /me`, `< GET /me`).
    calls: Arc<Mutex<Vec<String>>>,
}

impl OidcProvider {
    /// Starts a provider whose client `guichet` may come back to `redirect_uri`.
    pub fn start(redirect_uri: &str) -> OidcProvider {
        OidcProvider::start_slow(redirect_uri, 0)
    }

    /// A provider whose discovery, keys, token and userinfo endpoints answer `delay_ms` late.
    pub fn start_slow(redirect_uri: &str, delay_ms: u64) -> OidcProvider {
        let port = free_port();
        let mut child = Command::new(std::env::var("TEST_NODE").unwrap_or_else(|_| "node".into()))
            .arg("tests/oidc/provider.mjs")
            .env("PORT", port.to_string())
            .env("REDIRECT_URI", redirect_uri)
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .env("DELAY_MS", delay_ms.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node (tests/oidc: npm ci) for the OIDC provider");
        let calls = Arc::new(Mutex::new(Vec::new()));
        if let Some(out) = child.stdout.take() {
            let calls = calls.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    calls.lock().unwrap().push(line);
                }
            });
        }
        let issuer = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let up = ureq::get(&format!("{issuer}/.well-known/openid-configuration"))
                .call()
                .is_ok();
            if up {
                break;
            }
            assert!(Instant::now() < deadline, "the OIDC provider did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        OidcProvider {
            child,
            issuer,
            calls,
        }
    }

    /// Whether a call to a slow endpoint has started and not ended.
    pub fn answering(&self) -> bool {
        let calls = self.calls.lock().unwrap();
        let started = calls.iter().filter(|l| l.starts_with("> ")).count();
        started > calls.iter().filter(|l| l.starts_with("< ")).count()
    }

    /// The slow endpoints called so far, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// Plays the person at the provider: from the authorization address Guichet sent the browser
    /// to, signs in as `login` and consents; returns the address the provider sends back to.
    pub fn sign_in(&self, authorize_url: &str, login: &str, redirect_uri: &str) -> String {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        let mut url = authorize_url.to_string();
        for _ in 0..12 {
            if url.starts_with(redirect_uri) {
                return url;
            }
            let mut res = agent.get(&url).call().expect("provider reachable");
            if res.status().is_redirection() {
                url = self.absolute(location(&res));
                continue;
            }
            let body = res.body_mut().read_to_string().unwrap();
            assert!(res.status().is_success(), "{}: {body}", res.status());
            let form: Vec<(&str, &str)> = if body.contains("name=\"login\"") {
                vec![("prompt", "login"), ("login", login), ("password", "x")]
            } else {
                vec![("prompt", "consent")]
            };
            let res = agent
                .post(&url)
                .send_form(form)
                .expect("provider reachable");
            assert!(res.status().is_redirection(), "{}", res.status());
            url = self.absolute(location(&res));
        }
        panic!("the provider never sent the browser back: {url}");
    }

    fn absolute(&self, location: String) -> String {
        if location.starts_with('/') {
            format!("{}{location}", self.issuer)
        } else {
            location
        }
    }
}

fn location(res: &ureq::http::Response<ureq::Body>) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
