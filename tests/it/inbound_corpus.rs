//! The inbound pipeline over a corpus of realistic messages (`tests/fixtures/inbound`): replies
//! from Outlook, Gmail, Apple Mail, Thunderbird and phones in French and English, commands,
//! auto-replies, bounces, read receipts, loops, strangers, attachments and hostile input. Each
//! message answers a fresh request (`%DS%`, `%N%` and `%THREAD%` are filled in) and must have
//! the expected outcome, and the request the expected last entry.

use crate::inbound::{new_request, receive, thread, timeline};
use crate::support::*;
use diesel::prelude::*;

enum Expect {
    /// The last timeline entry's text, exactly.
    Body(&'static str),
    /// The request's status.
    Status(&'static str),
    /// An attachment of this name on the request.
    Attachment(&'static str),
    /// The last timeline entry is of this kind.
    Kind(&'static str),
    /// Nothing more to check than the outcome.
    Outcome,
}

use Expect::*;

/// (file, outcome, reason, expectation)
const CASES: &[(&str, &str, &str, Expect)] = &[
    (
        "01-outlook-fr-reply.eml",
        "applied",
        "",
        Body("Bonjour,\n\nLe projecteur est au local 204. Merci!"),
    ),
    (
        "02-outlook-en-reply.eml",
        "applied",
        "",
        Body("The projector is in room 204."),
    ),
    (
        "03-outlook-original-message.eml",
        "applied",
        "",
        Body("C'est le projecteur de gauche."),
    ),
    (
        "04-gmail-fr-reply.eml",
        "applied",
        "",
        Body("Oui, il clignote orange depuis ce matin."),
    ),
    (
        "05-gmail-en-reply.eml",
        "applied",
        "",
        Body("I'll bring a spare lamp tomorrow morning."),
    ),
    (
        "06-apple-mail-fr.eml",
        "applied",
        "",
        Body("Parfait, je serai là à 8 h."),
    ),
    (
        "07-thunderbird-en.eml",
        "applied",
        "",
        Body("Ordered the part, arriving Monday."),
    ),
    ("08-iphone-fr.eml", "applied", "", Body("Merci beaucoup!")),
    (
        "09-outlook-android.eml",
        "applied",
        "",
        Body("Je confirme, c'est réglé de mon côté."),
    ),
    (
        "10-signature-dashdash.eml",
        "applied",
        "",
        Body("La télécommande est aussi manquante."),
    ),
    (
        "11-html-only-reply.eml",
        "applied",
        "",
        Body("Le câble HDMI est aussi brisé."),
    ),
    (
        "12-latin1-base64.eml",
        "applied",
        "",
        Body("Le projecteur fait un bruit étrange."),
    ),
    (
        "13-windows-1252.eml",
        "applied",
        "",
        Body("C’est l’écran qui est fissuré."),
    ),
    (
        "14-base64-utf8.eml",
        "applied",
        "",
        Body("Réglé : lampe remplacée, filtre nettoyé."),
    ),
    (
        "15-references-only.eml",
        "applied",
        "",
        Body("Il fonctionne de nouveau, merci."),
    ),
    (
        "16-subject-token-party.eml",
        "applied",
        "",
        Body("Le local est barré, demandez la clé au secrétariat."),
    ),
    (
        "17-subject-token-aw.eml",
        "applied",
        "",
        Body("Merci pour le suivi."),
    ),
    (
        "18-command-resolved-fr.eml",
        "applied",
        "",
        Status("resolved"),
    ),
    (
        "19-command-resolved-en.eml",
        "applied",
        "",
        Body("Replaced the lamp."),
    ),
    (
        "20-command-priority.eml",
        "applied",
        "",
        Kind("field_changed"),
    ),
    (
        "21-command-internal.eml",
        "applied",
        "",
        Kind("internal_note"),
    ),
    (
        "22-command-assign.eml",
        "applied",
        "",
        Body("Je m'en occupe."),
    ),
    (
        "23-command-unknown.eml",
        "applied",
        "command",
        Body("#escalader\nMerci"),
    ),
    (
        "24-command-unknown-status.eml",
        "applied",
        "command",
        Body("#statut livrée\nC'est livré."),
    ),
    (
        "25-requester-internal.eml",
        "applied",
        "command",
        Body("#interne\nJe voulais écrire une note."),
    ),
    (
        "26-out-of-office-fr.eml",
        "ignored",
        "auto_reply",
        Kind("created"),
    ),
    (
        "27-out-of-office-exchange.eml",
        "ignored",
        "auto_reply",
        Kind("created"),
    ),
    (
        "28-out-of-office-subject.eml",
        "ignored",
        "auto_reply",
        Kind("created"),
    ),
    (
        "29-precedence-bulk.eml",
        "ignored",
        "auto_reply",
        Kind("created"),
    ),
    (
        "30-bounce-postfix.eml",
        "ignored",
        "bounce",
        Kind("created"),
    ),
    (
        "31-bounce-exchange.eml",
        "ignored",
        "bounce",
        Kind("created"),
    ),
    ("32-bounce-plain.eml", "ignored", "bounce", Kind("created")),
    (
        "33-read-receipt-mdn.eml",
        "ignored",
        "receipt",
        Kind("created"),
    ),
    (
        "34-read-receipt-outlook.eml",
        "ignored",
        "receipt",
        Kind("created"),
    ),
    (
        "35-loop-our-address.eml",
        "ignored",
        "loop",
        Kind("created"),
    ),
    (
        "36-loop-our-message-id.eml",
        "ignored",
        "loop",
        Kind("created"),
    ),
    ("37-other-unit.eml", "refused", "forbidden", Kind("created")),
    (
        "38-unknown-sender.eml",
        "rejected",
        "unknown_sender",
        Kind("created"),
    ),
    ("39-no-from.eml", "rejected", "unreadable", Kind("created")),
    ("40-garbage.eml", "rejected", "unreadable", Kind("created")),
    (
        "41-attachment-pdf.eml",
        "applied",
        "",
        Attachment("facture-lampe.pdf"),
    ),
    (
        "42-attachment-rfc822.eml",
        "applied",
        "",
        Attachment("Lampe en commande.eml"),
    ),
    (
        "43-inline-image.eml",
        "applied",
        "",
        Attachment("photo-ecran.png"),
    ),
    (
        "44-attachment-rfc2231.eml",
        "applied",
        "",
        Attachment("État des lieux été.pdf"),
    ),
    ("45-deeply-nested.eml", "applied", "", Outcome),
    (
        "46-hostile-html.eml",
        "applied",
        "",
        Body("Bonjour le projecteur est réparé?"),
    ),
    ("47-malformed-headers.eml", "applied", "", Outcome),
    ("48-new-request.eml", "created", "", Outcome),
    (
        "49-command-assign-me-en.eml",
        "applied",
        "",
        Kind("field_changed"),
    ),
    ("50-empty-reply.eml", "ignored", "empty", Kind("created")),
];

/// Fills in the placeholders, byte-wise (some messages are not UTF-8).
fn fill(raw: &[u8], values: &[(&[u8], String)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    'bytes: while i < raw.len() {
        for (token, value) in values {
            if raw[i..].starts_with(token) {
                out.extend_from_slice(value.as_bytes());
                i += token.len();
                continue 'bytes;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// The file names attached to a request.
pub fn attachments(app: &TestApp, n: i64) -> Vec<String> {
    use guichet::db::schema::{attachments as a, requests as r};
    a::table
        .inner_join(r::table)
        .filter(r::number.eq(n))
        .select(a::filename)
        .load(&mut app.conn())
        .unwrap()
}

fn status(app: &TestApp, n: i64) -> String {
    use guichet::db::schema::requests as r;
    r::table
        .filter(r::number.eq(n))
        .select(r::status)
        .first(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn every_message_of_the_corpus_has_its_expected_outcome() {
    assert!(CASES.len() >= 40);
    let app = TestApp::new().await;
    let mut failures = Vec::new();
    for (file, outcome, reason, expect) in CASES {
        let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
        let raw = std::fs::read(format!("tests/fixtures/inbound/{file}")).unwrap();
        let raw = fill(
            &raw,
            &[
                (&b"%THREAD%"[..], thread(n)),
                (&b"%DS%"[..], number.clone()),
                (&b"%N%"[..], n.to_string()),
            ],
        );
        let r = receive(&app, &raw);
        if r.outcome != *outcome || r.reason != *reason {
            failures.push(format!(
                "{file}: got {} ({}), expected {outcome} ({reason})",
                r.outcome, r.reason
            ));
            continue;
        }
        let events = timeline(&app, n);
        let last = events.last().unwrap();
        let problem = match expect {
            Body(text) if last.2 != *text => Some(format!("last entry {:?}", last.2)),
            Status(s) if status(&app, n) != *s => Some(format!("status {}", status(&app, n))),
            Attachment(name) if !attachments(&app, n).iter().any(|a| a == name) => {
                Some(format!("attachments {:?}", attachments(&app, n)))
            }
            Kind(k) if last.0 != *k => Some(format!("last entry kind {} ({:?})", last.0, last.2)),
            _ => None,
        };
        if let Some(p) = problem {
            failures.push(format!("{file}: {p}"));
        }
        // Whatever came in, no script survives into what is stored.
        for e in &events {
            assert!(!e.2.contains("<script"), "{file}: {:?}", e.2);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Hostile sizes: a 200 kB header line and a message of nothing but boundaries neither panic
/// nor hang.
#[actix_rt::test]
async fn huge_header_lines_and_boundary_storms_are_handled() {
    let app = TestApp::new().await;
    let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
    let long = format!(
        "From: {REQUESTER_A}\r\nSubject: RE: [{number}] {}\r\nIn-Reply-To: {}\r\nMessage-ID: <long@x.test>\r\n\r\nToujours en panne.\r\n",
        "é".repeat(100_000),
        thread(n)
    );
    let r = receive(&app, long.as_bytes());
    assert_eq!(r.outcome, "applied");
    assert_eq!(timeline(&app, n).last().unwrap().2, "Toujours en panne.");
    let storm = format!(
        "From: {REQUESTER_A}\r\nMessage-ID: <storm@x.test>\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n{}",
        "--b\r\n".repeat(50_000)
    );
    let r = receive(&app, storm.as_bytes());
    assert!(
        ["created", "ignored", "refused", "rejected"].contains(&r.outcome.as_str()),
        "{r:?}"
    );
}
