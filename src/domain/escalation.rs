//! Second-time complaints (khiếu nại lần hai), Law on Complaints 02/2011/QH13.
//!
//! - Art. 7(1): "Trường hợp người khiếu nại không đồng ý với quyết định giải quyết lần đầu hoặc
//!   quá thời hạn quy định mà khiếu nại không được giải quyết thì có quyền khiếu nại lần hai":
//!   a complainant who disagrees with the first-time decision, or whose complaint was not
//!   resolved in time, may complain a second time, to the head of the level directly above
//!   the first-time resolver.
//! - Art. 33(1): within 30 days of the day the art. 28 period ended without a decision, or of
//!   the day the first-time decision was received; in remote, hard-to-reach areas up to 45.
//!   A second-time complaint filed later is still taken in, flagged, as art. 9 cases are: the
//!   resolver decides whether an excuse applies.
//! - Days are counted as the Civil Code 2015 counts them: from the day after (art. 147(2)–(3)),
//!   and a period whose last day is a day off ends on the next working day (art. 148(5)).
//!
//! Not accepted at all (no acceptance within the art. 27 period) counts as not resolved in
//! time; its window runs from the end of the acceptance period. That is this service's reading:
//! art. 33 speaks only of the art. 28 period, which never starts without an acceptance.

use chrono::NaiveDate;

/// Art. 33(1): days to file a second-time complaint.
pub const WINDOW_DAYS: u64 = 30;
/// Art. 33(1): the same in remote, hard-to-reach areas.
pub const REMOTE_WINDOW_DAYS: u64 = 45;

/// What the record shows of a first-time complaint, for the law on second-time complaints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstComplaint {
    /// A complaint (khiếu nại); other kinds have no second time.
    pub is_complaint: bool,
    /// It is itself a second-time complaint: there is no third level here.
    pub second_time: bool,
    /// A second-time complaint was already made from it.
    pub escalated: bool,
    /// The day the first-time decision (the office's answer) was given, if it was.
    pub decided_on: Option<NaiveDate>,
    /// The complainant rated that decision as not satisfying them: a disagreement on record.
    pub unsatisfied: bool,
    /// Undecided: the day its period (acceptance, art. 27, or resolution, art. 28) ran out.
    pub lapsed_on: Option<NaiveDate>,
    /// The commune is flagged remote and hard to reach.
    pub remote: bool,
}

/// Why the complainant may complain a second time (art. 7(1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// They disagree with the first-time decision.
    Disagrees,
    /// The first-time complaint was not accepted or not decided within its period.
    NotDecidedInTime,
}

/// A second-time complaint the law allows, and whether it is filed within art. 33's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filing {
    pub ground: Ground,
    /// The last day of the window (after moving off a day off).
    pub window_ends: NaiveDate,
    /// Filed after `window_ends`: taken in, flagged.
    pub late: bool,
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
    #[error("neither decided nor past its period")]
    NoGrounds,
    #[error("a decided complaint is escalated with the reason the complainant disagrees")]
    ReasonRequired,
}

/// Whether the complainant may take the complaint to the next level on `today` (the date in
/// Vietnam), and whether in time. `reason` says whether they stated why they disagree.
pub fn check(
    first: FirstComplaint,
    reason: bool,
    today: NaiveDate,
    is_working_day: impl Fn(NaiveDate) -> bool,
) -> Result<Filing, NotEscalatable> {
    if !first.is_complaint {
        return Err(NotEscalatable::NotAComplaint);
    }
    if first.second_time {
        return Err(NotEscalatable::AlreadySecondTime);
    }
    if first.escalated {
        return Err(NotEscalatable::AlreadyEscalated);
    }
    let (ground, from) = match (first.decided_on, first.lapsed_on) {
        (Some(decided), _) if reason || first.unsatisfied => (Ground::Disagrees, decided),
        (Some(_), _) => return Err(NotEscalatable::ReasonRequired),
        (None, Some(lapsed)) => (Ground::NotDecidedInTime, lapsed),
        (None, None) => return Err(NotEscalatable::NoGrounds),
    };
    let window_ends = window_end(from, first.remote, is_working_day);
    Ok(Filing {
        ground,
        window_ends,
        late: today > window_ends,
    })
}

