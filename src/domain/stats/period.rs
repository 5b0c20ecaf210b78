//! The periods statistics are published for (DESIGN §3.7: "for a period (month, quarter,
//! year)"): `2026`, `2026-Q3` or `2026-07`, the `period` parameter of `GET /v1/stats`.
//!
//! Rollups are kept by month; a quarter or a year is the sum of its months, so a period is
//! above all the list of months it covers. Dates are Vietnam's (UTC+7): an event belongs to
//! the month of its date in Vietnam.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// The earliest year a period may name: the service holds nothing older.
pub const MIN_YEAR: u16 = 2000;
/// The latest year a period may name.
pub const MAX_YEAR: u16 = 2099;

/// A calendar month, shown as `YYYY-MM`: the key rollups are stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: u16,
    month: u8,
}

impl YearMonth {
    /// `None` unless `year` is within [`MIN_YEAR`]..=[`MAX_YEAR`] and `month` within 1..=12.
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=12).contains(&month))
            .then_some(Self { year, month })
    }

    /// The month a date falls in (a date in Vietnam, see [`crate::domain::clock::local_date`]).
    /// `None` for a year outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn of(date: NaiveDate) -> Option<Self> {
        let year = u16::try_from(date.year()).ok()?;
        let month = u8::try_from(date.month()).ok()?;
        Self::new(year, month)
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    /// The month as the number `yyyymm`, the key rollups are stored under.
    pub fn key(self) -> i32 {
        i32::from(self.year) * 100 + i32::from(self.month)
    }

    /// The month of a [`Self::key`].
    pub fn from_key(key: i32) -> Option<Self> {
        Self::new(
            u16::try_from(key / 100).ok()?,
            u8::try_from(key % 100).ok()?,
        )
    }

    /// The month after this one, if periods can still name it.
    pub fn next(self) -> Option<Self> {
        YearMonth::of(self.end())
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(i32::from(self.year), u32::from(self.month), 1)
            .unwrap_or(NaiveDate::MIN)
    }

    /// The first day of the next month (the end, exclusive).
    pub fn end(self) -> NaiveDate {
        let (year, month) = if self.month == 12 {
            (i32::from(self.year) + 1, 1)
        } else {
            (i32::from(self.year), u32::from(self.month) + 1)
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A year, a quarter or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Year(u16),
    Quarter { year: u16, quarter: u8 },
    Month(YearMonth),
}

/// Why a period was refused; the message is the reason to show the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("a period is a year (2026), a quarter (2026-Q3) or a month (2026-07)")]
    Format,
    #[error("the year must be four digits from {MIN_YEAR} to {MAX_YEAR}")]
    Year,
    #[error("a quarter is Q1, Q2, Q3 or Q4")]
    Quarter,
    #[error("a month is two digits from 01 to 12")]
    Month,
}

impl PeriodError {
    /// A stable code for the problem's `errors` entry.
    pub fn code(self) -> &'static str {
        match self {
            Self::Format => "format",
            Self::Year => "year",
            Self::Quarter => "quarter",
            Self::Month => "month",
        }
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn year(s: &str) -> Result<u16, PeriodError> {
    if !digits(s) {
        return Err(PeriodError::Format);
    }
    if s.len() != 4 {
        return Err(PeriodError::Year);
    }
    s.parse::<u16>()
        .ok()
        .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
        .ok_or(PeriodError::Year)
}

impl Period {
    /// Reads `YYYY`, `YYYY-Qn` or `YYYY-MM`, exactly (no spaces, an upper-case Q, two-digit
    /// months), so that each period has one spelling and one cache key.
    pub fn parse(s: &str) -> Result<Self, PeriodError> {
        let (year_part, rest) = match s.split_once('-') {
            Some((y, rest)) => (y, Some(rest)),
            None => (s, None),
        };
        let year = year(year_part)?;
        let Some(rest) = rest else {
            return Ok(Self::Year(year));
        };
        if let Some(q) = rest.strip_prefix('Q') {
            if !digits(q) {
                return Err(PeriodError::Format);
            }
            return match q {
                "1" | "2" | "3" | "4" => Ok(Self::Quarter {
                    year,
                    quarter: q.as_bytes()[0] - b'0',
                }),
                _ => Err(PeriodError::Quarter),
            };
        }
        if !digits(rest) {
            return Err(PeriodError::Format);
        }
        if rest.len() != 2 {
            return Err(PeriodError::Month);
        }
        let month = rest.parse::<u8>().map_err(|_| PeriodError::Month)?;
        YearMonth::new(year, month)
            .map(Self::Month)
            .ok_or(PeriodError::Month)
    }

