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

use super::rules::{Case, Rule, RuleBook, Starts};

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
    /// Forward to the competent office: a denunciation the office found outside its
    /// competence (Law on Denunciations art. 24(2)), or feedback on an administrative
    /// regulation (Decree 20/2008/NĐ-CP art. 9(1)(d)). Met when it is transferred.
    Forward,
}

impl ClockName {
    pub const ALL: [Self; 7] = [
        Self::Accept,
        Self::InitialProcessing,
        Self::Acknowledge,
        Self::Answer,
        Self::Resolve,
        Self::Notify,
        Self::Forward,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::InitialProcessing => "initial_processing",
            Self::Acknowledge => "acknowledge",
            Self::Answer => "answer",
            Self::Resolve => "resolve",
            Self::Notify => "notify",
            Self::Forward => "forward",
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
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Normal, Self::Complex, Self::EspeciallyComplex]
            .into_iter()
            .find(|c| c.code() == code)
    }
}

/// The last day of a period of `days` days counted from the event on `from`, as the Civil
/// Code 2015 counts it: from the next day (art. 147(2)–(3)), to the end of the last day (art.
/// 148(1), (6)), and when that day is a weekend or holiday, to the end of the next working day
/// (art. 148(5)). For the Laws' periods a citizen must meet (art. 9's 90 days, art. 33's 30);
/// the clocks an office must meet count with [`Calendar`] and the rule table.
pub fn period_end(
    from: NaiveDate,
    days: u64,
    is_working_day: impl Fn(NaiveDate) -> bool,
) -> NaiveDate {
    let mut end = from + chrono::Days::new(days);
    // Tết is the longest run of days off, under two weeks; a month bounds the search.
    for _ in 0..31 {
        if is_working_day(end) {
            break;
        }
        end = end + chrono::Days::new(1);
    }
    end
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

/// A clock as computed: when it runs out, and with which rule and calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub rule: Rule,
    pub started_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub rules_version: String,
    pub calendar_version: String,
}

/// The clocks that start at `starts` for `case`, started at `at` (Civil Code art. 147: counted
/// from the day after).
pub fn start_clocks(
    calendar: &impl Calendar,
    book: &RuleBook,
    case: &Case,
    starts: Starts,
    at: DateTime<Utc>,
) -> Vec<Clock> {
    let start = local_date(at);
    book.clocks(case, starts)
        .into_iter()
        .map(|rule| Clock {
            due_at: end_of_day(due_date(calendar, start, rule.days, rule.day_type)),
            rule: rule.clone(),
            started_at: at,
            rules_version: book.version(),
            calendar_version: calendar.version().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::petition::Kind;
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
        let book = RuleBook::new(crate::domain::rules::defaults().unwrap(), 1);
        let case = Case {
            kind: Kind::Feedback,
            second_time: false,
            remote: false,
            complexity: None,
            province_code: "01",
            category_code: "environment",
            received_on: local_date(received),
        };
        let clocks = start_clocks(&WeekdayCalendar, &book, &case, Starts::Receipt, received);
        assert_eq!(clocks.len(), 2);
        assert_eq!(clocks[0].rule.clock, ClockName::Acknowledge);
        assert_eq!(local_date(clocks[0].due_at), date(2026, 11, 26));
        assert_eq!(local_date(clocks[1].due_at), date(2026, 12, 8));
        assert_eq!(clocks[0].rules_version, "rules.1");
    }

    #[test]
    fn a_petition_received_the_friday_before_tet_is_due_after_tet() {
        use crate::domain::calendar::{VietnamCalendar, explain};
        // 10:00 on Friday 13 February 2026 in Vietnam; Tết runs Saturday 14 – Sunday 22.
        let received = Utc.with_ymd_and_hms(2026, 2, 13, 3, 0, 0).unwrap();
        let calendar = VietnamCalendar::default();
        let book = RuleBook::new(crate::domain::rules::defaults().unwrap(), 1);
        let case = |kind| Case {
            kind,
            second_time: false,
            remote: false,
            complexity: None,
            province_code: "01",
            category_code: "environment",
            received_on: local_date(received),
        };
        let feedback = start_clocks(
            &calendar,
            &book,
            &case(Kind::Feedback),
            Starts::Receipt,
            received,
        );
        let due: Vec<NaiveDate> = feedback.iter().map(|c| local_date(c.due_at)).collect();
        // Two working days: Monday 23 and Tuesday 24; ten: to Friday 6 March.
        assert_eq!(due, [date(2026, 2, 24), date(2026, 3, 6)]);
        assert_eq!(feedback[0].calendar_version, calendar.version());
        let why = explain(&calendar, date(2026, 2, 13), 2, DayType::Working).unwrap();
        assert!(
            why.skipped
                .iter()
                .any(|s| s.reason.name_vi() == "Tết Nguyên Đán")
        );
        // Ten calendar days end on Monday 23 February, a working day.
        let complaint = start_clocks(
            &calendar,
            &book,
            &case(Kind::Complaint),
            Starts::Receipt,
            received,
        );
        assert_eq!(local_date(complaint[0].due_at), date(2026, 2, 23));
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
