//! The record's events: every change the service makes, as the audit chain stores and hashes
//! it (DESIGN §3.9).
//!
//! An [`Event`] is written as its [`EventKind`] (the `action` column) and a payload: JSON with
//! its keys in sorted order, no spaces, numbers and strings as serde_json writes them. That
//! text is hashed into the chain, so it must never change for an event already written: the
//! payloads here are byte for byte those the service wrote before events were typed, which a
//! test checks against a committed export of such a chain
//! (`tests/fixtures/audit-export-before-typed-events.jsonl`). Add fields only as new events
//! or as optional fields that old payloads lack; never rename one.
//!
//! No personal data goes into a payload: they are public to anyone who verifies the chain.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::DayChange;
use super::clock::{ClockName, Complexity};
use super::petition::{Channel, Kind};
use super::rules::Rule;
use super::staff::Role;
use super::workflow::{RejectReason, Status};

/// What happened, as the `action` of a stored event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    PetitionReceived,
    PetitionCompleted,
    PetitionAccepted,
    PetitionRejected,
    PetitionNotCompetent,
    PetitionTransferred,
    PetitionExtended,
    PetitionAnswered,
    PetitionClosed,
    PetitionNotified,
    PetitionRated,
    PetitionWithdrawn,
    PetitionEscalated,
    IdentityRevealed,
    DeadlineApproaching,
    DeadlineMissed,
    DeadlineRecomputed,
    SuperiorNotified,
    SupervisionRequested,
    SupervisionReplied,
    CalendarDayChanged,
    RuleAdded,
    RuleChanged,
    CommuneRemoteChanged,
    PartnerCreated,
    PartnerRevoked,
    UserCreated,
    UserChanged,
    UserDisabled,
    UserEnabled,
    UserPasswordReset,
    UserPasswordChanged,
    IdentityErased,
}

impl EventKind {
    pub const ALL: [Self; 33] = [
        Self::PetitionReceived,
        Self::PetitionCompleted,
        Self::PetitionAccepted,
        Self::PetitionRejected,
        Self::PetitionNotCompetent,
        Self::PetitionTransferred,
        Self::PetitionExtended,
        Self::PetitionAnswered,
        Self::PetitionClosed,
        Self::PetitionNotified,
        Self::PetitionRated,
        Self::PetitionWithdrawn,
        Self::PetitionEscalated,
        Self::IdentityRevealed,
        Self::DeadlineApproaching,
        Self::DeadlineMissed,
        Self::DeadlineRecomputed,
        Self::SuperiorNotified,
        Self::SupervisionRequested,
        Self::SupervisionReplied,
        Self::CalendarDayChanged,
        Self::RuleAdded,
        Self::RuleChanged,
        Self::CommuneRemoteChanged,
        Self::PartnerCreated,
        Self::PartnerRevoked,
        Self::UserCreated,
        Self::UserChanged,
        Self::UserDisabled,
        Self::UserEnabled,
        Self::UserPasswordReset,
        Self::UserPasswordChanged,
        Self::IdentityErased,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PetitionReceived => "petition.received",
            Self::PetitionCompleted => "petition.completed",
            Self::PetitionAccepted => "petition.accepted",
            Self::PetitionRejected => "petition.rejected",
            Self::PetitionNotCompetent => "petition.not_competent",
            Self::PetitionTransferred => "petition.transferred",
            Self::PetitionExtended => "petition.extended",
            Self::PetitionAnswered => "petition.answered",
            Self::PetitionClosed => "petition.closed",
            Self::PetitionNotified => "petition.notified",
            Self::PetitionRated => "petition.rated",
            Self::PetitionWithdrawn => "petition.withdrawn",
            Self::PetitionEscalated => "petition.escalated",
            Self::IdentityRevealed => "identity.revealed",
            Self::DeadlineApproaching => "deadline.approaching",
            Self::DeadlineMissed => "deadline.missed",
            Self::DeadlineRecomputed => "deadline.recomputed",
            Self::SuperiorNotified => "superior.notified",
            Self::SupervisionRequested => "supervision.requested",
            Self::SupervisionReplied => "supervision.replied",
            Self::CalendarDayChanged => "calendar.day_changed",
            Self::RuleAdded => "rule.added",
            Self::RuleChanged => "rule.changed",
            Self::CommuneRemoteChanged => "commune.remote_changed",
            Self::PartnerCreated => "partner.created",
            Self::PartnerRevoked => "partner.revoked",
            Self::UserCreated => "user.created",
            Self::UserChanged => "user.changed",
            Self::UserDisabled => "user.disabled",
            Self::UserEnabled => "user.enabled",
            Self::UserPasswordReset => "user.password_reset",
            Self::UserPasswordChanged => "user.password_changed",
            Self::IdentityErased => "identity.erased",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The payload fields that hold free text staff wrote: withheld from readers who may not
    /// see a confidential petition's working notes (`confidentiality::free_text_shown`).
    pub fn free_text_fields(self) -> &'static [&'static str] {
        match self {
            Self::PetitionTransferred
            | Self::PetitionExtended
            | Self::PetitionEscalated
            | Self::IdentityRevealed => &["reason"],
            Self::PetitionRejected | Self::PetitionNotCompetent => &["note"],
            _ => &[],
        }
    }
}

