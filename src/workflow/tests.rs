use super::*;
use crate::db::WorkflowId;

const STAFF: Standing = Standing {
    can_read: true,
    requester_side: false,
    requester: false,
    director: false,
    staff: true,
    manager: false,
};
const REQUESTER: Standing = Standing {
    can_read: true,
    requester_side: true,
    requester: true,
    director: false,
    staff: false,
    manager: false,
};

fn state(code: &str, kind: StateKind, position: i32) -> State {
    State {
        code: code.into(),
        label_fr: format!("{code} (fr)"),
        label_en: format!("{code} (en)"),
        kind,
        position,
    }
}

fn tr(from: &str, to: &str, roles: &[Actor], note: bool) -> Transition {
    Transition {
        from: from.into(),
        to: to.into(),
        roles: roles.to_vec(),
        note_required: note,
        on_approval: false,
    }
}

const WORK: &[Actor] = &[Actor::Technician, Actor::ServiceManager];
const ANYONE: &[Actor] = &[
    Actor::Requester,
    Actor::UnitManager,
    Actor::Technician,
    Actor::ServiceManager,
];

/// The seeded « Standard » workflow, as in the migration.
fn standard() -> Workflow {
    use StateKind::*;
    Workflow {
        id: WorkflowId(1),
        code: "standard".into(),
        name_fr: "Standard".into(),
        name_en: "Standard".into(),
        states: vec![
            state("new", New, 1),
            state("in_progress", Open, 2),
            state("waiting_requester", Pending, 3),
            state("resolved", Resolved, 4),
            state("closed", Closed, 5),
            state("cancelled", Cancelled, 6),
        ],
        transitions: vec![
            tr("new", "in_progress", WORK, false),
            tr("new", "waiting_requester", WORK, true),
            tr("new", "resolved", WORK, true),
            tr("new", "cancelled", ANYONE, true),
            tr("in_progress", "waiting_requester", WORK, true),
            tr("in_progress", "resolved", WORK, true),
            tr("in_progress", "cancelled", ANYONE, true),
            tr("waiting_requester", "in_progress", ANYONE, false),
            tr("waiting_requester", "resolved", WORK, true),
            tr("waiting_requester", "cancelled", ANYONE, true),
            tr("resolved", "closed", ANYONE, false),
            tr("resolved", "in_progress", ANYONE, true),
        ],
    }
}

fn with_approval() -> Workflow {
    let mut w = standard();
    w.states
        .insert(0, state("awaiting_approval", StateKind::Approval, 0));
    let mut exit = tr("awaiting_approval", "new", &[], false);
    exit.on_approval = true;
    w.transitions.push(exit);
    w.transitions.push(tr(
        "awaiting_approval",
        "cancelled",
        &[Actor::Requester],
        true,
    ));
    w
}

fn attempt<'a>(from: &'a str, to: &'a str, standing: Standing, note: &'a str) -> Attempt<'a> {
    Attempt {
        from,
        to,
        standing,
        note,
        resolved_at: None,
        now: Utc::now(),
        reopen_days: 10,
    }
}

#[test]
fn resolving_requires_a_resolution_note() {
    let w = standard();
    assert!(matches!(
        w.check(&attempt("in_progress", "resolved", STAFF, " ")),
        Err(AppError::Invalid(_))
    ));
    assert!(w
        .check(&attempt(
            "in_progress",
            "resolved",
            STAFF,
            "Lampe remplacée"
        ))
        .is_ok());
}

#[test]
fn a_requester_cannot_resolve_but_can_confirm() {
    let w = standard();
    assert!(matches!(
        w.check(&attempt("in_progress", "resolved", REQUESTER, "ok")),
        Err(AppError::Forbidden)
    ));
    assert!(w
        .check(&attempt("resolved", "closed", REQUESTER, ""))
        .is_ok());
}

#[test]
fn a_director_acts_only_where_the_workflow_names_directors() {
    let w = with_approval();
    let director = Standing {
        requester: false,
        director: true,
        ..REQUESTER
    };
    assert!(w.check(&attempt("new", "cancelled", director, "x")).is_ok());
    assert!(matches!(
        w.check(&attempt("awaiting_approval", "cancelled", director, "x")),
        Err(AppError::Forbidden)
    ));
}

#[test]
fn closed_requests_never_move() {
    let w = standard();
    for s in &w.states {
        assert!(w.check(&attempt("closed", &s.code, STAFF, "x")).is_err());
    }
}

#[test]
fn unknown_or_missing_transitions_are_refused_with_the_state_names() {
    let w = standard();
    assert!(matches!(
        w.check(&attempt("new", "nowhere", STAFF, "")),
        Err(AppError::Invalid(_))
    ));
    match w.check(&attempt("new", "closed", STAFF, "")) {
        Err(AppError::Rule(m)) => {
            assert_eq!(m.key, "transition-not-allowed");
            assert!(m.args.iter().any(|(_, v)| v.contains("new (fr)")));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn approval_exits_are_never_taken_by_hand() {
    let w = with_approval();
    assert!(matches!(
        w.check(&attempt("awaiting_approval", "new", STAFF, "")),
        Err(AppError::Rule(_))
    ));
    assert!(w
        .available("awaiting_approval", STAFF, None, Utc::now(), 10)
        .is_empty());
    assert_eq!(
        w.approval_target("awaiting_approval")
            .map(|s| s.code.as_str()),
        Some("new")
    );
    assert_eq!(
        w.refusal_target("awaiting_approval")
            .map(|s| s.code.as_str()),
        Some("cancelled")
    );
}

#[test]
fn requests_start_in_approval_only_when_needed() {
    let w = with_approval();
    assert_eq!(
        w.initial(true).map(|s| s.code.as_str()),
        Some("awaiting_approval")
    );
    assert_eq!(w.initial(false).map(|s| s.code.as_str()), Some("new"));
    assert_eq!(
        standard().initial(true).map(|s| s.code.as_str()),
        Some("new")
    );
}

#[test]
fn reopening_is_allowed_for_ten_days_after_resolution() {
    let w = standard();
    let now = Utc::now();
    let mut a = attempt("resolved", "in_progress", REQUESTER, "Toujours en panne");
    a.resolved_at = Some(now - Duration::days(9));
    assert!(w.check(&a).is_ok());
    a.resolved_at = Some(now - Duration::days(11));
    assert!(matches!(w.check(&a), Err(AppError::Rule(_))));
    assert!(w
        .available("resolved", REQUESTER, a.resolved_at, now, 10)
        .iter()
        .all(|o| o.to.code != "in_progress"));
    a.standing = STAFF;
    assert!(w.check(&a).is_ok());
}

#[test]
fn staff_see_the_work_transitions_in_state_order() {
    let targets: Vec<String> = standard()
        .available("new", STAFF, None, Utc::now(), 10)
        .into_iter()
        .map(|o| o.to.code.clone())
        .collect();
    assert_eq!(
        targets,
        vec!["in_progress", "waiting_requester", "resolved", "cancelled"]
    );
}

#[test]
fn a_definition_without_its_essential_states_is_reported() {
    assert!(standard().problems().is_empty());
    assert!(with_approval().problems().is_empty());
    let mut w = with_approval();
    w.transitions.retain(|t| !t.on_approval);
    w.states.retain(|s| s.kind != StateKind::Cancelled);
    let keys: Vec<String> = w.problems().into_iter().map(|m| m.key).collect();
    assert_eq!(
        keys,
        vec!["workflow-needs-cancelled", "workflow-approval-exit"]
    );
}
