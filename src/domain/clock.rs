//! Legal clocks (DESIGN §3.1): how long an office has, counted the way the law counts.
//!
//! Counting follows the Civil Code 91/2015/QH13: the day of the start event is not counted
//! (art. 147(1)); a period ends at the end of its last day, 24:00 in Vietnam (art. 148(1)); when
//! the last day of a calendar-day period is not a working day, the period ends at the end of
//! the next working day (art. 148(5)). A working-day period counts working days only.
//!
//! The rule table is data with a version, so that a change in the law is an edit, not a
//! release. What counts as a working day comes from a [`Calendar`].

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

use super::petition::Kind;

/// Vietnam's time (Asia/Ho_Chi_Minh): UTC+7 all year, no daylight saving since 1975.
pub fn vietnam() -> FixedOffset {
    const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
        Some(offset) => offset,
        None => panic!("UTC+7 is a valid offset"),
    };
    VIETNAM
}

/// The date in Vietnam at an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vietnam()).date_naive()
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    Calendar,
    Working,
}

impl DayType {
    pub fn code(self) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Working => "working",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Calendar, Self::Working]
            .into_iter()
            .find(|d| d.code() == code)
    }
}

/// The clocks a petition can carry.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClockName {
    /// Complaint: decide whether to accept (thụ lý).
    Accept,
    /// Denunciation: classify, verify, accept or transfer.
    InitialProcessing,
    /// Recommendation, feedback: acknowledge receipt.
    Acknowledge,
    /// Recommendation, feedback: answer.
    Answer,
    /// Complaint, denunciation: resolve, from acceptance.
    Resolve,
    /// Denunciation: notify the denouncer of the acceptance.
    Notify,
}

impl ClockName {
    pub const ALL: [Self; 6] = [
        Self::Accept,
        Self::InitialProcessing,
        Self::Acknowledge,
        Self::Answer,
        Self::Resolve,
        Self::Notify,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::InitialProcessing => "initial_processing",
            Self::Acknowledge => "acknowledge",
            Self::Answer => "answer",
            Self::Resolve => "resolve",
            Self::Notify => "notify",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// What a clock is counting.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    Running,
    Met,
    Missed,
    Stopped,
}

impl ClockStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Met => "met",
            Self::Missed => "missed",
            Self::Stopped => "stopped",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Running, Self::Met, Self::Missed, Self::Stopped]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// The status as it stands at `now`: a running clock past its due time can no longer be
    /// met, so it reads as missed even before the office acts or the sweeper announces it.
    pub fn as_of(self, due_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if self == Self::Running && now > due_at {
            Self::Missed
        } else {
            self
        }
    }
}

/// How many working days a deadline that ran out at `due_at` is overdue at `now`: the working
/// days after its last day up to and including today. Zero when it has not run out.
pub fn overdue_working_days(
    calendar: &impl Calendar,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> u32 {
    if now <= due_at {
        return 0;
    }
    let today = local_date(now);
    let mut day = local_date(due_at);
    let mut overdue = 0;
    while day < today {
        day = day + Days::new(1);
        if calendar.is_working_day(day) {
            overdue += 1;
        }
    }
    overdue
}

/// One row of the rule table: a clock that starts when a petition is received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockRule {
    pub kind: Kind,
    pub clock: ClockName,
    pub days: u32,
    pub day_type: DayType,
    pub legal_basis: &'static str,
}

/// The version of [`RECEIPT_CLOCKS`], stored with every clock computed from it.
pub const RULES_VERSION: &str = "2026-11-24.1";

