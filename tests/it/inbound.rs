//! Inbound mail against a real database (and, for polling, a real Dovecot IMAP server): replies
//! thread into the right request and act as their sender, once; machines' mail changes nothing;
//! strangers and other units cannot write into a request; a refused command changes nothing and
//! is answered; bounces stop mail to dead addresses; the HTTP intake and the mailgate.

use crate::support::imap::{ImapServer, PASSWORD as IMAP_PASSWORD, USER as IMAP_USER};
use crate::support::*;
use actix_web::http::StatusCode;
use actix_web::test;
use diesel::prelude::*;
use guichet::inbound::intake::Intake;
use guichet::inbound::service::{self, Channel, Receipt};
use serde_json::{json, Value};

pub const INBOUND_TOKEN: &str = "jeton-du-courriel-entrant";

pub fn intake(app: &TestApp) -> Intake {
    Intake::new(&mut app.conn(), &app.state.settings).unwrap()
}

pub fn receive(app: &TestApp, raw: &[u8]) -> Receipt {
    service::receive(
        &mut app.conn(),
        &intake(app),
        &app.state.storage,
        raw,
        Channel::Http,
    )
    .unwrap()
}

pub async fn new_request(app: &TestApp, who: &str, title: &str) -> (String, i64) {
    let res = app
        .api(who)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": title}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();
    let n = number.trim_start_matches("DS-").parse().unwrap();
    (number, n)
}

/// Our thread Message-ID for a request, as notifications carry it.
pub fn thread(n: i64) -> String {
    format!("<ds-{n:06}@127.0.0.1>")
}

/// A reply as a plain mail client writes it.
pub fn reply(from: &str, subject: &str, in_reply_to: Option<&str>, body: &str) -> Vec<u8> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let id = N.fetch_add(1, Ordering::SeqCst);
    let mut m = format!(
        "From: {from}\r\nTo: Soutien <soutien@csss.test>\r\nSubject: {subject}\r\n\
Message-ID: <reply-{id}-{}@client.test>\r\nDate: Fri, 27 Nov 2026 10:00:00 -0500\r\n\
MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        std::process::id()
    );
    if let Some(r) = in_reply_to {
        m.push_str(&format!("In-Reply-To: {r}\r\nReferences: {r}\r\n"));
    }
    m.push_str("\r\n");
    m.push_str(&body.replace('\n', "\r\n"));
    m.into_bytes()
}

/// (kind, actor email, body, internal, data) of a request's timeline.
pub fn timeline(app: &TestApp, n: i64) -> Vec<(String, Option<String>, String, bool, Value)> {
    use guichet::db::schema::{request_events as e, requests as r, users as u};
    e::table
        .inner_join(r::table)
        .left_join(u::table.on(u::id.nullable().eq(e::actor_id)))
        .filter(r::number.eq(n))
        .order(e::id)
        .select((e::kind, u::email.nullable(), e::body, e::internal, e::data))
        .load(&mut app.conn())
        .unwrap()
}

fn status_of(app: &TestApp, n: i64) -> String {
    use guichet::db::schema::requests as r;
    r::table
        .filter(r::number.eq(n))
        .select(r::status)
        .first(&mut app.conn())
        .unwrap()
}

/// (template, recipient) of the outbox, in order.
pub fn outbox(app: &TestApp) -> Vec<(String, String)> {
    use guichet::db::schema::outbox::dsl::*;
    outbox
        .order(id)
        .select((template, recipient))
        .load(&mut app.conn())
        .unwrap()
}

fn payload_of(app: &TestApp, tpl: &str) -> Value {
    use guichet::db::schema::outbox::dsl::*;
    outbox
        .filter(template.eq(tpl))
        .order(id.desc())
        .select(payload)
        .first(&mut app.conn())
        .unwrap()
}

fn clear_outbox(app: &TestApp) {
    diesel::sql_query("DELETE FROM outbox")
        .execute(&mut app.conn())
        .unwrap();
}

