//! Outgoing notifications: rows written to the outbox in the transaction of the change that
//! causes them. The sender that renders and mails them comes with the email issue; until then
//! the rows wait, nothing is lost.

use crate::db::schema::{outbox, team_members, teams, user_roles, users};
use crate::db::{RequestId, TeamId, UserId};
use crate::users::model::{Domain, Role, User};
use diesel::prelude::*;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
struct NewOutbox {
    recipient_id: Option<i64>,
    recipient: String,
    template: String,
    locale: String,
    request_id: Option<i64>,
    payload: serde_json::Value,
}

/// Queues one message per person (each in their language), skipping inactive accounts.
pub fn queue(
    conn: &mut PgConnection,
    people: &[User],
    template: &str,
    request: Option<RequestId>,
    payload: &serde_json::Value,
) -> QueryResult<usize> {
    let rows: Vec<NewOutbox> = people
        .iter()
        .filter(|u| u.active)
        .map(|u| NewOutbox {
            recipient_id: Some(u.id.0),
            recipient: u.email.clone(),
            template: template.to_string(),
            locale: u.locale.clone(),
            request_id: request.map(|r| r.0),
            payload: payload.clone(),
        })
        .collect();
    diesel::insert_into(outbox::table)
        .values(&rows)
        .execute(conn)
}

/// Who hears about a request's SLA: its assignee, its team's lead, and the service managers of
/// its domain — each once.
pub fn sla_recipients(
    conn: &mut PgConnection,
    assignee: Option<UserId>,
    team: Option<TeamId>,
    domain: Domain,
) -> QueryResult<Vec<User>> {
    let mut ids: Vec<UserId> = assignee.into_iter().collect();
    if let Some(t) = team {
        if let Some(lead) = teams::table
            .find(t)
            .select(teams::lead_id)
            .first::<Option<UserId>>(conn)?
        {
            ids.push(lead);
        }
    }
    let managers: Vec<UserId> = user_roles::table
        .inner_join(team_members::table.on(team_members::user_id.eq(user_roles::user_id)))
        .inner_join(teams::table.on(teams::id.eq(team_members::team_id)))
        .filter(user_roles::role.eq(Role::ServiceManager))
        .filter(teams::domain.eq(domain))
        .select(user_roles::user_id)
        .distinct()
        .load(conn)?;
    ids.extend(managers);
    ids.sort();
    ids.dedup();
    users::table
        .filter(users::id.eq_any(ids))
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}