/// A clock an event started, with its due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartedClock {
    pub name: ClockName,
    pub due_at: DateTime<Utc>,
}

/// Taken in, routed and its first clocks started (Law on Complaints art. 27, Law on
/// Denunciations art. 24; DESIGN §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// The kind it is handled as.
    pub kind: Kind,
    /// The kind the petitioner filed (a denunciation without identity is handled as feedback).
    pub filed_kind: Kind,
    pub channel: Channel,
    pub category: String,
    pub commune_code: String,
    pub office_id: i64,
    /// The routing rule's code.
    pub routing_rule: String,
    pub late_filing: bool,
    pub clocks: Vec<StartedClock>,
    /// A denunciation taken in without a way to reach the denouncer (art. 23(1)): no clock
    /// started; `petition.completed` starts them. Absent when false, so that every other
    /// receipt hashes as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub incomplete: bool,
}

/// An incomplete denunciation completed: the denouncer gave a way to reach them, and the
/// clocks of its receipt started (Law on Denunciations art. 23(1), 24(1)). What the
/// statistics count as its receipt; the contact itself is sealed with the identity, never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completed {
    pub kind: Kind,
    pub channel: Channel,
    pub category: String,
    pub office_id: i64,
    pub clocks: Vec<StartedClock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub complexity: Complexity,
    pub clocks: Vec<StartedClock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    pub reason: RejectReason,
    /// The official's note to the petitioner, when one was written. Absent from events written
    /// without one (and from every event before notes were kept), so they hash as they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A denunciation the office found outside its competence: it stays received there until it