#[actix_rt::test]
async fn a_technician_s_reply_becomes_a_comment_told_to_the_others_not_back_to_them() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    clear_outbox(&app);
    let raw = reply(
        "Karim Benali <Karim@STI.test>",
        &format!("RE: [{number}] Demande reçue : Projecteur éteint"),
        Some(&thread(n)),
        "Je passe demain matin avec une lampe neuve.\n\nLe ven. 27 nov. 2026 à 09 h 00, Guichet <guichet@localhost> a écrit :\n> Nous avons bien reçu votre demande",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.request.as_deref()),
        ("applied", Some(number.as_str()))
    );
    let events = timeline(&app, n);
    let last = events.last().unwrap();
    assert_eq!(last.0, "comment");
    assert_eq!(last.1.as_deref(), Some(TECH_TI));
    assert_eq!(last.2, "Je passe demain matin avec une lampe neuve.");
    assert_eq!(last.4["source"], "email");
    assert_eq!(last.4["inbound_id"], r.id);
    // The requester hears of it; the technician gets no copy of their own words.
    let out = outbox(&app);
    assert!(
        out.contains(&("comment".into(), REQUESTER_A.into())),
        "{out:?}"
    );
    assert!(!out.iter().any(|(_, to)| to == TECH_TI), "{out:?}");
    // The whole email, quoted history included, is on the request page.
    let b = app.signed_in(REQUESTER_A).await;
    let page = b.get(&format!("/requests/{number}")).await;
    assert!(page
        .body
        .contains(&format!("/requests/{number}/mail/{}", r.id)));
    let mail = b.get(&format!("/requests/{number}/mail/{}", r.id)).await;
    assert_eq!(mail.status, StatusCode::OK);
    assert!(mail.body.contains("Nous avons bien reçu votre demande"));
    // Someone of another unit cannot read it.
    let other = app.signed_in(REQUESTER_B).await;
    let denied = other
        .get(&format!("/requests/{number}/mail/{}", r.id))
        .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
}

#[actix_rt::test]
async fn resolved_by_email_once_even_when_the_message_comes_twice() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let raw = reply(
        TECH_TI,
        &format!("RE: [{number}] Projecteur éteint"),
        Some(&thread(n)),
        "#résolu\nLampe remplacée, le projecteur fonctionne.\n\nEnvoyé de mon iPhone",
    );
    let first = receive(&app, &raw);
    assert_eq!(first.outcome, "applied");
    assert_eq!(status_of(&app, n), "resolved");
    let events = timeline(&app, n);
    let last = events.last().unwrap();
    assert_eq!(last.0, "status_changed");
    // The words are the resolution note the requester reads.
    assert_eq!(last.2, "Lampe remplacée, le projecteur fonctionne.");
    let count = events.len();
    let again = receive(&app, &raw);
    assert!(again.duplicate);
    assert_eq!(again.id, first.id);
    assert_eq!(timeline(&app, n).len(), count, "nothing applied twice");
}

#[actix_rt::test]
async fn an_out_of_office_reply_changes_nothing_and_gets_no_answer() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let before = timeline(&app, n).len();
    clear_outbox(&app);
    let raw = format!(
        "From: {REQUESTER_A}\r\nTo: soutien@csss.test\r\nSubject: Réponse automatique : [{number}] Projecteur éteint\r\n\
Auto-Submitted: auto-replied\r\nX-Auto-Response-Suppress: All\r\nMessage-ID: <oof-1@ecole-a.test>\r\nIn-Reply-To: {}\r\n\r\n\
Je suis absente jusqu'au 5 décembre.\r\n",
        thread(n)
    );
    let r = receive(&app, raw.as_bytes());
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("ignored", "auto_reply")
    );
    assert_eq!(timeline(&app, n).len(), before);
    assert!(outbox(&app).is_empty(), "no answer to a machine");
}

#[actix_rt::test]
async fn a_requester_of_another_unit_cannot_write_into_a_request() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let before = timeline(&app, n);
    clear_outbox(&app);
    // Quoting our thread id: refused, answered without a word about the request.
    let raw = reply(
        REQUESTER_B,
        &format!("RE: [{number}] Projecteur éteint"),
        Some(&thread(n)),
        "#résolu\nC'est réglé.",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("refused", "forbidden")
    );
    assert_eq!(r.request, None);
    assert_eq!(timeline(&app, n), before);
    assert_eq!(
        outbox(&app),
        vec![("inbound_refused".to_string(), REQUESTER_B.to_string())]
    );
    // Quoting only the subject token: a new request of their own, not a comment on this one.
    let raw = reply(
        REQUESTER_B,
        &format!("TR: [{number}] Projecteur éteint"),
        None,
        "Nous avons le même problème.",
    );
    let r = receive(&app, &raw);
    assert_eq!(r.outcome, "created");
    let created = r.request.unwrap();
    assert_ne!(created, number);
    assert_eq!(timeline(&app, n), before);
    let res = app
        .api(REQUESTER_B)
        .get(&format!("/api/v1/requests/{created}"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["title"], "Projecteur éteint");
    assert_eq!(res.json()["source"], "email");
}

