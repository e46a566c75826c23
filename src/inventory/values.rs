//! Pure parsing of the values people type or inventory tools export: inventory numbers, dates in
//! the formats Québec spreadsheets use, amounts in dollars.

use chrono::NaiveDate;

/// An inventory number as stored: trimmed; letters, digits and `. _ -` (it is part of URLs), at most 40.
pub fn tag(raw: &str) -> Option<String> {
    let t = raw.trim();
    let ok = !t.is_empty()
        && t.len() <= 40
        && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    ok.then(|| t.to_string())
}

/// A date: `2024-08-15`, `2024/08/15`, `15/08/2024` (day first, as in Québec), or the date part
/// of an ISO timestamp (`2024-08-15T13:00:00Z`, as Intune exports it).
pub fn date(raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    let t = t.split(['T', ' ']).next().unwrap_or(t);
    ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .filter(|d| (1970..=2100).contains(&chrono::Datelike::year(d)))
}

/// An amount in cents: `1234.56`, `1 234,56 $`, `$1,234.56`, `1234`.
pub fn cents(raw: &str) -> Option<i64> {
    let t: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, '$' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    // The last separator followed by one or two digits is the decimal mark; others group.
    let (whole, frac) = match t.rfind([',', '.']) {
        Some(i) if t.len() - i - 1 <= 2 => (&t[..i], &t[i + 1..]),
        _ => (t.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| !matches!(c, ',' | '.')).collect();
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let units: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac_cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    units.checked_mul(100)?.checked_add(frac_cents)
}

/// Cents written for people: « 1 234,56 » in French, "1,234.56" in English.
pub fn format_cents(cents: i64, french: bool) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(if french { '\u{a0}' } else { ',' });
        }
        grouped.push(c);
    }
    let sep = if french { ',' } else { '.' };
    format!("{grouped}{sep}{:02}", cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_numbers_are_trimmed_and_checked() {
        assert_eq!(tag("  CSS-001234 ").as_deref(), Some("CSS-001234"));
        assert_eq!(tag("ÉCOLE-1"), None);
        assert_eq!(tag("-12"), None);
        assert_eq!(tag(""), None);
        assert_eq!(tag("a b"), None);
        assert_eq!(tag("A/1"), None);
        assert_eq!(tag(&"A".repeat(41)), None);
    }

    #[test]
    fn dates_in_the_usual_formats() {
        let d = NaiveDate::from_ymd_opt(2024, 8, 15);
        assert_eq!(date("2024-08-15"), d);
        assert_eq!(date("15/08/2024"), d);
        assert_eq!(date("2024/08/15"), d);
        assert_eq!(date("2024-08-15T13:00:00Z"), d);
        assert_eq!(date("2024-08-15 13:00"), d);
        assert_eq!(date("08/15/2024"), None, "month first is not guessed");
        assert_eq!(date("demain"), None);
    }

    #[test]
    fn amounts_in_french_and_english_notation() {
        assert_eq!(cents("1234.56"), Some(123_456));
        assert_eq!(cents("1 234,56 $"), Some(123_456));
        assert_eq!(cents("$1,234.56"), Some(123_456));
        assert_eq!(cents("1,234"), Some(123_400));
        assert_eq!(cents("899"), Some(89_900));
        assert_eq!(cents("12,5"), Some(1_250));
        assert_eq!(cents("-5"), None);
        assert_eq!(cents("abc"), None);
        assert_eq!(format_cents(123_456, true), "1\u{a0}234,56");
        assert_eq!(format_cents(123_456, false), "1,234.56");
        assert_eq!(format_cents(5, false), "0.05");
    }
}
