//! The request-access rule has two translations, Rust (`allows`, behind every read and write)
//! and SQL (`filter`, behind every list, search, dashboard drill-down and export). Over generated
//! people (any mix of roles, units, teams with or without a staff role, groups) and requests (any
//! unit, category — confidential or not — team, people in copy, approvals), against the real
//! database: a request is listed exactly when it can be opened.

use crate::support::*;
use guichet::audit::Origin;
use guichet::auth::CurrentUser;
use guichet::db::{TeamId, UnitId};
use guichet::requests::model::{RequestNumber, Source};
use guichet::requests::queries::{self as requests, ListQuery};
use guichet::requests::reading;
use guichet::requests::service::{self as domain, CategoryRef, NewRequestCmd};
use guichet::users::model::Role;
use guichet::users::queries as users;
use guichet::users::service::{self as accounts, NewAccount};
use guichet::workflow::StateKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;

const ROLES: [Role; 6] = [
    Role::Requester,
    Role::UnitManager,
    Role::Technician,
    Role::ServiceManager,
    Role::Admin,
    Role::Auditor,
];

fn ids(conn: &mut diesel::PgConnection, sql: &str) -> Vec<i64> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query(sql)
        .load::<Id>(conn)
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect()
}

fn person(conn: &mut diesel::PgConnection, email: &str) -> CurrentUser {
    let u = users::by_email(conn, email).unwrap().unwrap();
    accounts::identity(conn, &u).unwrap()
}

/// Some people: roles (weighted towards requesters), teams (often without a staff role) and
/// the approvers' group.
fn generate_people(
    conn: &mut diesel::PgConnection,
    rng: &mut StdRng,
    seed: u64,
    units: &[i64],
    teams: &[i64],
    groups: &[i64],
) -> Vec<String> {
    let mut emails = Vec::new();
    for i in 0..14 {
        let email = format!("p{seed}-{i}@generated.test");
        let mut roles = Vec::new();
        for _ in 0..rng.gen_range(0..=2) {
            let role = if rng.gen_bool(0.4) {
                Role::Requester
            } else {
                ROLES[rng.gen_range(0..ROLES.len())]
            };
            if role == Role::Auditor && !rng.gen_bool(0.3) {
                continue;
            }
            roles.push((UnitId(units[rng.gen_range(0..units.len())]), role));
        }
        roles.sort_by_key(|(u, r)| (u.0, format!("{r:?}")));
        roles.dedup();
        let id = accounts::upsert_account(
            conn,
            &Origin::default(),
            NewAccount {
                email: email.clone(),
                display_name: format!("Personne {i}"),
                locale: "fr".into(),
                password_hash: None,
                roles,
            },
        )
        .unwrap();
        for t in teams {
            if rng.gen_bool(0.3) {
                users::add_team_member(conn, TeamId(*t), id).unwrap();
            }
        }
        for g in groups {
            if rng.gen_bool(0.2) {
                guichet::users::group_queries::add_member(conn, guichet::db::GroupId(*g), id)
                    .unwrap();
            }
        }
        emails.push(email);
    }
    emails
}

/// Some requests by anyone who may submit, in any category; then any team, people in copy.
fn generate_requests(
    conn: &mut diesel::PgConnection,
    rng: &mut StdRng,
    people: &[String],
    teams: &[i64],
) {
    use diesel::prelude::*;
    let categories = [
        ("ti-projecteur", serde_json::json!({})),
        ("rm-mobilier", serde_json::json!({})),
        ("ti-acces-rp", serde_json::json!({"dossier": "Élève 123"})),
        (
            "rm-achat",
            serde_json::json!({"article": "Chaises", "cout": 900}),
        ),
    ];
    let mut made = 0;
    let mut tries = 0;
    while made < 30 && tries < 300 {
        tries += 1;
        let who = person(conn, &people[rng.gen_range(0..people.len())]);
        if who.requesting_units().is_empty() {
            continue;
        }
        let (code, fields) = &categories[rng.gen_range(0..categories.len())];
        let unit = who.requesting_units()[rng.gen_range(0..who.requesting_units().len())];
        let r = domain::create(
            conn,
            &who,
            NewRequestCmd {
                category: CategoryRef::Code(code.to_string()),
                title: format!("Projet généré {made}"),
                description: String::new(),
                priority: None,
                unit: Some(unit),
                room: None,
                fields: fields.as_object().unwrap().clone(),
                source: Source::Api,
            },
        );
        let Ok(r) = r else { continue };
        made += 1;
        use guichet::db::schema::requests as q;
        let team = match rng.gen_range(0..3) {
            0 => None,
            _ => Some(teams[rng.gen_range(0..teams.len())]),
        };
        diesel::update(q::table.find(r.id.0))
            .set(q::team_id.eq(team))
            .execute(conn)
            .unwrap();
        for p in people {
            if rng.gen_bool(0.08) {
                let u = users::by_email(conn, p).unwrap().unwrap();
                requests::add_watcher(conn, r.id, u.id).unwrap();
            }
        }
    }
    assert!(made >= 20, "only {made} requests generated");
}

