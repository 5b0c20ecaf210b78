//! Small-cell suppression of counts (DESIGN §3.7: "a cell with n below a threshold is
//! suppressed … with complementary suppression so that a suppressed cell cannot be recovered
//! from a total").
//!
//! A count of 1 to 4 petitions in a commune, for one kind and one month, can point at a
//! person: in a commune of a few thousand people, "one denunciation about land" is often
//! enough to guess who wrote it, and the Law on Denunciations 25/2018/QH14 requires a
//! denouncer's identity to be kept confidential. So such counts are not published.
//!
//! **Primary suppression** hides every cell with 0 < count < threshold. **Zeros are
//! published**: a zero says nothing about any person, and it is often the accountability fact
//! itself (no petition overdue, no denunciation answered). This is the usual small-cell rule of
//! statistical offices (suppress 1 to threshold − 1, show 0). Its consequence is that a reader
//! knows every suppressed cell holds at least 1, and the complementary rule below accounts
//! for that.
//!
//! **Complementary suppression** works on a *group*: sibling cells that add up to a published
//! total (counts by kind within a commune, communes within a province). Hiding one cell alone
//! is useless, since it equals the total minus the others. Hiding two cells of 1 each is
//! useless too: the reader knows their sum is 2 and each is at least 1. The group is
//! protected when either nothing is hidden, or at least two cells are hidden and their sum S
//! leaves each of them room to hold the threshold or more: S − (k − 1) ≥ threshold for k
//! hidden cells (each of the others holding at least 1). Until that holds, the smallest
//! published non-zero cell is hidden too (ties: the first). If every non-zero cell is hidden
//! and the group is still not protected (all its petitions are in a few tiny cells), the
//! **total must be suppressed as well**, which the caller then treats as a forced cell of the
//! parent group ([`suppress_with`]).
//!
//! Scope: this protects one group against subtraction and the non-negativity of counts. It
//! does not audit linked tables (the same petitions counted by kind and by category); the
//! caller suppresses each published breakdown as its own group and passes hidden totals up.

/// Which cells of a group to publish as null, and whether the group's total must be too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// One flag per cell, in the order given: `true` = publish as null, `suppressed: true`.
    pub cells: Vec<bool>,
    /// The total cannot be published without revealing a small cell: suppress it too (and,
    /// if it is a cell of a parent group, pass it to that group as forced).
    pub total: bool,
}

impl Suppression {
    /// How many cells are hidden.
    pub fn hidden(&self) -> usize {
        self.cells.iter().filter(|hidden| **hidden).count()
    }
}

/// Whether a count is small enough to be hidden by itself: 0 < count < threshold.
pub fn is_small(count: u64, threshold: u64) -> bool {
    count > 0 && count < threshold
}

/// Primary and complementary suppression of a group of sibling `cells` whose sum is the
/// group's total. See the module documentation for the rules.
pub fn suppress(cells: &[u64], threshold: u64) -> Suppression {
    suppress_with(cells, &[], threshold)
}

/// [`suppress`], with some cells hidden whatever their count (`forced[i]`; missing entries
/// are `false`): a cell that is itself the total of a group that had to hide its total.
pub fn suppress_with(cells: &[u64], forced: &[bool], threshold: u64) -> Suppression {
    let mut hidden: Vec<bool> = cells
        .iter()
        .enumerate()
        .map(|(i, &count)| is_small(count, threshold) || forced.get(i).copied().unwrap_or(false))
        .collect();
    while !protected(cells, &hidden, threshold) {
        let next = cells
            .iter()
            .enumerate()
            .filter(|&(i, &count)| !hidden[i] && count > 0)
            .min_by_key(|&(i, &count)| (count, i))
            .map(|(i, _)| i);
        match next {
            Some(i) => hidden[i] = true,
            None => {
                // Every non-zero cell is hidden and still the total would give them away.
                // Never leave a single hidden cell beside published ones: hide a zero too, so
                // the group does not point at the one cell that holds everything.
                if hidden.iter().filter(|h| **h).count() == 1
                    && let Some(zero) = hidden.iter().position(|h| !*h)
                {
                    hidden[zero] = true;
                }
                return Suppression {
                    cells: hidden,
                    total: true,
                };
            }
        }
    }
    Suppression {
        cells: hidden,
        total: false,
    }
}

