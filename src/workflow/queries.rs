//! Loading and saving workflow definitions.

use super::{Actor, State, StateKind, Transition, Workflow};
use crate::db::schema::{requests, workflow_states, workflow_transitions, workflows};
use crate::db::WorkflowId;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = workflows)]
pub struct WorkflowRow {
    pub id: WorkflowId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = workflow_states)]
struct StateRow {
    workflow_id: WorkflowId,
    code: String,
    label_fr: String,
    label_en: String,
    kind: StateKind,
    position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = workflow_transitions)]
struct TransitionRow {
    workflow_id: WorkflowId,
    from_state: String,
    to_state: String,
    roles: Vec<String>,
    note_required: bool,
    on_approval: bool,
}

impl From<StateRow> for State {
    fn from(r: StateRow) -> State {
        State {
            code: r.code,
            label_fr: r.label_fr,
            label_en: r.label_en,
            kind: r.kind,
            position: r.position,
        }
    }
}

impl From<TransitionRow> for Transition {
    fn from(r: TransitionRow) -> Transition {
        Transition {
            from: r.from_state,
            to: r.to_state,
            roles: r.roles.iter().filter_map(|c| Actor::parse(c)).collect(),
            note_required: r.note_required,
            on_approval: r.on_approval,
        }
    }
}

pub fn rows(conn: &mut PgConnection) -> QueryResult<Vec<WorkflowRow>> {
    workflows::table
        .order(workflows::name_fr)
        .select(WorkflowRow::as_select())
        .load(conn)
}

pub fn row(conn: &mut PgConnection, id: WorkflowId) -> QueryResult<WorkflowRow> {
    workflows::table
        .find(id)
        .select(WorkflowRow::as_select())
        .first(conn)
}

pub fn id_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<WorkflowId>> {
    workflows::table
        .filter(workflows::code.eq(code))
        .select(workflows::id)
        .first(conn)
        .optional()
}

/// The definitions this process has read, each with the revision it was read at. A workflow
/// changes rarely and is needed several times by every change to a request: before one is used
/// again, its revision is read (one small statement) and a changed one is read whole again. The
/// revision changes in the transaction that edits the workflow, so an edit made by any instance is
/// seen at once.
fn known() -> &'static Mutex<HashMap<WorkflowId, (i64, Workflow)>> {
    static KNOWN: OnceLock<Mutex<HashMap<WorkflowId, (i64, Workflow)>>> = OnceLock::new();
    KNOWN.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Whole definitions of the given workflows: one statement when this process knows them at
/// their current revision, four when some must be read.
pub fn load_many(
    conn: &mut PgConnection,
    ids: &[WorkflowId],
) -> QueryResult<HashMap<WorkflowId, Workflow>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let current: Vec<(WorkflowId, i64)> = workflows::table
        .filter(workflows::id.eq_any(ids))
        .select((workflows::id, workflows::revision))
        .load(conn)?;
    let mut out = HashMap::new();
    let mut stale = Vec::new();
    {
        let known = known().lock().unwrap_or_else(|e| e.into_inner());
        for (id, revision) in &current {
            match known.get(id) {
                Some((r, w)) if r == revision => {
                    out.insert(*id, w.clone());
                }
                _ => stale.push(*id),
            }
        }
    }
    if !stale.is_empty() {
        let read = read_many(conn, &stale)?;
        let mut known = known().lock().unwrap_or_else(|e| e.into_inner());
        for (id, (revision, w)) in read {
            known.insert(id, (revision, w.clone()));
            out.insert(id, w);
        }
    }
    Ok(out)
}

/// Reads whole definitions, in three queries, each with the revision of its head row (read
/// first: a change between the reads leaves a revision older than the parts, read again later).
fn read_many(
    conn: &mut PgConnection,
    ids: &[WorkflowId],
) -> QueryResult<HashMap<WorkflowId, (i64, Workflow)>> {
    let heads: Vec<WorkflowRow> = workflows::table
        .filter(workflows::id.eq_any(ids))
        .select(WorkflowRow::as_select())
        .load(conn)?;
    let states: Vec<StateRow> = workflow_states::table
        .filter(workflow_states::workflow_id.eq_any(ids))
        .order((workflow_states::position, workflow_states::id))
        .select(StateRow::as_select())
        .load(conn)?;
    let transitions: Vec<TransitionRow> = workflow_transitions::table
        .filter(workflow_transitions::workflow_id.eq_any(ids))
        .order((workflow_transitions::position, workflow_transitions::id))
        .select(TransitionRow::as_select())
        .load(conn)?;
    let mut out: HashMap<WorkflowId, (i64, Workflow)> = heads
        .into_iter()
        .map(|h| {
            (
                h.id,
                (
                    h.revision,
                    Workflow {
                        id: h.id,
                        code: h.code,
                        name_fr: h.name_fr,
                        name_en: h.name_en,
                        states: Vec::new(),
                        transitions: Vec::new(),
                    },
                ),
            )
        })
        .collect();
    for s in states {
        if let Some((_, w)) = out.get_mut(&s.workflow_id) {
            w.states.push(s.into());
        }
    }
    for t in transitions {
        if let Some((_, w)) = out.get_mut(&t.workflow_id) {
            w.transitions.push(t.into());
        }
    }
    Ok(out)
}

