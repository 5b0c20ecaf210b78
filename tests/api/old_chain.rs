//! A chain written before events were typed still verifies, and today's code writes its
//! events byte for byte as they were written then.
//!
//! The fixture is `tiengdan audit export` of a database made with the code of commit f39e6d4
//! (before `domain::event`): `tiengdan demo --petitions 60 --provinces 01 --communes 3
//! --months 2 --until 2026-11-15`, then through the API an escalation, a reveal, a withdrawal,
//! two calendar changes (one moving a clock), a rule added and changed, a remote commune, a
//! user and a revoked partner, a sweep and two checkpoints. It holds every kind of event. The
//! checkpoints were signed with the seed 0x33 × 32 (`AUDIT_SIGNING_KEY=3333…33`).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tiengdan::domain::audit::{Checkpoint, Link, Walk};
use tiengdan::domain::event::{Event, EventKind};

const FIXTURE: &str = include_str!("../fixtures/audit-export-before-typed-events.jsonl");

fn lines() -> Vec<Value> {
    FIXTURE
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .to_utc()
}

#[test]
fn the_old_chain_verifies_and_its_checkpoints_are_signed() {
    let mut walk = Walk::default();
    let mut heads = Vec::new();
    for line in lines().iter().filter(|l| l["type"] == "event") {
        let link = Link {
            seq: line["seq"].as_i64().unwrap(),
            petition_id: line["petition_id"].as_i64(),
            actor_kind: line["actor_kind"].as_str().unwrap(),
            actor_id: line["actor_id"].as_str(),
            action: line["action"].as_str().unwrap(),
            created_at: instant(&line["created_at"]),
            payload: line["payload"].as_str().unwrap(),
        };
        walk.step(
            &link,
            line["prev_hash"].as_str().unwrap(),
            line["hash"].as_str().unwrap(),
        )
        .unwrap_or_else(|b| panic!("broken at {}: {b:?}", link.seq));
        heads.push((link.seq, walk.head_hash().to_owned()));
    }
    assert_eq!(walk.checked(), 317);

    let key = tiengdan::signing::AuditKey::from_seed(&[0x33; 32]).public();
    let checkpoints: Vec<Value> = lines()
        .into_iter()
        .filter(|l| l["type"] == "checkpoint")
        .collect();
    assert_eq!(checkpoints.len(), 2);
    for c in checkpoints {
        let checkpoint = Checkpoint {
            seq: c["seq"].as_i64().unwrap(),
            hash: c["hash"].as_str().unwrap().to_owned(),
            signed_at: instant(&c["signed_at"]),
        };
        assert!(
            heads.contains(&(checkpoint.seq, checkpoint.hash.clone())),
            "{c}"
        );
        assert!(
            checkpoint.verify(&key, c["signature"].as_str().unwrap()),
            "{c}"
        );
    }
}

#[test]
fn every_old_event_reads_as_its_type_and_is_written_again_byte_for_byte() {
    let lines = lines();
    let mut kinds = BTreeSet::new();
    for line in lines.iter().filter(|l| l["type"] == "event") {
        let action = line["action"].as_str().unwrap();
        let payload = line["payload"].as_str().unwrap();
        let event =
            Event::decode(action, payload).unwrap_or_else(|e| panic!("{action} {payload}: {e}"));
        assert_eq!(event.kind().code(), action);
        assert_eq!(event.payload().unwrap(), payload, "{action}");
        kinds.insert(action);
    }
    // The fixture exercises every kind there was when it was made; kinds added since have no
    // old events to read again.
    let newer = [
        "user.changed",
        "user.disabled",
        "user.enabled",
        "user.password_reset",
        "user.password_changed",
        "identity.erased",
        "petition.completed",
        "petition.not_competent",
    ];
    let all: BTreeSet<&str> = EventKind::ALL
        .iter()
        .map(|k| k.code())
        .filter(|code| !newer.contains(code))
        .collect();
    assert_eq!(kinds, all);
}
