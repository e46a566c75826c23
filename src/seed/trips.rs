//! The demo's carriers and trips.

use super::examples::identity_of;
use super::history::Lcg;
use super::walk::decide_all;
use crate::approvals::service::Decision;
use crate::auth::CurrentUser;
use crate::catalog::queries as catalog;
use crate::db::UserId;
use crate::error::AppError;
use crate::requests::model::{RequestNumber, Source};
use crate::requests::service::{self as requests, CategoryRef, NewRequestCmd, TransitionCmd};
use diesel::prelude::*;
use serde_json::{json, Map, Value};

/// Carriers and a month of trips for several schools: waiting for approval, carrier to
/// confirm, confirmed (one carrier overbooked, one bus too small), one cancelled.
pub(super) fn trips(
    conn: &mut PgConnection,
    requesters: &[(UserId, &str)],
    transport: &CurrentUser,
) -> Result<(), AppError> {
    use crate::transport::{queries as tq, service as ts};
    let carriers = [
        (
            "Autobus Boréal",
            "Martine Gagnon",
            "reservations@autobus-boreal.example",
            "450 555-0142",
            "fr",
            vec![("autobus", 12), ("minibus", 3)],
        ),
        (
            "Transports Rivière-du-Nord",
            "Denis Charbonneau",
            "transport@riviere-du-nord.example",
            "450 555-0177",
            "fr",
            vec![("autobus", 6), ("adapte", 2)],
        ),
        (
            "Minibus Express Laurentides",
            "Nadia Roy",
            "info@minibus-express.example",
            "819 555-0110",
            "fr",
            vec![("minibus", 5), ("taxi", 2)],
        ),
        (
            "Laurentian Coach Lines",
            "Peter Walsh",
            "dispatch@laurentian-coach.example",
            "450 555-0199",
            "en",
            vec![("autobus", 4)],
        ),
    ];
    let mut ids = Vec::new();
    for (name, contact, email, phone, locale, fleet) in carriers {
        let mut input = crate::transport::service::CarrierInput {
            name: name.into(),
            contact_name: contact.into(),
            email: email.into(),
            phone: phone.into(),
            locale: locale.into(),
            active: Some("on".into()),
            fleet: Default::default(),
        };
        for (t, n) in fleet {
            input.fleet.insert(format!("fleet_{t}"), n.to_string());
        }
        ids.push(ts::save_carrier(conn, transport, None, &input)?);
    }
    let destinations = [
        (
            "Musée de la civilisation",
            "85, rue Dalhousie, Québec",
            "tr-sortie-educative",
        ),
        (
            "Biodôme de Montréal",
            "4777, avenue Pierre-De Coubertin, Montréal",
            "tr-sortie-educative",
        ),
        (
            "Centre des sciences de Montréal",
            "2, rue de la Commune Ouest, Montréal",
            "tr-sortie-educative",
        ),
        (
            "Parc national d'Oka",
            "2020, chemin d'Oka, Oka",
            "tr-sortie-educative",
        ),
        (
            "Théâtre Gilles-Vigneault",
            "118, rue de Martigny Ouest, Saint-Jérôme",
            "tr-sortie-educative",
        ),
        (
            "Polyvalente des Monts — gymnase",
            "17, rue du Collège, Sainte-Agathe",
            "tr-activite-sportive",
        ),
        (
            "Centre aquatique régional",
            "300, boulevard des Sports, Saint-Jérôme",
            "tr-activite-sportive",
        ),
        (
            "Station de ski Mont-Blanc",
            "1006, route 117, Saint-Faustin",
            "tr-activite-sportive",
        ),
        (
            "Hôpital Sainte-Justine — clinique",
            "3175, chemin de la Côte-Sainte-Catherine, Montréal",
            "tr-adapte",
        ),
        (
            "Centre de services scolaire — salle du conseil",
            "55, rue de la Gare, Saint-Jérôme",
            "tr-autre-transport",
        ),
    ];
    // The demo's trips are entered as if asked for ahead of time.
    let notice = tq::notice_days(conn)?;
    tq::set_notice_days(conn, 0)?;
    let today = ts::today();
    let mut rng = Lcg(77);
    // Field trips are the schools' (some without a director yet: theirs wait for approval).
    let schools: Vec<(UserId, &str)> = requesters
        .iter()
        .filter(|(_, u)| u.starts_with("ecole-") || u.starts_with("es-"))
        .copied()
        .collect();
    for i in 0..32usize {
        let (requester, unit_code) = schools[(i * 7 / 3) % schools.len()];
        let who = identity_of(conn, requester)?;
        let (dest, address, code) = destinations[rng.below(destinations.len())];
        let Some(cat) = catalog::by_code(conn, code)? else {
            continue;
        };
        let mut day = today + chrono::Duration::days(1 + (i as i64 * 30) / 32);
        while !crate::transport::form::is_business_day(day) {
            day += chrono::Duration::days(1);
        }
        let adapted = code == "tr-adapte";
        let (students, adults, vehicle, vehicles) = match (adapted, i) {
            (true, _) => (1, 1, "adapte", 1),
            (_, 5) => (78, 6, "autobus", 1), // too many for one bus: a warning
            _ if code == "tr-autre-transport" => (0, 3, "taxi", 1),
            _ => {
                let s = 20 + rng.below(100) as i32;
                (s, 2 + s / 15, "autobus", 1 + s / 66)
            }
        };
        let hour = 8 + rng.below(3);
        let fields: Map<String, Value> = json!({
            "date_sortie": day.to_string(),
            "heure_depart": format!("{hour:02}:{:02}", 15 * rng.below(4)),
            "heure_retour": format!("{:02}:30", hour + 4 + rng.below(3)),
            "destination": dest, "adresse_destination": address,
            "eleves": students.to_string(), "adultes": adults.to_string(),
            "places_fauteuil": if adapted { "1" } else { "0" },
            "vehicule_adapte": if adapted { "on" } else { "" },
            "type_vehicule": vehicle, "nombre_vehicules": vehicles.to_string(),
            "code_budgetaire": format!("5-{:03}-{:03}", 100 + rng.below(800), rng.below(1000)),
            "notes_transporteur": if i % 4 == 0 { "Arrêt à l'entrée principale; les élèves attendent dans le hall." } else { "" },
        })
        .as_object()
        .cloned()
        .unwrap_or_default();
        let unit_id = crate::units::queries::by_code(conn, unit_code)?.id;
        let r = requests::create(
            conn,
            &who,
            NewRequestCmd {
                category: CategoryRef::Id(cat.id),
                title: format!("{} — {}", cat.name_fr.replace("Transport pour ", ""), dest),
                description: format!("Déplacement de groupe vers {dest}."),
                priority: None,
                unit: Some(unit_id),
                room: None,
                fields,
                source: Source::Web,
            },
        )?;
        let number = RequestNumber(r.number);
        let stage = i % 6;
        if stage == 0 || !decide_all(conn, number, r.id, Decision::Approve)? {
            continue; // waits for the director
        }
        if stage == 1 {
            continue; // carrier to confirm
        }
        // Adapted trips go to the carrier with adapted vehicles (two of them: the third trip
        // booked at the same time is flagged).
        let carrier = if adapted { ids[1] } else { ids[i % ids.len()] };
        let carrier = if vehicle == "taxi" { ids[2] } else { carrier };
        if ts::confirm(conn, transport, number, carrier, "").is_err() {
            continue;
        }
        if stage == 5 {
            requests::transition(
                conn,
                &who,
                number,
                TransitionCmd {
                    to: "cancelled".into(),
                    note: "Sortie annulée : l'activité est reportée au printemps.".into(),
                },
                10,
            )?;
        }
    }
    tq::set_notice_days(conn, notice)?;
    Ok(())
}
