//! Inbound mail: replies and new requests by email. Three intakes — IMAP polling (`imap`), the
//! MTA pipe (`guichet mailgate`, which posts to the HTTP intake) and `POST /api/v1/inbound-mail`
//! (`api`) — feed one pipeline (`service`): store the raw message first, once per Message-ID;
//! classify it (`message`: auto-replies, bounces, receipts and loops are recorded and ignored);
//! find the sender and the request (`thread`); read the new words and commands (`reply`); apply
//! them as the sender through the same domain functions as the web.

pub mod api;
pub mod imap;
pub mod message;
pub mod reply;
pub mod service;
pub mod thread;

use std::collections::HashSet;

/// HTML from outside, made safe to keep and show: no scripts, styles or event handlers, and no
/// remote content (images only from `cid:` and `data:`).
pub fn sanitize_html(html: &str) -> String {
    let mut schemes = HashSet::new();
    schemes.extend(["http", "https", "mailto", "cid", "data"]);
    ammonia::Builder::default()
        .url_schemes(schemes)
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" {
                let v = value.trim_start().to_ascii_lowercase();
                if !(v.starts_with("cid:") || v.starts_with("data:image/")) {
                    return None;
                }
            }
            Some(value.into())
        })
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_loses_scripts_handlers_and_remote_images() {
        let dirty = r#"<p onclick="x()">Bonjour<script>alert(1)</script></p><img src="https://track.example/p.gif"><img src="cid:logo"><a href="javascript:alert(1)">x</a>"#;
        let clean = super::sanitize_html(dirty);
        assert!(!clean.contains("script"), "{clean}");
        assert!(!clean.contains("onclick"), "{clean}");
        assert!(!clean.contains("track.example"), "{clean}");
        assert!(clean.contains("cid:logo"), "{clean}");
        assert!(!clean.contains("javascript"), "{clean}");
    }
}
