//! Email templates: `templates/email/{fr,en}/<name>.subject.hbs`, `<name>.txt.hbs` and
//! `<name>.html.hbs`, sharing `layout_html` and `footer_txt` partials. Text parts and subjects
//! are rendered without HTML escaping, the HTML part with it. The data is the request as it is
//! when the message goes out, plus what the event carried (a comment, a note, a rule).

use crate::catalog::queries as catalog;
use crate::error::AppError;
use crate::i18n::{self, Locale};
use crate::requests::model::{Request, RequestNumber};
use crate::requests::queries as requests;
use crate::units::queries as units;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use handlebars::{DirectorySourceOptions, Handlebars};
use serde_json::{json, Value};
use std::path::Path;

/// Every template, for the administration's preview list and the completeness test.
pub const TEMPLATES: &[&str] = &[
    "request_created",
    "request_for_team",
    "assigned",
    "comment",
    "internal_note",
    "status_changed",
    "approval_needed",
    "approval_given",
    "approval_refused",
    "sla_warning",
    "sla_breach",
    "automation_notice",
    "digest",
    "inbound_refused",
    "inbound_unknown",
    "loan_reminder",
    "loan_overdue",
    "loan_escalated",
    "loan_missing",
    "loan_approval_needed",
    "trip_confirmed",
    "trip_carrier",
];

pub struct MailTemplates {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn registry(dir: &Path, escape: bool, dev: bool) -> Result<Handlebars<'static>, AppError> {
    let mut hb = Handlebars::new();
    hb.set_dev_mode(dev);
    if !escape {
        hb.register_escape_fn(handlebars::no_escape);
    }
    hb.register_helper("datetime", Box::new(i18n::datetime_helper));
    hb.register_templates_directory(dir, DirectorySourceOptions::default())
        .map_err(|e| {
            AppError::Template(format!(
                "cannot load email templates from {}: {e}",
                dir.display()
            ))
        })?;
    Ok(hb)
}

impl MailTemplates {
    pub fn load(templates_dir: &Path, dev: bool) -> Result<MailTemplates, AppError> {
        let dir = templates_dir.join("email");
        Ok(MailTemplates {
            html: registry(&dir, true, dev)?,
            text: registry(&dir, false, dev)?,
        })
    }

    pub fn render(&self, name: &str, locale: Locale, data: &Value) -> Result<Rendered, AppError> {
        let lang = locale.code();
        let r = |hb: &Handlebars, part: &str| {
            hb.render(&format!("{lang}/{name}.{part}"), data)
                .map_err(|e| AppError::Template(format!("email {lang}/{name}.{part}: {e}")))
        };
        Ok(Rendered {
            subject: r(&self.text, "subject")?
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text: r(&self.text, "txt")?,
            html: r(&self.html, "html")?,
        })
    }
}

