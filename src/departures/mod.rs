//! Employee departures and moves (the board's IT-use practice, annex 9). A « Départ ou mutation
//! d'un employé » request generates, from the decision matrix (data admins edit), one task per
//! access to withdraw or delete — a child request for the IT team with its due date — and
//! schedules what happens to the person's own Guichet account (deactivated, or their roles removed
//! on a move), which a job applies on the day.

pub mod pages;

use crate::audit::{self, Origin};
use crate::auth::CurrentUser;
use crate::catalog::queries as catalog;
use crate::db::schema::{account_actions, departure_rules, requests, user_roles, users};
use crate::db::{RequestId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::requests::model::{
    EventKind, NewEvent, NewRequest, Priority, Request, RequestNumber, Source,
};
use crate::requests::queries;
use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

/// The departure request's category, and its tasks' (not offered in the catalog).
pub const CATEGORY: &str = "rh-depart";
pub const TASK_CATEGORY: &str = "rh-depart-tache";

/// The situations, in the matrix's column order: (code, French, English).
pub const SITUATIONS: &[(&str, &str, &str)] = &[
    ("mutation", "Mutation", "Move to another unit"),
    ("extended_leave", "Congé prolongé", "Extended leave"),
    ("resignation", "Démission", "Resignation"),
    ("retirement", "Retraite", "Retirement"),
    (
        "suspension_over_30_days",
        "Suspension de plus de 30 jours",
        "Suspension of more than 30 days",
    ),
    ("dismissal", "Congédiement", "Dismissal"),
];

/// When an access goes, from the effective date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Access kept (or, for a deletion, never done).
    Never,
    Now,
    Days(u32),
    Months(u32),
}

/// One cell of the matrix: the delay, and the applications and folders withdrawn immediately
/// whatever the delay (« after_30d; now for RH RF TI »).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub delay: Delay,
    pub now_for: Vec<String>,
}

impl Cell {
    pub fn parse(raw: &str) -> Option<Cell> {
        let (head, rest) = match raw.split_once(';') {
            Some((h, r)) => (h.trim(), Some(r.trim())),
            None => (raw.trim(), None),
        };
        let delay = match head {
            "keep" | "none" => Delay::Never,
            "now" => Delay::Now,
            "after_30d" => Delay::Days(30),
            "after_13m" => Delay::Months(13),
            "after_36m" => Delay::Months(36),
            _ => return None,
        };
        let now_for = match rest {
            None => Vec::new(),
            Some(r) => {
                let list = r.strip_prefix("now for ")?;
                let names: Vec<String> = list.split_whitespace().map(str::to_string).collect();
                if names.is_empty()
                    || !names
                        .iter()
                        .all(|n| n.chars().all(|c| c.is_ascii_uppercase()))
                {
                    return None;
                }
                names
            }
        };
        Some(Cell { delay, now_for })
    }

