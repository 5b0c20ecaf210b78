//! Rates with their uncertainty (DESIGN §3.7: "each rate with its n and a Wilson 95%
//! interval").
//!
//! Most cells are small: a commune office answers a handful of petitions a month, and a rate
//! of 3 out of 5 says far less than 600 out of 1,000. The interval makes that visible, so that
//! a reader (a Fatherland Front supervisor, a journalist) does not rank two offices whose
//! figures cannot be told apart. We use the Wilson score interval rather than the textbook
//! normal ("Wald") interval because the Wald interval collapses to a width of zero at 0 % and
//! 100 % and spills outside [0, 1] at small n, which are exactly the cells we publish most;
//! Wilson stays inside [0, 1] and keeps close to its nominal coverage down to n of 5
//! (Brown, Cai and DasGupta, "Interval Estimation for a Binomial Proportion", Statistical
//! Science 16(2), 2001).

use serde::Serialize;
use utoipa::ToSchema;

/// z for a two-sided 95 % interval: the 97.5th percentile of the standard normal distribution.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval for `successes` out of `n` at the normal quantile `z`
/// ([`Z_95`] for 95 %), as `(low, high)` within [0, 1].
///
/// `None` when there is nothing to estimate (`n` = 0) or the input is impossible
/// (`successes` > `n`, `z` negative or not finite): never a panic, never a made-up figure.
///
/// With p = successes / n: centre = (p + z²/2n) / (1 + z²/n), half-width =
/// z·√(p(1−p)/n + z²/4n²) / (1 + z²/n). At 0 successes the low bound is exactly 0 and at n
/// successes the high bound exactly 1 (rounding could otherwise leave 1e-17 on the wrong side).
pub fn wilson(successes: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || successes > n || !z.is_finite() || z < 0.0 {
        return None;
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denominator;
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denominator;
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).clamp(0.0, 1.0)
    };
    let high = if successes == n {
        1.0
    } else {
        (centre + half).clamp(0.0, 1.0)
    };
    Some((low, high))
}

/// A published rate: its value, its n and its Wilson 95 % interval, or nothing but
/// `suppressed: true` when n is too small to publish (DESIGN §3.7).
///
/// `n` is null as well when the rate is suppressed: n is a count of petitions, and a count
/// from 1 to threshold − 1 is exactly what suppression hides (see [`super::suppression`]).
/// n = 0 is published (`n: 0`, `value: null`, `suppressed: false`): nothing fell due, which is
/// a fact about the office, not about a person.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Rate {
    /// successes / n, from 0 to 1; null when n is 0 or the rate is suppressed.
    pub value: Option<f64>,
    /// How many petitions the rate is over; null when suppressed.
    pub n: Option<u64>,
    /// Low bound of the Wilson 95 % interval.
    pub ci_low: Option<f64>,
    /// High bound of the Wilson 95 % interval.
    pub ci_high: Option<f64>,
    /// The cell is too small to publish (or hides a small sibling); every number is null.
    pub suppressed: bool,
}

impl Rate {
    /// `successes` out of `n`, suppressed when 0 < n < `threshold` (primary suppression;
    /// default [`super::SUPPRESSION_THRESHOLD`]). A threshold of 0 or 1 publishes everything.
    ///
    /// `successes` > `n` can only come from a bug upstream; the rate is then withheld rather
    /// than published wrong.
    pub fn of(successes: u64, n: u64, threshold: u64) -> Self {
        if n == 0 {
            return Self {
                value: None,
                n: Some(0),
                ci_low: None,
                ci_high: None,
                suppressed: false,
            };
        }
        if n < threshold || successes > n {
            return Self::withheld();
        }
        let (low, high) = wilson(successes, n, Z_95).unzip();
        Self {
            value: Some(successes as f64 / n as f64),
            n: Some(n),
            ci_low: low,
            ci_high: high,
            suppressed: false,
        }
    }

    /// A rate published as suppressed whatever its n: for complementary suppression, when a
    /// sibling's small n could otherwise be recovered from this one and the total.
    pub fn withheld() -> Self {
        Self {
            value: None,
            n: None,
            ci_low: None,
            ci_high: None,
            suppressed: true,
        }
    }

    /// Whether the rate may appear in a ranking: published, with n at least `floor`
    /// (default [`super::RANKING_FLOOR`]). Below the floor the interval is so wide that a
    /// rank would be mostly noise.
    pub fn is_rankable(&self, floor: u64) -> bool {
        !self.suppressed && self.value.is_some() && self.n.is_some_and(|n| n >= floor.max(1))
    }
}

