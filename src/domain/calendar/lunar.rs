//! The Vietnamese lunar calendar (âm lịch), for the lunar public holidays of the Labor Code 2019
//! art. 112(1): Tết and Hùng Kings' day.
//!
//! Hồ Ngọc Đức's algorithm ("Thuật toán tính âm lịch"), ported from his published `amlich.js`:
//! months begin on the day of the new moon and the 11th month holds the winter solstice, both
//! reckoned at **UTC+7**. The Chinese calendar reckons at UTC+8, so the two differ in some years
//! (Tết 1985: 21 January in Vietnam, 20 February in China; Tết 2030: 2 February against
//! 3 February). The astronomy (Meeus, low precision) is good to the day for 1900–2199; outside
//! that range the functions answer `None`. A few new moons fall within a minute of midnight
//! (8 May 2054, 10 December 2072, 16 November 2077 at UTC+7), where published tables differ by
//! a day on the start of that month; none of them touches Tết or Hùng Kings' day.

use chrono::{Datelike, NaiveDate};

/// Vietnam's offset from UTC, in hours.
const TIME_ZONE: f64 = 7.0;
/// The years the conversion answers for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;
/// Julian day number of 0001-01-01 (proleptic Gregorian) minus one: `jdn = days_from_ce + this`.
const JDN_CE_OFFSET: i64 = 1_721_425;
/// Mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Julian day of the new moon of 1900-01-01, the origin of the lunation count `k`.
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LunarDate {
    /// The lunar year, named by the solar year in which it mostly falls (Tết 2026 opens 2026).
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// 1–30.
    pub day: u32,
    /// Whether the month is the leap (nhuận) month that repeats `month`.
    pub leap: bool,
}

/// The lunar date of a solar date; `None` outside [`YEARS`].
pub fn solar_to_lunar(date: NaiveDate) -> Option<LunarDate> {
    let yy = date.year();
    if !YEARS.contains(&yy) {
        return None;
    }
    let day_number = jdn(date);
    // The new moon on or before the day. The published code tries lunations k+1 then k, which
    // gives day 0 when a new moon falls just after midnight (7 May 2054): search instead.
    let mut k = floor((day_number as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH) + 1;
    while new_moon_day(k) > day_number {
        k -= 1;
    }
    while new_moon_day(k + 1) <= day_number {
        k += 1;
    }
    let month_start = new_moon_day(k);
    let mut a11 = lunar_month_11(yy);
    let mut b11 = a11;
    let mut lunar_year = yy;
    if a11 >= month_start {
        a11 = lunar_month_11(yy - 1);
    } else {
        lunar_year = yy + 1;
        b11 = lunar_month_11(yy + 1);
    }
    let day = day_number - month_start + 1;
    let diff = (month_start - a11).div_euclid(29);
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_month_diff = leap_month_offset(a11);
        if diff >= leap_month_diff {
            month = diff + 10;
            leap = diff == leap_month_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    Some(LunarDate {
        year: lunar_year,
        month: u32::try_from(month).ok()?,
        day: u32::try_from(day).ok()?,
        leap,
    })
}

/// The solar date of a lunar date; `None` when that date does not exist (no such leap month,
/// a 30th day in a 29-day month) or lies outside [`YEARS`].
pub fn lunar_to_solar(
    lunar_year: i32,
    lunar_month: u32,
    lunar_day: u32,
    leap: bool,
) -> Option<NaiveDate> {
    if !YEARS.contains(&lunar_year)
        || !(1..=12).contains(&lunar_month)
        || !(1..=30).contains(&lunar_day)
    {
        return None;
    }
    let (a11, b11) = if lunar_month < 11 {
        (lunar_month_11(lunar_year - 1), lunar_month_11(lunar_year))
    } else {
        (lunar_month_11(lunar_year), lunar_month_11(lunar_year + 1))
    };
    let k = floor(0.5 + (a11 as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH);
    let month = i64::from(lunar_month);
    let mut off = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let leap_month = (leap_off - 2).rem_euclid(12);
        if leap && month != leap_month {
            return None;
        }
        if leap || off >= leap_off {
            off += 1;
        }
    } else if leap {
        return None;
    }
    let month_start = new_moon_day(k + off);
    let month_length = new_moon_day(k + off + 1) - month_start;
    if i64::from(lunar_day) > month_length {
        return None;
    }
    from_jdn(month_start + i64::from(lunar_day) - 1)
}

/// Julian day number of a date (noon-based, so one integer per civil day).
fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_CE_OFFSET
}

fn from_jdn(jdn: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jdn - JDN_CE_OFFSET).ok()?)
}

