use super::model::*;
use crate::db::schema::{
    api_tokens, sessions, sign_in_attempts, team_members, teams, user_group_members, user_roles,
    users,
};
use crate::db::{GroupId, TeamId, UnitId, UserId};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

pub fn find(conn: &mut PgConnection, id: UserId) -> QueryResult<User> {
    users::table.find(id).select(User::as_select()).first(conn)
}

pub fn by_email(conn: &mut PgConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, u: &NewUser) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(u)
        .returning(User::as_returning())
        .get_result(conn)
}

pub fn set_password_hash(conn: &mut PgConnection, id: UserId, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn set_locale(conn: &mut PgConnection, id: UserId, locale: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::locale.eq(locale))
        .execute(conn)
}

pub fn add_role(conn: &mut PgConnection, r: &NewUserRole) -> QueryResult<usize> {
    diesel::insert_into(user_roles::table)
        .values(r)
        .on_conflict_do_nothing()
        .execute(conn)
}

pub fn roles_of(conn: &mut PgConnection, id: UserId) -> QueryResult<Vec<(UnitId, Role)>> {
    user_roles::table
        .filter(user_roles::user_id.eq(id))
        .select((user_roles::unit_id, user_roles::role))
        .load(conn)
}

pub fn teams_of(conn: &mut PgConnection, id: UserId) -> QueryResult<Vec<(TeamId, Domain)>> {
    team_members::table
        .inner_join(teams::table)
        .filter(team_members::user_id.eq(id))
        .filter(teams::active.eq(true))
        .select((teams::id, teams::domain))
        .load(conn)
}

/// A person's roles (per unit), active teams (with their domain) and groups.
pub type Memberships = (Vec<(UnitId, Role)>, Vec<(TeamId, Domain)>, Vec<GroupId>);

/// A person's roles, active teams and groups, in one statement (read on every request; a
/// prepared statement, the kinds being bound values).
pub fn memberships(conn: &mut PgConnection, id: UserId) -> QueryResult<Memberships> {
    use diesel::sql_types::Text;
    let roles = user_roles::table
        .filter(user_roles::user_id.eq(id))
        .select((
            "role".into_sql::<Text>(),
            user_roles::unit_id,
            user_roles::role,
        ));
    let active_teams = team_members::table
        .inner_join(teams::table)
        .filter(team_members::user_id.eq(id))
        .filter(teams::active.eq(true))
        .select(("team".into_sql::<Text>(), teams::id, teams::domain));
    let groups = user_group_members::table
        .filter(user_group_members::user_id.eq(id))
        .select((
            "group".into_sql::<Text>(),
            user_group_members::group_id,
            "".into_sql::<Text>(),
        ));
    let rows: Vec<(String, i64, String)> =
        roles.union_all(active_teams).union_all(groups).load(conn)?;
    let (mut out_roles, mut out_teams, mut out_groups) = (Vec::new(), Vec::new(), Vec::new());
    for (kind, id, code) in rows {
        match kind.as_str() {
            "role" => out_roles.extend(Role::parse(&code).map(|role| (UnitId(id), role))),
            "team" => out_teams.extend(Domain::parse(&code).map(|d| (TeamId(id), d))),
            _ => out_groups.push(GroupId(id)),
        }
    }
    Ok((out_roles, out_teams, out_groups))
}

pub fn insert_team(conn: &mut PgConnection, t: &NewTeam) -> QueryResult<Team> {
    diesel::insert_into(teams::table)
        .values(t)
        .returning(Team::as_returning())
        .get_result(conn)
}

