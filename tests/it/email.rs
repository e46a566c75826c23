//! Email notifications through a real SMTP server (aiosmtpd): who receives what in which
//! language, the subject token and threading headers, no internal note leaking to requesters,
//! text and HTML parts with accents intact; retries when the server is down, exactly once with
//! two senders, a malformed address failing alone; preferences and the daily digest; .eml
//! files when no SMTP server is configured.

use crate::support::smtp::{free_port, SmtpServer};
use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;
use guichet::notify::mailer::Mailer;
use mail_parser::MessageParser;
use serde_json::json;

struct Mail {
    to: String,
    subject: String,
    text: String,
    html: String,
    message_id: String,
    in_reply_to: String,
    references: String,
    auto_submitted: String,
    reply_to: String,
}

fn parse(raw: &[u8]) -> Mail {
    let m = MessageParser::default().parse(raw).unwrap();
    let header = |name: &str| m.header_raw(name).unwrap_or("").trim().to_string();
    Mail {
        to: m
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
            .to_string(),
        subject: m.subject().unwrap_or("").to_string(),
        text: m.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
        html: m.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
        message_id: m.message_id().unwrap_or("").to_string(),
        in_reply_to: header("In-Reply-To"),
        references: header("References"),
        auto_submitted: header("Auto-Submitted"),
        reply_to: m
            .reply_to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
            .to_string(),
    }
}

fn mailer(app: &TestApp, port: u16) -> Mailer {
    let mut s = (*app.state.settings).clone();
    s.smtp_host = Some("127.0.0.1".into());
    s.smtp_port = port;
    s.smtp_security = "none".into();
    s.mail_reply_to = Some("soutien@csss.test".into());
    s.mail_retry_seconds = 30;
    s.mail_max_attempts = 3;
    Mailer::from_settings(&s).unwrap()
}

fn mails_to<'a>(mails: &'a [Mail], who: &str) -> Vec<&'a Mail> {
    mails.iter().filter(|m| m.to == who).collect()
}

async fn new_request(app: &TestApp, title: &str) -> String {
    let res = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "ti-projecteur", "title": title}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["number"].as_str().unwrap().to_string()
}

