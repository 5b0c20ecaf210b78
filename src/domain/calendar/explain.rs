//! The explain view (DESIGN §3.2, item 3): how a deadline was reached, day by day.
//!
//! Counting follows the Civil Code 91/2015/QH13, as [`clock::due_date`] does: the start day is
//! not counted (art. 147(1)); a calendar-day period counts every day, and when its last day is
//! not a working day it ends with the next working day (art. 148(5)); a working-day period
//! counts working days only. [`explain`] gives the same due date as [`clock::due_date`].

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::day::{DayReason, Source};
use super::{FIRST_YEAR, LAST_YEAR};
use crate::domain::clock::{self, Calendar, DayType};

/// The longest period explained: ten years.
pub const MAX_DAYS: u32 = 3650;

const LEGAL_BASIS: &str = "Bộ luật Dân sự 2015, điều 147–148 (Civil Code 2015, art. 147–148)";

/// A calendar that can say why a day is not a working day.
pub trait DayReasons: Calendar {
    /// Why `date` is not a working day; `None` when it is one.
    fn reason(&self, date: NaiveDate) -> Option<DayReason>;
    /// Whether the days off of `year` are computed, not yet decided by the government.
    fn is_provisional(&self, year: i32) -> bool;
}

/// A day passed over: not counted in a working-day period, or, in a calendar-day period, a
/// non-working day after the last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SkippedDay {
    pub date: NaiveDate,
    pub reason: DayReason,
}

/// A calendar-day period whose last day was not a working day (Civil Code art. 148(5)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Extension {
    /// The last day of the period as counted.
    pub last_day: NaiveDate,
    /// Why it is not a working day.
    pub reason: DayReason,
    /// The next working day, where the period ends instead.
    pub extended_to: NaiveDate,
}

/// How a deadline was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Explanation {
    /// The day of the start event, not counted.
    pub start: NaiveDate,
    pub days: u32,
    pub day_type: DayType,
    /// The last day of the period.
    pub due_date: NaiveDate,
    /// When the period runs out: 23:59:59 in Vietnam on the due date.
    pub due_at: DateTime<Utc>,
    /// The days counted, in order: `days` of them, working days only for a working-day period.
    pub counted: Vec<NaiveDate>,
    /// The days passed over, in order.
    pub skipped: Vec<SkippedDay>,
    /// Set when a calendar-day period ran on to the next working day.
    pub extended_to_next_working_day: Option<Extension>,
    /// Some day between the start and the due date lies in a year whose days off are not yet
    /// decided: the due date may move when the government decides.
    pub provisional: bool,
    /// The calendar the deadline was computed with.
    pub calendar_version: String,
    pub legal_basis: &'static str,
}

/// Why a period cannot be explained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    #[error("a period of {days} days is longer than the {max} days allowed")]
    TooManyDays { days: u32, max: u32 },
    #[error("the start date {start} is outside the calendar's years {first}–{last}")]
    StartOutOfRange {
        start: NaiveDate,
        first: i32,
        last: i32,
    },
}

/// Explains the period of `days` of `day_type` starting on `start` (not counted). At most
/// [`MAX_DAYS`] days, from a start in [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn explain(
    calendar: &impl DayReasons,
    start: NaiveDate,
    days: u32,
    day_type: DayType,
) -> Result<Explanation, ExplainError> {
    if days > MAX_DAYS {
        return Err(ExplainError::TooManyDays {
            days,
            max: MAX_DAYS,
        });
    }
    if !(FIRST_YEAR..=LAST_YEAR).contains(&start.year()) {
        return Err(ExplainError::StartOutOfRange {
            start,
            first: FIRST_YEAR,
            last: LAST_YEAR,
        });
    }
    let wanted = days as usize;
    let reason = |date: NaiveDate| calendar.reason(date).unwrap_or_else(unexplained);
    let mut counted = Vec::with_capacity(wanted);
    let mut skipped = Vec::new();
    let mut extension = None;
    let following = start.iter_days().skip(1);

    let due_date = match day_type {
        DayType::Calendar => {
            counted.extend(following.take(wanted));
            let last_day = counted.last().copied().unwrap_or(start);
            let mut due = last_day;
            if !calendar.is_working_day(last_day) {
                for date in last_day.iter_days().skip(1) {
                    if calendar.is_working_day(date) {
                        due = date;
                        break;
                    }
                    skipped.push(SkippedDay {
                        date,
                        reason: reason(date),
                    });
                }
                extension = Some(Extension {
                    last_day,
                    reason: reason(last_day),
                    extended_to: due,
                });
            }
            due
        }
        DayType::Working => {
            let mut due = start;
            for date in following {
                if counted.len() == wanted {
                    break;
                }
                if calendar.is_working_day(date) {
                    counted.push(date);
                    due = date;
                } else {
                    skipped.push(SkippedDay {
                        date,
                        reason: reason(date),
                    });
                }
            }
            due
        }
    };

    let provisional = (start.year()..=due_date.year()).any(|y| calendar.is_provisional(y));
    Ok(Explanation {
        start,
        days,
        day_type,
        due_date,
        due_at: clock::end_of_day(due_date),
        counted,
        skipped,
        extended_to_next_working_day: extension,
        provisional,
        calendar_version: calendar.version().to_owned(),
        legal_basis: LEGAL_BASIS,
    })
}

