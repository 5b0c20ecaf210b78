//! The service's one source of the current time.
//!
//! Nothing outside this module reads the system clock for a business purpose: the app, the
//! jobs and the command line are built with a [`Clock`], and every use case is handed the
//! instant it runs at. Production uses [`Clock::system`]; tests and the demo set the time, so
//! that no test depends on the day it runs (the suite passes with the machine's clock years
//! ahead).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use chrono::{DateTime, Duration, SubsecRound, Utc};

/// Where the time comes from: cheap to clone, shared by everything one app was built with.
#[derive(Clone)]
pub struct Clock(Arc<Source>);

enum Source {
    System,
    /// Starts at `origin` and runs at the real rate, plus whatever [`Clock::advance`] added.
    Set {
        origin: DateTime<Utc>,
        started: Instant,
        skew_micros: AtomicI64,
    },
}

impl Clock {
    /// The machine's clock.
    pub fn system() -> Self {
        Self(Arc::new(Source::System))
    }

    /// A clock that reads `origin` now and runs on from there at the real rate: times taken
    /// one after another still come in order, and a test's "now" is the same whatever the
    /// date on the machine.
    pub fn starting_at(origin: DateTime<Utc>) -> Self {
        Self(Arc::new(Source::Set {
            origin,
            started: Instant::now(),
            skew_micros: AtomicI64::new(0),
        }))
    }

    /// The current instant at the precision both backends store, microseconds, so that what a
    /// request answers and what a later read shows are the same on SQLite and PostgreSQL.
    pub fn now(&self) -> DateTime<Utc> {
        let now = match &*self.0 {
            Source::System => Utc::now(),
            Source::Set {
                origin,
                started,
                skew_micros,
            } => {
                let elapsed = Duration::from_std(started.elapsed()).unwrap_or(Duration::MAX);
                *origin + elapsed + Duration::microseconds(skew_micros.load(Ordering::Relaxed))
            }
        };
        now.trunc_subsecs(6)
    }

    /// Moves a set clock on (a test jumping ten days ahead). The system clock cannot be
    /// moved: asking is a programming error, reported as `false`.
    pub fn advance(&self, by: Duration) -> bool {
        match &*self.0 {
            Source::System => false,
            Source::Set { skew_micros, .. } => {
                let micros = by.num_microseconds().unwrap_or(i64::MAX);
                skew_micros.fetch_add(micros, Ordering::Relaxed);
                true
            }
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.0 {
            Source::System => f.write_str("Clock::system"),
            Source::Set { .. } => write!(f, "Clock::set({})", self.now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn a_set_clock_starts_where_it_is_set_and_runs_forward() {
        let clock = Clock::starting_at(at("2030-01-01T00:00:00Z"));
        let first = clock.now();
        let second = clock.now();
        assert!(first >= at("2030-01-01T00:00:00Z"));
        assert!(first < at("2030-01-01T00:01:00Z"));
        assert!(second >= first);
    }

    #[test]
    fn a_set_clock_moves_on_when_advanced_and_clones_share_it() {
        let clock = Clock::starting_at(at("2030-01-01T00:00:00Z"));
        let shared = clock.clone();
        assert!(clock.advance(Duration::days(10)));
        assert!(shared.now() >= at("2030-01-11T00:00:00Z"));
        assert!(shared.now() < at("2030-01-11T00:01:00Z"));
    }

    #[test]
    fn the_system_clock_cannot_be_moved_and_reads_microseconds() {
        let clock = Clock::system();
        assert!(!clock.advance(Duration::days(1)));
        assert_eq!(clock.now().timestamp_subsec_nanos() % 1_000, 0);
    }
}
