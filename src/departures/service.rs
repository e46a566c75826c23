//! What a departure does: the matrix saved (audited), the tasks and the account change planned
//! when the request is created, the account changes applied on their day, and the request
//! page's section.

use super::model::{account_plan, plan, Cell, CATEGORY, SITUATIONS, TASK_CATEGORY};
use super::queries;
use crate::audit::{self, Origin};
use crate::auth::CurrentUser;
use crate::catalog::queries as catalog;
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::{
    EventKind, NewEvent, NewRequest, Priority, Request, RequestNumber, Source,
};
use crate::requests::queries as requests;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{json, Value};

/// Saves the matrix from `<resource>.<situation>` → cell; every cell is checked first, nothing
/// is written if one is wrong; the changed cells are audited.
pub fn save_rules(
    conn: &mut PgConnection,
    origin: &Origin,
    cells: &std::collections::HashMap<String, String>,
) -> Result<usize, AppError> {
    conn.transaction(|conn| {
        let mut errors = FieldErrors::default();
        let mut changes = Vec::new();
        for rule in queries::rules(conn)? {
            for (situation, _, _) in SITUATIONS {
                let key = format!("{}.{situation}", rule.resource);
                let Some(value) = cells.get(&key).map(|v| v.trim().to_string()) else {
                    continue;
                };
                if Cell::parse(&value).is_none() {
                    errors.add(&key, Msg::new("field-choice"));
                } else if rule.cell(situation) != Some(value.as_str()) {
                    changes.push((
                        rule.id,
                        rule.resource.clone(),
                        *situation,
                        rule.cell(situation).unwrap_or("").to_string(),
                        value,
                    ));
                }
            }
        }
        errors.into_result()?;
        for (id, resource, situation, before, after) in &changes {
            queries::set_cell(conn, *id, situation, after)?;
            audit::record(
                conn,
                origin,
                "departure_rule.update",
                "departure_rule",
                resource,
                json!({ "situation": situation, "before": before, "after": after }),
            )?;
        }
        Ok(changes.len())
    })
}

fn text_field<'a>(fields: &'a Value, key: &str) -> &'a str {
    fields.get(key).and_then(Value::as_str).unwrap_or("").trim()
}

