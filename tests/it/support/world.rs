//! The people and catalog every test starts with: two schools, the IT and material-resources
//! services, one person per role, and one category per domain (plus one with every field type).

use guichet::approvals::ApprovalMode;
use guichet::audit::Origin;
use guichet::catalog::model::CategoryForm;
use guichet::catalog::queries as catalog;
use guichet::db::UnitId;
use guichet::requests::model::Priority;
use guichet::units::model::{NewBuilding, NewRoom, UnitForm, UnitKind};
use guichet::units::queries as units;
use guichet::users::model::{Domain, NewTeam, Role};
use guichet::users::queries as users;
use guichet::users::service::{self as accounts, NewAccount};
use serde_json::json;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const PASSWORD: &str = "mot-de-passe-de-test";

pub const REQUESTER_A: &str = "julie@ecole-a.test";
pub const REQUESTER_B: &str = "bruno@ecole-b.test";
pub const MANAGER_A: &str = "direction@ecole-a.test";
pub const TECH_TI: &str = "karim@sti.test";
pub const TECH_RM: &str = "isabelle@srm.test";
pub const ADMIN: &str = "admin@dg.test";
pub const AUDITOR: &str = "prp@dg.test";
/// Member of the « Direction générale » group (approves access to personal information).
pub const DG_MEMBER: &str = "helene@dg.test";
pub const TECH_TR: &str = "louis@transport.test";

pub struct World {
    pub tokens: HashMap<String, String>,
    pub room_a: i64,
    pub room_b: i64,
}

fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| accounts::hash_password(PASSWORD).unwrap())
        .clone()
}

