//! The audit chain as stored: its head, its signed checkpoints, and the verification that
//! walks every event (DESIGN §3.9).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ed25519_dalek::VerifyingKey;
use serde::Serialize;
use utoipa::ToSchema;

use super::events::EventRow;
use super::schema::{audit_checkpoints, audit_head, events};
use super::{DbConnection, DbError};
use crate::domain::audit::{Break, ChainLink, Checkpoint, Walk};
use crate::signing::AuditKey;

/// Events read per query while verifying.
const CHUNK: i64 = 10_000;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_checkpoints)]
pub struct CheckpointRow {
    pub id: i64,
    pub seq: i64,
    pub hash: String,
    pub signed_at: NaiveDateTime,
    pub key_id: String,
    pub signature: String,
}

impl CheckpointRow {
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            seq: self.seq,
            hash: self.hash.clone(),
            signed_at: self.signed_at.and_utc(),
        }
    }
}

/// The chain's head: the newest event's position and hash.
pub fn head(conn: &mut DbConnection) -> Result<(i64, String), DbError> {
    Ok(audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?)
}

/// Signs the current head and stores the checkpoint.
pub fn checkpoint(
    conn: &mut DbConnection,
    key: &AuditKey,
    at: NaiveDateTime,
) -> Result<CheckpointRow, DbError> {
    let (seq, hash) = head(conn)?;
    let signed = Checkpoint {
        seq,
        hash: hash.clone(),
        signed_at: at.and_utc(),
    };
    let signature = key.sign(&signed);
    let id: i64 = diesel::insert_into(audit_checkpoints::table)
        .values((
            audit_checkpoints::seq.eq(seq),
            audit_checkpoints::hash.eq(&hash),
            audit_checkpoints::signed_at.eq(at),
            audit_checkpoints::key_id.eq(key.key_id()),
            audit_checkpoints::signature.eq(&signature),
        ))
        .returning(audit_checkpoints::id)
        .get_result(conn)?;
    Ok(CheckpointRow {
        id,
        seq,
        hash,
        signed_at: at,
        key_id: key.key_id().to_owned(),
        signature,
    })
}

/// What signing a checkpoint came to.
#[derive(Debug, Clone)]
pub enum Signing {
    /// Nothing to sign: an empty chain, or no event since the last checkpoint.
    NothingNew,
    Signed(CheckpointRow),
    /// The chain from the last checkpoint does not end at the stored head (or the head went
    /// back behind one seen before): nothing was signed.
    Refused(Break),
}

/// Signs the head, but only once the events since the last checkpoint, recomputed one by one,
/// end exactly at it, and the head extends `seen` (the head this signer saw last time, if
/// any): a tail cut off and the head moved back is refused, not signed over.
pub fn checkpoint_checked(
    conn: &mut DbConnection,
    key: &AuditKey,
    seen: Option<&(i64, String)>,
    at: NaiveDateTime,
) -> Result<Signing, DbError> {
    let (seq, hash) = head(conn)?;
    let latest = checkpoints(conn, None, 1)?.into_iter().next();
    let refused = |found_seq: i64, found_hash: &str| {
        Signing::Refused(Break::HeadMismatch {
            stored_seq: seq,
            stored_hash: hash.clone(),
            found_seq,
            found_hash: found_hash.to_owned(),
        })
    };
    if let Some((seen_seq, seen_hash)) = seen {
        if seq < *seen_seq {
            return Ok(refused(*seen_seq, seen_hash));
        }
        let at_seen = hash_at(conn, *seen_seq)?;
        if *seen_seq > 0 && at_seen.as_deref() != Some(seen_hash.as_str()) {
            return Ok(refused(*seen_seq, seen_hash));
        }
    }
    let mut walk = match &latest {
        Some(c) => {
            if !c.checkpoint().verify(&key.public(), &c.signature) {
                return Ok(Signing::Refused(Break::BadSignature {
                    checkpoint_seq: c.seq,
                }));
            }
            if seq < c.seq {
                return Ok(Signing::Refused(Break::Truncated {
                    checkpoint_seq: c.seq,
                    head_seq: seq,
                }));
            }
            Walk::after(c.seq, &c.hash)
        }
        None => Walk::default(),
    };
    if seq == 0 || latest.as_ref().is_some_and(|c| c.seq == seq) {
        return Ok(Signing::NothingNew);
    }
    if let Some((_, problem)) = walk_on(conn, &mut walk, |_| {})? {
        return Ok(Signing::Refused(problem));
    }
    if walk.head_seq() != seq || walk.head_hash() != hash {
        return Ok(refused(walk.head_seq(), walk.head_hash()));
    }
    checkpoint(conn, key, at).map(Signing::Signed)
}

