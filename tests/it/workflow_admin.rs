//! Workflow and group administration: a new workflow copied from « Standard » gains a state and
//! a transition and is used by a category; a state with requests in it can be neither removed
//! nor change kind; bad input is refused with messages and changes nothing; categories' approval
//! rules are checked; named groups get members.

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

fn state_codes(app: &TestApp, workflow: &str) -> Vec<String> {
    use guichet::db::schema::{workflow_states as s, workflows as w};
    s::table
        .inner_join(w::table)
        .filter(w::code.eq(workflow))
        .order(s::position)
        .select(s::code)
        .load(&mut app.conn())
        .unwrap()
}

fn category_id(app: &TestApp, c: &str) -> i64 {
    use guichet::db::schema::categories::dsl::*;
    categories
        .filter(code.eq(c))
        .select(id)
        .first(&mut app.conn())
        .unwrap()
}

#[actix_rt::test]
async fn only_admins_manage_workflows_and_groups() {
    let app = TestApp::new().await;
    let b = app.signed_in(MANAGER_A).await;
    for page in ["/admin/workflows", "/admin/workflows/1", "/admin/groups"] {
        assert_eq!(b.get(page).await.status, StatusCode::FORBIDDEN, "{page}");
    }
    let admin = app.signed_in(ADMIN).await;
    let list = admin.get("/admin/workflows").await;
    assert_eq!(list.status, StatusCode::OK);
    for name in [
        "Standard",
        "Achat avec approbation",
        "Transport",
        "Accès à des renseignements personnels",
    ] {
        assert!(list.body.contains(name), "{name}");
    }
}

