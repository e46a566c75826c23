//! The decision matrix and what it plans (pure): the situations, a cell's delay, the tasks of a
//! departure and the change to the person's Guichet account.

use crate::db::schema::departure_rules;
use chrono::{Months, NaiveDate};
use diesel::prelude::*;
use serde::Serialize;

/// The departure request's category, and its tasks' (not offered in the catalog).
pub const CATEGORY: &str = "rh-depart";
pub const TASK_CATEGORY: &str = "rh-depart-tache";

/// The situations, in the matrix's column order: (code, French, English).
pub const SITUATIONS: &[(&str, &str, &str)] = &[
    ("mutation", "Mutation", "Move to another unit"),
    ("extended_leave", "Congé prolongé", "Extended leave"),
    ("resignation", "Démission", "Resignation"),
    ("retirement", "Retraite", "Retirement"),
    (
        "suspension_over_30_days",
        "Suspension de plus de 30 jours",
        "Suspension of more than 30 days",
    ),
    ("dismissal", "Congédiement", "Dismissal"),
];

/// When an access goes, from the effective date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Access kept (or, for a deletion, never done).
    Never,
    Now,
    Days(u32),
    Months(u32),
}

/// One cell of the matrix: the delay, and the applications and folders withdrawn immediately
/// whatever the delay (« after_30d; now for RH RF TI »).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub delay: Delay,
    pub now_for: Vec<String>,
}

impl Cell {
    pub fn parse(raw: &str) -> Option<Cell> {
        let (head, rest) = match raw.split_once(';') {
            Some((h, r)) => (h.trim(), Some(r.trim())),
            None => (raw.trim(), None),
        };
        let delay = match head {
            "keep" | "none" => Delay::Never,
            "now" => Delay::Now,
            "after_30d" => Delay::Days(30),
            "after_13m" => Delay::Months(13),
            "after_36m" => Delay::Months(36),
            _ => return None,
        };
        let now_for = match rest {
            None => Vec::new(),
            Some(r) => {
                let list = r.strip_prefix("now for ")?;
                let names: Vec<String> = list.split_whitespace().map(str::to_string).collect();
                if names.is_empty()
                    || !names
                        .iter()
                        .all(|n| n.chars().all(|c| c.is_ascii_uppercase()))
                {
                    return None;
                }
                names
            }
        };
        Some(Cell { delay, now_for })
    }

    /// The day the access goes, or None when it is kept.
    pub fn due(&self, effective: NaiveDate) -> Option<NaiveDate> {
        match self.delay {
            Delay::Never => None,
            Delay::Now => Some(effective),
            Delay::Days(d) => effective.checked_add_days(chrono::Days::new(u64::from(d))),
            Delay::Months(m) => effective.checked_add_months(Months::new(m)),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = departure_rules)]
pub struct Rule {
    pub id: i64,
    pub resource: String,
    pub phase: String,
    pub label_fr: String,
    pub label_en: String,
    pub position: i32,
    pub mutation: String,
    pub extended_leave: String,
    pub resignation: String,
    pub retirement: String,
    pub suspension_over_30_days: String,
    pub dismissal: String,
}

impl Rule {
    pub fn cell(&self, situation: &str) -> Option<&str> {
        Some(match situation {
            "mutation" => &self.mutation,
            "extended_leave" => &self.extended_leave,
            "resignation" => &self.resignation,
            "retirement" => &self.retirement,
            "suspension_over_30_days" => &self.suspension_over_30_days,
            "dismissal" => &self.dismissal,
            _ => return None,
        })
    }
}

/// A task the matrix asks for: what, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub resource: String,
    pub label_fr: String,
    pub delete: bool,
    /// The applications and folders concerned when only some go now (« RH RF TI »).
    pub only: Vec<String>,
    pub due_on: NaiveDate,
}

/// The tasks of a situation from its effective date (pure).
pub fn plan(rules: &[Rule], situation: &str, effective: NaiveDate) -> Vec<Task> {
    let mut tasks = Vec::new();
    for r in rules {
        let Some(cell) = r.cell(situation).and_then(Cell::parse) else {
            continue;
        };
        let task = |due_on, only: Vec<String>| Task {
            resource: r.resource.clone(),
            label_fr: r.label_fr.clone(),
            delete: r.phase == "delete",
            only,
            due_on,
        };
        if !cell.now_for.is_empty() && cell.delay != Delay::Now {
            tasks.push(task(effective, cell.now_for.clone()));
        }
        if let Some(due) = cell.due(effective) {
            tasks.push(task(due, Vec::new()));
        }
    }
    tasks.sort_by_key(|t| t.due_on);
    tasks
}

