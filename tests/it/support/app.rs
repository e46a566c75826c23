//! The application under test: a real database, the real `build_app`, and clients that keep
//! cookies and CSRF tokens (pages) or send bearer tokens (API).

use super::db::TestDb;
use super::world::World;
use actix_web::body::BoxBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{test, web};
use futures_util::future::LocalBoxFuture;
use guichet::config::Settings;
use guichet::AppState;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

type Call = Rc<dyn Fn(actix_http::Request) -> LocalBoxFuture<'static, ServiceResponse<BoxBody>>>;

pub struct TestApp {
    pub state: web::Data<AppState>,
    pub world: World,
    call: Call,
    _files: tempfile::TempDir,
    _db: TestDb,
}

pub fn settings(db: &TestDb, files: &std::path::Path) -> Settings {
    let toml = format!(
        "database_url = \"{}\"\nattachments_dir = \"{}\"\nmax_attachment_bytes = 100000\nmax_body_bytes = 20000\npool_size = 4\n\
         inbound_token = \"{}\"\ninbound_category = \"ti-projecteur\"\nmail_reply_to = \"soutien@csss.test\"\n",
        db.url,
        files.display(),
        crate::inbound::INBOUND_TOKEN
    );
    Settings::from_sources(&toml, "test", &[]).expect("test settings")
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_settings("").await
    }

    /// An application whose settings add (or override) these `guichet.toml` lines.
    pub async fn with_settings(extra: &str) -> TestApp {
        let db = TestDb::new();
        let files = tempfile::tempdir().unwrap();
        let settings = if extra.is_empty() {
            settings(&db, files.path())
        } else {
            let base = settings(&db, files.path());
            let toml = format!(
                "database_url = \"{}\"\nattachments_dir = \"{}\"\nmax_attachment_bytes = 100000\nmax_body_bytes = 20000\npool_size = 4\n\
                 inbound_token = \"{}\"\ninbound_category = \"ti-projecteur\"\nmail_reply_to = \"soutien@csss.test\"\n{extra}\n",
                base.database_url,
                files.path().display(),
                crate::inbound::INBOUND_TOKEN
            );
            Settings::from_sources(&toml, "test", &[]).expect("test settings")
        };
        let pool = db.pool();
        let world = {
            let mut conn = pool.get().unwrap();
            World::create(&mut conn)
        };
        let state = web::Data::new(AppState::new(settings, pool).expect("state"));
        let svc = Rc::new(test::init_service(guichet::build_app(state.clone())).await);
        let call: Call = Rc::new(move |req| {
            let svc = svc.clone();
            Box::pin(async move {
                match svc.call(req).await {
                    Ok(res) => res.map_into_boxed_body(),
                    Err(e) => panic!("service error escaped the error handlers: {e}"),
                }
            })
        });
        TestApp {
            state,
            world,
            call,
            _files: files,
            _db: db,
        }
    }

    /// The number a `SELECT count(*) AS n …` returns.
    pub fn count(&self, sql: &str) -> i64 {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql)
            .get_result::<N>(&mut self.conn())
            .unwrap()
            .n
    }

    pub fn conn(
        &self,
    ) -> diesel::r2d2::PooledConnection<diesel::r2d2::ConnectionManager<diesel::PgConnection>> {
        self.state.pool.get().unwrap()
    }

    pub async fn send(&self, req: test::TestRequest) -> Resp {
        let req = req
            .peer_addr("203.0.113.7:5555".parse().unwrap())
            .to_request();
        let res = (self.call)(req).await;
        Resp::read(res).await
    }

    /// A browser-like client, not signed in.
    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: RefCell::new(HashMap::new()),
            csrf: RefCell::new(None),
            lang: None,
        }
    }

    /// A browser signed in as `email` (demo password).
    pub async fn signed_in(&self, email: &str) -> Browser<'_> {
        let b = self.browser();
        let res = b.sign_in(email, super::world::PASSWORD).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "sign-in of {email} failed: {}",
            res.body
        );
        // Follow the redirect, as a browser does (the landing page carries the session's token).
        let landing = b.get(&res.location()).await;
        let landing = if landing.status == StatusCode::SEE_OTHER {
            b.get(&landing.location()).await
        } else {
            landing
        };
        assert_eq!(
            landing.status,
            StatusCode::OK,
            "landing page of {email}: {}",
            landing.body
        );
        b
    }

    /// An API client with the token of `email`.
    pub fn api(&self, email: &str) -> Api<'_> {
        Api {
            app: self,
            token: self
                .world
                .tokens
                .get(email)
                .cloned()
                .unwrap_or_else(|| panic!("no token for {email}")),
            lang: None,
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    async fn read(res: ServiceResponse<BoxBody>) -> Resp {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await.to_vec();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
            bytes,
        }
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

pub struct Browser<'a> {
    app: &'a TestApp,
    cookies: RefCell<HashMap<String, String>>,
    csrf: RefCell<Option<String>>,
    pub lang: Option<&'static str>,
}

