//! Vietnam's working-day calendar for civil servants (DESIGN §3.2).
//!
//! A day is a working day unless it is a Saturday or Sunday (weekly rest) or a day off, and a
//! weekend day is worked when the government swaps it with a weekday. The days off come from
//! three layers, each beating the one before:
//!
//! 1. [`holidays`]: the Labor Code 45/2019/QH14 rules (art. 112 public holidays, art. 111(3)
//!    compensatory days), with the lunar holidays from the **Vietnamese** lunar calendar
//!    ([`lunar`], UTC+7);
//! 2. [`official`]: the government's decisions for the years already decided, which replace the
//!    rules of their year; a year without them is *provisional*;
//! 3. administrators' [`DayChange`]s, later ones winning.
//!
//! The result is precomputed for [`FIRST_YEAR`]..=[`LAST_YEAR`] into a bitset, so that
//! [`Calendar::is_working_day`] is a couple of instructions. Outside those years only weekends
//! are known. [`explain`] shows how a deadline of the Civil Code 2015 art. 147–148 was reached.

mod day;
pub mod explain;
pub mod holidays;
pub mod lunar;
pub mod official;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use super::clock::Calendar;

pub use day::{DayChange, DayKind, DayReason, Source, SpecialDay, WeekendDay};
pub use explain::{
    DayReasons, ExplainError, Explanation, Extension, MAX_DAYS, SkippedDay, explain,
};

/// The edition of the rules and the shipped official data; bump it when either changes.
/// [`VietnamCalendar::version`] is `vn-{RULES}.{revision}`.
pub const RULES: &str = "2026-11-24";
/// The first year the calendar knows holidays for.
pub const FIRST_YEAR: i32 = 1990;
/// The last year the calendar knows holidays for.
pub const LAST_YEAR: i32 = 2100;

const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1) {
    Some(d) => d,
    None => panic!("1 January 1990 is a date"),
};
const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31) {
    Some(d) => d,
    None => panic!("31 December 2100 is a date"),
};

/// The working days of Vietnam's civil service.
#[derive(Debug, Clone)]
pub struct VietnamCalendar {
    version: String,
    revision: u32,
    /// `num_days_from_ce` of [`FIRST_DATE`].
    first_day: i32,
    /// How many days the bitset covers.
    len: usize,
    /// Bit `i` is set when day `FIRST_DATE + i` is a working day.
    working: Vec<u64>,
    /// Every day off other than a plain weekend, also holidays falling on a weekend.
    days_off: BTreeMap<NaiveDate, SpecialDay>,
    /// Saturdays and Sundays that are worked.
    working_weekends: BTreeMap<NaiveDate, SpecialDay>,
}

/// One year of the calendar, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct YearView {
    pub year: i32,
    /// No official decision for the year yet: the days off are computed from the rules and may
    /// change when the government decides.
    pub provisional: bool,
    /// The decisions behind the year's official days, if any.
    pub basis: Option<&'static str>,
    /// The days off other than plain weekends, in date order. Holidays that fall on a weekend
    /// are listed too (they are why a compensatory day follows), as are weekends inside an
    /// official Tết break. A weekday holiday an administrator made a working day is not listed.
    pub days_off: Vec<SpecialDay>,
    /// The Saturdays and Sundays worked (make-up days), in date order.
    pub working_weekends: Vec<SpecialDay>,
}

impl Default for VietnamCalendar {
    /// The rules and the official data, without admin changes (revision 0).
    fn default() -> Self {
        Self::new(Vec::new(), 0)
    }
}

