//! Demonstration data: the units of a fictional school service centre, its people (one per
//! role), three support teams, 27 categories with their forms and about 200 requests in every
//! status, created through the same services as real ones (so with timelines and audit rows).

mod categories;
mod demo_units;
mod examples;
mod history;
mod inventory;
mod loans;
mod trips;
mod walk;

use crate::approvals::service::Decision;
use crate::audit::Origin;
use crate::auth::CurrentUser;
use crate::catalog::queries as catalog;
use crate::db::{RoomId, UnitId, UserId};
use crate::error::AppError;
use crate::requests::model::{RequestNumber, Source};
use crate::requests::service::{
    self as requests, AssignCmd, CategoryRef, CommentCmd, NewRequestCmd, TransitionCmd,
};
use crate::units::model::{NewBuilding, NewRoom, UnitForm, UnitKind};
use crate::units::queries as units;
use crate::users::model::{Domain, NewTeam, Role};
use crate::users::queries as users;
use crate::users::service::{self as accounts, NewAccount};
use crate::workflow::StateKind;
use demo_units::UNITS;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use examples::{examples, identity_of};
use history::{history, Lcg, TITLES};
use inventory::inventory;
use loans::loans;
use serde_json::{json, Map, Value};
use trips::trips;
use walk::{decide_all, Codes};

pub const DEMO_PASSWORD: &str = "Guichet-demo-2026";

/// (email, name, role description) printed after seeding.
const SIGN_INS: &[(&str, &str, &str)] = &[
    (
        "demandeur@guichet.example",
        "Julie Tremblay",
        "demandeuse — École primaire des Bouleaux",
    ),
    (
        "direction@guichet.example",
        "Marc Gagnon",
        "direction d'unité — École primaire des Bouleaux",
    ),
    (
        "tech.ti@guichet.example",
        "Karim Benali",
        "technicien — Soutien TI",
    ),
    (
        "tech.rm@guichet.example",
        "Isabelle Côté",
        "technicienne — Ressources matérielles",
    ),
    (
        "tech.transport@guichet.example",
        "Louis Bergeron",
        "technicien — Transport scolaire",
    ),
    (
        "gestion.ti@guichet.example",
        "Nathalie Lavoie",
        "gestionnaire de service — TI",
    ),
    ("admin@guichet.example", "Anne Bouchard", "administratrice"),
    (
        "prp@guichet.example",
        "Pierre Morin",
        "responsable PRP (auditeur)",
    ),
    (
        "direction.generale@guichet.example",
        "Hélène Lapointe",
        "Direction générale — approbations (groupe)",
    ),
];

pub fn print_sign_ins() {
    println!();
    println!("Comptes de démonstration (mot de passe : {DEMO_PASSWORD})");
    for (email, name, role) in SIGN_INS {
        println!("  {email:<34} {name:<18} {role}");
    }
    println!();
}

pub fn is_empty(conn: &mut PgConnection) -> Result<bool, AppError> {
    Ok(units::all(conn)?.is_empty())
}

/// Creates (or completes) an administrator, in the Direction générale.
pub fn create_admin(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    password_hash: &str,
) -> Result<UserId, AppError> {
    let unit = match units::all(conn)?
        .into_iter()
        .find(|u| u.kind == UnitKind::GeneralDirection)
    {
        Some(u) => u.id,
        None => {
            units::insert(
                conn,
                &UnitForm {
                    code: "dg".into(),
                    name_fr: "Direction générale".into(),
                    name_en: "Office of the Director General".into(),
                    kind: UnitKind::GeneralDirection,
                    parent_id: None,
                    active: true,
                },
            )?
            .id
        }
    };
    accounts::upsert_account(
        conn,
        &Origin::default(),
        NewAccount {
            email: email.into(),
            display_name: name.into(),
            locale: "fr".into(),
            password_hash: Some(password_hash.into()),
            roles: vec![(unit, Role::Admin)],
        },
    )
}

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Loads everything, in one transaction. Meant for an empty database (`--if-empty` checks).
pub fn demo(conn: &mut PgConnection) -> Result<(), AppError> {
    conn.transaction(|conn| {
        demo_inner(conn)?;
        history(conn)?;
        // Requesters' ratings of most resolved requests (a few low, with a comment), and the
        // resolution times the dashboards read.
        conn.batch_execute(include_str!("sql/ratings.sql"))?;
        crate::dashboard::resolve::backfill(conn, 5_000)?;
        // The demo's history is not news: nobody is mailed about it.
        conn.batch_execute("DELETE FROM outbox")?;
        Ok(())
    })
}