/// Walks the chained events after `walk`'s head, in order, calling `each` after every one
/// that checks out. Stops at the first that does not: its row id and what is wrong.
fn walk_on(
    conn: &mut DbConnection,
    walk: &mut Walk,
    mut each: impl FnMut(&Walk),
) -> Result<Option<(i64, Break)>, DbError> {
    loop {
        let rows: Vec<EventRow> = events::table
            .filter(events::seq.gt(walk.head_seq()))
            .order(events::seq)
            .limit(CHUNK)
            .select(EventRow::as_select())
            .load(conn)?;
        if rows.is_empty() {
            return Ok(None);
        }
        for row in &rows {
            let step = walk.step(
                &row.link(),
                row.prev_hash.as_deref().unwrap_or_default(),
                row.hash.as_deref().unwrap_or_default(),
            );
            if let Err(problem) = step {
                return Ok(Some((row.id, problem)));
            }
            each(walk);
        }
    }
}

/// What is wrong with a checkpoint, given the chain's head and the hash found at its
/// position: a signature that does not verify, a position past the head, another hash.
fn mark_problem(
    mark: &CheckpointRow,
    public: &VerifyingKey,
    head_seq: i64,
    found: Option<&String>,
) -> Option<Break> {
    if !mark.checkpoint().verify(public, &mark.signature) {
        Some(Break::BadSignature {
            checkpoint_seq: mark.seq,
        })
    } else if mark.seq > head_seq {
        Some(Break::Truncated {
            checkpoint_seq: mark.seq,
            head_seq,
        })
    } else if mark.seq > 0 && found != Some(&mark.hash) {
        Some(Break::CheckpointMismatch {
            checkpoint_seq: mark.seq,
            signed: mark.hash.clone(),
            found: found.cloned().unwrap_or_default(),
        })
    } else {
        None
    }
}

/// The stored hash of the event at position `seq`.
fn hash_at(conn: &mut DbConnection, seq: i64) -> Result<Option<String>, DbError> {
    Ok(events::table
        .filter(events::seq.eq(seq))
        .select(events::hash)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// The links after position `after`, in chain order, at most `take`.
pub fn links(conn: &mut DbConnection, after: i64, take: i64) -> Result<Vec<ChainLink>, DbError> {
    Ok(events::table
        .filter(events::seq.gt(after))
        .order(events::seq)
        .limit(take)
        .select((
            events::seq.assume_not_null(),
            events::prev_hash.assume_not_null(),
            events::hash.assume_not_null(),
        ))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(seq, prev_hash, hash)| ChainLink {
            seq,
            prev_hash,
            hash,
        })
        .collect())
}

/// Checkpoints, newest first, before `before` (an id), at most `take`.
pub fn checkpoints(
    conn: &mut DbConnection,
    before: Option<i64>,
    take: i64,
) -> Result<Vec<CheckpointRow>, DbError> {
    let mut query = audit_checkpoints::table
        .order(audit_checkpoints::id.desc())
        .limit(take)
        .select(CheckpointRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(audit_checkpoints::id.lt(before));
    }
    Ok(query.load(conn)?)
}

/// The first broken link, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BrokenLink {
    /// The position in the chain where checking stopped.
    pub seq: i64,
    /// The event's row id, when a stored event is at fault.
    pub event_id: Option<i64>,
    #[serde(flatten)]
    pub problem: Break,
}

/// What verification found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    pub valid: bool,
    /// Events whose link and hash checked out.
    pub events_checked: u64,
    /// The newest event's position and hash, as recomputed.
    pub head_seq: i64,
    pub head_hash: String,
    /// Signed checkpoints checked against the chain.
    pub checkpoints_checked: u64,
    /// The newest checkpoint.
    pub latest_checkpoint_seq: Option<i64>,
    pub broken: Option<BrokenLink>,
}

