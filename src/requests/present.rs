//! Requests as lists and choices show them, for this domain's pages and the others that list
//! requests (an asset's requests): list rows with their SLA badge, the status and priority
//! choices of the filters and forms.

use super::model::Priority;
use super::views;
use crate::i18n::{self, Locale};
use crate::workflow::State;
use serde_json::{json, Value};

/// The list rows, each with its SLA badge: breached, paused, or the resolution due date.
pub fn list_items(loc: Locale, page: &views::Page) -> Value {
    json!(page
        .items
        .iter()
        .map(|r| {
            let mut v = json!(r);
            let done = matches!(r.status_kind.as_str(), "resolved" | "closed" | "cancelled");
            v["due"] = match &r.sla {
                Some(sla) if !done && sla.resolution_breached => {
                    json!({"class": "sla-breached", "label": i18n::tr(loc, "sla-breached", &[])})
                }
                Some(sla) if !done && sla.paused => json!({"class": "sla-paused", "label": i18n::tr(loc, "sla-paused", &[])}),
                Some(sla) if !done => json!({"class": "", "label": sla.resolution_due.map(|d| i18n::format_datetime(loc, d))}),
                _ => Value::Null,
            };
            v
        })
        .collect::<Vec<_>>())
}

pub fn status_options(locale: Locale, states: &[State], selected: &str) -> Vec<Value> {
    let mut v = vec![
        json!({ "value": "open", "label": i18n::tr(locale, "filter-open", &[]), "selected": selected == "open" }),
        json!({ "value": "all", "label": i18n::tr(locale, "filter-all", &[]), "selected": selected == "all" }),
    ];
    for s in states {
        v.push(json!({
            "value": s.code,
            "label": s.label(locale),
            "selected": selected == s.code,
        }));
    }
    v
}

pub fn priority_options(locale: Locale, selected: &str) -> Vec<Value> {
    Priority::ALL
        .iter()
        .map(|p| {
            json!({
                "value": p.code(),
                "label": i18n::tr(locale, "priority", &[("code".into(), p.code().into())]),
                "selected": selected == p.code(),
            })
        })
        .collect()
}
