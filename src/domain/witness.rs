//! What an outside witness concludes from what a server publishes (DESIGN §3.9).
//!
//! A witness (the Fatherland Front, a partner, a journalist) keeps the checkpoints it has
//! accepted and the chain's links under them. The operator holds the signing key and the
//! database, so a chain cut short and signed again verifies on its own; only an earlier copy
//! shows it. Each round the witness asks three things, decided here:
//! - is every new checkpoint signed by the key it pinned ([`signed`]);
//! - does the chain under it extend the chain under the last one it accepted ([`extends`]);
//! - is the event its last checkpoint signed still there, unchanged ([`still_there`]), and is
//!   that checkpoint still published ([`still_published`]).

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::audit::{ChainLink, Checkpoint};

/// A checkpoint as published, with its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub checkpoint: Checkpoint,
    pub key_id: String,
    /// Ed25519 signature over [`Checkpoint::message`], base64.
    pub signature: String,
}

/// Something a witness must report loudly: the published record contradicts what it saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum Finding {
    /// The server publishes another key than the one the witness pinned. A rotation is
    /// announced beforehand; an unannounced one may hide a re-signed chain.
    #[error("the server's key is now {served}, not {pinned} as pinned")]
    KeyChanged { pinned: String, served: String },
    /// A checkpoint whose signature does not verify with the pinned key.
    #[error("the checkpoint at position {seq} is not signed by the pinned key")]
    BadSignature { seq: i64 },
    /// The newest checkpoint published lies behind one the witness accepted: the record was
    /// rolled back.
    #[error(
        "rolled back: the newest checkpoint is at position {served_seq}, behind {seen_seq} seen"
    )]
    RolledBack { seen_seq: i64, served_seq: i64 },
    /// A checkpoint the witness accepted is no longer published, or published with another
    /// hash or signature: the record under it was replaced.
    #[error("the checkpoint seen at position {seq} is no longer published as it was")]
    Withdrawn { seq: i64, hash: String },
    /// The event a checkpoint signed is gone: the chain's tail was cut.
    #[error("the event at position {seq}, signed by a checkpoint, is gone")]
    Missing { seq: i64 },
    /// At a position the witness holds, the chain now has another hash: a fork.
    #[error("fork at position {seq}: {seen} was seen, {served} is served")]
    Forked {
        seq: i64,
        seen: String,
        served: String,
    },
    /// The links between two checkpoints skip or repeat a position.
    #[error("the chain skips from position {expected} to {found}")]
    Gap { expected: i64, found: i64 },
    /// A checkpoint signs a position behind the one before it, or the chain under it does
    /// not reach its position.
    #[error("the checkpoint at position {seq} is not above the chain it should extend")]
    Unreachable { seq: i64 },
}

/// Whether `signed` carries a valid signature by `key`.
pub fn signed(signed: &Signed, key: &VerifyingKey) -> Result<(), Finding> {
    if signed.checkpoint.verify(key, &signed.signature) {
        Ok(())
    } else {
        Err(Finding::BadSignature {
            seq: signed.checkpoint.seq,
        })
    }
}

/// Whether `links` (oldest first, exactly the positions after `from` up to `to`) carry the
/// chain on from checkpoint `from` to checkpoint `to`: contiguous, each following the hash
/// before it, ending at the hash `to` signed.
pub fn extends(from: &Checkpoint, links: &[ChainLink], to: &Checkpoint) -> Result<(), Finding> {
    if to.seq < from.seq {
        return Err(Finding::Unreachable { seq: to.seq });
    }
    let mut seq = from.seq;
    let mut hash = from.hash.as_str();
    for link in links {
        if link.seq != seq + 1 {
            return Err(Finding::Gap {
                expected: seq + 1,
                found: link.seq,
            });
        }
        if link.prev_hash != hash {
            return Err(Finding::Forked {
                seq,
                seen: hash.to_owned(),
                served: link.prev_hash.clone(),
            });
        }
        seq = link.seq;
        hash = &link.hash;
        if seq == to.seq {
            break;
        }
    }
    if seq != to.seq {
        return Err(Finding::Unreachable { seq: to.seq });
    }
    if hash != to.hash {
        return Err(Finding::Forked {
            seq,
            seen: to.hash.clone(),
            served: hash.to_owned(),
        });
    }
    Ok(())
}

