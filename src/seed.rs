//! Demonstration data: the units of a fictional school service centre, its people (one per
//! role), three support teams, 27 categories with their forms and about 200 requests in every
//! status, created through the same services as real ones (so with timelines and audit rows).

use crate::approvals::service::{self as approvals, Decision};
use crate::approvals::ApprovalMode;
use crate::audit::Origin;
use crate::auth::CurrentUser;
use crate::catalog::model::CategoryForm;
use crate::catalog::queries as catalog;
use crate::db::{RoomId, UnitId, UserId};
use crate::error::AppError;
use crate::requests::model::{Priority, RequestNumber, Source};
use crate::requests::service::{
    self as requests, AssignCmd, CategoryRef, CommentCmd, NewRequestCmd, TransitionCmd,
};
use crate::units::model::{NewBuilding, NewRoom, UnitForm, UnitKind};
use crate::units::queries as units;
use crate::users::model::{Domain, NewTeam, Role};
use crate::users::queries as users;
use crate::users::service::{self as accounts, NewAccount};
use crate::workflow::{StateKind, Workflow};
use diesel::prelude::*;
use serde_json::{json, Map, Value};

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

const UNITS: &[(&str, &str, &str, UnitKind)] = &[
    (
        "dg",
        "Direction générale",
        "Office of the Director General",
        UnitKind::GeneralDirection,
    ),
    (
        "sti",
        "Service des technologies de l'information",
        "Information Technology Department",
        UnitKind::Service,
    ),
    (
        "srm",
        "Service des ressources matérielles",
        "Material Resources Department",
        UnitKind::Service,
    ),
    (
        "stransport",
        "Service du transport scolaire",
        "School Transportation Department",
        UnitKind::Service,
    ),
    (
        "srh",
        "Service des ressources humaines",
        "Human Resources Department",
        UnitKind::Service,
    ),
    (
        "ecole-bouleaux",
        "École primaire des Bouleaux",
        "Des Bouleaux Elementary School",
        UnitKind::School,
    ),
    (
        "ecole-saint-laurent",
        "École primaire Saint-Laurent",
        "Saint-Laurent Elementary School",
        UnitKind::School,
    ),
    (
        "ecole-riviere",
        "École primaire de la Rivière",
        "De la Rivière Elementary School",
        UnitKind::School,
    ),
    (
        "es-plateau",
        "École secondaire du Plateau",
        "Du Plateau High School",
        UnitKind::School,
    ),
    (
        "es-patriotes",
        "École secondaire des Patriotes",
        "Des Patriotes High School",
        UnitKind::School,
    ),
    (
        "cfp-metiers",
        "Centre de formation professionnelle des Métiers",
        "Des Métiers Vocational Training Centre",
        UnitKind::VocationalCentre,
    ),
    (
        "cea-horizon",
        "Centre d'éducation des adultes L'Horizon",
        "L'Horizon Adult Education Centre",
        UnitKind::AdultCentre,
    ),
];

fn f(key: &str, fr: &str, en: &str, kind: &str, required: bool) -> Value {
    json!({"key": key, "label_fr": fr, "label_en": en, "type": kind, "required": required})
}

fn select(key: &str, fr: &str, en: &str, required: bool, options: &[(&str, &str, &str)]) -> Value {
    let mut v = f(key, fr, en, "select", required);
    v["options"] = json!(options
        .iter()
        .map(|(value, fr, en)| json!({"value": value, "label_fr": fr, "label_en": en}))
        .collect::<Vec<_>>());
    v
}

fn number(key: &str, fr: &str, en: &str, required: bool, min: f64, max: f64) -> Value {
    let mut v = f(key, fr, en, "number", required);
    v["min"] = json!(min);
    v["max"] = json!(max);
    v
}

/// (code, domain, team, priority, name_fr, name_en, description_fr, description_en, fields)
type DemoCategory = (
    &'static str,
    Domain,
    &'static str,
    Priority,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Vec<Value>,
);

