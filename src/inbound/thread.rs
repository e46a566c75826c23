//! Which request a message is about, from what it carries: our thread Message-IDs in
//! `In-Reply-To`/`References`, a signed reply address (`soutien+ds42-1a2b3c4d5e@…`, which
//! survives relays that rewrite Message-IDs; signed by `crate::signing`) or the `[DS-000042]` token of the subject. Pure;
//! the database lookups are in `service`.

use crate::requests::model::RequestNumber;
use once_cell::sync::Lazy;
use regex::Regex;

#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static SUBJECT_TOKEN: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\[\s*DS\s*-?\s*(\d{1,12})\s*\]").expect("regex"));

#[allow(clippy::expect_used)] // A literal pattern, compiled by the unit tests.
static PREFIX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^\s*((re|ré|rép|rep|tr|fw|fwd|réf\.?|ref\.?|aw|wg|sv|vs|antw|odp|r)\s*(\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    )
    .expect("regex")
});

/// The request number in a subject's `[DS-000042]`, whatever the prefixes and spacing.
pub fn subject_number(subject: &str) -> Option<RequestNumber> {
    let caps = SUBJECT_TOKEN.captures(subject)?;
    caps.get(1)?.as_str().parse().ok().map(RequestNumber)
}

/// The subject without reply and forward prefixes (`RE :`, `TR:`, `Réf. :`, `AW:`, `SV:`…).
pub fn strip_prefixes(subject: &str) -> String {
    PREFIX.replace(subject, "").trim().to_string()
}

/// A new request's title from a subject: no prefixes, no request token.
pub fn title_of(subject: &str) -> String {
    let stripped = strip_prefixes(subject);
    let s = SUBJECT_TOKEN.replace_all(&stripped, "");
    strip_prefixes(s.trim())
}

/// The request of one of our thread Message-IDs, `ds-000042@host`.
pub fn thread_number(reference: &str, domain: &str) -> Option<RequestNumber> {
    let (local, host) = reference.rsplit_once('@')?;
    if !host.eq_ignore_ascii_case(domain) {
        return None;
    }
    let digits = local.strip_prefix("ds-")?;
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(RequestNumber)
}

/// The `+tag` of an address that is no reply token: a category code (`soutien+ti-poste@…`).
pub fn address_tag(address: &str) -> Option<String> {
    let (local, _) = address.split_once('@')?;
    let (_, tag) = local.split_once('+')?;
    let tag = tag.to_ascii_lowercase();
    (!tag.is_empty()).then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tokens_survive_prefixes_and_spacing() {
        for s in [
            "[DS-000042] Projecteur",
            "RE: [DS-000042] Projecteur",
            "RE : TR: [DS-000042] Projecteur",
            "Réf. : [ds-42] Projecteur",
            "AW: [DS 000042] Projecteur",
            "SV:[ DS-000042 ] Projecteur",
        ] {
            assert_eq!(subject_number(s), Some(RequestNumber(42)), "{s}");
        }
        assert_eq!(subject_number("DS-000042 sans crochets"), None);
        assert_eq!(title_of("RE : TR: [DS-000042] Projecteur"), "Projecteur");
        assert_eq!(title_of("Réf. : Fuite au 2e"), "Fuite au 2e");
        assert_eq!(title_of("Reprise du local"), "Reprise du local");
    }

    #[test]
    fn thread_ids_are_ours_only() {
        assert_eq!(
            thread_number("ds-000042@guichet.example", "guichet.example"),
            Some(RequestNumber(42))
        );
        assert_eq!(
            thread_number("ds-000042@other.example", "guichet.example"),
            None
        );
        assert_eq!(
            thread_number("ds-4x@guichet.example", "guichet.example"),
            None
        );
    }

    #[test]
    fn address_tags_name_categories() {
        assert_eq!(address_tag("soutien+ti-poste@x"), Some("ti-poste".into()));
        assert_eq!(address_tag("soutien@x"), None);
    }
}
