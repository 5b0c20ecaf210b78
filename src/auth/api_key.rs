//! Partner API keys: `tdk_`, a 12-hex-digit public prefix that finds the partner, and 40 hex
//! digits (160 bits) of secret. Only the SHA-256 of the whole key is stored; the key is shown
//! once, when the partner is created.

use super::{RandomError, random_bytes, secret_hash};

pub const KEY_PREFIX: &str = "tdk_";
const PREFIX_HEX: usize = 12;
const SECRET_HEX: usize = 40;

/// A key just made: give `key` to the partner, store `prefix` and `hash`.
#[derive(Debug)]
pub struct NewApiKey {
    pub key: String,
    pub prefix: String,
    pub hash: String,
}

pub fn generate() -> Result<NewApiKey, RandomError> {
    let prefix = hex::encode(random_bytes::<{ PREFIX_HEX / 2 }>()?);
    let secret = hex::encode(random_bytes::<{ SECRET_HEX / 2 }>()?);
    let key = format!("{KEY_PREFIX}{prefix}{secret}");
    Ok(NewApiKey {
        hash: secret_hash(&key),
        prefix,
        key,
    })
}

/// The lookup prefix of a presented key, if it has the shape of one of ours.
pub fn lookup_prefix(presented: &str) -> Option<&str> {
    let rest = presented.strip_prefix(KEY_PREFIX)?;
    let well_formed = rest.len() == PREFIX_HEX + SECRET_HEX
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then(|| &rest[..PREFIX_HEX])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::secret_matches;

    #[test]
    fn a_new_key_verifies_and_a_changed_one_does_not() {
        let new = generate().unwrap();
        assert!(new.key.starts_with("tdk_"));
        assert_eq!(new.key.len(), 4 + 52);
        assert_eq!(lookup_prefix(&new.key), Some(new.prefix.as_str()));
        assert!(secret_matches(&new.hash, &new.key));
        let mut other = new.key.clone();
        let last = other.pop().unwrap();
        other.push(if last == '0' { '1' } else { '0' });
        assert_eq!(lookup_prefix(&other), Some(new.prefix.as_str()));
        assert!(!secret_matches(&new.hash, &other));
        assert_eq!(lookup_prefix("tdk_short"), None);
        assert_eq!(lookup_prefix("Bearer tdk_"), None);
    }
}