/// Recomputes the whole chain, then checks every checkpoint against it: its signature, and
/// that the event at its position has the hash it signed (so events removed from the end, or
/// a chain rebuilt after a change, are caught).
pub fn verify(conn: &mut DbConnection, public: &VerifyingKey) -> Result<Verification, DbError> {
    let marks: Vec<CheckpointRow> = audit_checkpoints::table
        .order(audit_checkpoints::seq)
        .select(CheckpointRow::as_select())
        .load(conn)?;
    let mut walk = Walk::default();
    // The hash at each checkpoint's position, as found while walking.
    let mut found_at: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let wanted: std::collections::HashSet<i64> = marks.iter().map(|m| m.seq).collect();
    let mut after: Option<i64> = None;
    let mut broken = None;
    'chunks: loop {
        // Walk in stored order of position; events never chained sort last and are caught.
        let mut query = events::table
            .order((events::seq.is_null(), events::seq, events::id))
            .limit(CHUNK)
            .select(EventRow::as_select())
            .into_boxed();
        if let Some(after) = after {
            query = query.filter(events::seq.gt(after).or(events::seq.is_null()));
        }
        let rows: Vec<EventRow> = query.load(conn)?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let step = walk.step(
                &row.link(),
                row.prev_hash.as_deref().unwrap_or_default(),
                row.hash.as_deref().unwrap_or_default(),
            );
            if let Err(problem) = step {
                broken = Some(BrokenLink {
                    seq: walk.head_seq() + 1,
                    event_id: Some(row.id),
                    problem,
                });
                break 'chunks;
            }
            if wanted.contains(&walk.head_seq()) {
                found_at.insert(walk.head_seq(), walk.head_hash().to_owned());
            }
        }
        match rows.last().and_then(|r| r.seq) {
            Some(last) if (rows.len() as i64) == CHUNK => after = Some(last),
            _ => break,
        }
    }
    let mut checked = 0;
    if broken.is_none() {
        for mark in &marks {
            let found = found_at.get(&mark.seq);
            if let Some(problem) = mark_problem(mark, public, walk.head_seq(), found) {
                broken = Some(BrokenLink {
                    seq: mark.seq,
                    event_id: None,
                    problem,
                });
                break;
            }
            checked += 1;
        }
    }
    Ok(Verification {
        valid: broken.is_none(),
        events_checked: walk.checked(),
        head_seq: walk.head_seq(),
        head_hash: walk.head_hash().to_owned(),
        checkpoints_checked: checked,
        latest_checkpoint_seq: marks.iter().map(|m| m.seq).max(),
        broken,
    })
}

/// How far a verification got, to extend the next one from instead of walking the whole
/// chain again.
#[derive(Debug, Clone)]
pub struct VerifiedPrefix {
    walk: Walk,
    events_checked: u64,
    /// Checkpoints up to this id have been checked.
    last_mark_id: i64,
    checkpoints_checked: u64,
    latest_checkpoint_seq: Option<i64>,
}

