//! The SQL of named groups and their members.

use crate::db::schema::{user_group_members, user_groups, users};
use crate::db::{GroupId, UserId};
use crate::users::model::User;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = user_groups)]
pub struct Group {
    pub id: GroupId,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = user_groups)]
pub struct GroupForm {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
}

pub fn all(conn: &mut PgConnection) -> QueryResult<Vec<Group>> {
    user_groups::table
        .order(user_groups::name_fr)
        .select(Group::as_select())
        .load(conn)
}

pub fn find(conn: &mut PgConnection, id: GroupId) -> QueryResult<Group> {
    user_groups::table
        .find(id)
        .select(Group::as_select())
        .first(conn)
}

pub fn by_code(conn: &mut PgConnection, code: &str) -> QueryResult<Option<Group>> {
    user_groups::table
        .filter(user_groups::code.eq(code))
        .select(Group::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut PgConnection, g: &GroupForm) -> QueryResult<Group> {
    diesel::insert_into(user_groups::table)
        .values(g)
        .returning(Group::as_returning())
        .get_result(conn)
}

pub fn members(conn: &mut PgConnection, id: GroupId) -> QueryResult<Vec<User>> {
    user_group_members::table
        .inner_join(users::table)
        .filter(user_group_members::group_id.eq(id))
        .order(users::display_name)
        .select(User::as_select())
        .load(conn)
}

pub fn add_member(conn: &mut PgConnection, group: GroupId, user: UserId) -> QueryResult<usize> {
    diesel::insert_into(user_group_members::table)
        .values((
            user_group_members::group_id.eq(group),
            user_group_members::user_id.eq(user),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

pub fn remove_member(conn: &mut PgConnection, group: GroupId, user: UserId) -> QueryResult<usize> {
    diesel::delete(
        user_group_members::table
            .filter(user_group_members::group_id.eq(group))
            .filter(user_group_members::user_id.eq(user)),
    )
    .execute(conn)
}

pub fn rename(conn: &mut PgConnection, id: GroupId, fr: &str, en: &str) -> QueryResult<usize> {
    diesel::update(user_groups::table.find(id))
        .set((user_groups::name_fr.eq(fr), user_groups::name_en.eq(en)))
        .execute(conn)
}

pub fn member_ids(conn: &mut PgConnection, id: GroupId) -> QueryResult<Vec<UserId>> {
    user_group_members::table
        .filter(user_group_members::group_id.eq(id))
        .select(user_group_members::user_id)
        .load(conn)
}
