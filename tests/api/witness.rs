//! `tiengdan witness`: an outsider's copy of the record. It follows a growing chain quietly,
//! and raises an alarm (exit 1, `alarm.json`, a gauge) when the server cuts the tail it saw
//! signed, or rebuilds it and signs again: tampering the server's own verification cannot see.

use std::path::Path;
use std::process::Command;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde_json::Value;
use tiengdan::db::DbConnection;
use tiengdan::db::schema::{audit_head, events};

use crate::audit::{audit, busy, drop_guards, hash_at, head_seq};
use crate::helpers::TestApp;
use crate::petitions::{feedback, submitted};

/// Runs one round of `tiengdan witness` against the app; its exit code and what it printed.
fn witness(app: &TestApp, store: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tiengdan"))
        .args(["witness", "--once", "--server", &app.address, "--store"])
        .arg(store)
        .env("LOG_LEVEL", "warn")
        .output()
        .expect("run tiengdan witness");
    (
        output.status.code().expect("exited"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn gauge(store: &Path, name: &str) -> i64 {
    let text = std::fs::read_to_string(store.join("witness.prom")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .unwrap_or_else(|| panic!("{name} in {text}"))
        .trim()
        .parse()
        .unwrap()
}

fn sign_checkpoint(app: &TestApp) {
    let (ok, _, stderr) = audit(app, &["checkpoint"]);
    assert!(ok, "{stderr}");
}

/// Cuts the chain back to `keep` events and moves the head there, as someone holding the
/// database could; with `checkpoints`, removes the checkpoints above it too.
fn cut_tail(conn: &mut DbConnection, keep: i64, checkpoints: bool) {
    drop_guards(conn);
    diesel::delete(events::table.filter(events::seq.gt(keep)))
        .execute(conn)
        .unwrap();
    let hash = hash_at(conn, keep);
    diesel::update(audit_head::table)
        .set((audit_head::seq.eq(keep), audit_head::hash.eq(hash)))
        .execute(conn)
        .unwrap();
    if checkpoints {
        let sql = format!(
            "{} DELETE FROM audit_checkpoints WHERE seq > {keep};",
            match conn {
                DbConnection::Sqlite(_) => "DROP TRIGGER audit_checkpoints_no_delete;",
                DbConnection::Postgres(_) =>
                    "DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints;",
            }
        );
        match conn {
            DbConnection::Sqlite(c) => c.batch_execute(&sql).unwrap(),
            DbConnection::Postgres(c) => c.batch_execute(&sql).unwrap(),
        }
    }
}

#[actix_web::test]
async fn a_witness_follows_a_growing_record() {
    let w = busy().await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("copy");

    // Nothing signed yet: nothing to hold, nothing wrong.
    let (code, stderr) = witness(&w.app, &store);
    assert_eq!(code, 0, "{stderr}");
    assert!(!store.join("last.json").exists());

    sign_checkpoint(&w.app);
    let first = head_seq(&mut w.app.db());
    let (code, stderr) = witness(&w.app, &store);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        read_json(&store.join("last.json"))["checkpoint"]["seq"],
        first
    );
    let key = read_json(&store.join("key.json"));
    let published = w.app.get_json("/v1/transparency/key").await;
    assert_eq!(key["key_id"], published["key_id"]);

    // The chain grows and is signed twice more: the witness takes both, with the links
    // between, each following the one before.
    for _ in 0..2 {
        submitted(&w.app, &w.partner, &feedback()).await;
        submitted(&w.app, &w.partner, &feedback()).await;
        sign_checkpoint(&w.app);
    }
    let last = head_seq(&mut w.app.db());
    let (code, stderr) = witness(&w.app, &store);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        read_json(&store.join("last.json"))["checkpoint"]["seq"],
        last
    );
    let kept = lines(&store.join("checkpoints.jsonl"));
    assert_eq!(kept.len(), 3);
    let links = lines(&store.join("links.jsonl"));
    let seqs: Vec<i64> = links.iter().map(|l| l["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (first..=last).collect::<Vec<_>>());
    for pair in links.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    assert_eq!(
        links.last().unwrap()["hash"],
        hash_at(&mut w.app.db(), last)
    );
    assert_eq!(gauge(&store, "tiengdan_witness_alarm"), 0);
    assert_eq!(gauge(&store, "tiengdan_witness_checkpoint_seq"), last);

    // An unreachable server is not an alarm: the round could not be done.
    let dead = std::process::Command::new(env!("CARGO_BIN_EXE_tiengdan"))
        .args([
            "witness",
            "--once",
            "--server",
            "http://127.0.0.1:9",
            "--store",
        ])
        .arg(&store)
        .env("LOG_LEVEL", "off")
        .status()
        .unwrap();
    assert_eq!(dead.code(), Some(2));
    assert_eq!(gauge(&store, "tiengdan_witness_round_completed"), 0);
    assert_eq!(gauge(&store, "tiengdan_witness_alarm"), 0);
}

#[actix_web::test]
async fn a_tail_cut_after_the_witness_saw_its_checkpoint_is_caught() {
    let w = busy().await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().to_path_buf();
    sign_checkpoint(&w.app);
    let signed = head_seq(&mut w.app.db());
    assert_eq!(witness(&w.app, &store).0, 0);

    cut_tail(&mut w.app.db(), signed - 2, false);
    let (code, stderr) = witness(&w.app, &store);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("ALARM"), "{stderr}");
    let alarm = read_json(&store.join("alarm.json"));
    assert_eq!(alarm["finding"]["finding"], "missing", "{alarm}");
    assert_eq!(alarm["finding"]["seq"], signed, "{alarm}");
    assert_eq!(gauge(&store, "tiengdan_witness_alarm"), 1);

    // The alarm stays raised, round after round, until a person removes it.
    assert_eq!(witness(&w.app, &store).0, 1);
}

#[actix_web::test]
async fn a_tail_rebuilt_and_signed_again_is_caught_though_the_server_verifies() {
    let w = busy().await;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().to_path_buf();
    sign_checkpoint(&w.app);
    let signed = head_seq(&mut w.app.db());
    assert_eq!(witness(&w.app, &store).0, 0);

    // The operator cuts the tail and its checkpoint, writes new events over it through the
    // service, and signs: on its own the record is whole again.
    cut_tail(&mut w.app.db(), signed - 2, true);
    for _ in 0..3 {
        submitted(&w.app, &w.partner, &feedback()).await;
    }
    sign_checkpoint(&w.app);
    assert!(head_seq(&mut w.app.db()) > signed);
    let (ok, stdout, stderr) = audit(&w.app, &["verify", "--json"]);
    assert!(ok, "the server's own check passes: {stdout}{stderr}");

    let (code, stderr) = witness(&w.app, &store);
    assert_eq!(code, 1, "{stderr}");
    let alarm = read_json(&store.join("alarm.json"));
    assert_eq!(alarm["finding"]["finding"], "withdrawn", "{alarm}");
    assert_eq!(alarm["finding"]["seq"], signed, "{alarm}");
}

/// `GET /v1/transparency/chain`: every event's place and hashes, in pages, and nothing of what
/// it says.
#[actix_web::test]
async fn the_chain_is_read_in_pages_of_links_without_content() {
    let w = busy().await;
    let head = head_seq(&mut w.app.db());
    assert!(head > 3);
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = w
            .app
            .get_json(&format!("/v1/transparency/chain?after={after}&limit=2"))
            .await;
        let items = page["items"].as_array().unwrap();
        for item in items {
            let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["hash", "prev_hash", "seq"], "{item}");
            seen.push(item.clone());
        }
        match page["next_after"].as_i64() {
            Some(next) => {
                assert_eq!(items.len(), 2);
                after = next;
            }
            None => break,
        }
    }
    let seqs: Vec<i64> = seen.iter().map(|l| l["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, (1..=head).collect::<Vec<_>>());
    assert_eq!(seen[0]["prev_hash"], tiengdan::domain::audit::GENESIS);
    assert_eq!(seen.last().unwrap()["hash"], hash_at(&mut w.app.db(), head));
    let past_end = w
        .app
        .get_json(&format!("/v1/transparency/chain?after={head}"))
        .await;
    assert_eq!(past_end["items"], serde_json::json!([]));
    assert_eq!(past_end["next_after"], Value::Null);

    for bad in [
        "after=-1",
        "after=x",
        "after=9223372036854775808",
        "limit=0",
        "limit=501",
        "from=3",
    ] {
        let reply = w.app.get(&format!("/v1/transparency/chain?{bad}")).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text());
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json"),
            "{bad}"
        );
    }
}
