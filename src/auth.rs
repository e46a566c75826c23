//! Authorization, in one place: who the current person is (roles per unit, teams) and what they
//! may see and do. Every list, read and write of requests goes through `RequestScope`.

use crate::db::schema::{categories, request_approvals, request_watchers, requests};
use crate::db::{GroupId, TeamId, UnitId, UserId};
use crate::i18n::Locale;
use crate::users::model::{Domain, Role, User};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
    pub roles: Vec<(UnitId, Role)>,
    pub teams: Vec<(TeamId, Domain)>,
    /// Named groups (approvers such as the Direction générale).
    pub groups: Vec<GroupId>,
    pub ip: Option<String>,
}

impl CurrentUser {
    pub fn new(
        user: &User,
        roles: Vec<(UnitId, Role)>,
        teams: Vec<(TeamId, Domain)>,
        groups: Vec<GroupId>,
    ) -> CurrentUser {
        CurrentUser {
            id: user.id,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            locale: user.locale(),
            roles,
            teams,
            groups,
            ip: None,
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|(_, r)| *r == role)
    }
    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }
    pub fn is_auditor(&self) -> bool {
        self.has_role(Role::Auditor)
    }

    /// Units whose requests this person sees as their director.
    pub fn managed_units(&self) -> Vec<UnitId> {
        self.units_with(&[Role::UnitManager])
    }

    /// Units on whose behalf this person may submit requests.
    pub fn requesting_units(&self) -> Vec<UnitId> {
        self.units_with(&[Role::Requester, Role::UnitManager])
    }

    fn units_with(&self, roles: &[Role]) -> Vec<UnitId> {
        let mut v: Vec<UnitId> = self
            .roles
            .iter()
            .filter(|(_, r)| roles.contains(r))
            .map(|(u, _)| *u)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Domains this person works in: the domains of their teams (technicians and service
    /// managers), or all of them for an admin.
    pub fn staff_domains(&self) -> Vec<Domain> {
        if self.is_admin() {
            return Domain::ALL.to_vec();
        }
        if !self.has_role(Role::Technician) && !self.has_role(Role::ServiceManager) {
            return Vec::new();
        }
        let mut v: Vec<Domain> = self.teams.iter().map(|(_, d)| *d).collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn is_staff(&self) -> bool {
        !self.staff_domains().is_empty()
    }

    pub fn works_in(&self, domain: Domain) -> bool {
        self.staff_domains().contains(&domain)
    }

    pub fn origin(&self) -> crate::audit::Origin {
        crate::audit::Origin {
            actor: Some(self.id),
            ip: self.ip.clone(),
        }
    }

    pub fn request_scope(&self) -> RequestScope {
        if self.is_auditor() {
            RequestScope::All
        } else {
            RequestScope::Limited {
                user: self.id,
                units: self.managed_units(),
                domains: self.staff_domains(),
                groups: self.groups.clone(),
                teams: self.teams.iter().map(|(t, _)| *t).collect(),
                every_open_request: self.is_admin(),
            }
        }
    }
}

/// What part of the requests a person may read.
///
/// Requests of a confidential category (access to personal information, human resources) are
/// read only by their requester, the members of the category's named group, the members of the
/// team the request is assigned to (who must act on it) and auditors — not by the unit's
/// director, the domain's other technicians, people in copy or administrators.
#[derive(Debug, Clone)]
pub enum RequestScope {
    /// Auditors: everything.
    All,
    /// Their own, the requests they watch, their managed units' and their teams' domains', and
    /// those their groups are asked to approve (administrators: every request); of the
    /// confidential ones, only their own and those of their groups' categories.
    Limited {
        user: UserId,
        units: Vec<UnitId>,
        domains: Vec<Domain>,
        groups: Vec<GroupId>,
        teams: Vec<TeamId>,
        every_open_request: bool,
    },
}

/// The facts about one request that decide access.
#[derive(Debug, Clone, Copy)]
pub struct RequestFacts {
    pub requester: UserId,
    pub unit: UnitId,
    pub domain: Domain,
    pub watching: bool,
    /// One of the person's groups is (or was) asked to approve it.
    pub approving: bool,
    /// Its category is confidential.
    pub confidential: bool,
    /// The person belongs to the named group of its category.
    pub in_category_group: bool,
    /// The person belongs to the team it is assigned to.
    pub in_team: bool,
}

/// How a person relates to a request, derived once and used by the workflow rules.
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

impl RequestScope {
    pub fn allows(&self, r: &RequestFacts) -> bool {
        match self {
            RequestScope::All => true,
            RequestScope::Limited { .. } if r.confidential => {
                self.owns(r) || r.in_category_group || r.in_team
            }
            RequestScope::Limited {
                units,
                domains,
                every_open_request,
                ..
            } => {
                *every_open_request
                    || self.owns(r)
                    || r.watching
                    || r.approving
                    || units.contains(&r.unit)
                    || domains.contains(&r.domain)
            }
        }
    }

    fn owns(&self, r: &RequestFacts) -> bool {
        matches!(self, RequestScope::Limited { user, .. } if r.requester == *user)
    }

    /// The same rule as `allows`, as a SQL filter on `requests`.
    pub fn filter(&self) -> Box<dyn BoxableExpression<requests::table, Pg, SqlType = Bool>> {
        match self {
            RequestScope::All => Box::new(diesel::dsl::sql::<Bool>("TRUE")),
            RequestScope::Limited {
                user,
                units,
                domains,
                groups,
                teams,
                every_open_request,
            } => {
                let watching = diesel::dsl::exists(
                    request_watchers::table
                        .filter(request_watchers::request_id.eq(requests::id))
                        .filter(request_watchers::user_id.eq(*user)),
                );
                let approving = diesel::dsl::exists(
                    request_approvals::table
                        .filter(request_approvals::request_id.eq(requests::id))
                        .filter(request_approvals::group_id.eq_any(groups.clone())),
                );
                let confidential = diesel::dsl::exists(
                    categories::table
                        .filter(categories::id.eq(requests::category_id))
                        .filter(categories::confidential),
                );
                let of_my_groups = diesel::dsl::exists(
                    categories::table
                        .filter(categories::id.eq(requests::category_id))
                        .filter(categories::confidential)
                        .filter(categories::approval_group_id.eq_any(groups.clone())),
                );
                let open: Box<dyn BoxableExpression<requests::table, Pg, SqlType = Bool>> =
                    if *every_open_request {
                        Box::new(diesel::dsl::sql::<Bool>("TRUE"))
                    } else {
                        Box::new(
                            requests::unit_id
                                .eq_any(units.clone())
                                .or(requests::domain.eq_any(domains.clone()))
                                .or(watching)
                                .or(approving),
                        )
                    };
                Box::new(
                    requests::requester_id
                        .eq(*user)
                        .or(of_my_groups)
                        .or(requests::team_id.assume_not_null().eq_any(teams.clone()))
                        .or(open.and(diesel::dsl::not(confidential))),
                )
            }
        }
    }
}

/// What part of the inventory a person may read: everything for the support staff, admins and
/// auditors; their units' equipment for unit directors; nothing for other requesters (who only
/// pick their unit's equipment in a request form, without seeing who holds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetScope {
    All,
    Units(Vec<UnitId>),
}

impl AssetScope {
    pub fn allows(&self, unit: UnitId) -> bool {
        match self {
            AssetScope::All => true,
            AssetScope::Units(units) => units.contains(&unit),
        }
    }
    pub fn sees_any(&self) -> bool {
        !matches!(self, AssetScope::Units(u) if u.is_empty())
    }
}

impl CurrentUser {
    pub fn asset_scope(&self) -> AssetScope {
        if self.is_auditor() || self.is_staff() {
            AssetScope::All
        } else {
            AssetScope::Units(self.managed_units())
        }
    }

    /// Creates, edits, moves and assigns equipment: admins and the IT and material resources
    /// staff.
    pub fn manages_inventory(&self) -> bool {
        self.is_admin() || self.works_in(Domain::Ti) || self.works_in(Domain::Materiel)
    }

    /// The transport service: books carriers, sees the trip calendar and every trip, manages
    /// carriers and exports. Admins too.
    pub fn runs_transport(&self) -> bool {
        self.works_in(Domain::Transport)
    }
}

impl CurrentUser {
    /// The lending desk: books for anyone, hands out and takes back equipment, sees every loan.
    pub fn lends(&self) -> bool {
        self.manages_inventory()
    }

    /// Who borrowed what is seen only by the borrower, the borrowing unit's director, the
    /// lending desk and auditors.
    pub fn sees_loan(&self, borrower: UserId, unit: UnitId) -> bool {
        self.id == borrower
            || self.managed_units().contains(&unit)
            || self.lends()
            || self.is_auditor()
    }
}

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

    fn person(roles: Vec<(UnitId, Role)>, teams: Vec<(TeamId, Domain)>) -> CurrentUser {
        CurrentUser {
            id: UserId(1),
            email: "a@b.c".into(),
            display_name: "A".into(),
            locale: Locale::Fr,
            roles,
            teams,
            groups: vec![],
            ip: None,
        }
    }

    fn facts(requester: i64, unit: i64, domain: Domain) -> RequestFacts {
        RequestFacts {
            requester: UserId(requester),
            unit: UnitId(unit),
            domain,
            watching: false,
            approving: false,
            confidential: false,
            in_category_group: false,
            in_team: false,
        }
    }

    #[test]
    fn equipment_is_seen_by_staff_everywhere_and_by_directors_for_their_unit_only() {
        let tech = person(
            vec![(UnitId(1), Role::Technician)],
            vec![(TeamId(1), Domain::Transport)],
        );
        assert_eq!(tech.asset_scope(), AssetScope::All);
        assert!(!tech.manages_inventory());
        let ti = person(
            vec![(UnitId(1), Role::Technician)],
            vec![(TeamId(1), Domain::Ti)],
        );
        assert!(ti.manages_inventory());
        let director = person(vec![(UnitId(10), Role::UnitManager)], vec![]);
        assert!(director.asset_scope().allows(UnitId(10)));
        assert!(!director.asset_scope().allows(UnitId(11)));
        assert!(!director.manages_inventory());
        let requester = person(vec![(UnitId(10), Role::Requester)], vec![]);
        assert!(!requester.asset_scope().sees_any());
        let auditor = person(vec![(UnitId(1), Role::Auditor)], vec![]);
        assert_eq!(auditor.asset_scope(), AssetScope::All);
        assert!(!auditor.manages_inventory());
    }

    #[test]
    fn a_confidential_request_is_read_by_its_requester_group_and_auditors_only() {
        let secret = RequestFacts {
            confidential: true,
            ..facts(2, 10, Domain::Ti)
        };
        let tech = person(
            vec![(UnitId(1), Role::Technician)],
            vec![(TeamId(1), Domain::Ti)],
        );
        let director = person(vec![(UnitId(10), Role::UnitManager)], vec![]);
        let admin = person(vec![(UnitId(1), Role::Admin)], vec![]);
        let auditor = person(vec![(UnitId(1), Role::Auditor)], vec![]);
        for p in [&tech, &director, &admin] {
            assert!(!p.request_scope().allows(&secret), "{:?}", p.roles);
        }
        assert!(auditor.request_scope().allows(&secret));
        let member = RequestFacts {
            in_category_group: true,
            ..secret
        };
        assert!(director.request_scope().allows(&member));
        let on_its_team = RequestFacts {
            in_team: true,
            ..secret
        };
        assert!(tech.request_scope().allows(&on_its_team));
        assert!(person(vec![], vec![])
            .request_scope()
            .allows(&RequestFacts {
                requester: UserId(1),
                ..secret
            }));
        // The same request, not confidential: the usual rules.
        assert!(tech.request_scope().allows(&facts(2, 10, Domain::Ti)));
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
        assert!(!p.request_scope().allows(&facts(2, 10, Domain::Ti)));
    }
}