#[actix_rt::test]
async fn the_subject_token_threads_for_a_party_and_the_signed_address_without_headers() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    // The requester, subject token only (a relay dropped the headers).
    let raw = reply(
        REQUESTER_A,
        &format!("Réf. : [ {number} ] Projecteur éteint"),
        None,
        "Le local est le 204.",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.request.as_deref()),
        ("applied", Some(number.as_str()))
    );
    // The signed reply address alone.
    let key = guichet::signing::instance_key(&mut app.conn()).unwrap();
    let address = guichet::signing::reply_address("soutien@csss.test", &key, n);
    let raw = String::from_utf8(reply(TECH_TI, "Suivi", None, "Pièce commandée."))
        .unwrap()
        .replace("To: Soutien <soutien@csss.test>", &format!("To: {address}"));
    let r = receive(&app, raw.as_bytes());
    assert_eq!(r.request.as_deref(), Some(number.as_str()));
    assert_eq!(timeline(&app, n).last().unwrap().2, "Pièce commandée.");
    // A forged signature threads nowhere: it is a new request.
    let forged = address.replace(&format!("+ds{n}-"), &format!("+ds{n}-0"));
    let raw = String::from_utf8(reply(REQUESTER_A, "Autre chose", None, "Bonjour"))
        .unwrap()
        .replace("To: Soutien <soutien@csss.test>", &format!("To: {forged}"));
    assert_eq!(receive(&app, raw.as_bytes()).outcome, "created");
}

fn priority_of(app: &TestApp, n: i64) -> String {
    use guichet::db::schema::requests as r;
    r::table
        .filter(r::number.eq(n))
        .select(r::priority)
        .first(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn a_refused_command_stays_in_the_stored_comment_and_the_sender_is_told_why() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let before = timeline(&app, n).len();
    let status = status_of(&app, n);
    clear_outbox(&app);
    let raw = reply(
        TECH_TI,
        &format!("RE: [{number}] Projecteur éteint"),
        Some(&thread(n)),
        "#priorité haute\n#statut livrée\nJ'ai changé la lampe.",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("applied", "command")
    );
    // The valid command applies on its own; the refused one stays in the comment, which is kept.
    assert_eq!(priority_of(&app, n), "high");
    let events = timeline(&app, n);
    let comment = events[before..]
        .iter()
        .find(|e| e.0 == "comment")
        .expect("the comment is stored");
    assert_eq!(comment.2, "#statut livrée\nJ'ai changé la lampe.");
    assert!(!comment.3, "a public comment");
    assert_eq!(status_of(&app, n), status);
    let sent: Vec<_> = outbox(&app)
        .into_iter()
        .filter(|(_, to)| to == TECH_TI)
        .collect();
    assert_eq!(
        sent,
        vec![("inbound_refused".to_string(), TECH_TI.to_string())]
    );
    let p = payload_of(&app, "inbound_refused");
    assert_eq!(p["stored"], true);
    assert_eq!(p["problems"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["problems"][0]["what"], "#statut livrée");
    assert!(
        p["problems"][0]["why"].as_str().unwrap().contains("livrée"),
        "{p}"
    );
    // A requester may not write internal notes: the words become a public comment, the line
    // kept, and she is told.
    let before = timeline(&app, n).len();
    let raw = reply(
        REQUESTER_A,
        &format!("RE: [{number}] Projecteur éteint"),
        Some(&thread(n)),
        "#interne\nNote secrète",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("applied", "command")
    );
    let events = timeline(&app, n);
    assert_eq!(events.len(), before + 1, "{:?}", &events[before..]);
    assert_eq!(events[before].0, "comment");
    assert_eq!(events[before].2, "#interne\nNote secrète");
    assert!(!events[before].3);
    assert_eq!(
        payload_of(&app, "inbound_refused")["problems"][0]["what"],
        "#interne"
    );
    // An unknown command is named, and the words are kept with it.
    let raw = reply(
        TECH_TI,
        "RE",
        Some(&thread(n)),
        "Merci\n#fermer-vite\nÀ demain",
    );
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("applied", "command")
    );
    assert_eq!(
        timeline(&app, n).last().unwrap().2,
        "Merci\n#fermer-vite\nÀ demain"
    );
    assert_eq!(
        payload_of(&app, "inbound_refused")["problems"][0]["what"],
        "#fermer-vite"
    );
    // A sender who may not write to the request changes nothing at all.
    let before = timeline(&app, n);
    let raw = reply(REQUESTER_B, "RE", Some(&thread(n)), "#résolu\nC'est réglé");
    let r = receive(&app, &raw);
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("refused", "forbidden")
    );
    assert_eq!(timeline(&app, n), before);
}