/// Verifies the chain from where `prior` left it: the events appended since are walked on
/// from its head (whose stored hash must not have changed, or the whole chain is walked
/// again) and the checkpoints signed since are checked. A chain with a break, or with an event
/// never chained, is verified in full. Returns the report and where the next may start.
pub fn verify_since(
    conn: &mut DbConnection,
    public: &VerifyingKey,
    prior: Option<&VerifiedPrefix>,
) -> Result<(Verification, Option<VerifiedPrefix>), DbError> {
    let unchained: i64 = events::table
        .filter(events::seq.is_null())
        .count()
        .get_result(conn)?;
    let prior = match prior {
        Some(p) if unchained == 0 => {
            let seq = p.walk.head_seq();
            let still = seq == 0 || hash_at(conn, seq)?.as_deref() == Some(p.walk.head_hash());
            still.then_some(p)
        }
        _ => None,
    };
    let Some(prior) = prior else {
        // Read first: a checkpoint signed during the walk is checked again next time rather
        // than never.
        let last_mark_id = audit_checkpoints::table
            .select(diesel::dsl::max(audit_checkpoints::id))
            .first::<Option<i64>>(conn)?
            .unwrap_or(0);
        let report = verify(conn, public)?;
        if !report.valid || unchained > 0 {
            return Ok((report, None));
        }
        // A full walk: what it covered is where the next one starts.
        let next = VerifiedPrefix {
            walk: Walk::after(report.head_seq, &report.head_hash),
            events_checked: report.events_checked,
            last_mark_id,
            checkpoints_checked: report.checkpoints_checked,
            latest_checkpoint_seq: report.latest_checkpoint_seq,
        };
        return Ok((report, Some(next)));
    };
    let mut next = prior.clone();
    let walked_from = prior.walk.head_seq();
    // The checkpoints signed since: only the hashes at their positions are kept while walking.
    let marks: Vec<CheckpointRow> = audit_checkpoints::table
        .filter(audit_checkpoints::id.gt(prior.last_mark_id))
        .order(audit_checkpoints::id)
        .select(CheckpointRow::as_select())
        .load(conn)?;
    let wanted: std::collections::HashSet<i64> = marks.iter().map(|m| m.seq).collect();
    let mut found_at = std::collections::HashMap::new();
    let mut walked = 0;
    let stop = walk_on(conn, &mut next.walk, |walk| {
        walked += 1;
        if wanted.contains(&walk.head_seq()) {
            found_at.insert(walk.head_seq(), walk.head_hash().to_owned());
        }
    })?;
    next.events_checked += walked;
    let mut broken = stop.map(|(event_id, problem)| BrokenLink {
        seq: next.walk.head_seq() + 1,
        event_id: Some(event_id),
        problem,
    });
    if broken.is_none() {
        for mark in &marks {
            // Before where this walk began, the hash stored there was verified by an earlier one.
            let found = if mark.seq > walked_from {
                found_at.get(&mark.seq).cloned()
            } else {
                hash_at(conn, mark.seq)?
            };
            if let Some(problem) = mark_problem(mark, public, next.walk.head_seq(), found.as_ref())
            {
                broken = Some(BrokenLink {
                    seq: mark.seq,
                    event_id: None,
                    problem,
                });
                break;
            }
            next.checkpoints_checked += 1;
            next.last_mark_id = mark.id;
            next.latest_checkpoint_seq = next.latest_checkpoint_seq.max(Some(mark.seq));
        }
    }
    let report = Verification {
        valid: broken.is_none(),
        events_checked: next.events_checked,
        head_seq: next.walk.head_seq(),
        head_hash: next.walk.head_hash().to_owned(),
        checkpoints_checked: next.checkpoints_checked,
        latest_checkpoint_seq: next.latest_checkpoint_seq,
        broken,
    };
    let next = report.valid.then_some(next);
    Ok((report, next))
}

/// Writes every event and checkpoint as JSON lines, for outside verification
/// (docs/VERIFYING.md): `{"type":"event", …}` in chain order, then `{"type":"checkpoint", …}`.
/// The payload is given as the stored text, so that its bytes are the ones hashed.
pub fn export(conn: &mut DbConnection, out: &mut impl std::io::Write) -> Result<(), DbError> {
    use crate::domain::audit::timestamp;
    let io = |e: std::io::Error| DbError::Corrupt(format!("writing the export: {e}"));
    let mut after = 0i64;
    loop {
        let rows: Vec<EventRow> = events::table
            .filter(events::seq.gt(after))
            .order(events::seq)
            .limit(CHUNK)
            .select(EventRow::as_select())
            .load(conn)?;
        for r in &rows {
            let line = serde_json::json!({
                "type": "event",
                "seq": r.seq,
                "petition_id": r.petition_id,
                "actor_kind": r.actor_kind,
                "actor_id": r.actor_id,
                "action": r.action,
                "created_at": timestamp(r.created_at.and_utc()),
                "payload": r.payload,
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            });
            writeln!(out, "{line}").map_err(io)?;
        }
        match rows.last().and_then(|r| r.seq) {
            Some(last) if rows.len() as i64 == CHUNK => after = last,
            _ => break,
        }
    }
    let marks: Vec<CheckpointRow> = audit_checkpoints::table
        .order(audit_checkpoints::id)
        .select(CheckpointRow::as_select())
        .load(conn)?;
    for m in &marks {
        let line = serde_json::json!({
            "type": "checkpoint",
            "seq": m.seq,
            "hash": m.hash,
            "signed_at": timestamp(m.signed_at.and_utc()),
            "key_id": m.key_id,
            "signature": m.signature,
        });
        writeln!(out, "{line}").map_err(io)?;
    }
    Ok(())
}
