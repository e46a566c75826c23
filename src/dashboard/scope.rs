//! Whose figures a dashboard shows: the whole board, a domain, a team or a unit; and who may see
//! which. Administrators and auditors see every scope; service managers the domains of their
//! teams and those teams; unit directors their units. Nobody else has a dashboard.

use super::model::{Condition, Table};
use crate::auth::CurrentUser;
use crate::db::{TeamId, UnitId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::i18n::Locale;
use crate::units::model::Unit;
use crate::users::model::{Domain, Role, Team};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Board,
    Domain(Domain),
    Team { id: TeamId, code: String },
    Unit { id: UnitId, code: String },
}

/// A scope with its label, for the pickers.
#[derive(Debug, Clone)]
pub struct Choice {
    pub scope: Scope,
    pub label: String,
}

impl Scope {
    /// `board`, `domain:ti`, `team:<code>`, `unit:<code>`.
    pub fn code(&self) -> String {
        match self {
            Scope::Board => "board".into(),
            Scope::Domain(d) => format!("domain:{}", d.code()),
            Scope::Team { code, .. } => format!("team:{code}"),
            Scope::Unit { code, .. } => format!("unit:{code}"),
        }
    }

    /// The key of this scope in `dashboard_days`: `b`, `d:<domain>`, `t<team id>`, `u<unit id>`.
    pub fn key(&self) -> String {
        match self {
            Scope::Board => "b".into(),
            Scope::Domain(d) => format!("d:{}", d.code()),
            Scope::Team { id, .. } => format!("t{}", id.0),
            Scope::Unit { id, .. } => format!("u{}", id.0),
        }
    }

    /// The condition on `requests` (named `table`) of this scope.
    pub fn condition(&self, table: Table) -> Condition {
        let t = table.name();
        Condition::of(match self {
            Scope::Board => "TRUE".into(),
            Scope::Domain(d) => format!("{t}.domain = '{}'", d.code()),
            Scope::Team { id, .. } => format!("{t}.team_id = {}", id.0),
            Scope::Unit { id, .. } => format!("{t}.unit_id = {}", id.0),
        })
    }

    /// The parameters of the queue that lists this scope's requests.
    pub fn queue_params(&self) -> String {
        match self {
            Scope::Board => String::new(),
            Scope::Domain(d) => format!("&domain={}", d.code()),
            Scope::Team { code, .. } => format!(
                "&team={}",
                url::form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
            ),
            Scope::Unit { code, .. } => format!(
                "&unit={}",
                url::form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
            ),
        }
    }
}

fn domain_label(loc: Locale, d: Domain) -> String {
    crate::i18n::tr(loc, "domain", &[("code".into(), d.code().into())])
}

/// The scopes this person may see, the widest first.
pub fn choices(user: &CurrentUser, teams: &[Team], units: &[Unit], loc: Locale) -> Vec<Choice> {
    let everything = user.is_admin() || user.is_auditor();
    let mut out = Vec::new();
    if everything {
        out.push(Choice {
            scope: Scope::Board,
            label: crate::i18n::tr(loc, "dashboard-board", &[]),
        });
    }
    let domains: Vec<Domain> = if everything {
        Domain::ALL.to_vec()
    } else if user.has_role(Role::ServiceManager) {
        user.staff_domains()
    } else {
        Vec::new()
    };
    for d in &domains {
        out.push(Choice {
            scope: Scope::Domain(*d),
            label: domain_label(loc, *d),
        });
    }
    for t in teams.iter().filter(|t| domains.contains(&t.domain)) {
        out.push(Choice {
            scope: Scope::Team {
                id: t.id,
                code: t.code.clone(),
            },
            label: loc.pick(&t.name_fr, &t.name_en).to_string(),
        });
    }
    let managed = user.managed_units();
    for u in units
        .iter()
        .filter(|u| everything || managed.contains(&u.id))
    {
        out.push(Choice {
            scope: Scope::Unit {
                id: u.id,
                code: u.code.clone(),
            },
            label: loc.pick(&u.name_fr, &u.name_en).to_string(),
        });
    }
    out
}

/// The scope asked for (`None`: the widest this person has). A scope that exists but is not
/// theirs is forbidden; one that does not exist is an error on `scope`.
pub fn resolve(
    asked: Option<&str>,
    choices: &[Choice],
    teams: &[Team],
    units: &[Unit],
) -> Result<Choice, AppError> {
    let Some(first) = choices.first() else {
        return Err(AppError::Forbidden);
    };
    let Some(asked) = asked.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(first.clone());
    };
    if let Some(c) = choices.iter().find(|c| c.scope.code() == asked) {
        return Ok(c.clone());
    }
    let exists = match asked.split_once(':') {
        None => asked == "board",
        Some(("domain", d)) => Domain::parse(d).is_some(),
        Some(("team", t)) => teams.iter().any(|x| x.code == t),
        Some(("unit", u)) => units.iter().any(|x| x.code == u),
        Some(_) => false,
    };
    if exists {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::Invalid(FieldErrors::single(
            "scope",
            Msg::new("field-choice"),
        )))
    }
}
