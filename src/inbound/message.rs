//! Reading a raw message (with `mail-parser`: charsets, quoted-printable, base64, RFC 2047 and
//! RFC 2231 are its business) into what the pipeline needs, and classifying it. Pure: no
//! database, no I/O, never panics on hostile input.

use mail_parser::{MessageParser, MimeHeaders, PartType};

/// One attachment of an inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Its transfer encoding was broken (base64 that does not decode): the bytes are not the
    /// file, and it is left out with a note.
    pub damaged: bool,
}

/// What a delivery-status report says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dsn {
    /// At least one recipient failed for good (`Action: failed`, status 5.x.x other than
    /// 5.2.2, a full mailbox).
    pub permanent: bool,
    /// The recipients that failed for good, lower case. A delay (4.x.x) or a full mailbox
    /// (5.2.2) is no permanent failure: it names nobody here.
    pub failed: Vec<String>,
}

/// The headers that tell a person's message from a machine's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    pub auto_submitted: Option<String>,
    pub auto_response_suppress: bool,
    pub precedence: Option<String>,
    /// `X-Autoreply`, `X-Autorespond`, `X-Auto-Reply-From` and the like.
    pub autoreply_header: bool,
    /// `multipart/report`'s `report-type`.
    pub report_type: Option<String>,
    /// The envelope sender was empty (`Return-Path: <>`), as for bounces.
    pub null_return_path: bool,
    pub dsn: Option<Dsn>,
    /// The topmost `Authentication-Results` (the one our own mail server adds) says the
    /// sender's domain did not send it: DMARC failed, or SPF failed with no DKIM pass.
    pub authentication_failed: bool,
}

/// A message as the pipeline sees it.
#[derive(Debug, Clone, Default)]
pub struct Inbound {
    /// Without angle brackets.
    pub message_id: Option<String>,
    /// In-Reply-To then References, without angle brackets.
    pub refs: Vec<String>,
    /// The sender's address, lower case.
    pub from: Option<String>,
    pub from_name: String,
    /// To, Cc, Delivered-To and X-Original-To addresses, lower case.
    pub recipients: Vec<String>,
    pub subject: String,
    /// The text body; an HTML-only message is converted to text.
    pub text: String,
    /// The text to read the reply from: the text body, or for an HTML-only message its
    /// conversion without the quoted history mail clients mark up (blockquote, Gmail's and
    /// Outlook's reply blocks).
    pub reply_text: String,
    pub attachments: Vec<Part>,
    pub signals: Signals,
    /// How many `From` headers the message has: more than one is a forgery (the reader and a
    /// signature check would not see the same sender), refused as malformed.
    pub from_headers: usize,
}

fn bare_id(s: &str) -> String {
    s.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

fn text_list(v: &mail_parser::HeaderValue) -> Vec<String> {
    match v {
        mail_parser::HeaderValue::Text(t) => t.split_whitespace().map(bare_id).collect(),
        mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| bare_id(t)).collect(),
        _ => Vec::new(),
    }
}

fn addresses(a: Option<&mail_parser::Address>) -> Vec<String> {
    a.map(|a| {
        a.iter()
            .filter_map(|x| x.address())
            .map(|x| x.trim().to_lowercase())
            .collect()
    })
    .unwrap_or_default()
}

/// One line of text as a header or title may hold: control characters (CR, LF, NUL, tabs,
/// line and paragraph separators) become spaces, runs of spaces one.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text as PostgreSQL can hold it: no NUL.
fn storable(s: String) -> String {
    if s.contains('\0') {
        s.replace('\0', "")
    } else {
        s
    }
}

/// The raw header section of a part.
fn raw_headers<'a>(raw: &'a [u8], part: &mail_parser::MessagePart) -> &'a [u8] {
    raw.get(part.raw_header_offset() as usize..part.raw_body_offset() as usize)
        .unwrap_or(&[])
}

/// The part declares `Content-Transfer-Encoding: base64`.
fn declared_base64(part: &mail_parser::MessagePart) -> bool {
    part.headers().iter().any(|h| {
        h.name().eq_ignore_ascii_case("Content-Transfer-Encoding")
            && h.value()
                .as_text()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("base64"))
    })
}

