//! Who may read a request, written once. `RequestScope::clauses` is the rule: the ways a person
//! comes to read a request, for the requests of ordinary categories and for those of
//! confidential ones. `allows` (one request, in Rust) and `filter` (lists, search, dashboards'
//! drill-downs and exports, in SQL) only translate each clause; a property test over generated
//! people and requests holds them to the same answer.
//!
//! Requests of a confidential category (access to personal information, human resources) are
//! read only by their requester, the members of the category's named group, the staff of the team
//! the request is assigned to (who must act on it) and auditors — not by the unit's director, the
//! domain's other technicians, people in copy or administrators. Team membership counts only for
//! a person with a staff role in the team's domain: a team member without one sees nothing of the
//! team.

use crate::auth::CurrentUser;
use crate::db::schema::{categories, request_approvals, request_watchers, requests};
use crate::db::{GroupId, TeamId, UnitId, UserId};
use crate::users::model::{Domain, Role};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;

/// What part of the requests a person may read.
#[derive(Debug, Clone)]
pub enum RequestScope {
    /// Auditors: everything.
    All,
    Limited {
        user: UserId,
        /// The units they direct.
        units: Vec<UnitId>,
        /// The domains they work in as staff.
        domains: Vec<Domain>,
        groups: Vec<GroupId>,
        /// Their teams of the domains they work in (not the others).
        teams: Vec<TeamId>,
        /// Administrators: every request of an ordinary category.
        every_open_request: bool,
    },
}

/// One way a person comes to read a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Every,
    /// They asked.
    Own(UserId),
    /// They are in copy.
    Watching(UserId),
    /// One of their groups is (or was) asked to approve it.
    Approving(Vec<GroupId>),
    /// Of a unit they direct.
    Units(Vec<UnitId>),
    /// Of a domain they work in.
    Domains(Vec<Domain>),
    /// Its category's named group is one of theirs.
    CategoryGroup(Vec<GroupId>),
    /// Assigned to one of their (staff) teams.
    Teams(Vec<TeamId>),
}

/// The facts about one request that decide access, for one person (`watching`, `approving`).
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts {
    pub requester: UserId,
    pub unit: UnitId,
    pub domain: Domain,
    pub team: Option<TeamId>,
    pub confidential: bool,
    /// The named group of its category.
    pub category_group: Option<GroupId>,
    /// The person is in copy.
    pub watching: bool,
    /// One of the person's groups is (or was) asked to approve it.
    pub approving: bool,
}

type Condition = Box<dyn BoxableExpression<requests::table, Pg, SqlType = Bool>>;

fn sql_true() -> Condition {
    Box::new(diesel::dsl::sql::<Bool>("TRUE"))
}

impl Clause {
    pub fn holds(&self, r: &RequestFacts) -> bool {
        match self {
            Clause::Every => true,
            Clause::Own(u) => r.requester == *u,
            Clause::Watching(_) => r.watching,
            Clause::Approving(_) => r.approving,
            Clause::Units(units) => units.contains(&r.unit),
            Clause::Domains(domains) => domains.contains(&r.domain),
            Clause::CategoryGroup(groups) => r.category_group.is_some_and(|g| groups.contains(&g)),
            Clause::Teams(teams) => r.team.is_some_and(|t| teams.contains(&t)),
        }
    }

    pub fn sql(&self) -> Condition {
        match self {
            Clause::Every => sql_true(),
            Clause::Own(u) => Box::new(requests::requester_id.eq(*u)),
            Clause::Watching(u) => Box::new(diesel::dsl::exists(
                request_watchers::table
                    .filter(request_watchers::request_id.eq(requests::id))
                    .filter(request_watchers::user_id.eq(*u)),
            )),
            Clause::Approving(groups) => Box::new(diesel::dsl::exists(
                request_approvals::table
                    .filter(request_approvals::request_id.eq(requests::id))
                    .filter(request_approvals::group_id.eq_any(groups.clone())),
            )),
            Clause::Units(units) => Box::new(requests::unit_id.eq_any(units.clone())),
            Clause::Domains(domains) => Box::new(requests::domain.eq_any(domains.clone())),
            Clause::CategoryGroup(groups) => Box::new(diesel::dsl::exists(
                categories::table
                    .filter(categories::id.eq(requests::category_id))
                    .filter(categories::approval_group_id.eq_any(groups.clone())),
            )),
            Clause::Teams(teams) => Box::new(
                requests::team_id
                    .is_not_null()
                    .and(requests::team_id.assume_not_null().eq_any(teams.clone())),
            ),
        }
    }
}

/// Any of the conditions (none: false).
fn any(conditions: Vec<Condition>) -> Condition {
    conditions
        .into_iter()
        .reduce(|a, b| Box::new(a.or(b)))
        .unwrap_or_else(|| Box::new(diesel::dsl::sql::<Bool>("FALSE")))
}

impl RequestScope {
    /// The rule: the ways to read a request of an ordinary category, or of a confidential one.
    /// `None` for everything (auditors).
    pub fn clauses(&self, confidential: bool) -> Option<Vec<Clause>> {
        let RequestScope::Limited {
            user,
            units,
            domains,
            groups,
            teams,
            every_open_request,
        } = self
        else {
            return None;
        };
        let mut c = Vec::new();
        if confidential {
            c.push(Clause::Own(*user));
            c.push(Clause::CategoryGroup(groups.clone()));
            c.push(Clause::Teams(teams.clone()));
        } else {
            if *every_open_request {
                c.push(Clause::Every);
            }
            c.push(Clause::Own(*user));
            c.push(Clause::Watching(*user));
            c.push(Clause::Approving(groups.clone()));
            c.push(Clause::Units(units.clone()));
            c.push(Clause::Domains(domains.clone()));
            c.push(Clause::Teams(teams.clone()));
        }
        Some(c)
    }

