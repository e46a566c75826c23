//! Replacing a person in free text: their name (whole, each word and each part of a compound
//! word, of three letters or more) and their addresses, whatever the case.

use regex::{Regex, RegexBuilder};
use serde_json::Value;

/// What replaces the person in anonymized text.
pub const PLACEHOLDER: &str = "[personne anonymisée]";

/// Replaces a person's name, addresses and the parts of their name in free text.
pub struct Redactor {
    pattern: Option<Regex>,
}

impl Redactor {
    pub fn new(name: &str, emails: &[String]) -> Redactor {
        let mut needles: Vec<String> = emails
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        let name = name.trim();
        if !name.is_empty() {
            needles.push(name.to_string());
            // Each word (« Marie-Ève ») and each part of a compound one (« Ève »).
            for word in name.split_whitespace() {
                needles.push(word.to_string());
                if word.contains('-') {
                    needles.extend(word.split('-').map(str::to_string));
                }
            }
            needles.retain(|n| n.chars().count() >= 3);
        }
        // Longest first, so the whole name goes before its parts.
        needles.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
        needles.dedup();
        let alternatives: Vec<String> = needles.iter().map(|n| regex::escape(n)).collect();
        #[allow(clippy::expect_used)] // Escaped alternatives always compile.
        let pattern = (!alternatives.is_empty()).then(|| {
            RegexBuilder::new(&format!(r"\b(?:{})\b", alternatives.join("|")))
                .case_insensitive(true)
                .build()
                .expect("escaped alternatives always compile")
        });
        Redactor { pattern }
    }

    pub fn text(&self, s: &str) -> String {
        match &self.pattern {
            Some(p) => p.replace_all(s, PLACEHOLDER).into_owned(),
            None => s.to_string(),
        }
    }

    /// Every string inside a JSON value (keys kept).
    pub fn json(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.json(x)).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, x)| (k.clone(), self.json(x))).collect())
            }
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_name_its_parts_and_addresses_are_replaced_whatever_the_case() {
        let r = Redactor::new(
            "Marie-Ève Tremblay",
            &["marie.tremblay@ecole.example".into()],
        );
        assert_eq!(
            r.text("Bonjour, je suis MARIE-ÈVE TREMBLAY (marie.tremblay@ecole.example). Merci, Marie-Ève"),
            format!("Bonjour, je suis {PLACEHOLDER} ({PLACEHOLDER}). Merci, {PLACEHOLDER}")
        );
        assert_eq!(r.text("Signé : Tremblay"), format!("Signé : {PLACEHOLDER}"));
    }

    #[test]
    fn words_that_merely_contain_a_name_part_are_kept() {
        let r = Redactor::new("Marc Roy", &[]);
        // « Roy » has three letters but « Royaume » is another word; « Marché » too.
        assert_eq!(
            r.text("Au Marché du Royaume, Marc a écrit"),
            format!("Au Marché du Royaume, {PLACEHOLDER} a écrit")
        );
    }

    #[test]
    fn json_strings_are_redacted_and_keys_and_numbers_kept() {
        let r = Redactor::new("Léa Gagnon", &[]);
        let v = json!({ "eleve": "pour Léa Gagnon", "n": 3, "liste": ["Gagnon", true] });
        assert_eq!(
            r.json(&v),
            json!({ "eleve": format!("pour {PLACEHOLDER}"), "n": 3, "liste": [PLACEHOLDER, true] })
        );
    }

    #[test]
    fn an_empty_identity_changes_nothing() {
        let r = Redactor::new("  ", &[]);
        assert_eq!(r.text("rien à changer"), "rien à changer");
    }
}