/// Broken base64 read line by line: the lines that decode are kept, the others dropped (the
/// raw encoded text is never taken for the message's words).
fn lenient_base64(body: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let mut out = Vec::new();
    for line in body.split(|b| *b == b'\n') {
        let line: Vec<u8> = line
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        if let Ok(bytes) = engine.decode(&line) {
            out.extend(bytes);
        }
    }
    out
}

/// Text in a named charset (UTF-8 when unknown), lossily.
fn decode_charset(charset: Option<&str>, bytes: &[u8]) -> String {
    charset
        .and_then(|c| mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes()))
        .map(|decode| decode(bytes))
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
}

/// An RFC 2231 file name continued over several parameters (`filename*0*=utf-8''%C3`,
/// `filename*1*=%A9t%C3%A9.pdf`): the pieces are joined as bytes before the charset decodes
/// them, so a character split between two pieces survives. `None` when the name is not
/// continued (mail-parser reads those right).
fn continued_name(headers: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(headers).replace("\r\n", "\n");
    // Unfolded, lower-cased names kept apart from values.
    let unfolded = text.replace("\n ", " ").replace("\n\t", " ");
    let mut pieces: Vec<(u32, bool, String)> = Vec::new();
    for param in unfolded.split(';') {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        let Some(rest) = name
            .strip_prefix("filename*")
            .or_else(|| name.strip_prefix("name*"))
        else {
            continue;
        };
        let (index, encoded) = match rest.strip_suffix('*') {
            Some(i) => (i, true),
            None => (rest, false),
        };
        let Ok(index) = index.parse::<u32>() else {
            continue;
        };
        let value = value.lines().next().unwrap_or("").trim().trim_matches('"');
        if pieces.iter().any(|(i, _, _)| *i == index) {
            continue; // filename*0 and name*0 both: the first wins
        }
        pieces.push((index, encoded, value.to_string()));
    }
    if pieces.len() < 2 {
        return None;
    }
    pieces.sort_by_key(|p| p.0);
    let mut charset = None;
    let mut bytes = Vec::new();
    for (i, (_, encoded, value)) in pieces.iter().enumerate() {
        let mut value = value.as_str();
        if i == 0 && *encoded {
            let mut parts = value.splitn(3, '\'');
            if let (Some(c), Some(_lang), Some(v)) = (parts.next(), parts.next(), parts.next()) {
                charset = Some(c.to_string()).filter(|c| !c.is_empty());
                value = v;
            }
        }
        if *encoded {
            bytes.extend(percent_encoding::percent_decode_str(value));
        } else {
            bytes.extend_from_slice(value.as_bytes());
        }
    }
    Some(decode_charset(charset.as_deref(), &bytes))
}

/// Whether an `Authentication-Results` value (RFC 8601) says the message is forged.
pub fn authentication_failed(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let has = |method: &str, result: &str| {
        v.split(|c: char| c == ';' || c.is_whitespace())
            .any(|w| w == format!("{method}={result}"))
    };
    has("dmarc", "fail") || (has("spf", "fail") && !has("dkim", "pass"))
}