#[actix_rt::test]
async fn commands_set_priority_assign_and_write_internal_notes() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    clear_outbox(&app);
    let raw = reply(
        TECH_TI,
        &format!("RE: [{number}] Projecteur éteint"),
        Some(&thread(n)),
        "#assigner moi\n#priorité urgente\n#interne\nLe fournisseur rappelle lundi.",
    );
    assert_eq!(receive(&app, &raw).outcome, "applied");
    let res = app
        .api(TECH_TI)
        .get(&format!("/api/v1/requests/{number}"))
        .await;
    let v = res.json();
    assert_eq!(v["priority"], "urgent");
    assert_eq!(v["assignee"]["email"], TECH_TI);
    let events = timeline(&app, n);
    let note = events.iter().find(|e| e.0 == "internal_note").unwrap();
    assert!(note.3);
    assert_eq!(note.2, "Le fournisseur rappelle lundi.");
    // The requester is not told of an internal note.
    assert!(!outbox(&app)
        .iter()
        .any(|(t, to)| t == "internal_note" && to == REQUESTER_A));
    // Every change is audited as the technician's.
    let audited: i64 = {
        use guichet::db::schema::audit_log::dsl::*;
        audit_log
            .filter(action.eq_any([
                "request.internal_note",
                "request.priority",
                "request.assign",
            ]))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert!(audited >= 2, "{audited}");
}

#[actix_rt::test]
async fn a_director_approves_by_answering_the_approval_email() {
    let app = TestApp::new().await;
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "rm-achat", "title": "Tableau blanc", "fields": {"article": "Tableau", "cout": 800}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    assert_eq!(res.json()["status_kind"], "approval");
    let raw = reply(
        MANAGER_A,
        &format!("RE: [{number}] Approbation demandée : Tableau blanc"),
        Some(&thread(n)),
        "#approuver\nBudget disponible.",
    );
    let r = receive(&app, &raw);
    assert_eq!(r.outcome, "applied", "{r:?}");
    let res = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}"))
        .await;
    assert_ne!(res.json()["status_kind"], "approval");
    // The requester cannot approve their own request by email.
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "rm-achat", "title": "Chaises", "fields": {"article": "Chaises", "cout": 900}}),
        )
        .await;
    let n2: i64 = res.json()["number"]
        .as_str()
        .unwrap()
        .trim_start_matches("DS-")
        .parse()
        .unwrap();
    let raw = reply(REQUESTER_A, "RE", Some(&thread(n2)), "#approuver");
    let r = receive(&app, &raw);
    // Not approved: the line is kept as her comment, and she is told why.
    assert_eq!(
        (r.outcome.as_str(), r.reason.as_str()),
        ("applied", "command")
    );
    let res = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/DS-{n2:06}"))
        .await;
    assert_eq!(res.json()["status_kind"], "approval");
    assert_eq!(timeline(&app, n2).last().unwrap().2, "#approuver");
    assert_eq!(
        payload_of(&app, "inbound_refused")["problems"][0]["what"],
        "#approuver"
    );
}

#[actix_rt::test]
async fn unknown_senders_get_one_polite_answer_a_day_and_nothing_is_recorded() {
    let app = TestApp::new().await;
    clear_outbox(&app);
    let before: i64 = {
        use guichet::db::schema::requests::dsl::*;
        requests.count().get_result(&mut app.conn()).unwrap()
    };
    for i in 0..2 {
        let raw = reply(
            "Parent <parent@courriel.test>",
            &format!("Question {i}"),
            None,
            "Bonjour",
        );
        let r = receive(&app, &raw);
        assert_eq!(
            (r.outcome.as_str(), r.reason.as_str()),
            ("rejected", "unknown_sender")
        );
    }
    assert_eq!(
        outbox(&app),
        vec![(
            "inbound_unknown".to_string(),
            "parent@courriel.test".to_string()
        )]
    );
    let after: i64 = {
        use guichet::db::schema::requests::dsl::*;
        requests.count().get_result(&mut app.conn()).unwrap()
    };
    assert_eq!(before, after);
}

