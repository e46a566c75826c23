use crate::code_enum;
use crate::db::schema::{teams, user_roles, users};
use crate::db::{TeamId, UnitId, UserId};
use crate::i18n::Locale;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

code_enum!(Role {
    Requester => "requester",
    UnitManager => "unit_manager",
    Technician => "technician",
    ServiceManager => "service_manager",
    Admin => "admin",
    Auditor => "auditor",
});

code_enum!(Domain {
    Materiel => "materiel",
    Ti => "ti",
    Transport => "transport",
});

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub active: bool,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub notify_digest: bool,
    pub notify_optional: bool,
}

impl User {
    pub fn locale(&self) -> Locale {
        Locale::parse(&self.locale).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub locale: String,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = user_roles)]
pub struct NewUserRole {
    pub user_id: UserId,
    pub unit_id: UnitId,
    pub role: Role,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = teams)]
pub struct Team {
    pub id: TeamId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub domain: Domain,
    pub lead_id: Option<UserId>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = teams)]
pub struct NewTeam {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub domain: Domain,
    pub lead_id: Option<UserId>,
}

/// A person as shown beside a request: name and address.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub email: String,
    pub name: String,
}
