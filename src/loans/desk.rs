//! The lending desk: checkout with the acknowledgement of the conditions, checkin with a
//! condition report (damage opens an IT request linked to the asset; a missing asset is marked
//! and the director told).

use super::model::*;
use super::queries::{self};
use super::service::{booked, event, invalid, load, rule, tell_directors};
use crate::audit;
use crate::auth::CurrentUser;
use crate::db::{AssetId, LoanId, UserId};
use crate::error::{AppError, FieldErrors, Msg};
use crate::inventory::model::{Asset, AssetEventKind, AssetStatus, NewAssetEvent};
use crate::inventory::queries as inventory;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutCmd {
    /// The inventory numbers handed over (scanned or typed); for a quantity of a model, exactly
    /// that many of the pool. For booked assets, optional.
    #[serde(default)]
    pub assets: Vec<String>,
    /// The borrower accepts the conditions here, at the desk (unless they already did).
    #[serde(default)]
    pub acknowledged: bool,
}

fn set_asset_status(
    conn: &mut PgConnection,
    actor: UserId,
    asset: &Asset,
    to: AssetStatus,
    kind: AssetEventKind,
    data: serde_json::Value,
) -> Result<(), AppError> {
    if asset.status == to {
        return Ok(());
    }
    if !asset.status.can_become(to) {
        return Err(AppError::Rule(
            Msg::new("asset-status-refused")
                .arg_label("from", "asset-status", asset.status)
                .arg_label("to", "asset-status", to),
        ));
    }
    inventory::set_status(conn, asset.id, to)?;
    let mut data = data;
    data["from"] = json!(asset.status);
    data["to"] = json!(to);
    inventory::insert_events(
        conn,
        &[NewAssetEvent {
            asset_id: asset.id,
            kind,
            actor_id: Some(actor),
            request_id: None,
            data,
        }],
    )?;
    Ok(())
}

