//! The life of a petition (DESIGN §3.3): which action may move it from which state.
//!
//! ```text
//! incomplete ─complete─▶ received      (a denunciation without a contact: art. 23(1))
//! received ─accept─▶ accepted ─answer─▶ answered ─close / rating─▶ closed
//!    │  ╰─reject─▶ rejected
//!    ╰─transfer─▶ received (at the new office)
//! accepted ─extend─▶ accepted
//! any open state ─withdraw─▶ withdrawn   (Law on Complaints art. 10: at any time)
//! ```
//! Closed, rejected and withdrawn are terminal: nothing moves a petition out of them, and a
//! correction is a new event, never an edit.

/// Where a petition is in its life.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A denunciation that names its denouncer but gives no way to reach them (Law on
    /// Denunciations 25/2018/QH14 art. 23(1)): waiting for the denouncer to add one. No
    /// clock runs until they do.
    Incomplete,
    Received,
    Accepted,
    Rejected,
    Answered,
    Closed,
    Withdrawn,
}

impl Status {
    pub const ALL: [Self; 7] = [
        Self::Incomplete,
        Self::Received,
        Self::Accepted,
        Self::Rejected,
        Self::Answered,
        Self::Closed,
        Self::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Incomplete => "incomplete",
            Self::Received => "received",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
            Self::Answered => "answered",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Nothing can happen to a petition in a terminal state.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Rejected | Self::Closed | Self::Withdrawn)
    }

    /// The actions this state allows, in a stable order.
    pub fn allowed(self) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| transition(self, *a).is_some())
            .collect()
    }
}

/// What someone can do to a petition.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Reject,
    Transfer,
    Extend,
    Answer,
    Close,
    Withdraw,
    /// The citizen rates the answer, which closes the petition.
    Rate,
    /// The office tells the denouncer that the denunciation was accepted and what will be
    /// resolved (Law on Denunciations 25/2018/QH14 art. 29: within 5 working days of the
    /// acceptance decision). The petition stays accepted; its `notify` clock ends.
    Notify,
    /// The denouncer (through the partner, or with the receipt secret) adds what an
    /// incomplete denunciation lacked; it is then received and its clocks start.
    Complete,
}

impl Action {
    pub const ALL: [Self; 10] = [
        Self::Accept,
        Self::Reject,
        Self::Transfer,
        Self::Extend,
        Self::Answer,
        Self::Close,
        Self::Withdraw,
        Self::Rate,
        Self::Notify,
        Self::Complete,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
            Self::Transfer => "transfer",
            Self::Extend => "extend",
            Self::Answer => "answer",
            Self::Close => "close",
            Self::Withdraw => "withdraw",
            Self::Rate => "rate",
            Self::Notify => "notify",
            Self::Complete => "complete",
        }
    }
}

/// The action is not allowed in the petition's current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not allowed while the petition is {status:?}")]
pub struct WrongState {
    pub status: Status,
    pub action: Action,
    pub allowed: Vec<Action>,
}

/// The state `action` leads to from `status`, or why it cannot be taken.
pub fn next(status: Status, action: Action) -> Result<Status, WrongState> {
    transition(status, action).ok_or_else(|| WrongState {
        status,
        action,
        allowed: status.allowed(),
    })
}

/// The transition table.
fn transition(status: Status, action: Action) -> Option<Status> {
    use Action as A;
    use Status as S;
    match (status, action) {
        (S::Incomplete, A::Complete) => Some(S::Received),
        // Never completed: the office may refuse it (art. 29(1)(a): it does not meet art. 23).
        (S::Incomplete, A::Reject) => Some(S::Rejected),
        (S::Received, A::Accept) => Some(S::Accepted),
        (S::Received, A::Reject) => Some(S::Rejected),
        (S::Received, A::Transfer) => Some(S::Received),
        (S::Accepted, A::Extend | A::Notify) => Some(S::Accepted),
        (S::Accepted, A::Answer) => Some(S::Answered),
        (S::Answered, A::Close | A::Rate) => Some(S::Closed),
        (S::Incomplete | S::Received | S::Accepted | S::Answered, A::Withdraw) => {
            Some(S::Withdrawn)
        }
        _ => None,
    }
}

// The grounds the laws give for not taking a petition up (thụ lý): Law on Complaints art. 11,
// Law on Denunciations art. 27. The doc comment is the OpenAPI schema's description.
/// Why a petition is not taken up.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    NotCompetent,
    Duplicate,
    AnonymousDenunciation,
    OutOfTime,
    Incomplete,
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
        }
        for a in Action::ALL {
            assert_eq!(serde_json::to_value(a).unwrap(), a.code());
        }
    }

    #[test]
    fn a_refusal_lists_what_is_allowed() {
        let refused = next(Status::Received, Action::Answer).unwrap_err();
        assert_eq!(
            refused.allowed,
            vec![
                Action::Accept,
                Action::Reject,
                Action::Transfer,
                Action::Withdraw
            ]
        );
        assert!(
            next(Status::Closed, Action::Withdraw)
                .unwrap_err()
                .allowed
                .is_empty()
        );
    }

    proptest! {
        /// No sequence of actions leaves a terminal state, and every refusal names the
        /// state's allowed actions exactly.
        #[test]
        fn terminal_states_stay_terminal(actions in prop::collection::vec(prop::sample::select(Action::ALL.to_vec()), 0..40)) {
            let mut status = Status::Incomplete;
            for action in actions {
                match next(status, action) {
                    Ok(to) => {
                        prop_assert!(!status.is_terminal());
                        status = to;
                    }
                    Err(refused) => {
                        prop_assert_eq!(refused.status, status);
                        prop_assert!(!refused.allowed.contains(&action));
                        for allowed in &refused.allowed {
                            prop_assert!(next(status, *allowed).is_ok());
                        }
                    }
                }
            }
        }
    }
}