/// Whether two published rates can be told apart: their 95 % intervals do not overlap.
/// Conservative (two rates whose intervals overlap slightly may still differ), which is the
/// side to err on before calling one office worse than another. `false` when either rate has
/// no interval.
pub fn distinguishable(a: &Rate, b: &Rate) -> bool {
    match (a.ci_low, a.ci_high, b.ci_low, b.ci_high) {
        (Some(a_low), Some(a_high), Some(b_low), Some(b_high)) => a_high < b_low || b_high < a_low,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn three_of_five_is_the_issues_example() {
        let (low, high) = wilson(3, 5, Z_95).unwrap();
        assert!(close(low, 0.2307), "{low}");
        assert!(close(high, 0.8824), "{high}");
    }

    #[test]
    fn known_values() {
        // Computed independently from the same formula (81 of 263 is the usual textbook case).
        let (low, high) = wilson(81, 263, Z_95).unwrap();
        assert!(close(low, 0.2553) && close(high, 0.3662), "{low} {high}");
        let (low, high) = wilson(0, 10, Z_95).unwrap();
        assert_eq!(low, 0.0);
        assert!(close(high, 0.2775), "{high}");
        let (low, high) = wilson(10, 10, Z_95).unwrap();
        assert!(close(low, 0.7225), "{low}");
        assert_eq!(high, 1.0);
    }

    #[test]
    fn nothing_to_estimate_is_none() {
        assert_eq!(wilson(0, 0, Z_95), None);
        assert_eq!(wilson(6, 5, Z_95), None);
        assert_eq!(wilson(1, 5, f64::NAN), None);
        assert_eq!(wilson(1, 5, -1.0), None);
        assert_eq!(wilson(1, 5, f64::INFINITY), None);
    }

    #[test]
    fn a_rate_below_the_threshold_is_all_null() {
        let rate = Rate::of(3, 4, 5);
        assert_eq!(rate, Rate::withheld());
        assert_eq!(
            serde_json::to_value(rate).unwrap(),
            serde_json::json!({"value": null, "n": null, "ci_low": null, "ci_high": null, "suppressed": true})
        );
    }

    #[test]
    fn a_rate_at_the_threshold_is_published() {
        let rate = Rate::of(3, 5, 5);
        assert!(!rate.suppressed);
        assert_eq!(rate.value, Some(0.6));
        assert_eq!(rate.n, Some(5));
        assert!(close(rate.ci_low.unwrap(), 0.2307));
        assert!(close(rate.ci_high.unwrap(), 0.8824));
    }

    #[test]
    fn nothing_due_is_published_as_zero_n() {
        let rate = Rate::of(0, 0, 5);
        assert!(!rate.suppressed);
        assert_eq!(rate.n, Some(0));
        assert_eq!(rate.value, None);
    }

    #[test]
    fn impossible_input_is_withheld() {
        assert_eq!(Rate::of(9, 8, 5), Rate::withheld());
    }

    #[test]
    fn a_threshold_of_zero_publishes_everything() {
        let rate = Rate::of(1, 1, 0);
        assert_eq!(rate.value, Some(1.0));
        assert!(!rate.suppressed);
    }

    #[test]
    fn ranking_needs_the_floor() {
        assert!(!Rate::of(20, 29, 5).is_rankable(30));
        assert!(Rate::of(20, 30, 5).is_rankable(30));
        assert!(!Rate::withheld().is_rankable(0));
        assert!(!Rate::of(0, 0, 5).is_rankable(0));
    }

    #[test]
    fn small_offices_cannot_be_told_apart() {
        // 3 of 5 and 5 of 5 look very different but are not distinguishable.
        assert!(!distinguishable(&Rate::of(3, 5, 5), &Rate::of(5, 5, 5)));
        assert!(distinguishable(
            &Rate::of(300, 500, 5),
            &Rate::of(450, 500, 5)
        ));
        assert!(!distinguishable(&Rate::withheld(), &Rate::of(450, 500, 5)));
    }

    proptest! {
        /// The interval lies within [0, 1] and contains the observed proportion.
        #[test]
        fn interval_contains_the_proportion(n in 1u64..5_000, k in 0u64..5_000) {
            let successes = k % (n + 1);
            let (low, high) = wilson(successes, n, Z_95).unwrap();
            let p = successes as f64 / n as f64;
            prop_assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high));
            prop_assert!(low <= p + 1e-12 && p <= high + 1e-12);
            prop_assert!(low < high);
        }

        /// More data never widens the interval for the same proportion.
        #[test]
        fn more_data_narrows(n in 1u64..1_000, k in 0u64..1_000) {
            let successes = k % (n + 1);
            let (low, high) = wilson(successes, n, Z_95).unwrap();
            let (low10, high10) = wilson(successes * 10, n * 10, Z_95).unwrap();
            prop_assert!(high10 - low10 <= high - low + 1e-12);
        }
    }
}
