//! Category forms: the definition of their extra fields, and the pure validation of submitted
//! values against it (required, type, allowed values, bounds). Errors are keyed `fields.<key>`.

use crate::error::{FieldErrors, Msg};
use crate::i18n::Locale;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Number,
    Date,
    Datetime,
    /// A time of day, `HH:MM`.
    Time,
    Select,
    Checkbox,
    Room,
    /// The inventory number of one of the requesting unit's assets; the request is linked to it.
    Asset,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldOption {
    pub value: String,
    pub label_fr: String,
    pub label_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Name of the value in `fields` (lowercase letters, digits and `_`).
    pub key: String,
    pub label_fr: String,
    pub label_en: String,
    #[serde(rename = "type")]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help_fr: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help_en: String,
    /// Bounds of a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Longest text accepted, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// Choices of a select.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FieldOption>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    #[serde(default)]
    pub fields: Vec<FieldDef>,
}

const DEFAULT_TEXT_MAX: usize = 500;
const DEFAULT_LONG_TEXT_MAX: usize = 10_000;

impl FieldDef {
    pub fn label(&self, locale: Locale) -> &str {
        locale.pick(&self.label_fr, &self.label_en)
    }
    pub fn help(&self, locale: Locale) -> &str {
        locale.pick(&self.help_fr, &self.help_en)
    }
    fn max_len(&self) -> usize {
        self.max_length.unwrap_or(match self.kind {
            FieldKind::LongText => DEFAULT_LONG_TEXT_MAX,
            _ => DEFAULT_TEXT_MAX,
        })
    }
}