    pub fn allows(&self, r: &RequestFacts) -> bool {
        match self.clauses(r.confidential) {
            None => true,
            Some(clauses) => clauses.iter().any(|c| c.holds(r)),
        }
    }

    /// The same rule as `allows`, as a SQL filter on `requests`.
    pub fn filter(&self) -> Condition {
        let (Some(open), Some(secret)) = (self.clauses(false), self.clauses(true)) else {
            return sql_true();
        };
        let confidential = || {
            diesel::dsl::exists(
                categories::table
                    .filter(categories::id.eq(requests::category_id))
                    .filter(categories::confidential),
            )
        };
        let open = any(open.iter().map(Clause::sql).collect());
        let secret = any(secret.iter().map(Clause::sql).collect());
        Box::new(
            diesel::dsl::not(confidential())
                .and(open)
                .or(confidential().and(secret)),
        )
    }
}

impl CurrentUser {
    pub fn request_scope(&self) -> RequestScope {
        if self.is_auditor() {
            return RequestScope::All;
        }
        let domains = self.staff_domains();
        RequestScope::Limited {
            user: self.id,
            units: self.managed_units(),
            teams: self
                .teams
                .iter()
                .filter(|(_, d)| domains.contains(d))
                .map(|(t, _)| *t)
                .collect(),
            domains,
            groups: self.groups.clone(),
            every_open_request: self.is_admin(),
        }
    }
}

pub use crate::workflow::Standing;

pub fn standing(user: &CurrentUser, r: &RequestFacts) -> Standing {
    let can_read = user.request_scope().allows(r);
    let requester = can_read && r.requester == user.id;
    let director = can_read && user.managed_units().contains(&r.unit);
    let staff = user.works_in(r.domain);
    Standing {
        can_read,
        requester_side: requester || director,
        requester,
        director,
        staff,
        manager: staff && (user.is_admin() || user.has_role(Role::ServiceManager)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::auth::testing::person;

    fn facts(requester: i64, unit: i64, domain: Domain) -> RequestFacts {
        RequestFacts {
            requester: UserId(requester),
            unit: UnitId(unit),
            domain,
            team: None,
            confidential: false,
            category_group: None,
            watching: false,
            approving: false,
        }
    }

    #[test]
    fn a_confidential_request_is_read_by_its_requester_group_team_staff_and_auditors_only() {
        let secret = RequestFacts {
            confidential: true,
            category_group: Some(GroupId(7)),
            team: Some(TeamId(1)),
            ..facts(2, 10, Domain::Ti)
        };
        let tech_elsewhere = person(
            vec![(UnitId(1), Role::Technician)],
            vec![(TeamId(2), Domain::Ti)],
        );
        let director = person(vec![(UnitId(10), Role::UnitManager)], vec![]);
        let admin = person(vec![(UnitId(1), Role::Admin)], vec![]);
        let auditor = person(vec![(UnitId(1), Role::Auditor)], vec![]);
        let watcher = RequestFacts {
            watching: true,
            ..secret
        };
        for p in [&tech_elsewhere, &director, &admin] {
            assert!(!p.request_scope().allows(&watcher), "{:?}", p.roles);
        }
        assert!(auditor.request_scope().allows(&secret));
        let member = CurrentUser {
            groups: vec![GroupId(7)],
            ..director.clone()
        };
        assert!(member.request_scope().allows(&secret));
        let on_its_team = person(
            vec![(UnitId(1), Role::Technician)],
            vec![(TeamId(1), Domain::Ti)],
        );
        assert!(on_its_team.request_scope().allows(&secret));
        assert!(person(vec![], vec![])
            .request_scope()
            .allows(&RequestFacts {
                requester: UserId(1),
                ..secret
            }));
        // The same request, not confidential: the usual rules.
        assert!(tech_elsewhere
            .request_scope()
            .allows(&facts(2, 10, Domain::Ti)));
        assert!(admin.request_scope().allows(&facts(2, 10, Domain::Ti)));
    }

    #[test]
    fn a_requester_sees_only_their_own_requests() {
        let p = person(vec![(UnitId(10), Role::Requester)], vec![]);
        assert!(p.request_scope().allows(&facts(1, 10, Domain::Ti)));
        assert!(!p.request_scope().allows(&facts(2, 10, Domain::Ti)));
    }

    #[test]
    fn a_director_sees_their_unit_but_not_another() {
        let p = person(vec![(UnitId(10), Role::UnitManager)], vec![]);
        assert!(p.request_scope().allows(&facts(2, 10, Domain::Ti)));
        assert!(!p.request_scope().allows(&facts(2, 11, Domain::Ti)));
    }

    #[test]
    fn a_technician_sees_their_teams_domains_only() {
        let p = person(
            vec![(UnitId(1), Role::Technician)],
            vec![(TeamId(1), Domain::Ti)],
        );
        assert!(p.request_scope().allows(&facts(2, 10, Domain::Ti)));
        assert!(!p.request_scope().allows(&facts(2, 10, Domain::Transport)));
        assert!(standing(&p, &facts(2, 10, Domain::Ti)).staff);
    }

    #[test]
    fn team_membership_without_a_staff_role_grants_nothing() {
        let p = person(
            vec![(UnitId(1), Role::Requester)],
            vec![(TeamId(1), Domain::Ti)],
        );
        let on_team = RequestFacts {
            team: Some(TeamId(1)),
            ..facts(2, 10, Domain::Ti)
        };
        assert!(!p.request_scope().allows(&on_team));
        let secret = RequestFacts {
            confidential: true,
            ..on_team
        };
        assert!(!p.request_scope().allows(&secret));
    }
}