fn header_text(m: &mail_parser::Message, name: &str) -> Option<String> {
    m.header_raw(name)
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Parses a raw message; `None` when it is not a message at all — or when the parser gives up
/// with a panic (mail-parser 0.11 has a debug assertion the fuzzer reaches: a hostile message
/// must be recorded as unreadable, not take a worker or the IMAP poller down).
pub fn parse(raw: &[u8]) -> Option<Inbound> {
    std::panic::catch_unwind(|| read(raw)).ok().flatten()
}

fn read(raw: &[u8]) -> Option<Inbound> {
    let m = MessageParser::default().parse(raw)?;
    if m.headers().is_empty() {
        return None;
    }
    let from = m.from().and_then(|a| a.first());
    let mut refs = text_list(m.in_reply_to());
    refs.extend(text_list(m.references()));
    refs.retain(|r| !r.is_empty());
    refs.dedup();
    let mut recipients = addresses(m.to());
    recipients.extend(addresses(m.cc()));
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        for (h, v) in m.headers_raw() {
            if h.eq_ignore_ascii_case(name) {
                let v = bare_id(v).to_lowercase();
                if v.contains('@') {
                    recipients.push(v);
                }
            }
        }
    }
    recipients.dedup();

    let raw_message = m.raw_message();
    let lenient = |part: &mail_parser::MessagePart| {
        let body = raw_message
            .get(part.raw_body_offset() as usize..part.raw_end_offset() as usize)
            .unwrap_or(&[]);
        let charset = part.content_type().and_then(|c| c.attribute("charset"));
        decode_charset(charset, &lenient_base64(body))
    };
    let mut text = m.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    // A text part whose base64 is broken: the parser may keep it as text or turn it into a
    // nameless attachment; either way it is read line by line, never stored encoded.
    let mut rescued = None;
    match m.text_part(0) {
        Some(part) if part.is_encoding_problem && declared_base64(part) => text = lenient(part),
        Some(_) => {}
        None => {
            rescued = m.parts.iter().position(|part| {
                part.is_encoding_problem
                    && declared_base64(part)
                    && part.attachment_name().is_none()
                    && part.is_content_type("text", "plain")
            });
            if let Some(i) = rescued {
                text = lenient(&m.parts[i]);
            }
        }
    }
    let text = storable(text);
    // No text part: the text is the HTML one's (mail-parser converts it, losing its lines).
    let html_only = m
        .text_part(0)
        .is_some_and(|p| matches!(p.body, PartType::Html(_)));
    let reply_text = match m.body_html(0) {
        Some(h) if html_only => storable(html_text(&cut_quoted_html(&h))),
        _ => text.clone(),
    };

    let report_type = m
        .content_type()
        .filter(|c| c.ctype().eq_ignore_ascii_case("multipart"))
        .filter(|c| {
            c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        })
        .and_then(|c| c.attribute("report-type"))
        .map(|s| s.to_ascii_lowercase());
    let mut dsn = None;
    let mut attachments = Vec::new();
    for (i, part) in m.parts.iter().enumerate() {
        let ct = part.content_type();
        let (ctype, subtype) = ct
            .map(|c| {
                (
                    c.ctype().to_ascii_lowercase(),
                    c.subtype().unwrap_or("").to_ascii_lowercase(),
                )
            })
            .unwrap_or_default();
        if ctype == "message" && subtype == "delivery-status" {
            dsn = Some(read_dsn(&String::from_utf8_lossy(part.contents())));
            continue;
        }
        if !m.attachments.contains(&(i as u32)) || rescued == Some(i) {
            continue;
        }
        let (bytes, default_name) = match &part.body {
            PartType::Message(inner) => (inner.raw_message().to_vec(), "message.eml"),
            PartType::Multipart(_) => continue,
            _ => (part.contents().to_vec(), "piece-jointe"),
        };
        let content_type = match &part.body {
            PartType::Message(_) => "message/rfc822".to_string(),
            _ if ctype.is_empty() => "application/octet-stream".to_string(),
            _ => format!("{ctype}/{subtype}"),
        };
        let mut filename = continued_name(raw_headers(raw_message, part))
            .or_else(|| part.attachment_name().map(str::to_string))
            .map(|n| storable(one_line(&n)))
            .filter(|n| !n.is_empty())
            .or_else(|| match &part.body {
                // A forwarded message is named after its subject.
                PartType::Message(inner) => inner
                    .subject()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
                _ => None,
            })
            .unwrap_or_else(|| default_name.to_string());
        if content_type == "message/rfc822" && !filename.to_lowercase().ends_with(".eml") {
            filename.push_str(".eml");
        }
        attachments.push(Part {
            filename,
            content_type,
            damaged: part.is_encoding_problem && declared_base64(part),
            bytes,
        });
    }

    let return_path = m.header_raw("Return-Path").map(str::trim);
    let signals = Signals {
        auto_submitted: header_text(&m, "Auto-Submitted").map(|s| s.to_ascii_lowercase()),
        auto_response_suppress: m.header_raw("X-Auto-Response-Suppress").is_some(),
        precedence: header_text(&m, "Precedence").map(|s| s.to_ascii_lowercase()),
        autoreply_header: [
            "X-Autoreply",
            "X-Autorespond",
            "X-Auto-Reply-From",
            "X-Autogenerated",
        ]
        .iter()
        .any(|h| m.header_raw(*h).is_some()),
        report_type,
        null_return_path: return_path == Some("<>"),
        dsn,
        authentication_failed: m
            .header_raw("Authentication-Results")
            .is_some_and(authentication_failed),
    };
    Some(Inbound {
        message_id: m.message_id().map(bare_id).filter(|s| !s.is_empty()),
        refs,
        from: from
            .and_then(|a| a.address())
            .map(|a| a.trim().to_lowercase()),
        from_name: storable(one_line(from.and_then(|a| a.name()).unwrap_or(""))),
        recipients,
        subject: storable(one_line(m.subject().unwrap_or(""))),
        text,
        reply_text,
        attachments,
        signals,
        from_headers: m
            .headers_raw()
            .filter(|(h, _)| h.eq_ignore_ascii_case("From"))
            .count(),
    })
}

