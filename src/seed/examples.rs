//! An automation rule and a recurring request, as administrators first see them.

use crate::auth::CurrentUser;
use crate::db::UserId;
use crate::error::AppError;
use crate::units::model::UnitKind;
use crate::units::queries as units;
use crate::users::queries as users;
use crate::users::service::{self as accounts};
use diesel::prelude::*;

/// An automation rule and a recurring request, so administrators see what they look like.
pub(super) fn examples(conn: &mut PgConnection, admin: &CurrentUser) -> Result<(), AppError> {
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

pub(super) fn identity_of(conn: &mut PgConnection, id: UserId) -> Result<CurrentUser, AppError> {
    let u = users::find(conn, id)?;
    Ok(accounts::identity(conn, &u)?)
}