    /// The months it covers, in order.
    pub fn months(self) -> Vec<YearMonth> {
        let (year, first, count) = match self {
            Self::Year(year) => (year, 1, 12),
            Self::Quarter { year, quarter } => (year, 3 * (quarter - 1) + 1, 3),
            Self::Month(month) => return vec![month],
        };
        (first..first + count)
            .filter_map(|month| YearMonth::new(year, month))
            .collect()
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        self.months()
            .first()
            .map_or(NaiveDate::MIN, |m| m.first_day())
    }

    /// The day after its last day (the end, exclusive).
    pub fn end(self) -> NaiveDate {
        self.months().last().map_or(NaiveDate::MIN, |m| m.end())
    }

    /// Whether a date (in Vietnam) falls in it.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date < self.end()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Year(year) => write!(f, "{year:04}"),
            Self::Quarter { year, quarter } => write!(f, "{year:04}-Q{quarter}"),
            Self::Month(month) => month.fmt(f),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn months(s: &str) -> Vec<String> {
        Period::parse(s)
            .unwrap()
            .months()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_year_a_quarter_a_month() {
        assert_eq!(Period::parse("2026"), Ok(Period::Year(2026)));
        assert_eq!(
            Period::parse("2026-Q3"),
            Ok(Period::Quarter {
                year: 2026,
                quarter: 3
            })
        );
        assert_eq!(
            Period::parse("2026-07"),
            Ok(Period::Month(YearMonth::new(2026, 7).unwrap()))
        );
        assert_eq!(months("2026-Q3"), ["2026-07", "2026-08", "2026-09"]);
        assert_eq!(months("2026-Q1"), ["2026-01", "2026-02", "2026-03"]);
        assert_eq!(months("2026-07"), ["2026-07"]);
        let year = months("2026");
        assert_eq!(year.len(), 12);
        assert_eq!(
            (year[0].as_str(), year[11].as_str()),
            ("2026-01", "2026-12")
        );
    }

    #[test]
    fn bounds() {
        let q4 = Period::parse("2026-Q4").unwrap();
        assert_eq!(
            q4.first_day(),
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
        );
        assert_eq!(q4.end(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert!(q4.contains(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()));
        assert!(!q4.contains(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        let feb = Period::parse("2028-02").unwrap();
        assert_eq!(feb.end(), NaiveDate::from_ymd_opt(2028, 3, 1).unwrap());
        assert_eq!(
            YearMonth::of(NaiveDate::from_ymd_opt(2026, 7, 31).unwrap()),
            YearMonth::new(2026, 7)
        );
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        use PeriodError::*;
        for (input, error) in [
            ("2026-13", Month),
            ("2026-00", Month),
            ("2026-7", Month),
            ("2026-007", Month),
            ("2026-Q5", Quarter),
            ("2026-Q0", Quarter),
            ("2026-Q12", Quarter),
            ("abc", Format),
            ("99999", Year),
            ("1999", Year),
            ("2100", Year),
            ("026", Year),
            ("", Format),
            ("2026-", Format),
            ("2026-Q", Format),
            ("2026-q3", Format),
            ("2026-Qx", Format),
            ("2026-07-01", Format),
            (" 2026", Format),
            ("2026 ", Format),
            ("+2026", Format),
            ("２０２６", Format),
            ("2026-Q3-1", Format),
            ("-2026", Format),
        ] {
            assert_eq!(Period::parse(input), Err(error), "{input:?}");
        }
        assert_eq!(
            Period::parse("2026-13").unwrap_err().to_string(),
            "a month is two digits from 01 to 12"
        );
        assert_eq!("x".parse::<Period>().unwrap_err().code(), "format");
    }

    proptest! {
        /// Any string is parsed or refused, never a panic; what parses prints back the same.
        #[test]
        fn never_panics_and_round_trips(s in ".{0,12}") {
            if let Ok(period) = Period::parse(&s) {
                prop_assert_eq!(period.to_string(), s);
            }
        }

        #[test]
        fn every_valid_period_round_trips(year in MIN_YEAR..=MAX_YEAR, n in 1u8..=12) {
            for text in [format!("{year}"), format!("{year}-Q{}", (n - 1) / 3 + 1), format!("{year}-{n:02}")] {
                let period = Period::parse(&text).unwrap();
                prop_assert_eq!(period.to_string(), text);
                let months = period.months();
                prop_assert!(!months.is_empty());
                prop_assert_eq!(months[0].first_day(), period.first_day());
                prop_assert_eq!(months[months.len() - 1].end(), period.end());
            }
        }
    }
}
