//! The vocabulary of the calendar: special days, where they come from, why a day is not worked.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a special day comes from. Admin changes beat official data, which beats the rules.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed from the Labor Code 2019 (art. 111(3), 112): provisional until the government decides.
    Rule,
    /// Shipped from the Prime Minister's decision for the year.
    Official,
    /// Entered by an administrator (a later decision, a local day off).
    Admin,
}

/// What a change makes of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Not a working day (a holiday, a compensatory or swapped day off).
    Holiday,
    /// A working day, also on a weekend (a make-up Saturday, ngày làm bù).
    Working,
}

/// An administrator's change to the calendar, as stored; later changes win.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct DayChange {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// Shown to users as given (both in Vietnamese and in English views).
    pub name: String,
    /// Every year from `date`'s on, on the same day and month: a holiday the law adds from a
    /// year (24 November, Vietnamese Culture Day), or, as `working`, a recurring holiday that
    /// ends (its weekends stay weekends). Absent from changes of one day, so that their
    /// events hash as before.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recurring: bool,
}

impl DayChange {
    /// The days the change covers, up to the last year the calendar knows: `date` alone, or
    /// the same day and month each year from it (a 29 February only in leap years).
    pub fn days(&self, last_year: i32) -> Vec<NaiveDate> {
        use chrono::Datelike;
        if !self.recurring {
            return vec![self.date];
        }
        (self.date.year()..=last_year)
            .filter_map(|year| NaiveDate::from_ymd_opt(year, self.date.month(), self.date.day()))
            .collect()
    }
}

/// A day that differs from the plain Monday–Friday week, with its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct SpecialDay {
    pub date: NaiveDate,
    /// E.g. "Tết Nguyên Đán".
    pub name_vi: String,
    /// E.g. "Lunar New Year".
    pub name_en: String,
    pub source: Source,
}

/// A day of the weekly rest (Labor Code 2019 art. 111; civil servants rest Saturday and Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WeekendDay {
    Saturday,
    Sunday,
}

/// Why a day is not a working day. A holiday that falls on a weekend is given as the holiday.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DayReason {
    Weekend {
        day: WeekendDay,
    },
    Holiday {
        name_vi: String,
        name_en: String,
        source: Source,
    },
}

impl DayReason {
    /// The reason in Vietnamese, for people.
    pub fn name_vi(&self) -> &str {
        match self {
            Self::Weekend {
                day: WeekendDay::Saturday,
            } => "Thứ Bảy",
            Self::Weekend {
                day: WeekendDay::Sunday,
            } => "Chủ nhật",
            Self::Holiday { name_vi, .. } => name_vi,
        }
    }

    /// The reason in English, for people.
    pub fn name_en(&self) -> &str {
        match self {
            Self::Weekend {
                day: WeekendDay::Saturday,
            } => "Saturday",
            Self::Weekend {
                day: WeekendDay::Sunday,
            } => "Sunday",
            Self::Holiday { name_en, .. } => name_en,
        }
    }

    pub(super) fn holiday(day: &SpecialDay) -> Self {
        Self::Holiday {
            name_vi: day.name_vi.clone(),
            name_en: day.name_en.clone(),
            source: day.source,
        }
    }
}

/// Saturday or Sunday.
pub(super) fn weekend_day(date: NaiveDate) -> Option<WeekendDay> {
    use chrono::{Datelike, Weekday};
    match date.weekday() {
        Weekday::Sat => Some(WeekendDay::Saturday),
        Weekday::Sun => Some(WeekendDay::Sunday),
        _ => None,
    }
}

pub(super) fn is_weekend(date: NaiveDate) -> bool {
    weekend_day(date).is_some()
}
