//! The request page's timeline: one entry per event, what it says chosen by its `EventKind`
//! (status changes with the workflow's labels, field changes in words, SLA notices, approvals,
//! automation, messages that came by email).

use super::model::EventKind;
use super::model::EventView;
use crate::i18n::{self, Locale};
use crate::workflow::Workflow;
use serde_json::{json, Value};

/// The timeline's entries, oldest first, in the reader's language.
pub fn entries(loc: Locale, workflow: &Workflow, events: &[EventView]) -> Vec<Value> {
    events.iter().map(|e| entry(loc, workflow, e)).collect()
}

fn text<'a>(data: &'a Value, key: &str) -> &'a str {
    data.get(key).and_then(Value::as_str).unwrap_or("")
}

fn flag(data: &Value, key: &str) -> bool {
    data.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn entry(loc: Locale, workflow: &Workflow, e: &EventView) -> Value {
    let kind = EventKind::parse(&e.kind);
    let mut v = json!(e);
    for (key, of) in [
        ("is_created", EventKind::Created),
        ("is_status", EventKind::StatusChanged),
        ("is_assigned", EventKind::Assigned),
        ("is_attachment", EventKind::AttachmentAdded),
        ("is_approval_requested", EventKind::ApprovalRequested),
        ("is_approved", EventKind::Approved),
        ("is_refused", EventKind::Refused),
        ("is_automation", EventKind::Automation),
    ] {
        v[key] = json!(kind == Some(of));
    }
    v["mail_id"] = e.data.get("inbound_id").cloned().unwrap_or(Value::Null);
    match kind {
        Some(EventKind::StatusChanged) => {
            let label = |k: &str| {
                e.data
                    .get(k)
                    .and_then(Value::as_str)
                    .map(|s| workflow.label(s, loc))
            };
            v["from_label"] = json!(label("from"));
            v["to_label"] = json!(label("to"));
            v["automatic"] = json!(flag(&e.data, "automatic"));
            v["by_approval"] = json!(flag(&e.data, "by_approval"));
        }
        Some(EventKind::SlaWarning | EventKind::SlaBreach) => {
            v["is_sla"] = json!(true);
            v["sla_text"] = json!(i18n::tr(
                loc,
                "event-sla",
                &[
                    ("kind".into(), e.kind.clone()),
                    ("clock".into(), text(&e.data, "clock").into()),
                ]
            ));
        }
        Some(EventKind::Automation) => v["rule_name"] = json!(text(&e.data, "rule")),
        Some(EventKind::FieldChanged) => v["field_text"] = json!(field_change(loc, &e.data)),
        _ => {}
    }
    v
}

/// A field change in words: the priority, what changed in a trip (labels as recorded, times as
/// shown to the carrier), the carrier chosen.
fn field_change(loc: Locale, data: &Value) -> Option<String> {
    match text(data, "field") {
        "priority" => {
            let label =
                |k: &str| i18n::tr(loc, "priority", &[("code".into(), text(data, k).into())]);
            Some(i18n::tr(
                loc,
                "event-priority",
                &[("from".into(), label("from")), ("to".into(), label("to"))],
            ))
        }
        "trip" => {
            let changes: Vec<String> = data
                .get("changes")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|c| {
                            i18n::tr(
                                loc,
                                "event-trip-change",
                                &[
                                    ("label".into(), text(c, "label").into()),
                                    ("from".into(), text(c, "from").into()),
                                    ("to".into(), text(c, "to").into()),
                                ],
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(i18n::tr(
                loc,
                "event-trip",
                &[("changes".into(), changes.join("; "))],
            ))
        }
        "carrier" => Some(i18n::tr(
            loc,
            "event-carrier",
            &[("name".into(), text(data, "to").into())],
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_priority_change_reads_in_words() {
        let data = json!({"field": "priority", "from": "normal", "to": "urgent"});
        let fr = field_change(Locale::Fr, &data).unwrap_or_default();
        assert!(fr.contains("Urgente") || fr.contains("urgente"), "{fr}");
        assert_eq!(field_change(Locale::Fr, &json!({"field": "title"})), None);
    }
}
