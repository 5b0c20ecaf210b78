//! Who may see what of a petition (DESIGN §3.5, §3.6).
//!
//! - The denouncer's name, address, handwriting and other personal information are kept
//!   secret (Law on Denunciations 25/2018/QH14 art. 9(1)(b); art. 56(1)–(2): kept secret while
//!   the information is used, and struck from the documents handed to those who verify).
//!   Only the handling office's officials who hold the permission see it, through an audited
//!   reveal with a reason; no list or view shows it.
//! - A complainant's or petitioner's identity is seen by the office that handles the petition,
//!   which must answer them; a partner app sees only its own reference for the citizen, which
//!   it already holds.
//! - The Fatherland Front supervises the handling (Law on the Vietnam Fatherland Front
//!   75/2015/QH13; DESIGN §3.8) and sees the record without any identity; of a denunciation,
//!   not even its content.
//! - Another office's petition, or one outside a supervisor's scope, is as if it did not exist.

use super::petition::Kind;

/// Whether a petition's content is a denunciation's, kept from everyone but the handling
/// office: one handled as a denunciation, or one filed as a denunciation and taken in as
/// feedback because it named no one (Law on Denunciations 25/2018/QH14 art. 25: information
/// with a denunciation's content, which still names what it denounces and may betray who
/// wrote it).
pub fn confidential(kind: Kind, filed_kind: Kind) -> bool {
    kind == Kind::Denunciation || filed_kind == Kind::Denunciation
}

/// Whether a sight shows the free text staff write about a petition (transfer, extension and
/// reveal reasons, a rejection's note): the handling office's own working notes, which for a
/// confidential petition may repeat its content or point at its author.
pub fn free_text_shown(sight: Sight, confidential: bool) -> bool {
    sight == Sight::HandlingOffice || !confidential
}

/// Who reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The partner app that submitted the petition (others never find it).
    SubmittingPartner,
    /// An official or office head of `office`.
    OfficeStaff { office: i64 },
    /// A supervisor whose scope covers (or not) the petition's place.
    Supervisor { covers: bool },
    /// An administrator: runs the service, reads no petitions.
    Admin,
    /// Anyone else.
    Stranger,
}

/// What of the petition a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// Everything but the petitioner's identity, of which only the partner's own reference.
    Submitter,
    /// Everything; the petitioner's identity unless the petition is a denunciation.
    HandlingOffice,
    /// The record without identity; a denunciation without its content.
    Supervisor,
}

/// Why a reader sees nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// As if the petition did not exist: another office's, or out of scope.
    NotFound,
    /// The role reads no petitions.
    Forbidden,
}

/// What `reader` sees of a petition handled by `handling_office`.
pub fn sight(reader: Reader, handling_office: i64) -> Result<Sight, Hidden> {
    match reader {
        Reader::SubmittingPartner => Ok(Sight::Submitter),
        Reader::OfficeStaff { office } if office == handling_office => Ok(Sight::HandlingOffice),
        Reader::Supervisor { covers: true } => Ok(Sight::Supervisor),
        Reader::Admin => Err(Hidden::Forbidden),
        _ => Err(Hidden::NotFound),
    }
}

/// How much of the petitioner's identity a sight shows in views and lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityShown {
    Nothing,
    /// The partner's own reference for the citizen, nothing it did not send itself.
    PartnerReference,
    Everything,
}

/// What a sight shows of the identity of a petition of `kind` (a denouncer's never).
pub fn identity_shown(sight: Sight, denunciation: bool) -> IdentityShown {
    match sight {
        Sight::Submitter => IdentityShown::PartnerReference,
        Sight::HandlingOffice if !denunciation => IdentityShown::Everything,
        Sight::HandlingOffice | Sight::Supervisor => IdentityShown::Nothing,
    }
}

/// Whether a sight shows the content (title, description, place, attachments) of a petition.
pub fn content_shown(sight: Sight, denunciation: bool) -> bool {
    !(sight == Sight::Supervisor && denunciation)
}

/// Whether `reader` may reveal the identity: an official of the handling office holding the
/// permission (the reveal is audited, with its reason).
pub fn may_reveal(reader: Reader, handling_office: i64, holds_permission: bool) -> bool {
    holds_permission && sight(reader, handling_office) == Ok(Sight::HandlingOffice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_denunciation_taken_in_as_feedback_stays_confidential() {
        assert!(confidential(Kind::Denunciation, Kind::Denunciation));
        assert!(confidential(Kind::Feedback, Kind::Denunciation));
        assert!(!confidential(Kind::Feedback, Kind::Feedback));
        assert!(!confidential(Kind::Complaint, Kind::Complaint));
    }

    #[test]
    fn only_the_handling_office_reads_a_denunciations_working_notes() {
        assert!(free_text_shown(Sight::HandlingOffice, true));
        assert!(!free_text_shown(Sight::Submitter, true));
        assert!(!free_text_shown(Sight::Supervisor, true));
        for sight in [Sight::Submitter, Sight::HandlingOffice, Sight::Supervisor] {
            assert!(free_text_shown(sight, false));
        }
    }

    #[test]
    fn each_reader_sees_its_slice() {
        assert_eq!(sight(Reader::SubmittingPartner, 7), Ok(Sight::Submitter));
        assert_eq!(
            sight(Reader::OfficeStaff { office: 7 }, 7),
            Ok(Sight::HandlingOffice)
        );
        assert_eq!(
            sight(Reader::OfficeStaff { office: 8 }, 7),
            Err(Hidden::NotFound)
        );
        assert_eq!(
            sight(Reader::Supervisor { covers: true }, 7),
            Ok(Sight::Supervisor)
        );
        assert_eq!(
            sight(Reader::Supervisor { covers: false }, 7),
            Err(Hidden::NotFound)
        );
        assert_eq!(sight(Reader::Admin, 7), Err(Hidden::Forbidden));
    }

    #[test]
    fn a_denouncer_is_seen_by_nobody_in_a_view() {
        for sight in [Sight::Submitter, Sight::HandlingOffice, Sight::Supervisor] {
            assert_ne!(identity_shown(sight, true), IdentityShown::Everything);
        }
        assert_eq!(
            identity_shown(Sight::HandlingOffice, false),
            IdentityShown::Everything
        );
        assert_eq!(
            identity_shown(Sight::Supervisor, false),
            IdentityShown::Nothing
        );
        assert!(!content_shown(Sight::Supervisor, true));
        assert!(content_shown(Sight::Supervisor, false));
        assert!(content_shown(Sight::HandlingOffice, true));
    }

    #[test]
    fn only_the_handling_office_with_the_permission_reveals() {
        let own = Reader::OfficeStaff { office: 7 };
        assert!(may_reveal(own, 7, true));
        assert!(!may_reveal(own, 7, false));
        assert!(!may_reveal(Reader::OfficeStaff { office: 8 }, 7, true));
        assert!(!may_reveal(Reader::Supervisor { covers: true }, 7, true));
    }
}
