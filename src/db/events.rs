//! The append-only event log: every change, as a typed [`Event`], in the transaction that
//! makes it. Payloads are JSON without personal data. The database refuses updates and
//! deletes.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;

use super::schema::{audit_head, events};
use super::{DbConnection, DbError};
use crate::domain::audit::Link;
use crate::domain::event::Event;

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
    pub seq: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl EventRow {
    /// The event as the chain encodes it.
    pub fn link(&self) -> Link<'_> {
        Link {
            seq: self.seq.unwrap_or(0),
            petition_id: self.petition_id,
            actor_kind: &self.actor_kind,
            actor_id: self.actor_id.as_deref(),
            action: &self.action,
            created_at: self.created_at.and_utc(),
            payload: &self.payload,
        }
    }
}

/// Takes the chain's head for this transaction: on PostgreSQL the row stays locked until the
/// commit, so appends from concurrent transactions queue and the chain never forks; on SQLite
/// the writer lock already serialises them.
fn head(conn: &mut DbConnection) -> Result<(i64, String), DbError> {
    let query = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash));
    Ok(match conn {
        DbConnection::Postgres(c) => query.for_update().first(c)?,
        DbConnection::Sqlite(c) => query.first(c)?,
    })
}

fn move_head(conn: &mut DbConnection, seq: i64, hash: &str) -> Result<(), DbError> {
    diesel::update(audit_head::table.find(1))
        .set((audit_head::seq.eq(seq), audit_head::hash.eq(hash)))
        .execute(conn)?;
    Ok(())
}

/// One event to append, encoded.
struct Entry<'a> {
    petition_id: Option<i64>,
    actor: &'a Actor,
    action: &'static str,
    payload: String,
}

impl<'a> Entry<'a> {
    fn new(petition_id: Option<i64>, actor: &'a Actor, event: &Event) -> Result<Self, DbError> {
        Ok(Self {
            petition_id,
            actor,
            action: event.kind().code(),
            payload: event
                .payload()
                .map_err(|e| DbError::Corrupt(format!("encoding an event: {e}")))?,
        })
    }
}

/// Appends the entries in order, chained after the head, in one statement.
fn append_chained(
    conn: &mut DbConnection,
    entries: &[Entry],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    // The stored time must read back exactly as hashed: whole microseconds.
    let at = at.and_utc().trunc_subsecs(6).naive_utc();
    let (mut seq, mut prev) = head(conn)?;
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let actor_id = e.actor.id();
        let hash = Link {
            seq,
            petition_id: e.petition_id,
            actor_kind: e.actor.kind(),
            actor_id: actor_id.as_deref(),
            action: e.action,
            created_at: at.and_utc(),
            payload: &e.payload,
        }
        .hash(&prev);
        rows.push((
            events::petition_id.eq(e.petition_id),
            events::actor_kind.eq(e.actor.kind()),
            events::actor_id.eq(actor_id),
            events::action.eq(e.action),
            events::payload.eq(e.payload.clone()),
            events::created_at.eq(at),
            events::seq.eq(Some(seq)),
            events::prev_hash.eq(Some(prev.clone())),
            events::hash.eq(Some(hash.clone())),
        ));
        prev = hash;
    }
    crate::on_backend!(conn, |c| diesel::insert_into(events::table)
        .values(&rows)
        .execute(c))?;
    move_head(conn, seq, &prev)
}

/// Appends `event`, about `petition_id` if it concerns one, by `actor` at `at`.
pub fn append(
    conn: &mut DbConnection,
    petition_id: Option<i64>,
    actor: &Actor,
    event: &Event,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    append_chained(conn, &[Entry::new(petition_id, actor, event)?], at)
}

/// Appends one event per petition, all by `actor` at `at`, in one statement (a sweep announcing
/// hundreds of deadlines makes one round trip, not hundreds).
pub fn append_each(
    conn: &mut DbConnection,
    actor: &Actor,
    each: &[(i64, Event)],
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let entries = each
        .iter()
        .map(|(petition_id, event)| Entry::new(Some(*petition_id), actor, event))
        .collect::<Result<Vec<_>, _>>()?;
    append_chained(conn, &entries, at)
}

/// Chains the events stored before the chain existed, in id order: once, at the first start
/// after the migration that added the chain. Never again: an event that turns up later without
/// its hashes was put there behind the service's back, and must stay a break for
/// `audit verify` to report, not be blessed into the chain.
pub fn chain_backlog(conn: &mut DbConnection) -> Result<usize, DbError> {
    const ONCE: &str = "audit-chain-backlog";
    let outcome: Result<usize, DbError> = super::write_transaction(conn, |conn| {
        use super::schema::seed_runs;
        let done = seed_runs::table
            .find(ONCE)
            .select(seed_runs::name)
            .first::<String>(conn)
            .optional()?;
        if done.is_some() {
            return Ok(0);
        }
        let unchained: Vec<EventRow> = events::table
            .filter(events::hash.is_null())
            .order(events::id)
            .select(EventRow::as_select())
            .load(conn)?;
        diesel::insert_into(seed_runs::table)
            .values((
                seed_runs::name.eq(ONCE),
                seed_runs::rows_loaded.eq(unchained.len() as i64),
            ))
            .execute(conn)?;
        if unchained.is_empty() {
            return Ok(0);
        }
        let (mut seq, mut prev) = head(conn)?;
        for e in &unchained {
            seq += 1;
            let hash = Link { seq, ..e.link() }.hash(&prev);
            diesel::update(events::table.find(e.id))
                .set((
                    events::seq.eq(Some(seq)),
                    events::prev_hash.eq(Some(prev.clone())),
                    events::hash.eq(Some(hash.clone())),
                ))
                .execute(conn)?;
            prev = hash;
        }
        move_head(conn, seq, &prev)?;
        Ok(unchained.len())
    });
    match outcome {
        // Another node starting at the same moment did it.
        Err(e) if e.is_unique_violation() => Ok(0),
        other => other,
    }
}

pub fn for_petition(conn: &mut DbConnection, petition_id: i64) -> Result<Vec<EventRow>, DbError> {
    Ok(events::table
        .filter(events::petition_id.eq(petition_id))
        .order(events::seq)
        .select(EventRow::as_select())
        .load(conn)?)
}
