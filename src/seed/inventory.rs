//! The demo's equipment, in every status.

use crate::auth::CurrentUser;
use crate::db::RoomId;
use crate::error::AppError;
use crate::units::queries as units;
use diesel::prelude::*;

/// Equipment in every status: projectors and whiteboards in classrooms, Chromebook carts, a
/// teacher's laptop, a printer; some in repair, missing or retired.
pub(super) fn inventory(
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
    crate::inventory::queries::lend_all_of(conn, sti)?;
    Ok(())
}