impl FormDef {
    /// Checks the definition itself (for admins editing a form).
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for f in &self.fields {
            let key_ok = !f.key.is_empty()
                && f.key.len() <= 40
                && f.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !key_ok {
                return Err(format!("invalid field key {:?}", f.key));
            }
            if !seen.insert(f.key.as_str()) {
                return Err(format!("duplicate field key {:?}", f.key));
            }
            if f.label_fr.trim().is_empty() || f.label_en.trim().is_empty() {
                return Err(format!("field {:?} needs French and English labels", f.key));
            }
            if f.kind == FieldKind::Select && f.options.is_empty() {
                return Err(format!("select field {:?} needs options", f.key));
            }
        }
        Ok(())
    }

    /// Validates submitted values; returns them normalized (numbers as numbers, checkboxes as
    /// booleans, empty optional values left out).
    pub fn validate(&self, input: &Map<String, Value>) -> Result<Map<String, Value>, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut out = Map::new();
        for key in input.keys() {
            if !self.fields.iter().any(|f| &f.key == key) {
                errors.add(&format!("fields.{key}"), Msg::new("field-unknown"));
            }
        }
        for f in &self.fields {
            let name = format!("fields.{}", f.key);
            let raw = input.get(&f.key).unwrap_or(&Value::Null);
            match normalize(f, raw) {
                Ok(Some(v)) => {
                    out.insert(f.key.clone(), v);
                }
                Ok(None) if f.required => errors.add(&name, Msg::new("field-required")),
                Ok(None) => {}
                Err(m) => errors.add(&name, m),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// One value: Ok(None) when absent, Ok(Some) normalized, Err with the message.
fn normalize(f: &FieldDef, raw: &Value) -> Result<Option<Value>, Msg> {
    if f.kind == FieldKind::Checkbox {
        let checked = match raw {
            Value::Bool(b) => *b,
            Value::Null => false,
            Value::String(s) => matches!(s.as_str(), "on" | "true" | "1" | "yes" | "oui"),
            _ => return Err(Msg::new("field-checkbox")),
        };
        return Ok(if checked {
            Some(Value::Bool(true))
        } else {
            None
        });
    }
    if is_blank(raw) {
        return Ok(None);
    }
    match f.kind {
        FieldKind::Text | FieldKind::LongText => {
            let s = raw.as_str().ok_or_else(|| Msg::new("field-text"))?.trim();
            if s.chars().count() > f.max_len() {
                return Err(Msg::new("field-too-long").arg("max", f.max_len()));
            }
            Ok(Some(Value::String(s.to_string())))
        }
        FieldKind::Number => {
            let n = match raw {
                Value::Number(n) => n.as_f64(),
                // French decimals use a comma; spaces group thousands.
                Value::String(s) => s
                    .trim()
                    .replace([' ', '\u{a0}', '\u{202f}'], "")
                    .replace(',', ".")
                    .parse::<f64>()
                    .ok(),
                _ => None,
            }
            .filter(|n| n.is_finite())
            .ok_or_else(|| Msg::new("field-number"))?;
            if let Some(min) = f.min.filter(|m| n < *m) {
                return Err(Msg::new("field-min").arg("min", min));
            }
            if let Some(max) = f.max.filter(|m| n > *m) {
                return Err(Msg::new("field-max").arg("max", max));
            }
            Ok(Some(
                serde_json::Number::from_f64(n)
                    .map(Value::Number)
                    .unwrap_or(Value::Null),
            ))
        }
        FieldKind::Date => {
            let s = raw.as_str().ok_or_else(|| Msg::new("field-date"))?.trim();
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Msg::new("field-date"))?;
            Ok(Some(Value::String(d.format("%Y-%m-%d").to_string())))
        }
        FieldKind::Datetime => {
            let s = raw
                .as_str()
                .ok_or_else(|| Msg::new("field-datetime"))?
                .trim();
            let d = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
                .map_err(|_| Msg::new("field-datetime"))?;
            Ok(Some(Value::String(d.format("%Y-%m-%dT%H:%M").to_string())))
        }
        FieldKind::Time => {
            let s = raw.as_str().ok_or_else(|| Msg::new("field-time"))?.trim();
            let t = NaiveTime::parse_from_str(s, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
                .or_else(|_| NaiveTime::parse_from_str(s, "%Hh%M"))
                .map_err(|_| Msg::new("field-time"))?;
            Ok(Some(Value::String(t.format("%H:%M").to_string())))
        }
        FieldKind::Select => {
            let s = raw.as_str().ok_or_else(|| Msg::new("field-choice"))?.trim();
            if f.options.iter().any(|o| o.value == s) {
                Ok(Some(Value::String(s.to_string())))
            } else {
                Err(Msg::new("field-choice"))
            }
        }
        FieldKind::Room => {
            let id = match raw {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            }
            .filter(|id| *id > 0)
            .ok_or_else(|| Msg::new("field-room"))?;
            Ok(Some(Value::from(id)))
        }
        FieldKind::Asset => {
            let tag = raw
                .as_str()
                .and_then(crate::inventory::values::tag)
                .ok_or_else(|| Msg::new("field-asset"))?;
            Ok(Some(Value::String(tag)))
        }
        FieldKind::Checkbox => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> FormDef {
        serde_json::from_value(json!({"fields": [
            {"key": "passengers", "label_fr": "Passagers", "label_en": "Passengers", "type": "number",
             "required": true, "min": 1, "max": 72},
            {"key": "date", "label_fr": "Date", "label_en": "Date", "type": "date", "required": true},
            {"key": "departure", "label_fr": "Départ", "label_en": "Departure", "type": "datetime"},
            {"key": "heure", "label_fr": "Heure", "label_en": "Time", "type": "time"},
            {"key": "kind", "label_fr": "Type", "label_en": "Kind", "type": "select",
             "options": [{"value": "bus", "label_fr": "Autobus", "label_en": "Bus"}]},
            {"key": "ack", "label_fr": "J'accepte", "label_en": "I agree", "type": "checkbox", "required": true},
            {"key": "note", "label_fr": "Note", "label_en": "Note", "type": "text", "max_length": 5},
            {"key": "local", "label_fr": "Local", "label_en": "Room", "type": "room"},
            {"key": "appareil", "label_fr": "Appareil", "label_en": "Device", "type": "asset"}
        ]}))
        .unwrap()
    }

    fn input(v: serde_json::Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn valid_values_are_normalized() {
        let out = form()
            .validate(&input(json!({"passengers": "12,0", "date": "2026-05-12", "kind": "bus",
                                    "ack": "on", "note": "", "local": "7", "departure": "2026-05-12T08:30",
                                    "heure": "8h05"})))
            .unwrap();
        assert_eq!(out["passengers"], json!(12.0));
        assert_eq!(out["ack"], json!(true));
        assert_eq!(out["local"], json!(7));
        assert_eq!(out["heure"], json!("08:05"));
        assert!(!out.contains_key("note"));
    }

    #[test]
    fn each_field_type_reports_its_own_error() {
        let err = form()
            .validate(&input(json!({"passengers": "beaucoup", "date": "12/05/2026", "kind": "train",
                                    "note": "trop long", "departure": "demain", "local": "x", "extra": 1, "heure": "25:00",
                                    "appareil": "pas un numéro"})))
            .unwrap_err();
        let key = |f: &str| err.0[f][0].key.clone();
        assert_eq!(key("fields.passengers"), "field-number");
        assert_eq!(key("fields.date"), "field-date");
        assert_eq!(key("fields.kind"), "field-choice");
        assert_eq!(key("fields.note"), "field-too-long");
        assert_eq!(key("fields.departure"), "field-datetime");
        assert_eq!(key("fields.local"), "field-room");
        assert_eq!(key("fields.heure"), "field-time");
        assert_eq!(key("fields.appareil"), "field-asset");
        assert_eq!(key("fields.ack"), "field-required");
        assert_eq!(key("fields.extra"), "field-unknown");
    }

    #[test]
    fn bounds_are_checked_with_their_values() {
        let err = form()
            .validate(&input(
                json!({"passengers": 0, "date": "2026-05-12", "ack": true}),
            ))
            .unwrap_err();
        assert_eq!(
            err.0["fields.passengers"][0],
            Msg::new("field-min").arg("min", 1.0)
        );
        let err = form()
            .validate(&input(
                json!({"passengers": 73, "date": "2026-05-12", "ack": true}),
            ))
            .unwrap_err();
        assert_eq!(err.0["fields.passengers"][0].key, "field-max");
    }

    #[test]
    fn a_form_definition_is_checked() {
        let bad: FormDef = serde_json::from_value(json!({"fields": [
            {"key": "A b", "label_fr": "x", "label_en": "x", "type": "text"}]}))
        .unwrap();
        assert!(bad.check().is_err());
        assert!(form().check().is_ok());
    }
}
