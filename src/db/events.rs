//! The append-only event log: every change to a petition, in the transaction that makes it.
//! Payloads are JSON without personal data. The database refuses updates and deletes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::events;
use super::{DbConnection, DbError};

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Partner(i64),
    /// A member of staff, by user id.
    Staff(i64),
    /// The citizen, proving it with the receipt secret.
    ReceiptHolder,
    System,
}

impl Actor {
    fn kind(&self) -> &'static str {
        match self {
            Self::Partner(_) => "partner",
            Self::Staff(_) => "staff",
            Self::ReceiptHolder => "receipt_holder",
            Self::System => "system",
        }
    }
    fn id(&self) -> Option<String> {
        match self {
            Self::Partner(id) | Self::Staff(id) => Some(id.to_string()),
            Self::ReceiptHolder | Self::System => None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub petition_id: Option<i64>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub payload: String,
    pub created_at: NaiveDateTime,
}

pub fn append(
    conn: &mut DbConnection,
    petition_id: Option<i64>,
    actor: &Actor,
    action: &str,
    payload: &serde_json::Value,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(events::table)
        .values((
            events::petition_id.eq(petition_id),
            events::actor_kind.eq(actor.kind()),
            events::actor_id.eq(actor.id()),
            events::action.eq(action),
            events::payload.eq(payload.to_string()),
            events::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends one event per petition, all by `actor` at `at`, in one statement (a sweep announcing
/// hundreds of deadlines makes one round trip, not hundreds).
pub fn append_each(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    each: &[(i64, serde_json::Value)],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    if each.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = each
        .iter()
        .map(|(petition_id, payload)| {
            (
                events::petition_id.eq(Some(*petition_id)),
                events::actor_kind.eq(actor.kind()),
                events::actor_id.eq(actor.id()),
                events::action.eq(action),
                events::payload.eq(payload.to_string()),
                events::created_at.eq(at),
            )
        })
        .collect();
    crate::on_backend!(conn, |c| diesel::insert_into(events::table)
        .values(&rows)
        .execute(c))?;
    Ok(())
}

pub fn for_petition(conn: &mut DbConnection, petition_id: i64) -> Result<Vec<EventRow>, DbError> {
    Ok(events::table
        .filter(events::petition_id.eq(petition_id))
        .order(events::id)
        .select(EventRow::as_select())
        .load(conn)?)
}