/// The clocks that start at receipt, by kind (DESIGN §3.1). Clocks that start later
/// (resolution from acceptance, notification) are set by the workflow.
pub const RECEIPT_CLOCKS: [ClockRule; 5] = [
    ClockRule {
        kind: Kind::Complaint,
        clock: ClockName::Accept,
        days: 10,
        day_type: DayType::Calendar,
        legal_basis: "Law on Complaints 02/2011/QH13, art. 27",
    },
    ClockRule {
        kind: Kind::Denunciation,
        clock: ClockName::InitialProcessing,
        days: 7,
        day_type: DayType::Working,
        legal_basis: "Law on Denunciations 25/2018/QH14, art. 24",
    },
    ClockRule {
        kind: Kind::Recommendation,
        clock: ClockName::Acknowledge,
        days: 2,
        day_type: DayType::Working,
        legal_basis: "Provincial regulation (no national rule); Tiếng Dân default",
    },
    ClockRule {
        kind: Kind::Feedback,
        clock: ClockName::Acknowledge,
        days: 2,
        day_type: DayType::Working,
        legal_basis: "Provincial regulation (no national rule); Tiếng Dân default",
    },
    ClockRule {
        kind: Kind::Feedback,
        clock: ClockName::Answer,
        days: 10,
        day_type: DayType::Working,
        legal_basis: "Provincial regulation (no national rule); Tiếng Dân default, after Đà Nẵng Decision 960/QĐ-UBND (2021)",
    },
];

/// The receipt clocks of a kind. Recommendations answer like feedback.
pub fn receipt_clocks(kind: Kind) -> Vec<ClockRule> {
    let mut rules: Vec<ClockRule> = RECEIPT_CLOCKS
        .iter()
        .filter(|r| r.kind == kind)
        .copied()
        .collect();
    if kind == Kind::Recommendation {
        rules.extend(
            RECEIPT_CLOCKS
                .iter()
                .filter(|r| r.kind == Kind::Feedback && r.clock == ClockName::Answer)
                .map(|r| ClockRule { kind, ..*r }),
        );
    }
    rules
}

/// How hard a case is, set when it is accepted; it lengthens the resolution clock.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    Normal,
    Complex,
    EspeciallyComplex,
}

impl Complexity {
    pub fn code(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Complex => "complex",
            Self::EspeciallyComplex => "especially_complex",
        }
    }
}

/// The clocks that start when a petition is accepted (DESIGN §3.1). Recommendations and
/// feedback keep the answer clock that started at receipt.
pub fn acceptance_clocks(kind: Kind, complexity: Complexity, second_time: bool) -> Vec<ClockRule> {
    let complex = complexity != Complexity::Normal;
    match kind {
        Kind::Complaint if second_time => vec![ClockRule {
            kind,
            clock: ClockName::Resolve,
            days: if complex { 60 } else { 45 },
            day_type: DayType::Calendar,
            legal_basis: "Law on Complaints 02/2011/QH13, art. 37",
        }],
        Kind::Complaint => vec![ClockRule {
            kind,
            clock: ClockName::Resolve,
            days: if complex { 45 } else { 30 },
            day_type: DayType::Calendar,
            legal_basis: "Law on Complaints 02/2011/QH13, art. 28",
        }],
        Kind::Denunciation => vec![
            ClockRule {
                kind,
                clock: ClockName::Notify,
                days: 5,
                day_type: DayType::Working,
                legal_basis: "Law on Denunciations 25/2018/QH14, art. 29",
            },
            ClockRule {
                kind,
                clock: ClockName::Resolve,
                days: 30,
                day_type: DayType::Calendar,
                legal_basis: "Law on Denunciations 25/2018/QH14, art. 30",
            },
        ],
        Kind::Recommendation | Kind::Feedback => Vec::new(),
    }
}