    /// The day the access goes, or None when it is kept.
    pub fn due(&self, effective: NaiveDate) -> Option<NaiveDate> {
        match self.delay {
            Delay::Never => None,
            Delay::Now => Some(effective),
            Delay::Days(d) => effective.checked_add_days(chrono::Days::new(u64::from(d))),
            Delay::Months(m) => effective.checked_add_months(Months::new(m)),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = departure_rules)]
pub struct Rule {
    pub id: i64,
    pub resource: String,
    pub phase: String,
    pub label_fr: String,
    pub label_en: String,
    pub position: i32,
    pub mutation: String,
    pub extended_leave: String,
    pub resignation: String,
    pub retirement: String,
    pub suspension_over_30_days: String,
    pub dismissal: String,
}

impl Rule {
    pub fn cell(&self, situation: &str) -> Option<&str> {
        Some(match situation {
            "mutation" => &self.mutation,
            "extended_leave" => &self.extended_leave,
            "resignation" => &self.resignation,
            "retirement" => &self.retirement,
            "suspension_over_30_days" => &self.suspension_over_30_days,
            "dismissal" => &self.dismissal,
            _ => return None,
        })
    }
}

pub fn rules(conn: &mut PgConnection) -> QueryResult<Vec<Rule>> {
    departure_rules::table
        .select(Rule::as_select())
        .order((departure_rules::position, departure_rules::id))
        .load(conn)
}

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
        for rule in rules(conn)? {
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
            diesel::sql_query(format!(
                "UPDATE departure_rules SET {situation} = $1, updated_at = now() WHERE id = $2"
            ))
            .bind::<diesel::sql_types::Text, _>(after)
            .bind::<diesel::sql_types::BigInt, _>(id)
            .execute(conn)?;
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

/// A task the matrix asks for: what, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub resource: String,
    pub label_fr: String,
    pub delete: bool,
    /// The applications and folders concerned when only some go now (« RH RF TI »).
    pub only: Vec<String>,
    pub due_on: NaiveDate,
}

/// The tasks of a situation from its effective date (pure).
pub fn plan(rules: &[Rule], situation: &str, effective: NaiveDate) -> Vec<Task> {
    let mut tasks = Vec::new();
    for r in rules {
        let Some(cell) = r.cell(situation).and_then(Cell::parse) else {
            continue;
        };
        let task = |due_on, only: Vec<String>| Task {
            resource: r.resource.clone(),
            label_fr: r.label_fr.clone(),
            delete: r.phase == "delete",
            only,
            due_on,
        };
        if !cell.now_for.is_empty() && cell.delay != Delay::Now {
            tasks.push(task(effective, cell.now_for.clone()));
        }
        if let Some(due) = cell.due(effective) {
            tasks.push(task(due, Vec::new()));
        }
    }
    tasks.sort_by_key(|t| t.due_on);
    tasks
}

/// What the departure does to the person's Guichet account: Guichet is one of the board's
/// applications, so it follows the « shared folders and corporate applications » row (its
/// immediate exceptions name other applications). On a move, the person keeps their account
/// and loses their roles (the new unit gives new ones).
pub fn account_plan(
    rules: &[Rule],
    situation: &str,
    effective: NaiveDate,
) -> Option<(&'static str, NaiveDate)> {
    let rule = rules
        .iter()
        .find(|r| r.resource == "shared_folders_and_corporate_apps_access")?;
    let due = Cell::parse(rule.cell(situation)?)?.due(effective)?;
    Some((
        if situation == "mutation" {
            "remove_roles"
        } else {
            "deactivate"
        },
        due,
    ))
}

fn text_field<'a>(fields: &'a Value, key: &str) -> &'a str {
    fields.get(key).and_then(Value::as_str).unwrap_or("").trim()
}

