//! The service layer's one error type. Doors map it once (`From<ServiceError> for ApiError`,
//! the command line's message).

use crate::db::DbError;
use crate::domain::petition::Violation;
use crate::domain::workflow::WrongState;
use crate::error::Fault;

/// Something a use case names that does not exist, or that the actor may not know exists
/// (another office's petition is "not found", never "forbidden").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotFound {
    Petition,
    Office(i64),
    Commune(String),
    User,
    Partner(i64),
    Rule(i64),
    SupervisionRequest,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found: {0:?}")]
    NotFound(NotFound),
    /// The command breaks a rule: every field at fault.
    #[error("invalid: {0:?}")]
    Invalid(Vec<Violation>),
    /// The petition's state does not allow the action.
    #[error(transparent)]
    WrongState(WrongState),
    /// The actor's role or permissions do not allow the use case.
    #[error("forbidden")]
    Forbidden,
    /// A supervision request is answered once.
    #[error("already replied")]
    AlreadyReplied,
    /// No acceptance notice is due: not a denunciation, or its denouncer was notified already.
    #[error("no notice due")]
    NoNoticeDue,
    /// The database is away or gave up on a lock: trying again later can succeed.
    #[error("unavailable: {0}")]
    Unavailable(DbError),
    #[error("internal: {0}")]
    Internal(Fault),
}

impl ServiceError {
    pub fn invalid(field: &str, fault: crate::domain::petition::Fault) -> Self {
        Self::Invalid(vec![Violation::new(field, fault)])
    }

    pub fn bug(context: &'static str) -> Self {
        Self::Internal(Fault::bug(context))
    }
}

impl From<DbError> for ServiceError {
    fn from(e: DbError) -> Self {
        if e.is_transient() {
            Self::Unavailable(e)
        } else {
            Self::Internal(Fault::new("database", e))
        }
    }
}

impl From<WrongState> for ServiceError {
    fn from(e: WrongState) -> Self {
        Self::WrongState(e)
    }
}
