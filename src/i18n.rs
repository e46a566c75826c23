//! Fluent messages (templates/locales/{fr,en}/*.ftl, embedded at build time), locale resolution
//! and the handlebars helpers that translate (`t`, escaped) and format dates the Québec way.

use crate::error::Msg;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::America::Toronto;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, Loader};
use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::{langid, LanguageIdentifier};

static_loader! {
    pub static LOCALES = {
        locales: "./templates/locales",
        fallback_language: "fr",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Fr,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Locale::Fr => &FR,
            Locale::En => &EN,
        }
    }

    /// The best supported language of an `Accept-Language` header, if any.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(loc) = Locale::parse(primary) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, loc));
                }
            }
        }
        best.map(|(_, l)| l)
    }

    /// Picks the French or English variant of a bilingual value.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::Fr => fr,
            Locale::En => en,
        }
    }
}

/// Translates a key with string arguments. A missing key yields the key itself (a test checks
/// that every key used exists in both languages).
pub fn tr(locale: Locale, key: &str, args: &[(String, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Owned(k.clone()), fluent_value(v)))
        .collect();
    LOCALES
        .try_lookup_with_args(locale.langid(), key, &args)
        .unwrap_or_else(|| key.to_string())
}

pub fn msg(locale: Locale, m: &Msg) -> String {
    let args: Vec<(String, String)> = m
        .args
        .iter()
        .map(|(k, v)| {
            if let Some((fr, en)) = v
                .strip_prefix(crate::error::PICK_PREFIX)
                .and_then(|r| r.split_once('\u{1}'))
            {
                return (k.clone(), locale.pick(fr, en).to_string());
            }
            match v
                .strip_prefix(crate::error::LABEL_PREFIX)
                .and_then(|r| r.split_once(':'))
            {
                Some((key, code)) => (
                    k.clone(),
                    tr(locale, key, &[("code".to_string(), code.to_string())]),
                ),
                None => (k.clone(), v.clone()),
            }
        })
        .collect();
    tr(locale, &m.key, &args)
}

/// Whether a message exists (its variables, if any, filled with placeholders).
pub fn has_key(locale: Locale, key: &str) -> bool {
    let args: HashMap<Cow<'static, str>, FluentValue> = [
        "code",
        "to",
        "from",
        "max",
        "min",
        "n",
        "days",
        "status",
        "detail",
        "priority",
        "clock",
        "kind",
        "changes",
        "since",
        "policy",
        "calendar",
        "target",
        "paused",
        "due",
        "duration",
        "label",
        "state",
        "who",
        "when",
        "rule",
        "day",
        "month",
        "name",
        "size",
        "email",
        "years",
        "date",
        "met",
        "hours",
        "new",
        "resolved",
        "peak",
        "count",
        "first",
        "resolution",
        "backlog",
        "old",
        "open",
        "average",
        "scope",
        "period",
    ]
    .into_iter()
    .map(|k| (Cow::Borrowed(k), FluentValue::from("x")))
    .collect();
    LOCALES
        .try_lookup_with_args(locale.langid(), key, &args)
        .is_some()
}

fn fluent_value(v: &str) -> FluentValue<'static> {
    // Numbers stay numbers so Fluent's plural rules apply.
    match v.parse::<f64>() {
        Ok(n)
            if !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-') =>
        {
            FluentValue::from(n)
        }
        _ => FluentValue::from(v.to_string()),
    }
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// « 12 mai 2026, 14 h 30 » / "May 12, 2026, 2:30 PM", in the board's time zone.
pub fn format_datetime(locale: Locale, at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&Toronto);
    let m = t.month0() as usize;
    match locale {
        Locale::Fr => {
            let day = if t.day() == 1 {
                "1er".to_string()
            } else {
                t.day().to_string()
            };
            format!(
                "{} {} {}, {} h {:02}",
                day,
                MONTHS_FR[m],
                t.year(),
                t.hour(),
                t.minute()
            )
        }
        Locale::En => {
            let (pm, h12) = t.hour12();
            format!(
                "{} {}, {}, {}:{:02} {}",
                MONTHS_EN[m],
                t.day(),
                t.year(),
                h12,
                t.minute(),
                if pm { "PM" } else { "AM" }
            )
        }
    }
}

/// « novembre 2026 » / "November 2026".
pub fn format_month(locale: Locale, d: chrono::NaiveDate) -> String {
    let m = d.month0() as usize;
    match locale {
        Locale::Fr => format!("{} {}", MONTHS_FR[m], d.year()),
        Locale::En => format!("{} {}", MONTHS_EN[m], d.year()),
    }
}

/// « 8 h 30 » / "8:30 AM" for a time of day.
pub fn format_time(locale: Locale, t: chrono::NaiveTime) -> String {
    match locale {
        Locale::Fr => format!("{} h {:02}", t.hour(), t.minute()),
        Locale::En => {
            let (pm, h12) = t.hour12();
            format!("{}:{:02} {}", h12, t.minute(), if pm { "PM" } else { "AM" })
        }
    }
}

/// « 12 mai 2026 » / "May 12, 2026" for a calendar date.
pub fn format_date(locale: Locale, d: chrono::NaiveDate) -> String {
    let m = d.month0() as usize;
    match locale {
        Locale::Fr => {
            let day = if d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            format!("{} {} {}", day, MONTHS_FR[m], d.year())
        }
        Locale::En => format!("{} {}, {}", MONTHS_EN[m], d.day(), d.year()),
    }
}

fn locale_of(ctx: &Context) -> Locale {
    ctx.data()
        .get("lang")
        .and_then(|v| v.as_str())
        .and_then(Locale::parse)
        .unwrap_or_default()
}

/// `{{t "key" name=value}}`: translated and HTML-escaped.
pub fn t_helper(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let key = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
    let args: Vec<(String, String)> = h
        .hash()
        .iter()
        .map(|(k, v)| {
            let s = match v.value() {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.to_string(), s)
        })
        .collect();
    let text = tr(locale_of(ctx), key, &args);
    out.write(&handlebars::html_escape(&text))?;
    Ok(())
}

/// `{{datetime value}}` where value is an RFC 3339 timestamp.
pub fn datetime_helper(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let raw = h.param(0).and_then(|p| p.value().as_str()).unwrap_or("");
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        out.write(&handlebars::html_escape(&format_datetime(
            locale_of(ctx),
            at.with_timezone(&Utc),
        )))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn accept_language_prefers_the_highest_quality_supported_language() {
        assert_eq!(
            Locale::from_accept_language("en-CA,en;q=0.9,fr;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("de;q=1,fr-CA;q=0.5"),
            Some(Locale::Fr)
        );
        assert_eq!(Locale::from_accept_language("de"), None);
    }

    #[test]
    fn dates_read_the_quebec_way() {
        let at = Utc.with_ymd_and_hms(2026, 5, 12, 18, 30, 0).unwrap();
        assert_eq!(format_datetime(Locale::Fr, at), "12 mai 2026, 14 h 30");
        assert_eq!(format_datetime(Locale::En, at), "May 12, 2026, 2:30 PM");
        let first = Utc.with_ymd_and_hms(2026, 7, 1, 12, 5, 0).unwrap();
        assert_eq!(
            format_datetime(Locale::Fr, first),
            "1er juillet 2026, 8 h 05"
        );
    }

    #[test]
    fn translations_exist_and_take_arguments() {
        assert_eq!(
            tr(Locale::Fr, "status", &[("code".into(), "resolved".into())]),
            "Résolue"
        );
        assert_eq!(
            tr(Locale::En, "status", &[("code".into(), "resolved".into())]),
            "Resolved"
        );
    }
}