pub fn load(conn: &mut PgConnection, id: WorkflowId) -> Result<Workflow, AppError> {
    load_many(conn, &[id])?
        .remove(&id)
        .ok_or(AppError::NotFound)
}

/// How many requests are in each state of a workflow.
pub fn usage(conn: &mut PgConnection, id: WorkflowId) -> QueryResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = requests::table
        .filter(requests::workflow_id.eq(id))
        .group_by(requests::status)
        .select((requests::status, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Every state code in use by some workflow, with the label of its first occurrence (status
/// filters work across workflows).
pub fn state_choices(conn: &mut PgConnection) -> QueryResult<Vec<State>> {
    let rows: Vec<StateRow> = workflow_states::table
        .order((workflow_states::workflow_id, workflow_states::position))
        .select(StateRow::as_select())
        .load(conn)?;
    let mut out: Vec<State> = Vec::new();
    for r in rows {
        if !out.iter().any(|s| s.code == r.code) {
            out.push(r.into());
        }
    }
    out.sort_by_key(|s| (kind_rank(s.kind), s.position));
    Ok(out)
}

fn kind_rank(k: StateKind) -> usize {
    StateKind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

/// A workflow's names and descriptions: `(name_fr, name_en, description_fr, description_en)`.
pub type Names<'a> = (&'a str, &'a str, &'a str, &'a str);

pub fn insert_workflow(conn: &mut PgConnection, code: &str, n: Names) -> QueryResult<WorkflowId> {
    diesel::insert_into(workflows::table)
        .values((
            workflows::code.eq(code),
            workflows::name_fr.eq(n.0),
            workflows::name_en.eq(n.1),
            workflows::description_fr.eq(n.2),
            workflows::description_en.eq(n.3),
        ))
        .returning(workflows::id)
        .get_result(conn)
}

pub fn rename_workflow(conn: &mut PgConnection, id: WorkflowId, n: Names) -> QueryResult<usize> {
    diesel::update(workflows::table.find(id))
        .set((
            workflows::name_fr.eq(n.0),
            workflows::name_en.eq(n.1),
            workflows::description_fr.eq(n.2),
            workflows::description_en.eq(n.3),
            workflows::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

/// Adds a state, or changes the labels, kind and position of the one with that code.
pub fn save_state(conn: &mut PgConnection, id: WorkflowId, s: &State) -> QueryResult<usize> {
    diesel::insert_into(workflow_states::table)
        .values((
            workflow_states::workflow_id.eq(id),
            workflow_states::code.eq(&s.code),
            workflow_states::label_fr.eq(&s.label_fr),
            workflow_states::label_en.eq(&s.label_en),
            workflow_states::kind.eq(s.kind),
            workflow_states::position.eq(s.position),
        ))
        .on_conflict((workflow_states::workflow_id, workflow_states::code))
        .do_update()
        .set((
            workflow_states::label_fr.eq(&s.label_fr),
            workflow_states::label_en.eq(&s.label_en),
            workflow_states::kind.eq(s.kind),
            workflow_states::position.eq(s.position),
        ))
        .execute(conn)
}

pub fn delete_state(conn: &mut PgConnection, id: WorkflowId, code: &str) -> QueryResult<usize> {
    diesel::delete(
        workflow_states::table
            .filter(workflow_states::workflow_id.eq(id))
            .filter(workflow_states::code.eq(code)),
    )
    .execute(conn)
}

/// Adds a transition, or changes the one between the same two states.
pub fn save_transition(
    conn: &mut PgConnection,
    id: WorkflowId,
    t: &Transition,
    position: i32,
) -> QueryResult<usize> {
    let roles: Vec<&str> = t.roles.iter().map(|r| r.code()).collect();
    diesel::insert_into(workflow_transitions::table)
        .values((
            workflow_transitions::workflow_id.eq(id),
            workflow_transitions::from_state.eq(&t.from),
            workflow_transitions::to_state.eq(&t.to),
            workflow_transitions::roles.eq(roles),
            workflow_transitions::note_required.eq(t.note_required),
            workflow_transitions::on_approval.eq(t.on_approval),
            workflow_transitions::position.eq(position),
        ))
        .on_conflict((
            workflow_transitions::workflow_id,
            workflow_transitions::from_state,
            workflow_transitions::to_state,
        ))
        .do_update()
        .set((
            workflow_transitions::roles.eq(t.roles.iter().map(|r| r.code()).collect::<Vec<_>>()),
            workflow_transitions::note_required.eq(t.note_required),
            workflow_transitions::on_approval.eq(t.on_approval),
        ))
        .execute(conn)
}

pub fn delete_transition(
    conn: &mut PgConnection,
    id: WorkflowId,
    from: &str,
    to: &str,
) -> QueryResult<usize> {
    diesel::delete(
        workflow_transitions::table
            .filter(workflow_transitions::workflow_id.eq(id))
            .filter(workflow_transitions::from_state.eq(from))
            .filter(workflow_transitions::to_state.eq(to)),
    )
    .execute(conn)
}
