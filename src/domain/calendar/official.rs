//! Official per-year decisions (DESIGN §3.2, item 2): the days the government actually gave civil
//! servants off, and the Saturdays they worked instead, shipped as data.
//!
//! Each year the Prime Minister fixes the Tết and National Day days (Labor Code 2019
//! art. 112(3)) and may swap a working day with a Saturday for civil servants. For a year listed
//! here this table **replaces** the rule part ([`super::holidays`]) wholesale, so it must name
//! every day off of that year that is a weekday (weekends inside a Tết break are listed too, so
//! that explanations name them as Tết). A year listed here is not provisional.
//!
//! To add a year: add an [`OfficialYear`] with its basis, then bump [`super::RULES`].

use chrono::NaiveDate;

use super::day::{DayKind, Source, SpecialDay};
use super::holidays::{
    COMPENSATORY, HUNG_KINGS, LABOUR_DAY, NATIONAL_DAY, NEW_YEAR, Names, REUNIFICATION, TET,
};

const SWAPPED_OFF: Names = ("Ngày nghỉ hoán đổi", "Swapped day off");
const MAKE_UP: Names = ("Ngày làm bù", "Make-up working day");

/// A run of days, both ends included, given the same treatment.
struct Entry {
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    kind: DayKind,
    names: Names,
    /// Appended to both names, e.g. the date a swapped day is made up.
    note: Option<(&'static str, &'static str)>,
}

/// One year's decisions.
pub struct OfficialYear {
    pub year: i32,
    /// The decisions the entries come from.
    pub basis: &'static str,
    entries: &'static [Entry],
}

const fn off(from: (i32, u32, u32), to: (i32, u32, u32), names: Names) -> Entry {
    Entry {
        from,
        to,
        kind: DayKind::Holiday,
        names,
        note: None,
    }
}

const fn noted(day: (i32, u32, u32), kind: DayKind, names: Names, note: Names) -> Entry {
    Entry {
        from: day,
        to: day,
        kind,
        names,
        note: Some(note),
    }
}

pub const YEARS: &[OfficialYear] = &[
    OfficialYear {
        year: 2025,
        basis: "Lịch nghỉ năm 2025 của cán bộ, công chức, viên chức do Thủ tướng Chính phủ quyết định: Tết Ất Tỵ \
                25/01–02/02; Giỗ Tổ 07/4; 30/4–04/5, làm bù thứ Bảy 26/4; Quốc khánh 01–02/9",
        entries: &[
            off((2025, 1, 1), (2025, 1, 1), NEW_YEAR),
            off((2025, 1, 25), (2025, 2, 2), TET),
            off((2025, 4, 7), (2025, 4, 7), HUNG_KINGS),
            off((2025, 4, 30), (2025, 4, 30), REUNIFICATION),
            off((2025, 5, 1), (2025, 5, 1), LABOUR_DAY),
            noted(
                (2025, 5, 2),
                DayKind::Holiday,
                SWAPPED_OFF,
                (
                    "làm bù thứ Bảy 26/4/2025",
                    "worked on Saturday 26 April 2025",
                ),
            ),
            noted(
                (2025, 4, 26),
                DayKind::Working,
                MAKE_UP,
                ("cho thứ Sáu 02/5/2025", "for Friday 2 May 2025"),
            ),
            off((2025, 9, 1), (2025, 9, 2), NATIONAL_DAY),
        ],
    },
    OfficialYear {
        year: 2026,
        basis: "Văn phòng Chính phủ truyền đạt ý kiến Thủ tướng: Tết Dương lịch 01–04/01/2026, làm bù thứ Bảy \
                10/01 (văn bản ngày 25/12/2025); Tết Bính Ngọ 14/02–22/02/2026 và Quốc khánh \
                29/8–02/9/2026, làm bù thứ Bảy 22/8 (văn bản tháng 10/2025). Giỗ Tổ 26/4 (Chủ nhật), nghỉ bù 27/4; 30/4; 01/5 \
                theo Bộ luật Lao động 2019 điều 111(3), 112",
        entries: &[
            off((2026, 1, 1), (2026, 1, 1), NEW_YEAR),
            noted(
                (2026, 1, 2),
                DayKind::Holiday,
                SWAPPED_OFF,
                (
                    "làm bù thứ Bảy 10/01/2026",
                    "worked on Saturday 10 January 2026",
                ),
            ),
            noted(
                (2026, 1, 10),
                DayKind::Working,
                MAKE_UP,
                ("cho thứ Sáu 02/01/2026", "for Friday 2 January 2026"),
            ),
            off((2026, 2, 14), (2026, 2, 22), TET),
            off((2026, 4, 26), (2026, 4, 26), HUNG_KINGS),
            noted(
                (2026, 4, 27),
                DayKind::Holiday,
                COMPENSATORY,
                (HUNG_KINGS.0, HUNG_KINGS.1),
            ),
            off((2026, 4, 30), (2026, 4, 30), REUNIFICATION),
            off((2026, 5, 1), (2026, 5, 1), LABOUR_DAY),
            noted(
                (2026, 8, 22),
                DayKind::Working,
                MAKE_UP,
                ("cho thứ Hai 31/8/2026", "for Monday 31 August 2026"),
            ),
            noted(
                (2026, 8, 31),
                DayKind::Holiday,
                SWAPPED_OFF,
                (
                    "làm bù thứ Bảy 22/8/2026",
                    "worked on Saturday 22 August 2026",
                ),
            ),
            off((2026, 9, 1), (2026, 9, 2), NATIONAL_DAY),
        ],
    },
];

/// The official decisions for `year`, if it has any.
pub fn year(year: i32) -> Option<&'static OfficialYear> {
    YEARS.iter().find(|y| y.year == year)
}

/// Whether `year` has official data (and so is not provisional).
pub fn is_official(year: i32) -> bool {
    self::year(year).is_some()
}

impl OfficialYear {
    /// Every day the decisions name, in table order, with what it is.
    pub fn days(&self) -> Vec<(DayKind, SpecialDay)> {
        let mut days = Vec::new();
        for entry in self.entries {
            let (Some(from), Some(to)) = (ymd(entry.from), ymd(entry.to)) else {
                continue;
            };
            let (name_vi, name_en) = match entry.note {
                Some((vi, en)) => (
                    format!("{} ({vi})", entry.names.0),
                    format!("{} ({en})", entry.names.1),
                ),
                None => (entry.names.0.to_owned(), entry.names.1.to_owned()),
            };
            for date in from.iter_days().take_while(|d| *d <= to) {
                days.push((
                    entry.kind,
                    SpecialDay {
                        date,
                        name_vi: name_vi.clone(),
                        name_en: name_en.clone(),
                        source: Source::Official,
                    },
                ));
            }
        }
        days
    }
}

fn ymd((y, m, d): (i32, u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    #[test]
    fn every_entry_is_a_valid_date_range_inside_its_year() {
        for year in YEARS {
            for entry in year.entries {
                let (from, to) = (ymd(entry.from).unwrap(), ymd(entry.to).unwrap());
                assert!(from <= to, "{from}..{to}");
                assert_eq!(from.year(), year.year);
                assert_eq!(to.year(), year.year);
            }
        }
    }

    #[test]
    fn make_up_days_are_saturdays_and_official_years_are_known() {
        for year in YEARS {
            for (kind, day) in year.days() {
                if kind == DayKind::Working {
                    assert_eq!(day.date.weekday(), chrono::Weekday::Sat, "{day:?}");
                }
            }
        }
        assert!(is_official(2025) && is_official(2026));
        assert!(!is_official(2027) && !is_official(2024));
    }
}
