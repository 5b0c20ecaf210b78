//! The tamper-evident record (DESIGN §3.9): every event is chained to the one before it by a
//! SHA-256 hash, and the chain's head is signed from time to time with the server's Ed25519
//! key. Anyone holding an export of the events and the public key can check that no event was
//! changed, removed, reordered or inserted (docs/VERIFYING.md gives the procedure).
//!
//! The encoding below is the contract with outside verifiers: it never changes for `v1`.
//!
//! ```text
//! hash(event) = SHA-256( prev_hash as 32 bytes || canonical(event) )
//! canonical(event) = "tiengdan-event-v1\n" seq "\n" petition_id "\n" actor_kind "\n"
//!                    actor_id "\n" action "\n" created_at "\n" payload
//! ```
//!
//! `seq` counts from 1 without gaps; `petition_id` and `actor_id` are empty when absent;
//! `created_at` is UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, always six digits);
//! `payload` is the stored JSON text, byte for byte. The first event's `prev_hash` is 32 zero
//! bytes. Hashes are written as 64 lowercase hex digits.

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event as the chain sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link<'a> {
    pub seq: i64,
    pub petition_id: Option<i64>,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub created_at: DateTime<Utc>,
    pub payload: &'a str,
}

impl Link<'_> {
    /// The bytes that are hashed after the previous hash.
    pub fn canonical(&self) -> String {
        format!(
            "tiengdan-event-v1\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.seq,
            self.petition_id.map(|p| p.to_string()).unwrap_or_default(),
            self.actor_kind,
            self.actor_id.unwrap_or_default(),
            self.action,
            timestamp(self.created_at),
            self.payload,
        )
    }

    /// This event's hash, following `prev_hash` (hex).
    pub fn hash(&self, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(hex::decode(prev_hash).unwrap_or_else(|_| vec![0xff; 32]));
        hasher.update(self.canonical().as_bytes());
        hex::encode(hasher.finalize())
    }
}

/// UTC with six fractional digits, as the canonical encoding writes it.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// What is wrong at a link of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum Break {
    /// The sequence skips or repeats: an event was removed, inserted or moved.
    Sequence { expected: i64, found: i64 },
    /// The stored previous hash is not the hash of the event before.
    PrevHash { expected: String, found: String },
    /// The stored hash does not match the event's content: it was changed.
    Hash { expected: String, found: String },
    /// The chain ends before a signed checkpoint: its newest events were removed.
    Truncated { checkpoint_seq: i64, head_seq: i64 },
    /// The event at a checkpoint's position does not have the hash that was signed.
    CheckpointMismatch {
        checkpoint_seq: i64,
        signed: String,
        found: String,
    },
    /// A checkpoint's signature does not verify with the server's public key.
    BadSignature { checkpoint_seq: i64 },
    /// The stored head is not where the events recomputed from the last checkpoint end, or
    /// lies behind a head seen earlier: the chain's tail was cut or rewritten.
    HeadMismatch {
        stored_seq: i64,
        stored_hash: String,
        found_seq: i64,
        found_hash: String,
    },
}

/// Walks the chain event by event, remembering where it is, and the first break.
#[derive(Debug, Clone)]
pub struct Walk {
    next_seq: i64,
    prev_hash: String,
    checked: u64,
}

impl Default for Walk {
    fn default() -> Self {
        Self {
            next_seq: 1,
            prev_hash: GENESIS.to_owned(),
            checked: 0,
        }
    }
}

impl Walk {
    /// A walk that resumes after a point it trusts: position `seq` with hash `hash` (a signed
    /// checkpoint's).
    pub fn after(seq: i64, hash: &str) -> Self {
        Self {
            next_seq: seq + 1,
            prev_hash: hash.to_owned(),
            checked: 0,
        }
    }

    /// Checks the next stored event: its position, its link to the one before, its hash.
    pub fn step(&mut self, link: &Link, prev_hash: &str, hash: &str) -> Result<(), Break> {
        if link.seq != self.next_seq {
            return Err(Break::Sequence {
                expected: self.next_seq,
                found: link.seq,
            });
        }
        if prev_hash != self.prev_hash {
            return Err(Break::PrevHash {
                expected: self.prev_hash.clone(),
                found: prev_hash.to_owned(),
            });
        }
        let expected = link.hash(prev_hash);
        if hash != expected {
            return Err(Break::Hash {
                expected,
                found: hash.to_owned(),
            });
        }
        self.next_seq += 1;
        self.prev_hash = hash.to_owned();
        self.checked += 1;
        Ok(())
    }

    /// The sequence number of the last event checked (0 before any).
    pub fn head_seq(&self) -> i64 {
        self.next_seq - 1
    }

    pub fn head_hash(&self) -> &str {
        &self.prev_hash
    }

    pub fn checked(&self) -> u64 {
        self.checked
    }
}

