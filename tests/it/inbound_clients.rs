//! A generated corpus of replies as the mail clients of a school board write them: every client
//! family (French first) crossed with every scenario of the inbound rules, each message with its
//! expected outcome, stored text, status, attachments and answer to the sender.
//!
//! The families reproduce what each client puts around the new words: Outlook's header block
//! (with the non-breaking space French Outlook writes before the colon, in six languages),
//! `-----Original Message-----`, Gmail's and Apple's attributions (wrapped over two lines as
//! phones do), Thunderbird top and bottom posting, Zimbra, Gnus, HTML-only messages, signatures
//! and "sent from my phone" footers, quoted-printable and base64 bodies.

use crate::inbound::{intake, new_request, thread, timeline};
use crate::inbound_corpus::attachments;
use crate::support::*;
use base64::Engine;
use diesel::prelude::*;
use guichet::inbound::intake::Intake;
use guichet::inbound::service::{self, Channel, Receipt};
use serde_json::Value;

/// Our address, as the notifications are sent from it.
const OURS: &str = "guichet@localhost";
/// The staff words of the notification being answered: they must never be stored again.
const STAFF_WORDS: &str = "Je passe demain matin avec une lampe neuve.";
/// A colleague of Julie's, in her unit, who is not a party to her request.
const COLLEAGUE: &str = "sophie@ecole-a.test";
/// The attachment limit of this corpus (small, so that oversized files stay cheap).
const LIMIT: usize = 64 * 1024;

/// The notification a reply quotes, as our mailer writes it.
fn notification(number: &str) -> String {
    format!(
        "Bonjour Julie Tremblay,\n\nKarim Benali a ajouté un commentaire à la demande {number} « Projecteur éteint » :\n\n{STAFF_WORDS}\n\nVoir la demande : http://127.0.0.1:8080/requests/{number}\nPour répondre, répondez simplement à ce courriel.\n-- \nGuichet, Centre de services scolaire"
    )
}