impl Browser<'_> {
    fn with_cookies(&self, mut req: test::TestRequest) -> test::TestRequest {
        let jar = self.cookies.borrow();
        if !jar.is_empty() {
            let header = jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req = req.insert_header(("Cookie", header));
        }
        if let Some(l) = self.lang {
            req = req.insert_header(("Accept-Language", l));
        }
        req
    }

    fn remember(&self, res: &Resp) {
        for v in res.headers.get_all("set-cookie") {
            let s = v.to_str().unwrap();
            let pair = s.split(';').next().unwrap();
            if let Some((k, val)) = pair.split_once('=') {
                if val.is_empty() || s.contains("Max-Age=0") {
                    self.cookies.borrow_mut().remove(k);
                } else {
                    self.cookies
                        .borrow_mut()
                        .insert(k.to_string(), val.to_string());
                }
            }
        }
        if let Some(c) = csrf_in(&res.body) {
            *self.csrf.borrow_mut() = Some(c);
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        let res = self
            .app
            .send(self.with_cookies(test::TestRequest::get().uri(path)))
            .await;
        self.remember(&res);
        res
    }

    /// Posts a form with the CSRF token of the last page seen.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.csrf.borrow().clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = test::TestRequest::post()
            .uri(path)
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(body);
        let res = self.app.send(self.with_cookies(req)).await;
        self.remember(&res);
        res
    }

    pub async fn post_multipart(&self, path: &str, filename: &str, content: &[u8]) -> Resp {
        let csrf = self.csrf.borrow().clone().unwrap_or_default();
        let (ct, body) = multipart(
            &[("csrf", None, csrf.as_bytes())],
            ("file", filename, content),
        );
        let req = test::TestRequest::post()
            .uri(path)
            .insert_header(("Content-Type", ct))
            .set_payload(body);
        let res = self.app.send(self.with_cookies(req)).await;
        self.remember(&res);
        res
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Resp {
        self.get("/login").await;
        self.post("/login", &[("email", email), ("password", password)])
            .await
    }
}

pub fn csrf_in(html: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string()).filter(|s| !s.is_empty())
}

/// Builds a multipart body: text fields then one file.
pub fn multipart(
    fields: &[(&str, Option<&str>, &[u8])],
    file: (&str, &str, &[u8]),
) -> (String, Vec<u8>) {
    let boundary = "----guichet-test-boundary";
    let mut body = Vec::new();
    for (name, _, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0, file.1
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.2);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub struct Api<'a> {
    app: &'a TestApp,
    pub token: String,
    pub lang: Option<&'static str>,
}

impl Api<'_> {
    fn auth(&self, mut req: test::TestRequest) -> test::TestRequest {
        req = req.insert_header(("Authorization", format!("Bearer {}", self.token)));
        if let Some(l) = self.lang {
            req = req.insert_header(("Accept-Language", l));
        }
        req
    }
    pub async fn get(&self, path: &str) -> Resp {
        self.app
            .send(self.auth(test::TestRequest::get().uri(path)))
            .await
    }
    pub async fn post(&self, path: &str, body: serde_json::Value) -> Resp {
        self.app
            .send(self.auth(test::TestRequest::post().uri(path).set_json(body)))
            .await
    }
    /// A POST carrying an `Idempotency-Key`, as a client that may retry sends it.
    pub async fn post_with_key(&self, path: &str, key: &str, body: serde_json::Value) -> Resp {
        let req = test::TestRequest::post()
            .uri(path)
            .insert_header(("Idempotency-Key", key.to_string()))
            .set_json(body);
        self.app.send(self.auth(req)).await
    }
    pub async fn patch(&self, path: &str, body: serde_json::Value) -> Resp {
        self.app
            .send(self.auth(test::TestRequest::patch().uri(path).set_json(body)))
            .await
    }
    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        let req = test::TestRequest::post()
            .uri(path)
            .insert_header(("Content-Type", content_type.to_string()))
            .set_payload(body);
        self.app.send(self.auth(req)).await
    }
    pub async fn upload(&self, path: &str, filename: &str, content: &[u8]) -> Resp {
        let (ct, body) = multipart(&[], ("file", filename, content));
        self.post_raw(path, &ct, body).await
    }
}
