//! Rankings (DESIGN §3.7: "rankings only where n reaches a floor"): which units may be ranked
//! by a metric, and their order, with whether each can be told apart from the one before.

use std::collections::HashMap;

use super::Thresholds;
use super::figures::{Figure, Group, Totals, figure, is_hidden};
use super::interval::{Rate, distinguishable};
use super::metric::{Metric, MetricKind};

/// A unit that may appear in a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    pub totals: Totals,
}

/// A unit's place.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// 1 + the number of units strictly better.
    pub rank: u32,
    pub code: String,
    pub name: String,
    /// For days, the quantile with its n and no interval.
    pub rate: Rate,
    /// Whether its interval does not overlap the one of the unit before it; `None` for the
    /// first and for days.
    pub distinct_from_previous: Option<bool>,
}

/// The candidates (by index) whose n reaches the floor and whom suppression among them does
/// not hide.
pub fn eligible(candidates: &[Candidate], metric: Metric, thresholds: Thresholds) -> Vec<usize> {
    let all: Vec<Totals> = candidates.iter().map(|c| c.totals).collect();
    (0..candidates.len())
        .filter(|&i| {
            let own = &all[i];
            let siblings = Group {
                members: all.clone(),
                own: Some(i),
            };
            own.base(metric) >= thresholds.ranking_floor.max(1)
                && !is_hidden(metric, own, &[siblings], thresholds.suppression)
        })
        .collect()
}

/// Ranks the eligible candidates by a rate (highest first) or a days metric (fewest first;
/// `histograms` by candidate index, working days → answers). Ties share a rank.
pub fn rank(
    candidates: &[Candidate],
    histograms: &HashMap<usize, Vec<(u32, u64)>>,
    metric: Metric,
    thresholds: Thresholds,
) -> Vec<Ranked> {
    let days = metric.kind() == MetricKind::Days;
    let mut listed: Vec<(&Candidate, Rate)> = eligible(candidates, metric, thresholds)
        .into_iter()
        .filter_map(|i| {
            let c = &candidates[i];
            let rate = if days {
                let histogram = histograms.get(&i).map_or(&[][..], Vec::as_slice);
                match figure(metric, &c.totals, histogram, false, thresholds.suppression) {
                    Figure::Days(d) => Rate {
                        value: d.value,
                        n: d.n,
                        ci_low: None,
                        ci_high: None,
                        suppressed: d.suppressed,
                    },
                    _ => return None,
                }
            } else {
                Rate::of(
                    c.totals.successes(metric),
                    c.totals.base(metric),
                    thresholds.suppression,
                )
            };
            (rate.value.is_some() && !rate.suppressed).then_some((c, rate))
        })
        .collect();
    let key = |r: &Rate| {
        let v = r.value.unwrap_or(0.0);
        if days { v } else { -v }
    };
    listed.sort_by(|a, b| {
        key(&a.1)
            .total_cmp(&key(&b.1))
            .then_with(|| a.0.code.cmp(&b.0.code))
    });
    listed
        .iter()
        .enumerate()
        .map(|(i, (c, rate))| Ranked {
            rank: u32::try_from(listed.iter().filter(|o| key(&o.1) < key(rate)).count() + 1)
                .unwrap_or(u32::MAX),
            code: c.code.clone(),
            name: c.name.clone(),
            rate: *rate,
            distinct_from_previous: match i {
                _ if days => None,
                0 => None,
                _ => Some(distinguishable(&listed[i - 1].1, rate)),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stats::Tally;
    use proptest::prelude::*;

    fn rated(code: &str, satisfied: i64, rated: i64) -> Candidate {
        Candidate {
            code: code.into(),
            name: code.into(),
            totals: Totals {
                tally: Tally {
                    rated,
                    satisfied,
                    ..Tally::default()
                },
                overdue_open: 0,
            },
        }
    }

    const FLOOR_30: Thresholds = Thresholds {
        suppression: 5,
        ranking_floor: 30,
    };

    #[test]
    fn only_units_at_the_floor_are_ranked_best_first_with_ties_sharing_a_rank() {
        let candidates = [
            rated("a", 20, 40),
            rated("b", 29, 29),
            rated("c", 36, 40),
            rated("d", 20, 40),
        ];
        let ranked = rank(
            &candidates,
            &HashMap::new(),
            Metric::SatisfactionRate,
            FLOOR_30,
        );
        let order: Vec<(&str, u32)> = ranked.iter().map(|r| (r.code.as_str(), r.rank)).collect();
        assert_eq!(order, vec![("c", 1), ("a", 2), ("d", 2)]);
        assert_eq!(ranked[0].distinct_from_previous, None);
        // 0.9 against 0.5 over 40 each: the intervals do not overlap.
        assert_eq!(ranked[1].distinct_from_previous, Some(true));
        assert_eq!(ranked[2].distinct_from_previous, Some(false));
    }

    #[test]
    fn days_rank_fewest_first_without_intervals() {
        let answered = |code: &str| {
            let mut c = rated(code, 0, 0);
            c.totals.tally.answered = 30;
            c
        };
        let candidates = [answered("slow"), answered("fast")];
        let histograms = HashMap::from([(0, vec![(20, 30)]), (1, vec![(3, 30)])]);
        let ranked = rank(
            &candidates,
            &histograms,
            Metric::MedianDaysToAnswer,
            FLOOR_30,
        );
        assert_eq!(ranked[0].code, "fast");
        assert_eq!(ranked[1].distinct_from_previous, None);
        assert_eq!(ranked[1].rate.ci_low, None);
    }

    proptest! {
        /// Every ranked unit reaches the floor, and ranks never decrease down the list.
        #[test]
        fn ranks_follow_the_list(cells in prop::collection::vec((0i64..80, 0i64..80), 0..12)) {
            let candidates: Vec<Candidate> = cells
                .iter()
                .enumerate()
                .map(|(i, (s, extra))| rated(&format!("{i:02}"), *s, s + extra))
                .collect();
            let ranked = rank(&candidates, &HashMap::new(), Metric::SatisfactionRate, FLOOR_30);
            for pair in ranked.windows(2) {
                prop_assert!(pair[0].rank <= pair[1].rank);
                prop_assert!(pair[0].rate.value >= pair[1].rate.value);
            }
            for r in &ranked {
                prop_assert!(r.rate.n.unwrap_or(0) >= 30);
            }
        }
    }
}
