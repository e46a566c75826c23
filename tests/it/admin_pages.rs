//! Administration: only admins get in; units, people, roles, teams and category forms are
//! created and edited with clear errors; nothing is deleted; every change is audited.

use crate::support::*;
use actix_web::http::StatusCode;
use diesel::prelude::*;

fn audit_actions(app: &TestApp, entity_name: &str) -> Vec<String> {
    use guichet::db::schema::audit_log::dsl::*;
    audit_log
        .filter(entity.eq(entity_name))
        .order(id)
        .select(action)
        .load(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn only_admins_reach_the_administration() {
    let app = TestApp::new().await;
    for who in [REQUESTER_A, TECH_TI, MANAGER_A, AUDITOR] {
        let b = app.signed_in(who).await;
        for page in [
            "/admin/units",
            "/admin/users",
            "/admin/teams",
            "/admin/categories",
            "/admin/users/1",
        ] {
            assert_eq!(
                b.get(page).await.status,
                StatusCode::FORBIDDEN,
                "{who} {page}"
            );
        }
        let res = b
            .post(
                "/admin/units",
                &[
                    ("code", "x-y"),
                    ("name_fr", "X"),
                    ("name_en", "X"),
                    ("kind", "school"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
    assert!(!audit_actions(&app, "unit").contains(&"unit.create".to_string()));
}

#[actix_rt::test]
async fn an_admin_creates_and_deactivates_a_unit_with_clear_errors() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    admin.get("/admin/units/new").await;
    let res = admin
        .post(
            "/admin/units",
            &[
                ("code", "Mauvais Code"),
                ("name_fr", ""),
                ("name_en", "New school"),
                ("kind", "school"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Utilisez de 2 à 40 lettres minuscules"),
        "{}",
        res.body
    );
    assert!(res.body.contains("Entrez de 1 à 200 caractères."));
    let res = admin
        .post(
            "/admin/units",
            &[
                ("code", "ecole-a"),
                ("name_fr", "Doublon"),
                ("name_en", "Dup"),
                ("kind", "school"),
            ],
        )
        .await;
    assert!(
        res.body.contains("Ce code est déjà utilisé."),
        "{}",
        res.body
    );
    let res = admin
        .post(
            "/admin/units",
            &[
                ("code", "ecole-c"),
                ("name_fr", "École C"),
                ("name_en", "C School"),
                ("kind", "school"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = admin.get("/admin/units").await;
    assert!(list.body.contains("École C"));
    let id: i64 = {
        use guichet::db::schema::units::dsl::*;
        units
            .filter(code.eq("ecole-c"))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    admin.get(&format!("/admin/units/{id}")).await;
    let res = admin
        .post(
            &format!("/admin/units/{id}"),
            &[
                ("name_fr", "École C (fermée)"),
                ("name_en", "C School"),
                ("kind", "school"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let active: bool = {
        use guichet::db::schema::units::dsl;
        dsl::units
            .find(id)
            .select(dsl::active)
            .first(&mut app.conn())
            .unwrap()
    };
    assert!(!active);
    assert_eq!(audit_actions(&app, "unit"), ["unit.create", "unit.update"]);
}

#[actix_rt::test]
async fn an_admin_adds_a_person_who_can_then_sign_in_and_a_deactivated_person_cannot() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    admin.get("/admin/users/new").await;
    let res = admin
        .post(
            "/admin/users",
            &[
                ("email", "pas-une-adresse"),
                ("display_name", "Line"),
                ("locale", "fr"),
                ("password", "court"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Entrez une adresse courriel valide."));
    assert!(res
        .body
        .contains("Le mot de passe doit compter au moins 12 caractères."));
    let res = admin
        .post(
            "/admin/users",
            &[
                ("email", "Line.Dubois@Ecole-A.test"),
                ("display_name", "Line Dubois"),
                ("locale", "fr"),
                ("password", "un-long-mot-de-passe"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page_url = res.location();
    let page = admin.get(&page_url).await;
    assert!(
        page.body.contains("line.dubois@ecole-a.test"),
        "addresses are stored in lowercase"
    );
    assert!(page.body.contains("Aucun rôle"));
    let unit_a: i64 = {
        use guichet::db::schema::units::dsl::*;
        units
            .filter(code.eq("ecole-a"))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    let res = admin
        .post(
            &format!("{page_url}/roles"),
            &[("unit", &unit_a.to_string()), ("role", "requester")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);

    let line = app.browser();
    assert_eq!(
        line.sign_in("line.dubois@ecole-a.test", "un-long-mot-de-passe")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(line.get("/requests").await.status, StatusCode::OK);

    admin.get(&page_url).await;
    let res = admin
        .post(
            &page_url,
            &[("display_name", "Line Dubois"), ("locale", "fr")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Her session ended, and she cannot sign in again.
    assert_eq!(line.get("/requests").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        line.sign_in("line.dubois@ecole-a.test", "un-long-mot-de-passe")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let actions = audit_actions(&app, "user");
    for a in [
        "user.create",
        "user.read",
        "user.role_add",
        "user.deactivate",
    ] {
        assert!(
            actions.contains(&a.to_string()),
            "{a} missing from {actions:?}"
        );
    }
    // An admin cannot lock themselves out.
    let me = admin.get("/admin/users?q=anne").await;
    assert!(
        me.body.contains(ADMIN) && !me.body.contains(REQUESTER_A),
        "search filters the list"
    );
    let my_url: i64 = {
        use guichet::db::schema::users::dsl::*;
        users
            .filter(email.eq(ADMIN))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    admin.get(&format!("/admin/users/{my_url}")).await;
    let res = admin
        .post(
            &format!("/admin/users/{my_url}"),
            &[("display_name", "Anne"), ("locale", "fr")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res
        .body
        .contains("Vous ne pouvez pas désactiver votre propre compte."));
}

#[actix_rt::test]
async fn a_category_form_is_checked_before_it_is_saved_and_then_offered_to_requesters() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    let id: i64 = {
        use guichet::db::schema::categories::dsl::*;
        categories
            .filter(code.eq("rm-mobilier"))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    let url = format!("/admin/categories/{id}");
    let page = admin.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    let base = [
        ("name_fr", "Demande d'achat de mobilier"),
        ("name_en", "Furniture purchase"),
        ("default_priority", "low"),
        ("position", "3"),
        ("active", "on"),
    ];
    let mut bad = base.to_vec();
    bad.push(("form", "{\"fields\": [{\"key\": \"Quantité\", \"label_fr\": \"Q\", \"label_en\": \"Q\", \"type\": \"number\"}]}"));
    let res = admin.post(&url, &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Le formulaire n&#x27;est pas valide")
            || res.body.contains("Le formulaire n'est pas valide"),
        "{}",
        res.body
    );
    let mut broken = base.to_vec();
    broken.push(("form", "{ pas du json"));
    assert_eq!(
        admin.post(&url, &broken).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let mut good = base.to_vec();
    good.push(("form", "{\"fields\": [{\"key\": \"quantite\", \"label_fr\": \"Quantité\", \"label_en\": \"Quantity\", \"type\": \"number\", \"required\": true, \"min\": 1}]}"));
    let res = admin.post(&url, &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let me = app.signed_in(REQUESTER_A).await;
    let form = me.get("/requests/new?category=rm-mobilier").await;
    assert!(form.body.contains("Quantité"));
    let res = me
        .post(
            "/requests",
            &[("category", "rm-mobilier"), ("title", "Chaises")],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the new required field is enforced"
    );
    assert_eq!(audit_actions(&app, "category"), ["category.update"]);
}

#[actix_rt::test]
async fn team_members_can_be_added_and_the_lead_stays() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    admin.get("/admin/teams/new").await;
    let res = admin
        .post(
            "/admin/teams",
            &[
                ("code", "ti-reseau"),
                ("name_fr", "Réseau"),
                ("name_en", "Network"),
                ("domain", "ti"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = res.location();
    admin.get(&url).await;
    let res = admin
        .post(
            &format!("{url}/members"),
            &[("email", "personne@nulle.part")],
        )
        .await;
    assert!(
        res.body
            .contains("Aucune personne active n&#x27;a cette adresse courriel.")
            || res
                .body
                .contains("Aucune personne active n'a cette adresse courriel.")
    );
    let res = admin
        .post(&format!("{url}/members"), &[("email", TECH_TI)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = admin.get(&url).await;
    assert!(page.body.contains(TECH_TI));
    assert_eq!(
        audit_actions(&app, "team"),
        ["team.create", "team.member_add"]
    );
}

#[actix_rt::test]
async fn rooms_added_by_an_admin_are_offered_to_the_unit_and_can_be_withdrawn() {
    let app = TestApp::new().await;
    let unit_a: i64 = {
        use guichet::db::schema::units::dsl::*;
        units
            .filter(code.eq("ecole-a"))
            .select(id)
            .first(&mut app.conn())
            .unwrap()
    };
    let admin = app.signed_in(ADMIN).await;
    let url = format!("/admin/units/{unit_a}");
    admin.get(&url).await;
    let res = admin
        .post(
            &format!("{url}/rooms"),
            &[
                ("building", "Pavillon B"),
                ("room", "local 310"),
                ("room_name", "Bibliothèque"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = admin
        .post(
            &format!("{url}/rooms"),
            &[("building", "Pavillon B"), ("room", "local 310")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Ce local existe déjà dans cet immeuble."));
    let me = app.signed_in(REQUESTER_A).await;
    let form = me.get("/requests/new?category=ti-projecteur").await;
    assert!(form.body.contains("Pavillon B — local 310 (Bibliothèque)"));
    let other = app.signed_in(REQUESTER_B).await;
    assert!(!other
        .get("/requests/new?category=ti-projecteur")
        .await
        .body
        .contains("Pavillon B"));
    let page = admin.get(&url).await;
    // Rooms are listed by building: the fixture's « Immeuble principal » first, « Pavillon B » last.
    let remove = page
        .body
        .split("action=\"")
        .map(|a| a.split('"').next().unwrap().to_string())
        .filter(|a| a.contains("/rooms/") && a.ends_with("/remove"))
        .last()
        .unwrap();
    assert_eq!(admin.post(&remove, &[]).await.status, StatusCode::SEE_OTHER);
    assert!(!me
        .get("/requests/new?category=ti-projecteur")
        .await
        .body
        .contains("Pavillon B"));
    assert!(audit_actions(&app, "unit").contains(&"unit.room_deactivate".to_string()));
}