/// Whether the event `seen` signed is still served with the same hash. `served` is the link
/// the server gives for that position, if any. An empty chain's checkpoint (position 0) signs
/// no event.
pub fn still_there(seen: &Checkpoint, served: Option<&ChainLink>) -> Result<(), Finding> {
    if seen.seq == 0 {
        return Ok(());
    }
    match served {
        Some(link) if link.seq == seen.seq && link.hash == seen.hash => Ok(()),
        Some(link) if link.seq == seen.seq => Err(Finding::Forked {
            seq: seen.seq,
            seen: seen.hash.clone(),
            served: link.hash.clone(),
        }),
        _ => Err(Finding::Missing { seq: seen.seq }),
    }
}

/// Whether the checkpoint the witness accepted last is still among those published
/// (`served`: every published checkpoint at or above its position), and none behind it is
/// the newest.
pub fn still_published(seen: &Signed, served: &[Signed]) -> Result<(), Finding> {
    let newest = served.iter().map(|s| s.checkpoint.seq).max();
    match newest {
        Some(newest) if newest >= seen.checkpoint.seq => {}
        newest => {
            return Err(Finding::RolledBack {
                seen_seq: seen.checkpoint.seq,
                served_seq: newest.unwrap_or(0),
            });
        }
    }
    if let Some(other) = served.iter().find(|s| {
        s.checkpoint.seq == seen.checkpoint.seq && s.checkpoint.hash != seen.checkpoint.hash
    }) {
        return Err(Finding::Forked {
            seq: seen.checkpoint.seq,
            seen: seen.checkpoint.hash.clone(),
            served: other.checkpoint.hash.clone(),
        });
    }
    if served.iter().any(|s| s == seen) {
        Ok(())
    } else {
        Err(Finding::Withdrawn {
            seq: seen.checkpoint.seq,
            hash: seen.checkpoint.hash.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::GENESIS;
    use chrono::{TimeZone, Utc};
    use ed25519_dalek::SigningKey;
    use proptest::prelude::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    /// A chain of `n` links with made-up hashes: position i has hash "h{i}".
    fn chain(n: i64, tag: &str) -> Vec<ChainLink> {
        (1..=n)
            .map(|seq| ChainLink {
                seq,
                prev_hash: if seq == 1 {
                    GENESIS.to_owned()
                } else {
                    format!("{tag}{}", seq - 1)
                },
                hash: format!("{tag}{seq}"),
            })
            .collect()
    }

    fn at(links: &[ChainLink], seq: i64) -> Checkpoint {
        Checkpoint {
            seq,
            hash: if seq == 0 {
                GENESIS.to_owned()
            } else {
                links[seq as usize - 1].hash.clone()
            },
            signed_at: Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap(),
        }
    }

    fn sign(checkpoint: Checkpoint) -> Signed {
        Signed {
            signature: checkpoint.sign(&key()),
            key_id: "k".into(),
            checkpoint,
        }
    }

    #[test]
    fn a_chain_grown_on_extends_the_last_checkpoint() {
        let links = chain(9, "h");
        assert_eq!(
            extends(&at(&links, 3), &links[3..9], &at(&links, 9)),
            Ok(())
        );
        assert_eq!(extends(&at(&links, 0), &links[..4], &at(&links, 4)), Ok(()));
        // Nothing new: the same position, the same hash.
        assert_eq!(extends(&at(&links, 4), &[], &at(&links, 4)), Ok(()));
    }

    #[test]
    fn a_rebuilt_tail_is_a_fork() {
        let old = chain(9, "h");
        let mut rebuilt = chain(5, "h");
        // From position 6 on, other events: the server cut the tail and wrote anew.
        rebuilt.extend(chain(12, "x").into_iter().skip(5).map(|mut l| {
            if l.seq == 6 {
                l.prev_hash = "h5".into();
            }
            l
        }));
        // The witness saw a checkpoint at 8 (on the old chain); the new one is at 12.
        let finding = extends(&at(&old, 8), &rebuilt[8..12], &at(&rebuilt, 12)).unwrap_err();
        assert_eq!(
            finding,
            Finding::Forked {
                seq: 8,
                seen: "h8".into(),
                served: "x8".into()
            }
        );
    }

    #[test]
    fn skipped_or_short_links_are_refused() {
        let links = chain(9, "h");
        let skipping = [links[3].clone(), links[5].clone()];
        assert_eq!(
            extends(&at(&links, 3), &skipping, &at(&links, 6)),
            Err(Finding::Gap {
                expected: 5,
                found: 6
            })
        );
        assert_eq!(
            extends(&at(&links, 3), &links[3..5], &at(&links, 9)),
            Err(Finding::Unreachable { seq: 9 })
        );
        assert_eq!(
            extends(&at(&links, 6), &[], &at(&links, 4)),
            Err(Finding::Unreachable { seq: 4 })
        );
        // The links reach the position, but the checkpoint signed another hash there.
        let mut other = at(&links, 6);
        other.hash = "elsewhere".into();
        assert!(matches!(
            extends(&at(&links, 3), &links[3..6], &other),
            Err(Finding::Forked { seq: 6, .. })
        ));
    }

    #[test]
    fn a_cut_tail_is_missing_and_a_changed_event_a_fork() {
        let links = chain(9, "h");
        let seen = at(&links, 9);
        assert_eq!(still_there(&seen, Some(&links[8])), Ok(()));
        assert_eq!(still_there(&seen, None), Err(Finding::Missing { seq: 9 }));
        let mut changed = links[8].clone();
        changed.hash = "other".into();
        assert!(matches!(
            still_there(&seen, Some(&changed)),
            Err(Finding::Forked { seq: 9, .. })
        ));
        // A link for another position does not stand in for the one signed.
        assert_eq!(
            still_there(&seen, Some(&links[7])),
            Err(Finding::Missing { seq: 9 })
        );
        assert_eq!(still_there(&at(&links, 0), None), Ok(()));
    }

    #[test]
    fn a_checkpoint_seen_must_stay_published_and_newest_or_older() {
        let links = chain(9, "h");
        let seen = sign(at(&links, 6));
        let newer = sign(at(&links, 9));
        assert_eq!(
            still_published(&seen, &[newer.clone(), seen.clone()]),
            Ok(())
        );
        assert_eq!(
            still_published(&seen, &[sign(at(&links, 4))]),
            Err(Finding::RolledBack {
                seen_seq: 6,
                served_seq: 4
            })
        );
        assert_eq!(
            still_published(&seen, &[]),
            Err(Finding::RolledBack {
                seen_seq: 6,
                served_seq: 0
            })
        );
        assert!(matches!(
            still_published(&seen, std::slice::from_ref(&newer)),
            Err(Finding::Withdrawn { seq: 6, .. })
        ));
        // Signed again at the same position over another hash: two chains, one key.
        let mut twin = at(&links, 6);
        twin.hash = "x6".into();
        assert!(matches!(
            still_published(&seen, &[newer, seen.clone(), sign(twin)]),
            Err(Finding::Forked { seq: 6, .. })
        ));
    }

    #[test]
    fn only_the_pinned_key_signs() {
        let links = chain(3, "h");
        let good = sign(at(&links, 3));
        assert_eq!(signed(&good, &key().verifying_key()), Ok(()));
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert_eq!(signed(&good, &other), Err(Finding::BadSignature { seq: 3 }));
        let mut moved = good.clone();
        moved.checkpoint.seq = 2;
        assert_eq!(
            signed(&moved, &key().verifying_key()),
            Err(Finding::BadSignature { seq: 2 })
        );
    }

    proptest! {
        /// Whatever two checkpoints on one chain, the links between them extend one to the
        /// other; change any one of those links and they do not.
        #[test]
        fn extension_holds_exactly_for_the_unchanged_chain(
            n in 1i64..40, a in 0i64..40, b in 0i64..40, tamper in 0usize..40, field in 0u8..3,
        ) {
            let links = chain(n, "h");
            let (from, to) = (a.min(b) % (n + 1), a.max(b) % (n + 1));
            let (from, to) = (from.min(to), from.max(to));
            let between = &links[from as usize..to as usize];
            prop_assert_eq!(extends(&at(&links, from), between, &at(&links, to)), Ok(()));
            if !between.is_empty() {
                let mut changed = between.to_vec();
                let i = tamper % changed.len();
                match field {
                    0 => changed[i].seq += 1,
                    1 => changed[i].prev_hash.push('x'),
                    _ => changed[i].hash.push('x'),
                }
                prop_assert!(extends(&at(&links, from), &changed, &at(&links, to)).is_err());
            }
        }
    }
}
