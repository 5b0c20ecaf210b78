//! Deadline computations per second (docs/PERFORMANCE.md, "The legal clock").
//!
//! ```sh
//! cargo bench --bench deadlines
//! ```
//!
//! Counts how many due dates a thread computes per second for 10-working-day and 30-calendar-day
//! periods starting on each day of 2025–2027, with three calendars: the plain Monday–Friday week
//! (`WeekdayCalendar`, the baseline: no holidays at all), Vietnam's calendar
//! (`VietnamCalendar`, holidays, Tết, swapped days, admin changes), and the full explanation
//! (`calendar::explain`, which also lists every day counted and skipped). Prints each rate and
//! its ratio to the baseline measured in the same run.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use tiengdan::domain::calendar::{self, VietnamCalendar};
use tiengdan::domain::clock::{self, Calendar, DayType, WeekdayCalendar};

const RUN: Duration = Duration::from_secs(2);

fn starts() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();
    (0..3 * 365).map(|i| first + Days::new(i)).collect()
}

/// Computations per second of `work` over `starts`, repeated for `RUN`.
fn rate(starts: &[NaiveDate], mut work: impl FnMut(NaiveDate) -> NaiveDate) -> f64 {
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed() < RUN {
        for &start in starts {
            black_box(work(black_box(start)));
        }
        done += starts.len() as u64;
    }
    done as f64 / started.elapsed().as_secs_f64()
}

fn due(calendar: &impl Calendar, start: NaiveDate, days: u32, day_type: DayType) -> NaiveDate {
    clock::due_date(calendar, start, days, day_type)
}

fn main() {
    let starts = starts();
    let vietnam = VietnamCalendar::default();
    for (days, day_type) in [(10, DayType::Working), (30, DayType::Calendar)] {
        let baseline = rate(&starts, |s| due(&WeekdayCalendar, s, days, day_type));
        let ours = rate(&starts, |s| due(&vietnam, s, days, day_type));
        let explained = rate(&starts, |s| {
            calendar::explain(&vietnam, s, days, day_type).map_or(s, |e| e.due_date)
        });
        println!("{days} {day_type:?} days:");
        println!("  weekdays only (baseline)  {baseline:>14.0} /s");
        println!(
            "  VietnamCalendar           {ours:>14.0} /s  ratio {:.2}",
            ours / baseline
        );
        println!(
            "  explain                   {explained:>14.0} /s  ratio {:.3}",
            explained / baseline
        );
    }
}