/// Where an event sits in the chain, without what it says: its position, the hash before it
/// and its own. Outside witnesses read these to check that the chain under a new checkpoint
/// extends the one under the last they saw, without reading any petition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ChainLink {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// A signed statement of the chain's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub signed_at: DateTime<Utc>,
}

impl Checkpoint {
    /// The bytes signed: `tiengdan-checkpoint-v1\n{seq}\n{hash}\n{signed_at}`.
    pub fn message(&self) -> String {
        format!(
            "tiengdan-checkpoint-v1\n{}\n{}\n{}",
            self.seq,
            self.hash,
            timestamp(self.signed_at)
        )
    }

    /// The signature, base64.
    pub fn sign(&self, key: &SigningKey) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .encode(key.sign(self.message().as_bytes()).to_bytes())
    }

    /// Whether `signature` (base64) is `key`'s over this checkpoint.
    pub fn verify(&self, key: &VerifyingKey, signature: &str) -> bool {
        use base64::Engine;
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(signature) else {
            return false;
        };
        let Ok(bytes) = <[u8; 64]>::try_from(bytes.as_slice()) else {
            return false;
        };
        key.verify(self.message().as_bytes(), &Signature::from_bytes(&bytes))
            .is_ok()
    }
}

/// A short name for a public key: the first 8 bytes of its SHA-256, in hex.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, second).unwrap()
    }

    fn link(seq: i64, payload: &str) -> Link<'_> {
        Link {
            seq,
            petition_id: Some(7),
            actor_kind: "staff",
            actor_id: Some("3"),
            action: "petition.accepted",
            created_at: at(seq as u32),
            payload,
        }
    }

    /// A chain of `n` events as stored: (link, prev_hash, hash).
    fn chain(payloads: &[String]) -> Vec<(Link<'_>, String, String)> {
        let mut prev = GENESIS.to_owned();
        payloads
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let l = link(i as i64 + 1, p);
                let h = l.hash(&prev);
                let stored = (l, prev.clone(), h.clone());
                prev = h;
                stored
            })
            .collect()
    }

    fn walk(events: &[(Link, String, String)]) -> Result<Walk, Break> {
        let mut w = Walk::default();
        for (l, p, h) in events {
            w.step(l, p, h)?;
        }
        Ok(w)
    }

    #[test]
    fn the_encoding_is_the_documented_one() {
        let l = link(1, r#"{"complexity":"normal"}"#);
        assert_eq!(
            l.canonical(),
            "tiengdan-event-v1\n1\n7\nstaff\n3\npetition.accepted\n2026-11-24T10:00:01.000000Z\n{\"complexity\":\"normal\"}"
        );
        // Pinned: an outside verifier computes the same bytes (docs/VERIFYING.md).
        let mut hasher = Sha256::new();
        hasher.update([0u8; 32]);
        hasher.update(l.canonical().as_bytes());
        assert_eq!(l.hash(GENESIS), hex::encode(hasher.finalize()));
    }

    #[test]
    fn a_checkpoint_verifies_only_with_its_key_and_content() {
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let c = Checkpoint {
            seq: 12,
            hash: "ab".repeat(32),
            signed_at: at(0),
        };
        let signature = c.sign(&key);
        assert!(c.verify(&key.verifying_key(), &signature));
        assert!(!c.verify(&other.verifying_key(), &signature));
        let moved = Checkpoint {
            seq: 13,
            ..c.clone()
        };
        assert!(!moved.verify(&key.verifying_key(), &signature));
        assert!(!c.verify(&key.verifying_key(), "not base64!"));
    }

    proptest! {
        #[test]
        fn any_single_change_is_caught(
            payloads in prop::collection::vec("[a-z]{0,12}", 2..20),
            victim in any::<prop::sample::Index>(),
            tamper in 0u8..5,
        ) {
            let payloads: Vec<String> = payloads.into_iter().map(|p| format!("{{\"x\":\"{p}\"}}")).collect();
            let good = chain(&payloads);
            prop_assert!(walk(&good).is_ok());
            let i = victim.index(good.len());
            let mut bad = good.clone();
            let changed = "{\"x\":\"forged\"}".to_owned();
            match tamper {
                // Change a payload.
                0 => bad[i].0.payload = &changed,
                // Change a timestamp.
                1 => bad[i].0.created_at = at(59),
                // Remove an event (not the last: that is the checkpoint's job).
                2 => { let j = i.min(bad.len() - 2); bad.remove(j); }
                // Swap two neighbours.
                3 => { let j = i.min(bad.len() - 2); bad.swap(j, j + 1); }
                // Insert a forged event with a hash of its own.
                _ => {
                    let forged = Link { seq: i as i64 + 1, ..link(i as i64 + 1, &changed) };
                    let prev = bad[i].1.clone();
                    let h = forged.hash(&prev);
                    bad.insert(i, (forged, prev, h));
                }
            }
            if tamper == 0 && good[i].0.payload == changed {
                return Ok(());
            }
            prop_assert!(walk(&bad).is_err(), "tamper {} at {} went unnoticed", tamper, i);
        }
    }
}
