//! What the bench loaders share: a reproducible spread of values (included with `#[path]`;
//! benches are separate crates).

/// SplitMix64: a fixed, reproducible spread of values without a `rand` dependency, so that
/// runs of a bench load the same rows.
pub struct Spread(pub u64);

// Not every loader uses every method.
#[allow(dead_code)]
impl Spread {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A value of `table`, drawn with the weights beside them.
    pub fn weighted<'a>(&mut self, table: &[(&'a str, u64)]) -> &'a str {
        let total: u64 = table.iter().map(|(_, w)| w).sum();
        let mut pick = self.below(total);
        for (value, weight) in table {
            if pick < *weight {
                return value;
            }
            pick -= weight;
        }
        table[table.len() - 1].0
    }
}