pub fn add_team_member(conn: &mut PgConnection, team: TeamId, user: UserId) -> QueryResult<usize> {
    diesel::insert_into(team_members::table)
        .values((
            team_members::team_id.eq(team),
            team_members::user_id.eq(user),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

pub fn teams(conn: &mut PgConnection) -> QueryResult<Vec<Team>> {
    teams::table
        .order(teams::name_fr)
        .select(Team::as_select())
        .load(conn)
}

pub fn team(conn: &mut PgConnection, id: TeamId) -> QueryResult<Team> {
    teams::table.find(id).select(Team::as_select()).first(conn)
}

pub fn team_by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Team>> {
    teams::table
        .filter(teams::code.eq(code))
        .select(Team::as_select())
        .first(conn)
        .optional()
}

pub fn is_team_member(conn: &mut PgConnection, team: TeamId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        team_members::table
            .filter(team_members::team_id.eq(team))
            .filter(team_members::user_id.eq(user)),
    ))
    .get_result(conn)
}

/// Active members of the teams of a domain, for the assignee picker.
pub fn technicians_of_domain(
    conn: &mut PgConnection,
    domain: Domain,
) -> QueryResult<Vec<(TeamId, User)>> {
    team_members::table
        .inner_join(teams::table)
        .inner_join(users::table)
        .filter(teams::domain.eq(domain))
        .filter(teams::active.eq(true))
        .filter(users::active.eq(true))
        .order(users::display_name)
        .select((teams::id, User::as_select()))
        .load(conn)
}

// --- sessions ---

pub fn insert_session(
    conn: &mut PgConnection,
    token_hash: &str,
    user: UserId,
    csrf: &str,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> QueryResult<usize> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user),
            sessions::csrf_token.eq(csrf),
            sessions::ip.eq(ip),
            sessions::user_agent.eq(user_agent),
        ))
        .execute(conn)
}

/// A live session row: its id, person, CSRF token and when it was last seen.
/// id, person, CSRF token, last seen, created.
pub type SessionRow = (i64, User, String, DateTime<Utc>, DateTime<Utc>);

/// The session's user, its CSRF token and when it was last seen.
pub fn session(conn: &mut PgConnection, token_hash: &str) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((
            sessions::id,
            User::as_select(),
            sessions::csrf_token,
            sessions::last_seen_at,
            sessions::created_at,
        ))
        .first(conn)
        .optional()
}

pub fn touch_session(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_seen_at.eq(diesel::dsl::now))
        .execute(conn)
}

pub fn delete_session(conn: &mut PgConnection, token_hash: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)
}

pub fn delete_sessions_from_before(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::created_at.lt(before))).execute(conn)
}

pub fn delete_idle_sessions(conn: &mut PgConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::last_seen_at.lt(before))).execute(conn)
}

// --- sign-in attempts ---

pub fn record_attempt(
    conn: &mut PgConnection,
    email: &str,
    ip: Option<&str>,
    ok: bool,
) -> QueryResult<usize> {
    diesel::insert_into(sign_in_attempts::table)
        .values((
            sign_in_attempts::email.eq(email),
            sign_in_attempts::ip.eq(ip),
            sign_in_attempts::succeeded.eq(ok),
        ))
        .execute(conn)
}

/// Failed attempts for this address since `since` and after its last success.
pub fn recent_failures(
    conn: &mut PgConnection,
    email: &str,
    since: DateTime<Utc>,
) -> QueryResult<i64> {
    let last_ok: Option<DateTime<Utc>> = sign_in_attempts::table
        .filter(sign_in_attempts::email.eq(email))
        .filter(sign_in_attempts::succeeded.eq(true))
        .select(diesel::dsl::max(sign_in_attempts::created_at))
        .first(conn)?;
    let since = last_ok.map_or(since, |ok| ok.max(since));
    sign_in_attempts::table
        .filter(sign_in_attempts::email.eq(email))
        .filter(sign_in_attempts::succeeded.eq(false))
        .filter(sign_in_attempts::created_at.gt(since))
        .count()
        .get_result(conn)
}

// --- API tokens ---

pub fn insert_token(
    conn: &mut PgConnection,
    user: UserId,
    name: &str,
    token_hash: &str,
) -> QueryResult<usize> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
        ))
        .execute(conn)
}

/// The token's id, when it was last used, and its person.
pub type TokenUse = (i64, Option<DateTime<Utc>>, User);

pub fn token_user(conn: &mut PgConnection, token_hash: &str) -> QueryResult<Option<TokenUse>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::id, api_tokens::last_used_at, User::as_select()))
        .first(conn)
        .optional()
}

/// How often a token's use is recorded: scripts calling the API many times a second would
/// otherwise all write (and wait for) the same row.
pub fn token_use_is_recent(last_used: Option<DateTime<Utc>>) -> bool {
    last_used.is_some_and(|t| t > Utc::now() - chrono::Duration::seconds(TOKEN_USE_SECONDS))
}