impl VietnamCalendar {
    /// The calendar with the admin `changes` applied in order (later ones win). `revision`
    /// identifies the changes (e.g. how many there have been) and goes into [`Calendar::version`].
    /// Changes outside [`FIRST_YEAR`]..=[`LAST_YEAR`] are ignored.
    pub fn new(changes: Vec<DayChange>, revision: u32) -> Self {
        let mut days_off = BTreeMap::new();
        let mut working_weekends = BTreeMap::new();
        // `None`: no longer a day off, but not a worked weekend either (a recurring holiday
        // that ends).
        let mut apply = |kind: Option<DayKind>, day: SpecialDay| match kind {
            Some(DayKind::Holiday) => {
                working_weekends.remove(&day.date);
                days_off.insert(day.date, day);
            }
            Some(DayKind::Working) => {
                days_off.remove(&day.date);
                if day::is_weekend(day.date) {
                    working_weekends.insert(day.date, day);
                }
            }
            None => {
                days_off.remove(&day.date);
            }
        };
        for year in FIRST_YEAR..=LAST_YEAR {
            match official::year(year) {
                Some(decisions) => {
                    for (kind, day) in decisions.days() {
                        apply(Some(kind), day);
                    }
                }
                None => {
                    for day in holidays::rule_days(year) {
                        apply(Some(DayKind::Holiday), day);
                    }
                }
            }
        }
        for change in changes {
            for date in change.days(LAST_YEAR) {
                if !(FIRST_DATE..=LAST_DATE).contains(&date) {
                    continue;
                }
                let day = SpecialDay {
                    date,
                    name_vi: change.name.clone(),
                    name_en: change.name.clone(),
                    source: Source::Admin,
                };
                // A recurring holiday that ends leaves its weekends weekends.
                let ends = change.recurring && change.kind == DayKind::Working;
                apply((!ends).then_some(change.kind), day);
            }
        }

        let first_day = FIRST_DATE.num_days_from_ce();
        let len = usize::try_from(LAST_DATE.num_days_from_ce() - first_day + 1).unwrap_or(0);
        let mut working = vec![0u64; len.div_ceil(64)];
        for (i, date) in FIRST_DATE.iter_days().take(len).enumerate() {
            let works = if day::is_weekend(date) {
                working_weekends.contains_key(&date)
            } else {
                !days_off.contains_key(&date)
            };
            if works {
                working[i / 64] |= 1 << (i % 64);
            }
        }

        Self {
            version: format!("vn-{RULES}.{revision}"),
            revision,
            first_day,
            len,
            working,
            days_off,
            working_weekends,
        }
    }

    /// The year's days off and worked weekends. Outside [`FIRST_YEAR`]..=[`LAST_YEAR`] the
    /// calendar knows weekends only: both lists are empty and the year is provisional.
    pub fn year(&self, year: i32) -> YearView {
        let (days_off, working_weekends) = match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(first), Some(last)) => (
                self.days_off
                    .range(first..=last)
                    .map(|(_, d)| d.clone())
                    .collect(),
                self.working_weekends
                    .range(first..=last)
                    .map(|(_, d)| d.clone())
                    .collect(),
            ),
            _ => (Vec::new(), Vec::new()),
        };
        YearView {
            year,
            provisional: self.is_provisional(year),
            basis: official::year(year).map(|y| y.basis),
            days_off,
            working_weekends,
        }
    }

    /// The revision of the admin changes the calendar was built with.
    pub fn revision(&self) -> u32 {
        self.revision
    }

    /// Whether the year's days off are still computed from the rules (no official decision
    /// shipped). Admin changes do not make a year final.
    pub fn is_provisional(&self, year: i32) -> bool {
        !official::is_official(year)
    }

    /// Why `date` is not a working day; `None` when it is one.
    pub fn reason(&self, date: NaiveDate) -> Option<DayReason> {
        if self.is_working_day(date) {
            return None;
        }
        if let Some(day) = self.days_off.get(&date) {
            return Some(DayReason::holiday(day));
        }
        day::weekend_day(date).map(|day| DayReason::Weekend { day })
    }
}

impl Calendar for VietnamCalendar {
    #[inline]
    fn is_working_day(&self, date: NaiveDate) -> bool {
        let offset = date.num_days_from_ce().wrapping_sub(self.first_day);
        if let Ok(i) = usize::try_from(offset)
            && i < self.len
            && let Some(word) = self.working.get(i / 64)
        {
            return (word >> (i % 64)) & 1 == 1;
        }
        !day::is_weekend(date)
    }

    fn version(&self) -> &str {
        &self.version
    }
}

