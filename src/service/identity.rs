//! Petitioners' identities: sealed at intake, opened only where the law allows
//! (`domain::confidentiality`), a denouncer's only through an audited reveal.

use chrono::{DateTime, Utc};

use super::actor::OfficeStaff;
use super::{Context, NotFound, ServiceError, Tx};
use crate::db::events;
use crate::db::petitions::{self, PetitionDetail};
use crate::domain::confidentiality::{self, Reader};
use crate::domain::event::{Event, IdentityRevealed};
use crate::domain::petition::{Citizen, text_fault};
use crate::error::Fault;

/// The identity sealed with a petition, opened.
pub fn unseal(ctx: &Context, d: &PetitionDetail) -> Result<Option<Citizen>, ServiceError> {
    let Some(sealed) = &d.identity else {
        return Ok(None);
    };
    let plain = ctx
        .vault()?
        .open(d.petition.public_id.as_bytes(), sealed)
        .map_err(|e| ServiceError::Internal(Fault::new("opening an identity", e)))?;
    serde_json::from_slice(&plain)
        .map(Some)
        .map_err(|e| ServiceError::Internal(Fault::new("reading an opened identity", e)))
}

/// A revealed identity.
#[derive(Debug, Clone)]
pub struct Revealed {
    pub petition: PetitionDetail,
    /// `None` for an anonymous petition.
    pub citizen: Option<Citizen>,
}

/// Reveals the petitioner's identity to an official of the handling office who holds the
/// permission, for the reason given (up to 500 characters), recorded in the audit trail.
pub fn reveal(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Revealed, ServiceError> {
    if !by.can_reveal_identity {
        return Err(ServiceError::Forbidden);
    }
    if let Some(fault) = text_fault(reason, 500) {
        return Err(ServiceError::invalid("reason", fault));
    }
    let id =
        petitions::id_of(tx.conn, public_id)?.ok_or(ServiceError::NotFound(NotFound::Petition))?;
    let petition =
        petitions::detail(tx.conn, id)?.ok_or(ServiceError::NotFound(NotFound::Petition))?;
    let reader = Reader::OfficeStaff {
        office: by.office_id,
    };
    if !confidentiality::may_reveal(reader, petition.petition.office_id, by.can_reveal_identity) {
        return Err(ServiceError::NotFound(NotFound::Petition));
    }
    events::append(
        tx.conn,
        Some(id),
        &by.actor(),
        &Event::IdentityRevealed(IdentityRevealed {
            reason: reason.trim().to_owned(),
        }),
        now.naive_utc(),
    )?;
    let citizen = unseal(tx.ctx, &petition)?;
    Ok(Revealed { petition, citizen })
}

/// Identities erased per transaction.
const ERASE_BATCH: i64 = 500;

/// Erases the identities of petitions that ended more than `retention_days` before `now`
/// (`domain::retention`), each recorded as `identity.erased`; one transaction per batch, on
/// the writer, yielding it between batches. Returns how many were erased.
pub async fn erase_expired(
    db: &crate::db::Db,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<usize, crate::db::DbError> {
    let mut total = 0;
    loop {
        let erased = db
            .write(move |conn| erase_batch(conn, retention_days, now))
            .await?;
        total += erased;
        if erased < ERASE_BATCH as usize {
            return Ok(total);
        }
    }
}

/// The same, on a connection the caller holds (the command line, tests).
pub fn erase_expired_blocking(
    conn: &mut crate::db::DbConnection,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<usize, crate::db::DbError> {
    let mut total = 0;
    loop {
        let erased =
            crate::db::write_transaction(conn, |conn| erase_batch(conn, retention_days, now))?;
        total += erased;
        if erased < ERASE_BATCH as usize {
            return Ok(total);
        }
    }
}

fn erase_batch(
    conn: &mut crate::db::DbConnection,
    retention_days: u32,
    now: DateTime<Utc>,
) -> Result<usize, crate::db::DbError> {
    let Some(before) = crate::domain::retention::erase_ended_before(retention_days, now) else {
        return Ok(0);
    };
    let mut erased = 0;
    for id in petitions::ended_with_identity(conn, before.naive_utc(), ERASE_BATCH)? {
        // Petition first, as every writer locks, so a reveal at the same moment waits.
        petitions::lock(conn, id)?;
        if petitions::erase_identity(conn, id)? {
            events::append(
                conn,
                Some(id),
                &events::Actor::System,
                &Event::IdentityErased(crate::domain::event::IdentityErased { retention_days }),
                now.naive_utc(),
            )?;
            erased += 1;
        }
    }
    Ok(erased)
}