fn quoted(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn html_lines(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.is_empty() {
                "<div><br></div>".to_string()
            } else {
                format!("<div>{}</div>", html_escape(l))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    OutlookDesktopFr,
    OutlookDesktopFrNarrowSpace,
    OutlookWebFr,
    OutlookMobileFr,
    OutlookEn,
    OutlookDe,
    OutlookEs,
    OutlookSv,
    OutlookNl,
    OriginalMessageFr,
    OriginalMessageEn,
    GmailFr,
    GmailFrWrapped,
    GmailEn,
    GmailHtmlOnly,
    AppleMailFr,
    IphoneFrWrapped,
    ThunderbirdFr,
    ThunderbirdEnBottom,
    ZimbraFr,
    Gnus,
}

use Family::*;

const FAMILIES: [Family; 21] = [
    OutlookDesktopFr,
    OutlookDesktopFrNarrowSpace,
    OutlookWebFr,
    OutlookMobileFr,
    OutlookEn,
    OutlookDe,
    OutlookEs,
    OutlookSv,
    OutlookNl,
    OriginalMessageFr,
    OriginalMessageEn,
    GmailFr,
    GmailFrWrapped,
    GmailEn,
    GmailHtmlOnly,
    AppleMailFr,
    IphoneFrWrapped,
    ThunderbirdFr,
    ThunderbirdEnBottom,
    ZimbraFr,
    Gnus,
];

/// A body as a client sends it.
struct Body {
    text: Option<String>,
    html: Option<String>,
    /// Quoted-printable (Outlook, Gmail), else 8 bit.
    qp: bool,
}

/// An Outlook header block: (from, sent, to, subject) names and the space before the colon.
fn outlook_block(names: [&str; 4], space: &str, sent: &str, subject: &str) -> String {
    format!(
        "{}{space}: Guichet <{OURS}>\n{}{space}: {sent}\n{}{space}: Julie Tremblay <julie@ecole-a.test>\n{}{space}: {subject}",
        names[0], names[1], names[2], names[3]
    )
}

impl Family {
    fn name(self) -> String {
        format!("{self:?}")
    }

    /// Whether the client puts the new words under the quote.
    fn bottom_posts(self) -> bool {
        matches!(self, ThunderbirdEnBottom | Gnus)
    }

    /// The message body: the new words, with the history and footers the client adds.
    fn compose(self, new: &str, number: &str) -> Body {
        let subject = format!("[{number}] Nouveau commentaire : Projecteur éteint");
        let notice = notification(number);
        let text = |s: String| Body {
            text: Some(s),
            html: None,
            qp: false,
        };
        let outlook = |names: [&str; 4], space: &str, sent: &str, footer: &str| {
            let block = outlook_block(names, space, sent, &subject);
            let html = format!(
                "<html><body><div>{}</div>{footer}<div id=\"appendonsend\"></div><hr style=\"display:inline-block;width:98%\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri\"><b>{}</b></font><div>{}</div></div></body></html>",
                html_lines(new),
                html_lines(&block),
                html_lines(&notice)
            );
            Body {
                text: Some(format!(
                    "{new}\n\n{footer}________________________________\n{block}\n\n{notice}"
                )),
                html: Some(html),
                qp: true,
            }
        };
        let fr = ["De", "Envoyé", "À", "Objet"];
        match self {
            OutlookDesktopFr => outlook(fr, "\u{a0}", "lundi 7 décembre 2026 09:00", ""),
            OutlookDesktopFrNarrowSpace => {
                outlook(fr, "\u{202f}", "7 décembre 2026 09:00", "")
            }
            OutlookWebFr => {
                let block = outlook_block(fr, "\u{a0}", "lundi 7 décembre 2026 09:00", &subject);
                Body {
                    text: None,
                    html: Some(format!(
                        "<html><body><div dir=\"ltr\">{}</div><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\">{}</div><div>{}</div></body></html>",
                        html_lines(new),
                        html_lines(&block),
                        html_lines(&notice)
                    )),
                    qp: true,
                }
            }
            OutlookMobileFr => {
                let block = outlook_block(fr, "\u{a0}", "Monday, December 7, 2026 9:00:00 AM", &subject);
                text(format!(
                    "{new}\n\nObtenir Outlook pour iOS<https://aka.ms/o0ukef>\n________________________________\n{block}\n\n{notice}"
                ))
            }
            OutlookEn => outlook(
                ["From", "Sent", "To", "Subject"],
                "",
                "Monday, December 7, 2026 9:00 AM",
                "",
            ),
            OutlookDe => outlook(
                ["Von", "Gesendet", "An", "Betreff"],
                "",
                "Montag, 7. Dezember 2026 09:00",
                "",
            ),
            OutlookEs => outlook(
                ["De", "Enviado", "Para", "Asunto"],
                "",
                "lunes, 7 de diciembre de 2026 9:00",
                "",
            ),
            OutlookSv => outlook(
                ["Från", "Skickat", "Till", "Ämne"],
                "",
                "den 7 december 2026 09:00",
                "",
            ),
            OutlookNl => outlook(
                ["Van", "Verzonden", "Aan", "Onderwerp"],
                "",
                "maandag 7 december 2026 09:00",
                "",
            ),
            OriginalMessageFr => text(format!(
                "{new}\n\n-----Message d'origine-----\nDe\u{a0}: Guichet [mailto:{OURS}]\nEnvoyé\u{a0}: 7 décembre 2026 09:00\nÀ\u{a0}: Julie Tremblay\nObjet\u{a0}: {subject}\n\n{notice}"
            )),
            OriginalMessageEn => text(format!(
                "{new}\n\n-----Original Message-----\nFrom: Guichet [mailto:{OURS}]\nSent: Monday, December 7, 2026 9:00 AM\nTo: Julie Tremblay\nSubject: {subject}\n\n{notice}"
            )),
            GmailFr | GmailFrWrapped | GmailEn => {
                let attribution = match self {
                    GmailFr => format!("Le lun. 7 déc. 2026, à 09 h 00, Guichet <{OURS}> a écrit :"),
                    GmailFrWrapped => {
                        format!("Le lun. 7 déc. 2026 à 09:00, Guichet <{OURS}> a\nécrit :")
                    }
                    _ => format!("On Mon, Dec 7, 2026 at 9:00 AM Guichet <{OURS}> wrote:"),
                };
                Body {
                    text: Some(format!("{new}\n\n{attribution}\n\n{}", quoted(&notice))),
                    html: Some(format!(
                        "<div dir=\"ltr\">{}</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">{}<br></div><blockquote class=\"gmail_quote\">{}</blockquote></div>",
                        html_lines(new),
                        html_escape(&attribution),
                        html_lines(&notice)
                    )),
                    qp: true,
                }
            }
            GmailHtmlOnly => Body {
                text: None,
                html: Some(format!(
                    "<div dir=\"ltr\">{}</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">Le lun. 7 déc. 2026 à 09:00, Guichet &lt;{OURS}&gt; a écrit&nbsp;:<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex\">{}</blockquote></div>",
                    html_lines(new),
                    html_lines(&notice)
                )),
                qp: true,
            },
            AppleMailFr => text(format!(
                "{new}\n\n> Le 7 déc. 2026 à 09:00, Guichet <{OURS}> a écrit :\n> \n{}",
                quoted(&notice)
            )),
            IphoneFrWrapped => text(format!(
                "{new}\n\nEnvoyé de mon iPhone\n\n> Le 7 déc. 2026 à 09:00, Guichet\n> <{OURS}> a écrit :\n> \n{}",
                quoted(&notice)
            )),
            ThunderbirdFr => text(format!(
                "{new}\n\nLe 2026-12-07 à 09:00, Guichet a écrit :\n{}",
                quoted(&notice)
            )),
            ThunderbirdEnBottom => {
                let head = format!("On 2026-12-07 09:00, Guichet wrote:\n{}", quoted(&notice));
                text(if new.is_empty() {
                    head
                } else {
                    format!("{head}\n\n{new}")
                })
            }
            ZimbraFr => text(format!(
                "{new}\n\n----- Mail original -----\nDe: \"Guichet\" <{OURS}>\nÀ: \"Julie Tremblay\" <julie@ecole-a.test>\nEnvoyé: Lundi 7 Décembre 2026 09:00:00\nObjet: {subject}\n\n{notice}"
            )),
            Gnus => {
                let head = format!("Guichet <{OURS}> writes:\n\n{}", quoted(&notice));
                text(if new.is_empty() {
                    head
                } else {
                    format!("{head}\n\n{new}")
                })
            }
        }
    }
}

/// Quoted-printable, as Outlook and Gmail send it (soft breaks at 76).
fn qp(s: &str) -> String {
    let mut out = String::new();
    for line in s.split('\n') {
        let mut cur = String::new();
        for b in line.bytes() {
            let piece = if (b.is_ascii_graphic() && b != b'=') || b == b' ' {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            if cur.len() + piece.len() > 75 {
                out.push_str(&cur);
                out.push_str("=\r\n");
                cur.clear();
            }
            cur.push_str(&piece);
        }
        if cur.ends_with(' ') {
            cur.pop();
            cur.push_str("=20");
        }
        out.push_str(&cur);
        out.push_str("\r\n");
    }
    out
}

fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn b64(bytes: &[u8]) -> String {
    let s = base64::engine::general_purpose::STANDARD.encode(bytes);
    s.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn part(ctype: &str, body: &str, qp_encoded: bool) -> String {
    if qp_encoded {
        format!(
            "Content-Type: {ctype}; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n{}",
            qp(body)
        )
    } else {
        format!(
            "Content-Type: {ctype}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            crlf(body)
        )
    }
}

/// A file attached to a message.
struct File {
    /// The name as RFC 2231 parameters, else as a quoted UTF-8 string.
    rfc2231: bool,
    name: &'static str,
    ctype: &'static str,
    bytes: Vec<u8>,
}

/// A whole message.
fn message(
    from: &str,
    subject: &str,
    id: &str,
    in_reply_to: Option<&str>,
    extra_headers: &str,
    body: &Body,
    file: Option<&File>,
) -> Vec<u8> {
    let mut head = format!(
        "From: {from}\r\nTo: Guichet <{OURS}>\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n\
Date: Mon, 07 Dec 2026 10:00:00 -0500\r\nMIME-Version: 1.0\r\n{extra_headers}"
    );
    if let Some(r) = in_reply_to {
        head.push_str(&format!("In-Reply-To: {r}\r\nReferences: {r}\r\n"));
    }
    let content = match (&body.text, &body.html) {
        (Some(t), Some(h)) => format!(
            "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\n{}--alt\r\n{}--alt--\r\n",
            part("text/plain", t, body.qp),
            part("text/html", h, body.qp)
        ),
        (Some(t), None) => part("text/plain", t, body.qp),
        (None, Some(h)) => part("text/html", h, body.qp),
        (None, None) => part("text/plain", "", false),
    };
    let all = match file {
        None => format!("{head}{content}"),
        Some(f) => {
            // Non-ASCII names as RFC 2231 parameters (Outlook, Thunderbird) or raw UTF-8 (Gmail,
            // Apple).
            let disposition = if f.rfc2231 {
                let encoded: String = f
                    .name
                    .bytes()
                    .map(|b| {
                        if b.is_ascii_alphanumeric() || b == b'.' {
                            (b as char).to_string()
                        } else {
                            format!("%{b:02X}")
                        }
                    })
                    .collect();
                format!("attachment; filename*=utf-8''{encoded}")
            } else {
                format!("attachment; filename=\"{}\"", f.name)
            };
            format!(
                "{head}Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\n{content}\r\n--mix\r\n\
Content-Type: {}\r\nContent-Disposition: {disposition}\r\n\
Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--mix--\r\n",
                f.ctype,
                b64(&f.bytes)
            )
        }
    };
    all.into_bytes()
}

/// What a scenario does, and who sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// The requester's plain answer.
    Plain,
    /// Two paragraphs and a `-- ` signature.
    Signed,
    /// A line that starts with `>` in the middle of the new words is the sender's own.
    QuoteMarkInText,
    /// A technician changes the status with a synonym, on a line in the middle of the words.
    StatusSynonym,
    /// A technician resolves at the bottom of the words.
    ResolveAtBottom,
    /// A command nobody knows: the words are kept with it, the sender told.
    UnknownCommand,
    /// A command the requester may not use: kept in the comment, the sender told.
    RefusedCommand,
    /// A small file.
    Attachment,
    /// A file over the attachment limit: the words are kept, the file left out with a note.
    Oversized,
    /// Nothing new: no request change, a short answer.
    Empty,
    /// A colleague of the requester's unit answers: a comment, and she joins as a watcher.
    Colleague,
    /// A requester of another unit: nothing changes.
    OtherUnit,
    /// Our mail server says the sender's domain did not send it: nothing changes, no answer.
    Spoofed,
    /// Two `From` headers: refused as malformed, nothing changes.
    TwoFrom,
}

use Scenario::*;

const SCENARIOS: [Scenario; 14] = [
    Plain,
    Signed,
    QuoteMarkInText,
    StatusSynonym,
    ResolveAtBottom,
    UnknownCommand,
    RefusedCommand,
    Attachment,
    Oversized,
    Empty,
    Colleague,
    OtherUnit,
    Spoofed,
    TwoFrom,
];

const SYNONYMS: [&str; 6] = [
    "en cours",
    "en traitement",
    "pris en charge",
    "in progress",
    "En_cours",
    "ouverte",
];

/// What must come of a message.
#[derive(Debug, Default)]
struct Expect {
    outcome: &'static str,
    reason: &'static str,
    /// The one text the message adds to the timeline, exactly.
    stored: Option<String>,
    /// Nothing is added to the timeline.
    unchanged: bool,
    status_kind: Option<&'static str>,
    attachment: Option<&'static str>,
    /// The sender gets an answer (`inbound_refused`) in reply to their message, and whether it
    /// says their message was kept.
    answered: Option<bool>,
    watcher: Option<&'static str>,
}

struct Case {
    label: String,
    raw: Vec<u8>,
    message_id: String,
    sender: &'static str,
    expect: Expect,
}

fn png(size: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.resize(size, 7);
    b
}

fn case(family: Family, scenario: Scenario, k: usize, number: &str, n: i64) -> Case {
    let thread_id = thread(n);
    let (sender, from, new, mut expect): (&str, String, String, Expect) = match scenario {
        Plain => (
            REQUESTER_A,
            format!("Julie Tremblay <{REQUESTER_A}>"),
            "Merci, le projecteur fonctionne de nouveau.".into(),
            Expect {
                stored: Some("Merci, le projecteur fonctionne de nouveau.".into()),
                ..Expect::default()
            },
        ),
        Signed => (
            REQUESTER_A,
            format!("\"Tremblay, Julie\" <{REQUESTER_A}>"),
            "Bonjour,\n\nLe voyant clignote encore en orange.\nC'est la salle 204.\n\n-- \nJulie Tremblay\nSecrétariat, école A\n514 555-0100".into(),
            Expect {
                stored: Some(
                    "Bonjour,\n\nLe voyant clignote encore en orange.\nC'est la salle 204.".into(),
                ),
                ..Expect::default()
            },
        ),
        QuoteMarkInText => (
            REQUESTER_A,
            REQUESTER_A.to_string(),
            "Le projecteur affiche :\n> Aucun signal détecté\nJe l'ai redémarré deux fois.".into(),
            Expect {
                stored: Some(
                    "Le projecteur affiche :\n> Aucun signal détecté\nJe l'ai redémarré deux fois."
                        .into(),
                ),
                ..Expect::default()
            },
        ),
        StatusSynonym => (
            TECH_TI,
            format!("Karim Benali <{TECH_TI}>"),
            format!(
                "Bonjour Julie,\n#statut {}\nJe regarde la lampe cet après-midi.",
                SYNONYMS[k % SYNONYMS.len()]
            ),
            Expect {
                stored: Some("Bonjour Julie,\nJe regarde la lampe cet après-midi.".into()),
                status_kind: Some("open"),
                ..Expect::default()
            },
        ),
        ResolveAtBottom => (
            TECH_TI,
            format!("Karim Benali <{TECH_TI}>"),
            "Lampe remplacée, tout fonctionne.\n\n#résolu".into(),
            Expect {
                stored: Some("Lampe remplacée, tout fonctionne.".into()),
                status_kind: Some("resolved"),
                ..Expect::default()
            },
        ),
        UnknownCommand => (
            TECH_TI,
            format!("Karim Benali <{TECH_TI}>"),
            "Je transmets au fournisseur.\n#escalader\nÀ suivre.".into(),
            Expect {
                reason: "command",
                stored: Some("Je transmets au fournisseur.\n#escalader\nÀ suivre.".into()),
                answered: Some(true),
                ..Expect::default()
            },
        ),
        RefusedCommand => (
            REQUESTER_A,
            REQUESTER_A.to_string(),
            "#interne\nC'est urgent, il y a un examen demain.".into(),
            Expect {
                reason: "command",
                stored: Some("#interne\nC'est urgent, il y a un examen demain.".into()),
                answered: Some(true),
                ..Expect::default()
            },
        ),
        Attachment => (
            REQUESTER_A,
            REQUESTER_A.to_string(),
            "Voici une photo de l'écran.".into(),
            Expect {
                stored: Some("Voici une photo de l'écran.".into()),
                attachment: Some("écran.png"),
                ..Expect::default()
            },
        ),
        Oversized => (
            REQUESTER_A,
            REQUESTER_A.to_string(),
            "La vidéo du problème est jointe.".into(),
            Expect {
                reason: "attachment",
                stored: Some(
                    "La vidéo du problème est jointe.\n\n[Pièce jointe non conservée : écran.png (0,1 Mo), plus grande que la limite de 0,1 Mo.]"
                        .into(),
                ),
                answered: Some(true),
                ..Expect::default()
            },
        ),
        Empty => (
            REQUESTER_A,
            REQUESTER_A.to_string(),
            String::new(),
            Expect {
                outcome: "ignored",
                reason: "empty",
                unchanged: true,
                answered: Some(false),
                ..Expect::default()
            },
        ),
        Colleague => (
            COLLEAGUE,
            format!("Sophie Martin <{COLLEAGUE}>"),
            "Même problème dans la classe 112 depuis lundi.".into(),
            Expect {
                stored: Some("Même problème dans la classe 112 depuis lundi.".into()),
                watcher: Some(COLLEAGUE),
                ..Expect::default()
            },
        ),
        OtherUnit => (
            REQUESTER_B,
            REQUESTER_B.to_string(),
            "Je peux vous prêter notre projecteur.".into(),
            Expect {
                outcome: "refused",
                reason: "forbidden",
                unchanged: true,
                answered: Some(false),
                ..Expect::default()
            },
        ),
        Spoofed => (
            TECH_TI,
            format!("Karim Benali <{TECH_TI}>"),
            "#résolu\nFermé.".into(),
            Expect {
                outcome: "rejected",
                reason: "spoofed",
                unchanged: true,
                ..Expect::default()
            },
        ),
        TwoFrom => (
            REQUESTER_A,
            REQUESTER_A.to_string(),
            "Deux expéditeurs.".into(),
            Expect {
                outcome: "refused",
                reason: "malformed",
                unchanged: true,
                ..Expect::default()
            },
        ),
    };
    if expect.outcome.is_empty() {
        expect.outcome = "applied";
    }
    let body = family.compose(&new, number);
    let file = match scenario {
        Attachment => Some(File {
            rfc2231: k.is_multiple_of(2),
            name: "écran.png",
            ctype: "image/png",
            bytes: png(2048),
        }),
        Oversized => Some(File {
            rfc2231: k.is_multiple_of(2),
            name: "écran.png",
            ctype: "image/png",
            bytes: png(LIMIT + 1),
        }),
        _ => None,
    };
    let extra = match scenario {
        Spoofed => "Authentication-Results: mx.csss.test; spf=fail smtp.mailfrom=sti.test; dkim=none; dmarc=fail header.from=sti.test\r\n".to_string(),
        TwoFrom => format!("From: {TECH_TI}\r\n"),
        _ => String::new(),
    };
    let subject = match family {
        OutlookDesktopFr
        | OutlookDesktopFrNarrowSpace
        | OutlookWebFr
        | OutlookMobileFr
        | OriginalMessageFr => {
            format!("=?utf-8?q?RE=C2=A0:_=5B{number}=5D_Projecteur_=C3=A9teint?=")
        }
        OutlookDe => format!("AW: [{number}] Projecteur"),
        OutlookSv => format!("SV: [{number}] Projecteur"),
        _ => format!("Re: [{number}] Projecteur éteint"),
    };
    let message_id = format!(
        "{}-{scenario:?}-{n}@client.test",
        family.name().to_lowercase()
    );
    let raw = message(
        &from,
        &subject,
        &message_id,
        Some(&thread_id),
        &extra,
        &body,
        file.as_ref(),
    );
    Case {
        label: format!("{family:?} × {scenario:?}"),
        raw,
        message_id,
        sender,
        expect,
    }
}

fn corpus_intake(app: &TestApp) -> Intake {
    let mut i = intake(app);
    i.max_attachment_bytes = LIMIT;
    i
}

fn receive_with(app: &TestApp, intake: &Intake, raw: &[u8]) -> Receipt {
    service::receive(
        &mut app.conn(),
        intake,
        &app.state.storage,
        raw,
        Channel::Pipe,
    )
    .unwrap()
}

fn status_kind(app: &TestApp, n: i64) -> String {
    use guichet::db::schema::requests as r;
    r::table
        .filter(r::number.eq(n))
        .select(r::status_kind)
        .first(&mut app.conn())
        .unwrap()
}

fn watchers(app: &TestApp, n: i64) -> Vec<String> {
    use guichet::db::schema::{request_watchers as w, requests as r, users as u};
    w::table
        .inner_join(r::table)
        .inner_join(u::table.on(u::id.eq(w::user_id)))
        .filter(r::number.eq(n))
        .select(u::email)
        .load(&mut app.conn())
        .unwrap()
}

/// The answers to a sender, after an outbox id: (template, payload).
fn answers(app: &TestApp, to: &str, after: i64) -> Vec<(String, Value)> {
    use guichet::db::schema::outbox::dsl::*;
    outbox
        .filter(recipient.eq(to))
        .filter(id.gt(after))
        .filter(template.like("inbound_%"))
        .order(id)
        .select((template, payload))
        .load(&mut app.conn())
        .unwrap()
}

fn last_outbox_id(app: &TestApp) -> i64 {
    use guichet::db::schema::outbox::dsl::*;
    outbox
        .select(diesel::dsl::max(id))
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap_or(0)
}

fn add_colleague(app: &TestApp) {
    use guichet::db::schema::units;
    use guichet::users::service::{self as accounts, NewAccount};
    let conn = &mut app.conn();
    let unit = units::table
        .filter(units::code.eq("ecole-a"))
        .select(units::id)
        .first(conn)
        .unwrap();
    accounts::upsert_account(
        conn,
        &guichet::audit::Origin::default(),
        NewAccount {
            email: COLLEAGUE.into(),
            display_name: "Sophie Martin".into(),
            locale: "fr".into(),
            password_hash: None,
            roles: vec![(unit, guichet::users::model::Role::Requester)],
        },
    )
    .unwrap();
}

#[actix_rt::test]
async fn every_client_family_in_every_scenario_is_stored_as_its_sender_meant() {
    let app = TestApp::new().await;
    add_colleague(&app);
    let intake = corpus_intake(&app);
    let mut failures = Vec::new();
    let mut count = 0;
    for family in FAMILIES {
        for (k, scenario) in SCENARIOS.into_iter().enumerate() {
            if scenario == QuoteMarkInText && family.bottom_posts() {
                // Under a quote, a `>` line is the quote's: such clients are not asked this.
                continue;
            }
            let (number, n) = new_request(&app, REQUESTER_A, "Projecteur éteint").await;
            let c = case(family, scenario, k + count, &number, n);
            count += 1;
            let before = timeline(&app, n);
            let outbox_before = last_outbox_id(&app);
            let r = receive_with(&app, &intake, &c.raw);
            let mut problems = Vec::new();
            let e = &c.expect;
            if (r.outcome.as_str(), r.reason.as_str()) != (e.outcome, e.reason) {
                problems.push(format!(
                    "outcome {} ({}), expected {} ({})",
                    r.outcome, r.reason, e.outcome, e.reason
                ));
            }
            let after = timeline(&app, n);
            let added: Vec<_> = after[before.len().min(after.len())..].to_vec();
            let texts: Vec<&String> = added
                .iter()
                .map(|e| &e.2)
                .filter(|b| !b.is_empty())
                .collect();
            if e.unchanged && after != before {
                problems.push(format!("timeline changed: {added:?}"));
            }
            if let Some(stored) = &e.stored {
                if texts != vec![stored] {
                    problems.push(format!("stored {texts:?}, expected {stored:?}"));
                }
            }
            for t in &texts {
                for forbidden in [
                    OURS,
                    "http://127.0.0.1",
                    STAFF_WORDS,
                    "Karim Benali a ajouté",
                ] {
                    if t.contains(forbidden) {
                        problems.push(format!("stored text holds {forbidden:?}: {t:?}"));
                    }
                }
            }
            if let Some(kind) = e.status_kind {
                let got = status_kind(&app, n);
                if got != kind {
                    problems.push(format!("status kind {got}, expected {kind}"));
                }
            }
            let files = attachments(&app, n);
            match e.attachment {
                Some(name) if files != vec![name.to_string()] => {
                    problems.push(format!("attachments {files:?}, expected [{name}]"))
                }
                None if !files.is_empty() => problems.push(format!("attachments {files:?}")),
                _ => {}
            }
            let told = answers(&app, c.sender, outbox_before);
            match e.answered {
                Some(stored) => {
                    let ok = told.len() == 1
                        && told[0].0 == "inbound_refused"
                        && told[0].1["answers"] == c.message_id.as_str()
                        && told[0].1["stored"] == stored;
                    if !ok {
                        problems.push(format!("answers {told:?}, expected one (stored {stored})"));
                    }
                }
                None if !told.is_empty() => problems.push(format!("unexpected answers {told:?}")),
                None => {}
            }
            if let Some(w) = e.watcher {
                if !watchers(&app, n).iter().any(|x| x == w) {
                    problems.push(format!("{w} is not a watcher"));
                }
            }
            if !problems.is_empty() {
                failures.push(format!("{}: {}", c.label, problems.join("; ")));
            }
        }
    }
    assert!(count >= 200, "{count} messages");
    assert!(
        failures.is_empty(),
        "{} of {count} messages wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
