//! Partner apps: created with an API key shown once, revoked for good.

use chrono::{DateTime, Utc};

use super::{NotFound, ServiceError, Tx};
use crate::auth::api_key::NewApiKey;
use crate::db::partners::{self as stored, PartnerRow};
use crate::domain::petition::Fault;

/// Creates a partner named `name` (1–200 characters) holding `key`.
pub fn create(
    tx: &mut Tx,
    name: &str,
    key: &NewApiKey,
    now: DateTime<Utc>,
) -> Result<PartnerRow, ServiceError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::invalid("name", Fault::Blank));
    }
    if name.chars().count() > 200 {
        return Err(ServiceError::invalid("name", Fault::TooLong { max: 200 }));
    }
    Ok(stored::create(tx.conn, name, key, now.naive_utc())?)
}

/// Revokes partner `id`'s key; revoking twice keeps the first time.
pub fn revoke(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<PartnerRow, ServiceError> {
    stored::revoke(tx.conn, id, now.naive_utc())?
        .ok_or(ServiceError::NotFound(NotFound::Partner(id)))
}