fn outbox_states(app: &TestApp) -> Vec<(String, bool, bool, i32)> {
    use guichet::db::schema::outbox::dsl::*;
    outbox
        .order(id)
        .select((
            recipient,
            sent_at.is_not_null(),
            failed_at.is_not_null(),
            attempts,
        ))
        .load(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn a_request_s_life_reaches_the_right_people_in_their_language() {
    let app = TestApp::new().await;
    let smtp = SmtpServer::start();
    let m = mailer(&app, smtp.port);
    // The technician reads English.
    diesel::sql_query(format!(
        "UPDATE users SET locale = 'en' WHERE email = '{TECH_TI}'"
    ))
    .execute(&mut app.conn())
    .unwrap();
    let number = new_request(&app, "Projecteur éteint, local 204").await;
    let report = m.send_due(&mut app.conn(), 50).unwrap();
    assert_eq!(report.sent, 2, "{report:?}");
    let mails: Vec<Mail> = smtp.wait_for(2).iter().map(|r| parse(r)).collect();
    let ack = mails_to(&mails, REQUESTER_A);
    assert_eq!(ack.len(), 1);
    assert_eq!(
        ack[0].subject,
        format!("[{number}] Demande reçue : Projecteur éteint, local 204")
    );
    assert!(ack[0].text.contains("Nous avons bien reçu votre demande"));
    assert!(ack[0].html.contains("Voir la demande"));
    assert!(ack[0].html.contains(&format!("/requests/{number}")));
    let thread = format!(
        "<ds-{:06}@127.0.0.1>",
        number.trim_start_matches("DS-").parse::<i64>().unwrap()
    );
    assert_eq!(ack[0].in_reply_to, thread);
    assert_eq!(ack[0].references, thread);
    assert_eq!(ack[0].auto_submitted, "auto-generated");
    // Replies go to the request's signed address on the support mailbox.
    let n: i64 = number.trim_start_matches("DS-").parse().unwrap();
    assert!(
        ack[0].reply_to.starts_with(&format!("soutien+ds{n}-"))
            && ack[0].reply_to.ends_with("@csss.test"),
        "{}",
        ack[0].reply_to
    );
    let team = mails_to(&mails, TECH_TI);
    assert_eq!(team.len(), 1);
    assert_eq!(
        team[0].subject,
        format!("[{number}] New request: Projecteur éteint, local 204")
    );
    assert_ne!(ack[0].message_id, team[0].message_id);

    // An internal note never reaches the requester; a public comment does, with its text; the
    // technician is not told of their own actions.
    let t = app.api(TECH_TI);
    t.post(
        &format!("/api/v1/requests/{number}/assign"),
        json!({"assignee": "me"}),
    )
    .await;
    t.post(
        &format!("/api/v1/requests/{number}/comments"),
        json!({"body": "Fournisseur : Projecto inc., bon 4512", "internal": true}),
    )
    .await;
    t.post(
        &format!("/api/v1/requests/{number}/comments"),
        json!({"body": "J'arrive à 14 h 30 avec une lampe neuve — à tout à l'heure !"}),
    )
    .await;
    t.post(
        &format!("/api/v1/requests/{number}/transitions"),
        json!({"to": "resolved", "note": "Lampe remplacée; tout fonctionne."}),
    )
    .await;
    m.send_due(&mut app.conn(), 50).unwrap();
    let mails: Vec<Mail> = smtp.wait_for(4).iter().map(|r| parse(r)).collect();
    let to_requester = mails_to(&mails, REQUESTER_A);
    assert_eq!(to_requester.len(), 3, "ack, comment, resolution");
    for mail in &to_requester {
        assert!(!mail.text.contains("Projecto"), "internal note leaked");
        assert!(!mail.html.contains("Projecto"), "internal note leaked");
    }
    let comment = to_requester
        .iter()
        .find(|m| m.subject.contains("Nouveau commentaire"))
        .unwrap();
    assert!(comment
        .text
        .contains("J'arrive à 14 h 30 avec une lampe neuve — à tout à l'heure !"));
    assert!(comment.html.contains("14 h 30"));
    let resolved = to_requester
        .iter()
        .find(|m| m.subject.contains("Résolue"))
        .unwrap();
    assert!(resolved.text.contains("Lampe remplacée; tout fonctionne."));
    assert!(resolved.text.contains("rouvrez la demande"));
    assert_eq!(
        mails_to(&mails, TECH_TI).len(),
        1,
        "only the new-request notice"
    );
    // Every row went, with its Message-ID stored.
    assert!(outbox_states(&app).iter().all(|r| r.1 && !r.2));
    let ids: Vec<Option<String>> = {
        use guichet::db::schema::outbox::dsl::*;
        outbox.select(message_id).load(&mut app.conn()).unwrap()
    };
    assert!(ids
        .iter()
        .all(|i| i.as_deref().is_some_and(|i| i.ends_with("@127.0.0.1>"))));
    // Nothing is sent twice.
    assert_eq!(m.send_due(&mut app.conn(), 50).unwrap().sent, 0);
}

#[actix_rt::test]
async fn messages_wait_while_the_smtp_server_is_down_and_go_once_it_is_back() {
    let app = TestApp::new().await;
    let port = free_port();
    let m = mailer(&app, port);
    new_request(&app, "Imprimante").await;
    let report = m.send_due(&mut app.conn(), 50).unwrap();
    assert_eq!((report.sent, report.retried), (0, 2));
    assert!(outbox_states(&app).iter().all(|r| !r.1 && !r.2 && r.3 == 1));
    // Not due again before the backoff…
    assert_eq!(m.send_due(&mut app.conn(), 50).unwrap(), Default::default());
    // …the server comes back, the wait is over.
    let smtp = SmtpServer::start_on(port);
    diesel::sql_query("UPDATE outbox SET next_try_at = now()")
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(m.send_due(&mut app.conn(), 50).unwrap().sent, 2);
    assert_eq!(m.send_due(&mut app.conn(), 50).unwrap().sent, 0);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(smtp.wait_for(2).len(), 2);
}

#[actix_rt::test]
async fn two_senders_send_each_message_exactly_once() {
    let app = TestApp::new().await;
    let smtp = SmtpServer::start();
    for i in 0..10 {
        new_request(&app, &format!("Poste {i}")).await;
    }
    let pool = app.state.pool.clone();
    let senders: Vec<_> = (0..2)
        .map(|_| {
            let pool = pool.clone();
            let m = mailer(&app, smtp.port);
            std::thread::spawn(move || {
                let mut sent = 0;
                loop {
                    let r = m.send_due(&mut pool.get().unwrap(), 3).unwrap();
                    sent += r.sent;
                    if r.sent == 0 {
                        return sent;
                    }
                }
            })
        })
        .collect();
    let total: usize = senders.into_iter().map(|s| s.join().unwrap()).sum();
    assert_eq!(total, 20);
    let raw = smtp.wait_for(20);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mails: Vec<Mail> = smtp.raw().iter().map(|r| parse(r)).collect();
    assert_eq!(mails.len(), 20, "{} arrived", raw.len());
    let mut ids: Vec<&str> = mails.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
}

#[actix_rt::test]
async fn a_malformed_address_fails_alone_with_a_clear_error_and_can_be_resent() {
    let app = TestApp::new().await;
    let smtp = SmtpServer::start();
    let m = mailer(&app, smtp.port);
    new_request(&app, "Clavier").await;
    diesel::sql_query(
        "UPDATE outbox SET recipient = 'pas une adresse' WHERE id = (SELECT min(id) FROM outbox)",
    )
    .execute(&mut app.conn())
    .unwrap();
    let report = m.send_due(&mut app.conn(), 50).unwrap();
    assert_eq!((report.sent, report.failed), (1, 1));
    let error: Option<String> = {
        use guichet::db::schema::outbox::dsl::*;
        outbox
            .filter(failed_at.is_not_null())
            .select(last_error)
            .first(&mut app.conn())
            .unwrap()
    };
    assert!(error.unwrap().contains("adresse du destinataire invalide"));

    // Admins see it with its error and may send it again.
    let admin = app.signed_in(ADMIN).await;
    let page = admin.get("/admin/emails").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("pas une adresse"));
    assert!(page.body.contains("Renvoyer"));
    let id: i64 = {
        use guichet::db::schema::outbox::dsl::*;
        outbox
            .filter(failed_at.is_not_null())
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    let res = admin.post(&format!("/admin/emails/{id}/resend"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        outbox_states(&app)[0],
        ("pas une adresse".to_string(), false, false, 0)
    );
    assert_eq!(smtp.wait_for(1).len(), 1);
}

#[actix_rt::test]
async fn preferences_turn_off_what_is_optional_and_gather_the_rest_in_a_daily_digest() {
    let app = TestApp::new().await;
    let smtp = SmtpServer::start();
    let m = mailer(&app, smtp.port);
    // The director takes a digest; the requester wants only what is essential.
    let me = app.signed_in(REQUESTER_A).await;
    let res = me
        .post(
            "/profile",
            &[("locale", "fr"), ("notifications", "essential")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let boss = app.signed_in(MANAGER_A).await;
    let res = boss
        .post("/profile", &[("locale", "fr"), ("notifications", "digest")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let number = new_request(&app, "Lampe").await;
    app.api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/watchers"),
            json!({"email": MANAGER_A}),
        )
        .await;
    app.api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Je passe demain."}),
        )
        .await;
    // A purchase above the threshold: the director's approval request stays immediate.
    app.api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "rm-achat", "title": "Tableau", "fields": {"article": "Tableau", "cout": 900}}),
        )
        .await;
    m.send_due(&mut app.conn(), 50).unwrap();
    let mails: Vec<Mail> = smtp.wait_for(2).iter().map(|r| parse(r)).collect();
    assert!(
        mails_to(&mails, REQUESTER_A).is_empty(),
        "no optional message"
    );
    let boss_mails = mails_to(&mails, MANAGER_A);
    assert_eq!(boss_mails.len(), 1);
    assert!(boss_mails[0].subject.contains("Approbation demandée"));

    // At the digest hour, one message gathers the rest.
    assert_eq!(m.make_digests(&mut app.conn()).unwrap(), 1);
    m.send_due(&mut app.conn(), 50).unwrap();
    let mails: Vec<Mail> = smtp.wait_for(3).iter().map(|r| parse(r)).collect();
    let digest: Vec<&Mail> = mails_to(&mails, MANAGER_A)
        .into_iter()
        .filter(|m| m.subject.contains("résumé quotidien"))
        .collect();
    assert_eq!(digest.len(), 1);
    assert!(digest[0].text.contains(&number));
    assert!(digest[0].text.contains("Nouveau commentaire"));
    assert_eq!(m.make_digests(&mut app.conn()).unwrap(), 0, "nothing left");
}

#[actix_rt::test]
async fn without_smtp_messages_are_written_as_files() {
    let app = TestApp::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = (*app.state.settings).clone();
    s.smtp_host = None;
    s.mail_dir = dir.path().join("mail");
    let m = Mailer::from_settings(&s).unwrap();
    new_request(&app, "Souris").await;
    assert_eq!(m.send_due(&mut app.conn(), 50).unwrap().sent, 2);
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 2);
    let mail = parse(&std::fs::read(files[0].path()).unwrap());
    assert!(mail.subject.starts_with("[DS-"));
}

#[actix_rt::test]
async fn every_template_renders_in_both_languages_and_admins_preview_them() {
    let app = TestApp::new().await;
    use guichet::i18n::Locale;
    use guichet::notify::render::{sample, MailTemplates, TEMPLATES};
    let t = MailTemplates::load(std::path::Path::new("templates"), false).unwrap();
    for name in TEMPLATES {
        for locale in [Locale::Fr, Locale::En] {
            let out = t
                .render(name, locale, &sample(locale, "https://guichet.test"))
                .unwrap();
            assert!(!out.subject.is_empty(), "{name}");
            for part in [&out.subject, &out.text, &out.html] {
                assert!(!part.contains("{{"), "{name} {locale:?}: {part}");
            }
            assert!(
                out.html.contains(&format!("lang=\"{}\"", locale.code())),
                "{name}"
            );
        }
    }
    let admin = app.signed_in(ADMIN).await;
    let list = admin.get("/admin/emails").await;
    assert!(list.body.contains("/admin/emails/status_changed?lang=fr"));
    let page = admin.get("/admin/emails/comment?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("New comment"));
    assert_eq!(
        admin.get("/admin/emails/nothing?lang=en").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_rt::test]
async fn a_comment_from_a_person_in_copy_reaches_the_requester_and_the_assignee() {
    let app = TestApp::new().await;
    let number = new_request(&app, "Tableau blanc").await;
    app.api(TECH_TI)
        .post(
            &format!("/api/v1/requests/{number}/assign"),
            json!({"assignee": "me"}),
        )
        .await;
    app.api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/watchers"),
            json!({"email": REQUESTER_B}),
        )
        .await;
    let res = app
        .api(REQUESTER_B)
        .post(
            &format!("/api/v1/requests/{number}/comments"),
            json!({"body": "Même problème dans ma classe."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let mut to: Vec<String> = {
        use guichet::db::schema::outbox::dsl::*;
        outbox
            .filter(template.eq("comment"))
            .select(recipient)
            .load(&mut app.conn())
            .unwrap()
    };
    to.sort();
    let mut expected = vec![REQUESTER_A.to_string(), TECH_TI.to_string()];
    expected.sort();
    assert_eq!(to, expected, "not the author");
}