fn demo_inner(conn: &mut PgConnection) -> Result<(), AppError> {
    let origin = Origin::default();
    let hash = accounts::hash_password(DEMO_PASSWORD)?;
    let mut unit_ids = std::collections::HashMap::new();
    let mut rooms_by_unit: std::collections::HashMap<&str, Vec<RoomId>> =
        std::collections::HashMap::new();
    conn.transaction(|conn| -> Result<(), AppError> {
        for (code, fr, en, kind) in UNITS {
            let u = units::insert(
                conn,
                &UnitForm {
                    code: code.to_string(),
                    name_fr: fr.to_string(),
                    name_en: en.to_string(),
                    kind: *kind,
                    parent_id: None,
                    active: true,
                },
            )?;
            crate::audit::record(
                conn,
                &origin,
                "unit.create",
                "unit",
                u.id,
                json!({"code": code}),
            )?;
            unit_ids.insert(*code, u.id);
            let building = units::insert_building(
                conn,
                &NewBuilding {
                    unit_id: u.id,
                    code: "principal".into(),
                    name: "Immeuble principal".into(),
                    address: String::new(),
                },
            )?;
            let rooms = rooms_by_unit.entry(code).or_default();
            for (room, name) in [
                ("101", "Secrétariat"),
                ("104", ""),
                ("204", ""),
                ("210", "Laboratoire"),
                ("G-01", "Gymnase"),
            ] {
                rooms.push(units::insert_room(
                    conn,
                    &NewRoom {
                        building_id: building,
                        code: format!("local {room}"),
                        name: name.into(),
                    },
                )?);
            }
        }
        Ok(())
    })?;
    let unit = |code: &str| -> UnitId { unit_ids[code] };

    let person = |conn: &mut PgConnection,
                  email: &str,
                  name: &str,
                  locale: &str,
                  roles: Vec<(UnitId, Role)>| {
        accounts::upsert_account(
            conn,
            &origin,
            NewAccount {
                email: email.into(),
                display_name: name.into(),
                locale: locale.into(),
                password_hash: Some(hash.clone()),
                roles,
            },
        )
    };
    let julie = person(
        conn,
        "demandeur@guichet.example",
        "Julie Tremblay",
        "fr",
        vec![(unit("ecole-bouleaux"), Role::Requester)],
    )?;
    let marc = person(
        conn,
        "direction@guichet.example",
        "Marc Gagnon",
        "fr",
        vec![(unit("ecole-bouleaux"), Role::UnitManager)],
    )?;
    let karim = person(
        conn,
        "tech.ti@guichet.example",
        "Karim Benali",
        "fr",
        vec![
            (unit("sti"), Role::Technician),
            (unit("sti"), Role::Requester),
        ],
    )?;
    let isabelle = person(
        conn,
        "tech.rm@guichet.example",
        "Isabelle Côté",
        "fr",
        vec![
            (unit("srm"), Role::Technician),
            (unit("srm"), Role::Requester),
        ],
    )?;
    let louis = person(
        conn,
        "tech.transport@guichet.example",
        "Louis Bergeron",
        "fr",
        vec![(unit("stransport"), Role::Technician)],
    )?;
    let nathalie = person(
        conn,
        "gestion.ti@guichet.example",
        "Nathalie Lavoie",
        "fr",
        vec![(unit("sti"), Role::ServiceManager)],
    )?;
    let anne = person(
        conn,
        "admin@guichet.example",
        "Anne Bouchard",
        "fr",
        vec![(unit("dg"), Role::Admin)],
    )?;
    person(
        conn,
        "prp@guichet.example",
        "Pierre Morin",
        "fr",
        vec![(unit("dg"), Role::Auditor)],
    )?;
    let helene = person(
        conn,
        "direction.generale@guichet.example",
        "Hélène Lapointe",
        "fr",
        vec![(unit("dg"), Role::Requester)],
    )?;
    if let Some(g) = crate::users::group_queries::by_code(conn, "direction-generale")? {
        crate::users::group_queries::add_member(conn, g.id, helene)?;
    }
    let mut requesters = vec![(julie, "ecole-bouleaux"), (marc, "ecole-bouleaux")];
    let more = [
        (
            "sophie.roy@guichet.example",
            "Sophie Roy",
            "en",
            "es-plateau",
        ),
        (
            "eric.pelletier@guichet.example",
            "Éric Pelletier",
            "fr",
            "ecole-saint-laurent",
        ),
        (
            "chantal.fortin@guichet.example",
            "Chantal Fortin",
            "fr",
            "ecole-riviere",
        ),
        (
            "david.ouellet@guichet.example",
            "David Ouellet",
            "fr",
            "es-patriotes",
        ),
        (
            "melanie.gauthier@guichet.example",
            "Mélanie Gauthier",
            "fr",
            "cfp-metiers",
        ),
        (
            "francois.leblanc@guichet.example",
            "François Leblanc",
            "fr",
            "cea-horizon",
        ),
        (
            "genevieve.caron@guichet.example",
            "Geneviève Caron",
            "fr",
            "srh",
        ),
    ];
    for (email, name, locale, u) in more {
        requesters.push((
            person(conn, email, name, locale, vec![(unit(u), Role::Requester)])?,
            u,
        ));
    }
    for (email, name, u) in [
        (
            "direction.plateau@guichet.example",
            "Lucie Bélanger",
            "es-plateau",
        ),
        (
            "direction.riviere@guichet.example",
            "Alain Girard",
            "ecole-riviere",
        ),
    ] {
        person(conn, email, name, "fr", vec![(unit(u), Role::UnitManager)])?;
    }

    let team = |conn: &mut PgConnection,
                code: &str,
                fr: &str,
                en: &str,
                domain: Domain,
                lead: UserId,
                members: &[UserId]|
     -> Result<(), AppError> {
        let t = users::insert_team(
            conn,
            &NewTeam {
                code: code.into(),
                name_fr: fr.into(),
                name_en: en.into(),
                domain,
                lead_id: Some(lead),
            },
        )?;
        for m in members {
            users::add_team_member(conn, t.id, *m)?;
        }
        Ok(())
    };
    team(
        conn,
        "ti-soutien",
        "Soutien TI",
        "IT support",
        Domain::Ti,
        nathalie,
        &[karim, nathalie],
    )?;
    team(
        conn,
        "rm-batiment",
        "Ressources matérielles — bâtiments",
        "Material resources — buildings",
        Domain::Materiel,
        isabelle,
        &[isabelle],
    )?;
    team(
        conn,
        "transport",
        "Transport scolaire",
        "School transportation",
        Domain::Transport,
        louis,
        &[louis],
    )?;

    categories::insert_all(conn)?;
    let admin = identity_of(conn, anne)?;
    examples(conn, &admin)?;
    inventory(conn, &admin, &rooms_by_unit)?;
    let (borrower, director, desk) = (
        identity_of(conn, julie)?,
        identity_of(conn, marc)?,
        identity_of(conn, karim)?,
    );
    loans(conn, &borrower, &director, &desk)?;

    // Requests in every status, through the services.
    let identity = |conn: &mut PgConnection, id: UserId| -> Result<CurrentUser, AppError> {
        let u = users::find(conn, id)?;
        Ok(accounts::identity(conn, &u)?)
    };
    // Incidents have no team to work them: the register gets one declaration of its own below.
    let cats: Vec<_> = catalog::active_categories(conn)?
        .into_iter()
        .filter(|c| {
            c.code != crate::privacy::pages::INCIDENT_CATEGORY
                && c.code != crate::departures::CATEGORY
                && !c.trip
        })
        .collect();
    let staff = [
        (Domain::Ti, karim),
        (Domain::Materiel, isabelle),
        (Domain::Transport, louis),
    ];
    let mut rng = Lcg(2026);
    for i in 0..200 {
        let (requester, unit_code) = requesters[rng.below(requesters.len())];
        let cat = &cats[rng.below(cats.len())];
        let who = identity(conn, requester)?;
        let mut values = Map::new();
        for fd in cat.form_def().fields {
            let v = match fd.kind {
                crate::catalog::form::FieldKind::Room => {
                    json!(rooms_by_unit[unit_code][rng.below(5)].0)
                }
                crate::catalog::form::FieldKind::Number if fd.key.starts_with("cout") => {
                    json!(100 + 50 * rng.below(20))
                }
                crate::catalog::form::FieldKind::Number => {
                    let lo = fd.min.unwrap_or(0.0).max(1.0);
                    json!((lo + rng.below(20) as f64).min(fd.max.unwrap_or(f64::MAX)))
                }
                crate::catalog::form::FieldKind::Date => json!(format!(
                    "2026-{:02}-{:02}",
                    1 + rng.below(12),
                    1 + rng.below(28)
                )),
                crate::catalog::form::FieldKind::Datetime => json!(format!(
                    "2026-{:02}-{:02}T{:02}:30",
                    1 + rng.below(12),
                    1 + rng.below(28),
                    8 + rng.below(8)
                )),
                crate::catalog::form::FieldKind::Select => {
                    json!(fd.options[rng.below(fd.options.len())].value)
                }
                crate::catalog::form::FieldKind::Checkbox => json!(rng.below(2) == 0),
                crate::catalog::form::FieldKind::Asset => {
                    let choices = crate::inventory::queries::choices(conn, &[unit(unit_code)])?;
                    if choices.is_empty() || rng.below(3) == 0 {
                        continue;
                    }
                    json!(choices[rng.below(choices.len())].asset.tag)
                }
                _ => json!(format!("Valeur {}", 1 + rng.below(99))),
            };
            values.insert(fd.key.clone(), v);
        }
        let r = requests::create(
            conn,
            &who,
            NewRequestCmd {
                category: CategoryRef::Id(cat.id),
                title: format!("{} — {}", cat.name_fr, TITLES[i % TITLES.len()]),
                description: format!(
                    "Bonjour, nous avons besoin d'aide : {}. Merci de votre soutien.",
                    cat.description_fr.trim_end_matches('.').to_lowercase()
                ),
                priority: None,
                unit: Some(unit(unit_code)),
                room: None,
                fields: values,
                source: if i % 7 == 0 { Source::Api } else { Source::Web },
            },
        )?;
        let number = RequestNumber(r.number);
        let stage = i % 8;
        let wf = crate::workflow::queries::load(conn, r.workflow_id)?;
        if r.status_kind == StateKind::Approval {
            if stage <= 2 {
                continue; // waits in « À approuver »
            }
            let decision = if stage == 7 {
                Decision::Refuse
            } else {
                Decision::Approve
            };
            if !decide_all(conn, number, r.id, decision)? {
                continue; // nobody to decide: stays waiting
            }
            if decision == Decision::Refuse {
                continue;
            }
        }
        let tech = identity(
            conn,
            staff
                .iter()
                .find(|(d, _)| *d == cat.domain)
                .map(|s| s.1)
                .unwrap_or(karim),
        )?;
        if stage == 0 {
            continue; // stays new
        }
        requests::assign(
            conn,
            &tech,
            number,
            AssignCmd {
                team: None,
                assignee: Some(Some(tech.id)),
            },
        )?;
        let codes = Codes::of(&wf);
        let step = |conn: &mut PgConnection, who: &CurrentUser, to: &str, note: &str| {
            requests::transition(
                conn,
                who,
                number,
                TransitionCmd {
                    to: to.into(),
                    note: note.into(),
                },
                10,
            )
        };
        let work_note = "Pris en charge; transporteur Autobus du Fleuve confirmé.";
        match stage {
            1 | 2 => step(conn, &tech, &codes.work, work_note)?,
            3 if codes.wait.is_some() => step(
                conn,
                &tech,
                codes.wait.as_deref().unwrap_or_default(),
                "Pouvez-vous préciser le local et l'heure où vous êtes disponible ?",
            )?,
            3 | 4 => {
                step(conn, &tech, &codes.work, work_note)?;
                requests::comment(
                    conn,
                    &tech,
                    number,
                    CommentCmd {
                        body: "Pièce commandée, installation prévue jeudi.".into(),
                        internal: false,
                    },
                )?;
                requests::comment(
                    conn,
                    &tech,
                    number,
                    CommentCmd {
                        body: "Fournisseur habituel, bon de commande 4512.".into(),
                        internal: true,
                    },
                )?;
            }
            5 => {
                step(conn, &tech, &codes.work, work_note)?;
                step(
                    conn,
                    &tech,
                    &codes.resolved,
                    "Problème réglé sur place. Merci de confirmer.",
                )?;
            }
            6 => {
                step(conn, &tech, &codes.work, work_note)?;
                step(conn, &tech, &codes.resolved, "Réparation effectuée.")?;
                step(conn, &who, &codes.closed, "")?;
            }
            _ => step(
                conn,
                &who,
                &codes.cancelled,
                "Finalement réglé par l'équipe-école.",
            )?,
        }
    }
    let transport = identity(conn, louis)?;
    trips(conn, &requesters, &transport)?;
    // A retirement declared by the school's director: its tasks follow the decision matrix.
    if let Some(cat) = catalog::by_code(conn, crate::departures::CATEGORY)? {
        let who = identity(conn, marc)?;
        let effective = (chrono::Utc::now() + chrono::Duration::days(14)).date_naive();
        let fields: Map<String, Value> = json!({
            "employe": "sophie.lavoie@ecole-bouleaux.example", "nom_employe": "Sophie Lavoie",
            "situation": "retirement", "date_effective": effective.to_string(),
        })
        .as_object()
        .cloned()
        .unwrap_or_default();
        requests::create(
            conn,
            &who,
            NewRequestCmd {
                category: CategoryRef::Id(cat.id),
                title: "Retraite de Sophie Lavoie, enseignante".into(),
                description: "Dernière journée de travail avant la retraite.".into(),
                priority: None,
                unit: Some(unit("ecole-bouleaux")),
                room: None,
                fields,
                source: Source::Web,
            },
        )?;
    }
    let incident = catalog::by_code(conn, crate::privacy::pages::INCIDENT_CATEGORY)?;
    if let Some(cat) = incident {
        let who = identity(conn, julie)?;
        let fields: Map<String, Value> = json!({
            "date_incident": "2026-10-14", "date_connaissance": "2026-10-15", "nature": "communication",
            "personnes": "Les parents d'un groupe de 3e année (22 familles)",
            "renseignements": "Adresses courriel des parents, visibles de tous dans un envoi groupé",
            "risque": "faible",
            "evaluation": "Adresses seulement, sans autre renseignement; les destinataires sont les parents du même groupe.",
            "mesures": "Courriel de rappel à l'équipe-école : envoyer en copie conforme invisible.",
            "avis_cai": "non-requis", "avis_personnes": "fait", "date_avis_personnes": "2026-10-16",
        })
        .as_object()
        .cloned()
        .unwrap_or_default();
        requests::create(
            conn,
            &who,
            NewRequestCmd {
                category: CategoryRef::Id(cat.id),
                title: "Adresses de parents visibles dans un envoi groupé".into(),
                description: "Un courriel aux parents est parti avec toutes les adresses en copie."
                    .into(),
                priority: None,
                unit: Some(unit("ecole-bouleaux")),
                room: None,
                fields,
                source: Source::Web,
            },
        )?;
    }
    Ok(())
}
