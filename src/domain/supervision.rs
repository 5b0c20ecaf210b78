//! Supervision requests (kiến nghị giám sát, DESIGN §3.8): a Fatherland Front supervisor asks
//! an office about some of its petitions or about its response record, and the office answers
//! once, within its own clock (DESIGN §3.1: 15 working days by default, configurable).
//!
//! Who may file where is a matter of scope: an office lies in a supervisor's scope when its
//! province (and, for a commune's office, its commune) does.

use chrono::{DateTime, Utc};

use super::clock::{Calendar, DayType, due_date, end_of_day, local_date};
use super::petition::{Fault, Violation, is_uuid, text_fault};
use super::staff::Scope;

/// Working days an office has to answer, unless configured otherwise (DESIGN §3.1: "our
/// default; configurable").
pub const DEFAULT_REPLY_DAYS: u32 = 15;

/// Limits on what a request and its reply may carry.
pub mod limits {
    pub const SUBJECT: usize = 200;
    pub const BODY: usize = 10_000;
    pub const REPLY: usize = 20_000;
    /// Petitions one request may name.
    pub const PETITIONS: usize = 50;
    /// The longest reply period that may be configured, in working days.
    pub const MAX_REPLY_DAYS: u32 = 365;
}

/// Where a supervision request stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SupervisionStatus {
    /// Filed, not yet answered.
    Open,
    /// The office has answered; nothing changes it afterwards.
    Answered,
}

impl SupervisionStatus {
    pub const ALL: [Self; 2] = [Self::Open, Self::Answered];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The reply period in force: how many working days an office has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyPeriod {
    days: u32,
}

impl ReplyPeriod {
    /// A period of 1 to [`limits::MAX_REPLY_DAYS`] working days.
    pub fn new(days: u32) -> Option<Self> {
        (1..=limits::MAX_REPLY_DAYS)
            .contains(&days)
            .then_some(Self { days })
    }

    pub fn days(self) -> u32 {
        self.days
    }