#[actix_rt::test]
async fn a_new_workflow_gains_a_state_and_a_transition_and_serves_a_category() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .post(
            "/admin/workflows",
            &[
                ("code", "reparation"),
                ("name_fr", "Réparation externe"),
                ("name_en", "External repair"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = res.location();
    assert_eq!(
        state_codes(&app, "reparation"),
        [
            "new",
            "in_progress",
            "waiting_requester",
            "resolved",
            "closed",
            "cancelled"
        ]
    );

    // Bad input: clear messages, nothing saved.
    let res = admin
        .post(
            &format!("{url}/states"),
            &[
                ("code", "Mauvais Code"),
                ("label_fr", ""),
                ("label_en", "x"),
                ("kind", "pending"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("en commençant par une lettre"));
    let res = admin
        .post(
            &format!("{url}/transitions"),
            &[("from", "in_progress"), ("to", "resolved")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Cochez au moins un rôle"));

    let res = admin
        .post(
            &format!("{url}/states"),
            &[
                ("code", "chez_fournisseur"),
                ("label_fr", "Chez le fournisseur"),
                ("label_en", "At the supplier"),
                ("kind", "pending"),
                ("position", "3"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = admin
        .post(
            &format!("{url}/transitions"),
            &[
                ("from", "in_progress"),
                ("to", "chez_fournisseur"),
                ("role_technician", "on"),
                ("note_required", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = admin.get(&url).await;
    assert!(page.body.contains("Chez le fournisseur"));
    assert!(page
        .body
        .contains("technicien ou technicienne · Note obligatoire"));

    // A category uses it; its requests follow it.
    let wf_id = url.rsplit('/').next().unwrap().to_string();
    let cat = category_id(&app, "rm-mobilier");
    let res = admin
        .post(
            &format!("/admin/categories/{cat}"),
            &[
                ("name_fr", "Mobilier"),
                ("name_en", "Furniture"),
                ("default_priority", "normal"),
                ("workflow", &wf_id),
                ("approval", "none"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let r = app
        .api(REQUESTER_A)
        .post(
            "/api/v1/requests",
            serde_json::json!({"category": "rm-mobilier", "title": "Chaise brisée"}),
        )
        .await
        .json();
    assert_eq!(r["workflow"], "reparation");
    let number = r["number"].as_str().unwrap().to_string();
    let t = app.api(TECH_RM);
    t.post(
        &format!("/api/v1/requests/{number}/transitions"),
        serde_json::json!({"to": "in_progress"}),
    )
    .await;
    let r = t
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            serde_json::json!({"to": "chez_fournisseur", "note": "Envoyée chez Mobilier Pro"}),
        )
        .await
        .json();
    assert_eq!(r["status_label"], "Chez le fournisseur");
    assert_eq!(r["sla"]["paused"], true);

    // The state the request is in can neither go nor change kind; an unused one can go.
    let res = admin
        .post(&format!("{url}/states/chez_fournisseur/remove"), &[])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("1 demande"), "{}", res.body);
    let res = admin
        .post(
            &format!("{url}/states"),
            &[
                ("code", "chez_fournisseur"),
                ("label_fr", "Chez le fournisseur"),
                ("label_en", "At the supplier"),
                ("kind", "open"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(state_codes(&app, "reparation").contains(&"chez_fournisseur".to_string()));
    let res = admin
        .post(&format!("{url}/states/waiting_requester/remove"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!state_codes(&app, "reparation").contains(&"waiting_requester".to_string()));
    // The database itself refuses to lose a state requests are in.
    let direct = diesel::sql_query(
        "DELETE FROM workflow_states WHERE code = 'chez_fournisseur' \
         AND workflow_id = (SELECT id FROM workflows WHERE code = 'reparation')",
    )
    .execute(&mut app.conn());
    assert!(direct.is_err());

    assert_eq!(
        audit_actions(&app, "workflow"),
        [
            "workflow.create",
            "workflow.state_save",
            "workflow.transition_save",
            "workflow.state_remove"
        ]
    );
}

#[actix_rt::test]
async fn a_category_approval_rule_is_checked() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    let cat = category_id(&app, "rm-achat");
    let url = format!("/admin/categories/{cat}");
    let form = "{\"fields\": [{\"key\": \"article\", \"label_fr\": \"Article\", \"label_en\": \"Item\", \"type\": \"text\"}, {\"key\": \"cout\", \"label_fr\": \"Coût\", \"label_en\": \"Cost\", \"type\": \"number\"}]}";
    let base = [
        ("name_fr", "Achat"),
        ("name_en", "Purchase"),
        ("default_priority", "normal"),
        ("active", "on"),
        ("form", form),
    ];
    let mut no_group = base.to_vec();
    no_group.push(("approval", "group"));
    let res = admin.post(&url, &no_group).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Choisissez le groupe qui approuve."));
    let mut text_field = base.to_vec();
    text_field.extend([
        ("approval", "director"),
        ("approval_field", "article"),
        ("approval_threshold", "500"),
    ]);
    let res = admin.post(&url, &text_field).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .body
        .contains("Choisissez un champ numérique du formulaire."));
    let mut good = base.to_vec();
    good.extend([
        ("approval", "director"),
        ("approval_field", "cout"),
        ("approval_threshold", "1 000,50"),
    ]);
    let res = admin.post(&url, &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let threshold: Option<f64> = {
        use guichet::db::schema::categories::dsl::*;
        categories
            .find(cat)
            .select(approval_threshold)
            .first(&mut app.conn())
            .unwrap()
    };
    assert_eq!(threshold, Some(1000.5));
}

#[actix_rt::test]
async fn named_groups_get_members() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .post(
            "/admin/groups",
            &[
                ("code", "comite-ti"),
                ("name_fr", "Comité TI"),
                ("name_en", "IT committee"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let url = res.location();
    let res = admin
        .post(
            &format!("{url}/members"),
            &[("email", "personne@nulle.part")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = admin
        .post(&format!("{url}/members"), &[("email", TECH_TI)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&url).await.body.contains("Karim Benali"));
    let res = admin
        .post(
            "/admin/groups",
            &[
                ("code", "comite-ti"),
                ("name_fr", "Doublon"),
                ("name_en", "Duplicate"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        audit_actions(&app, "group"),
        ["group.create", "group.member_add"]
    );
}

/// A server keeps the definitions it has read; a change made elsewhere (another instance, or
/// straight in the database) is seen by the next read, and a change rolled back is not.
#[actix_rt::test]
async fn a_workflow_changed_elsewhere_is_read_again() {
    use guichet::db::schema::{workflow_states as s, workflows as w};
    use guichet::workflow::queries::load;
    let app = TestApp::new().await;
    let mut conn = app.conn();
    let id: i64 = w::table
        .filter(w::code.eq("standard"))
        .select(w::id)
        .first(&mut conn)
        .unwrap();
    let id = guichet::db::WorkflowId(id);
    let label = |wf: &guichet::workflow::Workflow| {
        wf.states
            .iter()
            .find(|st| st.code == "in_progress")
            .map(|st| st.label_fr.clone())
            .unwrap()
    };
    let before = load(&mut conn, id).unwrap();
    assert_eq!(label(&before), label(&load(&mut conn, id).unwrap()));

    // Rolled back: the next read still shows the label as it is.
    let _ = conn.transaction::<(), diesel::result::Error, _>(|c| {
        diesel::update(
            s::table
                .filter(s::workflow_id.eq(id.0))
                .filter(s::code.eq("in_progress")),
        )
        .set(s::label_fr.eq("Changé puis annulé"))
        .execute(c)?;
        assert_eq!(label(&load(c, id).unwrap()), "Changé puis annulé");
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert_eq!(label(&load(&mut conn, id).unwrap()), label(&before));

    // Changed on another connection, as another instance would: seen at once.
    diesel::update(
        s::table
            .filter(s::workflow_id.eq(id.0))
            .filter(s::code.eq("in_progress")),
    )
    .set(s::label_fr.eq("En traitement"))
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(label(&load(&mut conn, id).unwrap()), "En traitement");
    let transitions = load(&mut conn, id).unwrap().transitions.len();
    diesel::delete(
        guichet::db::schema::workflow_transitions::table
            .filter(guichet::db::schema::workflow_transitions::workflow_id.eq(id.0)),
    )
    .execute(&mut app.conn())
    .unwrap();
    assert!(transitions > 0);
    assert!(load(&mut conn, id).unwrap().transitions.is_empty());
}