fn categories() -> Vec<DemoCategory> {
    use Domain::*;
    use Priority::*;
    let room = || f("local", "Local", "Room", "room", true);
    let budget = || {
        f(
            "code_budgetaire",
            "Code budgétaire",
            "Budget code",
            "text",
            false,
        )
    };
    // Trip categories ask the trip fields of the transport module (they are flagged `trip`).
    let trip = || -> Vec<Value> {
        crate::transport::form::form()["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    vec![
        (
            "ti-poste",
            Ti,
            "ti-soutien",
            Normal,
            "Poste de travail défectueux",
            "Faulty workstation",
            "Ordinateur qui ne démarre pas, lent ou bruyant.",
            "Computer that does not start, is slow or noisy.",
            vec![
                f(
                    "numero_inventaire",
                    "Numéro d'inventaire",
                    "Asset tag",
                    "asset",
                    false,
                ),
                select(
                    "symptome",
                    "Symptôme",
                    "Symptom",
                    true,
                    &[
                        ("demarrage", "Ne démarre pas", "Does not start"),
                        ("lenteur", "Lenteur", "Slowness"),
                        ("ecran", "Problème d'écran", "Screen problem"),
                        ("autre", "Autre", "Other"),
                    ],
                ),
            ],
        ),
        (
            "ti-projecteur-tni",
            Ti,
            "ti-soutien",
            High,
            "Projecteur ou TNI défectueux",
            "Faulty projector or interactive whiteboard",
            "Projecteur, tableau numérique interactif (TNI) ou écran de classe.",
            "Projector, interactive whiteboard or classroom display.",
            vec![
                room(),
                f(
                    "equipement",
                    "Numéro d'inventaire",
                    "Inventory number",
                    "asset",
                    false,
                ),
                select(
                    "appareil",
                    "Appareil",
                    "Device",
                    true,
                    &[
                        ("projecteur", "Projecteur", "Projector"),
                        ("tni", "TNI", "Interactive whiteboard"),
                        ("ecran", "Écran interactif", "Interactive display"),
                    ],
                ),
                f(
                    "classe_sans_appareil",
                    "Une classe est privée d'enseignement",
                    "A class cannot be taught",
                    "checkbox",
                    false,
                ),
            ],
        ),
        (
            "ti-compte",
            Ti,
            "ti-soutien",
            Normal,
            "Création ou modification de compte",
            "Account creation or change",
            "Nouvel employé, changement d'affectation ou départ.",
            "New employee, change of assignment or departure.",
            vec![
                f(
                    "personne",
                    "Nom de la personne",
                    "Person's name",
                    "text",
                    true,
                ),
                f(
                    "date_effective",
                    "Date d'entrée en vigueur",
                    "Effective date",
                    "date",
                    true,
                ),
                select(
                    "type_demande",
                    "Type",
                    "Type",
                    true,
                    &[
                        ("creation", "Création", "Creation"),
                        ("modification", "Modification", "Change"),
                        ("fermeture", "Fermeture", "Closure"),
                    ],
                ),
            ],
        ),
        (
            "ti-mot-de-passe",
            Ti,
            "ti-soutien",
            High,
            "Réinitialisation de mot de passe",
            "Password reset",
            "Compte verrouillé ou mot de passe oublié.",
            "Locked account or forgotten password.",
            vec![],
        ),
        (
            "ti-logiciel",
            Ti,
            "ti-soutien",
            Low,
            "Installation d'un logiciel",
            "Software installation",
            "Logiciel pédagogique ou administratif à installer.",
            "Educational or administrative software to install.",
            vec![
                f("logiciel", "Logiciel", "Software", "text", true),
                number(
                    "postes",
                    "Nombre de postes",
                    "Number of computers",
                    true,
                    1.0,
                    500.0,
                ),
                f(
                    "licence",
                    "La licence est acquise",
                    "The licence is purchased",
                    "checkbox",
                    false,
                ),
            ],
        ),
        (
            "ti-imprimante",
            Ti,
            "ti-soutien",
            Normal,
            "Imprimante ou photocopieur",
            "Printer or copier",
            "Bourrage, qualité d'impression, installation.",
            "Jam, print quality, installation.",
            vec![room()],
        ),
        (
            "ti-reseau",
            Ti,
            "ti-soutien",
            High,
            "Réseau ou Wi-Fi",
            "Network or Wi-Fi",
            "Pas d'accès à Internet, Wi-Fi instable.",
            "No Internet access, unstable Wi-Fi.",
            vec![room()],
        ),
        (
            "ti-chromebooks",
            Ti,
            "ti-soutien",
            Normal,
            "Chromebooks pour une épreuve ministérielle",
            "Chromebooks for a ministry exam",
            "Préparation de Chromebooks pour une épreuve.",
            "Preparing Chromebooks for an exam.",
            vec![
                number("quantite", "Quantité", "Quantity", true, 1.0, 60.0),
                f(
                    "date_epreuve",
                    "Date de l'épreuve",
                    "Exam date",
                    "date",
                    true,
                ),
            ],
        ),
        (
            "ti-telephonie",
            Ti,
            "ti-soutien",
            Normal,
            "Téléphonie",
            "Telephony",
            "Poste téléphonique, boîte vocale.",
            "Desk phone, voicemail.",
            vec![f("poste", "Numéro de poste", "Extension", "text", false)],
        ),
        (
            "rm-mobilier",
            Materiel,
            "rm-batiment",
            Low,
            "Demande d'achat de mobilier",
            "Furniture purchase request",
            "Pupitres, chaises, classeurs.",
            "Desks, chairs, filing cabinets.",
            vec![
                f("article", "Article", "Item", "text", true),
                number("quantite", "Quantité", "Quantity", true, 1.0, 1000.0),
                number(
                    "cout_estime",
                    "Coût estimé ($)",
                    "Estimated cost ($)",
                    false,
                    0.0,
                    1_000_000.0,
                ),
                budget(),
            ],
        ),
        (
            "rm-entretien",
            Materiel,
            "rm-batiment",
            Normal,
            "Entretien ménager",
            "Cleaning",
            "Salubrité, déversement.",
            "Cleanliness, spill.",
            vec![room()],
        ),
        (
            "rm-plomberie",
            Materiel,
            "rm-batiment",
            High,
            "Plomberie",
            "Plumbing",
            "Fuite, toilette bouchée, abreuvoir.",
            "Leak, clogged toilet, water fountain.",
            vec![room()],
        ),
        (
            "rm-cvac",
            Materiel,
            "rm-batiment",
            High,
            "Chauffage, ventilation et climatisation",
            "Heating, ventilation and air conditioning",
            "Local trop chaud ou trop froid, bruit de ventilation.",
            "Room too hot or too cold, ventilation noise.",
            vec![
                room(),
                number(
                    "temperature",
                    "Température mesurée (°C)",
                    "Measured temperature (°C)",
                    false,
                    -10.0,
                    50.0,
                ),
            ],
        ),
        (
            "rm-electricite",
            Materiel,
            "rm-batiment",
            Normal,
            "Électricité et éclairage",
            "Electricity and lighting",
            "Néon brûlé, prise défectueuse.",
            "Burnt-out tube, faulty outlet.",
            vec![room()],
        ),
        (
            "rm-serrurerie",
            Materiel,
            "rm-batiment",
            Normal,
            "Serrurerie et clés",
            "Locks and keys",
            "Clés, serrure brisée, cartes d'accès.",
            "Keys, broken lock, access cards.",
            vec![
                room(),
                number(
                    "nombre_cles",
                    "Nombre de clés",
                    "Number of keys",
                    false,
                    1.0,
                    50.0,
                ),
            ],
        ),
        (
            "rm-demenagement",
            Materiel,
            "rm-batiment",
            Low,
            "Déménagement de locaux",
            "Moving rooms",
            "Déplacement de mobilier entre locaux.",
            "Moving furniture between rooms.",
            vec![
                f(
                    "date_souhaitee",
                    "Date souhaitée",
                    "Preferred date",
                    "date",
                    true,
                ),
                f(
                    "vers",
                    "Vers (local ou immeuble)",
                    "To (room or building)",
                    "text",
                    true,
                ),
            ],
        ),
        (
            "rm-deneigement",
            Materiel,
            "rm-batiment",
            High,
            "Déneigement et terrain",
            "Snow removal and grounds",
            "Stationnement, trottoirs, cour d'école.",
            "Parking, sidewalks, schoolyard.",
            vec![],
        ),
        (
            "rm-reparation",
            Materiel,
            "rm-batiment",
            Normal,
            "Réparation générale",
            "General repair",
            "Porte, fenêtre, plafond, peinture.",
            "Door, window, ceiling, paint.",
            vec![room()],
        ),
        (
            "rm-securite",
            Materiel,
            "rm-batiment",
            Urgent,
            "Sécurité du bâtiment",
            "Building safety",
            "Alarme, issue de secours, bris dangereux.",
            "Alarm, emergency exit, dangerous damage.",
            vec![room()],
        ),
        (
            "tr-sortie-educative",
            Transport,
            "transport",
            Normal,
            "Transport pour sortie éducative",
            "Transportation for a field trip",
            "Autobus pour une sortie éducative.",
            "Bus for an educational outing.",
            trip(),
        ),
        (
            "tr-activite-sportive",
            Transport,
            "transport",
            Normal,
            "Transport pour activité sportive",
            "Transportation for a sports activity",
            "Tournoi, compétition, sortie sportive.",
            "Tournament, competition, sports outing.",
            trip(),
        ),
        (
            "tr-adapte",
            Transport,
            "transport",
            High,
            "Transport adapté ponctuel",
            "Occasional adapted transportation",
            "Transport adapté pour un élève.",
            "Adapted transportation for a student.",
            trip(),
        ),
        (
            "tr-autre-transport",
            Transport,
            "transport",
            Normal,
            "Autre transport",
            "Other transportation",
            "Tout autre déplacement : réunion, formation, activité parascolaire.",
            "Any other trip: meeting, training, extracurricular activity.",
            trip(),
        ),
        (
            "tr-parcours",
            Transport,
            "transport",
            Normal,
            "Modification de parcours d'autobus",
            "Bus route change",
            "Changement d'adresse, nouvel élève transporté.",
            "Change of address, new student on a route.",
            vec![f(
                "date_effective",
                "Date d'entrée en vigueur",
                "Effective date",
                "date",
                true,
            )],
        ),
        (
            "tr-incident",
            Transport,
            "transport",
            High,
            "Incident en transport scolaire",
            "School transportation incident",
            "Retard important, comportement, accident.",
            "Major delay, behaviour, accident.",
            vec![
                f(
                    "date_incident",
                    "Date et heure de l'incident",
                    "Date and time of the incident",
                    "datetime",
                    true,
                ),
                f(
                    "circuit",
                    "Numéro de circuit",
                    "Route number",
                    "text",
                    false,
                ),
            ],
        ),
        (
            "tr-autre",
            Transport,
            "transport",
            Low,
            "Autre demande de transport",
            "Other transportation request",
            "Toute autre question de transport.",
            "Any other transportation question.",
            vec![],
        ),
        (
            "ti-inventaire",
            Ti,
            "ti-soutien",
            Low,
            "Inventaire d'équipements",
            "Equipment inventory",
            "Inventaire périodique des appareils d'une école ou d'un service.",
            "Periodic inventory of a school's or service's devices.",
            vec![f(
                "appareils",
                "Appareils visés",
                "Devices concerned",
                "text",
                false,
            )],
        ),
        (
            "ti-acces-rp",
            Ti,
            "ti-soutien",
            Normal,
            "Accès à des renseignements personnels",
            "Access to personal information",
            "Accès à un dossier d'élève ou d'employé, approuvé par la Direction générale.",
            "Access to a student or employee file, approved by the Office of the Director General.",
            vec![
                f(
                    "dossier",
                    "Renseignements ou dossier visés",
                    "Information or file concerned",
                    "text",
                    true,
                ),
                f(
                    "motif",
                    "Motif de l'accès",
                    "Reason for access",
                    "long_text",
                    true,
                ),
            ],
        ),
        (
            // Where new requests sent by email land (inbound_category), for the team to sort.
            "ti-autre",
            Ti,
            "ti-soutien",
            Normal,
            "Autre demande informatique",
            "Other IT request",
            "Toute autre demande au Service des technologies de l'information, dont celles reçues par courriel.",
            "Any other request to the IT service, including those received by email.",
            vec![],
        ),
    ]
}

/// How the seeded categories are processed: (category, workflow, approval rule, approval
/// group, threshold field and amount, confidential).
#[allow(clippy::type_complexity)]
const PROCESSES: &[(
    &str,
    &str,
    ApprovalMode,
    Option<&str>,
    Option<(&str, f64)>,
    bool,
)] = &[
    (
        "rm-mobilier",
        "achat-approbation",
        ApprovalMode::Director,
        None,
        Some(("cout_estime", 500.0)),
        false,
    ),
    (
        "tr-sortie-educative",
        "transport",
        ApprovalMode::Director,
        None,
        None,
        false,
    ),
    (
        "tr-activite-sportive",
        "transport",
        ApprovalMode::Director,
        None,
        None,
        false,
    ),
    (
        "tr-adapte",
        "transport",
        ApprovalMode::Director,
        None,
        None,
        false,
    ),
    (
        "tr-autre-transport",
        "transport",
        ApprovalMode::Director,
        None,
        None,
        false,
    ),
    (
        "ti-acces-rp",
        "acces-rp",
        ApprovalMode::Group,
        Some("direction-generale"),
        None,
        true,
    ),
];

/// The demo's trip categories.
const TRIP_CATEGORIES: &[&str] = &[
    "tr-sortie-educative",
    "tr-activite-sportive",
    "tr-adapte",
    "tr-autre-transport",
];

fn configure_processes(conn: &mut PgConnection) -> Result<(), AppError> {
    use crate::db::schema::categories as c;
    for (code, workflow, mode, group, threshold, confidential) in PROCESSES {
        let workflow_id = crate::workflow::queries::id_by_code(conn, workflow)?
            .ok_or_else(|| AppError::Internal(format!("workflow {workflow} missing")))?;
        let group_id = match group {
            Some(g) => Some(
                crate::users::groups::by_code(conn, g)?
                    .ok_or_else(|| AppError::Internal(format!("group {g} missing")))?
                    .id,
            ),
            None => None,
        };
        diesel::update(c::table.filter(c::code.eq(code)))
            .set((
                c::workflow_id.eq(workflow_id),
                c::approval.eq(mode),
                c::approval_group_id.eq(group_id),
                c::approval_field.eq(threshold.map(|t| t.0)),
                c::approval_threshold.eq(threshold.map(|t| t.1)),
                c::confidential.eq(confidential),
            ))
            .execute(conn)?;
    }
    // Trip categories: their requests are trips.
    diesel::update(c::table.filter(c::code.eq_any(TRIP_CATEGORIES)))
        .set(c::trip.eq(true))
        .execute(conn)?;
    // Departures and their tasks go to IT support (the migration cannot know the teams).
    if let Some(team) = users::team_by_code(conn, "ti-soutien")? {
        diesel::update(c::table.filter(c::code.eq_any([
            crate::departures::CATEGORY,
            crate::departures::TASK_CATEGORY,
        ])))
        .set(c::default_team_id.eq(team.id))
        .execute(conn)?;
    }
    Ok(())
}

/// Carriers and a month of trips for several schools: waiting for approval, carrier to
/// confirm, confirmed (one carrier overbooked, one bus too small), one cancelled.
fn trips(
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

/// A small deterministic generator, so the demo is the same on every machine.
struct Lcg(u64);
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

const TITLES: &[&str] = &[
    "Ne fonctionne plus depuis ce matin",
    "Problème récurrent, besoin d'aide",
    "Demande pour la semaine prochaine",
    "Urgent : classe touchée",
    "Suivi de la demande précédente",
    "À planifier avant la fin de l'étape",
];

/// Spreads the demo's requests over the school year so that the dashboards have a history:
/// every instant of a request (and of its timeline, clocks and approvals) moves back by the same
/// offset — up to 20 days for open requests, 140 for the others —, and resolved requests take
/// from one to forty business-ish hours. Clocks already past due are marked breached, as the
/// SLA scan would have, so that starting the demo mails nobody.
fn history(conn: &mut PgConnection) -> Result<(), AppError> {
    let offset = "CASE WHEN status_kind IN ('new','open','pending','approval')
                    THEN make_interval(days => (number % 20)::int, hours => (number % 7)::int)
                    ELSE make_interval(days => (5 + (number * 37) % 135)::int, hours => (number % 9)::int) END";
    diesel::sql_query(format!(
        "CREATE TEMP TABLE demo_shift ON COMMIT DROP AS SELECT id, {offset} AS d FROM requests"
    ))
    .execute(conn)?;
    let shift = "UPDATE requests r SET created_at = created_at - s.d, updated_at = updated_at - s.d,
           first_response_at = first_response_at - s.d, resolved_at = resolved_at - s.d,
           closed_at = closed_at - s.d, first_response_due = first_response_due - s.d,
           resolution_due = resolution_due - s.d, sla_paused_since = sla_paused_since - s.d,
           first_response_warn_at = first_response_warn_at - s.d, resolution_warn_at = resolution_warn_at - s.d,
           first_response_warned_at = first_response_warned_at - s.d,
           resolution_warned_at = resolution_warned_at - s.d,
           first_response_breached_at = first_response_breached_at - s.d,
           resolution_breached_at = resolution_breached_at - s.d
         FROM demo_shift s WHERE s.id = r.id";
    diesel::sql_query(shift).execute(conn)?;
    // Moved back by whole days and hours, a due date may land on a weekend or at night: each is
    // computed again by the SLA code from the moved submission, as for a live request.
    let moved: Vec<crate::requests::model::Request> = crate::db::schema::requests::table
        .filter(crate::db::schema::requests::sla_policy_id.is_not_null())
        .select(crate::requests::model::Request::as_select())
        .load(conn)?;
    for r in &moved {
        crate::sla::service::recompute(conn, r)?;
    }
    for stmt in [
        // The timelines are append-only; the demo's loader alone moves them, in its transaction.
        "ALTER TABLE request_events DISABLE TRIGGER request_events_append_only",
        "ALTER TABLE sla_clock_events DISABLE TRIGGER sla_clock_events_append_only",
        "UPDATE request_events e SET created_at = e.created_at - s.d FROM demo_shift s WHERE s.id = e.request_id",
        "UPDATE sla_clock_events e SET at = e.at - s.d, due = e.due - s.d, created_at = e.created_at - s.d
         FROM demo_shift s WHERE s.id = e.request_id",
        // The clocks' start events carry the due dates computed again.
        "UPDATE sla_clock_events e SET due = CASE e.clock WHEN 'first_response' THEN r.first_response_due
                                                   ELSE r.resolution_due END
         FROM requests r WHERE r.id = e.request_id AND e.kind = 'started'",
        "ALTER TABLE request_events ENABLE TRIGGER request_events_append_only",
        "ALTER TABLE sla_clock_events ENABLE TRIGGER sla_clock_events_append_only",
        "UPDATE request_approvals a SET created_at = a.created_at - s.d, decided_at = a.decided_at - s.d
         FROM demo_shift s WHERE s.id = a.request_id",
        // Resolution from 1 to 40 hours after submission (and closure two days later).
        "UPDATE requests SET resolved_at = created_at + make_interval(hours => (1 + (number * 13) % 40)::int),
           closed_at = CASE WHEN closed_at IS NOT NULL
             THEN LEAST(created_at + make_interval(hours => (49 + (number * 13) % 40)::int), now()) END,
           first_response_at = COALESCE(first_response_at, created_at + interval '30 minutes'),
           resolve_minutes = NULL
         WHERE resolved_at IS NOT NULL",
        "UPDATE requests SET sla_paused_since = resolved_at WHERE status_kind = 'resolved'",
        "UPDATE requests SET first_response_breached_at = first_response_due
         WHERE first_response_due < now() AND first_response_at IS NULL AND closed_at IS NULL
           AND first_response_breached_at IS NULL",
        "UPDATE requests SET resolution_breached_at = resolution_due
         WHERE resolution_due < now() AND resolved_at IS NULL AND closed_at IS NULL
           AND sla_paused_since IS NULL AND resolution_breached_at IS NULL",
        "UPDATE requests SET first_response_warned_at = COALESCE(first_response_warned_at, first_response_warn_at)
         WHERE first_response_warn_at < now() AND first_response_at IS NULL",
        "UPDATE requests SET resolution_warned_at = COALESCE(resolution_warned_at, resolution_warn_at)
         WHERE resolution_warn_at < now() AND resolved_at IS NULL",
    ] {
        diesel::sql_query(stmt).execute(conn)?;
    }
    Ok(())
}

/// Loads everything, in one transaction. Meant for an empty database (`--if-empty` checks).
pub fn demo(conn: &mut PgConnection) -> Result<(), AppError> {
    conn.transaction(|conn| {
        demo_inner(conn)?;
        history(conn)?;
        // Requesters' ratings of most resolved requests (a few low, with a comment), and the
        // resolution times the dashboards read.
        diesel::sql_query(
            "INSERT INTO satisfaction_ratings (request_id, rating, comment, rated_by, created_at, updated_at,
                                               domain, team_id, unit_id, category_id)
             SELECT id,
               CASE WHEN number % 11 = 0 THEN 2 WHEN number % 7 = 0 THEN 3 WHEN number % 3 = 0 THEN 4 ELSE 5 END,
               CASE WHEN number % 11 = 0 THEN 'Le problème est revenu le lendemain; il a fallu rappeler deux fois.' ELSE '' END,
               requester_id, LEAST(resolved_at + interval '2 hours', now()), LEAST(resolved_at + interval '2 hours', now()),
               domain, team_id, unit_id, category_id
             FROM requests WHERE resolved_at IS NOT NULL AND number % 4 <> 1",
        )
        .execute(conn)?;
        crate::dashboard::resolve::backfill(conn, 5_000)?;
        // The demo's history is not news: nobody is mailed about it.
        diesel::delete(crate::db::schema::outbox::table).execute(conn)?;
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
    if let Some(g) = crate::users::groups::by_code(conn, "direction-generale")? {
        crate::users::groups::add_member(conn, g.id, helene)?;
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

    let standard = crate::workflow::queries::id_by_code(conn, "standard")?
        .ok_or_else(|| AppError::Internal("workflow standard missing".into()))?;
    for (i, (code, domain, team_code, priority, name_fr, name_en, desc_fr, desc_en, fields)) in
        categories().into_iter().enumerate()
    {
        let team_id = users::team_by_code(conn, team_code)?.map(|t| t.id);
        catalog::insert(
            conn,
            &CategoryForm {
                code: code.into(),
                domain,
                parent_id: None,
                name_fr: name_fr.into(),
                name_en: name_en.into(),
                description_fr: desc_fr.into(),
                description_en: desc_en.into(),
                form: json!({ "fields": fields }),
                default_team_id: team_id,
                default_priority: priority,
                position: i as i32,
                active: true,
                sla_policy_id: None,
                workflow_id: standard,
                approval: ApprovalMode::None,
                approval_group_id: None,
                approval_field: None,
                approval_threshold: None,
                confidential: false,
            },
        )?;
    }
    configure_processes(conn)?;
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

fn identity_of(conn: &mut PgConnection, id: UserId) -> Result<CurrentUser, AppError> {
    let u = users::find(conn, id)?;
    Ok(accounts::identity(conn, &u)?)
}

/// An automation rule and a recurring request, so administrators see what they look like.
fn examples(conn: &mut PgConnection, admin: &CurrentUser) -> Result<(), AppError> {
    use crate::automation::service::{self as rules, RuleInput};
    use crate::recurring::service::{self as recurring, RecurringInput};
    rules::create(
        conn,
        admin,
        RuleInput {
            name: "Fuites d'eau : priorité urgente".into(),
            active: Some("on".into()),
            position: "1".into(),
            on_created: Some("on".into()),
            if_domain: "materiel".into(),
            if_text: "fuite".into(),
            then_priority: "urgent".into(),
            then_note: "Vérifier le robinet d'arrêt et prévenir la direction de l'immeuble.".into(),
            ..Default::default()
        },
    )?;
    let schools: Vec<String> = units::all(conn)?
        .into_iter()
        .filter(|u| u.kind == UnitKind::School)
        .map(|u| u.code)
        .collect();
    recurring::create(
        conn,
        admin,
        RecurringInput {
            title: "Inventaire annuel des TNI".into(),
            description: "Vérifier chaque tableau numérique interactif de l'école et signaler ceux à réparer.".into(),
            category: "ti-inventaire".into(),
            requester: admin.email.clone(),
            units: schools,
            fields: r#"{"appareils": "Tableaux numériques interactifs (TNI)"}"#.into(),
            priority: "normal".into(),
            frequency: "yearly".into(),
            month: "8".into(),
            day: "1".into(),
            starts_on: String::new(),
            active: true,
        },
    )?;
    Ok(())
}

/// Equipment in every status: projectors and whiteboards in classrooms, Chromebook carts, a
/// teacher's laptop, a printer; some in repair, missing or retired.
fn inventory(
    conn: &mut PgConnection,
    admin: &CurrentUser,
    rooms_by_unit: &std::collections::HashMap<&str, Vec<RoomId>>,
) -> Result<(), AppError> {
    use crate::inventory::service::{save, AssetChanges};
    let schools = [
        "ecole-bouleaux",
        "ecole-saint-laurent",
        "ecole-riviere",
        "es-plateau",
        "es-patriotes",
    ];
    let mut n = 0;
    let mut add = |conn: &mut PgConnection,
                   unit: &str,
                   room: Option<RoomId>,
                   kind: &str,
                   maker: &str,
                   model: &str,
                   status: &str,
                   person: &str,
                   year: i32|
     -> Result<(), AppError> {
        n += 1;
        save(
            conn,
            admin,
            None,
            AssetChanges {
                tag: Some(format!("CSS-{:06}", 100 + n)),
                serial: Some(format!(
                    "{}{:07}",
                    &maker[..2].to_uppercase(),
                    4_410_000 + n * 37
                )),
                asset_type: Some(kind.into()),
                maker: Some(maker.into()),
                model: Some(model.into()),
                status: Some(status.into()),
                unit: Some(unit.into()),
                assigned_to: Some(person.into()),
                purchase_date: Some(format!("{year}-08-{:02}", 1 + n % 27)),
                purchase_cost: Some(
                    match kind {
                        "portable" => "1349.00",
                        "chromebook" => "429.99",
                        "projecteur" => "1099.00",
                        "tni" => "3850.00",
                        _ => "649.00",
                    }
                    .into(),
                ),
                warranty_end: Some(format!("{}-08-{:02}", year + 4, 1 + n % 27)),
                ..Default::default()
            },
            None,
        )?;
        if let Some(room) = room {
            save(
                conn,
                admin,
                Some(&format!("CSS-{:06}", 100 + n)),
                AssetChanges {
                    room: Some(room.0.to_string()),
                    ..Default::default()
                },
                None,
            )?;
        }
        Ok(())
    };
    for (i, school) in schools.iter().enumerate() {
        let rooms = &rooms_by_unit[school];
        for (j, room) in rooms.iter().take(4).enumerate() {
            add(
                conn,
                school,
                Some(*room),
                "projecteur",
                "Epson",
                "PowerLite 695Wi",
                if i == 0 && j == 1 {
                    "in_repair"
                } else {
                    "deployed"
                },
                "",
                2021,
            )?;
        }
        add(
            conn,
            school,
            Some(rooms[2]),
            "tni",
            "SMART",
            "Board MX275 V4",
            "deployed",
            "",
            2022,
        )?;
        for k in 0..6 {
            let status = match (i, k) {
                (0, 4) => "in_repair",
                (1, 5) => "missing",
                _ => "in_stock",
            };
            add(
                conn,
                school,
                None,
                "chromebook",
                "Lenovo",
                "300e Chromebook Gen 4",
                status,
                "",
                2023,
            )?;
        }
        add(
            conn,
            school,
            Some(rooms[0]),
            "imprimante",
            "HP",
            "LaserJet Pro M404dn",
            "deployed",
            "",
            2020,
        )?;
        add(
            conn,
            school,
            None,
            "projecteur",
            "Epson",
            "PowerLite 1781W",
            "retired",
            "",
            2014,
        )?;
    }
    add(
        conn,
        "ecole-bouleaux",
        None,
        "portable",
        "Dell",
        "Latitude 5440",
        "deployed",
        "demandeur@guichet.example",
        2024,
    )?;
    // The IT department's lending desk: laptops, a cart of Chromebooks, projectors.
    for _ in 0..4 {
        add(
            conn,
            "sti",
            None,
            "portable",
            "Dell",
            "Latitude 5440",
            "in_stock",
            "",
            2024,
        )?;
    }
    for _ in 0..12 {
        add(
            conn,
            "sti",
            None,
            "chromebook",
            "Lenovo",
            "300e Chromebook Gen 4",
            "in_stock",
            "",
            2024,
        )?;
    }
    for _ in 0..3 {
        add(
            conn,
            "sti",
            None,
            "projecteur",
            "Epson",
            "EB-W51 portatif",
            "in_stock",
            "",
            2023,
        )?;
    }
    // Everything the IT department holds is for lending.
    let sti = units::by_code(conn, "sti")?.id;
    diesel::update(
        crate::db::schema::assets::table.filter(crate::db::schema::assets::unit_id.eq(sti)),
    )
    .set(crate::db::schema::assets::loanable.eq(true))
    .execute(conn)?;
    Ok(())
}

/// Loans in every state: waiting for the director, booked ahead, out, overdue, returned,
/// cancelled and refused.
fn loans(
    conn: &mut PgConnection,
    julie: &CurrentUser,
    director: &CurrentUser,
    desk: &CurrentUser,
) -> Result<(), AppError> {
    use crate::loans::service::{self as loans, CheckinCmd, CheckoutCmd, ReserveCmd, ReturnedItem};
    let now = chrono::Utc::now();
    let day = |d: i64| {
        (now.with_timezone(&chrono_tz::America::Toronto).date_naive() + chrono::Duration::days(d))
            .to_string()
    };
    let at = |d: i64| now + chrono::Duration::days(d);
    let model = |conn: &mut PgConnection, name: &str| -> Result<i64, AppError> {
        use crate::db::schema::asset_models;
        Ok(asset_models::table
            .filter(asset_models::name.eq(name))
            .select(asset_models::id)
            .first(conn)?)
    };
    let chromebooks = model(conn, "300e Chromebook Gen 4")?;
    let conditions = crate::config::Settings::default_loan_conditions();
    let pool = |q: i32, from: i64, to: i64, purpose: &str| ReserveCmd {
        model: Some(chromebooks),
        lending_unit: Some("sti".into()),
        quantity: Some(q),
        starts_at: day(from),
        due_at: day(to),
        purpose: purpose.into(),
        ..Default::default()
    };
    let one = |tag: &str, from: i64, to: i64, purpose: &str| ReserveCmd {
        assets: vec![tag.into()],
        starts_at: day(from),
        due_at: day(to),
        purpose: purpose.into(),
        ..Default::default()
    };
    let tags = |conn: &mut PgConnection, model_id: i64, n: i64| -> Result<Vec<String>, AppError> {
        use crate::db::schema::assets;
        Ok(assets::table
            .filter(assets::model_id.eq(model_id))
            .filter(assets::loanable)
            .order(assets::tag)
            .limit(n)
            .select(assets::tag)
            .load(conn)?)
    };
    let laptop_model = model(conn, "Latitude 5440")?;
    let laptops = tags(conn, laptop_model, 4)?;
    let projector_model = model(conn, "EB-W51 portatif")?;
    let projectors = tags(conn, projector_model, 3)?;
    let carts = tags(conn, chromebooks, 12)?;

    // Waiting for the director: a laptop for a teacher on leave.
    let purpose = "Enseignante en congé : correction à la maison";
    loans::reserve(conn, julie, one(&laptops[0], 2, 60, purpose), now)?;
    // Booked ahead: Chromebooks for a ministry exam.
    loans::reserve(
        conn,
        julie,
        pool(5, 7, 9, "Épreuve ministérielle d'écriture, 6e année"),
        now,
    )?;
    // Refused.
    let refused = loans::reserve(
        conn,
        julie,
        one(&laptops[1], 3, 200, "Usage personnel"),
        now,
    )?;
    let why = "Un portable de l'école est déjà disponible.";
    loans::decide(conn, director, refused.id, false, why)?;
    // Out, on time: a projector, the conditions accepted at the desk.
    let out = loans::reserve(
        conn,
        julie,
        one(&projectors[0], -2, 3, "Soirée des parents"),
        at(-2),
    )?;
    let at_desk = CheckoutCmd {
        assets: vec![],
        acknowledged: true,
    };
    loans::checkout(conn, desk, out.id, at_desk.clone(), &conditions, at(-2))?;
    // Overdue: two Chromebooks, the conditions accepted online first.
    let late = loans::reserve(
        conn,
        julie,
        pool(2, -12, -3, "Projet de robotique"),
        at(-12),
    )?;
    loans::acknowledge(conn, julie, late.id, &conditions)?;
    let picked = CheckoutCmd {
        assets: carts[10..12].to_vec(),
        acknowledged: false,
    };
    loans::checkout(conn, desk, late.id, picked, &conditions, at(-12))?;
    // Returned in good condition.
    let back = loans::reserve(
        conn,
        julie,
        one(&projectors[1], -20, -15, "Spectacle"),
        at(-20),
    )?;
    loans::checkout(conn, desk, back.id, at_desk, &conditions, at(-20))?;
    let returned = ReturnedItem {
        tag: projectors[1].clone(),
        condition: "ok".into(),
        note: String::new(),
    };
    loans::checkin(
        conn,
        desk,
        back.id,
        CheckinCmd {
            items: vec![returned],
            borrower_agreed: true,
        },
    )?;
    // Cancelled.
    let cancelled = loans::reserve(
        conn,
        julie,
        one(&projectors[2], 10, 11, "Sortie au musée"),
        now,
    )?;
    loans::cancel(conn, julie, cancelled.id)?;
    Ok(())
}

/// The states the demo walks a request through, whatever its workflow.
struct Codes {
    work: String,
    wait: Option<String>,
    resolved: String,
    closed: String,
    cancelled: String,
}

impl Codes {
    fn of(wf: &Workflow) -> Codes {
        let first = |k: StateKind| {
            wf.states
                .iter()
                .find(|s| s.kind == k)
                .map(|s| s.code.clone())
                .unwrap_or_default()
        };
        Codes {
            work: first(StateKind::Open),
            wait: wf
                .state("waiting_requester")
                .filter(|_| {
                    wf.transitions
                        .iter()
                        .any(|t| t.to == "waiting_requester" && t.from == first(StateKind::New))
                })
                .map(|s| s.code.clone()),
            resolved: first(StateKind::Resolved),
            closed: first(StateKind::Closed),
            cancelled: first(StateKind::Cancelled),
        }
    }
}

/// Decides every approval step of a request as its approvers would; false when a step has
/// nobody to decide it.
fn decide_all(
    conn: &mut PgConnection,
    number: RequestNumber,
    id: crate::db::RequestId,
    decision: Decision,
) -> Result<bool, AppError> {
    loop {
        let steps = approvals::steps_of(conn, id)?;
        let Some(step) = steps
            .iter()
            .find(|s| s.status == crate::approvals::StepStatus::Pending)
        else {
            return Ok(true);
        };
        let Some(approver) = approvals::approvers(conn, step)?.into_iter().next() else {
            return Ok(false);
        };
        let who = accounts::identity(conn, &approver)?;
        let comment = match decision {
            Decision::Approve => "Approuvé, budget disponible.",
            Decision::Refuse => "Refusé : budget de l'unité épuisé pour cette année.",
        };
        approvals::decide(conn, &who, number, decision, comment)?;
    }
}
