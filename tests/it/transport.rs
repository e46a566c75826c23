//! Transport requests: the trip rules (clear, localized refusals that create nothing), the
//! director's approval then the carrier's confirmation with its emails, changes and cancellations
//! told to the carrier, capacity and double-booking warnings, the calendar, the weekly CSV, the
//! subscription feeds (parsed back by an iCalendar parser) and who may see what.

use crate::support::app::Resp;
use crate::support::*;
use actix_web::http::StatusCode;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use guichet::transport::form::{earliest_date, is_business_day};
use serde_json::{json, Value};

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::America::Toronto)
        .date_naive()
}

/// A business day comfortably past the minimum notice.
fn trip_day(extra: i64) -> NaiveDate {
    let mut d = earliest_date(today(), 15) + Duration::days(extra);
    while !is_business_day(d) {
        d += Duration::days(1);
    }
    d
}

fn fields(day: NaiveDate, extra: Value) -> Value {
    let mut v = json!({
        "date_sortie": day.to_string(), "heure_depart": "08:30", "heure_retour": "15:00",
        "destination": "Musée de la civilisation", "adresse_destination": "85, rue Dalhousie, Québec",
        "eleves": 48, "adultes": 4, "type_vehicule": "autobus", "code_budgetaire": "5-123-456",
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

async fn ask(app: &TestApp, who: &str, fields: Value) -> Resp {
    app.api(who)
        .post(
            "/api/v1/requests",
            json!({"category": "tr-voyage", "title": "Sortie au musée", "fields": fields}),
        )
        .await
}

/// A trip asked for by Julie and approved by her director: its number.
async fn approved_trip(app: &TestApp, fields: Value) -> String {
    let res = ask(app, REQUESTER_A, fields).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let number = res.json()["number"].as_str().unwrap().to_string();
    let res = app
        .api(MANAGER_A)
        .post(
            &format!("/api/v1/requests/{number}/approval"),
            json!({"decision": "approve", "comment": ""}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    number
}

fn trips_count(app: &TestApp) -> i64 {
    use guichet::db::schema::trips;
    trips::table.count().get_result(&mut app.conn()).unwrap()
}

fn requests_count(app: &TestApp) -> i64 {
    use guichet::db::schema::requests;
    requests::table.count().get_result(&mut app.conn()).unwrap()
}

/// A carrier saved through its page by the transport service: its id.
async fn carrier(app: &TestApp, name: &str, email: &str, fleet: &[(&str, &str)]) -> i64 {
    let b = app.signed_in(TECH_TR).await;
    b.get("/transport/carriers").await;
    let mut form = vec![
        ("name", name),
        ("contact_name", "Martine Gagnon"),
        ("email", email),
        ("phone", "450 555-0142"),
    ];
    form.extend_from_slice(fleet);
    let res = b.post("/transport/carriers", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    use guichet::db::schema::carriers;
    carriers::table
        .filter(carriers::name.eq(name))
        .select(carriers::id)
        .first(&mut app.conn())
        .unwrap()
}

async fn confirm(app: &TestApp, number: &str, carrier: i64) -> Resp {
    let b = app.signed_in(TECH_TR).await;
    b.get(&format!("/requests/{number}")).await;
    b.post(
        &format!("/requests/{number}/trip/confirm"),
        &[("carrier", &carrier.to_string()), ("note", "")],
    )
    .await
}

/// Queued messages of the trip templates: (template, recipient, payload).
fn trip_mail(app: &TestApp) -> Vec<(String, String, Value)> {
    use guichet::db::schema::outbox;
    outbox::table
        .filter(outbox::template.like("trip%"))
        .order(outbox::id)
        .select((outbox::template, outbox::recipient, outbox::payload))
        .load(&mut app.conn())
        .unwrap()
}

/// Sends what is queued to a folder (no SMTP) and reads the messages back: (to, subject, text).
fn deliver(app: &TestApp) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let mut s = (*app.state.settings).clone();
    s.mail_dir = dir.path().to_path_buf();
    let m = guichet::notify::mailer::Mailer::from_settings(&s).unwrap();
    m.send_due(&mut app.conn(), 100).unwrap();
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
        out.push((
            msg.to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or("")
                .to_string(),
            msg.subject().unwrap_or("").to_string(),
            msg.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
        ));
    }
    out
}

#[actix_rt::test]
async fn a_trip_that_breaks_a_rule_is_refused_clearly_and_nothing_is_created() {
    let app = TestApp::new().await;
    let before = requests_count(&app);
    // In the past, back before leaving, nobody on board.
    let res = ask(
        &app,
        REQUESTER_A,
        fields(
            today() - Duration::days(1),
            json!({"heure_retour": "08:00", "eleves": 0, "adultes": 0}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let errors = &res.json()["error"]["fields"];
    assert_eq!(
        errors["fields.date_sortie"][0],
        "La date du déplacement est déjà passée."
    );
    assert_eq!(
        errors["fields.heure_retour"][0],
        "Le retour doit avoir lieu après le départ."
    );
    assert_eq!(
        errors["fields.eleves"][0],
        "Indiquez au moins un passager (élève ou adulte)."
    );
    // Too short a notice: the first possible date, and how to ask anyway.
    let soon = earliest_date(today(), 10) - Duration::days(1);
    let res = ask(&app, REQUESTER_A, fields(soon, json!({}))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let msg = res.json()["error"]["fields"]["fields.date_sortie"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.starts_with("Un transport se demande au moins 10 jours ouvrables"),
        "{msg}"
    );
    assert!(
        msg.contains(&guichet::i18n::format_date(
            guichet::i18n::Locale::Fr,
            earliest_date(today(), 10)
        )),
        "{msg}"
    );
    // In English for an English request.
    let mut english = app.api(REQUESTER_A);
    english.lang = Some("en");
    let res = english
        .post(
            "/api/v1/requests",
            json!({"category": "tr-voyage", "title": "Trip", "fields": fields(soon, json!({}))}),
        )
        .await;
    assert!(
        res.json()["error"]["fields"]["fields.date_sortie"][0]
            .as_str()
            .unwrap()
            .starts_with("Transportation must be asked for at least 10 business days ahead"),
        "{}",
        res.body
    );
    assert_eq!(requests_count(&app), before, "nothing was created");
    assert_eq!(trips_count(&app), 0);

    // With a reason, the urgent trip is taken, reason kept; the times are the board's.
    let res = ask(
        &app,
        REQUESTER_A,
        fields(
            soon.max(today() + Duration::days(1)),
            json!({"raison_urgence": "Tournoi reporté par la fédération"}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let day = trip_day(0);
    let res = ask(&app, REQUESTER_A, fields(day, json!({}))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["status"], "awaiting_approval");
    use guichet::db::schema::trips;
    let rows: Vec<(chrono::DateTime<Utc>, String, Option<String>, i32)> = trips::table
        .order(trips::request_id)
        .select((
            trips::departs_at,
            trips::origin,
            trips::urgent_reason,
            trips::vehicles,
        ))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].2.as_deref(),
        Some("Tournoi reporté par la fédération")
    );
    assert_eq!(rows[1].2, None);
    assert_eq!(
        rows[1].0,
        chrono_tz::America::Toronto
            .from_local_datetime(&day.and_hms_opt(8, 30, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    );
    assert_eq!(
        rows[1].1, "Immeuble principal",
        "from the school by default"
    );
    assert_eq!(rows[1].3, 1, "one vehicle unless told");
}

#[actix_rt::test]
async fn approval_then_confirmation_tells_the_requester_and_the_carrier() {
    let app = TestApp::new().await;
    let boreal = carrier(
        &app,
        "Autobus Boréal",
        "reservations@boreal.test",
        &[("fleet_autobus", "4")],
    )
    .await;
    let number = approved_trip(&app, fields(trip_day(0), json!({}))).await;

    // A carrier is confirmed with the carrier: the bare status change is refused.
    let res = app
        .api(TECH_TR)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "carrier_confirmed", "note": "Autobus Boréal"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(
        res.body.contains("Choisissez d'abord le transporteur"),
        "{}",
        res.body
    );
    // The requester may not book a carrier.
    let julie = app.signed_in(REQUESTER_A).await;
    let page = julie.get(&format!("/requests/{number}")).await;
    assert!(
        !page.body.contains("trip/confirm"),
        "no confirm form for her"
    );
    let res = julie
        .post(
            &format!("/requests/{number}/trip/confirm"),
            &[("carrier", &boreal.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(trip_mail(&app).is_empty());
    deliver(&app); // what the approval sent

    let res = confirm(&app, &number, boreal).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let r = app
        .api(REQUESTER_A)
        .get(&format!("/api/v1/requests/{number}"))
        .await
        .json();
    assert_eq!(r["status_label"], "Transporteur confirmé");
    let queued: Vec<(String, String)> = trip_mail(&app)
        .into_iter()
        .map(|(t, to, _)| (t, to))
        .collect();
    assert_eq!(
        queued,
        [
            (
                "trip_carrier".to_string(),
                "reservations@boreal.test".to_string()
            ),
            ("trip_confirmed".to_string(), REQUESTER_A.to_string()),
        ]
    );
    let mails = deliver(&app);
    let to_julie = mails.iter().find(|m| m.0 == REQUESTER_A).unwrap();
    assert_eq!(
        to_julie.1,
        format!("[{number}] Transport confirmé : Sortie au musée")
    );
    assert!(
        to_julie
            .2
            .contains("Transporteur : Autobus Boréal (Martine Gagnon), 450 555-0142"),
        "{}",
        to_julie.2
    );
    assert!(to_julie.2.contains("8 h 30"), "{}", to_julie.2);
    let to_carrier = mails
        .iter()
        .find(|m| m.0 == "reservations@boreal.test")
        .unwrap();
    assert!(
        to_carrier
            .1
            .contains(&format!("Réservation de transport {number} — ")),
        "{}",
        to_carrier.1
    );
    assert!(
        to_carrier.2.contains("Passagers : 48 élèves et 4 adultes"),
        "{}",
        to_carrier.2
    );
    assert!(
        to_carrier.2.contains("85, rue Dalhousie, Québec"),
        "{}",
        to_carrier.2
    );
    // Confirming again with the same carrier sends nothing more.
    assert_eq!(
        confirm(&app, &number, boreal).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(deliver(&app).is_empty(), "nothing sent twice");
    // The page shows the carrier to everyone who reads it.
    let page = julie.get(&format!("/requests/{number}")).await;
    assert!(
        page.body.contains("Autobus Boréal — Martine Gagnon"),
        "{}",
        page.body
    );
}

#[actix_rt::test]
async fn a_change_or_a_cancellation_after_confirmation_reaches_the_carrier() {
    let app = TestApp::new().await;
    let boreal = carrier(
        &app,
        "Autobus Boréal",
        "reservations@boreal.test",
        &[("fleet_autobus", "4")],
    )
    .await;
    let day = trip_day(0);
    let number = approved_trip(&app, fields(day, json!({}))).await;
    assert_eq!(
        confirm(&app, &number, boreal).await.status,
        StatusCode::SEE_OTHER
    );
    deliver(&app);

    // Another school's requester cannot even see the change form.
    let bruno = app.signed_in(REQUESTER_B).await;
    assert_eq!(
        bruno.get(&format!("/requests/{number}/trip")).await.status,
        StatusCode::NOT_FOUND
    );
    let julie = app.signed_in(REQUESTER_A).await;
    let page = julie.get(&format!("/requests/{number}/trip")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("value=\"08:30\""), "{}", page.body);
    let form = |depart: &'static str, back: &'static str| {
        vec![
            ("f_date_sortie", day.to_string()),
            ("f_heure_depart", depart.to_string()),
            ("f_heure_retour", back.to_string()),
            ("f_destination", "Musée de la civilisation".to_string()),
            (
                "f_adresse_destination",
                "85, rue Dalhousie, Québec".to_string(),
            ),
            ("f_eleves", "48".to_string()),
            ("f_adultes", "4".to_string()),
            ("f_type_vehicule", "autobus".to_string()),
            ("f_code_budgetaire", "5-123-456".to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let julie = &julie;
        let number = number.clone();
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            julie
                .post(&format!("/requests/{number}/trip"), &pairs)
                .await
        }
    };
    // A bad change is refused, with the field's message, and changes nothing.
    let res = post(form("16:00", "15:00")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .body
        .contains("Le retour doit avoir lieu après le départ."));
    assert!(deliver(&app).is_empty());
    // A real change: the carrier gets what changed.
    let res = post(form("09:15", "15:00")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let back = res.location();
    let mails = deliver(&app);
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].0, "reservations@boreal.test");
    assert!(
        mails[0].1.contains("Modification d'un transport"),
        "{}",
        mails[0].1
    );
    assert!(mails[0].2.contains("Ce qui a changé :"), "{}", mails[0].2);
    assert!(mails[0].2.contains("8 h 30 → "), "{}", mails[0].2);
    assert!(mails[0].2.contains("9 h 15"), "{}", mails[0].2);
    let page = julie.get(&back).await;
    assert!(
        page.body.contains("Le déplacement a été modifié."),
        "{}",
        page.body
    );
    // The timeline says what changed, and which carrier was chosen.
    assert!(
        page.body.contains("Déplacement modifié : "),
        "{}",
        page.body
    );
    assert!(page.body.contains("Départ : "), "{}", page.body);
    assert!(page.body.contains(", 9 h 15."), "{}", page.body);
    assert!(
        page.body.contains("Transporteur retenu : "),
        "{}",
        page.body
    );

    // Cancelled by the requester: the carrier hears it once.
    let res = app
        .api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{number}/transitions"),
            json!({"to": "cancelled", "note": "Sortie reportée"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mails = deliver(&app);
    let to_carrier: Vec<_> = mails
        .iter()
        .filter(|m| m.0 == "reservations@boreal.test")
        .collect();
    assert_eq!(to_carrier.len(), 1, "{mails:?}");
    assert!(to_carrier[0].1.contains("Annulation d'un transport"));
    // A cancelled trip can no longer change.
    let res = post(form("10:00", "15:00")).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
}

#[actix_rt::test]
async fn capacity_and_double_booking_are_flagged_to_the_transport_service() {
    let app = TestApp::new().await;
    let small = carrier(
        &app,
        "Petit Transport",
        "petit@transport.test",
        &[("fleet_autobus", "1")],
    )
    .await;
    let day = trip_day(0);
    // 80 passengers in one school bus (72 places).
    let crowded = approved_trip(&app, fields(day, json!({"eleves": 76, "adultes": 4}))).await;
    let louis = app.signed_in(TECH_TR).await;
    let page = louis.get(&format!("/requests/{crowded}")).await;
    assert!(
        page.body.contains("80 passagers pour 72 places"),
        "{}",
        page.body
    );
    assert_eq!(
        confirm(&app, &crowded, small).await.status,
        StatusCode::SEE_OTHER
    );

    // A second trip at an overlapping time with the same carrier's only bus.
    let other = approved_trip(
        &app,
        fields(
            day,
            json!({"heure_depart": "13:00", "heure_retour": "17:00"}),
        ),
    )
    .await;
    let page = louis.get(&format!("/requests/{other}")).await;
    assert!(
        page.body
            .contains("Petit Transport — Ce transporteur aurait besoin de 2 véhicules de ce type en même temps; il en a 1."),
        "the choice says it: {}",
        page.body
    );
    assert_eq!(
        confirm(&app, &other, small).await.status,
        StatusCode::SEE_OTHER
    );
    let page = louis.get(&format!("/requests/{other}")).await;
    assert!(
        page.body.contains("aurait besoin de 2 véhicules"),
        "{}",
        page.body
    );
    // A trip that starts when the first one is back does not overlap.
    let later = approved_trip(
        &app,
        fields(
            day,
            json!({"heure_depart": "17:00", "heure_retour": "18:00"}),
        ),
    )
    .await;
    assert_eq!(
        confirm(&app, &later, small).await.status,
        StatusCode::SEE_OTHER
    );
    let page = louis.get(&format!("/requests/{later}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("aurait besoin de"), "{}", page.body);
    // A carrier without the vehicle type is flagged too.
    let taxis = carrier(&app, "Taxi Coop", "taxi@coop.test", &[("fleet_taxi", "5")]).await;
    let page = louis.get(&format!("/requests/{later}")).await;
    assert!(
        page.body
            .contains("Taxi Coop — Ce transporteur n&#x27;a aucun véhicule de ce type."),
        "{}",
        page.body
    );
    let _ = taxis;
    // The calendar's week shows the warnings next to the trips.
    let cal = louis.get(&format!("/transport?view=week&date={day}")).await;
    assert_eq!(cal.status, StatusCode::OK, "{}", cal.body);
    assert!(
        cal.body.contains("80 passagers pour 72 places"),
        "{}",
        cal.body
    );
    assert!(
        cal.body.contains("3 transports dans cette période."),
        "{}",
        cal.body
    );
}

#[actix_rt::test]
async fn the_weekly_csv_and_the_calendar_feeds_carry_the_carrier_s_trips() {
    let app = TestApp::new().await;
    let boreal = carrier(
        &app,
        "Autobus Boréal",
        "reservations@boreal.test",
        &[("fleet_autobus", "4")],
    )
    .await;
    let other = carrier(
        &app,
        "Autre Autobus",
        "autre@autobus.test",
        &[("fleet_autobus", "4")],
    )
    .await;
    let day = trip_day(0);
    let monday = guichet::transport::export::week_start(day);
    let a = approved_trip(
        &app,
        fields(
            day,
            json!({"notes_transporteur": "Entrée principale; « merci »"}),
        ),
    )
    .await;
    let b = approved_trip(&app, fields(day, json!({"heure_depart": "09:00"}))).await;
    let next_week = approved_trip(&app, fields(trip_day(7), json!({}))).await;
    let elsewhere = approved_trip(&app, fields(day, json!({}))).await;
    for n in [&a, &b, &next_week] {
        assert_eq!(confirm(&app, n, boreal).await.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        confirm(&app, &elsewhere, other).await.status,
        StatusCode::SEE_OTHER
    );
    // Cancelled trips leave the export.
    app.api(REQUESTER_A)
        .post(
            &format!("/api/v1/requests/{b}/transitions"),
            json!({"to": "cancelled", "note": "Annulée"}),
        )
        .await;

    let louis = app.signed_in(TECH_TR).await;
    let csv = louis
        .get(&format!(
            "/transport/export.csv?carrier={boreal}&week={day}"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .contains(&format!("transport-autobus-bor-al-{monday}.csv")));
    let text = csv.body.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        headers,
        [
            "Demande",
            "Date",
            "Départ",
            "Retour",
            "Unité",
            "Lieu de départ",
            "Destination",
            "Adresse",
            "Élèves",
            "Adultes",
            "Fauteuils roulants",
            "Véhicule adapté",
            "Type de véhicule",
            "Véhicules",
            "Code budgétaire",
            "Notes pour le transporteur",
            "Statut"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "one live trip that week: {text}");
    assert_eq!(&rows[0][0], a.as_str());
    assert_eq!(&rows[0][1], day.to_string().as_str());
    assert_eq!(&rows[0][2], "08:30");
    assert_eq!(&rows[0][4], "École A");
    assert_eq!(&rows[0][12], "Autobus scolaire");
    assert_eq!(&rows[0][15], "Entrée principale; « merci »");
    assert_eq!(&rows[0][16], "Transporteur confirmé");
    // A requester may not export.
    let julie = app.signed_in(REQUESTER_A).await;
    assert_eq!(
        julie
            .get(&format!(
                "/transport/export.csv?carrier={boreal}&week={day}"
            ))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A subscription link for the carrier, shown once, works without signing in.
    louis.get("/transport/feeds").await;
    let res = louis
        .post(
            "/transport/feeds",
            &[("target", &format!("carrier:{boreal}"))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let start = res.body.find("/feeds/trips/").unwrap();
    let end = res.body[start..].find(".ics").unwrap() + start + 4;
    let path = res.body[start..end].to_string();
    let anonymous = app.browser();
    let ics = anonymous.get(&path).await;
    assert_eq!(ics.status, StatusCode::OK, "{}", ics.body);
    assert!(ics
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(ics.body.as_bytes()));
    let cal = parser.next().unwrap().unwrap();
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let mut summaries: Vec<(String, String, String)> = cal
        .events
        .iter()
        .map(|e| (prop(e, "SUMMARY"), prop(e, "STATUS"), prop(e, "DTSTART")))
        .collect();
    summaries.sort();
    assert_eq!(
        summaries.len(),
        3,
        "the carrier's three trips, not the other's: {summaries:?}"
    );
    let first = summaries.iter().find(|s| s.0.starts_with(&a)).unwrap();
    assert_eq!(first.0, format!("{a} — École A → Musée de la civilisation"));
    assert_eq!(first.1, "CONFIRMED");
    let utc = chrono_tz::America::Toronto
        .from_local_datetime(&day.and_hms_opt(8, 30, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(first.2, utc.format("%Y%m%dT%H%M%SZ").to_string());
    let cancelled = summaries.iter().find(|s| s.0.starts_with(&b)).unwrap();
    assert_eq!(cancelled.1, "CANCELLED", "calendars drop it");
    assert!(!summaries.iter().any(|s| s.0.starts_with(&elsewhere)));

    // Revoked, the link stops working; a made-up one never did.
    let page = louis.get("/transport/feeds").await;
    assert!(page.body.contains("Autobus Boréal"), "{}", page.body);
    let id: i64 = {
        use guichet::db::schema::trip_feeds;
        trip_feeds::table
            .select(trip_feeds::id)
            .first(&mut app.conn())
            .unwrap()
    };
    let res = louis
        .post(&format!("/transport/feeds/{id}/revoke"), &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(anonymous.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        anonymous
            .get("/feeds/trips/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A director subscribes their own unit, not another one.
    let marc = app.signed_in(MANAGER_A).await;
    let page = marc.get("/transport/feeds").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        !page.body.contains("Autobus Boréal"),
        "no carriers for a director"
    );
    let ids: Vec<(i64, String)> = {
        use guichet::db::schema::units;
        units::table
            .select((units::id, units::code))
            .load(&mut app.conn())
            .unwrap()
    };
    let unit = |code: &str| ids.iter().find(|(_, c)| c == code).unwrap().0;
    let res = marc
        .post(
            "/transport/feeds",
            &[("target", &format!("unit:{}", unit("ecole-b")))],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = marc
        .post(
            "/transport/feeds",
            &[("target", &format!("unit:{}", unit("ecole-a")))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("/feeds/trips/"));
}

#[actix_rt::test]
async fn trips_are_listed_to_those_who_may_read_them() {
    let app = TestApp::new().await;
    let day = trip_day(0);
    let a = approved_trip(&app, fields(day, json!({}))).await;
    let res = ask(
        &app,
        REQUESTER_B,
        fields(day, json!({"destination": "Biodôme"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let b = res.json()["number"].as_str().unwrap().to_string();
    let query = format!("/api/v1/trips?from={day}&to={day}");
    let numbers = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t["number"].as_str().unwrap().to_string())
            .collect()
    };
    let all = app.api(TECH_TR).get(&query).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(numbers(all.json()), [a.clone(), b.clone()]);
    assert_eq!(all.json()[0]["departs_at"].as_str().unwrap().len(), 20);
    assert_eq!(
        numbers(app.api(REQUESTER_B).get(&query).await.json()),
        std::slice::from_ref(&b)
    );
    assert_eq!(
        numbers(app.api(MANAGER_A).get(&query).await.json()),
        std::slice::from_ref(&a)
    );
    assert!(numbers(app.api(TECH_TI).get(&query).await.json()).is_empty());
    let bad = app.api(TECH_TR).get("/api/v1/trips?from=demain").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let backwards = app
        .api(TECH_TR)
        .get(&format!(
            "/api/v1/trips?from={day}&to={}",
            day - Duration::days(1)
        ))
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Bruno's upcoming trips are his; the calendar's month and table views open for him too.
    let bruno = app.signed_in(REQUESTER_B).await;
    let page = bruno.get("/transport/upcoming").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&b) && !page.body.contains(&a),
        "{}",
        page.body
    );
    for view in ["month", "week", "day"] {
        let page = bruno
            .get(&format!("/transport?view={view}&date={day}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{view}: {}", page.body);
        assert!(page.body.contains(&b) && !page.body.contains(&a), "{view}");
    }
    let table = bruno
        .get(&format!("/transport?view=month&date={day}&layout=table"))
        .await;
    assert!(table.body.contains("<th scope=\"col\">Destination</th>"));
    // Carriers are the transport service's.
    assert_eq!(
        bruno.get("/transport/carriers").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bruno.get("/transport/feeds").await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_rt::test]
async fn carriers_and_the_notice_are_checked_and_audited() {
    let app = TestApp::new().await;
    let louis = app.signed_in(TECH_TR).await;
    louis.get("/transport/carriers").await;
    let res = louis
        .post(
            "/transport/carriers",
            &[
                ("name", ""),
                ("email", "pas-une-adresse"),
                ("fleet_autobus", "deux"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Entrez une adresse courriel valide."));
    assert!(res.body.contains("Entrez un nombre entier."));
    assert!(
        res.body.contains("value=\"deux\""),
        "the form keeps what was typed"
    );
    let id = carrier(
        &app,
        "Autobus Boréal",
        "x@boreal.test",
        &[("fleet_autobus", "3")],
    )
    .await;
    let res = louis
        .post(
            "/transport/carriers",
            &[("name", "Autobus Boréal"), ("email", "y@boreal.test")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("Un transporteur porte déjà ce nom."));
    let page = louis.get("/transport/carriers").await;
    assert!(page.body.contains("3 × Autobus scolaire"), "{}", page.body);
    let edit = louis.get(&format!("/transport/carriers/{id}")).await;
    assert_eq!(edit.status, StatusCode::OK);

    // The notice: 0 lets a trip be asked for tomorrow; bad values are refused.
    let res = louis
        .post("/transport/settings", &[("notice_days", "beaucoup")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = louis
        .post("/transport/settings", &[("notice_days", "0")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut tomorrow = today() + Duration::days(1);
    while !is_business_day(tomorrow) {
        tomorrow += Duration::days(1);
    }
    let res = ask(&app, REQUESTER_A, fields(tomorrow, json!({}))).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let actions: Vec<String> = {
        use guichet::db::schema::audit_log;
        audit_log::table
            .filter(
                audit_log::action
                    .like("transport.%")
                    .or(audit_log::action.like("carrier.%")),
            )
            .select(audit_log::action)
            .order(audit_log::id)
            .load(&mut app.conn())
            .unwrap()
    };
    assert_eq!(actions, ["carrier.save", "transport.notice"]);
    let julie = app.signed_in(REQUESTER_A).await;
    julie.get("/requests").await;
    assert_eq!(
        julie
            .post("/transport/settings", &[("notice_days", "0")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