/// The last day to file, counting from `from` (art. 33(1); Civil Code art. 147–148).
pub fn window_end(
    from: NaiveDate,
    remote: bool,
    is_working_day: impl Fn(NaiveDate) -> bool,
) -> NaiveDate {
    let days = if remote {
        REMOTE_WINDOW_DAYS
    } else {
        WINDOW_DAYS
    };
    super::clock::period_end(from, days, is_working_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Days, Weekday};
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Weekends off, nothing else.
    fn weekdays(d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    const DECIDED: FirstComplaint = FirstComplaint {
        is_complaint: true,
        second_time: false,
        escalated: false,
        decided_on: Some(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()),
        unsatisfied: false,
        lapsed_on: None,
        remote: false,
    };

    #[test]
    fn a_decided_complaint_goes_up_when_the_complainant_says_why() {
        let today = date(2026, 11, 20);
        assert_eq!(
            check(DECIDED, false, today, weekdays),
            Err(NotEscalatable::ReasonRequired)
        );
        let filing = check(DECIDED, true, today, weekdays).unwrap();
        assert_eq!(filing.ground, Ground::Disagrees);
        assert!(!filing.late);
        // An unsatisfied rating is a disagreement on record; no reason needed then.
        let rated = FirstComplaint {
            unsatisfied: true,
            ..DECIDED
        };
        assert_eq!(
            check(rated, false, today, weekdays).unwrap().ground,
            Ground::Disagrees
        );
    }

    #[test]
    fn thirty_days_from_the_decision_then_flagged_late() {
        // Decided Monday 2 November 2026: day 30 is Wednesday 2 December.
        assert_eq!(
            window_end(date(2026, 11, 2), false, weekdays),
            date(2026, 12, 2)
        );
        let on_the_last_day = check(DECIDED, true, date(2026, 12, 2), weekdays).unwrap();
        assert!(!on_the_last_day.late);
        let a_day_after = check(DECIDED, true, date(2026, 12, 3), weekdays).unwrap();
        assert!(a_day_after.late);
        assert_eq!(a_day_after.window_ends, date(2026, 12, 2));
        // Remote: 45 days, to Thursday 17 December.
        let remote = FirstComplaint {
            remote: true,
            ..DECIDED
        };
        let filing = check(remote, true, date(2026, 12, 17), weekdays).unwrap();
        assert_eq!(filing.window_ends, date(2026, 12, 17));
        assert!(!filing.late);
    }

    #[test]
    fn a_window_ending_on_a_day_off_ends_on_the_next_working_day() {
        // From Friday 6 November, day 30 is Sunday 6 December: it ends Monday 7 December.
        assert_eq!(
            window_end(date(2026, 11, 6), false, weekdays),
            date(2026, 12, 7)
        );
    }

    #[test]
    fn an_undecided_complaint_goes_up_once_its_period_ran_out() {
        let lapsed = FirstComplaint {
            decided_on: None,
            lapsed_on: Some(date(2026, 11, 10)),
            ..DECIDED
        };
        let filing = check(lapsed, false, date(2026, 11, 20), weekdays).unwrap();
        assert_eq!(filing.ground, Ground::NotDecidedInTime);
        assert_eq!(filing.window_ends, date(2026, 12, 10));
        let pending = FirstComplaint {
            decided_on: None,
            lapsed_on: None,
            ..DECIDED
        };
        assert_eq!(
            check(pending, true, date(2026, 11, 20), weekdays),
            Err(NotEscalatable::NoGrounds)
        );
    }

    #[test]
    fn nothing_else_goes_up() {
        let today = date(2026, 11, 20);
        for (first, why) in [
            (
                FirstComplaint {
                    is_complaint: false,
                    ..DECIDED
                },
                NotEscalatable::NotAComplaint,
            ),
            (
                FirstComplaint {
                    second_time: true,
                    ..DECIDED
                },
                NotEscalatable::AlreadySecondTime,
            ),
            (
                FirstComplaint {
                    escalated: true,
                    ..DECIDED
                },
                NotEscalatable::AlreadyEscalated,
            ),
        ] {
            assert_eq!(check(first, true, today, weekdays), Err(why), "{first:?}");
        }
    }

    proptest! {
        /// The window is 30 (45) days, moved only past days off, and never onto one.
        #[test]
        fn the_window_ends_on_a_working_day_at_or_after_its_length(
            offset in 0u64..3_000, remote: bool,
        ) {
            let from = date(2024, 1, 1) + Days::new(offset);
            let end = window_end(from, remote, weekdays);
            let length = if remote { REMOTE_WINDOW_DAYS } else { WINDOW_DAYS };
            prop_assert!(weekdays(end));
            prop_assert!(end >= from + Days::new(length));
            prop_assert!(end <= from + Days::new(length + 2));
        }
    }
}