/// What the departure does to the person's Guichet account: Guichet is one of the board's
/// applications, so it follows the « shared folders and corporate applications » row (its
/// immediate exceptions name other applications). On a move, the person keeps their account
/// and loses their roles (the new unit gives new ones).
pub fn account_plan(
    rules: &[Rule],
    situation: &str,
    effective: NaiveDate,
) -> Option<(&'static str, NaiveDate)> {
    let rule = rules
        .iter()
        .find(|r| r.resource == "shared_folders_and_corporate_apps_access")?;
    let due = Cell::parse(rule.cell(situation)?)?.due(effective)?;
    Some((
        if situation == "mutation" {
            "remove_roles"
        } else {
            "deactivate"
        },
        due,
    ))
}

/// A departure's task: number, title, due date, status kind.
pub type TaskRow = (i64, String, Option<NaiveDate>, String);

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(resource: &str, phase: &str, cells: [&str; 6]) -> Rule {
        Rule {
            id: 1,
            resource: resource.into(),
            phase: phase.into(),
            label_fr: resource.into(),
            label_en: resource.into(),
            position: 0,
            mutation: cells[0].into(),
            extended_leave: cells[1].into(),
            resignation: cells[2].into(),
            retirement: cells[3].into(),
            suspension_over_30_days: cells[4].into(),
            dismissal: cells[5].into(),
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cells_read_as_in_the_practice() {
        assert_eq!(Cell::parse("keep").unwrap().delay, Delay::Never);
        assert_eq!(Cell::parse("after_13m").unwrap().delay, Delay::Months(13));
        let c = Cell::parse("after_30d; now for RH RF TI").unwrap();
        assert_eq!((c.delay, c.now_for.len()), (Delay::Days(30), 3));
        for bad in ["later", "after_30d; soon", "now for rh", ""] {
            assert!(Cell::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_resignation_plans_each_access_on_its_day() {
        let rules = vec![
            rule(
                "mailbox_access",
                "withdraw",
                ["keep", "keep", "after_30d", "after_13m", "now", "now"],
            ),
            rule(
                "shared_folders_and_corporate_apps_access",
                "withdraw",
                [
                    "after_30d; now for RH RF TI",
                    "after_30d; now for RH RF TI",
                    "after_30d; now for RH RF TI",
                    "after_30d; now for RH RF TI",
                    "now",
                    "now",
                ],
            ),
            rule(
                "mailbox",
                "delete",
                [
                    "none",
                    "none",
                    "after_13m",
                    "after_13m",
                    "none",
                    "after_36m",
                ],
            ),
        ];
        let tasks = plan(&rules, "resignation", d("2027-01-31"));
        let got: Vec<(&str, bool, usize, String)> = tasks
            .iter()
            .map(|t| {
                (
                    t.resource.as_str(),
                    t.delete,
                    t.only.len(),
                    t.due_on.to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "shared_folders_and_corporate_apps_access",
                    false,
                    3,
                    "2027-01-31".into()
                ),
                ("mailbox_access", false, 0, "2027-03-02".into()),
                (
                    "shared_folders_and_corporate_apps_access",
                    false,
                    0,
                    "2027-03-02".into()
                ),
                ("mailbox", true, 0, "2028-02-29".into()),
            ]
        );
        // A move keeps the mailbox; a dismissal deletes it after 36 months.
        assert!(plan(&rules, "mutation", d("2027-01-31"))
            .iter()
            .all(|t| t.resource != "mailbox"));
        assert!(plan(&rules, "dismissal", d("2027-01-31"))
            .iter()
            .any(|t| t.resource == "mailbox" && t.due_on == d("2030-01-31")));
        assert_eq!(
            account_plan(&rules, "resignation", d("2027-01-31")),
            Some(("deactivate", d("2027-03-02")))
        );
        assert_eq!(
            account_plan(&rules, "mutation", d("2027-01-31")),
            Some(("remove_roles", d("2027-03-02")))
        );
        assert_eq!(
            account_plan(&rules, "dismissal", d("2027-01-31")),
            Some(("deactivate", d("2027-01-31")))
        );
    }
}
