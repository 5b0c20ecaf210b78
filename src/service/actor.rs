//! Who acts, as the use cases need to know them. Doors build these from whatever identified
//! the caller (a partner key, a staff token, a receipt secret) after checking the caller's
//! role; the use cases check what depends on the record (whose petition it is).

use crate::db::events::Actor;
use crate::domain::staff::{Role, Scope};

/// An official or office head, acting for their office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeStaff {
    pub user_id: i64,
    pub office_id: i64,
    pub role: Role,
    /// May see a denouncer's identity, through an audited reveal.
    pub can_reveal_identity: bool,
}

impl OfficeStaff {
    /// As the record names them.
    pub fn actor(&self) -> Actor {
        Actor::Staff(self.user_id)
    }
}

/// Who takes a petition in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitter {
    /// A partner app, for a citizen, as it happens.
    Partner(i64),
    /// Staff recording what was handed in at their desk.
    Desk(OfficeStaff),
}

/// The citizen's side of a petition: the partner that submitted it, or whoever holds its
/// receipt secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Citizen {
    Partner(i64),
    ReceiptHolder { secret: String },
}

impl Citizen {
    pub fn actor(&self) -> Actor {
        match self {
            Self::Partner(id) => Actor::Partner(*id),
            Self::ReceiptHolder { .. } => Actor::ReceiptHolder,
        }
    }
}

/// A Fatherland Front supervisor, within their scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supervisor {
    pub user_id: i64,
    pub scope: Scope,
}