#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static QUOTED_HTML: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    regex::Regex::new(
        r#"(?isx)<blockquote
          | <div[^>]+class=["']?(gmail_quote|gmail_attr|yahoo_quoted|zmail_extra|moz-cite-prefix|OutlookMessageHeader|AppleOriginalContents)
          | <div[^>]+id=["']?(x_)?(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)
          | <div[^>]+name=["']?messageReplySection
          | <[a-z]+[^>]+data-marker=["']?__QUOTED_TEXT__
          | <hr[^>]*id=["']?(stopSpelling|zwchr)
          | <div[^>]+style=["'][^"']*border:\s*none;\s*border-top:\s*solid"#,
    )
    .expect("regex")
});

#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static EMPTY_BLOCK: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    regex::Regex::new(r"(?is)<(div|p)\b[^>]*>\s*(<br\s*/?>)?\s*</(div|p)>").expect("regex")
});
#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static BLOCK_END: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
    regex::Regex::new(r"(?i)</(div|li|tr|h[1-6]|blockquote|table|pre)\s*>").expect("regex")
});

/// The text of an HTML body, a line per block as the writer saw it (webmails write a line per
/// `<div>`, an empty `<div><br></div>` for a blank line), each line trimmed of the spaces the
/// markup's own line breaks leave.
pub fn html_text(html: &str) -> String {
    let html = EMPTY_BLOCK.replace_all(html, "<br>");
    let html = BLOCK_END.replace_all(&html, "<br>");
    let text = mail_parser::decoders::html::html_to_text(&html);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_matches([' ', '\t'])).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// HTML up to where the quoted history starts.
fn cut_quoted_html(html: &str) -> String {
    match QUOTED_HTML.find(html) {
        Some(m) => html[..m.start()].to_string(),
        None => html.to_string(),
    }
}

/// Reads the per-recipient fields of a `message/delivery-status` part.
fn read_dsn(text: &str) -> Dsn {
    let mut dsn = Dsn::default();
    // Blocks are separated by blank lines; the first is about the message.
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let mut recipient = None;
        let mut failed = false;
        let mut permanent = false;
        for line in block.lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "final-recipient" | "original-recipient" if recipient.is_none() => {
                    let addr = value.rsplit(';').next().unwrap_or(value);
                    recipient = Some(bare_id(addr).to_lowercase());
                }
                "action" => failed = value.eq_ignore_ascii_case("failed"),
                "status" => permanent = value.starts_with('5') && !value.starts_with("5.2.2"),
                _ => {}
            }
        }
        if let (Some(r), true, true) = (recipient, failed, permanent) {
            dsn.permanent = true;
            dsn.failed.push(r);
        }
    }
    dsn
}

/// What kind of message this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// A person wrote it: process it.
    Person,
    AutoReply,
    Bounce(Dsn),
    Receipt,
    /// We sent it, or it comes from our own address.
    Loop,
}

impl Class {
    pub fn reason(&self) -> &'static str {
        match self {
            Class::Person => "",
            Class::AutoReply => "auto_reply",
            Class::Bounce(_) => "bounce",
            Class::Receipt => "receipt",
            Class::Loop => "loop",
        }
    }
}

/// Guichet's own addresses and Message-ID domain, to recognize its messages coming back.
#[derive(Debug, Clone, Default)]
pub struct Own {
    /// Lower-case addresses (local part without any `+tag`).
    pub addresses: Vec<String>,
    pub message_id_domain: String,
}

