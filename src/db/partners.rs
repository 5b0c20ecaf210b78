//! Partner apps and their API keys.

use crate::domain::event::{Event, PartnerCreated, PartnerRevoked};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::partners;
use super::{DbConnection, DbError};
use crate::auth::api_key::NewApiKey;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = partners)]
pub struct PartnerRow {
    pub id: i64,
    pub name: String,
    pub key_prefix: String,
    #[serde(skip)]
    pub key_hash: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Creates a partner as of `at` (`tiengdan demo` backdates its partners to the year it
/// simulates).
pub fn create(
    conn: &mut DbConnection,
    name: &str,
    key: &NewApiKey,
    at: NaiveDateTime,
) -> Result<PartnerRow, DbError> {
    let row: PartnerRow = diesel::insert_into(partners::table)
        .values((
            partners::name.eq(name),
            partners::key_prefix.eq(&key.prefix),
            partners::key_hash.eq(&key.hash),
            partners::created_at.eq(at),
        ))
        .returning(partners::all_columns)
        .get_result(conn)?;
    super::events::append(
        conn,
        None,
        &super::events::Actor::System,
        &Event::PartnerCreated(PartnerCreated {
            partner_id: row.id,
            name: row.name.clone(),
            key_prefix: key.prefix.clone(),
        }),
        at,
    )?;
    Ok(row)
}

/// Revokes a partner's key; `None` when there is no such partner. Revoking twice keeps the
/// first time.
pub fn revoke(
    conn: &mut DbConnection,
    id: i64,
    at: NaiveDateTime,
) -> Result<Option<PartnerRow>, DbError> {
    let revoked = diesel::update(
        partners::table
            .find(id)
            .filter(partners::revoked_at.is_null()),
    )
    .set(partners::revoked_at.eq(at))
    .execute(conn)?;
    if revoked == 1 {
        super::events::append(
            conn,
            None,
            &super::events::Actor::System,
            &Event::PartnerRevoked(PartnerRevoked { partner_id: id }),
            at,
        )?;
    }
    find(conn, id)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<PartnerRow>, DbError> {
    Ok(partners::table
        .find(id)
        .select(PartnerRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live partner whose key starts with `prefix`.
pub fn find_active_by_prefix(
    conn: &mut DbConnection,
    prefix: &str,
) -> Result<Option<PartnerRow>, DbError> {
    Ok(partners::table
        .filter(partners::key_prefix.eq(prefix))
        .filter(partners::revoked_at.is_null())
        .select(PartnerRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<PartnerRow>, DbError> {
    Ok(partners::table
        .order(partners::id)
        .select(PartnerRow::as_select())
        .load(conn)?)
}