/// Julian day number of 31 December of a (proleptic Gregorian) year, without a date type.
fn jdn_of_december_31(year: i32) -> i64 {
    // Fliegel–Van Flandern with month = 12, day = 31 (so a = 0, m = 9).
    let y = i64::from(year) + 4800;
    31 + (153 * 9 + 2) / 5 + 365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)
        - 32_045
}

fn floor(x: f64) -> i64 {
    // The values here are Julian days and lunation counts: far inside i64.
    x.floor() as i64
}

/// The day (Julian day number, at UTC+7) of the `k`-th new moon after 1900-01-01.
fn new_moon_day(k: i64) -> i64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries from 1900 January 0.5
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = std::f64::consts::PI / 180.0;
    let sin = |degrees: f64| (degrees * dr).sin();
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * sin(166.56 + 132.87 * t - 0.009_173 * t2); // mean new moon
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3; // Sun's mean anomaly
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3; // Moon's mean anomaly
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3; // Moon's argument of latitude
    let mut c1 = (0.1734 - 0.000_393 * t) * sin(m) + 0.0021 * sin(2.0 * m);
    c1 = c1 - 0.4068 * sin(mpr) + 0.0161 * sin(2.0 * mpr);
    c1 -= 0.0004 * sin(3.0 * mpr);
    c1 = c1 + 0.0104 * sin(2.0 * f) - 0.0051 * sin(m + mpr);
    c1 = c1 - 0.0074 * sin(m - mpr) + 0.0004 * sin(2.0 * f + m);
    c1 = c1 - 0.0004 * sin(2.0 * f - m) - 0.0006 * sin(2.0 * f + mpr);
    c1 = c1 + 0.0010 * sin(2.0 * f - mpr) + 0.0005 * sin(2.0 * mpr + m);
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    let jd_new = jd1 + c1 - delta_t;
    floor(jd_new + 0.5 + TIME_ZONE / 24.0)
}

/// The sector (0–11, 30° each) of the Sun's longitude at local midnight starting day `jdn`:
/// which major solar term (trung khí) the day lies in.
fn sun_longitude(jdn: i64) -> i64 {
    let t = (jdn as f64 - 2_451_545.5 - TIME_ZONE / 24.0) / 36_525.0; // from 2000-01-01 12:00 UT
    let t2 = t * t;
    let dr = std::f64::consts::PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2; // mean anomaly
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2; // mean longitude
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let two_pi = std::f64::consts::PI * 2.0;
    let mut l = (l0 + dl) * dr; // true longitude, radians
    l -= two_pi * (l / two_pi).floor();
    floor(l / std::f64::consts::PI * 6.0)
}

