//! Walking a demo request through its workflow and its approvals.

use crate::approvals::service::{self as approvals, Decision};
use crate::error::AppError;
use crate::requests::model::RequestNumber;
use crate::users::service::{self as accounts};
use crate::workflow::{StateKind, Workflow};
use diesel::prelude::*;

/// The states the demo walks a request through, whatever its workflow.
pub(super) struct Codes {
    pub(super) work: String,
    pub(super) wait: Option<String>,
    pub(super) resolved: String,
    pub(super) closed: String,
    pub(super) cancelled: String,
}

impl Codes {
    pub(super) fn of(wf: &Workflow) -> Codes {
        let first = |k: StateKind| {
            wf.states
                .iter()
                .find(|s| s.kind == k)
                .map(|s| s.code.clone())
                .unwrap_or_default()
        };
        Codes {
            work: first(StateKind::Open),
            wait: wf
                .state("waiting_requester")
                .filter(|_| {
                    wf.transitions
                        .iter()
                        .any(|t| t.to == "waiting_requester" && t.from == first(StateKind::New))
                })
                .map(|s| s.code.clone()),
            resolved: first(StateKind::Resolved),
            closed: first(StateKind::Closed),
            cancelled: first(StateKind::Cancelled),
        }
    }
}

/// Decides every approval step of a request as its approvers would; false when a step has
/// nobody to decide it.
pub(super) fn decide_all(
    conn: &mut PgConnection,
    number: RequestNumber,
    id: crate::db::RequestId,
    decision: Decision,
) -> Result<bool, AppError> {
    loop {
        let steps = approvals::steps_of(conn, id)?;
        let Some(step) = steps
            .iter()
            .find(|s| s.status == crate::approvals::StepStatus::Pending)
        else {
            return Ok(true);
        };
        let Some(approver) = approvals::approvers(conn, step)?.into_iter().next() else {
            return Ok(false);
        };
        let who = accounts::identity(conn, &approver)?;
        let comment = match decision {
            Decision::Approve => "Approuvé, budget disponible.",
            Decision::Refuse => "Refusé : budget de l'unité épuisé pour cette année.",
        };
        approvals::decide(conn, &who, number, decision, comment)?;
    }
}
