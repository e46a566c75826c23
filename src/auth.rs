//! Authorization, in one place: who the current person is (roles per unit, teams) and what they
//! may see and do. Requests' own rule is `requests::access` (every list, read and write of
//! requests goes through its `RequestScope`); the equipment's and the pages' rules are here.

use crate::db::{GroupId, TeamId, UnitId, UserId};
use crate::i18n::Locale;
use crate::users::model::{Domain, Role, User};

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

    /// Administration pages and actions: administrators only.
    pub fn require_admin(&self) -> Result<(), crate::error::AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }

    /// The audit trail and the privacy officer's pages: auditors only.
    pub fn require_auditor(&self) -> Result<(), crate::error::AppError> {
        if self.is_auditor() {
            Ok(())
        } else {
            Err(crate::error::AppError::Forbidden)
        }
    }

    /// Whether this person has a dashboard at all.
    pub fn has_dashboard(&self) -> bool {
        self.is_admin()
            || self.is_auditor()
            || self.has_role(Role::ServiceManager)
            || !self.managed_units().is_empty()
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

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A person with these roles and teams, for the rules' unit tests.
    pub(crate) fn person(roles: Vec<(UnitId, Role)>, teams: Vec<(TeamId, Domain)>) -> CurrentUser {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    use testing::person;

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
}