#[actix_rt::test]
async fn in_triage_mode_a_stranger_s_message_becomes_a_guest_request_they_can_follow_by_email() {
    let app = TestApp::new().await;
    let mut s = (*app.state.settings).clone();
    s.inbound_unknown_senders = "triage".into();
    s.inbound_triage_unit = Some("sti".into());
    let intake = Intake::new(&mut app.conn(), &s).unwrap();
    let take = |raw: &[u8]| {
        service::receive(
            &mut app.conn(),
            &intake,
            &app.state.storage,
            raw,
            Channel::Imap,
        )
        .unwrap()
    };
    let raw = reply(
        "Fournisseur Inc. <ventes@fournisseur.test>",
        "Livraison des portables",
        None,
        "Les 30 portables arrivent jeudi.",
    );
    let r = take(&raw);
    assert_eq!(r.outcome, "created", "{r:?}");
    let number = r.request.unwrap();
    let res = app
        .api(TECH_TI)
        .get(&format!("/api/v1/requests/{number}"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["unit"]["code"], "sti");
    assert_eq!(res.json()["requester"]["email"], "ventes@fournisseur.test");
    // The guest's account cannot sign in (no password), but their reply threads.
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    let r = take(&reply(
        "ventes@fournisseur.test",
        &format!("RE: [{number}]"),
        Some(&thread(n)),
        "Plutôt vendredi.",
    ));
    assert_eq!(r.outcome, "applied", "{r:?}");
    assert_eq!(timeline(&app, n).last().unwrap().2, "Plutôt vendredi.");
    let b = app.browser();
    let res = b.sign_in("ventes@fournisseur.test", "").await;
    assert_ne!(res.status, StatusCode::SEE_OTHER);
}

#[actix_rt::test]
async fn a_new_message_opens_a_request_in_the_category_of_its_address_with_its_attachments() {
    let app = TestApp::new().await;
    let raw = "From: Julie <julie@ecole-a.test>\r\nTo: soutien+rm-mobilier@csss.test\r\n\
Subject: =?utf-8?q?Chaise_bris=C3=A9e?=\r\nMessage-ID: <new-1@ecole-a.test>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\nLa chaise du local 204 est bris=E9e.\r\n--sep\r\n\
Content-Type: image/jpeg\r\nContent-Disposition: attachment; filename*=utf-8''chaise%20bris%C3%A9e.jpg\r\n\
Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRgABAQ==\r\n--sep\r\nContent-Type: application/pdf\r\n\
Content-Disposition: attachment; filename=\"gros.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        .to_string()
        + &"QUFB".repeat(40_000)
        + "\r\n--sep--\r\n";
    let r = receive(&app, raw.as_bytes());
    assert_eq!(r.outcome, "created", "{r:?}");
    let number = r.request.unwrap();
    let res = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}"))
        .await;
    let v = res.json();
    assert_eq!(v["title"], "Chaise brisée");
    assert_eq!(v["description"], "La chaise du local 204 est brisée.");
    assert_eq!(v["category"]["code"], "rm-mobilier");
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    let events = timeline(&app, n);
    let files: Vec<String> = {
        use guichet::db::schema::{attachments as a, requests as q};
        a::table
            .inner_join(q::table)
            .filter(q::number.eq(n))
            .select(a::filename)
            .load(&mut app.conn())
            .unwrap()
    };
    assert_eq!(files, vec!["chaise brisée.jpg"]);
    // The one over the limit is named on the request.
    assert!(
        events
            .iter()
            .any(|e| e.2.contains("gros.pdf") && e.2.contains("non conservée")),
        "{events:?}"
    );
}

fn bounce(id: &str, status: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.csss.test\r\nTo: guichet@localhost\r\nReturn-Path: <>\r\n\
Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <{id}@mx.csss.test>\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n\
--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.csss.test\r\n\r\n\
Final-Recipient: rfc822; julie@ecole-a.test\r\nAction: failed\r\nStatus: {status}\r\n\r\n--b--\r\n"
    )
    .into_bytes()
}

