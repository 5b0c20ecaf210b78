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
    #[error("blocking task failed")]
    Blocking,
}

impl DbError {
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