const TOKEN_USE_SECONDS: i64 = 60;

/// Records a token's use, at most once a minute (see [`token_use_is_recent`]).
pub fn touch_token(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    let recent = chrono::Utc::now() - chrono::Duration::seconds(TOKEN_USE_SECONDS);
    diesel::update(
        api_tokens::table.find(id).filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(recent)),
        ),
    )
    .set(api_tokens::last_used_at.eq(diesel::dsl::now))
    .execute(conn)
}

pub fn by_ids(conn: &mut PgConnection, ids: &[UserId]) -> QueryResult<Vec<User>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::id.eq_any(ids))
        .select(User::as_select())
        .load(conn)
}

pub fn teams_by_ids(conn: &mut PgConnection, ids: &[TeamId]) -> QueryResult<Vec<Team>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    teams::table
        .filter(teams::id.eq_any(ids))
        .select(Team::as_select())
        .load(conn)
}

/// People for the admin list: by name, optionally matching words in the name or address.
pub fn search(
    conn: &mut PgConnection,
    q: &str,
    to_place: bool,
    after: Option<(String, UserId)>,
    limit: i64,
) -> QueryResult<Vec<User>> {
    let mut query = users::table.select(User::as_select()).into_boxed();
    if to_place {
        // « À placer »: active, with no role in any unit (created by single sign-on).
        query = query
            .filter(users::active)
            .filter(diesel::dsl::not(diesel::dsl::exists(
                crate::db::schema::user_roles::table
                    .filter(crate::db::schema::user_roles::user_id.eq(users::id)),
            )));
    }
    let q = q.trim();
    if !q.is_empty() {
        let pattern = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        query = query.filter(
            users::email
                .ilike(pattern.clone())
                .or(users::display_name.ilike(pattern)),
        );
    }
    if let Some((name, id)) = after {
        query = query.filter(
            users::display_name
                .gt(name.clone())
                .or(users::display_name.eq(name).and(users::id.gt(id))),
        );
    }
    query
        .order((users::display_name, users::id))
        .limit(limit)
        .load(conn)
}

/// Corrects a person's address (sign-in and notifications follow it).
pub fn set_email(conn: &mut PgConnection, id: UserId, email: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn update_profile(
    conn: &mut PgConnection,
    id: UserId,
    name: &str,
    locale: &str,
    active: bool,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::display_name.eq(name),
            users::locale.eq(locale),
            users::active.eq(active),
            users::deactivated_at.eq(if active {
                None
            } else {
                Some(chrono::Utc::now())
            }),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

pub fn delete_sessions_of(conn: &mut PgConnection, id: UserId) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)
}

pub fn role_rows(conn: &mut PgConnection, id: UserId) -> QueryResult<Vec<(i64, UnitId, Role)>> {
    user_roles::table
        .filter(user_roles::user_id.eq(id))
        .order(user_roles::id)
        .select((user_roles::id, user_roles::unit_id, user_roles::role))
        .load(conn)
}

pub fn remove_role(conn: &mut PgConnection, user: UserId, role_id: i64) -> QueryResult<usize> {
    diesel::delete(
        user_roles::table
            .filter(user_roles::id.eq(role_id))
            .filter(user_roles::user_id.eq(user)),
    )
    .execute(conn)
}

pub fn update_team(
    conn: &mut PgConnection,
    id: TeamId,
    name_fr: &str,
    name_en: &str,
    lead: Option<UserId>,
    active: bool,
) -> QueryResult<usize> {
    diesel::update(teams::table.find(id))
        .set((
            teams::name_fr.eq(name_fr),
            teams::name_en.eq(name_en),
            teams::lead_id.eq(lead),
            teams::active.eq(active),
        ))
        .execute(conn)
}

pub fn team_members(conn: &mut PgConnection, team: TeamId) -> QueryResult<Vec<User>> {
    team_members::table
        .inner_join(users::table)
        .filter(team_members::team_id.eq(team))
        .order(users::display_name)
        .select(User::as_select())
        .load(conn)
}

pub fn remove_team_member(
    conn: &mut PgConnection,
    team: TeamId,
    user: UserId,
) -> QueryResult<usize> {
    diesel::delete(
        team_members::table
            .filter(team_members::team_id.eq(team))
            .filter(team_members::user_id.eq(user)),
    )
    .execute(conn)
}

