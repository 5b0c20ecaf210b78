//! From summed rollups to published figures: which number each metric reads, and whether it
//! may be shown (DESIGN §3.7). The suppression rules themselves are in
//! [`super::suppression`]; this module says what the groups are.
//!
//! A figure of a unit is hidden when its own count is small, or when some published group it
//! belongs to needs it hidden:
//! - its **siblings**: the units that make up the same parent (the communes and province-level
//!   offices of a province, the offices of a commune, the provinces of the nation), whose
//!   parent figure is published too;
//! - its **children**, where it is itself the total;
//! - the **kinds** and the **categories** of the same unit (the breakdowns a reader can ask
//!   for), where the all-kinds or all-categories figure is the total.
//!
//! For a rate or a quantile the count is its n: a small n is as telling as a small count.

use serde::Serialize;
use utoipa::ToSchema;

use super::fold::Tally;
use super::interval::Rate;
use super::metric::{Metric, MetricKind};
use super::quantile::Days;
use super::suppression::{is_small, suppress, total_can_be_hidden};

/// A unit's counters summed over a period, with its overdue petitions at the period's end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub tally: Tally,
    pub overdue_open: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Totals {
    /// The count behind a metric: the count itself, or a rate's or a quantile's n.
    pub fn base(&self, metric: Metric) -> u64 {
        let t = &self.tally;
        count(match metric {
            Metric::Received => t.received,
            Metric::Accepted => t.accepted,
            Metric::Rejected => t.rejected,
            Metric::TransferredOut => t.transferred_out,
            Metric::Withdrawn => t.withdrawn,
            Metric::Answered
            | Metric::RatingRate
            | Metric::OnlineAnswerRate
            | Metric::MedianDaysToAnswer
            | Metric::P90DaysToAnswer => t.answered,
            Metric::AnsweredOnTime => t.answered_on_time,
            Metric::OverdueOpen => self.overdue_open,
            Metric::ResponseRate | Metric::OnTimeRate => t.due,
            Metric::AckOnTimeRate => t.ack_due,
            Metric::SatisfactionRate => t.rated,
            Metric::SupervisionFiled => t.supervision_filed,
            Metric::SupervisionAnswered | Metric::SupervisionOnTimeRate => t.supervision_answered,
        })
    }

    /// A rate's numerator; zero for other metrics.
    pub fn successes(&self, metric: Metric) -> u64 {
        let t = &self.tally;
        count(match metric {
            Metric::ResponseRate => t.due_answered,
            Metric::OnTimeRate => t.due_on_time,
            Metric::AckOnTimeRate => t.ack_on_time,
            Metric::SatisfactionRate => t.satisfied,
            Metric::RatingRate => t.rated,
            Metric::OnlineAnswerRate => t.answered_online,
            Metric::SupervisionOnTimeRate => t.supervision_on_time,
            _ => 0,
        })
    }

    pub fn add(&mut self, other: &Self) {
        self.tally.add(&other.tally);
        self.overdue_open += other.overdue_open;
    }
}

/// Cells published side by side that add up to a published total.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    pub members: Vec<Totals>,
    /// The unit's place among the members; `None` when the unit is the group's total.
    pub own: Option<usize>,
}

/// Whether a group of at most `members` parts, with the unit as their total, could hide any
/// of the unit's figures (see [`total_can_be_hidden`]). When it cannot, the group
/// changes nothing and need not be read.
pub fn parts_can_hide(own: &Totals, members: usize, threshold: u64) -> bool {
    Metric::ALL
        .into_iter()
        .any(|metric| total_can_be_hidden(own.base(metric), members, threshold))
}

/// Whether `metric` of a unit with `own` totals must be published as suppressed.
pub fn is_hidden(metric: Metric, own: &Totals, groups: &[Group], threshold: u64) -> bool {
    if is_small(own.base(metric), threshold) {
        return true;
    }
    groups.iter().any(|group| {
        let cells: Vec<u64> = group.members.iter().map(|m| m.base(metric)).collect();
        let outcome = suppress(&cells, threshold);
        match group.own {
            Some(i) => outcome.cells.get(i).copied().unwrap_or(false),
            None => outcome.total,
        }
    })
}

/// A published count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Count {
    /// Null when suppressed.
    pub value: Option<u64>,
    pub suppressed: bool,
}

/// A metric's published figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Count(Count),
    Rate(Rate),
    Days(Days),
}

/// The figure of `metric` for a unit, hidden when [`is_hidden`] said so. `histogram` (working
/// days → answers) is read only by the quantiles.
pub fn figure(
    metric: Metric,
    own: &Totals,
    histogram: &[(u32, u64)],
    hidden: bool,
    threshold: u64,
) -> Figure {
    match metric.kind() {
        MetricKind::Count => Figure::Count(Count {
            value: (!hidden).then(|| own.base(metric)),
            suppressed: hidden,
        }),
        MetricKind::Rate if hidden => Figure::Rate(Rate::withheld()),
        MetricKind::Rate => {
            Figure::Rate(Rate::of(own.successes(metric), own.base(metric), threshold))
        }
        MetricKind::Days if hidden => Figure::Days(Days::withheld()),
        MetricKind::Days => Figure::Days(Days::of_histogram(
            histogram,
            metric.quantile().unwrap_or(0.5),
            threshold,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(n: i64) -> Totals {
        Totals {
            tally: Tally {
                received: n,
                ..Tally::default()
            },
            overdue_open: 0,
        }
    }

    #[test]
    fn a_small_count_is_hidden_and_so_is_the_sibling_that_would_give_it_away() {
        let siblings = |own| Group {
            members: vec![received(3), received(40), received(12)],
            own: Some(own),
        };
        assert!(is_hidden(Metric::Received, &received(3), &[siblings(0)], 5));
        // 12 is the smallest published sibling: hidden with the 3.
        assert!(is_hidden(
            Metric::Received,
            &received(12),
            &[siblings(2)],
            5
        ));
        assert!(!is_hidden(
            Metric::Received,
            &received(40),
            &[siblings(1)],
            5
        ));
        // Zeros are published.
        assert!(!is_hidden(Metric::Received, &received(0), &[], 5));
    }

    #[test]
    fn a_total_made_only_of_tiny_cells_is_hidden() {
        let children = Group {
            members: vec![received(2), received(3)],
            own: None,
        };
        assert!(is_hidden(Metric::Received, &received(5), &[children], 5));
    }

    #[test]
    fn a_rate_is_hidden_by_its_n_and_computed_otherwise() {
        let mut own = Totals::default();
        own.tally.rated = 5;
        own.tally.satisfied = 3;
        match figure(Metric::SatisfactionRate, &own, &[], false, 5) {
            Figure::Rate(rate) => {
                assert_eq!(rate.n, Some(5));
                assert!((rate.ci_low.unwrap() - 0.231).abs() < 0.001);
                assert!((rate.ci_high.unwrap() - 0.882).abs() < 0.001);
            }
            other => panic!("{other:?}"),
        }
        own.tally.rated = 4;
        assert!(is_hidden(Metric::SatisfactionRate, &own, &[], 5));
        assert_eq!(
            figure(Metric::SatisfactionRate, &own, &[], true, 5),
            Figure::Rate(Rate::withheld())
        );
    }
}