/// The address without a `+tag` in its local part, lower case.
pub fn base_address(addr: &str) -> String {
    let addr = addr.trim().to_lowercase();
    match addr.split_once('@') {
        Some((local, domain)) => {
            let local = local.split('+').next().unwrap_or(local);
            format!("{local}@{domain}")
        }
        None => addr,
    }
}

const AUTO_SUBJECTS: &[&str] = &[
    "réponse automatique",
    "reponse automatique",
    "réponse automatique d'absence",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "out of office",
    "out of the office",
    "absence du bureau",
    "absent du bureau",
    "absente du bureau",
    "message d'absence",
    "autosvar",
    "abwesenheitsnotiz",
    "automatische antwort",
];

const BOUNCE_SENDERS: &[&str] = &["mailer-daemon@", "postmaster@"];

const BOUNCE_SUBJECTS: &[&str] = &[
    "undeliverable",
    "undelivered mail",
    "delivery status notification",
    "mail delivery failed",
    "non remis",
    "message non remis",
    "échec de la remise",
    "returned mail",
];

const RECEIPT_SUBJECTS: &[&str] = &["read:", "lu :", "lu:", "non lu :", "not read:"];

/// Tells a person's message from auto-replies, bounces, read receipts and our own mail.
pub fn classify(m: &Inbound, own: &Own) -> Class {
    let s = &m.signals;
    let from = m.from.as_deref().unwrap_or("");
    let ours = |id: &str| {
        !own.message_id_domain.is_empty()
            && id
                .to_lowercase()
                .ends_with(&format!("@{}", own.message_id_domain.to_lowercase()))
    };
    if !from.is_empty() && own.addresses.contains(&base_address(from)) {
        return Class::Loop;
    }
    if m.message_id.as_deref().is_some_and(ours) {
        return Class::Loop;
    }
    match s.report_type.as_deref() {
        Some("delivery-status") => return Class::Bounce(s.dsn.clone().unwrap_or_default()),
        Some("disposition-notification") => return Class::Receipt,
        _ => {}
    }
    if let Some(dsn) = &s.dsn {
        return Class::Bounce(dsn.clone());
    }
    let subject = m.subject.to_lowercase();
    if BOUNCE_SENDERS.iter().any(|b| from.starts_with(b))
        || (s.null_return_path && BOUNCE_SUBJECTS.iter().any(|b| subject.contains(b)))
    {
        return Class::Bounce(Dsn::default());
    }
    if s.auto_submitted.as_deref().is_some_and(|v| v != "no")
        || s.auto_response_suppress
        || s.autoreply_header
        || matches!(
            s.precedence.as_deref(),
            Some("bulk" | "junk" | "auto_reply" | "list")
        )
    {
        return Class::AutoReply;
    }
    let stripped = super::thread::strip_prefixes(&subject);
    if AUTO_SUBJECTS
        .iter()
        .any(|p| subject.starts_with(p) || stripped.starts_with(p))
        || subject.starts_with("auto:")
    {
        return Class::AutoReply;
    }
    if RECEIPT_SUBJECTS.iter().any(|p| subject.starts_with(p)) && m.text.trim().len() < 600 {
        let t = m.text.to_lowercase();
        if t.contains("a été lu") || t.contains("was read") || t.contains("n'a pas été lu") {
            return Class::Receipt;
        }
    }
    Class::Person
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> Own {
        Own {
            addresses: vec!["soutien@csdm.example".into(), "guichet@csdm.example".into()],
            message_id_domain: "guichet.csdm.example".into(),
        }
    }

    #[test]
    fn broken_base64_text_is_read_line_by_line_never_kept_encoded() {
        let raw = "From: a@b.c\r\nTo: x@y.z\r\nSubject: s\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"sep\"\r\n\r\n--sep\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\r\nQm9uam91ciwgbGUgcHJv\r\n!!@@**\r\n\
amVjdGV1ciBkdSBsb2NhbCAxMiBlc3QgYnJpc8OpLg==\r\n--sep--\r\n";
        let m = parse(raw.as_bytes()).unwrap();
        assert_eq!(m.text, "Bonjour, le projecteur du local 12 est brisé.");
        assert!(m.attachments.is_empty(), "{:?}", m.attachments.len());
    }

    #[test]
    fn html_bodies_keep_their_lines() {
        assert_eq!(
            html_text("<div dir=\"ltr\">Bonjour,</div>\n<div><br></div>\n<div>Le voyant &gt; clignote.</div>\n<div>Salle 204</div>"),
            "Bonjour,\n\nLe voyant > clignote.\nSalle 204"
        );
        assert_eq!(
            html_text("<p>Un</p><p>Deux<br>trois</p>"),
            "Un\nDeux\ntrois"
        );
    }

    #[test]
    fn tells_a_forged_sender_from_a_signed_one() {
        assert!(authentication_failed(
            "mx.csdm.example; spf=fail smtp.mailfrom=ecole.example; dmarc=fail header.from=ecole.example"
        ));
        assert!(authentication_failed(
            "mx.csdm.example; spf=fail smtp.mailfrom=a.example"
        ));
        assert!(!authentication_failed(
            "mx.csdm.example; spf=fail smtp.mailfrom=a.example; dkim=pass header.d=a.example"
        ));
        assert!(!authentication_failed(
            "mx.csdm.example; spf=pass; dkim=pass; dmarc=pass"
        ));
        assert!(!authentication_failed("mx.csdm.example; dmarc=failover"));
    }

    #[test]
    fn reads_a_plain_reply() {
        let raw = b"From: =?utf-8?q?Julie_Tr=C3=A9panier?= <Julie.Trepanier@Ecole.example>\r\n\
To: Soutien <soutien+ds42-abc@csdm.example>\r\n\
Subject: =?iso-8859-1?q?RE=A0:_=5BDS-000042=5D_Projecteur_bris=E9?=\r\n\
Message-ID: <abc@mail.example>\r\n\
In-Reply-To: <ds-000042@guichet.csdm.example>\r\n\
References: <ds-000042@guichet.csdm.example> <17.aa@guichet.csdm.example>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nMerci, c'est r\xc3\xa9gl\xc3\xa9.\r\n";
        let m = parse(raw).unwrap();
        assert_eq!(m.from.as_deref(), Some("julie.trepanier@ecole.example"));
        assert_eq!(m.from_name, "Julie Trépanier");
        assert_eq!(m.message_id.as_deref(), Some("abc@mail.example"));
        assert_eq!(
            m.refs,
            vec![
                "ds-000042@guichet.csdm.example",
                "17.aa@guichet.csdm.example"
            ]
        );
        assert!(m.subject.contains("Projecteur brisé"), "{}", m.subject);
        assert_eq!(m.recipients, vec!["soutien+ds42-abc@csdm.example"]);
        assert_eq!(classify(&m, &own()), Class::Person);
    }

    #[test]
    fn garbage_is_not_a_message_and_does_not_panic() {
        assert!(parse(b"").is_none());
        for raw in [
            &b"\x00\x01\x02"[..],
            b"no colon here",
            b"Content-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\n--x\r\n--x--",
        ] {
            let _ = parse(raw);
        }
    }

    #[test]
    fn a_message_the_parser_chokes_on_is_survived() {
        // Found by the fuzzer (tests/fuzz): it trips a debug assertion inside mail-parser.
        let raw =
            include_bytes!("../../tests/fixtures/inbound-crashes/mail-parser-invalid-part-id.eml");
        let _ = parse(raw);
    }

    #[test]
    fn our_own_address_and_message_ids_are_loops() {
        let raw = b"From: guichet+ds1-aa@csdm.example\r\nSubject: x\r\n\r\nx";
        assert_eq!(classify(&parse(raw).unwrap(), &own()), Class::Loop);
        let raw = b"From: a@b.example\r\nMessage-ID: <5.ab@GUICHET.csdm.example>\r\n\r\nx";
        assert_eq!(classify(&parse(raw).unwrap(), &own()), Class::Loop);
    }

    #[test]
    fn a_permanent_dsn_names_the_failed_recipient() {
        let raw = b"From: MAILER-DAEMON@mx.example\r\nReturn-Path: <>\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n\
--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n\
Final-Recipient: rfc822; Parti@Ecole.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
Final-Recipient: rfc822; lent@ecole.example\r\nAction: delayed\r\nStatus: 4.4.1\r\n\
--b--\r\n";
        let m = parse(raw).unwrap();
        match classify(&m, &own()) {
            Class::Bounce(d) => {
                assert!(d.permanent);
                assert_eq!(d.failed, vec!["parti@ecole.example"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