    /// When a request filed at `filed_at` must be answered by: the end of the last of `days`
    /// working days, the filing day not counted (Civil Code art. 147–148), as every
    /// working-day clock is counted.
    pub fn due_at(self, calendar: &impl Calendar, filed_at: DateTime<Utc>) -> DateTime<Utc> {
        end_of_day(due_date(
            calendar,
            local_date(filed_at),
            self.days,
            DayType::Working,
        ))
    }
}

impl Default for ReplyPeriod {
    fn default() -> Self {
        Self {
            days: DEFAULT_REPLY_DAYS,
        }
    }
}

/// A request as the supervisor sent it, unchecked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub office_id: i64,
    pub petition_ids: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// A request that passed the checks that need no database: text trimmed, petition ids
/// normalised (lowercase) and each named once, in the order first given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub office_id: i64,
    pub petition_ids: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// Checks a draft; returns every violation, not just the first.
pub fn check(draft: Draft) -> Result<Filing, Vec<Violation>> {
    let mut v = Vec::new();
    if draft.office_id <= 0 {
        v.push(Violation::new("office_id", Fault::InvalidFormat));
    }
    if let Some(fault) = text_fault(&draft.subject, limits::SUBJECT) {
        v.push(Violation::new("subject", fault));
    }
    if let Some(fault) = text_fault(&draft.body, limits::BODY) {
        v.push(Violation::new("body", fault));
    }
    if draft.petition_ids.len() > limits::PETITIONS {
        v.push(Violation::new(
            "petition_ids",
            Fault::TooMany {
                max: limits::PETITIONS,
            },
        ));
    }
    let mut petition_ids: Vec<String> = Vec::with_capacity(draft.petition_ids.len());
    for (i, id) in draft.petition_ids.iter().enumerate() {
        if !is_uuid(id) {
            v.push(Violation::new(
                format!("petition_ids[{i}]"),
                Fault::InvalidFormat,
            ));
            continue;
        }
        let id = id.to_ascii_lowercase();
        if !petition_ids.contains(&id) {
            petition_ids.push(id);
        }
    }
    if !v.is_empty() {
        return Err(v);
    }
    Ok(Filing {
        office_id: draft.office_id,
        petition_ids,
        subject: draft.subject.trim().to_owned(),
        body: draft.body.trim().to_owned(),
    })
}

/// Checks a reply's text; returns it trimmed.
pub fn check_reply(body: &str) -> Result<String, Vec<Violation>> {
    match text_fault(body, limits::REPLY) {
        Some(fault) => Err(vec![Violation::new("body", fault)]),
        None => Ok(body.trim().to_owned()),
    }
}

/// Whether an office in `province` (and `commune`, for a commune's office; `None` for a
/// province's) lies within `scope`. A commune's supervisor oversees the commune's office
/// only, not the province's.
pub fn covers_office(scope: &Scope, province: &str, commune: Option<&str>) -> bool {
    match (scope, commune) {
        (Scope::National, _) => true,
        (Scope::Province(p), _) => p.as_str() == province,
        (Scope::Commune(c), Some(commune)) => c.as_str() == commune,
        (Scope::Commune(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::VietnamCalendar;
    use chrono::{NaiveDate, TimeZone};
    use proptest::prelude::*;

    fn draft() -> Draft {
        Draft {
            office_id: 36,
            petition_ids: vec![],
            subject: "  Chậm trả lời phản ánh  ".into(),
            body: "Đề nghị UBND phường báo cáo.".into(),
        }
    }

    #[test]
    fn a_draft_is_trimmed_and_its_petitions_named_once() {
        let id = "5F0C8A0E-2B7C-4D84-9A38-3F1F0F6C2B11";
        let filing = check(Draft {
            petition_ids: vec![id.into(), id.to_lowercase(), "7".repeat(0)],
            ..draft()
        });
        assert_eq!(
            filing.unwrap_err(),
            vec![Violation::new("petition_ids[2]", Fault::InvalidFormat)]
        );
        let filing = check(Draft {
            petition_ids: vec![id.into(), id.to_lowercase()],
            ..draft()
        })
        .unwrap();
        assert_eq!(filing.petition_ids, vec![id.to_lowercase()]);
        assert_eq!(filing.subject, "Chậm trả lời phản ánh");
    }

    #[test]
    fn every_fault_is_reported() {
        let faults = check(Draft {
            office_id: 0,
            petition_ids: vec!["x".into(); limits::PETITIONS + 1],
            subject: " ".into(),
            body: "b".repeat(limits::BODY + 1),
        })
        .unwrap_err();
        let fields: Vec<&str> = faults.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            &fields[..5],
            [
                "office_id",
                "subject",
                "body",
                "petition_ids",
                "petition_ids[0]"
            ]
        );
        assert_eq!(
            check_reply("\u{7}"),
            Err(vec![Violation::new("body", Fault::InvalidFormat)])
        );
        assert_eq!(check_reply(" Đã báo cáo. ").unwrap(), "Đã báo cáo.");
    }

    #[test]
    fn statuses_round_trip() {
        for s in SupervisionStatus::ALL {
            assert_eq!(SupervisionStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(SupervisionStatus::from_code("closed"), None);
    }

    #[test]
    fn periods_are_bounded() {
        assert_eq!(ReplyPeriod::default().days(), 15);
        assert!(ReplyPeriod::new(0).is_none());
        assert!(ReplyPeriod::new(limits::MAX_REPLY_DAYS + 1).is_none());
        assert_eq!(ReplyPeriod::new(5).map(ReplyPeriod::days), Some(5));
    }

    /// Filed on Tuesday 10 February 2026, the Tuesday before Tết (days off Saturday 14 to
    /// Sunday 22 February): the 15 working days skip the weekends and the five weekdays of Tết,
    /// so the request is due on Tuesday 10 March at the end of the day in Vietnam, a week
    /// later than weekends alone would make it.
    #[test]
    fn the_period_skips_weekends_and_tet() {
        let calendar = VietnamCalendar::new(Vec::new(), 0);
        // 09:00 in Vietnam.
        let filed = Utc.with_ymd_and_hms(2026, 2, 10, 2, 0, 0).unwrap();
        let due = ReplyPeriod::default().due_at(&calendar, filed);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 10, 16, 59, 59).unwrap());
        let weekends_only =
            ReplyPeriod::default().due_at(&crate::domain::clock::WeekdayCalendar, filed);
        assert_eq!(
            local_date(weekends_only),
            NaiveDate::from_ymd_opt(2026, 3, 3).unwrap()
        );
    }

    /// Late in the evening in Vietnam is already the next day: the count starts from the day
    /// in Vietnam, not in UTC.
    #[test]
    fn the_day_of_filing_is_the_day_in_vietnam() {
        let calendar = VietnamCalendar::new(Vec::new(), 0);
        // Friday 6 March 2026, 17:30 UTC = Saturday 7 March 00:30 in Vietnam.
        let filed = Utc.with_ymd_and_hms(2026, 3, 6, 17, 30, 0).unwrap();
        let due = ReplyPeriod::new(1).unwrap().due_at(&calendar, filed);
        // Saturday is not counted; the first working day after it is Monday 9 March.
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 9, 16, 59, 59).unwrap());
    }

    #[test]
    fn scopes_cover_offices() {
        let hanoi: Scope = "province:01".parse().unwrap();
        let ba_dinh: Scope = "commune:00004".parse().unwrap();
        assert!(covers_office(&hanoi, "01", Some("00004")));
        assert!(covers_office(&hanoi, "01", None));
        assert!(!covers_office(&hanoi, "04", None));
        assert!(covers_office(&ba_dinh, "01", Some("00004")));
        assert!(!covers_office(&ba_dinh, "01", Some("00008")));
        assert!(!covers_office(&ba_dinh, "01", None), "not the province");
        assert!(covers_office(&Scope::National, "96", None));
    }

    proptest! {
        /// However a draft is made, checking it never panics, and what passes is within the
        /// limits.
        #[test]
        fn checking_never_panics(subject in "\\PC{0,250}", body in "\\PC{0,50}", ids in proptest::collection::vec("[0-9a-fA-F-]{0,40}", 0..60)) {
            if let Ok(f) = check(Draft { office_id: 1, petition_ids: ids, subject, body }) {
                prop_assert!(f.subject.chars().count() <= limits::SUBJECT);
                prop_assert!(f.petition_ids.len() <= limits::PETITIONS);
                prop_assert!(f.petition_ids.iter().all(|id| is_uuid(id)));
            }
        }

        /// A request is always due after it is filed, on a working day.
        #[test]
        fn due_after_filing(days in 1u32..=60, secs in 1_767_225_600i64..1_830_297_600) {
            let calendar = VietnamCalendar::new(Vec::new(), 0);
            let filed = Utc.timestamp_opt(secs, 0).unwrap();
            let due = ReplyPeriod::new(days).unwrap().due_at(&calendar, filed);
            prop_assert!(due > filed);
            prop_assert!(calendar.is_working_day(local_date(due)));
        }
    }
}
