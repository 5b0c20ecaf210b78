//! The server's Ed25519 key that signs the audit chain's checkpoints (DESIGN §3.9). Configured
//! with AUDIT_SIGNING_KEY (a 32-byte seed), or, in the embedded SQLite default, generated on
//! first start into `<database>.audit-key` beside the database.

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::domain::audit::{Checkpoint, key_id};
use crate::keyfile::KeyFileError;
use crate::vault::KeySource;

#[derive(Debug, thiserror::Error)]
pub enum SigningKeyError {
    #[error(
        "AUDIT_SIGNING_KEY must be a 32-byte Ed25519 seed, written as 64 hex digits or in base64 (generate one with `openssl rand -hex 32`)"
    )]
    BadKey,
    #[error(
        "AUDIT_SIGNING_KEY is required with PostgreSQL: every node must sign checkpoints with the same published key (generate one with `openssl rand -hex 32`)"
    )]
    KeyRequired,
    #[error("audit key file {path}: {source}")]
    KeyFile {
        path: std::path::PathBuf,
        source: KeyFileError,
    },
}

/// The key checkpoints are signed with.
#[derive(Clone)]
pub struct AuditKey {
    signing: SigningKey,
    key_id: String,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl AuditKey {
    pub fn load(
        configured: Option<&str>,
        database: &crate::db::DatabaseUrl,
    ) -> Result<(Self, KeySource), SigningKeyError> {
        use crate::keyfile::KeyProblem;
        let (seed, source) =
            crate::keyfile::load_key(configured, database, "audit-key").map_err(|p| match p {
                KeyProblem::BadKey => SigningKeyError::BadKey,
                KeyProblem::KeyRequired => SigningKeyError::KeyRequired,
                KeyProblem::File { path, source } => SigningKeyError::KeyFile { path, source },
            })?;
        Ok((Self::from_seed(&seed), source))
    }

    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(seed);
        let key_id = key_id(&signing.verifying_key());
        Self { signing, key_id }
    }

    pub fn public(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn sign(&self, checkpoint: &Checkpoint) -> String {
        checkpoint.sign(&self.signing)
    }
}