fn undeliverable_count(app: &TestApp) -> i64 {
    use guichet::db::schema::undeliverable_addresses::dsl::*;
    undeliverable_addresses
        .count()
        .get_result(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn a_permanent_bounce_stops_mail_to_that_address() {
    let app = TestApp::new().await;
    // A soft bounce (temporary, or a full mailbox) marks nothing; neither does one permanent
    // failure alone, nor the same bounce delivered twice.
    for (id, status) in [
        ("soft-1", "4.4.7"),
        ("full-1", "5.2.2"),
        ("bounce-1", "5.1.1"),
    ] {
        let r = receive(&app, &bounce(id, status));
        assert_eq!(
            (r.outcome.as_str(), r.reason.as_str()),
            ("ignored", "bounce")
        );
        assert_eq!(undeliverable_count(&app), 0, "after {status}");
    }
    assert!(receive(&app, &bounce("bounce-1", "5.1.1")).duplicate);
    assert_eq!(undeliverable_count(&app), 0, "the same bounce twice");
    // A second permanent failure does.
    receive(&app, &bounce("bounce-2", "5.1.1"));
    assert_eq!(undeliverable_count(&app), 1);
    // What is queued for her now fails at once instead of bouncing again.
    clear_outbox(&app);
    new_request(&app, REQUESTER_A, "Projecteur").await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = (*app.state.settings).clone();
    s.mail_dir = dir.path().to_path_buf();
    let m = guichet::notify::mailer::Mailer::from_settings(&s).unwrap();
    let report = m.send_due(&mut app.conn(), 50).unwrap();
    assert_eq!(report.failed, 1, "{report:?}");
    let failed: Vec<(String, Option<String>)> = {
        use guichet::db::schema::outbox::dsl::*;
        outbox
            .filter(failed_at.is_not_null())
            .select((recipient, last_error))
            .load(&mut app.conn())
            .unwrap()
    };
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, REQUESTER_A);
    assert!(failed[0].1.as_deref().unwrap().contains("non distribuable"));
    // The administrator sees the address and what came in, and restores it.
    let admin = app.signed_in(ADMIN).await;
    let page = admin.get("/admin/emails").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Adresses non distribuables"));
    assert!(page.body.contains(REQUESTER_A));
    assert!(page.body.contains("retour de non-livraison"));
    let res = admin
        .post(
            "/admin/emails/undeliverable/clear",
            &[("email", REQUESTER_A)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        guichet::notify::undeliverable(&mut app.conn(), &[REQUESTER_A.to_string()])
            .unwrap()
            .is_empty()
    );
    // Not for anyone else.
    let tech = app.signed_in(TECH_TI).await;
    assert_eq!(
        tech.get("/admin/emails").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_rt::test]
async fn the_http_intake_needs_its_token_and_refuses_oversized_messages() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let raw = reply(
        TECH_TI,
        &format!("RE: [{number}]"),
        Some(&thread(n)),
        "En route.",
    );
    let post = |token: &str, body: Vec<u8>| {
        test::TestRequest::post()
            .uri("/api/v1/inbound-mail")
            .insert_header(("Authorization", format!("Bearer {token}")))
            .insert_header(("Content-Type", "message/rfc822"))
            .set_payload(body)
    };
    let res = app.send(post("mauvais", raw.clone())).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(timeline(&app, n).last().unwrap().0, "created");
    let res = app.send(post(INBOUND_TOKEN, raw.clone())).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["outcome"], "applied");
    assert_eq!(res.json()["request"], number);
    let res = app.send(post(INBOUND_TOKEN, raw)).await;
    assert_eq!(res.json()["duplicate"], true);
    let huge = vec![b'a'; app.state.settings.inbound_max_bytes + 10];
    let res = app.send(post(INBOUND_TOKEN, huge)).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[actix_rt::test]
async fn a_message_recorded_before_a_crash_is_processed_later() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let raw = reply(TECH_TI, &format!("RE: [{number}]"), Some(&thread(n)), "Vu.");
    // Recorded, then the server stopped before processing it.
    let hash = app.state.storage.put(&raw).unwrap();
    diesel::sql_query(format!(
        "INSERT INTO inbound_messages (message_id, content_hash, size_bytes, channel, received_at) \
         VALUES ('crash@client.test', '{hash}', {}, 'imap', now() - interval '5 minutes')",
        raw.len()
    ))
    .execute(&mut app.conn())
    .unwrap();
    let done = service::process_pending(
        &mut app.conn(),
        &intake(&app),
        &app.state.storage,
        chrono::Utc::now(),
    )
    .unwrap();
    assert_eq!(done, 1);
    assert_eq!(timeline(&app, n).last().unwrap().2, "Vu.");
    assert_eq!(
        service::process_pending(
            &mut app.conn(),
            &intake(&app),
            &app.state.storage,
            chrono::Utc::now()
        )
        .unwrap(),
        0
    );
}

/// The round trip a technician makes: a notification goes out by SMTP, the reply lands in the
/// support mailbox (Dovecot), Guichet polls it over TLS and the request shows the comment; a
/// `#résolu` reply resolves it; the same message delivered twice changes nothing; an
/// out-of-office reply changes nothing; a requester of another unit cannot touch the request.
#[actix_rt::test]
async fn reply_by_email_round_trip_through_real_smtp_and_imap_servers() {
    use crate::support::smtp::SmtpServer;
    let app = TestApp::new().await;
    let smtp = SmtpServer::start();
    let imap = ImapServer::start();
    let mut s = (*app.state.settings).clone();
    s.smtp_host = Some("127.0.0.1".into());
    s.smtp_port = smtp.port;
    s.smtp_security = "none".into();
    s.imap_host = Some("localhost".into());
    s.imap_port = imap.tls_port;
    s.imap_security = "tls".into();
    s.imap_ca_file = Some(imap.ca_file());
    s.imap_username = Some(IMAP_USER.into());
    s.imap_password = Some(IMAP_PASSWORD.into());
    let mailer = guichet::notify::mailer::Mailer::from_settings(&s).unwrap();
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    mailer.send_due(&mut app.conn(), 50).unwrap();
    // The technician's copy of the new request, as their mail client received it.
    let sent = smtp.wait_for(2);
    let to_tech = sent
        .iter()
        .map(|r| mail_parser::MessageParser::default().parse(r).unwrap())
        .find(|m| m.to().and_then(|a| a.first()).and_then(|a| a.address()) == Some(TECH_TI))
        .expect("the team's notification");
    let subject = to_tech.subject().unwrap().to_string();
    let message_id = to_tech.message_id().unwrap().to_string();
    let reply_to = to_tech
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap()
        .to_string();
    // Thunderbird-style reply: In-Reply-To the notification, to its Reply-To.
    let build = |from: &str, body: &str, id: &str| {
        format!(
            "From: {from}\r\nTo: {reply_to}\r\nSubject: Re: {subject}\r\nMessage-ID: <{id}>\r\n\
In-Reply-To: <{message_id}>\r\nReferences: {} <{message_id}>\r\nMIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n",
            thread(n)
        )
        .into_bytes()
    };
    let poll = |s: &guichet::config::Settings| {
        let s = s.clone();
        let pool = app.state.pool.clone();
        let storage = app.state.storage.clone();
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(guichet::inbound::imap::poll(&s, &pool, &storage))
        })
        .join()
        .unwrap()
        .unwrap()
    };
    let comment = build(TECH_TI, "Je passe demain matin.\r\n\r\nLe 27/11/2026 à 09:00, Guichet a écrit :\r\n> Nouvelle demande", "t1@sti.test");
    imap.deliver(&comment);
    let round = poll(&s);
    assert_eq!((round.fetched, round.processed), (1, 1));
    assert_eq!(imap.seen(), 1, "marked read on the server");
    assert_eq!(
        timeline(&app, n).last().unwrap().2,
        "Je passe demain matin."
    );
    // The same message again (a second delivery): nothing changes.
    let before = timeline(&app, n).len();
    imap.deliver(&comment);
    assert_eq!(poll(&s).processed, 1);
    assert_eq!(timeline(&app, n).len(), before);
    // An out-of-office reply: nothing.
    let oof = String::from_utf8(build(REQUESTER_A, "Je suis absente.", "oof@ecole-a.test"))
        .unwrap()
        .replacen(
            "MIME-Version",
            "Auto-Submitted: auto-replied\r\nMIME-Version",
            1,
        );
    imap.deliver(oof.as_bytes());
    // Someone of another unit: refused.
    imap.deliver(&build(REQUESTER_B, "#résolu\r\nRéglé.", "b@ecole-b.test"));
    // Then the technician resolves it.
    imap.deliver(&build(
        TECH_TI,
        "#résolu\r\nLampe remplacée.",
        "t2@sti.test",
    ));
    // Over plain IMAP this time, moving processed messages to a folder.
    let mut plain = s.clone();
    plain.imap_host = Some("127.0.0.1".into());
    plain.imap_port = imap.port;
    plain.imap_security = "none".into();
    let round = poll(&plain);
    assert_eq!((round.fetched, round.processed), (3, 3));
    assert_eq!(status_of(&app, n), "resolved");
    let events = timeline(&app, n);
    assert_eq!(events.len(), before + 1, "{events:?}");
    assert_eq!(events.last().unwrap().2, "Lampe remplacée.");
    assert_eq!(events.last().unwrap().1.as_deref(), Some(TECH_TI));
    assert_eq!(poll(&plain).fetched, 0, "nothing left unread");
    // Wrong password: an error to log and retry, not a crash.
    let mut wrong = s.clone();
    wrong.imap_password = Some("faux".into());
    let pool = app.state.pool.clone();
    let storage = app.state.storage.clone();
    let err = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(guichet::inbound::imap::poll(&wrong, &pool, &storage))
    })
    .join()
    .unwrap();
    assert!(err.is_err());
    let _ = number;
}

