//! The rule part of the calendar: the public holidays the Labor Code 2019 gives every year, for
//! years without an official decision (DESIGN §3.2, item 1).
//!
//! Labor Code 45/2019/QH14 art. 112(1): 1 January; Tết, 5 days; Hùng Kings' day (10th day of the
//! 3rd lunar month); 30 April; 1 May; 2 September and one day before or after it. The Prime
//! Minister fixes the exact Tết and National Day days each year (art. 112(3)); until then we
//! guess as follows:
//!
//! - **Tết**: the last day of the old lunar year (29 or 30 tháng Chạp) and the first four days of
//!   the new one (mùng 1–4), the pattern of most recent decisions.
//! - **National Day**: the adjacent weekday that joins the break to a weekend; when neither
//!   adjacent day does (2 September on a Wednesday), the day before; when only one adjacent day
//!   is a weekday, that one. This reproduces every decision since the 2019 Code took effect
//!   (2021: Fri 3; 2022: Thu 1; 2023: Fri 1; 2024: Tue 3; 2025: Mon 1; 2026: Tue 1 September).
//! - **Compensatory days (nghỉ bù)**, art. 111(3): a holiday on a Saturday or Sunday is made up on
//!   the next working day, i.e. the next weekday that is neither a holiday nor already given as
//!   another compensatory day.
//!
//! The same rule is applied to every year; before 2021 the law gave fewer days (no second
//! National Day before 2021, a 4-day Tết before 2013), which matters only for old dates.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use super::day::{Source, SpecialDay, is_weekend};
use super::lunar;

/// A holiday's names: (Vietnamese, English).
pub type Names = (&'static str, &'static str);

pub const NEW_YEAR: Names = ("Tết Dương lịch", "New Year's Day");
pub const TET: Names = ("Tết Nguyên Đán", "Lunar New Year");
pub const HUNG_KINGS: Names = ("Giỗ Tổ Hùng Vương", "Hùng Kings' Commemoration");
pub const REUNIFICATION: Names = (
    "Ngày Giải phóng miền Nam, thống nhất đất nước",
    "Reunification Day",
);
pub const LABOUR_DAY: Names = ("Ngày Quốc tế Lao động", "International Labour Day");
pub const NATIONAL_DAY: Names = ("Quốc khánh", "National Day");
pub const COMPENSATORY: Names = ("Nghỉ bù", "Compensatory day off");

/// The days off the rules give in solar year `year`, in date order: the holidays (including
/// those on a weekend) and their compensatory days. Empty when the lunar calendar does not
/// cover the year.
pub fn rule_days(year: i32) -> Vec<SpecialDay> {
    let mut holidays: BTreeMap<NaiveDate, (String, String)> = BTreeMap::new();
    let mut add = |date: Option<NaiveDate>, (vi, en): Names| {
        if let Some(date) = date {
            holidays
                .entry(date)
                .and_modify(|(v, e)| {
                    // Two holidays on one day (possible in principle: Hùng Kings' day on 30 April).
                    if !v.contains(vi) {
                        *v = format!("{v}; {vi}");
                        *e = format!("{e}; {en}");
                    }
                })
                .or_insert_with(|| (vi.to_owned(), en.to_owned()));
        }
    };

    add(NaiveDate::from_ymd_opt(year, 1, 1), NEW_YEAR);
    if let Some(tet) = lunar::lunar_to_solar(year, 1, 1, false) {
        add(tet.checked_sub_days(Days::new(1)), TET);
        for offset in 0..4 {
            add(tet.checked_add_days(Days::new(offset)), TET);
        }
    }
    // The regular 3rd month, also in a year with a leap 3rd month.
    add(lunar::lunar_to_solar(year, 3, 10, false), HUNG_KINGS);
    add(NaiveDate::from_ymd_opt(year, 4, 30), REUNIFICATION);
    add(NaiveDate::from_ymd_opt(year, 5, 1), LABOUR_DAY);
    if let Some(national_day) = NaiveDate::from_ymd_opt(year, 9, 2) {
        add(Some(national_day), NATIONAL_DAY);
        add(national_day_adjacent(national_day), NATIONAL_DAY);
    }

    let mut compensatory: BTreeMap<NaiveDate, (String, String)> = BTreeMap::new();
    for (date, (vi, en)) in &holidays {
        if !is_weekend(*date) {
            continue;
        }
        let free = date.iter_days().skip(1).find(|d| {
            !is_weekend(*d) && !holidays.contains_key(d) && !compensatory.contains_key(d)
        });
        if let Some(free) = free {
            compensatory.insert(
                free,
                (
                    format!("{} ({vi})", COMPENSATORY.0),
                    format!("{} ({en})", COMPENSATORY.1),
                ),
            );
        }
    }

    let mut days: Vec<SpecialDay> = holidays
        .into_iter()
        .chain(compensatory)
        .map(|(date, (name_vi, name_en))| SpecialDay {
            date,
            name_vi,
            name_en,
            source: Source::Rule,
        })
        .collect();
    days.sort_by_key(|d| d.date);
    days
}

