//! Whether an access token's account still stands as it did when the token was issued.
//!
//! A token names its account's token epoch; every change to the account (disabled, its role,
//! office, scope, permission or password changed) moves the epoch on. Each request compares
//! the two, reading the account's epoch from a short cache: a change made on this node applies
//! at once (the door forgets the account), one made on another node or at the command line
//! within [`FRESH_FOR`].

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::db::{Db, DbError, users};

/// How long an account's standing is trusted before it is read again.
pub const FRESH_FOR: Duration = Duration::seconds(30);

/// An account's epoch and whether it is disabled, as last read.
#[derive(Debug, Clone, Copy)]
struct Standing {
    epoch: i64,
    disabled: bool,
    read_at: DateTime<Utc>,
}

/// The accounts' standings, by account id. Only accounts whose token verified are looked up,
/// so the map holds at most one entry per real account.
#[derive(Debug, Default)]
pub struct AccountStandings {
    known: Mutex<HashMap<i64, Standing>>,
}

impl AccountStandings {
    /// Whether account `user_id` is enabled and at `epoch` as of `now`.
    pub async fn current(
        &self,
        db: &Db,
        user_id: i64,
        epoch: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, DbError> {
        let cached = self.lock().get(&user_id).copied();
        let standing = match cached {
            Some(s) if now - s.read_at < FRESH_FOR && s.read_at <= now => s,
            _ => {
                let read = db.read(move |conn| users::standing(conn, user_id)).await?;
                let Some((epoch, disabled)) = read else {
                    self.forget(user_id);
                    return Ok(false);
                };
                let s = Standing {
                    epoch,
                    disabled,
                    read_at: now,
                };
                self.lock().insert(user_id, s);
                s
            }
        };
        Ok(!standing.disabled && standing.epoch == epoch)
    }

    /// Drops what is known of an account: it just changed.
    pub fn forget(&self, user_id: i64) {
        self.lock().remove(&user_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Standing>> {
        // A panic while holding the lock leaves nothing half-written in a map of copies.
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
