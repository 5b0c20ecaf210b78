//! One connection type over both backends, and the pool that hands them out.

use diesel::connection::SimpleConnection;
use diesel::{Connection, ConnectionError, PgConnection, SqliteConnection};

use super::url::DatabaseUrl;

/// A connection to whichever backend `DATABASE_URL` names. Queries written once against
/// this type run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs the same code on the concrete connection, for the few diesel features the
/// enum does not carry (upserts, backend-specific statements). The body is compiled once
/// per backend.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// SQLite settings applied to every connection. `busy_timeout` comes first: switching to WAL
/// needs a lock, and without a timeout a second connection opening at the same moment fails
/// with "database is locked". `synchronous = FULL` makes a commit durable before we answer 2xx.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -16384;
PRAGMA mmap_size = 268435456;";

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connect(#[from] ConnectionError),
    #[error("setting up the connection: {0}")]
    Setup(#[from] diesel::result::Error),
    #[error("creating the database file: {0}")]
    Create(#[from] std::io::Error),
}

/// Creates the SQLite file readable by its owner only, before SQLite would create it with the
/// process's umask: it holds sealed identities, password hashes and the record. SQLite gives
/// its `-wal` and `-shm` files the database file's mode.
fn create_owner_only(path: &std::path::Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// An r2d2 manager that picks the backend by URL scheme. diesel's stock manager for a
/// `MultiConnection` hides the real error when PostgreSQL is down; this one passes it on.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    pub fn connect_once(url: &DatabaseUrl) -> Result<DbConnection, ConnectError> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                create_owner_only(path)?;
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Timestamps are stored as UTC without zone; make `now()` agree.
                conn.batch_execute("SET TIME ZONE 'UTC'")?;
                Ok(DbConnection::Postgres(conn))
            }
        }
    }
}

/// A connection as the pool keeps it, with a note that work on it failed: the failure may
/// have been the connection itself (PostgreSQL restarted, the backend terminated), so it is
/// tested before it goes back to the pool. A connection that fails the test leaves the pool
/// and a new one is made in its place: the service recovers on its own when the database is
/// back, instead of answering from dead connections until it is restarted.
pub struct Pooled {
    pub(super) conn: DbConnection,
    pub(super) suspect: bool,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = ConnectError;

    fn connect(&self) -> Result<Pooled, ConnectError> {
        Ok(Pooled {
            conn: Self::connect_once(&self.url)?,
            suspect: false,
        })
    }

    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), ConnectError> {
        Ok(pooled.conn.batch_execute("SELECT 1")?)
    }

    /// Called as a connection goes back to the pool. Only a connection whose work failed (or
    /// panicked) pays for a round trip.
    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        use diesel::r2d2::R2D2Connection;
        if std::thread::panicking() || pooled.conn.is_broken() {
            return true;
        }
        if !std::mem::take(&mut pooled.suspect) {
            return false;
        }
        pooled.conn.batch_execute("SELECT 1").is_err()
    }
}