/// is transferred, which the `forward` clock measures (Law on Denunciations 25/2018/QH14 art.
/// 24(2): within 5 working days of its receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotCompetent {
    /// The official's note, when one was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub clocks: Vec<StartedClock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transferred {
    pub from_office: i64,
    pub to_office: i64,
    pub reason: String,
    pub clocks: Vec<StartedClock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extended {
    pub clock: ClockName,
    pub days: u32,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answered {
    pub decision_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rated {
    pub satisfied: bool,
    pub score: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawn {
    pub from: Status,
    pub to: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalated {
    /// The public id of the second-time complaint.
    pub second_time: String,
    /// Why the law allows it (Law on Complaints art. 7(1)); absent in events written before
    /// it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ground: Option<crate::domain::escalation::Ground>,
    /// Why the complainant disagrees with the first-time decision, in their words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRevealed {
    pub reason: String,
}

/// A clock announced as coming due or missed by the sweeper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineNoted {
    pub clock: ClockName,
    pub due_at: DateTime<Utc>,
    pub office_id: i64,
}

/// A running clock's due time moved by a calendar or rule change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recomputed {
    pub clock: ClockName,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub calendar_version: String,
    pub rules_version: Option<String>,
}

/// Why a superior office was told of a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeReason {
    /// Law on Denunciations 25/2018/QH14 art. 38: the superior handles a denunciation its
    /// subordinate left unresolved past the deadline.
    DenunciationOverdue,
}

impl NoticeReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::DenunciationOverdue => "denunciation_overdue",
        }
    }

    pub fn legal_basis(self) -> &'static str {
        match self {
            Self::DenunciationOverdue => "Law on Denunciations 25/2018/QH14, art. 38",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuperiorNotified {
    /// The superior office told.
    pub office_id: i64,
    pub reason: NoticeReason,
    pub clock: ClockName,
    pub legal_basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionRequested {
    pub request_id: i64,
    pub office_id: i64,
    pub due_at: DateTime<Utc>,
    /// The petitions it names, by their position in the record (`petition_id` of their
    /// events).
    pub petition_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionReplied {
    pub request_id: i64,
    pub office_id: i64,
    pub due_at: DateTime<Utc>,
    pub replied_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleAdded {
    pub rule: Rule,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleChanged {
    pub supersedes: i64,
    pub rule: Rule,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteChanged {
    pub commune_code: String,
    pub remote: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerCreated {
    pub partner_id: i64,
    pub name: String,
    pub key_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerRevoked {
    pub partner_id: i64,
}

/// An account's access as it stands after it was created or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccess {
    pub user_id: i64,
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<String>,
    pub can_reveal_identity: bool,
}

/// A petitioner's identity erased, its retention over (`domain::retention`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityErased {
    /// The days it was kept after the petition ended.
    pub retention_days: u32,
}

/// The account a change was made to (disabled, enabled, its password set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub user_id: i64,
}

/// Nothing more to say than the kind (`{}`); an old payload's extra keys are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Nothing {}

/// One change, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    PetitionReceived(Received),
    PetitionCompleted(Completed),
    PetitionAccepted(Accepted),
    PetitionRejected(Rejected),
    PetitionNotCompetent(NotCompetent),
    PetitionTransferred(Transferred),
    PetitionExtended(Extended),
    PetitionAnswered(Answered),
    PetitionClosed,
    PetitionNotified,
    PetitionRated(Rated),
    PetitionWithdrawn(Withdrawn),
    PetitionEscalated(Escalated),
    IdentityRevealed(IdentityRevealed),
    DeadlineApproaching(DeadlineNoted),
    DeadlineMissed(DeadlineNoted),
    DeadlineRecomputed(Recomputed),
    SuperiorNotified(SuperiorNotified),
    SupervisionRequested(SupervisionRequested),
    SupervisionReplied(SupervisionReplied),
    CalendarDayChanged(DayChange),
    RuleAdded(RuleAdded),
    RuleChanged(RuleChanged),
    CommuneRemoteChanged(RemoteChanged),
    PartnerCreated(PartnerCreated),
    PartnerRevoked(PartnerRevoked),
    UserCreated(UserAccess),
    UserChanged(UserAccess),
    UserDisabled(UserRef),
    UserEnabled(UserRef),
    /// Set by an admin or an office head.
    UserPasswordReset(UserRef),
    /// Changed by the account's holder.
    UserPasswordChanged(UserRef),
    IdentityErased(IdentityErased),
}

/// A stored event that does not read as its kind: written behind the service's back.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event kind {0:?}")]
    Kind(String),
    #[error("{kind} payload: {source}")]
    Payload {
        kind: &'static str,
        source: serde_json::Error,
    },
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Self::PetitionReceived(_) => EventKind::PetitionReceived,
            Self::PetitionCompleted(_) => EventKind::PetitionCompleted,
            Self::PetitionAccepted(_) => EventKind::PetitionAccepted,
            Self::PetitionRejected(_) => EventKind::PetitionRejected,
            Self::PetitionNotCompetent(_) => EventKind::PetitionNotCompetent,
            Self::PetitionTransferred(_) => EventKind::PetitionTransferred,
            Self::PetitionExtended(_) => EventKind::PetitionExtended,
            Self::PetitionAnswered(_) => EventKind::PetitionAnswered,
            Self::PetitionClosed => EventKind::PetitionClosed,
            Self::PetitionNotified => EventKind::PetitionNotified,
            Self::PetitionRated(_) => EventKind::PetitionRated,
            Self::PetitionWithdrawn(_) => EventKind::PetitionWithdrawn,
            Self::PetitionEscalated(_) => EventKind::PetitionEscalated,
            Self::IdentityRevealed(_) => EventKind::IdentityRevealed,
            Self::DeadlineApproaching(_) => EventKind::DeadlineApproaching,
            Self::DeadlineMissed(_) => EventKind::DeadlineMissed,
            Self::DeadlineRecomputed(_) => EventKind::DeadlineRecomputed,
            Self::SuperiorNotified(_) => EventKind::SuperiorNotified,
            Self::SupervisionRequested(_) => EventKind::SupervisionRequested,
            Self::SupervisionReplied(_) => EventKind::SupervisionReplied,
            Self::CalendarDayChanged(_) => EventKind::CalendarDayChanged,
            Self::RuleAdded(_) => EventKind::RuleAdded,
            Self::RuleChanged(_) => EventKind::RuleChanged,
            Self::CommuneRemoteChanged(_) => EventKind::CommuneRemoteChanged,
            Self::PartnerCreated(_) => EventKind::PartnerCreated,
            Self::PartnerRevoked(_) => EventKind::PartnerRevoked,
            Self::UserCreated(_) => EventKind::UserCreated,
            Self::UserChanged(_) => EventKind::UserChanged,
            Self::UserDisabled(_) => EventKind::UserDisabled,
            Self::UserEnabled(_) => EventKind::UserEnabled,
            Self::UserPasswordReset(_) => EventKind::UserPasswordReset,
            Self::UserPasswordChanged(_) => EventKind::UserPasswordChanged,
            Self::IdentityErased(_) => EventKind::IdentityErased,
        }
    }

    /// The payload as stored and hashed: JSON with sorted keys.
    pub fn payload(&self) -> Result<String, serde_json::Error> {
        match self {
            Self::PetitionReceived(p) => canonical(p),
            Self::PetitionCompleted(p) => canonical(p),
            Self::PetitionAccepted(p) => canonical(p),
            Self::PetitionRejected(p) => canonical(p),
            Self::PetitionNotCompetent(p) => canonical(p),
            Self::PetitionTransferred(p) => canonical(p),
            Self::PetitionExtended(p) => canonical(p),
            Self::PetitionAnswered(p) => canonical(p),
            Self::PetitionClosed | Self::PetitionNotified => canonical(&Nothing {}),
            Self::PetitionRated(p) => canonical(p),
            Self::PetitionWithdrawn(p) => canonical(p),
            Self::PetitionEscalated(p) => canonical(p),
            Self::IdentityRevealed(p) => canonical(p),
            Self::DeadlineApproaching(p) | Self::DeadlineMissed(p) => canonical(p),
            Self::DeadlineRecomputed(p) => canonical(p),
            Self::SuperiorNotified(p) => canonical(p),
            Self::SupervisionRequested(p) => canonical(p),
            Self::SupervisionReplied(p) => canonical(p),
            Self::CalendarDayChanged(p) => canonical(p),
            Self::RuleAdded(p) => canonical(p),
            Self::RuleChanged(p) => canonical(p),
            Self::CommuneRemoteChanged(p) => canonical(p),
            Self::PartnerCreated(p) => canonical(p),
            Self::PartnerRevoked(p) => canonical(p),
            Self::UserCreated(p) | Self::UserChanged(p) => canonical(p),
            Self::UserDisabled(p)
            | Self::UserEnabled(p)
            | Self::UserPasswordReset(p)
            | Self::UserPasswordChanged(p) => canonical(p),
            Self::IdentityErased(p) => canonical(p),
        }
    }

    /// Reads a stored event back.
    pub fn decode(action: &str, payload: &str) -> Result<Self, DecodeError> {
        let kind = EventKind::from_code(action).ok_or_else(|| DecodeError::Kind(action.into()))?;
        Self::decode_kind(kind, payload)
    }

    pub fn decode_kind(kind: EventKind, payload: &str) -> Result<Self, DecodeError> {
        fn read<'a, T: Deserialize<'a>>(
            kind: EventKind,
            payload: &'a str,
        ) -> Result<T, DecodeError> {
            serde_json::from_str(payload).map_err(|source| DecodeError::Payload {
                kind: kind.code(),
                source,
            })
        }
        Ok(match kind {
            EventKind::PetitionReceived => Self::PetitionReceived(read(kind, payload)?),
            EventKind::PetitionCompleted => Self::PetitionCompleted(read(kind, payload)?),
            EventKind::PetitionAccepted => Self::PetitionAccepted(read(kind, payload)?),
            EventKind::PetitionRejected => Self::PetitionRejected(read(kind, payload)?),
            EventKind::PetitionNotCompetent => Self::PetitionNotCompetent(read(kind, payload)?),
            EventKind::PetitionTransferred => Self::PetitionTransferred(read(kind, payload)?),
            EventKind::PetitionExtended => Self::PetitionExtended(read(kind, payload)?),
            EventKind::PetitionAnswered => Self::PetitionAnswered(read(kind, payload)?),
            EventKind::PetitionClosed => {
                read::<Nothing>(kind, payload)?;
                Self::PetitionClosed
            }
            EventKind::PetitionNotified => {
                read::<Nothing>(kind, payload)?;
                Self::PetitionNotified
            }
            EventKind::PetitionRated => Self::PetitionRated(read(kind, payload)?),
            EventKind::PetitionWithdrawn => Self::PetitionWithdrawn(read(kind, payload)?),
            EventKind::PetitionEscalated => Self::PetitionEscalated(read(kind, payload)?),
            EventKind::IdentityRevealed => Self::IdentityRevealed(read(kind, payload)?),
            EventKind::DeadlineApproaching => Self::DeadlineApproaching(read(kind, payload)?),
            EventKind::DeadlineMissed => Self::DeadlineMissed(read(kind, payload)?),
            EventKind::DeadlineRecomputed => Self::DeadlineRecomputed(read(kind, payload)?),
            EventKind::SuperiorNotified => Self::SuperiorNotified(read(kind, payload)?),
            EventKind::SupervisionRequested => Self::SupervisionRequested(read(kind, payload)?),
            EventKind::SupervisionReplied => Self::SupervisionReplied(read(kind, payload)?),
            EventKind::CalendarDayChanged => Self::CalendarDayChanged(read(kind, payload)?),
            EventKind::RuleAdded => Self::RuleAdded(read(kind, payload)?),
            EventKind::RuleChanged => Self::RuleChanged(read(kind, payload)?),
            EventKind::CommuneRemoteChanged => Self::CommuneRemoteChanged(read(kind, payload)?),
            EventKind::PartnerCreated => Self::PartnerCreated(read(kind, payload)?),
            EventKind::PartnerRevoked => Self::PartnerRevoked(read(kind, payload)?),
            EventKind::UserCreated => Self::UserCreated(read(kind, payload)?),
            EventKind::UserChanged => Self::UserChanged(read(kind, payload)?),
            EventKind::UserDisabled => Self::UserDisabled(read(kind, payload)?),
            EventKind::UserEnabled => Self::UserEnabled(read(kind, payload)?),
            EventKind::UserPasswordReset => Self::UserPasswordReset(read(kind, payload)?),
            EventKind::UserPasswordChanged => Self::UserPasswordChanged(read(kind, payload)?),
            EventKind::IdentityErased => Self::IdentityErased(read(kind, payload)?),
        })
    }
}

/// JSON with its object keys sorted at every level: serde_json's `Value` keeps them in a
/// sorted map, which is how every payload in the chain was written.
fn canonical(value: &impl Serialize) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_value(value)?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_without_a_note_hashes_as_before_notes_were_kept() {
        let bare = Event::PetitionRejected(Rejected {
            reason: RejectReason::Duplicate,
            note: None,
        });
        assert_eq!(bare.payload().unwrap(), r#"{"reason":"duplicate"}"#);
        let noted = Event::PetitionRejected(Rejected {
            reason: RejectReason::Duplicate,
            note: Some("Trùng đơn".into()),
        });
        let text = noted.payload().unwrap();
        assert_eq!(Event::decode("petition.rejected", &text).unwrap(), noted);
        assert_eq!(
            Event::decode("petition.rejected", r#"{"reason":"duplicate"}"#).unwrap(),
            bare
        );
    }

    #[test]
    fn the_free_text_fields_named_are_in_the_payloads() {
        let at = at("2026-11-20T09:00:00+07:00");
        let events = [
            Event::PetitionTransferred(Transferred {
                from_office: 1,
                to_office: 2,
                reason: "x".into(),
                clocks: vec![],
            }),
            Event::PetitionExtended(Extended {
                clock: ClockName::Answer,
                days: 5,
                from: at,
                to: at,
                reason: "x".into(),
            }),
            Event::IdentityRevealed(IdentityRevealed { reason: "x".into() }),
            Event::PetitionRejected(Rejected {
                reason: RejectReason::Duplicate,
                note: Some("x".into()),
            }),
        ];
        for e in &events {
            let payload: serde_json::Value = serde_json::from_str(&e.payload().unwrap()).unwrap();
            let fields = e.kind().free_text_fields();
            assert!(!fields.is_empty());
            for field in fields {
                assert_eq!(payload[field], "x", "{:?} {field}", e.kind());
            }
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn every_kind_has_a_distinct_code_that_reads_back() {
        let mut codes: Vec<&str> = EventKind::ALL.iter().map(|k| k.code()).collect();
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_code(kind.code()), Some(kind));
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), EventKind::ALL.len());
        assert_eq!(EventKind::from_code("petition.deleted"), None);
    }

    #[test]
    fn payloads_are_written_with_sorted_keys_as_the_chain_has_them() {
        let event = Event::PetitionTransferred(Transferred {
            from_office: 1019,
            to_office: 1031,
            reason: "Nơi phát sinh".into(),
            clocks: vec![StartedClock {
                name: ClockName::Acknowledge,
                due_at: at("2026-09-22T16:59:59Z"),
            }],
        });
        assert_eq!(
            event.payload().unwrap(),
            r#"{"clocks":[{"due_at":"2026-09-22T16:59:59Z","name":"acknowledge"}],"from_office":1019,"reason":"Nơi phát sinh","to_office":1031}"#
        );
        assert_eq!(Event::PetitionClosed.payload().unwrap(), "{}");
        let micros = Event::DeadlineMissed(DeadlineNoted {
            clock: ClockName::Resolve,
            due_at: at("2026-09-22T16:59:59.123456Z"),
            office_id: 7,
        });
        assert_eq!(
            micros.payload().unwrap(),
            r#"{"clock":"resolve","due_at":"2026-09-22T16:59:59.123456Z","office_id":7}"#
        );
    }

    #[test]
    fn a_payload_reads_back_as_the_event_written() {
        let event = Event::PetitionRated(Rated {
            satisfied: false,
            score: 2,
        });
        let payload = event.payload().unwrap();
        assert_eq!(Event::decode(event.kind().code(), &payload).unwrap(), event);
        assert!(Event::decode("petition.rated", r#"{"satisfied":"yes"}"#).is_err());
        assert!(Event::decode("petition.teleported", "{}").is_err());
    }
}