/// After a request is created: a departure generates its tasks and schedules the account change.
pub fn on_created(
    conn: &mut PgConnection,
    user: &CurrentUser,
    request: &Request,
    category: &crate::catalog::model::Category,
    today: NaiveDate,
) -> Result<(), AppError> {
    if category.code != CATEGORY || request.parent_id.is_some() {
        return Ok(());
    }
    let situation = text_field(&request.fields, "situation").to_string();
    let Some((_, situation_fr, _)) = SITUATIONS.iter().find(|s| s.0 == situation) else {
        return Ok(());
    };
    let Ok(effective) =
        NaiveDate::parse_from_str(text_field(&request.fields, "date_effective"), "%Y-%m-%d")
    else {
        return Ok(());
    };
    let email = text_field(&request.fields, "employe").to_lowercase();
    let name = text_field(&request.fields, "nom_employe").to_string();
    let task_category = catalog::by_code(conn, TASK_CATEGORY)?
        .ok_or_else(|| AppError::Internal(format!("category {TASK_CATEGORY} missing")))?;
    let workflow = crate::workflow::queries::load(conn, task_category.workflow_id)?;
    let start = workflow
        .initial(false)
        .cloned()
        .ok_or_else(|| AppError::rule("workflow-needs-new"))?;
    let all = queries::rules(conn)?;
    let mut numbers = Vec::new();
    for t in plan(&all, &situation, effective) {
        let verb = if t.delete { "Supprimer" } else { "Retirer" };
        let only = if t.only.is_empty() {
            String::new()
        } else {
            format!(
                " (immédiatement : applications et dossiers {})",
                t.only.join(", ")
            )
        };
        let title: String = format!("{verb} : {}{only} — {name}", t.label_fr)
            .chars()
            .take(200)
            .collect();
        let child = requests::insert(
            conn,
            &NewRequest {
                title,
                description: format!(
                    "{situation_fr} de {name} ({email}), date effective {effective}. À faire au plus tard le {} selon la matrice de décision (demande {}).",
                    t.due_on,
                    request.number()
                ),
                category_id: task_category.id,
                domain: task_category.domain,
                requester_id: request.requester_id,
                unit_id: request.unit_id,
                room_id: None,
                priority: Priority::Normal,
                status: start.code.clone(),
                status_kind: start.kind,
                workflow_id: workflow.id,
                team_id: task_category.default_team_id.or(request.team_id),
                fields: json!({ "resource": t.resource, "employe": email, "situation": situation,
                                "only": t.only }),
                source: Source::Schedule,
            },
        )?;
        queries::set_parent(conn, child.id, request.id, t.due_on)?;
        requests::insert_event(
            conn,
            &NewEvent {
                request_id: child.id,
                actor_id: Some(user.id),
                kind: EventKind::Created,
                body: String::new(),
                internal: false,
                data: json!({ "source": "schedule", "parent": request.number().to_string() }),
            },
        )?;
        audit::record(
            conn,
            &user.origin(),
            "request.create",
            "request",
            child.number(),
            json!({ "category": TASK_CATEGORY, "parent": request.number().to_string() }),
        )?;
        numbers.push(format!("{} ({})", child.number(), t.due_on));
    }
    let mut note = if numbers.is_empty() {
        "Aucune tâche : la matrice garde tous les accès dans cette situation.".to_string()
    } else {
        format!(
            "{} tâches créées selon la matrice de départ : {}.",
            numbers.len(),
            numbers.join(", ")
        )
    };
    let person = crate::users::queries::by_email(conn, &email)?.map(|u| u.id);
    match (person, account_plan(&all, &situation, effective)) {
        (Some(p), Some((action, due_on))) => {
            queries::schedule_account_action(conn, p, request.id, action, due_on)?;
            note.push_str(&format!(
                " Compte Guichet : {} le {due_on}.",
                if action == "deactivate" {
                    "désactivé"
                } else {
                    "rôles retirés"
                }
            ));
        }
        (None, _) => note.push_str(" Aucun compte Guichet à cette adresse."),
        (Some(_), None) => note.push_str(" Compte Guichet gardé."),
    }
    requests::insert_event(
        conn,
        &NewEvent {
            request_id: request.id,
            actor_id: None,
            kind: EventKind::Automation,
            body: note,
            internal: true,
            data: json!({ "departure_tasks": numbers.len() }),
        },
    )?;
    apply_due(conn, today)?;
    Ok(())
}

/// Applies the account changes due by `today` (deactivation ends every session); each once.
pub fn apply_due(conn: &mut PgConnection, today: NaiveDate) -> Result<usize, AppError> {
    let due = queries::lock_due_actions(conn, today)?;
    for (id, person, request, action) in &due {
        let number = requests::number_of(conn, *request)?;
        if action == "deactivate" {
            queries::deactivate(conn, *person)?;
            crate::users::queries::delete_sessions_of(conn, *person)?;
        } else {
            queries::remove_roles(conn, *person)?;
        }
        queries::mark_done(conn, *id)?;
        audit::record(
            conn,
            &Origin::default(),
            if action == "deactivate" {
                "user.deactivate"
            } else {
                "user.roles_removed"
            },
            "user",
            person,
            json!({ "departure_request": RequestNumber(number).to_string() }),
        )?;
    }
    Ok(due.len())
}

/// A request's place in a departure, for its page (the caller has checked it may read it): the
/// request that generated it, its due date, and the tasks it generated.
pub fn request_section(
    conn: &mut PgConnection,
    _reader: &crate::auth::CurrentUser,
    of: &crate::requests::model::SectionOf,
    loc: crate::i18n::Locale,
) -> Result<Value, AppError> {
    let id = of.id;
    let (parent, due_on) = queries::place(conn, id)?;
    let parent = parent.map(|p| requests::label_of(conn, p)).transpose()?;
    let tasks: Vec<Value> = queries::children(conn, id)?
        .into_iter()
        .map(|(n, title, due, kind)| {
            json!({ "number": RequestNumber(n).to_string(), "title": title,
                    "due": due.map(|d| crate::i18n::format_date(loc, d)),
                    "done": matches!(kind.as_str(), "resolved" | "closed" | "cancelled") })
        })
        .collect();
    Ok(json!({
        "parent": parent,
        "due": due_on.map(|d| crate::i18n::format_date(loc, d)),
        "tasks": tasks,
        "any": parent.is_some() || due_on.is_some() || !tasks.is_empty(),
    }))
}
