//! Workflows: the states a request goes through and the transitions allowed between them, by
//! whom and with what. Definitions live in the database (`queries`, `admin`); the rules that
//! judge an attempt are pure and here.

pub mod design;
pub mod pages;
pub mod queries;

use crate::code_enum;
use crate::db::WorkflowId;
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::Locale;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

code_enum!(
    /// What a state means to the rest of the system (SLA pauses, backlog, read-only).
    StateKind {
        New => "new",
        Open => "open",
        Pending => "pending",
        Approval => "approval",
        Resolved => "resolved",
        Closed => "closed",
        Cancelled => "cancelled",
    }
);

impl StateKind {
    /// No further change is possible.
    pub fn is_final(self) -> bool {
        matches!(self, StateKind::Closed | StateKind::Cancelled)
    }
    /// Counted in the open backlog.
    pub fn is_open(self) -> bool {
        !self.is_final() && self != StateKind::Resolved
    }
    /// Stops the resolution clock: waiting for someone else, for an approval, or resolved.
    pub fn pauses(self) -> bool {
        matches!(
            self,
            StateKind::Pending | StateKind::Approval | StateKind::Resolved
        )
    }
}

code_enum!(
    /// Who may take a transition, relative to the request.
    Actor {
        Requester => "requester",
        UnitManager => "unit_manager",
        Technician => "technician",
        ServiceManager => "service_manager",
    }
);

