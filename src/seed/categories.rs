//! The demo's catalog, as data (`catalog.json`): each category with its team, form and process
//! (workflow, approval, confidentiality, trip). Loaded on first start; edit the file, not code.

use crate::approvals::ApprovalMode;
use crate::catalog::form::FormDef;
use crate::catalog::model::CategoryForm;
use crate::catalog::queries as catalog;
use crate::error::AppError;
use crate::requests::model::Priority;
use crate::users::model::Domain;
use crate::users::queries as users;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

const CATALOG: &str = include_str!("catalog.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "_about")]
    _about: String,
    categories: Vec<Entry>,
}

/// One category of `catalog.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    code: String,
    domain: String,
    team: String,
    priority: String,
    name_fr: String,
    name_en: String,
    description_fr: String,
    description_en: String,
    /// A workflow's code; `standard` when absent.
    #[serde(default)]
    workflow: Option<String>,
    #[serde(default)]
    approval: Option<String>,
    #[serde(default)]
    approval_group: Option<String>,
    #[serde(default)]
    approval_field: Option<String>,
    #[serde(default)]
    approval_threshold: Option<f64>,
    #[serde(default)]
    confidential: bool,
    /// A trip: its form is the transport module's.
    #[serde(default)]
    trip: bool,
    #[serde(default)]
    fields: Vec<Value>,
}

/// A category of the file with its codes read: what `insert_all` writes, teams and workflow
/// aside.
struct Demo {
    entry: Entry,
    domain: Domain,
    priority: Priority,
    approval: ApprovalMode,
    form: Value,
}

fn read() -> Result<Vec<Demo>, AppError> {
    let bad = |code: &str, what: &str| AppError::Internal(format!("catalog.json, {code}: {what}"));
    let file: File = serde_json::from_str(CATALOG)
        .map_err(|e| AppError::Internal(format!("catalog.json: {e}")))?;
    let trip_fields = crate::transport::form::form()["fields"].clone();
    file.categories
        .into_iter()
        .map(|entry| {
            let domain = Domain::parse(&entry.domain).ok_or_else(|| bad(&entry.code, "domain"))?;
            let priority =
                Priority::parse(&entry.priority).ok_or_else(|| bad(&entry.code, "priority"))?;
            let approval = match &entry.approval {
                None => ApprovalMode::None,
                Some(a) => ApprovalMode::parse(a).ok_or_else(|| bad(&entry.code, "approval"))?,
            };
            let fields = if entry.trip {
                trip_fields.clone()
            } else {
                Value::Array(entry.fields.clone())
            };
            let form = json!({ "fields": fields });
            let def: FormDef = serde_json::from_value(form.clone())
                .map_err(|e| bad(&entry.code, &e.to_string()))?;
            def.check().map_err(|e| bad(&entry.code, &e))?;
            Ok(Demo {
                entry,
                domain,
                priority,
                approval,
                form,
            })
        })
        .collect()
}

/// Writes the catalog in the file's order. The teams and groups it names exist already.
pub fn insert_all(conn: &mut PgConnection) -> Result<(), AppError> {
    for (i, d) in read()?.into_iter().enumerate() {
        let e = &d.entry;
        let workflow = e.workflow.as_deref().unwrap_or("standard");
        let workflow_id = crate::workflow::queries::id_by_code(conn, workflow)?
            .ok_or_else(|| AppError::Internal(format!("workflow {workflow} missing")))?;
        let approval_group_id = match &e.approval_group {
            Some(g) => Some(
                crate::users::group_queries::by_code(conn, g)?
                    .ok_or_else(|| AppError::Internal(format!("group {g} missing")))?
                    .id,
            ),
            None => None,
        };
        let default_team_id = users::team_by_code(conn, &e.team)?.map(|t| t.id);
        let category = catalog::insert(
            conn,
            &CategoryForm {
                code: e.code.clone(),
                domain: d.domain,
                parent_id: None,
                name_fr: e.name_fr.clone(),
                name_en: e.name_en.clone(),
                description_fr: e.description_fr.clone(),
                description_en: e.description_en.clone(),
                form: d.form.clone(),
                default_team_id,
                default_priority: d.priority,
                position: i as i32,
                active: true,
                sla_policy_id: None,
                workflow_id,
                approval: d.approval,
                approval_group_id,
                approval_field: e.approval_field.clone(),
                approval_threshold: e.approval_threshold,
                confidential: e.confidential,
            },
        )?;
        if e.trip {
            crate::catalog::queries::set_trip(conn, category.id)?;
        }
    }
    // Departures and their tasks go to IT support (the migration cannot know the teams).
    if let Some(team) = users::team_by_code(conn, "ti-soutien")? {
        let codes = [
            crate::departures::CATEGORY,
            crate::departures::TASK_CATEGORY,
        ];
        crate::catalog::queries::set_default_team(conn, &codes, team.id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_reads_and_every_form_is_valid() {
        let all = read().unwrap();
        assert_eq!(all.len(), 29);
        let mut codes: Vec<&str> = all.iter().map(|d| d.entry.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "category codes are unique");
        assert!(all.iter().filter(|d| d.entry.trip).count() >= 4);
        let grouped = all.iter().find(|d| d.entry.code == "ti-acces-rp").unwrap();
        assert_eq!(grouped.approval, ApprovalMode::Group);
        assert!(grouped.entry.confidential);
    }
}
