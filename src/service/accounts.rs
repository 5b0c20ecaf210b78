//! Staff accounts (DESIGN §3.5): created by an admin (or an office head for their office),
//! with a password hashed beforehand, off the request's thread.

use chrono::{DateTime, Utc};

use super::{ServiceError, Tx};
use crate::auth::accounts::{self as stored, CheckedAccount, CreateError};
use crate::db::events::Actor;
use crate::db::users::UserRow;
use crate::error::Fault;

/// Stores a checked account with its password hash, by `by`. The office must exist and the
/// username be free.
pub fn create(
    tx: &mut Tx,
    by: &Actor,
    account: &CheckedAccount,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<UserRow, ServiceError> {
    stored::create(tx.conn, account, password_hash, by, now.naive_utc()).map_err(|e| match e {
        CreateError::Invalid(v) => ServiceError::Invalid(v),
        CreateError::Db(e) => e.into(),
        CreateError::Hash(e) => ServiceError::Internal(Fault::text("hashing a password", e)),
    })
}
