//! Write transactions that take the write lock up front.
//!
//! SQLite's default `BEGIN` is deferred: a transaction that reads and then writes must upgrade
//! its lock, and when another connection wrote in between, the upgrade fails at once with
//! "database is locked" instead of waiting. `BEGIN IMMEDIATE` takes the write lock first and
//! waits (busy_timeout) for it. PostgreSQL needs nothing special: row locks and unique indexes
//! serialise writers there.

use diesel::Connection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::{DbConnection, DbError};

type Manager = <DbConnection as Connection>::TransactionManager;

/// Runs `work` in one transaction that holds the write lock from its first statement, commits
/// on `Ok` and rolls back on `Err`.
pub fn write_transaction<T, E: From<DbError>>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    let begun = match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        DbConnection::Postgres(c) => AnsiTransactionManager::begin_transaction(c),
    };
    begun.map_err(|e| E::from(e.into()))?;
    match work(conn) {
        Ok(value) => {
            if let Err(commit) = Manager::commit_transaction(conn) {
                let _ = Manager::rollback_transaction(conn);
                return Err(E::from(commit.into()));
            }
            Ok(value)
        }
        Err(error) => {
            // The work's error is the one worth reporting; a failed rollback leaves the
            // connection broken, which the pool notices.
            let _ = Manager::rollback_transaction(conn);
            Err(error)
        }
    }
}