/// Whether [`suppress`] can hide the total of a group of at most `cells` cells that add up
/// to `total`. It hides the total only once every non-zero cell is hidden and the group is
/// still unprotected: k non-zero cells with `total − (k − 1) < threshold`, so k ≥
/// `total − threshold + 2`, and k ≤ `cells`. When this is `false`, no cell values can make
/// the total hidden, and a caller that needs only the total's fate need not read the cells.
pub fn total_can_be_hidden(total: u64, cells: usize, threshold: u64) -> bool {
    let cells = u64::try_from(cells).unwrap_or(u64::MAX);
    total > 0 && total.saturating_add(2) <= cells.saturating_add(threshold)
}

/// No hidden cell can be recovered, or pinned below the threshold, from the published cells
/// and total, given that a hidden cell holds at least 1.
fn protected(cells: &[u64], hidden: &[bool], threshold: u64) -> bool {
    let (k, sum) = cells
        .iter()
        .zip(hidden)
        .filter(|(_, h)| **h)
        .fold((0u64, 0u64), |(k, sum), (count, _)| {
            (k + 1, sum.saturating_add(*count))
        });
    k == 0 || (k >= 2 && sum - (k - 1).min(sum) >= threshold)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn flags(s: &str) -> Vec<bool> {
        s.chars().map(|c| c == 'x').collect()
    }

    #[test]
    fn nothing_small_nothing_hidden() {
        let s = suppress(&[12, 0, 40, 5], 5);
        assert_eq!(s.cells, flags("...."));
        assert!(!s.total);
    }

    #[test]
    fn one_small_cell_takes_the_next_smallest_with_it() {
        // 3 alone would be 55 − 12 − 40: hide 12 too (not the zero).
        let s = suppress(&[12, 3, 0, 40], 5);
        assert_eq!(s.cells, flags("xx.."));
        assert!(!s.total);
    }

    #[test]
    fn ties_take_the_first() {
        let s = suppress(&[9, 2, 9], 5);
        assert_eq!(s.cells, flags("xx."));
    }

    #[test]
    fn two_ones_are_not_enough() {
        // Hidden 1 and 1 beside a published 50 and a total of 52: each must be 1.
        let s = suppress(&[1, 1, 50], 5);
        assert_eq!(s.cells, flags("xxx"));
        assert!(!s.total);
        // 3 and 4: each could be anything from 1 to 6, so 5 or more: protected.
        let s = suppress(&[3, 4, 50], 5);
        assert_eq!(s.cells, flags("xx."));
    }

    #[test]
    fn a_group_of_tiny_cells_hides_its_total() {
        // Six hidden cells and a total of 6: every cell is 1.
        let s = suppress(&[1, 1, 1, 1, 1, 1], 5);
        assert_eq!(s.cells, flags("xxxxxx"));
        assert!(s.total);
    }

    #[test]
    fn a_lone_small_cell_hides_a_zero_and_the_total() {
        let s = suppress(&[0, 2, 0], 5);
        assert_eq!(s.cells, flags("xx."));
        assert!(s.total);
        let s = suppress(&[2], 5);
        assert_eq!(s.cells, flags("x"));
        assert!(s.total);
    }

    #[test]
    fn zeros_are_published() {
        let s = suppress(&[0, 0, 0], 5);
        assert_eq!(s.cells, flags("..."));
        assert!(!s.total);
        assert_eq!(suppress(&[], 5).cells, Vec::<bool>::new());
    }

    #[test]
    fn a_forced_cell_is_protected_like_a_small_one() {
        // A commune whose own total had to be hidden, among its province's communes.
        let s = suppress_with(&[6, 100, 80], &[true], 5);
        assert_eq!(s.cells, flags("x.x"));
        assert!(!s.total);
    }

    #[test]
    fn a_total_far_above_its_cells_and_the_threshold_is_never_hidden() {
        // Five cells of 1 and a threshold of 5: 5 − 4 < 5, the total goes.
        assert!(suppress(&[1, 1, 1, 1, 1], 5).total);
        assert!(total_can_be_hidden(5, 5, 5));
        // Eight in five cells: at worst 8 − 4 = 4 < 5, still possible.
        assert!(total_can_be_hidden(8, 5, 5));
        // Nine in five cells: at worst 9 − 4 = 5, protected whatever the cells.
        assert!(!total_can_be_hidden(9, 5, 5));
        assert!(!total_can_be_hidden(0, 5, 5));
        // Small totals are hidden by themselves, whatever the cells.
        assert!(total_can_be_hidden(4, 1, 5));
    }

    #[test]
    fn a_threshold_of_one_or_zero_hides_nothing() {
        assert_eq!(suppress(&[1, 2, 3], 1).hidden(), 0);
        assert_eq!(suppress(&[1, 2, 3], 0).hidden(), 0);
    }

    proptest! {
        /// For any group: every small cell is hidden; when the total is published, a hidden
        /// cell is never alone (it would be the total minus the published cells) and the
        /// hidden cells, each at least 1, leave every one of them room to hold the
        /// threshold; with two or more cells, never exactly one is hidden.
        #[test]
        fn no_hidden_cell_can_be_recovered(
            cells in prop::collection::vec(prop_oneof![3 => 0u64..8, 1 => 0u64..200], 0..10),
            threshold in 0u64..12,
        ) {
            let s = suppress(&cells, threshold);
            prop_assert_eq!(s.cells.len(), cells.len());
            for (count, hidden) in cells.iter().zip(&s.cells) {
                if is_small(*count, threshold) {
                    prop_assert!(*hidden, "small cell {} published", count);
                }
            }
            let k = s.hidden() as u64;
            let sum: u64 = cells.iter().zip(&s.cells).filter(|(_, h)| **h).map(|(c, _)| *c).sum();
            let total: u64 = cells.iter().sum();
            let published: u64 = cells.iter().zip(&s.cells).filter(|(_, h)| !**h).map(|(c, _)| *c).sum();
            prop_assert_eq!(total - published, sum);
            if cells.len() >= 2 {
                prop_assert!(k != 1, "a single hidden cell among {:?}", cells);
            }
            if s.total {
                // Only after every non-zero cell is hidden.
                for (count, hidden) in cells.iter().zip(&s.cells) {
                    prop_assert!(*count == 0 || *hidden);
                }
            } else {
                prop_assert!(k == 0 || k >= 2);
                if k >= 2 {
                    // The most a hidden cell can hold, the others holding at least 1 each.
                    prop_assert!(sum - (k - 1) >= threshold);
                    // So no hidden cell is determined (it could be 1 or the maximum).
                    prop_assert!(sum - (k - 1) > 1 || threshold <= 1);
                }
            }
            // Zeros are hidden only when the total is hidden too.
            for (count, hidden) in cells.iter().zip(&s.cells) {
                if *count == 0 && *hidden {
                    prop_assert!(s.total);
                }
            }
        }

        /// A hidden total is always one [`total_can_be_hidden`] allows, for the group's own
        /// size and any larger bound.
        #[test]
        fn a_hidden_total_is_foreseen(
            cells in prop::collection::vec(prop_oneof![3 => 0u64..4, 1 => 0u64..30], 0..12),
            extra in 0usize..5,
            threshold in 0u64..12,
        ) {
            let total: u64 = cells.iter().sum();
            if suppress(&cells, threshold).total {
                prop_assert!(total_can_be_hidden(total, cells.len() + extra, threshold));
            }
        }

        /// Forced cells stay hidden and the group is protected around them.
        #[test]
        fn forced_cells_are_hidden(
            cells in prop::collection::vec(0u64..60, 1..8),
            forced in prop::collection::vec(any::<bool>(), 0..8),
            threshold in 2u64..10,
        ) {
            let s = suppress_with(&cells, &forced, threshold);
            for (i, hidden) in s.cells.iter().enumerate() {
                if forced.get(i).copied().unwrap_or(false) {
                    prop_assert!(*hidden);
                }
            }
            if cells.len() >= 2 {
                prop_assert!(s.hidden() != 1);
            }
        }
    }
}