/// The first day of the 11th lunar month (the month of the winter solstice) of solar year `yy`.
fn lunar_month_11(yy: i32) -> i64 {
    let off = jdn_of_december_31(yy) - 2_415_021;
    let k = floor(off as f64 / SYNODIC_MONTH);
    let nm = new_moon_day(k);
    if sun_longitude(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// In a 13-month year starting with month 11 at `a11`, the offset from month 11 of the leap
/// month: the first month that holds no major solar term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = floor((a11 as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5);
    let mut i = 1;
    let mut arc = sun_longitude(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_longitude(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn tet_follows_the_vietnamese_not_the_chinese_calendar() {
        assert_eq!(lunar_to_solar(2030, 1, 1, false), Some(date(2030, 2, 2)));
        assert_eq!(lunar_to_solar(1985, 1, 1, false), Some(date(1985, 1, 21)));
        assert_eq!(lunar_to_solar(2007, 1, 1, false), Some(date(2007, 2, 17)));
        assert_eq!(lunar_to_solar(2026, 1, 1, false), Some(date(2026, 2, 17)));
        assert_eq!(lunar_to_solar(2025, 1, 1, false), Some(date(2025, 1, 29)));
    }

    /// Tết (lunar 1/1) and Hùng Kings' day (lunar 10/3), 1990–2100, from an independent
    /// implementation: the PyPI package `vnlunar` 1.0.5, which looks dates up in Hồ Ngọc Đức's
    /// published TK20–TK22 tables (and agrees with its own UTC+7 computation for these days).
    const TABLE: &str = include_str!("testdata/tet_hung_kings_1990_2100.csv");

    #[test]
    fn tet_and_hung_kings_day_match_an_independent_table() {
        let mut years = Vec::new();
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let fields: Vec<&str> = line.split(',').collect();
            let year: i32 = fields[0].parse().unwrap();
            let tet: NaiveDate = fields[1].parse().unwrap();
            let hung_kings: NaiveDate = fields[2].parse().unwrap();
            assert_eq!(lunar_to_solar(year, 1, 1, false), Some(tet), "Tết {year}");
            assert_eq!(
                lunar_to_solar(year, 3, 10, false),
                Some(hung_kings),
                "Hùng Kings {year}"
            );
            let lunar = LunarDate {
                year,
                month: 1,
                day: 1,
                leap: false,
            };
            assert_eq!(solar_to_lunar(tet), Some(lunar));
            years.push(year);
        }
        assert_eq!(years, (1990..=2100).collect::<Vec<_>>());
        assert!((2000..=2060).all(|y| years.contains(&y)));
    }

    #[test]
    fn known_lunar_dates() {
        assert_eq!(
            solar_to_lunar(date(2026, 2, 16)),
            Some(LunarDate {
                year: 2025,
                month: 12,
                day: 29,
                leap: false
            })
        );
        // 2023 had a leap 2nd month (tháng 2 nhuận): 22 March 2023 is its first day.
        assert_eq!(
            solar_to_lunar(date(2023, 3, 22)),
            Some(LunarDate {
                year: 2023,
                month: 2,
                day: 1,
                leap: true
            })
        );
        assert_eq!(lunar_to_solar(2023, 2, 1, true), Some(date(2023, 3, 22)));
        assert_eq!(
            lunar_to_solar(2023, 3, 1, true),
            None,
            "no leap 3rd month in 2023"
        );
        assert_eq!(lunar_to_solar(2026, 1, 31, false), None);
        assert_eq!(lunar_to_solar(2026, 13, 1, false), None);
        assert_eq!(lunar_to_solar(2026, 1, 0, false), None);
        assert_eq!(lunar_to_solar(1800, 1, 1, false), None);
        assert_eq!(solar_to_lunar(date(2300, 1, 1)), None);
    }

    #[test]
    fn every_day_from_1990_to_2100_round_trips() {
        let mut previous: Option<LunarDate> = None;
        for d in date(1990, 1, 1)
            .iter_days()
            .take_while(|d| d.year() <= 2100)
        {
            let lunar = solar_to_lunar(d).unwrap();
            assert_eq!(
                lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap),
                Some(d),
                "{d}: {lunar:?}"
            );
            if let Some(p) = previous {
                // Each day follows the previous one: next day of the month, or day 1.
                assert!(
                    lunar.day == p.day + 1 || (lunar.day == 1 && (29..=30).contains(&p.day)),
                    "{d}: {p:?} → {lunar:?}"
                );
            }
            previous = Some(lunar);
        }
    }
}
