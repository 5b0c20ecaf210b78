//! Quantiles of working days to answer (DESIGN §3.7: "median and 90th percentile working days
//! … to answer").
//!
//! **Method: linear interpolation between order statistics**, Hyndman and Fan's type 7
//! ("Sample Quantiles in Statistical Packages", The American Statistician 50(4), 1996): for n
//! sorted values x₀ ≤ … ≤ xₙ₋₁ and q in [0, 1], h = (n − 1)·q and the quantile is
//! x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋). It is the default of R, NumPy and the spreadsheet functions
//! MEDIAN and PERCENTILE.INC, so anyone checking our CSV in Excel or LibreOffice gets the same
//! figure; and its median of an even count is the familiar mean of the two middle values.
//! Nearest-rank would always return an observed day count, but its median of [2, 9] is 2,
//! which readers take for an error.
//!
//! Rollups keep days as a histogram (how many answers took 0, 1, 2 … working days), which
//! merges exactly across months and units; [`quantile_histogram`] gives the same result from
//! it as [`quantile`] from the sorted list.

use serde::Serialize;
use utoipa::ToSchema;

/// The q-quantile (0 ≤ q ≤ 1) of `sorted` (ascending), by linear interpolation (type 7).
///
/// `None` for an empty list, a q outside [0, 1] or NaN, or a list that is not sorted.
pub fn quantile(sorted: &[u32], q: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&q) || !sorted.is_sorted() {
        return None;
    }
    let (lo, frac) = position(sorted.len() as u64, q);
    let lo = usize::try_from(lo).ok()?;
    let below = sorted[lo];
    let above = sorted.get(lo + 1).copied().unwrap_or(below);
    Some(interpolate(below, above, frac))
}

/// [`quantile`] over a histogram: `(value, how many)` pairs in ascending order of value
/// (values may repeat; counts may be zero).
///
/// `None` when the histogram holds nothing, q is outside [0, 1] or NaN, or the values are not
/// in ascending order.
pub fn quantile_histogram(histogram: &[(u32, u64)], q: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) || !histogram.is_sorted_by_key(|(value, _)| *value) {
        return None;
    }
    let n = histogram
        .iter()
        .try_fold(0u64, |n, (_, count)| n.checked_add(*count))?;
    if n == 0 {
        return None;
    }
    let (lo, frac) = position(n, q);
    let below = nth(histogram, lo)?;
    let above = if lo + 1 < n {
        nth(histogram, lo + 1)?
    } else {
        below
    };
    Some(interpolate(below, above, frac))
}

/// The 0-based rank ⌊h⌋ and the fraction h − ⌊h⌋, for h = (n − 1)·q.
fn position(n: u64, q: f64) -> (u64, f64) {
    let h = (n - 1) as f64 * q;
    let lo = (h.floor() as u64).min(n - 1);
    (lo, (h - lo as f64).clamp(0.0, 1.0))
}

fn interpolate(below: u32, above: u32, frac: f64) -> f64 {
    let (below, above) = (f64::from(below), f64::from(above));
    below + frac * (above - below)
}

/// The value at 0-based rank `rank` of the histogram's expanded, sorted list.
fn nth(histogram: &[(u32, u64)], rank: u64) -> Option<u32> {
    let mut seen = 0u64;
    for (value, count) in histogram {
        seen += count;
        if rank < seen {
            return Some(*value);
        }
    }
    None
}

/// A published quantile of working days, suppressed like a rate when fewer than the threshold
/// answers stand behind it (a 90th percentile of four answers is one person's wait).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Days {
    /// Working days; null when there are no answers or the cell is suppressed.
    pub value: Option<f64>,
    /// How many answers it is over; null when suppressed.
    pub n: Option<u64>,
    pub suppressed: bool,
}

impl Days {
    /// The q-quantile of a histogram of working days, suppressed when 0 < n < `threshold`.
    pub fn of_histogram(histogram: &[(u32, u64)], q: f64, threshold: u64) -> Self {
        let n: u64 = histogram.iter().map(|(_, count)| *count).sum();
        if n > 0 && n < threshold {
            return Self::withheld();
        }
        Self {
            value: quantile_histogram(histogram, q),
            n: Some(n),
            suppressed: false,
        }
    }

