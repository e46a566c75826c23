//! Departures and moves: the decision matrix generates dated tasks (child requests) and the
//! person's Guichet account is deactivated (or their roles removed on a move) on its day; the
//! matrix is data admins edit, checked and audited.

use crate::support::*;
use actix_web::http::StatusCode;
use chrono::{Days, Months, NaiveDate, Utc};
use diesel::prelude::*;
use guichet::departures;
use serde_json::json;

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Toronto)
        .date_naive()
}

async fn declare(app: &TestApp, employee: &str, situation: &str, effective: NaiveDate) -> String {
    let res = app
        .api(MANAGER_A)
        .post(
            "/api/v1/requests",
            json!({"category": "rh-depart", "title": format!("Départ de {employee}"),
                   "fields": {"employe": employee, "nom_employe": "Julie Tremblay",
                              "situation": situation, "date_effective": effective.to_string()}}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["number"].as_str().unwrap().to_string()
}

/// The tasks of a departure: (title, due date), by due date.
fn tasks(app: &TestApp, parent: &str) -> Vec<(String, NaiveDate)> {
    use guichet::db::schema::requests;
    let mut conn = app.conn();
    let id: i64 = requests::table
        .filter(requests::number.eq(parent[3..].parse::<i64>().unwrap()))
        .select(requests::id)
        .first(&mut conn)
        .unwrap();
    requests::table
        .filter(requests::parent_id.eq(id))
        .select((requests::title, requests::due_on.assume_not_null()))
        .order((requests::due_on, requests::id))
        .load(&mut conn)
        .unwrap()
}

fn active(app: &TestApp, email: &str) -> bool {
    guichet::users::queries::by_email(&mut app.conn(), email)
        .unwrap()
        .unwrap()
        .active
}

#[actix_rt::test]
async fn a_resignation_schedules_each_access_and_the_account_goes_after_30_days() {
    let app = TestApp::new().await;
    let effective = today() + Days::new(10);
    let number = declare(&app, REQUESTER_A, "resignation", effective).await;
    let got = tasks(&app, &number);
    // The seeded matrix for a resignation: RH/RF/TI and finance now; network, drive, mailbox and
    // shared folders after 30 days; the network account, drive, mailbox and application accounts
    // deleted after 13 months.
    assert_eq!(got.len(), 10, "{got:#?}");
    let on = |d: NaiveDate| got.iter().filter(|(_, due)| *due == d).count();
    assert_eq!(on(effective), 2, "{got:#?}");
    assert_eq!(on(effective + Days::new(30)), 4, "{got:#?}");
    assert_eq!(on(effective + Months::new(13)), 4, "{got:#?}");
    assert!(got
        .iter()
        .any(|(t, _)| t == "Supprimer : Boîte aux lettres — Julie Tremblay"));
    assert!(got
        .iter()
        .any(|(t, _)| t.contains("immédiatement : applications et dossiers RH, RF, TI")));

    // The director sees the tasks on the request's page; the employee does not see it at all.
    let page = app
        .signed_in(MANAGER_A)
        .await
        .get(&format!("/requests/{number}"))
        .await;
    assert!(page.body.contains("Tâches de départ"), "{}", page.body);
    assert!(
        page.body.contains("Supprimer : Boîte aux lettres"),
        "{}",
        page.body
    );
    assert_eq!(
        app.api(REQUESTER_A)
            .get(&format!("/api/v1/requests/{number}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Julie keeps her account until 30 days after her last day, then loses it once.
    let julie = app.signed_in(REQUESTER_A).await;
    let mut conn = app.conn();
    assert_eq!(departures::apply_due(&mut conn, effective).unwrap(), 0);
    assert!(active(&app, REQUESTER_A));
    assert_eq!(
        departures::apply_due(&mut conn, effective + Days::new(30)).unwrap(),
        1
    );
    assert!(!active(&app, REQUESTER_A));
    assert_eq!(
        julie.get("/requests").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        departures::apply_due(&mut conn, effective + Days::new(31)).unwrap(),
        0,
        "done once"
    );
    let trail: i64 = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("user.deactivate"))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(trail, 1);
}

#[actix_rt::test]
async fn a_dismissal_ends_access_at_once_and_a_move_keeps_the_account_but_not_the_roles() {
    let app = TestApp::new().await;
    declare(&app, REQUESTER_A, "dismissal", today()).await;
    assert!(!active(&app, REQUESTER_A), "deactivated the same day");

    let number = declare(&app, REQUESTER_B, "mutation", today()).await;
    let got = tasks(&app, &number);
    assert!(
        got.iter().all(|(t, _)| !t.contains("Boîte aux lettres")),
        "a move keeps the mailbox: {got:#?}"
    );
    let mut conn = app.conn();
    departures::apply_due(&mut conn, today() + Days::new(30)).unwrap();
    assert!(active(&app, REQUESTER_B), "a move keeps the account");
    let bruno = guichet::users::queries::by_email(&mut conn, REQUESTER_B)
        .unwrap()
        .unwrap()
        .id;
    let roles = guichet::users::queries::roles_of(&mut conn, bruno).unwrap();
    assert!(roles.is_empty(), "the new unit gives new roles: {roles:?}");
}

#[actix_rt::test]
async fn the_matrix_is_edited_by_admins_only_checked_and_audited() {
    let app = TestApp::new().await;
    assert_eq!(
        app.signed_in(TECH_TI)
            .await
            .get("/admin/departures")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let b = app.signed_in(ADMIN).await;
    let page = b.get("/admin/departures").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Après 30 jours (RH, RF, TI immédiatement)"),
        "{}",
        page.body
    );
    let bad = b
        .post("/admin/departures", &[("mailbox.resignation", "demain")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let before = departures::rules(&mut app.conn()).unwrap();
    assert_eq!(
        before
            .iter()
            .find(|r| r.resource == "mailbox")
            .unwrap()
            .resignation,
        "after_13m"
    );
    let ok = b
        .post("/admin/departures", &[("mailbox.resignation", "after_36m")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = departures::rules(&mut app.conn()).unwrap();
    assert_eq!(
        after
            .iter()
            .find(|r| r.resource == "mailbox")
            .unwrap()
            .resignation,
        "after_36m"
    );
    let effective = today();
    let number = declare(&app, "quelquun@ailleurs.test", "resignation", effective).await;
    assert!(tasks(&app, &number)
        .iter()
        .any(|(t, due)| t.starts_with("Supprimer : Boîte aux lettres")
            && *due == effective + Months::new(36)));
    let trail: i64 = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.eq("departure_rule.update"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(trail, 1);
}
