//! Hostile and broken input is cleaned, not stored: CR and LF never reach a title, split RFC 2231
//! names decode, broken base64 is never stored raw, empty messages create nothing; and what
//! Guichet sends in answer to a message is marked as an automatic reply (RFC 3834).

use crate::inbound::{new_request, receive, reply, thread, timeline};
use crate::inbound_corpus::attachments;
use crate::support::*;
use diesel::prelude::*;
use serde_json::Value;

fn new_message(subject: &str, id: &str, mime: &str) -> Vec<u8> {
    format!(
        "From: =?utf-8?q?Julie_Tremblay=0D=0ABcc=3A_x=40evil=2Etest?= <{REQUESTER_A}>\r\nTo: soutien@csss.test\r\n\
Subject: {subject}\r\nMessage-ID: <{id}@ecole-a.test>\r\nMIME-Version: 1.0\r\n{mime}"
    )
    .into_bytes()
}

fn request_json(app: &TestApp, number: &str) -> Value {
    let conn = &mut app.conn();
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    use guichet::db::schema::requests as r;
    let (title, description): (String, String) = r::table
        .filter(r::number.eq(n))
        .select((r::title, r::description))
        .first(conn)
        .unwrap();
    serde_json::json!({ "title": title, "description": description, "n": n })
}

fn outbox_to(app: &TestApp, to: &str) -> Vec<(String, Value)> {
    use guichet::db::schema::outbox::dsl::*;
    outbox
        .filter(recipient.eq(to))
        .order(id)
        .select((template, payload))
        .load(&mut app.conn())
        .unwrap()
}

fn requests_count(app: &TestApp) -> i64 {
    use guichet::db::schema::requests::dsl::*;
    requests.count().get_result(&mut app.conn()).unwrap()
}

#[actix_rt::test]
async fn line_breaks_never_reach_a_title_and_split_file_names_decode() {
    let app = TestApp::new().await;
    // An encoded CR LF in the subject would be a header injection once in our notifications.
    let raw = new_message(
        "=?utf-8?q?Projecteur_bris=C3=A9=0D=0ABcc=3A_x=40evil=2Etest?=",
        "crlf",
        "Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nLe projecteur du local 12 ne s'allume plus.\r\n--sep\r\n\
Content-Type: application/pdf\r\n\
Content-Disposition: attachment;\r\n filename*0*=utf-8''r%C3;\r\n filename*1*=%A9sum%C3%A9.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJeLjz9MKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK\r\n--sep--\r\n",
    );
    let r = receive(&app, &raw);
    assert_eq!(r.outcome, "created", "{r:?}");
    let v = request_json(&app, r.request.as_deref().unwrap());
    let title = v["title"].as_str().unwrap();
    assert!(!title.contains(['\r', '\n']), "{title:?}");
    assert_eq!(title, "Projecteur brisé Bcc: x@evil.test");
    assert_eq!(
        attachments(&app, v["n"].as_i64().unwrap()),
        vec!["résumé.pdf"]
    );
    // Nor the subject kept in the log.
    let logged: String = {
        use guichet::db::schema::inbound_messages::dsl::*;
        inbound_messages
            .find(r.id)
            .select(subject)
            .first(&mut app.conn())
            .unwrap()
    };
    assert!(!logged.contains(['\r', '\n']), "{logged:?}");
}

#[actix_rt::test]
async fn broken_base64_is_decoded_leniently_or_left_out_never_stored_raw() {
    let app = TestApp::new().await;
    // A text part whose base64 is broken mid-way (a relay cut a line): what decodes is kept,
    // never the encoded characters.
    let text = "Bonjour, le projecteur du local 12 est brisé.";
    let encoded = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(text)
    };
    let (a, b) = encoded.split_at(20);
    let raw = new_message(
        "Projecteur",
        "b64",
        &format!(
            "Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\n\
Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{a}\r\n!!@@**\r\n{b}\r\n--sep\r\n\
Content-Type: image/png\r\nContent-Disposition: attachment; filename=\"photo.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo%%%%####!!!!\r\n--sep--\r\n"
        ),
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("created", "attachment"),
        "{r:?}"
    );
    let number = r.request.clone().unwrap();
    let v = request_json(&app, &number);
    let description = v["description"].as_str().unwrap();
    assert!(!description.contains(a), "{description:?}");
    assert!(
        description.contains("projecteur du local 12"),
        "{description:?}"
    );
    let n = v["n"].as_i64().unwrap();
    assert!(attachments(&app, n).is_empty());
    let events = timeline(&app, n);
    assert!(
        events
            .iter()
            .any(|e| e.2 == "[Pièce jointe non conservée : photo.png, son encodage est endommagé.]"),
        "{events:?}"
    );
    // Her acknowledgement answers her message and names the file left out.
    let sent = outbox_to(&app, REQUESTER_A);
    let ack = sent
        .iter()
        .find(|(t, _)| t == "request_created")
        .expect("an acknowledgement");
    assert_eq!(ack.1["answers"], "b64@ecole-a.test");
    assert_eq!(ack.1["problems"][0]["what"], "photo.png");
    assert!(
        ack.1["problems"][0]["why"]
            .as_str()
            .unwrap()
            .contains("endommagé"),
        "{}",
        ack.1
    );
    assert!(
        !sent.iter().any(|(t, _)| t == "inbound_refused"),
        "one answer, not two: {sent:?}"
    );
}

