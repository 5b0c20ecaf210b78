use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Everything that can go wrong below the API: the one error type of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database unreachable: {0}")]
    Unavailable(#[from] r2d2::Error),
    #[error("query failed: {0}")]
    Query(#[from] DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("reference data: {0}")]
    ReferenceData(String),
    /// A stored value the service could not have written.
    #[error("unexpected data in the database: {0}")]
    Corrupt(String),
    /// The settings ask for something the backend cannot do.
    #[error("misconfigured: {0}")]
    Misconfigured(&'static str),
    #[error("blocking task failed")]
    Blocking,
}

impl DbError {
    /// True when trying again later can succeed: the database is unreachable, the connection
    /// broke, or it gave up on a lock (a deadlock broken, a serialisation conflict, SQLite
    /// still busy after its timeout). The client gets a 503 with `Retry-After`, not a 500.
    pub fn is_transient(&self) -> bool {
        match self {
            DbError::Unavailable(_) => true,
            DbError::Query(DieselError::DatabaseError(kind, info)) => match kind {
                DatabaseErrorKind::ClosedConnection
                | DatabaseErrorKind::UnableToSendCommand
                | DatabaseErrorKind::SerializationFailure => true,
                DatabaseErrorKind::Unknown => {
                    let message = info.message();
                    [
                        "deadlock detected",
                        "database is locked",
                        "database table is locked",
                        "terminating connection",
                        "server closed the connection",
                        "no connection to the server",
                    ]
                    .iter()
                    .any(|m| message.contains(m))
                }
                _ => false,
            },
            DbError::Query(DieselError::BrokenTransactionManager) => true,
            _ => false,
        }
    }

    /// True when the database refused a row because it would duplicate a unique key.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(DieselError::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}