impl World {
    pub fn create(conn: &mut diesel::PgConnection) -> World {
        let unit =
            |conn: &mut diesel::PgConnection, code: &str, name: &str, kind: UnitKind| -> UnitId {
                units::insert(
                    conn,
                    &UnitForm {
                        code: code.into(),
                        name_fr: name.into(),
                        name_en: format!("{name} (en)"),
                        kind,
                        parent_id: None,
                        active: true,
                    },
                )
                .unwrap()
                .id
            };
        let a = unit(conn, "ecole-a", "École A", UnitKind::School);
        let b = unit(conn, "ecole-b", "École B", UnitKind::School);
        let sti = unit(conn, "sti", "Service des TI", UnitKind::Service);
        let srm = unit(
            conn,
            "srm",
            "Service des ressources matérielles",
            UnitKind::Service,
        );
        let dg = unit(conn, "dg", "Direction générale", UnitKind::GeneralDirection);
        let room = |conn: &mut diesel::PgConnection, u: UnitId| -> i64 {
            let bld = units::insert_building(
                conn,
                &NewBuilding {
                    unit_id: u,
                    code: "principal".into(),
                    name: "Immeuble principal".into(),
                    address: String::new(),
                },
            )
            .unwrap();
            units::insert_room(
                conn,
                &NewRoom {
                    building_id: bld,
                    code: "local 204".into(),
                    name: String::new(),
                },
            )
            .unwrap()
            .0
        };
        let room_a = room(conn, a);
        let room_b = room(conn, b);

        let people: Vec<(&str, &str, Vec<(UnitId, Role)>)> = vec![
            (REQUESTER_A, "Julie Tremblay", vec![(a, Role::Requester)]),
            (REQUESTER_B, "Bruno Roy", vec![(b, Role::Requester)]),
            (MANAGER_A, "Marc Gagnon", vec![(a, Role::UnitManager)]),
            (TECH_TI, "Karim Benali", vec![(sti, Role::Technician)]),
            (TECH_RM, "Isabelle Côté", vec![(srm, Role::Technician)]),
            (ADMIN, "Anne Bouchard", vec![(dg, Role::Admin)]),
            (AUDITOR, "Pierre Morin", vec![(dg, Role::Auditor)]),
            (DG_MEMBER, "Hélène Lapointe", vec![(dg, Role::Requester)]),
            (TECH_TR, "Louis Bergeron", vec![(dg, Role::Technician)]),
        ];
        let mut ids = HashMap::new();
        let mut tokens = HashMap::new();
        for (email, name, roles) in people {
            let id = accounts::upsert_account(
                conn,
                &Origin::default(),
                NewAccount {
                    email: email.into(),
                    display_name: name.into(),
                    locale: "fr".into(),
                    password_hash: Some(password_hash()),
                    roles,
                },
            )
            .unwrap();
            ids.insert(email, id);
            tokens.insert(
                email.to_string(),
                accounts::create_token(conn, email, "tests").unwrap(),
            );
        }
        let team = |conn: &mut diesel::PgConnection, code: &str, domain: Domain, member: &str| {
            let t = users::insert_team(
                conn,
                &NewTeam {
                    code: code.into(),
                    name_fr: format!("Équipe {code}"),
                    name_en: format!("Team {code}"),
                    domain,
                    lead_id: None,
                },
            )
            .unwrap();
            users::add_team_member(conn, t.id, ids[member]).unwrap();
            t.id
        };
        let ti = team(conn, "ti", Domain::Ti, TECH_TI);
        let rm = team(conn, "rm", Domain::Materiel, TECH_RM);
        let tr = team(conn, "transport", Domain::Transport, ADMIN);
        users::add_team_member(conn, tr, ids[TECH_TR]).unwrap();
        let dg_group = guichet::users::group_queries::by_code(conn, "direction-generale")
            .unwrap()
            .unwrap()
            .id;
        guichet::users::group_queries::add_member(conn, dg_group, ids[DG_MEMBER]).unwrap();
        let workflow = |conn: &mut diesel::PgConnection, code: &str| {
            guichet::workflow::queries::id_by_code(conn, code)
                .unwrap()
                .unwrap()
        };
        let standard = workflow(conn, "standard");
        #[allow(clippy::type_complexity)]
        let category_with = |conn: &mut diesel::PgConnection,
                             code: &str,
                             domain: Domain,
                             team,
                             name: &str,
                             form: serde_json::Value,
                             process: (
            guichet::db::WorkflowId,
            ApprovalMode,
            Option<guichet::db::GroupId>,
            Option<(&str, f64)>,
            bool,
        )| {
            catalog::insert(
                conn,
                &CategoryForm {
                    code: code.into(),
                    domain,
                    parent_id: None,
                    name_fr: name.into(),
                    name_en: format!("{name} (en)"),
                    description_fr: String::new(),
                    description_en: String::new(),
                    form,
                    default_team_id: Some(team),
                    default_priority: Priority::Normal,
                    position: 0,
                    active: true,
                    sla_policy_id: None,
                    workflow_id: process.0,
                    approval: process.1,
                    approval_group_id: process.2,
                    approval_field: process.3.map(|t| t.0.to_string()),
                    approval_threshold: process.3.map(|t| t.1),
                    confidential: process.4,
                },
            )
            .unwrap();
        };
        let category = |conn: &mut diesel::PgConnection,
                        code: &str,
                        domain: Domain,
                        team,
                        name: &str,
                        form: serde_json::Value| {
            category_with(
                conn,
                code,
                domain,
                team,
                name,
                form,
                (standard, ApprovalMode::None, None, None, false),
            )
        };
        category(
            conn,
            "ti-projecteur",
            Domain::Ti,
            ti,
            "Projecteur ou TNI défectueux",
            json!({"fields": [
            {"key": "local", "label_fr": "Local", "label_en": "Room", "type": "room", "required": false},
            {"key": "appareil", "label_fr": "Appareil", "label_en": "Device", "type": "asset", "required": false}]}),
        );
        category(
            conn,
            "rm-mobilier",
            Domain::Materiel,
            rm,
            "Demande d'achat de mobilier",
            json!({"fields": []}),
        );
        category(
            conn,
            "tr-sortie",
            Domain::Transport,
            tr,
            "Transport pour sortie éducative",
            json!({"fields": [
            {"key": "date_sortie", "label_fr": "Date de la sortie", "label_en": "Trip date", "type": "date", "required": true},
            {"key": "eleves", "label_fr": "Nombre d'élèves", "label_en": "Students", "type": "number", "required": true, "min": 1, "max": 72},
            {"key": "destination", "label_fr": "Destination", "label_en": "Destination", "type": "text", "required": true}]}),
        );
        category(
            conn,
            "ti-tout",
            Domain::Ti,
            ti,
            "Formulaire complet",
            json!({"fields": [
            {"key": "texte", "label_fr": "Texte", "label_en": "Text", "type": "text", "required": true, "max_length": 10},
            {"key": "long", "label_fr": "Long", "label_en": "Long", "type": "long_text", "max_length": 20},
            {"key": "nombre", "label_fr": "Nombre", "label_en": "Number", "type": "number", "min": 1, "max": 10},
            {"key": "jour", "label_fr": "Jour", "label_en": "Day", "type": "date"},
            {"key": "moment", "label_fr": "Moment", "label_en": "Moment", "type": "datetime"},
            {"key": "choix", "label_fr": "Choix", "label_en": "Choice", "type": "select",
             "options": [{"value": "a", "label_fr": "A", "label_en": "A"}]},
            {"key": "accord", "label_fr": "Accord", "label_en": "Agreement", "type": "checkbox", "required": true},
            {"key": "piece", "label_fr": "Local", "label_en": "Room", "type": "room"}]}),
        );
        let achat = workflow(conn, "achat-approbation");
        let transport = workflow(conn, "transport");
        let acces_rp = workflow(conn, "acces-rp");
        let cost_form = json!({"fields": [
            {"key": "article", "label_fr": "Article", "label_en": "Item", "type": "text", "required": true},
            {"key": "cout", "label_fr": "Coût estimé ($)", "label_en": "Estimated cost ($)", "type": "number", "min": 0, "max": 1000000}]});
        category_with(
            conn,
            "rm-achat",
            Domain::Materiel,
            rm,
            "Achat de matériel",
            cost_form.clone(),
            (
                achat,
                ApprovalMode::Director,
                None,
                Some(("cout", 500.0)),
                false,
            ),
        );
        category_with(
            conn,
            "rm-achat-majeur",
            Domain::Materiel,
            rm,
            "Achat majeur",
            cost_form,
            (
                achat,
                ApprovalMode::DirectorThenGroup,
                Some(dg_group),
                None,
                false,
            ),
        );
        category_with(
            conn,
            "tr-autobus",
            Domain::Transport,
            tr,
            "Autobus pour sortie",
            json!({"fields": [
            {"key": "destination", "label_fr": "Destination", "label_en": "Destination", "type": "text", "required": true}]}),
            (transport, ApprovalMode::Director, None, None, false),
        );
        category_with(
            conn,
            "ti-acces-rp",
            Domain::Ti,
            ti,
            "Accès à des renseignements personnels",
            json!({"fields": [
            {"key": "dossier", "label_fr": "Dossier visé", "label_en": "File", "type": "text", "required": true}]}),
            (acces_rp, ApprovalMode::Group, Some(dg_group), None, true),
        );
        // A trip category: the transport module's form, approved by the director.
        category_with(
            conn,
            "tr-voyage",
            Domain::Transport,
            tr,
            "Sortie éducative",
            guichet::transport::form::form(),
            (transport, ApprovalMode::Director, None, None, false),
        );
        {
            use diesel::prelude::*;
            use guichet::db::schema::categories;
            diesel::update(categories::table.filter(categories::code.eq("tr-voyage")))
                .set(categories::trip.eq(true))
                .execute(conn)
                .unwrap();
        }
        World {
            tokens,
            room_a,
            room_b,
        }
    }
}
