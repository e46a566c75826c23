//! Automation rules: on a request event (created, status changed, comment added, field
//! changed), when all of a rule's conditions hold, its actions run (assign a team or a person,
//! set the priority, add a watcher, add an internal note, notify someone). Matching is pure and
//! here; `service` loads the rules, applies the actions and records each firing on the timeline.

pub mod pages;
pub mod queries;
pub mod service;

use crate::code_enum;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

code_enum!(
    /// The request events rules listen to.
    Trigger {
        Created => "created",
        StatusChanged => "status_changed",
        CommentAdded => "comment_added",
        FieldChanged => "field_changed",
    }
);

code_enum!(FieldOp {
    Equals => "eq",
    Contains => "contains",
    GreaterThan => "gt",
    LessThan => "lt",
});

/// A condition on a form field's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldCondition {
    pub key: String,
    pub op: FieldOp,
    pub value: String,
}

/// All present conditions must hold; an absent one always does.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The state code after the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<FieldCondition>,
    /// Words found in the title, the description or the comment (accents and case ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actions {
    /// Team code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Email of a member of the (new or current) team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Email of a person to put in copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watcher: Option<String>,
    /// An internal note added to the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Email of a person to notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<String>,
}

impl Actions {
    pub fn is_empty(&self) -> bool {
        *self == Actions::default()
    }
}

/// What a rule's conditions are checked against.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub category: &'a str,
    pub domain: &'a str,
    pub unit: &'a str,
    pub priority: &'a str,
    pub status: &'a str,
    pub fields: &'a Map<String, Value>,
    /// Title, description and the comment of the event, if any.
    pub text: &'a str,
}

/// Lower case without accents, for text matching.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            other => other,
        })
        .collect()
}

fn number(s: &str) -> Option<f64> {
    s.trim().replace(' ', "").replace(',', ".").parse().ok()
}

impl FieldCondition {
    fn holds(&self, fields: &Map<String, Value>) -> bool {
        let Some(v) = fields.get(&self.key) else {
            return false;
        };
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Null => return false,
            other => other.to_string(),
        };
        match self.op {
            FieldOp::Equals => fold(text.trim()) == fold(self.value.trim()),
            FieldOp::Contains => fold(&text).contains(&fold(self.value.trim())),
            FieldOp::GreaterThan => {
                matches!((number(&text), number(&self.value)), (Some(a), Some(b)) if a > b)
            }
            FieldOp::LessThan => {
                matches!((number(&text), number(&self.value)), (Some(a), Some(b)) if a < b)
            }
        }
    }
}

impl Conditions {
    pub fn holds(&self, f: &Facts) -> bool {
        let same = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        same(&self.category, f.category)
            && same(&self.domain, f.domain)
            && same(&self.unit, f.unit)
            && same(&self.priority, f.priority)
            && same(&self.status, f.status)
            && self.field.as_ref().is_none_or(|c| c.holds(f.fields))
            && self.text.as_deref().is_none_or(|t| {
                let hay = fold(f.text);
                fold(t).split_whitespace().all(|w| hay.contains(w))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts<'a>(fields: &'a Map<String, Value>, text: &'a str) -> Facts<'a> {
        Facts {
            category: "rm-entretien",
            domain: "materiel",
            unit: "ecole-a",
            priority: "normal",
            status: "new",
            fields,
            text,
        }
    }

    #[test]
    fn no_condition_matches_everything() {
        let f = Map::new();
        assert!(Conditions::default().holds(&facts(&f, "")));
    }

    #[test]
    fn every_condition_must_hold() {
        let f = Map::new();
        let c = Conditions {
            domain: Some("materiel".into()),
            text: Some("FUITE d'eau".into()),
            ..Default::default()
        };
        assert!(c.holds(&facts(
            &f,
            "Une fuite d’eau? Non: une fuite d'eau au gymnase"
        )));
        assert!(!c.holds(&facts(&f, "Porte brisée")));
        let c = Conditions {
            unit: Some("ecole-b".into()),
            ..Default::default()
        };
        assert!(!c.holds(&facts(&f, "")));
    }

    #[test]
    fn text_ignores_accents_and_case() {
        let f = Map::new();
        let c = Conditions {
            text: Some("electricite".into()),
            ..Default::default()
        };
        assert!(c.holds(&facts(&f, "Panne d'ÉLECTRICITÉ")));
    }

    #[test]
    fn field_conditions_compare_numbers_and_text() {
        let f = json!({"cout": 750, "local": "Gymnase B"})
            .as_object()
            .cloned()
            .unwrap();
        let c = |key: &str, op: FieldOp, value: &str| Conditions {
            field: Some(FieldCondition {
                key: key.into(),
                op,
                value: value.into(),
            }),
            ..Default::default()
        };
        assert!(c("cout", FieldOp::GreaterThan, "500").holds(&facts(&f, "")));
        assert!(!c("cout", FieldOp::LessThan, "500").holds(&facts(&f, "")));
        assert!(c("cout", FieldOp::Equals, "750").holds(&facts(&f, "")));
        assert!(c("local", FieldOp::Contains, "gymnase").holds(&facts(&f, "")));
        assert!(!c("absent", FieldOp::Equals, "x").holds(&facts(&f, "")));
        assert!(!c("local", FieldOp::GreaterThan, "3").holds(&facts(&f, "")));
    }

    #[test]
    fn stored_rules_read_back_and_refuse_unknown_keys() {
        let c: Conditions = serde_json::from_value(json!({"priority": "urgent"})).unwrap();
        assert_eq!(c.priority.as_deref(), Some("urgent"));
        assert!(serde_json::from_value::<Actions>(json!({"explode": true})).is_err());
    }
}