fn run_gate(url: &str, token: Option<&str>, raw: &[u8]) -> (Option<i32>, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guichet"));
    cmd.args(["mailgate", "--url", url]);
    if let Some(t) = token {
        cmd.args(["--token", t]);
    }
    let mut child = cmd
        .env("GUICHET_CONFIG", "/nonexistent")
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `guichet mailgate`, as Postfix's pipe runs it: the message on standard input, the answer in
/// sysexits codes (75 makes Postfix retry later; 77 and 64 are configuration mistakes).
#[actix_rt::test]
async fn the_mailgate_posts_standard_input_and_answers_in_sysexits_codes() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let port = crate::support::smtp::free_port();
    let state = app.state.clone();
    let server = actix_web::HttpServer::new(move || guichet::build_app(state.clone()))
        .workers(1)
        .bind(("127.0.0.1", port))
        .unwrap()
        .run();
    let handle = server.handle();
    actix_rt::spawn(server);
    let url = format!("http://127.0.0.1:{port}");
    // The command runs off the test's runtime, which keeps serving meanwhile.
    let gate = |url: &str, token: Option<&str>, raw: &[u8]| {
        let (url, token, raw) = (url.to_string(), token.map(str::to_string), raw.to_vec());
        tokio::task::spawn_blocking(move || run_gate(&url, token.as_deref(), &raw))
    };
    let raw = reply(
        TECH_TI,
        &format!("RE: [{number}]"),
        Some(&thread(n)),
        "Par le relais.",
    );
    let (code, out) = gate(&url, Some(INBOUND_TOKEN), &raw).await.unwrap();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("\"outcome\":\"applied\""), "{out}");
    assert_eq!(timeline(&app, n).last().unwrap().2, "Par le relais.");
    let channel: String = {
        use guichet::db::schema::inbound_messages::dsl::*;
        inbound_messages
            .order(id.desc())
            .select(channel)
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(channel, "pipe");
    assert_eq!(gate(&url, Some("mauvais"), &raw).await.unwrap().0, Some(77));
    assert_eq!(gate(&url, None, &raw).await.unwrap().0, Some(64));
    // Guichet unreachable: a temporary failure, so the mail server keeps the message and retries.
    let closed = format!("http://127.0.0.1:{}", crate::support::smtp::free_port());
    assert_eq!(
        gate(&closed, Some(INBOUND_TOKEN), &raw).await.unwrap().0,
        Some(75)
    );
    handle.stop(true).await;
}