/// For a calendar that cannot say why a day is off (none in this crate does).
fn unexplained() -> DayReason {
    DayReason::Holiday {
        name_vi: "Ngày nghỉ".to_owned(),
        name_en: "Day off".to_owned(),
        source: Source::Rule,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{DayChange, DayKind, VietnamCalendar, WeekendDay};
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn calendar() -> &'static VietnamCalendar {
        static CALENDAR: OnceLock<VietnamCalendar> = OnceLock::new();
        CALENDAR.get_or_init(VietnamCalendar::default)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_petition_received_the_friday_before_tet_2026_is_due_after_tet() {
        let start = date(2026, 2, 13);
        let e = explain(calendar(), start, 2, DayType::Working).unwrap();
        assert_eq!(e.due_date, date(2026, 2, 24));
        assert_eq!(
            e.due_date,
            clock::due_date(calendar(), start, 2, DayType::Working)
        );
        assert_eq!(e.counted, vec![date(2026, 2, 23), date(2026, 2, 24)]);
        assert_eq!(e.skipped.len(), 9);
        assert_eq!(e.skipped[0].date, date(2026, 2, 14));
        assert_eq!(e.skipped[8].date, date(2026, 2, 22));
        for s in &e.skipped {
            assert_eq!(s.reason.name_vi(), "Tết Nguyên Đán", "{}", s.date);
            assert_eq!(s.reason.name_en(), "Lunar New Year");
        }
        assert_eq!(e.extended_to_next_working_day, None);
        assert!(!e.provisional);
        assert_eq!(e.due_at.to_rfc3339(), "2026-02-24T16:59:59+00:00");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["due_date"], "2026-02-24");
        assert_eq!(json["day_type"], "working");
        assert_eq!(json["skipped"][3]["reason"]["type"], "holiday");
        assert_eq!(json["skipped"][3]["reason"]["source"], "official");
    }

    #[test]
    fn a_calendar_period_ending_in_tet_runs_to_the_next_working_day() {
        // 10 calendar days from Wednesday 4 February 2026: Saturday 14, first day of the break.
        let e = explain(calendar(), date(2026, 2, 4), 10, DayType::Calendar).unwrap();
        assert_eq!(e.counted.len(), 10);
        assert_eq!(e.counted.last(), Some(&date(2026, 2, 14)));
        assert_eq!(e.due_date, date(2026, 2, 23));
        let ext = e.extended_to_next_working_day.unwrap();
        assert_eq!(ext.last_day, date(2026, 2, 14));
        assert_eq!(ext.extended_to, date(2026, 2, 23));
        assert_eq!(ext.reason.name_en(), "Lunar New Year");
        assert_eq!(e.skipped.len(), 8); // 15–22 February
        // Weekends inside the period are counted, not skipped.
        let e = explain(calendar(), date(2026, 11, 16), 10, DayType::Calendar).unwrap();
        assert_eq!(e.due_date, date(2026, 11, 26));
        assert!(e.skipped.is_empty() && e.extended_to_next_working_day.is_none());
        // A plain weekend.
        let e = explain(calendar(), date(2026, 11, 18), 10, DayType::Calendar).unwrap();
        assert_eq!(e.due_date, date(2026, 11, 30));
        assert_eq!(
            e.skipped[0].reason,
            DayReason::Weekend {
                day: WeekendDay::Sunday
            }
        );
    }

    #[test]
    fn inputs_are_bounded() {
        assert_eq!(
            explain(calendar(), date(2026, 1, 1), MAX_DAYS + 1, DayType::Working),
            Err(ExplainError::TooManyDays {
                days: MAX_DAYS + 1,
                max: MAX_DAYS
            })
        );
        assert!(matches!(
            explain(calendar(), date(1989, 12, 31), 1, DayType::Working),
            Err(ExplainError::StartOutOfRange { .. })
        ));
        assert!(matches!(
            explain(calendar(), date(2101, 1, 1), 1, DayType::Calendar),
            Err(ExplainError::StartOutOfRange { .. })
        ));
        // The longest period from the last covered day still ends.
        let e = explain(calendar(), date(2100, 12, 31), MAX_DAYS, DayType::Working).unwrap();
        assert_eq!(e.counted.len(), MAX_DAYS as usize);
        assert!(e.provisional);
        // Zero days: the start day itself.
        let e = explain(calendar(), date(2026, 2, 14), 0, DayType::Working).unwrap();
        assert_eq!(e.due_date, date(2026, 2, 14));
        assert!(e.counted.is_empty());
    }

    fn day_type() -> impl Strategy<Value = DayType> {
        prop::sample::select(vec![DayType::Calendar, DayType::Working])
    }

    /// Days from 1 January 1990 to 31 December 2100, both included.
    const SPAN: u64 = 40_542;

    proptest! {
        #[test]
        fn explain_agrees_with_the_clock(
            offset in 0u64..SPAN, days in 0u32..400, day_type in day_type(),
        ) {
            let cal = calendar();
            let start = date(1990, 1, 1) + Days::new(offset);
            let e = explain(cal, start, days, day_type).unwrap();
            prop_assert_eq!(e.due_date, clock::due_date(cal, start, days, day_type));
            prop_assert_eq!(e.counted.len(), days as usize);
            if days > 0 {
                prop_assert!(e.due_date > start);
            }
            let longer = explain(cal, start, days + 1, day_type).unwrap();
            prop_assert!(longer.due_date >= e.due_date);
            prop_assert!(e.skipped.iter().all(|s| !cal.is_working_day(s.date)));
            match day_type {
                DayType::Working => {
                    if days > 0 {
                        prop_assert!(cal.is_working_day(e.due_date));
                    }
                    prop_assert!(e.counted.iter().all(|d| cal.is_working_day(*d)));
                    // Counted and skipped together are exactly the days after the start.
                    let mut all: Vec<NaiveDate> = e.counted.iter().copied()
                        .chain(e.skipped.iter().map(|s| s.date)).collect();
                    all.sort();
                    let expected: Vec<NaiveDate> = start.iter_days().skip(1)
                        .take_while(|d| *d <= e.due_date).collect();
                    prop_assert_eq!(all, expected);
                }
                DayType::Calendar => {
                    prop_assert!(cal.is_working_day(e.due_date));
                    prop_assert_eq!(
                        e.extended_to_next_working_day.is_some(),
                        !cal.is_working_day(start + Days::new(u64::from(days)))
                    );
                }
            }
        }

        #[test]
        fn admin_changes_keep_the_clock_consistent(
            changes in prop::collection::vec((0u64..400, any::<bool>()), 0..30),
            offset in 0u64..400, days in 0u32..60, day_type in day_type(),
        ) {
            let base = date(2026, 1, 1);
            let changes = changes.into_iter().map(|(o, holiday)| DayChange {
                date: base + Days::new(o),
                kind: if holiday { DayKind::Holiday } else { DayKind::Working },
                name: "x".into(),
                recurring: false,
            }).collect();
            let cal = VietnamCalendar::new(changes, 1);
            let start = base + Days::new(offset);
            let e = explain(&cal, start, days, day_type).unwrap();
            prop_assert_eq!(e.due_date, clock::due_date(&cal, start, days, day_type));
            if days > 0 {
                prop_assert!(cal.is_working_day(e.due_date));
            }
            for s in &e.skipped {
                prop_assert_eq!(Some(s.reason.clone()), cal.reason(s.date));
            }
        }
    }
}
