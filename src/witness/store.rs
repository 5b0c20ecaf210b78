//! The witness's own copy, in a directory it alone writes:
//!
//! - `key.json`: the server's key, pinned on the first round;
//! - `checkpoints.jsonl`, `links.jsonl`: every checkpoint accepted and the chain's links under
//!   them, appended, never rewritten;
//! - `last.json`: the checkpoint accepted last, written after the two above (the commit);
//! - `alarm.json`: the finding, once one is made; it stays until a person removes it;
//! - `witness.prom`: gauges for node_exporter's textfile collector.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::WitnessError;
use crate::domain::audit::ChainLink;
use crate::domain::witness::{Finding, Signed};

pub struct Store {
    dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedKey {
    pub key_id: String,
    /// The 32 key bytes, base64, as published.
    pub public_key: String,
}

/// A finding as filed: what and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alarm {
    pub raised_at: chrono::DateTime<chrono::Utc>,
    pub server: String,
    pub finding: Finding,
    /// The finding in words.
    pub message: String,
}

impl Store {
    /// Opens the directory, making it (readable by its owner alone) when missing.
    pub fn open(dir: &Path) -> Result<Self, WitnessError> {
        let io = |e| WitnessError::Store(dir.to_path_buf(), e);
        fs::create_dir_all(dir).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn io(&self, name: &str) -> impl Fn(std::io::Error) -> WitnessError {
        let path = self.path(name);
        move |e| WitnessError::Store(path.clone(), e)
    }

    fn read<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, WitnessError> {
        let path = self.path(name);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                WitnessError::Store(
                    path,
                    std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(WitnessError::Store(path, e)),
        }
    }

    /// Writes a whole file so that a reader sees the old one or the new one, never half.
    fn replace(&self, name: &str, bytes: &[u8]) -> Result<(), WitnessError> {
        let temporary = self.path(&format!(".{name}.tmp"));
        let io = self.io(name);
        let mut file = fs::File::create(&temporary).map_err(&io)?;
        file.write_all(bytes).map_err(&io)?;
        file.sync_all().map_err(&io)?;
        fs::rename(&temporary, self.path(name)).map_err(&io)
    }

    fn append<T: Serialize>(&self, name: &str, items: &[T]) -> Result<(), WitnessError> {
        let io = self.io(name);
        let mut text = String::new();
        for item in items {
            text.push_str(
                &serde_json::to_string(item)
                    .map_err(|e| WitnessError::Store(self.path(name), std::io::Error::other(e)))?,
            );
            text.push('\n');
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path(name))
            .map_err(&io)?;
        file.write_all(text.as_bytes()).map_err(&io)?;
        file.sync_all().map_err(&io)
    }

    pub fn pinned_key(&self) -> Result<Option<PinnedKey>, WitnessError> {
        self.read("key.json")
    }

    pub fn pin(&self, key: &PinnedKey) -> Result<(), WitnessError> {
        self.replace("key.json", &json_bytes(key))
    }

    pub fn last(&self) -> Result<Option<Signed>, WitnessError> {
        self.read("last.json")
    }

    /// Keeps `checkpoint` and the links under it, then makes it the last accepted.
    pub fn accept(&self, checkpoint: &Signed, links: &[ChainLink]) -> Result<(), WitnessError> {
        self.append("links.jsonl", links)?;
        self.append("checkpoints.jsonl", std::slice::from_ref(checkpoint))?;
        self.replace("last.json", &json_bytes(checkpoint))
    }

    pub fn alarm(&self) -> Result<Option<Alarm>, WitnessError> {
        self.read("alarm.json")
    }

    pub fn raise(&self, alarm: &Alarm) -> Result<(), WitnessError> {
        self.replace("alarm.json", &json_bytes(alarm))
    }

    pub fn write_metrics(&self, text: &str) -> Result<(), WitnessError> {
        self.replace("witness.prom", text.as_bytes())
    }
}

fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