#[actix_rt::test]
async fn an_address_the_administrator_adds_to_a_person_is_recognized_as_them() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let raw = reply(
        "julie.perso@courriel.test",
        "RE",
        Some(&thread(n)),
        "De mon cellulaire.",
    );
    assert_eq!(receive(&app, &raw).reason, "unknown_sender");
    let admin = app.signed_in(ADMIN).await;
    let page = admin.get("/admin/users").await;
    let id: i64 = {
        use guichet::db::schema::users::dsl::*;
        users
            .filter(email.eq(REQUESTER_A))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(page.status, StatusCode::OK);
    let res = admin
        .post(
            &format!("/admin/users/{id}/aliases"),
            &[("email", "Julie.Perso@Courriel.test")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Someone's main address cannot become another's alias.
    let res = admin
        .post(&format!("/admin/users/{id}/aliases"), &[("email", TECH_TI)])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let raw = reply(
        "julie.perso@courriel.test",
        &format!("RE: [{number}]"),
        Some(&thread(n)),
        "De mon cellulaire, encore.",
    );
    let r = receive(&app, &raw);
    assert_eq!(r.outcome, "applied", "{r:?}");
    let last = timeline(&app, n).pop().unwrap();
    assert_eq!(last.1.as_deref(), Some(REQUESTER_A));
    let page = admin.get(&format!("/admin/users/{id}")).await;
    assert!(page.body.contains("julie.perso@courriel.test"));
    let res = admin
        .post(
            &format!("/admin/users/{id}/aliases/julie.perso%40courriel.test/remove"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(!admin
        .get(&format!("/admin/users/{id}"))
        .await
        .body
        .contains("julie.perso@courriel.test"));
}
