//! Second-time complaints (khiếu nại lần hai), Law on Complaints 02/2011/QH13.
//!
//! - Art. 7(1): a complainant not satisfied with the first-time decision, or whose complaint
//!   was not resolved within the period, may complain a second time to the next level up.
//! - Art. 33: they may do so when the first-time decision does not satisfy them, or when the
//!   resolution period of art. 28 ran out without a decision.
//! - Since the two-tier government of 1 July 2025 the level above a commune is the province.
//!
//! The window of art. 33 (30 days from the decision or from the end of the period, 45 in
//! remote areas) is not yet checked here; nor is a decision's date taken from the answer.

/// What the law asks of a first-time complaint before it is taken up again, as the record
/// shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstComplaint {
    /// A complaint (khiếu nại); other kinds have no second time.
    pub is_complaint: bool,
    /// It is itself a second-time complaint: there is no third level.
    pub second_time: bool,
    /// A second-time complaint was already made from it.
    pub escalated: bool,
    /// The complainant rated the answer as not satisfying them.
    pub unsatisfied: bool,
    /// The resolution period ran out without an answer (art. 28).
    pub overdue: bool,
}

/// Why a complaint cannot be taken to the next level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotEscalatable {
    #[error("only complaints are escalated")]
    NotAComplaint,
    #[error("a second-time complaint has no further level")]
    AlreadySecondTime,
    #[error("already escalated")]
    AlreadyEscalated,
    #[error("neither answered unsatisfactorily nor overdue")]
    NoGrounds,
}

/// Whether the complainant may take the complaint to the next level now (art. 7, 33).
pub fn check(first: FirstComplaint) -> Result<(), NotEscalatable> {
    if !first.is_complaint {
        return Err(NotEscalatable::NotAComplaint);
    }
    if first.second_time {
        return Err(NotEscalatable::AlreadySecondTime);
    }
    if first.escalated {
        return Err(NotEscalatable::AlreadyEscalated);
    }
    if first.unsatisfied || first.overdue {
        Ok(())
    } else {
        Err(NotEscalatable::NoGrounds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNSATISFIED: FirstComplaint = FirstComplaint {
        is_complaint: true,
        second_time: false,
        escalated: false,
        unsatisfied: true,
        overdue: false,
    };

    #[test]
    fn an_unsatisfying_or_overdue_first_complaint_goes_up() {
        assert_eq!(check(UNSATISFIED), Ok(()));
        let overdue = FirstComplaint {
            unsatisfied: false,
            overdue: true,
            ..UNSATISFIED
        };
        assert_eq!(check(overdue), Ok(()));
    }

    #[test]
    fn nothing_else_does() {
        let cases = [
            (
                FirstComplaint {
                    is_complaint: false,
                    ..UNSATISFIED
                },
                NotEscalatable::NotAComplaint,
            ),
            (
                FirstComplaint {
                    second_time: true,
                    ..UNSATISFIED
                },
                NotEscalatable::AlreadySecondTime,
            ),
            (
                FirstComplaint {
                    escalated: true,
                    ..UNSATISFIED
                },
                NotEscalatable::AlreadyEscalated,
            ),
            (
                FirstComplaint {
                    unsatisfied: false,
                    ..UNSATISFIED
                },
                NotEscalatable::NoGrounds,
            ),
        ];
        for (first, why) in cases {
            assert_eq!(check(first), Err(why), "{first:?}");
        }
    }
}