fn listed(conn: &mut diesel::PgConnection, me: &CurrentUser, q: ListQuery) -> BTreeSet<i64> {
    let (rows, next) =
        requests::list(conn, &me.request_scope(), &ListQuery { limit: 5000, ..q }).unwrap();
    assert!(next.is_none());
    rows.into_iter().map(|r| r.number).collect()
}

#[actix_rt::test]
async fn a_request_is_listed_exactly_when_it_can_be_opened() {
    let app = TestApp::new().await;
    let conn = &mut app.conn();
    let units = ids(conn, "SELECT id FROM units ORDER BY id");
    let teams = ids(conn, "SELECT id FROM teams ORDER BY id");
    let groups = ids(conn, "SELECT id FROM user_groups ORDER BY id");
    let world = [
        REQUESTER_A,
        REQUESTER_B,
        MANAGER_A,
        TECH_TI,
        TECH_RM,
        ADMIN,
        AUDITOR,
        DG_MEMBER,
        TECH_TR,
    ];
    let mut checked = 0;
    for seed in 0..4u64 {
        let mut rng = StdRng::seed_from_u64(2026 + seed);
        let mut people = generate_people(conn, &mut rng, seed, &units, &teams, &groups);
        people.extend(world.iter().map(|e| e.to_string()));
        generate_requests(conn, &mut rng, &people, &teams);
        let all = ids(conn, "SELECT number AS id FROM requests ORDER BY number");
        for email in &people {
            let me = person(conn, email);
            let readable: BTreeSet<i64> = all
                .iter()
                .copied()
                .filter(|n| reading::load(conn, &me, RequestNumber(*n), false).is_ok())
                .collect();
            let views = [
                ("list", ListQuery::default()),
                (
                    "search",
                    ListQuery {
                        text: Some("projet".into()),
                        ..ListQuery::default()
                    },
                ),
                (
                    "drill-down (new)",
                    ListQuery {
                        kind: Some(StateKind::New),
                        ..ListQuery::default()
                    },
                ),
            ];
            for (view, q) in views {
                let expected: BTreeSet<i64> = match view {
                    "search" => {
                        let titled: BTreeSet<i64> = ids(
                            conn,
                            "SELECT number AS id FROM requests WHERE title LIKE 'Projet%'",
                        )
                        .into_iter()
                        .collect();
                        readable.intersection(&titled).copied().collect()
                    }
                    "drill-down (new)" => {
                        let new: BTreeSet<i64> = ids(
                            conn,
                            "SELECT number AS id FROM requests WHERE status_kind = 'new'",
                        )
                        .into_iter()
                        .collect();
                        readable.intersection(&new).copied().collect()
                    }
                    _ => readable.clone(),
                };
                let got = listed(conn, &me, q);
                assert_eq!(
                    got,
                    expected,
                    "{view} of {email} (roles {:?}, teams {:?}, groups {:?}): listed but not \
                     readable {:?}, readable but not listed {:?}",
                    me.roles,
                    me.teams,
                    me.groups,
                    got.difference(&expected).collect::<Vec<_>>(),
                    expected.difference(&got).collect::<Vec<_>>()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 4 * 3 * 20, "{checked} views checked");
}