    /// The q-quantile of a sorted list of working days, suppressed when 0 < n < `threshold`.
    pub fn of_sorted(sorted: &[u32], q: f64, threshold: u64) -> Self {
        let n = sorted.len() as u64;
        if n > 0 && n < threshold {
            return Self::withheld();
        }
        Self {
            value: quantile(sorted, q),
            n: Some(n),
            suppressed: false,
        }
    }

    /// Published as suppressed whatever its n (complementary suppression).
    pub fn withheld() -> Self {
        Self {
            value: None,
            n: None,
            suppressed: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn median_and_p90_by_linear_interpolation() {
        let days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(quantile(&days, 0.5), Some(5.5));
        // h = 9 × 0.9 = 8.1: 9 + 0.1 × (10 − 9).
        assert!((quantile(&days, 0.9).unwrap() - 9.1).abs() < 1e-9);
        assert_eq!(quantile(&[2, 9], 0.5), Some(5.5));
        assert_eq!(quantile(&[3, 7, 8], 0.5), Some(7.0));
        assert_eq!(quantile(&[4], 0.9), Some(4.0));
        assert_eq!(quantile(&[1, 2, 3], 0.0), Some(1.0));
        assert_eq!(quantile(&[1, 2, 3], 1.0), Some(3.0));
        // Type 7, as PERCENTILE.INC and Python's statistics.quantiles(method="inclusive"): 13.8.
        let skewed = [0, 0, 1, 2, 2, 3, 5, 8, 13, 21];
        assert!((quantile(&skewed, 0.9).unwrap() - 13.8).abs() < 1e-9);
    }

    #[test]
    fn bad_input_is_none() {
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[1, 2], -0.1), None);
        assert_eq!(quantile(&[1, 2], 1.5), None);
        assert_eq!(quantile(&[1, 2], f64::NAN), None);
        assert_eq!(quantile(&[3, 1], 0.5), None);
        assert_eq!(quantile_histogram(&[], 0.5), None);
        assert_eq!(quantile_histogram(&[(1, 0)], 0.5), None);
        assert_eq!(quantile_histogram(&[(3, 1), (1, 1)], 0.5), None);
    }

    #[test]
    fn the_histogram_gives_the_same_figure() {
        let histogram = [
            (0, 2),
            (1, 1),
            (2, 2),
            (3, 1),
            (5, 1),
            (8, 1),
            (13, 1),
            (21, 1),
        ];
        assert!((quantile_histogram(&histogram, 0.9).unwrap() - 13.8).abs() < 1e-9);
        assert_eq!(quantile_histogram(&histogram, 0.5), Some(2.5));
    }

    #[test]
    fn days_are_suppressed_below_the_threshold() {
        assert_eq!(Days::of_sorted(&[1, 2, 3, 4], 0.9, 5), Days::withheld());
        assert_eq!(Days::of_histogram(&[(2, 4)], 0.5, 5), Days::withheld());
        let published = Days::of_sorted(&[1, 2, 3, 4, 5], 0.5, 5);
        assert_eq!(published.value, Some(3.0));
        assert_eq!(published.n, Some(5));
        let none = Days::of_histogram(&[], 0.5, 5);
        assert_eq!(
            (none.value, none.n, none.suppressed),
            (None, Some(0), false)
        );
    }

    proptest! {
        /// The histogram and the sorted list agree, and the quantile lies between the
        /// smallest and the largest value and grows with q.
        #[test]
        fn histogram_agrees_with_the_list(
            mut days in prop::collection::vec(0u32..60, 1..200),
            q in 0.0f64..=1.0,
            r in 0.0f64..=1.0,
        ) {
            days.sort_unstable();
            let mut histogram: Vec<(u32, u64)> = Vec::new();
            for d in &days {
                match histogram.last_mut() {
                    Some((value, count)) if value == d => *count += 1,
                    _ => histogram.push((*d, 1)),
                }
            }
            let from_list = quantile(&days, q).unwrap();
            let from_histogram = quantile_histogram(&histogram, q).unwrap();
            prop_assert!((from_list - from_histogram).abs() < 1e-9);
            prop_assert!(f64::from(days[0]) <= from_list + 1e-9);
            prop_assert!(from_list <= f64::from(days[days.len() - 1]) + 1e-9);
            let (low, high) = if q <= r { (q, r) } else { (r, q) };
            prop_assert!(quantile(&days, low).unwrap() <= quantile(&days, high).unwrap() + 1e-9);
        }
    }
}
