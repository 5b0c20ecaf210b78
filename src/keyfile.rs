//! 32-byte keys kept in files beside the SQLite database, for the embedded default: the data
//! key that seals personal data and the key that signs staff tokens. Production deployments
//! configure keys instead, since several nodes must share them.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::auth::random_bytes;

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("the key file does not hold 64 hex digits")]
    Malformed,
    /// Readable or writable by others than its owner: whoever else can read it holds the key.
    #[error(
        "the key file is open to group or others (mode {mode:03o}); make it the owner's alone: chmod 600 on it"
    )]
    Exposed { mode: u32 },
}

/// Refuses a key file that anyone but its owner may read or write.
fn owner_only(file: &std::fs::File) -> Result<(), KeyFileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyFileError::Exposed { mode });
        }
    }
    let _ = file;
    Ok(())
}

/// A 32-byte key written as 64 hex digits or in base64.
pub fn parse(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    let bytes = if text.len() == 64 {
        hex::decode(text).ok()?
    } else {
        STANDARD.decode(text).ok()?
    };
    bytes.try_into().ok()
}

/// `tiengdan.db` → `tiengdan.db.<suffix>`.
pub fn beside(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// Reads the key in `path`, or creates the file (owner-only) with a new one. Returns the key
/// and whether it was created. Two processes starting together agree: the file is created
/// exclusively, and the loser reads the winner's key.
pub fn load_or_create(path: &Path) -> Result<([u8; 32], bool), KeyFileError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            let key = random_bytes::<32>().map_err(|e| std::io::Error::other(e.to_string()))?;
            file.write_all(format!("{}\n", hex::encode(key)).as_bytes())?;
            file.sync_all()?;
            Ok((key, true))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            // A racing creator may not have written yet.
            for _ in 0..50 {
                let mut file = std::fs::File::open(path)?;
                owner_only(&file)?;
                let mut text = String::new();
                std::io::Read::read_to_string(&mut file, &mut text)?;
                if !text.trim().is_empty() {
                    return parse(&text)
                        .map(|k| (k, false))
                        .ok_or(KeyFileError::Malformed);
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(KeyFileError::Malformed)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = beside(&dir.path().join("t.db"), "data-key");
        assert!(path.ends_with("t.db.data-key"));
        let (first, created) = load_or_create(&path).unwrap();
        assert!(created);
        let (second, created) = load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_may_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = beside(&dir.path().join("t.db"), "jwt-key");
        load_or_create(&path).unwrap();
        for mode in [0o640, 0o604, 0o620] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let err = load_or_create(&path).unwrap_err();
            assert!(
                matches!(err, KeyFileError::Exposed { mode: m } if m == mode),
                "{err}"
            );
            assert!(err.to_string().contains("chmod 600"), "{err}");
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(load_or_create(&path).is_ok());
    }
}

/// Where a key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Configured,
    File(PathBuf),
    Generated(PathBuf),
}

/// Why a key could not be had.
#[derive(Debug)]
pub enum KeyProblem {
    /// The configured text is not 32 bytes in hex or base64.
    BadKey,
    /// PostgreSQL and nothing configured: nodes must share the key, so none is generated.
    KeyRequired,
    /// The key file beside the SQLite database could not be read or written.
    File { path: PathBuf, source: KeyFileError },
}

/// A 32-byte key: the configured one, or with SQLite the one in `<database>.<suffix>`, created
/// on first start. The data key, the token key and the audit key all come this way.
pub fn load_key(
    configured: Option<&str>,
    database: &crate::db::DatabaseUrl,
    suffix: &str,
) -> Result<([u8; 32], KeySource), KeyProblem> {
    if let Some(text) = configured.filter(|t| !t.trim().is_empty()) {
        return parse(text)
            .map(|key| (key, KeySource::Configured))
            .ok_or(KeyProblem::BadKey);
    }
    match database {
        crate::db::DatabaseUrl::Postgres(_) => Err(KeyProblem::KeyRequired),
        crate::db::DatabaseUrl::Sqlite(path) => {
            let path = beside(path, suffix);
            match load_or_create(&path) {
                Ok((key, true)) => Ok((key, KeySource::Generated(path))),
                Ok((key, false)) => Ok((key, KeySource::File(path))),
                Err(source) => Err(KeyProblem::File { path, source }),
            }
        }
    }
}