/// The second National Day holiday next to 2 September (see the module documentation).
fn national_day_adjacent(national_day: NaiveDate) -> Option<NaiveDate> {
    let before = national_day.checked_sub_days(Days::new(1))?;
    let after = national_day.checked_add_days(Days::new(1))?;
    let weekday = |d: NaiveDate| !is_weekend(d);
    let joins_weekend = |d: NaiveDate| {
        d.checked_sub_days(Days::new(1)).is_some_and(is_weekend)
            || d.checked_add_days(Days::new(1)).is_some_and(is_weekend)
    };
    let choice = [before, after]
        .into_iter()
        .find(|d| weekday(*d) && joins_weekend(*d))
        .or_else(|| [before, after].into_iter().find(|d| weekday(*d)))
        .unwrap_or(before);
    Some(choice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dates(year: i32) -> Vec<NaiveDate> {
        rule_days(year).into_iter().map(|d| d.date).collect()
    }

    fn name_of(year: i32, day: NaiveDate) -> String {
        rule_days(year)
            .into_iter()
            .find(|d| d.date == day)
            .map(|d| d.name_en)
            .unwrap_or_default()
    }

    #[test]
    fn national_day_adjacent_day_matches_the_decisions_since_2021() {
        let adjacent = |y| national_day_adjacent(date(y, 9, 2)).unwrap();
        assert_eq!(adjacent(2021), date(2021, 9, 3));
        assert_eq!(adjacent(2022), date(2022, 9, 1));
        assert_eq!(adjacent(2023), date(2023, 9, 1));
        assert_eq!(adjacent(2024), date(2024, 9, 3));
        assert_eq!(adjacent(2025), date(2025, 9, 1));
        assert_eq!(adjacent(2026), date(2026, 9, 1));
        // Sunday 2 September 2029: Monday 3 is the adjacent day, Tuesday 4 makes up for Sunday.
        assert_eq!(adjacent(2029), date(2029, 9, 3));
        let days = dates(2029);
        assert!(days.contains(&date(2029, 9, 3)) && days.contains(&date(2029, 9, 4)));
        assert_eq!(
            name_of(2029, date(2029, 9, 4)),
            "Compensatory day off (National Day)"
        );
    }

    #[test]
    fn tet_is_the_last_day_of_the_year_and_the_first_four_of_the_next() {
        // Tết 2030: Saturday 2 February. Eve Friday 1 February; mùng 1–4 Sat 2 – Tue 5.
        let days = dates(2030);
        for d in 1..=5 {
            assert!(days.contains(&date(2030, 2, d)), "{d} Feb 2030");
            assert_eq!(name_of(2030, date(2030, 2, d)), "Lunar New Year");
        }
        // Saturday 2 and Sunday 3 are made up on Wednesday 6 and Thursday 7.
        assert_eq!(
            name_of(2030, date(2030, 2, 6)),
            "Compensatory day off (Lunar New Year)"
        );
        assert_eq!(
            name_of(2030, date(2030, 2, 7)),
            "Compensatory day off (Lunar New Year)"
        );
        assert!(!days.contains(&date(2030, 2, 8)));
    }

    #[test]
    fn a_provisional_year_has_every_holiday_of_the_labor_code() {
        // 2027: Tết Saturday 6 February (eve Friday 5), Hùng Kings Friday 16 April.
        let days = dates(2027);
        let expected = [
            date(2027, 1, 1),
            date(2027, 2, 5),
            date(2027, 2, 6),
            date(2027, 2, 7),
            date(2027, 2, 8),
            date(2027, 2, 9),
            date(2027, 2, 10), // for Saturday 6
            date(2027, 2, 11), // for Sunday 7
            date(2027, 4, 16),
            date(2027, 4, 30),
            date(2027, 5, 1),
            date(2027, 5, 3), // for Saturday 1 May
            date(2027, 9, 2),
            date(2027, 9, 3),
        ];
        assert_eq!(days, expected);
        assert_eq!(
            name_of(2027, date(2027, 4, 16)),
            "Hùng Kings' Commemoration"
        );
        assert!(rule_days(2027).iter().all(|d| d.source == Source::Rule));
    }

    #[test]
    fn a_year_outside_the_lunar_range_keeps_its_solar_holidays() {
        let days = dates(2300);
        assert!(days.contains(&date(2300, 1, 1)));
        assert!(!days.is_empty());
    }
}
