//! Stored replies to POSTs that carried an `Idempotency-Key` (DESIGN §3.10).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::idempotent_replies as replies;
use super::{DbConnection, DbError};
use crate::vault::Sealed;

/// How long a reply is kept: at least a day, as partners are promised.
pub const RETENTION_HOURS: i64 = 48;

#[derive(Debug, Clone)]
pub struct StoredReply {
    pub request_hash: String,
    pub status: u16,
    pub location: Option<String>,
    pub body: Sealed,
}

/// Takes the key for the caller's transaction: a second request with the same key waits until
/// the first commits (then finds its reply) or rolls back (then acts itself), instead of
/// acting a second time. PostgreSQL only: on SQLite the write transaction already holds the
/// one write lock. Keys are locked by a 64-bit digest; two keys sharing one merely take turns.
pub fn claim(conn: &mut DbConnection, scope: &str, key: &str) -> Result<(), DbError> {
    use sha2::{Digest, Sha256};
    let DbConnection::Postgres(c) = conn else {
        return Ok(());
    };
    let digest = Sha256::new()
        .chain_update(scope.as_bytes())
        .chain_update([0])
        .chain_update(key.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(i64::from_be_bytes(first))
        .execute(c)?;
    Ok(())
}

pub fn find(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
) -> Result<Option<StoredReply>, DbError> {
    let row = replies::table
        .find((scope, key))
        .select((
            replies::request_hash,
            replies::status,
            replies::location,
            replies::key_id,
            replies::nonce,
            replies::body,
        ))
        .first::<(String, i32, Option<String>, String, Vec<u8>, Vec<u8>)>(conn)
        .optional()?;
    Ok(row.map(
        |(request_hash, status, location, key_id, nonce, body)| StoredReply {
            request_hash,
            status: u16::try_from(status).unwrap_or(500),
            location,
            body: Sealed {
                key_id,
                nonce,
                ciphertext: body,
            },
        },
    ))
}

pub fn store(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
    reply: &StoredReply,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(replies::table)
        .values((
            replies::scope.eq(scope),
            replies::idempotency_key.eq(key),
            replies::request_hash.eq(&reply.request_hash),
            replies::status.eq(i32::from(reply.status)),
            replies::location.eq(&reply.location),
            replies::key_id.eq(&reply.body.key_id),
            replies::nonce.eq(&reply.body.nonce),
            replies::body.eq(&reply.body.ciphertext),
            replies::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets replies stored before `cutoff`; returns how many.
pub fn purge_before(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::delete(replies::table.filter(replies::created_at.lt(cutoff))).execute(conn)?)
}
