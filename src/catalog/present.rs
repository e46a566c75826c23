//! A category's form fields for people to read and fill: the values of a request as label and
//! value rows (request page, notifications, approvals, privacy reports) and the form with its
//! submitted values and errors (the new-request and trip pages).

use super::form::{FieldKind, FormDef};
use crate::i18n::{self, Locale};
use serde_json::{json, Map, Value};

/// The form's values as label/value rows, in the reader's language.
pub fn field_rows(
    loc: Locale,
    form: &FormDef,
    fields: &Value,
    room_labels: &std::collections::HashMap<i64, String>,
) -> Vec<Value> {
    form.fields
        .iter()
        .filter_map(|f| {
            let v = fields.get(&f.key)?;
            let shown = match (f.kind, v) {
                (FieldKind::Checkbox, _) => i18n::tr(loc, "yes", &[]),
                (FieldKind::Room, Value::Number(n)) => n
                    .as_i64()
                    .and_then(|id| room_labels.get(&id).cloned())
                    .unwrap_or_else(|| n.to_string()),
                (FieldKind::Select, Value::String(s)) => f
                    .options
                    .iter()
                    .find(|o| &o.value == s)
                    .map(|o| loc.pick(&o.label_fr, &o.label_en).to_string())
                    .unwrap_or_else(|| s.clone()),
                (FieldKind::Date, Value::String(s)) => {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map(|d| i18n::format_date(loc, d))
                        .unwrap_or_else(|_| s.clone())
                }
                (FieldKind::Time, Value::String(s)) => {
                    chrono::NaiveTime::parse_from_str(s, "%H:%M")
                        .map(|t| i18n::format_time(loc, t))
                        .unwrap_or_else(|_| s.clone())
                }
                (FieldKind::Number, Value::Number(n)) => {
                    let f = n.as_f64().unwrap_or(0.0);
                    if f.fract() == 0.0 {
                        format!("{}", f as i64)
                    } else {
                        format!("{f}").replace('.', if loc == Locale::Fr { "," } else { "." })
                    }
                }
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            Some(json!({"label": f.label(loc), "value": shown}))
        })
        .collect()
}

/// The form of a category, with submitted values and errors, ready for the template.
pub fn form_fields(
    locale: Locale,
    form: &FormDef,
    values: &Map<String, Value>,
    errors: &Value,
    rooms: &[Value],
    assets: &[Value],
) -> Vec<Value> {
    form.fields
        .iter()
        .map(|f| {
            let value = values.get(&f.key).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            let value = value.unwrap_or_default();
            let options: Vec<Value> = match f.kind {
                FieldKind::Select => f
                    .options
                    .iter()
                    .map(|o| json!({"value": o.value, "label": locale.pick(&o.label_fr, &o.label_en), "selected": o.value == value}))
                    .collect(),
                FieldKind::Room => rooms
                    .iter()
                    .map(|r| json!({"value": r["id"].to_string(), "label": r["label"], "selected": value.parse::<i64>().ok() == r["id"].as_i64()}))
                    .collect(),
                FieldKind::Asset => assets.to_vec(),
                _ => Vec::new(),
            };
            let kind = serde_json::to_value(f.kind).unwrap_or(Value::Null);
            json!({
                "key": f.key,
                "name": format!("f_{}", f.key),
                "id": format!("field-{}", f.key),
                "label": f.label(locale),
                "help": f.help(locale),
                "type": kind,
                "required": f.required,
                "value": value,
                "checked": value == "true" || value == "on",
                "options": options,
                "errors": errors.get(format!("fields.{}", f.key)).cloned().unwrap_or(json!([])),
                "min": f.min, "max": f.max,
                "is_text": f.kind == FieldKind::Text, "is_long_text": f.kind == FieldKind::LongText,
                "is_number": f.kind == FieldKind::Number, "is_date": f.kind == FieldKind::Date,
                "is_datetime": f.kind == FieldKind::Datetime, "is_checkbox": f.kind == FieldKind::Checkbox,
                "is_time": f.kind == FieldKind::Time,
                "is_choice": matches!(f.kind, FieldKind::Select | FieldKind::Room),
                "is_asset": f.kind == FieldKind::Asset,
            })
        })
        .collect()
}