impl DayReasons for VietnamCalendar {
    fn reason(&self, date: NaiveDate) -> Option<DayReason> {
        VietnamCalendar::reason(self, date)
    }
    fn is_provisional(&self, year: i32) -> bool {
        VietnamCalendar::is_provisional(self, year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::clock::{DayType, due_date};
    use std::sync::OnceLock;

    pub(super) fn calendar() -> &'static VietnamCalendar {
        static CALENDAR: OnceLock<VietnamCalendar> = OnceLock::new();
        CALENDAR.get_or_init(VietnamCalendar::default)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn works(d: NaiveDate) -> bool {
        calendar().is_working_day(d)
    }

    fn off(days: &[NaiveDate]) {
        for d in days {
            assert!(!works(*d), "{d} should be a day off");
        }
    }

    fn range(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        from.iter_days().take_while(|d| *d <= to).collect()
    }

    fn holiday_name(d: NaiveDate) -> String {
        calendar()
            .reason(d)
            .map(|r| r.name_en().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn official_2025() {
        off(&[date(2025, 1, 1)]);
        off(&range(date(2025, 1, 25), date(2025, 2, 2)));
        assert!(works(date(2025, 1, 24)) && works(date(2025, 2, 3)));
        off(&[date(2025, 4, 7)]);
        assert_eq!(holiday_name(date(2025, 4, 7)), "Hùng Kings' Commemoration");
        off(&range(date(2025, 4, 30), date(2025, 5, 4)));
        assert!(works(date(2025, 4, 26)), "Saturday 26 April 2025 is worked");
        assert!(works(date(2025, 4, 29)) && works(date(2025, 5, 5)));
        off(&[date(2025, 9, 1), date(2025, 9, 2)]);
        assert!(works(date(2025, 9, 3)));
        assert!(!calendar().is_provisional(2025));
        let view = calendar().year(2025);
        assert!(!view.provisional);
        assert_eq!(
            view.working_weekends
                .iter()
                .map(|d| d.date)
                .collect::<Vec<_>>(),
            vec![date(2025, 4, 26)]
        );
        assert!(view.days_off.iter().all(|d| d.source == Source::Official));
    }

    #[test]
    fn official_2026() {
        off(&range(date(2026, 1, 1), date(2026, 1, 4)));
        assert!(
            works(date(2026, 1, 10)),
            "Saturday 10 January 2026 is worked"
        );
        assert!(works(date(2026, 1, 5)));
        off(&range(date(2026, 2, 14), date(2026, 2, 22)));
        assert!(works(date(2026, 2, 13)) && works(date(2026, 2, 23)));
        assert_eq!(holiday_name(date(2026, 2, 17)), "Lunar New Year");
        off(&[date(2026, 4, 26), date(2026, 4, 27)]);
        assert_eq!(
            holiday_name(date(2026, 4, 27)),
            "Compensatory day off (Hùng Kings' Commemoration)"
        );
        assert!(works(date(2026, 4, 28)) && works(date(2026, 4, 29)));
        off(&[date(2026, 4, 30), date(2026, 5, 1)]);
        off(&range(date(2026, 8, 29), date(2026, 9, 2)));
        assert!(
            works(date(2026, 8, 22)),
            "Saturday 22 August 2026 is worked"
        );
        assert!(works(date(2026, 9, 3)));
        let view = calendar().year(2026);
        assert!(!view.provisional && view.basis.is_some());
        assert_eq!(view.working_weekends.len(), 2);
    }

    #[test]
    fn other_years_follow_the_rules_and_are_provisional() {
        assert!(calendar().is_provisional(2027));
        assert!(calendar().is_provisional(2024));
        let view = calendar().year(2030);
        assert!(view.provisional && view.basis.is_none());
        // Tết 2030 is Saturday 2 February: eve Friday 1, mùng 1–4, compensatory Wed 6, Thu 7.
        off(&range(date(2030, 2, 1), date(2030, 2, 7)));
        assert!(works(date(2030, 2, 8)));
        assert_eq!(
            calendar().reason(date(2030, 2, 2)),
            Some(DayReason::Holiday {
                name_vi: "Tết Nguyên Đán".into(),
                name_en: "Lunar New Year".into(),
                source: Source::Rule,
            })
        );
        assert_eq!(holiday_name(date(1990, 1, 1)), "New Year's Day");
    }

    #[test]
    fn reasons_name_weekends_and_holidays() {
        assert_eq!(calendar().reason(date(2026, 11, 24)), None);
        assert_eq!(
            calendar().reason(date(2026, 11, 28)),
            Some(DayReason::Weekend {
                day: WeekendDay::Saturday
            })
        );
        assert_eq!(
            calendar()
                .reason(date(2026, 11, 29))
                .map(|r| r.name_vi().to_owned()),
            Some("Chủ nhật".to_owned())
        );
        assert_eq!(calendar().reason(date(2026, 1, 10)), None);
        // Outside the covered years only weekends are known.
        assert!(works(date(2101, 1, 3)));
        assert!(!works(date(2101, 1, 1) + chrono::Days::new(1)));
        assert!(calendar().year(2200).days_off.is_empty());
    }

    #[test]
    fn a_recurring_holiday_from_a_year_on_and_its_end() {
        let culture_day = |year, kind| DayChange {
            date: date(year, 11, 24),
            kind,
            name: "Ngày Văn hóa Việt Nam".into(),
            recurring: true,
        };
        let cal = VietnamCalendar::new(vec![culture_day(2026, DayKind::Holiday)], 1);
        assert!(
            cal.is_working_day(date(2025, 11, 24)),
            "not before its year"
        );
        for year in [2026, 2027, 2031, 2100] {
            assert!(
                cal.reason(date(year, 11, 24)).is_some(),
                "24 November {year} is off"
            );
        }
        assert!(!cal.is_working_day(date(2026, 11, 24)), "a Tuesday off");
        assert!(cal.is_working_day(date(2026, 11, 25)));
        // Ended from 2030: off until 2029, and 24 November 2030, a Sunday, stays a Sunday.
        let cal = VietnamCalendar::new(
            vec![
                culture_day(2026, DayKind::Holiday),
                culture_day(2030, DayKind::Working),
            ],
            2,
        );
        assert!(!cal.is_working_day(date(2029, 11, 24)));
        assert!(cal.is_working_day(date(2031, 11, 24)), "a Monday worked");
        assert!(!cal.is_working_day(date(2030, 11, 24)), "Sunday");
        assert!(cal.year(2030).working_weekends.is_empty());
    }

    #[test]
    fn admin_changes_beat_official_data_and_later_changes_win() {
        let changes = vec![
            DayChange {
                date: date(2026, 11, 24),
                kind: DayKind::Holiday,
                name: "Nghỉ đột xuất".into(),
                recurring: false,
            },
            // Official day off made a working day.
            DayChange {
                date: date(2026, 2, 20),
                kind: DayKind::Working,
                name: "Trực Tết".into(),
                recurring: false,
            },
            // A Saturday worked, then the decision reversed.
            DayChange {
                date: date(2026, 12, 5),
                kind: DayKind::Working,
                name: "Làm bù".into(),
                recurring: false,
            },
            DayChange {
                date: date(2026, 12, 5),
                kind: DayKind::Holiday,
                name: "Hủy làm bù".into(),
                recurring: false,
            },
            DayChange {
                date: date(2026, 12, 12),
                kind: DayKind::Working,
                name: "Làm bù".into(),
                recurring: false,
            },
            // Ignored: outside the covered years.
            DayChange {
                date: date(2150, 1, 5),
                kind: DayKind::Holiday,
                name: "x".into(),
                recurring: false,
            },
        ];
        let cal = VietnamCalendar::new(changes, 7);
        assert_eq!(cal.version(), format!("vn-{RULES}.7"));
        assert_eq!(cal.revision(), 7);
        assert_ne!(cal.version(), calendar().version());
        assert!(!cal.is_working_day(date(2026, 11, 24)));
        assert_eq!(
            cal.reason(date(2026, 11, 24)),
            Some(DayReason::Holiday {
                name_vi: "Nghỉ đột xuất".into(),
                name_en: "Nghỉ đột xuất".into(),
                source: Source::Admin,
            })
        );
        assert!(cal.is_working_day(date(2026, 2, 20)));
        assert!(!cal.is_working_day(date(2026, 12, 5)));
        assert!(cal.is_working_day(date(2026, 12, 12)));
        assert!(cal.is_working_day(date(2150, 1, 5)));
        let view = cal.year(2026);
        assert!(!view.provisional);
        assert!(
            view.working_weekends
                .iter()
                .any(|d| d.date == date(2026, 12, 12))
        );
        assert!(!view.days_off.iter().any(|d| d.date == date(2026, 2, 20)));
        // Deadlines see the change.
        assert_eq!(
            due_date(&cal, date(2026, 11, 23), 1, DayType::Working),
            date(2026, 11, 25)
        );
    }

    #[test]
    fn the_bitset_agrees_with_the_day_lists() {
        let cal = calendar();
        for d in FIRST_DATE.iter_days().take_while(|d| *d <= LAST_DATE) {
            let expected = if day::is_weekend(d) {
                cal.working_weekends.contains_key(&d)
            } else {
                !cal.days_off.contains_key(&d)
            };
            assert_eq!(cal.is_working_day(d), expected, "{d}");
            assert_eq!(cal.reason(d).is_none(), expected, "{d}");
        }
    }
}