/// After a request is created: a departure generates its tasks and schedules the account change.
pub fn on_created(
    conn: &mut PgConnection,
    user: &CurrentUser,
    request: &Request,
    today: NaiveDate,
) -> Result<(), AppError> {
    let Some(category) = catalog::find(conn, request.category_id).optional()? else {
        return Ok(());
    };
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
    let all = rules(conn)?;
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
        let child = queries::insert(
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
        diesel::update(requests::table.find(child.id))
            .set((
                requests::parent_id.eq(request.id),
                requests::due_on.eq(t.due_on),
            ))
            .execute(conn)?;
        queries::insert_event(
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
    let person: Option<UserId> = users::table
        .filter(users::email.eq(&email))
        .select(users::id)
        .first(conn)
        .optional()?;
    match (person, account_plan(&all, &situation, effective)) {
        (Some(p), Some((action, due_on))) => {
            diesel::insert_into(account_actions::table)
                .values((
                    account_actions::user_id.eq(p),
                    account_actions::request_id.eq(request.id),
                    account_actions::action.eq(action),
                    account_actions::due_on.eq(due_on),
                ))
                .execute(conn)?;
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
    queries::insert_event(
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
    let due: Vec<(i64, UserId, RequestId, String)> = account_actions::table
        .filter(account_actions::done_at.is_null())
        .filter(account_actions::due_on.le(today))
        .select((
            account_actions::id,
            account_actions::user_id,
            account_actions::request_id,
            account_actions::action,
        ))
        .for_update()
        .skip_locked()
        .load(conn)?;
    for (id, person, request, action) in &due {
        let number: i64 = requests::table
            .find(request)
            .select(requests::number)
            .first(conn)?;
        if action == "deactivate" {
            diesel::update(users::table.find(person))
                .set((
                    users::active.eq(false),
                    users::deactivated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?;
            crate::users::queries::delete_sessions_of(conn, *person)?;
        } else {
            diesel::delete(user_roles::table.filter(user_roles::user_id.eq(person)))
                .execute(conn)?;
        }
        diesel::update(account_actions::table.find(id))
            .set(account_actions::done_at.eq(diesel::dsl::now))
            .execute(conn)?;
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

/// A departure's task: number, title, due date, status kind.
pub type TaskRow = (i64, String, Option<NaiveDate>, String);

/// The tasks of a departure request (for its page), by due date.
pub fn children(conn: &mut PgConnection, parent: RequestId) -> QueryResult<Vec<TaskRow>> {
    requests::table
        .filter(requests::parent_id.eq(parent))
        .select((
            requests::number,
            requests::title,
            requests::due_on,
            requests::status_kind,
        ))
        .order((requests::due_on, requests::number))
        .load(conn)
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
    let (parent, due_on): (Option<RequestId>, Option<NaiveDate>) = requests::table
        .find(id)
        .select((requests::parent_id, requests::due_on))
        .first(conn)?;
    let parent = match parent {
        Some(p) => Some(
            RequestNumber(
                requests::table
                    .find(p)
                    .select(requests::number)
                    .first(conn)?,
            )
            .to_string(),
        ),
        None => None,
    };
    let tasks: Vec<Value> = children(conn, id)?
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(resource: &str, phase: &str, cells: [&str; 6]) -> Rule {
        Rule {
            id: 1,
            resource: resource.into(),
            phase: phase.into(),
            label_fr: resource.into(),
            label_en: resource.into(),
            position: 0,
            mutation: cells[0].into(),
            extended_leave: cells[1].into(),
            resignation: cells[2].into(),
            retirement: cells[3].into(),
            suspension_over_30_days: cells[4].into(),
            dismissal: cells[5].into(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cells_read_as_in_the_practice() {
        assert_eq!(Cell::parse("keep").unwrap().delay, Delay::Never);
        assert_eq!(Cell::parse("after_13m").unwrap().delay, Delay::Months(13));
        let c = Cell::parse("after_30d; now for RH RF TI").unwrap();
        assert_eq!((c.delay, c.now_for.len()), (Delay::Days(30), 3));
        for bad in ["later", "after_30d; soon", "now for rh", ""] {
            assert!(Cell::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_resignation_plans_each_access_on_its_day() {
        let rules = vec![
            rule(
                "mailbox_access",
                "withdraw",
                ["keep", "keep", "after_30d", "after_13m", "now", "now"],
            ),
            rule(
                "shared_folders_and_corporate_apps_access",
                "withdraw",
                [
                    "after_30d; now for RH RF TI",
                    "after_30d; now for RH RF TI",
                    "after_30d; now for RH RF TI",
                    "after_30d; now for RH RF TI",
                    "now",
                    "now",
                ],
            ),
            rule(
                "mailbox",
                "delete",
                [
                    "none",
                    "none",
                    "after_13m",
                    "after_13m",
                    "none",
                    "after_36m",
                ],
            ),
        ];
        let tasks = plan(&rules, "resignation", d("2027-01-31"));
        let got: Vec<(&str, bool, usize, String)> = tasks
            .iter()
            .map(|t| {
                (
                    t.resource.as_str(),
                    t.delete,
                    t.only.len(),
                    t.due_on.to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "shared_folders_and_corporate_apps_access",
                    false,
                    3,
                    "2027-01-31".into()
                ),
                ("mailbox_access", false, 0, "2027-03-02".into()),
                (
                    "shared_folders_and_corporate_apps_access",
                    false,
                    0,
                    "2027-03-02".into()
                ),
                ("mailbox", true, 0, "2028-02-29".into()),
            ]
        );
        // A move keeps the mailbox; a dismissal deletes it after 36 months.
        assert!(plan(&rules, "mutation", d("2027-01-31"))
            .iter()
            .all(|t| t.resource != "mailbox"));
        assert!(plan(&rules, "dismissal", d("2027-01-31"))
            .iter()
            .any(|t| t.resource == "mailbox" && t.due_on == d("2030-01-31")));
        assert_eq!(
            account_plan(&rules, "resignation", d("2027-01-31")),
            Some(("deactivate", d("2027-03-02")))
        );
        assert_eq!(
            account_plan(&rules, "mutation", d("2027-01-31")),
            Some(("remove_roles", d("2027-03-02")))
        );
        assert_eq!(
            account_plan(&rules, "dismissal", d("2027-01-31")),
            Some(("deactivate", d("2027-01-31")))
        );
    }
}
