//! Recurring requests: scheduled from the administration (with clear errors), created by the
//! job once per occurrence and unit — also when two servers run the job at the same moment and
//! when a server was stopped on the day — and never before the schedule starts.

use crate::support::*;
use actix_web::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;
use guichet::recurring::service::run_due;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn scheduled(app: &TestApp) -> Vec<(String, i64, String)> {
    use guichet::db::schema::{requests, units};
    requests::table
        .inner_join(units::table)
        .filter(requests::source.eq("schedule"))
        .order(requests::id)
        .select((requests::title, requests::number, units::code))
        .load::<(String, i64, String)>(&mut app.conn())
        .unwrap()
}

async fn schedule_tni(app: &TestApp) {
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .post(
            "/admin/recurring",
            &[
                ("title", "Inventaire annuel des TNI"),
                ("category", "ti-projecteur"),
                ("requester", ADMIN),
                ("unit_ecole-a", "on"),
                ("unit_ecole-b", "on"),
                ("frequency", "yearly"),
                ("month", "8"),
                ("day", "1"),
                ("starts_on", "2026-01-01"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

#[actix_rt::test]
async fn every_august_each_school_gets_its_request_once() {
    let app = TestApp::new().await;
    schedule_tni(&app).await;
    let list = app.signed_in(ADMIN).await.get("/admin/recurring").await;
    assert!(list.body.contains("Inventaire annuel des TNI"));
    assert!(list.body.contains("Chaque année, le 1/8"));

    let mut c = app.conn();
    assert_eq!(run_due(&mut c, d(2026, 7, 31)).unwrap(), 0);
    assert_eq!(run_due(&mut c, d(2026, 8, 1)).unwrap(), 2);
    assert_eq!(run_due(&mut c, d(2026, 8, 1)).unwrap(), 0, "not twice");
    assert_eq!(run_due(&mut c, d(2026, 12, 15)).unwrap(), 0);
    // Stopped on 1 and 2 August 2027: caught up on the 3rd, once.
    assert_eq!(run_due(&mut c, d(2027, 8, 3)).unwrap(), 2);
    assert_eq!(run_due(&mut c, d(2027, 8, 4)).unwrap(), 0);
    drop(c);
    let made = scheduled(&app);
    assert_eq!(made.len(), 4);
    assert_eq!(
        made.iter().map(|m| m.2.as_str()).collect::<Vec<_>>(),
        ["ecole-a", "ecole-b", "ecole-a", "ecole-b"]
    );

    // The school's director sees their school's request, not the other one's.
    let mine = app
        .signed_in(MANAGER_A)
        .await
        .get("/requests?view=unit")
        .await;
    assert!(mine.body.contains("Inventaire annuel des TNI"));
    let b_number = format!("DS-{:06}", made[1].1);
    assert_eq!(
        app.api(MANAGER_A)
            .get(&format!("/api/v1/requests/{b_number}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_rt::test]
async fn two_servers_running_the_job_together_create_each_request_once() {
    let app = TestApp::new().await;
    schedule_tni(&app).await;
    let pool = app.state.pool.clone();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let pool = pool.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut c = pool.get().unwrap();
                barrier.wait();
                run_due(&mut c, d(2026, 8, 1)).unwrap()
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, 2);
    assert_eq!(scheduled(&app).len(), 2);
}

#[actix_rt::test]
async fn a_schedule_with_mistakes_is_refused_and_an_inactive_one_creates_nothing() {
    let app = TestApp::new().await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .post(
            "/admin/recurring",
            &[
                ("title", "Vérification mensuelle"),
                ("category", "tr-sortie"),
                ("requester", ADMIN),
                ("frequency", "weekly"),
                ("day", "9"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for msg in [
        "Cochez au moins une unité.",
        "La valeur doit être comprise entre 1 et 7.",
        "date_sortie",
    ] {
        assert!(res.body.contains(msg), "{msg}");
    }
    let res = admin
        .post(
            "/admin/recurring",
            &[
                ("title", "Inactive"),
                ("category", "ti-projecteur"),
                ("requester", ADMIN),
                ("unit_ecole-a", "on"),
                ("frequency", "monthly"),
                ("day", "1"),
                ("starts_on", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(run_due(&mut app.conn(), d(2026, 8, 1)).unwrap(), 0);
    let count: i64 = {
        use guichet::db::schema::recurring_requests::dsl::*;
        recurring_requests
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(count, 1);
}
