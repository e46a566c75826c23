//! The request workflow: statuses and the transitions allowed between them, by whom and with what.
//! Pure rules, no database: the foundation's default workflow, written so configurable workflows
//! can replace the table later.

use crate::auth::Standing;
use crate::code_enum;
use crate::error::{AppError, Msg};
use chrono::{DateTime, Duration, Utc};

code_enum!(Status {
    New => "new",
    InProgress => "in_progress",
    WaitingRequester => "waiting_requester",
    Resolved => "resolved",
    Closed => "closed",
    Cancelled => "cancelled",
});

impl Status {
    /// No further change is possible.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled)
    }
    /// Counted in the open backlog.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::New | Status::InProgress | Status::WaitingRequester
        )
    }
}

/// Who may take a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Staff,
    Either,
}

struct Transition {
    from: Status,
    to: Status,
    who: Who,
    /// A note (resolution, reason) must accompany it.
    needs_note: bool,
}

const fn tr(from: Status, to: Status, who: Who, needs_note: bool) -> Transition {
    Transition {
        from,
        to,
        who,
        needs_note,
    }
}

use Status::*;
const TRANSITIONS: &[Transition] = &[
    tr(New, InProgress, Who::Staff, false),
    tr(New, WaitingRequester, Who::Staff, true),
    tr(New, Resolved, Who::Staff, true),
    tr(New, Cancelled, Who::Either, true),
    tr(InProgress, WaitingRequester, Who::Staff, true),
    tr(InProgress, Resolved, Who::Staff, true),
    tr(InProgress, Cancelled, Who::Either, true),
    tr(WaitingRequester, InProgress, Who::Either, false),
    tr(WaitingRequester, Resolved, Who::Staff, true),
    tr(WaitingRequester, Cancelled, Who::Either, true),
    tr(Resolved, Closed, Who::Either, false),
    tr(Resolved, InProgress, Who::Either, true),
];

/// Context of a transition attempt.
pub struct Attempt<'a> {
    pub from: Status,
    pub to: Status,
    pub standing: Standing,
    pub note: &'a str,
    pub resolved_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
    pub reopen_days: i64,
}

fn allowed_for(t: &Transition, s: Standing) -> bool {
    match t.who {
        Who::Staff => s.staff,
        Who::Either => s.staff || s.requester_side,
    }
}

/// Checks a transition; the error names the reason in the user's words.
pub fn check(a: &Attempt) -> Result<(), AppError> {
    if a.from == a.to {
        return Err(AppError::Rule(Msg::new("transition-same")));
    }
    let t = TRANSITIONS
        .iter()
        .find(|t| t.from == a.from && t.to == a.to)
        .ok_or_else(|| {
            AppError::Rule(
                Msg::new("transition-not-allowed")
                    .arg_label("from", "status", a.from)
                    .arg_label("to", "status", a.to),
            )
        })?;
    if !allowed_for(t, a.standing) {
        return Err(AppError::Forbidden);
    }
    // Requesters may reopen a resolved request only for a while; staff always may.
    if a.from == Resolved && a.to == InProgress && !a.standing.staff {
        let limit = a.resolved_at.map(|r| r + Duration::days(a.reopen_days));
        if limit.is_some_and(|l| a.now > l) {
            return Err(AppError::Rule(
                Msg::new("transition-reopen-too-late").arg("days", a.reopen_days),
            ));
        }
    }
    if t.needs_note && a.note.trim().is_empty() {
        let key = if a.to == Resolved {
            "transition-needs-resolution"
        } else {
            "transition-needs-note"
        };
        return Err(AppError::Invalid(crate::error::FieldErrors::single(
            "note",
            Msg::new(key),
        )));
    }
    Ok(())
}

/// The transitions a person may take from a status, for buttons: (target, note required).
pub fn available(
    from: Status,
    standing: Standing,
    resolved_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    reopen_days: i64,
) -> Vec<(Status, bool)> {
    TRANSITIONS
        .iter()
        .filter(|t| t.from == from && allowed_for(t, standing))
        .filter(|t| {
            !(t.from == Resolved && t.to == InProgress && !standing.staff)
                || resolved_at.is_none_or(|r| now <= r + Duration::days(reopen_days))
        })
        .map(|t| (t.to, t.needs_note))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAFF: Standing = Standing {
        can_read: true,
        requester_side: false,
        staff: true,
    };
    const REQUESTER: Standing = Standing {
        can_read: true,
        requester_side: true,
        staff: false,
    };

    fn attempt(from: Status, to: Status, standing: Standing, note: &str) -> Attempt<'static> {
        Attempt {
            from,
            to,
            standing,
            note: Box::leak(note.to_string().into_boxed_str()),
            resolved_at: None,
            now: Utc::now(),
            reopen_days: 10,
        }
    }

    #[test]
    fn resolving_requires_a_resolution_note() {
        assert!(matches!(
            check(&attempt(InProgress, Resolved, STAFF, " ")),
            Err(AppError::Invalid(_))
        ));
        assert!(check(&attempt(InProgress, Resolved, STAFF, "Lampe remplacée")).is_ok());
    }

    #[test]
    fn a_requester_cannot_resolve_but_can_confirm() {
        assert!(matches!(
            check(&attempt(InProgress, Resolved, REQUESTER, "ok")),
            Err(AppError::Forbidden)
        ));
        assert!(check(&attempt(Resolved, Closed, REQUESTER, "")).is_ok());
    }

    #[test]
    fn closed_requests_never_move() {
        for to in Status::ALL {
            assert!(check(&attempt(Closed, *to, STAFF, "x")).is_err());
        }
    }

    #[test]
    fn reopening_is_allowed_for_ten_days_after_resolution() {
        let now = Utc::now();
        let mut a = attempt(Resolved, InProgress, REQUESTER, "Toujours en panne");
        a.resolved_at = Some(now - Duration::days(9));
        assert!(check(&a).is_ok());
        a.resolved_at = Some(now - Duration::days(11));
        assert!(matches!(check(&a), Err(AppError::Rule(_))));
        assert!(available(Resolved, REQUESTER, a.resolved_at, now, 10)
            .iter()
            .all(|(s, _)| *s != InProgress));
        a.standing = STAFF;
        assert!(check(&a).is_ok());
    }

    #[test]
    fn staff_see_the_work_transitions() {
        let targets: Vec<Status> = available(New, STAFF, None, Utc::now(), 10)
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            targets,
            vec![InProgress, WaitingRequester, Resolved, Cancelled]
        );
    }
}