/// The data of one outbox row: the request as it is now, the event's values, links.
/// What a batch already loaded: each request's data per language, and its workflow (several
/// messages of a batch are often about the same request).
#[derive(Default)]
pub struct Cache {
    requests: std::collections::HashMap<(i64, &'static str), (Value, crate::workflow::Workflow)>,
    /// The key that signs reply addresses, when replies go to the support mailbox.
    pub reply_key: Option<Vec<u8>>,
    /// Recipients of the batch a permanent bounce marked.
    pub undeliverable: Vec<String>,
    /// The names of the batch's recipients who are people of Guichet, by id.
    pub names: std::collections::HashMap<i64, String>,
}

#[allow(clippy::too_many_arguments)]
pub fn data_for(
    conn: &mut PgConnection,
    cache: &mut Cache,
    base_url: &str,
    locale: Locale,
    recipient_name: &str,
    request: Option<i64>,
    payload: &Value,
) -> Result<Value, AppError> {
    let mut data = json!({
        "lang": locale.code(),
        "recipient": recipient_name,
        "base_url": base_url.trim_end_matches('/'),
        "p": payload,
    });
    if let Some(id) = request {
        let key = (id, locale.code());
        if let std::collections::hash_map::Entry::Vacant(slot) = cache.requests.entry(key) {
            let r = requests::by_id(conn, crate::db::RequestId(id))?;
            let wf = crate::workflow::queries::load(conn, r.workflow_id)?;
            slot.insert((request_data(conn, &r, base_url, locale)?, wf));
        }
        if let Some((value, wf)) = cache.requests.get(&key) {
            data["r"] = value.clone();
            if let Some(to) = payload.get("to").and_then(Value::as_str) {
                data["to_label"] = json!(wf.label(to, locale));
            }
        }
    }
    flags(&mut data, payload);
    if let Some(due) = payload
        .get("due")
        .and_then(Value::as_str)
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
    {
        data["due_label"] = json!(i18n::format_datetime(locale, due.with_timezone(&Utc)));
    }
    Ok(data)
}

/// Booleans the templates test: the kind of the new status, the SLA clock.
fn flags(data: &mut Value, payload: &Value) {
    if let Some(kind) = payload.get("to_kind").and_then(Value::as_str) {
        data[format!("is_{kind}")] = json!(true);
    }
    if payload.get("clock").and_then(Value::as_str) == Some("first_response") {
        data["is_first_response"] = json!(true);
    }
}

fn request_data(
    conn: &mut PgConnection,
    r: &Request,
    base_url: &str,
    locale: Locale,
) -> Result<Value, AppError> {
    let view = crate::requests::views::hydrate(conn, vec![r.clone()], locale)?
        .pop()
        .ok_or(AppError::NotFound)?;
    let category = catalog::find(conn, r.category_id)?;
    let room_ids: Vec<crate::db::RoomId> = r
        .fields
        .as_object()
        .map(|m| {
            m.values()
                .filter_map(Value::as_i64)
                .map(crate::db::RoomId)
                .collect()
        })
        .unwrap_or_default();
    let rooms = units::room_labels(conn, &room_ids)?;
    let rooms = rooms.into_iter().map(|(id, l)| (id.0, l)).collect();
    let fields =
        crate::catalog::present::field_rows(locale, &category.form_def(), &r.fields, &rooms);
    Ok(json!({
        "number": RequestNumber(r.number).to_string(),
        "title": r.title,
        "description": r.description,
        "url": format!("{}/requests/{}", base_url.trim_end_matches('/'), RequestNumber(r.number)),
        "status_label": view.status_label,
        "status_kind": view.status_kind,
        "priority_label": i18n::tr(locale, "priority", &[("code".into(), r.priority.code().into())]),
        "category": view.category.name,
        "unit": view.unit.name,
        "requester": view.requester.name,
        "assignee": view.assignee.map(|a| a.name),
        "team": view.team.map(|t| t.name),
        "fields": fields,
        "created_at": r.created_at,
    }))
}

/// Sample data for the administration's preview: a request in a school, with a comment.
pub fn sample(locale: Locale, base_url: &str) -> Value {
    let fr = locale == Locale::Fr;
    let mut data = json!({
        "lang": locale.code(),
        "recipient": "Julie Tremblay",
        "base_url": base_url,
        "p": {
            "body": if fr { "Le projecteur s'éteint après cinq minutes. Merci !" } else { "The projector turns off after five minutes. Thanks!" },
            "note": if fr { "Lampe remplacée; le projecteur fonctionne." } else { "Lamp replaced; the projector works." },
            "comment": if fr { "Budget disponible." } else { "Budget available." },
            "rule": if fr { "Fuites d'eau : priorité urgente" } else { "Water leaks: urgent" },
            "clock": "resolution",
            "to": "resolved",
            "to_kind": "resolved",
            "rate": "123-0123456789abcdef",
            "subject": if fr { "RE: [DS-000123] Projecteur du local 204" } else { "RE: [DS-000123] Projector in room 204" },
            "problems": [
                {"what": "#statut livré", "why": if fr { "Aucun état « livré » dans le processus de cette demande." } else { "No state “livré” in this request's process." }}
            ],
            "loan": 42,
            "borrower": "Julie Tremblay",
            "days": 3,
            "assets": ["CSS-000214"],
            "equipment": ["CSS-000214 — Dell Latitude 5440", "CSS-000215 — Dell Latitude 5440"],
            "carrier": "Autobus Boréal",
            "contact": "Martine Gagnon",
            "phone": "450 555-0142",
            "unit": if fr { "École primaire des Bouleaux" } else { "Des Bouleaux Elementary School" },
            "booked": true,
            "kind": "booked",
            "trip": {
                "departs_at": Utc::now(), "returns_at": Utc::now(),
                "departs": i18n::format_datetime(locale, Utc::now()),
                "returns": i18n::format_datetime(locale, Utc::now()),
                "origin": if fr { "École primaire des Bouleaux, 120, rue des Érables" } else { "Des Bouleaux Elementary School, 120 des Érables St." },
                "destination": "Musée de la civilisation",
                "destination_address": "85, rue Dalhousie, Québec",
                "students": 48, "adults": 4, "wheelchair_places": 0, "vehicles": 1,
                "vehicle": if fr { "Autobus scolaire" } else { "School bus" },
                "vehicle_fr": "Autobus scolaire", "vehicle_en": "School bus",
                "notes": "",
            },
            "changes": [
                {"label": if fr { "Départ" } else { "Departure" }, "from": "8 h 30", "to": "9 h 00"}
            ],
            "items": [
                {"number": "DS-000123", "subject": if fr { "Nouveau commentaire" } else { "New comment" }, "url": format!("{base_url}/requests/DS-000123")},
                {"number": "DS-000130", "subject": if fr { "Demande résolue" } else { "Request resolved" }, "url": format!("{base_url}/requests/DS-000130")}
            ],
        },
        "to_label": if fr { "Résolue" } else { "Resolved" },
        "due_label": i18n::format_datetime(locale, Utc::now()),
        "r": {
            "number": "DS-000123",
            "title": if fr { "Projecteur du local 204" } else { "Projector in room 204" },
            "description": if fr { "Le projecteur ne s'allume plus." } else { "The projector no longer turns on." },
            "url": format!("{base_url}/requests/DS-000123"),
            "status_label": if fr { "En traitement" } else { "In progress" },
            "status_kind": "open",
            "priority_label": if fr { "Haute" } else { "High" },
            "category": if fr { "Projecteur ou TNI défectueux" } else { "Faulty projector or interactive whiteboard" },
            "unit": if fr { "École primaire des Bouleaux" } else { "Des Bouleaux Elementary School" },
            "requester": "Julie Tremblay",
            "assignee": "Karim Benali",
            "team": if fr { "Soutien TI" } else { "IT support" },
            "fields": [{"label": if fr { "Local" } else { "Room" }, "value": "204"}],
            "created_at": Utc::now(),
        },
        "reopen_days": 10,
    });
    let payload = data["p"].clone();
    flags(&mut data, &payload);
    data
}

/// Subjects of the rows a digest gathers, for its list.
pub fn digest_items(
    conn: &mut PgConnection,
    templates: &MailTemplates,
    base_url: &str,
    locale: Locale,
    rows: &[(i64, String, Option<i64>, Value)],
) -> Result<Vec<Value>, AppError> {
    let mut items = Vec::new();
    let mut cache = Cache::default();
    for (_, template, request, payload) in rows {
        let data = data_for(conn, &mut cache, base_url, locale, "", *request, payload)?;
        let subject = templates.render(template, locale, &data)?.subject;
        items.push(json!({
            "number": data["r"]["number"],
            "url": data["r"]["url"],
            "subject": subject,
        }));
    }
    Ok(items)
}
