//! Staff accounts and their refresh tokens.

use crate::domain::staff::Role;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{refresh_tokens, users};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<String>,
    pub can_reveal_identity: bool,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    /// Moves on at every change to the account; access tokens of an older epoch are refused.
    pub token_epoch: i64,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub office_id: Option<i64>,
    pub scope: Option<String>,
    pub can_reveal_identity: bool,
    pub at: NaiveDateTime,
}

pub fn create(conn: &mut DbConnection, new: &NewUser) -> Result<UserRow, DbError> {
    Ok(diesel::insert_into(users::table)
        .values((
            users::username.eq(new.username),
            users::password_hash.eq(new.password_hash),
            users::role.eq(new.role),
            users::office_id.eq(new.office_id),
            users::scope.eq(&new.scope),
            users::can_reveal_identity.eq(new.can_reveal_identity),
            users::created_at.eq(new.at),
        ))
        .returning(users::all_columns)
        .get_result(conn)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<UserRow>, DbError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_active_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<UserRow>, DbError> {
    Ok(users::table
        .filter(users::username.eq(username))
        .filter(users::disabled_at.is_null())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Users in id order after `after`, at most `take`, optionally of one office.
pub fn list(
    conn: &mut DbConnection,
    office: Option<i64>,
    after: Option<i64>,
    take: i64,
) -> Result<Vec<UserRow>, DbError> {
    let mut query = users::table
        .order(users::id)
        .limit(take)
        .select(UserRow::as_select())
        .into_boxed::<<DbConnection as Connection>::Backend>();
    if let Some(office) = office {
        query = query.filter(users::office_id.eq(office));
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after));
    }
    Ok(query.load(conn)?)
}

pub fn store_refresh_token(
    conn: &mut DbConnection,
    user_id: i64,
    family: &str,
    token_hash: &str,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::created_at.eq(at),
            refresh_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshRow {
    pub id: i64,
    pub user_id: i64,
    pub family: String,
    pub expires_at: NaiveDateTime,
    pub spent_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn find_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshRow>, DbError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token spent; false when it already was (a concurrent exchange won).
pub fn spend_refresh_token(
    conn: &mut DbConnection,
    id: i64,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::spent_at.is_null()),
    )
    .set(refresh_tokens::spent_at.eq(at))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Revokes every live token of a family: a stolen token is worthless from now on.
pub fn revoke_family(
    conn: &mut DbConnection,
    family: &str,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?)
}

/// An account's access as it is to be.
pub struct Access<'a> {
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<&'a str>,
    pub can_reveal_identity: bool,
}

/// Loads an account to change it; on PostgreSQL its row stays locked until the transaction
/// ends, so two changes to one account apply one after the other.
pub fn lock(conn: &mut DbConnection, id: i64) -> Result<Option<UserRow>, DbError> {
    if let DbConnection::Postgres(pg) = conn {
        users::table
            .find(id)
            .select(users::id)
            .for_update()
            .first::<i64>(pg)
            .optional()?;
    }
    find(conn, id)
}

/// The next token epoch: every change below moves it on.
fn next_epoch()
-> diesel::dsl::Add<users::token_epoch, diesel::dsl::AsExprOf<i64, diesel::sql_types::BigInt>> {
    users::token_epoch + 1_i64
}

pub fn set_access(conn: &mut DbConnection, id: i64, access: &Access) -> Result<(), DbError> {
    diesel::update(users::table.find(id))
        .set((
            users::role.eq(access.role),
            users::office_id.eq(access.office_id),
            users::scope.eq(access.scope),
            users::can_reveal_identity.eq(access.can_reveal_identity),
            users::token_epoch.eq(next_epoch()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Disables the account as of `at`, or enables it with `None`.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: i64,
    at: Option<NaiveDateTime>,
) -> Result<(), DbError> {
    diesel::update(users::table.find(id))
        .set((
            users::disabled_at.eq(at),
            users::token_epoch.eq(next_epoch()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_password(conn: &mut DbConnection, id: i64, hash: &str) -> Result<(), DbError> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::token_epoch.eq(next_epoch()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Revokes every live refresh token of the account: a change signs it out everywhere.
pub fn revoke_all(
    conn: &mut DbConnection,
    user_id: i64,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?)
}

/// What a request needs to know of an account beyond its token.
pub fn standing(conn: &mut DbConnection, id: i64) -> Result<Option<(i64, bool)>, DbError> {
    Ok(users::table
        .find(id)
        .select((users::token_epoch, users::disabled_at.is_not_null()))
        .first(conn)
        .optional()?)
}

pub fn find_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<UserRow>, DbError> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}
