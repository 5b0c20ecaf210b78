//! Who is calling: partner apps by API key, citizens by tracking code and receipt secret.
//!
//! Secrets we hand out (API keys, receipt secrets) carry at least 128 random bits, so a plain
//! SHA-256 of each is what we keep: a slow password hash adds nothing against guessing 2^128,
//! and the comparison is constant-time all the same.

pub mod accounts;
pub mod api_key;
pub mod caller;
pub mod client;
pub mod jwt;
pub mod partner;
pub mod password;
pub mod rate_limit;
pub mod receipt;
pub mod staff;
pub mod standing;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The operating system's randomness failed: nothing safe can be made without it.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the operating system's random number generator failed")]
pub struct RandomError;

/// `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| RandomError)?;
    Ok(bytes)
}

/// SHA-256 of a secret, as stored: lowercase hex.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether `presented` hashes to `stored`, compared in constant time.
pub fn secret_matches(stored_hash: &str, presented: &str) -> bool {
    let presented = secret_hash(presented);
    stored_hash.as_bytes().ct_eq(presented.as_bytes()).into()
}
