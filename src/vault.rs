//! Sealing personal data at rest (DESIGN §3.6): XChaCha20-Poly1305 with a 256-bit data key.
//!
//! The key comes from `TIENGDAN_DATA_KEY` (64 hex digits or base64 of 32 bytes). In the
//! embedded SQLite default, when none is configured, one is generated on first start into a
//! file beside the database, readable by its owner only; PostgreSQL deployments must configure
//! one, since several nodes must share it. Every sealed value records the id of its key (the
//! first 8 hex digits of the key's SHA-256), so a wrong key is named, not silently misread, and
//! keys can be rotated.

use std::path::PathBuf;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::auth::random_bytes;
use crate::db::DatabaseUrl;
use crate::keyfile;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "TIENGDAN_DATA_KEY must be 32 bytes, written as 64 hex digits or in base64 (generate one with `openssl rand -hex 32`)"
    )]
    BadKey,
    #[error(
        "TIENGDAN_DATA_KEY is required with PostgreSQL: every node must seal personal data with the same key (generate one with `openssl rand -hex 32`)"
    )]
    KeyRequired,
    #[error("data key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: crate::keyfile::KeyFileError,
    },
    #[error("sealed with key {found}, but the configured key is {configured}")]
    WrongKey { found: String, configured: String },
    #[error("sealed data failed authentication: altered, or sealed for another record")]
    Tampered,
    #[error("no randomness for a nonce")]
    Random,
}

/// A value sealed for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

pub use crate::keyfile::KeySource;

#[derive(Clone)]
pub struct Vault {
    key_id: String,
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Vault {
    pub fn from_key(key: &[u8; 32]) -> Self {
        let key_id = hex::encode(&Sha256::digest(key)[..4]);
        Self {
            key_id,
            cipher: XChaCha20Poly1305::new(&Key::from(*key)),
        }
    }

    /// The configured key, or for SQLite the key file beside the database (made if missing).
    pub fn load(
        configured: Option<&str>,
        database: &DatabaseUrl,
    ) -> Result<(Self, KeySource), VaultError> {
        use keyfile::{KeyFileError, KeyProblem};
        let (key, source) =
            keyfile::load_key(configured, database, "data-key").map_err(|p| match p {
                KeyProblem::BadKey
                | KeyProblem::File {
                    source: KeyFileError::Malformed,
                    ..
                } => VaultError::BadKey,
                KeyProblem::KeyRequired => VaultError::KeyRequired,
                KeyProblem::File { path, source } => VaultError::KeyFile { path, source },
            })?;
        Ok((Self::from_key(&key), source))
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seals `plaintext`, bound to `context` (the record it belongs to): opening it with
    /// another context fails.
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Result<Sealed, VaultError> {
        let nonce = random_bytes::<24>().map_err(|_| VaultError::Random)?;
        let ciphertext = self
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .map_err(|_| VaultError::Tampered)?;
        Ok(Sealed {
            key_id: self.key_id.clone(),
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    pub fn open(&self, context: &[u8], sealed: &Sealed) -> Result<Vec<u8>, VaultError> {
        if sealed.key_id != self.key_id {
            return Err(VaultError::WrongKey {
                found: sealed.key_id.clone(),
                configured: self.key_id.clone(),
            });
        }
        let nonce: [u8; 24] = sealed
            .nonce
            .as_slice()
            .try_into()
            .map_err(|_| VaultError::Tampered)?;
        self.cipher
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| VaultError::Tampered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_data_opens_only_with_its_key_and_context() {
        let vault = Vault::from_key(&[7; 32]);
        let sealed = vault.seal(b"petition-1", b"Nguyen Van A").unwrap();
        assert_ne!(sealed.ciphertext, b"Nguyen Van A");
        assert_eq!(vault.open(b"petition-1", &sealed).unwrap(), b"Nguyen Van A");
        assert!(matches!(
            vault.open(b"petition-2", &sealed),
            Err(VaultError::Tampered)
        ));
        let other = Vault::from_key(&[8; 32]);
        assert!(matches!(
            other.open(b"petition-1", &sealed),
            Err(VaultError::WrongKey { .. })
        ));
        let mut flipped = sealed.clone();
        flipped.ciphertext[0] ^= 1;
        assert!(vault.open(b"petition-1", &flipped).is_err());
    }

    #[test]
    fn keys_parse_from_hex_or_base64() {
        use base64::Engine;
        use base64::engine::general_purpose::STANDARD;
        let hex_key = "00".repeat(32);
        assert_eq!(keyfile::parse(&hex_key).unwrap(), [0; 32]);
        let b64 = STANDARD.encode([1u8; 32]);
        assert_eq!(keyfile::parse(&b64).unwrap(), [1; 32]);
        assert!(keyfile::parse("short").is_none());
    }
}