/// The lending desk hands the equipment over.
pub fn checkout(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    cmd: CheckoutCmd,
    conditions: &str,
    now: DateTime<Utc>,
) -> Result<Loan, AppError> {
    if !user.lends() {
        return Err(AppError::Forbidden);
    }
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        match loan.status {
            LoanStatus::Approved => {}
            LoanStatus::Requested => return Err(rule("loan-needs-approval")),
            _ => return Err(rule("loan-closed")),
        }
        if loan.acknowledged_at.is_none() && !cmd.acknowledged {
            return Err(invalid("acknowledged", "loan-ack-required"));
        }
        if loan.due_at <= now {
            return Err(rule("loan-due-passed"));
        }
        let tags: Vec<String> = cmd
            .assets
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let from = now.min(loan.starts_at);
        match (loan.model_id, loan.quantity) {
            (Some(model), Some(q)) => {
                if tags.len() != q as usize {
                    return Err(AppError::Invalid(FieldErrors::single(
                        "assets",
                        Msg::new("loan-quantity-mismatch").arg("n", q),
                    )));
                }
                queries::lock_pool(conn, loan.lending_unit_id, model)?;
                for t in &tags {
                    let a = inventory::by_tag_for_update(conn, t)?
                        .filter(|a| {
                            a.model_id == model
                                && a.unit_id == loan.lending_unit_id
                                && a.loanable
                                && a.status == AssetStatus::InStock
                        })
                        .ok_or_else(|| {
                            AppError::Invalid(FieldErrors::single(
                                "assets",
                                Msg::new("loan-asset-not-in-pool").arg("label", t),
                            ))
                        })?;
                    queries::insert_item(conn, loan.id, a.id, from, loan.due_at, true)
                        .map_err(|e| booked(e, &a.tag))?;
                }
            }
            _ => {
                let items = queries::items(conn, loan.id)?;
                for t in &tags {
                    if !items
                        .iter()
                        .any(|i| i.active && i.tag.eq_ignore_ascii_case(t))
                    {
                        return Err(AppError::Invalid(FieldErrors::single(
                            "assets",
                            Msg::new("loan-asset-not-in-loan").arg("label", t),
                        )));
                    }
                }
                if from < loan.starts_at {
                    queries::set_items_period(conn, loan.id, Some(from), loan.due_at).map_err(
                        |e| booked(e, &items.first().map(|i| i.tag.clone()).unwrap_or_default()),
                    )?;
                }
                queries::check_out_items(conn, loan.id)?;
            }
        }
        for item in queries::items(conn, loan.id)?.iter().filter(|i| i.active) {
            let asset = inventory::find(conn, AssetId(item.asset_id))?;
            // Still with someone else (an overdue loan): it cannot be handed over twice.
            if asset.status != AssetStatus::InStock {
                return Err(AppError::Rule(
                    Msg::new("loan-asset-still-out").arg("label", &asset.tag),
                ));
            }
            set_asset_status(
                conn,
                user.id,
                &asset,
                AssetStatus::OnLoan,
                AssetEventKind::Loaned,
                json!({"loan": loan.id}),
            )?;
        }
        queries::set_checked_out(conn, loan.id, user.id)?;
        if loan.acknowledged_at.is_none() {
            // Accepted in person: the borrower's acceptance, recorded from the desk.
            queries::set_acknowledged(
                conn,
                loan.id,
                loan.borrower_id,
                user.ip.as_deref(),
                conditions,
            )?;
            event(
                conn,
                loan.id,
                LoanEventKind::Acknowledged,
                Some(user.id),
                json!({"at_desk": true, "ip": user.ip}),
            )?;
        }
        event(
            conn,
            loan.id,
            LoanEventKind::CheckedOut,
            Some(user.id),
            json!({"assets": tags}),
        )?;
        audit::record(
            conn,
            &user.origin(),
            "loan.checked_out",
            "loan",
            loan.id,
            json!({"assets": tags}),
        )?;
        Ok(queries::find(conn, loan.id)?)
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnedItem {
    /// Inventory number.
    pub tag: String,
    /// `ok`, `damaged` or `missing`.
    pub condition: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinCmd {
    /// The assets coming back (others stay out: a partial return).
    pub items: Vec<ReturnedItem>,
    /// The borrower agrees with the condition report.
    #[serde(default)]
    pub borrower_agreed: bool,
}

/// What a checkin did beyond the return itself.
#[derive(Debug, Clone, Default, serde::Serialize, ToSchema)]
pub struct CheckinOutcome {
    /// Requests opened for damaged equipment (`DS-000123`).
    pub repair_requests: Vec<String>,
    /// The loan is complete (every asset back).
    pub complete: bool,
}

/// The lending desk takes equipment back, with its condition.
pub fn checkin(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: LoanId,
    cmd: CheckinCmd,
) -> Result<CheckinOutcome, AppError> {
    if !user.lends() {
        return Err(AppError::Forbidden);
    }
    if cmd.items.is_empty() {
        return Err(invalid("items", "loan-nothing-returned"));
    }
    conn.transaction(|conn| {
        let loan = load(conn, user, id)?;
        if loan.status != LoanStatus::CheckedOut {
            return Err(rule("loan-not-out"));
        }
        let items = queries::items(conn, loan.id)?;
        let mut outcome = CheckinOutcome::default();
        let mut missing = Vec::new();
        for r in &cmd.items {
            let condition = Condition::parse(r.condition.trim())
                .ok_or_else(|| invalid("condition", "field-choice"))?;
            let item = items
                .iter()
                .find(|i| i.active && i.tag.eq_ignore_ascii_case(r.tag.trim()))
                .ok_or_else(|| AppError::Invalid(FieldErrors::single(
                    "items", Msg::new("loan-asset-not-in-loan").arg("label", r.tag.trim()))))?;
            if condition != Condition::Ok && r.note.trim().is_empty() {
                return Err(invalid("note", "loan-condition-note-required"));
            }
            queries::return_item(conn, item.id, condition, r.note.trim(), cmd.borrower_agreed)?;
            let asset = inventory::find(conn, AssetId(item.asset_id))?;
            let to = match condition {
                Condition::Ok => AssetStatus::InStock,
                Condition::Damaged => AssetStatus::InRepair,
                Condition::Missing => AssetStatus::Missing,
            };
            set_asset_status(conn, user.id, &asset, to, AssetEventKind::Returned,
                json!({"loan": loan.id, "condition": condition, "note": r.note.trim()}))?;
            match condition {
                Condition::Damaged => {
                    let n = open_repair(conn, user, &asset, &loan, r.note.trim())?;
                    outcome.repair_requests.push(n);
                }
                Condition::Missing => missing.push(asset.tag.clone()),
                Condition::Ok => {}
            }
        }
        let still_out = queries::items(conn, loan.id)?.iter().any(|i| i.active);
        if !still_out {
            queries::set_returned(conn, loan.id)?;
        }
        outcome.complete = !still_out;
        if !missing.is_empty() {
            tell_directors(conn, &loan, "loan_missing", json!({"assets": missing}))?;
        }
        event(conn, loan.id, LoanEventKind::Returned, Some(user.id), json!({
            "items": cmd.items.iter().map(|i| json!({"tag": i.tag, "condition": i.condition, "note": i.note})).collect::<Vec<_>>(),
            "borrower_agreed": cmd.borrower_agreed, "complete": outcome.complete,
            "repair_requests": outcome.repair_requests}))?;
        audit::record(conn, &user.origin(), "loan.returned", "loan", loan.id,
            json!({"complete": outcome.complete, "missing": missing}))?;
        Ok(outcome)
    })
}

/// An IT request for equipment that came back damaged, linked to the asset: in the first active
/// IT category whose form asks for nothing more than equipment.
fn open_repair(
    conn: &mut PgConnection,
    user: &CurrentUser,
    asset: &Asset,
    loan: &Loan,
    note: &str,
) -> Result<String, AppError> {
    use crate::catalog::form::FieldKind;
    use crate::requests::service::{self as requests, CategoryRef, NewRequestCmd};
    let categories = crate::catalog::queries::active_categories(conn)?;
    let fits = |c: &&crate::catalog::model::Category| {
        c.domain == crate::users::model::Domain::Ti
            && c.form_def()
                .fields
                .iter()
                .all(|f| !f.required || f.kind == FieldKind::Asset)
    };
    let with_field = |c: &&crate::catalog::model::Category| {
        c.form_def()
            .fields
            .iter()
            .any(|f| f.kind == FieldKind::Asset)
    };
    let category = categories
        .iter()
        .filter(fits)
        .find(with_field)
        .or_else(|| categories.iter().find(fits))
        .ok_or_else(|| rule("loan-no-repair-category"))?;
    let mut fields = serde_json::Map::new();
    if let Some(f) = category
        .form_def()
        .fields
        .iter()
        .find(|f| f.kind == FieldKind::Asset)
    {
        fields.insert(f.key.clone(), json!(asset.tag));
    }
    let model = inventory::model(conn, asset.model_id)?;
    let r = requests::create_scheduled(
        conn,
        user,
        NewRequestCmd {
            category: CategoryRef::Id(category.id),
            title: format!(
                "Équipement endommagé au retour d'un prêt : {} ({} {})",
                asset.tag, model.maker, model.name
            ),
            description: format!("Prêt n° {} — état constaté au retour : {note}", loan.id.0),
            priority: None,
            unit: Some(asset.unit_id),
            room: None,
            fields,
            source: crate::requests::model::Source::Web,
        },
    )?;
    crate::inventory::service::link_request(conn, user.id, r.id, asset)?;
    Ok(crate::requests::model::RequestNumber(r.number).to_string())
}
