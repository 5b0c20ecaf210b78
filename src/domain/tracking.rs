//! Tracking codes: what a citizen reads out over the phone or types into a partner app to
//! follow a petition without an account.
//!
//! Nine random symbols from Crockford's base-32 alphabet (no I, L, O or U, so nothing reads as
//! another symbol) and a Luhn mod 32 check symbol, which catches every single mistyped symbol
//! and every swap of two neighbours but `0`↔`Z` (Luhn's one blind spot): `7KQ2M-X9F3C`. 45 random bits keep guessing hopeless
//! (and the tracking view also needs the receipt secret). Reading is forgiving: case, hyphens
//! and spaces do not matter, and O, I and L are read as 0, 1 and 1.

use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random symbols before the check symbol.
pub const RANDOM_SYMBOLS: usize = 9;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TrackingCodeError {
    #[error("a tracking code has 10 letters and digits, such as 7KQ2M-X9F3C")]
    Format,
    #[error("the tracking code has a typing mistake: its check symbol does not match")]
    Check,
}

fn value(symbol: u8) -> Option<u32> {
    let symbol = match symbol.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        s => s,
    };
    ALPHABET.iter().position(|&a| a == symbol).map(|p| p as u32)
}

/// Luhn mod N over the symbols' values, N = 32.
fn check_symbol(values: &[u32]) -> u32 {
    let n = 32;
    let mut factor = 2;
    let mut sum = 0;
    for &v in values.iter().rev() {
        let addend = factor * v;
        sum += addend / n + addend % n;
        factor = if factor == 2 { 1 } else { 2 };
    }
    (n - sum % n) % n
}

impl TrackingCode {
    /// A new code from random bytes (one byte per symbol; only the low five bits are used).
    pub fn from_random(random: [u8; RANDOM_SYMBOLS]) -> Self {
        let values: Vec<u32> = random.iter().map(|b| u32::from(b & 31)).collect();
        Self::from_values(&values)
    }

    fn from_values(values: &[u32]) -> Self {
        let check = check_symbol(values);
        let text = values
            .iter()
            .chain(std::iter::once(&check))
            .map(|&v| ALPHABET[v as usize] as char)
            .collect();
        Self(text)
    }

    /// Reads a code as a person typed it.
    pub fn parse(input: &str) -> Result<Self, TrackingCodeError> {
        let symbols: Vec<u8> = input
            .bytes()
            .filter(|b| !matches!(b, b'-' | b' '))
            .collect();
        if symbols.len() != RANDOM_SYMBOLS + 1 {
            return Err(TrackingCodeError::Format);
        }
        let values = symbols
            .iter()
            .map(|&s| value(s))
            .collect::<Option<Vec<u32>>>()
            .ok_or(TrackingCodeError::Format)?;
        let (body, check) = values.split_at(RANDOM_SYMBOLS);
        if check_symbol(body) != check[0] {
            return Err(TrackingCodeError::Check);
        }
        Ok(Self::from_values(body))
    }

    /// The stored form: ten symbols, no hyphen.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The printed form: two groups of five.
impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..5], &self.0[5..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reading_is_forgiving() {
        let code = TrackingCode::from_random([1, 2, 3, 4, 5, 6, 7, 8, 0]);
        let printed = code.to_string();
        assert_eq!(printed.len(), 11);
        assert_eq!(TrackingCode::parse(&printed).unwrap(), code);
        assert_eq!(TrackingCode::parse(&printed.to_lowercase()).unwrap(), code);
        let spaced = printed.replace('-', " ");
        assert_eq!(TrackingCode::parse(&spaced).unwrap(), code);
        let with_o = printed.replace('0', "O");
        assert_eq!(TrackingCode::parse(&with_o).unwrap(), code);
        assert_eq!(TrackingCode::parse("short"), Err(TrackingCodeError::Format));
        assert_eq!(
            TrackingCode::parse("UUUUU-UUUUU"),
            Err(TrackingCodeError::Format)
        );
    }

    proptest! {
        #[test]
        fn round_trips(random in any::<[u8; RANDOM_SYMBOLS]>()) {
            let code = TrackingCode::from_random(random);
            prop_assert_eq!(TrackingCode::parse(&code.to_string()).unwrap(), code);
        }

        /// Any one symbol mistyped is caught.
        #[test]
        fn catches_single_substitutions(random in any::<[u8; RANDOM_SYMBOLS]>(), at in 0usize..10, to in 0usize..32) {
            let code = TrackingCode::from_random(random);
            let mut symbols = code.as_str().as_bytes().to_vec();
            prop_assume!(symbols[at] != ALPHABET[to]);
            symbols[at] = ALPHABET[to];
            let typed = String::from_utf8(symbols).unwrap();
            prop_assert!(TrackingCode::parse(&typed).is_err());
        }

        /// Any two different neighbours swapped are caught, but 0 and Z.
        #[test]
        fn catches_adjacent_swaps(random in any::<[u8; RANDOM_SYMBOLS]>(), at in 0usize..9) {
            let code = TrackingCode::from_random(random);
            let mut symbols = code.as_str().as_bytes().to_vec();
            prop_assume!(symbols[at] != symbols[at + 1]);
            let mut pair = [symbols[at], symbols[at + 1]];
            pair.sort_unstable();
            prop_assume!(pair != *b"0Z");
            symbols.swap(at, at + 1);
            let typed = String::from_utf8(symbols).unwrap();
            prop_assert!(TrackingCode::parse(&typed).is_err());
        }

        #[test]
        fn never_panics(input in "\\PC{0,20}") {
            let _ = TrackingCode::parse(&input);
        }
    }
}