#[actix_rt::test]
async fn an_empty_message_creates_nothing_and_gets_a_short_answer() {
    let app = TestApp::new().await;
    let before = requests_count(&app);
    let raw = new_message(
        "",
        "empty",
        "Content-Type: text/plain; charset=utf-8\r\n\r\n\r\n\r\n-- \r\nJulie\r\n",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("ignored", "empty")
    );
    assert_eq!(requests_count(&app), before);
    let sent = outbox_to(&app, REQUESTER_A);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "inbound_refused");
    assert_eq!(sent[0].1["stored"], false);
    assert_eq!(sent[0].1["answers"], "empty@ecole-a.test");
}

#[actix_rt::test]
async fn a_colleague_cannot_write_into_a_confidential_request() {
    let app = TestApp::new().await;
    // Julie's director files a confidential request; Julie, of the same unit, is no party.
    let res = app
        .api(MANAGER_A)
        .post(
            "/api/v1/requests",
            serde_json::json!({"category": "ti-acces-rp", "title": "Accès au dossier", "fields": {"dossier": "Élève 123"}}),
        )
        .await;
    assert_eq!(
        res.status,
        actix_web::http::StatusCode::CREATED,
        "{}",
        res.body
    );
    let number = res.json()["number"].as_str().unwrap().to_string();
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    let before = timeline(&app, n);
    let raw = reply(
        REQUESTER_A,
        &format!("RE: [{number}] Accès au dossier"),
        Some(&thread(n)),
        "Je peux aider.",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("refused", "forbidden")
    );
    assert_eq!(r.request, None, "the number reveals nothing");
    assert_eq!(timeline(&app, n), before);
}

/// Delivers the outbox to files and returns the messages written.
fn deliver(app: &TestApp) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut s = (*app.state.settings).clone();
    s.mail_dir = dir.path().to_path_buf();
    let m = guichet::notify::mailer::Mailer::from_settings(&s).unwrap();
    m.send_due(&mut app.conn(), 100).unwrap();
    std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message
        .split("\r\n\r\n")
        .next()
        .unwrap_or("")
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[actix_rt::test]
async fn answers_to_a_message_are_automatic_replies_and_notifications_automatic_mail() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    deliver(&app);
    // A refused command is answered; a stranger is answered; the requester is notified.
    let raw = reply(
        TECH_TI,
        &format!("RE: [{number}] Projecteur éteint"),
        Some(&thread(n)),
        "#escalader\nJe regarde.",
    );
    assert_eq!(receive(&app, &raw).reason, "command");
    let stranger = reply("parent@courriel.test", "Question", None, "Bonjour");
    assert_eq!(receive(&app, &stranger).reason, "unknown_sender");
    let written = deliver(&app);
    let answered: Vec<&String> = written
        .iter()
        .filter(|m| header(m, "Auto-Submitted") == Some("auto-replied"))
        .collect();
    assert_eq!(answered.len(), 2, "{written:#?}");
    let to_stranger = answered
        .iter()
        .find(|m| header(m, "To").is_some_and(|t| t.contains("parent@courriel.test")))
        .expect("the stranger's answer");
    let theirs = String::from_utf8_lossy(&stranger)
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: ").map(str::to_string))
        .unwrap();
    assert_eq!(header(to_stranger, "In-Reply-To"), Some(theirs.as_str()));
    // The comment told to the requester is a notification: automatic, not a reply.
    let notified: Vec<&String> = written
        .iter()
        .filter(|m| header(m, "To").is_some_and(|t| t.contains(REQUESTER_A)))
        .collect();
    assert!(!notified.is_empty(), "{written:#?}");
    for m in notified {
        assert_eq!(header(m, "Auto-Submitted"), Some("auto-generated"));
    }
}
