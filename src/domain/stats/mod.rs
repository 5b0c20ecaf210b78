//! Accountability statistics, the maths only (DESIGN §3.7): rates with Wilson intervals,
//! small-cell suppression, quantiles of working days, periods, and the metric definitions
//! with their PAPI mapping. No I/O: rollups (the db layer) feed it counts and histograms, and
//! the API serves what it returns.
//!
//! `docs/METRICS.md` is the single written place of the definitions and must agree with
//! [`metric`]; a test holds them together.

pub mod figures;
pub mod fold;
pub mod interval;
pub mod level;
pub mod metric;
pub mod period;
pub mod quantile;
pub mod ranking;
pub mod suppression;

pub use figures::{Count, Figure, Group, Totals, figure, is_hidden, parts_can_hide};
pub use fold::{Cell, Changes, Happening, Tally, Track};
pub use interval::{Rate, Z_95, distinguishable, wilson};
pub use level::Level;
pub use metric::{
    DEFINITIONS_VERSION, Definition, Definitions, Metric, MetricKind, Papi, Relation, answer_clock,
    first_step_clock,
};
pub use period::{Period, PeriodError, YearMonth};
pub use quantile::{Days, quantile, quantile_histogram};
pub use suppression::{Suppression, is_small, suppress, suppress_with, total_can_be_hidden};

/// Cells with 0 < n below this are published as null with `suppressed: true` (DESIGN §3.7:
/// default 5, configurable). Five is the common floor of official small-cell rules: below it,
/// a count in a commune can point at a person.
pub const SUPPRESSION_THRESHOLD: u64 = 5;

/// Rankings list only units whose n reaches this (DESIGN §3.7: default 30). At n = 30 a 95 %
/// interval is still about ±0.17 wide around a rate of 0.5; below it a rank is mostly noise.
pub const RANKING_FLOOR: u64 = 30;

/// The configured thresholds every published figure follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Cells with 0 < n below this are suppressed.
    pub suppression: u64,
    /// Rankings list only units whose n reaches this.
    pub ranking_floor: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            suppression: SUPPRESSION_THRESHOLD,
            ranking_floor: RANKING_FLOOR,
        }
    }
}