/// How many days an extension adds to `clock`, given how many it already had; `None` when the
/// law allows no (further) extension.
///
/// Denunciation resolution: complex cases once by 30 days, especially complex twice (Law on
/// Denunciations art. 30(1)); initial processing once, from 7 to 10 working days (art. 24);
/// recommendation and feedback answers once by 10 working days (provincial practice).
/// Complaint periods are fixed at acceptance by their complexity: no extension.
pub fn extension_days(
    kind: Kind,
    clock: ClockName,
    complexity: Option<Complexity>,
    extensions_so_far: u32,
) -> Option<u32> {
    let allowed = match (kind, clock, complexity) {
        (Kind::Denunciation, ClockName::Resolve, Some(Complexity::Complex)) => 1,
        (Kind::Denunciation, ClockName::Resolve, Some(Complexity::EspeciallyComplex)) => 2,
        (Kind::Denunciation, ClockName::InitialProcessing, _) => 1,
        (Kind::Recommendation | Kind::Feedback, ClockName::Answer, _) => 1,
        _ => 0,
    };
    if extensions_so_far >= allowed {
        return None;
    }
    Some(match clock {
        ClockName::Resolve => 30,
        ClockName::InitialProcessing => 3,
        _ => 10,
    })
}

/// Which days civil servants work.
pub trait Calendar {
    fn is_working_day(&self, date: NaiveDate) -> bool;
    /// Stored with every deadline computed with this calendar.
    fn version(&self) -> &str;
}

/// Monday to Friday. Public holidays and the government's swapped days are not yet known to
/// it: the calendar issue (DESIGN §3.2) brings them, and recomputes open clocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct WeekdayCalendar;

impl Calendar for WeekdayCalendar {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        use chrono::Datelike;
        !matches!(date.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun)
    }
    fn version(&self) -> &str {
        "weekdays-only.1"
    }
}

/// The last day of a period of `days` starting on `start` (which is not counted).
pub fn due_date(
    calendar: &impl Calendar,
    start: NaiveDate,
    days: u32,
    day_type: DayType,
) -> NaiveDate {
    let next_working = |mut d: NaiveDate| {
        while !calendar.is_working_day(d) {
            d = d + Days::new(1);
        }
        d
    };
    match day_type {
        DayType::Calendar => next_working(start + Days::new(u64::from(days))),
        DayType::Working => {
            let mut d = start;
            for _ in 0..days {
                d = next_working(d + Days::new(1));
            }
            d
        }
    }
}

/// The instant a period ending on `date` runs out: 23:59:59 in Vietnam.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let last_second = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
    let local = date.and_time(last_second);
    match vietnam().from_local_datetime(&local).single() {
        Some(at) => at.with_timezone(&Utc),
        None => Utc.from_utc_datetime(&local),
    }
}

/// A clock as computed: when it runs out, and with which rules and calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub rule: ClockRule,
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub rules_version: &'static str,
    pub calendar_version: String,
}