pub fn delete_attempts_before(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(sign_in_attempts::table.filter(sign_in_attempts::created_at.lt(before)))
        .execute(conn)
}

/// The active people holding a role in a unit (e.g. its directors).
pub fn people_with_role(
    conn: &mut PgConnection,
    unit: UnitId,
    role: Role,
) -> QueryResult<Vec<User>> {
    use crate::db::schema::user_roles;
    users::table
        .inner_join(user_roles::table)
        .filter(user_roles::unit_id.eq(unit))
        .filter(user_roles::role.eq(role))
        .filter(users::active)
        .select(User::as_select())
        .distinct()
        .load(conn)
}

/// A person's language and which mail they get (`digest`: one a day; `optional`: the
/// notifications they may turn off).
pub fn set_preferences(
    conn: &mut PgConnection,
    id: UserId,
    locale: &str,
    digest: bool,
    optional: bool,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::locale.eq(locale),
            users::notify_digest.eq(digest),
            users::notify_optional.eq(optional),
            users::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
}

/// The members of a team (their ids).
pub fn team_member_ids(conn: &mut PgConnection, team: TeamId) -> QueryResult<Vec<UserId>> {
    team_members::table
        .filter(team_members::team_id.eq(team))
        .select(team_members::user_id)
        .load(conn)
}

pub fn aliases(conn: &mut PgConnection, id: UserId) -> QueryResult<Vec<String>> {
    use crate::db::schema::user_email_aliases as a;
    a::table
        .filter(a::user_id.eq(id.0))
        .order(a::email)
        .select(a::email)
        .load(conn)
}

pub fn alias_exists(conn: &mut PgConnection, email: &str) -> QueryResult<bool> {
    use crate::db::schema::user_email_aliases as a;
    diesel::select(diesel::dsl::exists(a::table.find(email))).get_result(conn)
}

pub fn insert_alias(conn: &mut PgConnection, id: UserId, email: &str) -> QueryResult<usize> {
    use crate::db::schema::user_email_aliases as a;
    diesel::insert_into(a::table)
        .values((a::email.eq(email), a::user_id.eq(id.0)))
        .execute(conn)
}

pub fn delete_alias(conn: &mut PgConnection, id: UserId, email: &str) -> QueryResult<usize> {
    use crate::db::schema::user_email_aliases as a;
    diesel::delete(
        a::table
            .filter(a::email.eq(email))
            .filter(a::user_id.eq(id.0)),
    )
    .execute(conn)
}

pub fn by_oidc_subject(conn: &mut PgConnection, subject: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::oidc_subject.eq(subject))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn set_oidc_subject(conn: &mut PgConnection, id: UserId, subject: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::oidc_subject.eq(subject))
        .execute(conn)
}

/// A person created by their first single sign-on (in French until they choose).
pub fn insert_signed_in(
    conn: &mut PgConnection,
    email: &str,
    name: &str,
    subject: &str,
) -> QueryResult<UserId> {
    diesel::insert_into(users::table)
        .values((
            users::email.eq(email),
            users::display_name.eq(name),
            users::locale.eq("fr"),
            users::oidc_subject.eq(subject),
        ))
        .returning(users::id)
        .get_result(conn)
}

/// Everyone holding this role somewhere.
pub fn ids_with_role(conn: &mut PgConnection, role: Role) -> QueryResult<Vec<UserId>> {
    user_roles::table
        .filter(user_roles::role.eq(role))
        .select(user_roles::user_id)
        .load(conn)
}

pub fn team_lead(conn: &mut PgConnection, team: TeamId) -> QueryResult<Option<UserId>> {
    teams::table.find(team).select(teams::lead_id).first(conn)
}

/// The service managers of a domain: those with the role who are in one of its teams.
pub fn service_managers(conn: &mut PgConnection, domain: Domain) -> QueryResult<Vec<UserId>> {
    user_roles::table
        .inner_join(team_members::table.on(team_members::user_id.eq(user_roles::user_id)))
        .inner_join(teams::table.on(teams::id.eq(team_members::team_id)))
        .filter(user_roles::role.eq(Role::ServiceManager))
        .filter(teams::domain.eq(domain))
        .select(user_roles::user_id)
        .distinct()
        .load(conn)
}