impl Actor {
    pub fn allows(self, s: Standing) -> bool {
        match self {
            Actor::Requester => s.requester,
            Actor::UnitManager => s.director,
            Actor::Technician => s.staff,
            Actor::ServiceManager => s.manager,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct State {
    pub code: String,
    pub label_fr: String,
    pub label_en: String,
    pub kind: StateKind,
    pub position: i32,
}

impl State {
    pub fn label(&self, locale: Locale) -> &str {
        locale.pick(&self.label_fr, &self.label_en)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub from: String,
    pub to: String,
    pub roles: Vec<Actor>,
    pub note_required: bool,
    /// Taken by the approval itself, never offered as an action.
    pub on_approval: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Workflow {
    pub id: WorkflowId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub states: Vec<State>,
    pub transitions: Vec<Transition>,
}

/// Context of a transition attempt.
pub struct Attempt<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub standing: Standing,
    pub note: &'a str,
    pub resolved_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
    pub reopen_days: i64,
}

/// An action offered on the request page.
#[derive(Debug, Clone)]
pub struct Offer<'a> {
    pub to: &'a State,
    pub note_required: bool,
    /// Back from resolved to work: « Rouvrir ».
    pub reopens: bool,
}

impl Workflow {
    pub fn state(&self, code: &str) -> Option<&State> {
        self.states.iter().find(|s| s.code == code)
    }

    pub fn kind_of(&self, code: &str) -> Option<StateKind> {
        self.state(code).map(|s| s.kind)
    }

    /// The label of a state, or its code when the state is unknown (e.g. an old timeline entry).
    pub fn label(&self, code: &str, locale: Locale) -> String {
        self.state(code)
            .map(|s| s.label(locale).to_string())
            .unwrap_or_else(|| code.to_string())
    }

    /// Where a new request starts: the first approval state when it needs approval (and the
    /// workflow has one), otherwise the first state of kind `new`.
    pub fn initial(&self, needs_approval: bool) -> Option<&State> {
        let first = |k: StateKind| {
            self.states
                .iter()
                .filter(|s| s.kind == k)
                .min_by_key(|s| s.position)
        };
        needs_approval
            .then(|| first(StateKind::Approval))
            .flatten()
            .or_else(|| first(StateKind::New))
    }

    /// The state an approval moves a request to from `from`.
    pub fn approval_target(&self, from: &str) -> Option<&State> {
        self.transitions
            .iter()
            .find(|t| t.from == from && t.on_approval)
            .and_then(|t| self.state(&t.to))
    }

    /// The state a refusal moves a request to: a cancelled state reachable from `from`, or the
    /// workflow's first cancelled state.
    pub fn refusal_target(&self, from: &str) -> Option<&State> {
        self.transitions
            .iter()
            .filter(|t| t.from == from)
            .filter_map(|t| self.state(&t.to))
            .find(|s| s.kind == StateKind::Cancelled)
            .or_else(|| {
                self.states
                    .iter()
                    .filter(|s| s.kind == StateKind::Cancelled)
                    .min_by_key(|s| s.position)
            })
    }

    fn not_allowed(&self, from: &str, to: &str) -> AppError {
        let pick = |code: &str| {
            self.state(code)
                .map(|s| (s.label_fr.clone(), s.label_en.clone()))
                .unwrap_or_else(|| (code.to_string(), code.to_string()))
        };
        let (ffr, fen) = pick(from);
        let (tfr, ten) = pick(to);
        AppError::Rule(
            Msg::new("transition-not-allowed")
                .arg_pick("from", &ffr, &fen)
                .arg_pick("to", &tfr, &ten),
        )
    }

    /// A requester (or director) moving a resolved request back to work after the delay.
    fn reopen_expired(&self, a: &Attempt, to_kind: StateKind) -> bool {
        let from_kind = self.kind_of(a.from);
        from_kind == Some(StateKind::Resolved)
            && !to_kind.is_final()
            && !a.standing.staff
            && a.resolved_at
                .is_some_and(|r| a.now > r + Duration::days(a.reopen_days))
    }

    /// Checks a transition; the error names the reason in the user's words.
    pub fn check(&self, a: &Attempt) -> Result<&Transition, AppError> {
        if a.from == a.to {
            return Err(AppError::Rule(Msg::new("transition-same")));
        }
        let to_state = self.state(a.to).ok_or_else(|| {
            AppError::Invalid(FieldErrors::single("to", Msg::new("field-choice")))
        })?;
        if self.kind_of(a.from).is_some_and(StateKind::is_final) {
            return Err(AppError::rule("request-final"));
        }
        let t = self
            .transitions
            .iter()
            .find(|t| t.from == a.from && t.to == a.to)
            .ok_or_else(|| self.not_allowed(a.from, a.to))?;
        if t.on_approval {
            return Err(AppError::rule("transition-by-approval"));
        }
        if !t.roles.iter().any(|r| r.allows(a.standing)) {
            return Err(AppError::Forbidden);
        }
        if self.reopen_expired(a, to_state.kind) {
            return Err(AppError::Rule(
                Msg::new("transition-reopen-too-late").arg("days", a.reopen_days),
            ));
        }
        if t.note_required && a.note.trim().is_empty() {
            let key = if to_state.kind == StateKind::Resolved {
                "transition-needs-resolution"
            } else {
                "transition-needs-note"
            };
            return Err(AppError::Invalid(FieldErrors::single(
                "note",
                Msg::new(key),
            )));
        }
        Ok(t)
    }

    /// The transitions a person may take from a state, for the request page.
    pub fn available(
        &self,
        from: &str,
        standing: Standing,
        resolved_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        reopen_days: i64,
    ) -> Vec<Offer<'_>> {
        let from_kind = self.kind_of(from);
        let mut v: Vec<(i32, Offer)> = self
            .transitions
            .iter()
            .filter(|t| t.from == from && !t.on_approval)
            .filter(|t| t.roles.iter().any(|r| r.allows(standing)))
            .filter_map(|t| {
                let to = self.state(&t.to)?;
                let attempt = Attempt {
                    from,
                    to: &t.to,
                    standing,
                    note: "",
                    resolved_at,
                    now,
                    reopen_days,
                };
                if self.reopen_expired(&attempt, to.kind) {
                    return None;
                }
                Some((
                    to.position,
                    Offer {
                        to,
                        note_required: t.note_required,
                        reopens: from_kind == Some(StateKind::Resolved) && !to.kind.is_final(),
                    },
                ))
            })
            .collect();
        v.sort_by_key(|(p, _)| *p);
        v.into_iter().map(|(_, o)| o).collect()
    }

    /// What makes a definition unusable, as messages for the administrator.
    pub fn problems(&self) -> Vec<Msg> {
        let mut out = Vec::new();
        if self.initial(false).is_none() {
            out.push(Msg::new("workflow-needs-new"));
        }
        if !self.states.iter().any(|s| s.kind == StateKind::Cancelled) {
            out.push(Msg::new("workflow-needs-cancelled"));
        }
        for s in self.states.iter().filter(|s| s.kind == StateKind::Approval) {
            if self.approval_target(&s.code).is_none() {
                out.push(Msg::new("workflow-approval-exit").arg_pick(
                    "state",
                    &s.label_fr,
                    &s.label_en,
                ));
            }
        }
        out
    }
}

/// How a person relates to a request, as the workflow rules read it (derived once, by
/// `requests::access::standing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub can_read: bool,
    /// The requester, or the director of the request's unit.
    pub requester_side: bool,
    /// The person who asked.
    pub requester: bool,
    /// A director of the request's unit.
    pub director: bool,
    /// A technician or service manager of the request's domain, or an admin.
    pub staff: bool,
    /// A service manager of the request's domain, or an admin.
    pub manager: bool,
}

#[cfg(test)]
mod tests;