/// The clocks a petition of `kind` gets when received at `received_at`.
pub fn start_receipt_clocks(
    calendar: &impl Calendar,
    kind: Kind,
    received_at: DateTime<Utc>,
) -> Vec<Clock> {
    let start = local_date(received_at);
    receipt_clocks(kind)
        .into_iter()
        .map(|rule| Clock {
            due_at: end_of_day(due_date(calendar, start, rule.days, rule.day_type)),
            rule,
            started_at: received_at,
            rules_version: RULES_VERSION,
            calendar_version: calendar.version().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_start_day_is_not_counted() {
        // Monday 23 Nov 2026 + 2 working days: Wednesday 25.
        assert_eq!(
            due_date(&WeekdayCalendar, date(2026, 11, 23), 2, DayType::Working),
            date(2026, 11, 25)
        );
        // Friday + 2 working days skips the weekend: Tuesday.
        assert_eq!(
            due_date(&WeekdayCalendar, date(2026, 11, 27), 2, DayType::Working),
            date(2026, 12, 1)
        );
    }

    #[test]
    fn a_calendar_period_ending_on_a_weekend_runs_to_the_next_working_day() {
        // Wednesday 18 Nov + 10 calendar days = Saturday 28 → Monday 30.
        assert_eq!(
            due_date(&WeekdayCalendar, date(2026, 11, 18), 10, DayType::Calendar),
            date(2026, 11, 30)
        );
        assert_eq!(
            due_date(&WeekdayCalendar, date(2026, 11, 16), 10, DayType::Calendar),
            date(2026, 11, 26)
        );
    }

    #[test]
    fn a_period_ends_at_the_last_second_of_the_day_in_vietnam() {
        let due = end_of_day(date(2026, 11, 25));
        assert_eq!(due.to_rfc3339(), "2026-11-25T16:59:59+00:00");
    }

    #[test]
    fn receipt_in_the_evening_counts_from_the_vietnamese_date() {
        // 20:00 UTC on Monday is 03:00 Tuesday in Vietnam: Tuesday is the start day.
        let received = Utc.with_ymd_and_hms(2026, 11, 23, 20, 0, 0).unwrap();
        let clocks = start_receipt_clocks(&WeekdayCalendar, Kind::Feedback, received);
        assert_eq!(clocks.len(), 2);
        assert_eq!(clocks[0].rule.clock, ClockName::Acknowledge);
        assert_eq!(local_date(clocks[0].due_at), date(2026, 11, 26));
        assert_eq!(local_date(clocks[1].due_at), date(2026, 12, 8));
    }

    #[test]
    fn extensions_follow_the_law() {
        use Complexity::*;
        let ext = |kind, clock, complexity, so_far| extension_days(kind, clock, complexity, so_far);
        assert_eq!(
            ext(Kind::Denunciation, ClockName::Resolve, Some(Normal), 0),
            None
        );
        assert_eq!(
            ext(Kind::Denunciation, ClockName::Resolve, Some(Complex), 0),
            Some(30)
        );
        assert_eq!(
            ext(Kind::Denunciation, ClockName::Resolve, Some(Complex), 1),
            None
        );
        assert_eq!(
            ext(
                Kind::Denunciation,
                ClockName::Resolve,
                Some(EspeciallyComplex),
                1
            ),
            Some(30)
        );
        assert_eq!(
            ext(
                Kind::Denunciation,
                ClockName::Resolve,
                Some(EspeciallyComplex),
                2
            ),
            None
        );
        assert_eq!(
            ext(Kind::Denunciation, ClockName::InitialProcessing, None, 0),
            Some(3)
        );
        assert_eq!(ext(Kind::Feedback, ClockName::Answer, None, 0), Some(10));
        assert_eq!(ext(Kind::Feedback, ClockName::Answer, None, 1), None);
        assert_eq!(
            ext(Kind::Complaint, ClockName::Resolve, Some(Complex), 0),
            None
        );
        assert_eq!(
            acceptance_clocks(Kind::Complaint, Complex, false)[0].days,
            45
        );
        assert_eq!(acceptance_clocks(Kind::Complaint, Normal, true)[0].days, 45);
        assert_eq!(
            acceptance_clocks(Kind::Denunciation, Normal, false).len(),
            2
        );
    }

    #[test]
    fn every_kind_has_a_receipt_clock() {
        for kind in Kind::ALL {
            assert!(!receipt_clocks(kind).is_empty(), "{kind:?}");
        }
        assert_eq!(receipt_clocks(Kind::Recommendation).len(), 2);
    }

    proptest! {
        #[test]
        fn working_deadlines_fall_on_working_days_and_grow_with_length(
            offset in 0u64..3_000, days in 0u32..60, day_type in prop::sample::select(vec![DayType::Calendar, DayType::Working]),
        ) {
            let start = date(2020, 1, 1) + Days::new(offset);
            let due = due_date(&WeekdayCalendar, start, days, day_type);
            let longer = due_date(&WeekdayCalendar, start, days + 1, day_type);
            prop_assert!(longer >= due);
            if days > 0 {
                prop_assert!(due > start);
                prop_assert!(WeekdayCalendar.is_working_day(due));
            }
        }
    }
}
