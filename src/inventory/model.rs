//! Rows and forms of the inventory, the asset status lifecycle (a pure rule) and the view of an
//! asset given to pages and the API.

use crate::code_enum;
use crate::db::schema::{asset_events, asset_models, asset_types, assets};
use crate::db::{AssetId, AssetModelId, AssetTypeId, RequestId, RoomId, UnitId, UserId};
pub use crate::users::model::PersonRef;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

code_enum!(AssetStatus {
    InStock => "in_stock",
    Deployed => "deployed",
    OnLoan => "on_loan",
    InRepair => "in_repair",
    Missing => "missing",
    Retired => "retired",
});

code_enum!(AssetEventKind {
    Created => "created",
    Updated => "updated",
    StatusChanged => "status_changed",
    Moved => "moved",
    Assigned => "assigned",
    Imported => "imported",
    RequestLinked => "request_linked",
    Loaned => "loaned",
    Returned => "returned",
});

impl AssetStatus {
    /// The lifecycle, in one place: `in_stock → deployed | on_loan | in_repair → retired`.
    /// Retired is final; a missing asset is found (back in stock) or written off.
    pub fn can_become(self, to: AssetStatus) -> bool {
        use AssetStatus::*;
        match (self, to) {
            (from, to) if from == to => false,
            (Retired, _) => false,
            (InStock, _) => true,
            (Deployed, InStock | InRepair | Missing | Retired) => true,
            (OnLoan, InStock | InRepair | Missing) => true,
            (InRepair, InStock | Deployed | Retired) => true,
            (Missing, InStock | Retired) => true,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = asset_types)]
pub struct AssetType {
    pub id: AssetTypeId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub active: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = asset_models)]
pub struct AssetModel {
    pub id: AssetModelId,
    pub type_id: AssetTypeId,
    pub maker: String,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = asset_models)]
pub struct NewModel<'a> {
    pub type_id: AssetTypeId,
    pub maker: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = assets)]
pub struct Asset {
    pub id: AssetId,
    pub tag: String,
    pub serial: Option<String>,
    pub model_id: AssetModelId,
    pub status: AssetStatus,
    pub unit_id: UnitId,
    pub room_id: Option<RoomId>,
    pub assigned_to: Option<UserId>,
    pub purchase_date: Option<NaiveDate>,
    pub purchase_cost_cents: Option<i64>,
    pub warranty_end: Option<NaiveDate>,
    pub notes: String,
    pub extra: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub loanable: bool,
}

/// The columns an asset is created or edited with (status, unit, room and person change through
/// their own actions once the asset exists, so that each leaves its own history entry).
#[derive(Debug, Clone, PartialEq, Insertable)]
#[diesel(table_name = assets)]
pub struct AssetFields {
    pub tag: String,
    pub serial: Option<String>,
    pub model_id: AssetModelId,
    pub status: AssetStatus,
    pub unit_id: UnitId,
    pub room_id: Option<RoomId>,
    pub assigned_to: Option<UserId>,
    pub purchase_date: Option<NaiveDate>,
    pub purchase_cost_cents: Option<i64>,
    pub warranty_end: Option<NaiveDate>,
    pub notes: String,
    pub extra: serde_json::Value,
    /// Lent by its unit's desk.
    pub loanable: bool,
}

impl AssetFields {
    pub fn of(a: &Asset) -> AssetFields {
        AssetFields {
            tag: a.tag.clone(),
            serial: a.serial.clone(),
            model_id: a.model_id,
            status: a.status,
            unit_id: a.unit_id,
            room_id: a.room_id,
            assigned_to: a.assigned_to,
            purchase_date: a.purchase_date,
            purchase_cost_cents: a.purchase_cost_cents,
            warranty_end: a.warranty_end,
            notes: a.notes.clone(),
            extra: a.extra.clone(),
            loanable: a.loanable,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = asset_events)]
pub struct AssetEvent {
    pub id: i64,
    pub asset_id: AssetId,
    pub kind: AssetEventKind,
    pub actor_id: Option<UserId>,
    pub request_id: Option<RequestId>,
    pub data: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = asset_events)]
pub struct NewAssetEvent {
    pub asset_id: AssetId,
    pub kind: AssetEventKind,
    pub actor_id: Option<UserId>,
    pub request_id: Option<RequestId>,
    pub data: serde_json::Value,
}

/// An asset as pages and the API show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetView {
    /// Inventory number (« numéro d'inventaire »).
    pub tag: String,
    pub serial: Option<String>,
    /// Asset type code.
    #[serde(rename = "type")]
    pub type_code: String,
    pub type_name: String,
    pub maker: String,
    pub model: String,
    /// `in_stock`, `deployed`, `on_loan`, `in_repair`, `missing` or `retired`.
    pub status: String,
    pub status_label: String,
    /// Owning unit code.
    pub unit: String,
    pub unit_name: String,
    pub room_id: Option<i64>,
    /// Building and room, e.g. « Pavillon A — 204 ».
    pub room: Option<String>,
    /// Shown on the asset itself, not in lists; reading it is recorded in the access log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<PersonRef>,
    pub purchase_date: Option<NaiveDate>,
    pub purchase_cost_cents: Option<i64>,
    pub warranty_end: Option<NaiveDate>,
    pub notes: String,
    #[schema(value_type = Object)]
    pub extra: serde_json::Value,
    /// Lent by its unit's desk.
    pub loanable: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One entry of an asset's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetEventView {
    pub kind: String,
    /// The entry as a sentence in the reader's language.
    pub text: String,
    pub actor: Option<String>,
    /// The linked request's number (`DS-000123`), if any.
    pub request: Option<String>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::AssetStatus::{self, *};

    #[test]
    fn retired_is_final() {
        for to in AssetStatus::ALL {
            assert!(!Retired.can_become(*to), "retired → {to}");
        }
    }

    #[test]
    fn the_lifecycle_allows_the_usual_paths_and_nothing_else() {
        let allowed = [
            (InStock, Deployed),
            (InStock, OnLoan),
            (InStock, InRepair),
            (InStock, Retired),
            (Deployed, InRepair),
            (Deployed, InStock),
            (OnLoan, InStock),
            (OnLoan, InRepair),
            (OnLoan, Missing),
            (InRepair, InStock),
            (InRepair, Deployed),
            (InRepair, Retired),
            (Missing, InStock),
            (Missing, Retired),
        ];
        for (from, to) in allowed {
            assert!(from.can_become(to), "{from} → {to}");
        }
        let refused = [
            (Deployed, OnLoan),
            (OnLoan, Deployed),
            (OnLoan, Retired),
            (InRepair, OnLoan),
            (Missing, Deployed),
            (InStock, InStock),
        ];
        for (from, to) in refused {
            assert!(!from.can_become(to), "{from} → {to}");
        }
    }
}
