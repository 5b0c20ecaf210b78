//! The tamper-evident record: every event chained, checkpoints signed, and each kind of
//! tampering done through raw SQL caught by `tiengdan audit verify` and the API.

use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{Value, json};
use tiengdan::db::DbConnection;
use tiengdan::db::schema::{audit_head, events};

use crate::helpers::TestApp;
use crate::petitions::{feedback, submitted};
use crate::workflow::{World, act, world};

/// Runs `tiengdan audit …` against the app's database, with its keys.
pub fn audit(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tiengdan"));
    command
        .arg("audit")
        .args(args)
        .env("DATABASE_URL", app.database.url())
        .env("LOG_LEVEL", "warn");
    if let Some(key) = &app.settings.audit_signing_key {
        command.env("AUDIT_SIGNING_KEY", key.expose());
    }
    let output = command.output().expect("run tiengdan audit");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn verify(app: &TestApp) -> Value {
    let (ok, stdout, stderr) = audit(app, &["verify", "--json"]);
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stdout}{stderr}"));
    assert_eq!(
        ok,
        report["valid"] == true,
        "exit status agrees: {report} {stderr}"
    );
    if !ok {
        assert!(stderr.contains("broken at position"), "{stderr}");
    }
    report
}

/// A world with a handful of events: two petitions, one accepted and answered.
pub async fn busy() -> World {
    let w = world().await;
    let p = submitted(&w.app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    act(&w.app, &w.ba_dinh.official, id, "accept", json!({})).await;
    act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "answer",
        json!({"body": "Đã thu gom."}),
    )
    .await;
    submitted(&w.app, &w.partner, &feedback()).await;
    w
}

/// Lets raw SQL change the event log, as someone with database access could.
pub fn drop_guards(conn: &mut DbConnection) {
    match conn {
        DbConnection::Sqlite(c) => c
            .batch_execute("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
            .unwrap(),
        DbConnection::Postgres(c) => c
            .batch_execute("DROP TRIGGER events_append_only ON events;")
            .unwrap(),
    }
}

pub fn head_seq(conn: &mut DbConnection) -> i64 {
    audit_head::table
        .select(audit_head::seq)
        .first(conn)
        .unwrap()
}

#[actix_web::test]
async fn every_event_is_chained_and_the_chain_verifies() {
    let w = busy().await;
    let report = verify(&w.app);
    assert_eq!(report["valid"], true, "{report}");
    let mut conn = w.app.db();
    let stored: i64 = events::table.count().get_result(&mut conn).unwrap();
    assert_eq!(report["events_checked"], stored);
    assert_eq!(report["head_seq"], head_seq(&mut conn));
    // Admin changes are in the chain too: the partner and the accounts created.
    let actions: Vec<String> = events::table
        .filter(events::petition_id.is_null())
        .select(events::action)
        .load(&mut conn)
        .unwrap();
    assert!(
        actions.contains(&"partner.created".to_owned()),
        "{actions:?}"
    );
    assert!(actions.contains(&"user.created".to_owned()), "{actions:?}");

    let api = w.app.get_json("/v1/transparency/verify").await;
    assert_eq!(api["valid"], true);
    assert_eq!(api["head_hash"], report["head_hash"]);

    // A petition's events, with their hashes, for whoever may read it.
    let p = submitted(&w.app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    act(&w.app, &w.ba_dinh.official, id, "accept", json!({})).await;
    let trail = w
        .app
        .get_with(
            &format!("/v1/petitions/{id}/events"),
            &[("authorization", &format!("Bearer {}", w.partner))],
        )
        .await
        .json();
    let trail = trail.as_array().unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[0]["action"], "petition.received");
    assert_eq!(trail[1]["action"], "petition.accepted");
    assert!(trail[0]["seq"].as_i64().unwrap() < trail[1]["seq"].as_i64().unwrap());
    assert_eq!(trail[1]["hash"].as_str().unwrap().len(), 64);
    assert_eq!(trail[1]["actor_kind"], "staff");
    assert_eq!(trail[1]["actor_id"], Value::Null, "partners do not see who");
}

#[actix_web::test]
async fn checkpoints_are_signed_with_the_published_key() {
    let w = busy().await;
    let (ok, stdout, stderr) = audit(&w.app, &["checkpoint", "--json"]);
    assert!(ok, "{stderr}");
    let signed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(signed["seq"], head_seq(&mut w.app.db()));

    let key = w.app.get_json("/v1/transparency/key").await;
    assert_eq!(key["algorithm"], "Ed25519");
    let raw: [u8; 32] = STANDARD
        .decode(key["public_key"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let public = VerifyingKey::from_bytes(&raw).unwrap();
    let listed = w.app.get_json("/v1/transparency/checkpoints").await;
    let c = &listed["items"][0];
    assert_eq!(c["seq"], signed["seq"]);
    assert_eq!(c["key_id"], key["key_id"]);
    let message = format!(
        "tiengdan-checkpoint-v1\n{}\n{}\n{}",
        c["seq"],
        c["hash"].as_str().unwrap(),
        c["signed_at"].as_str().unwrap()
    );
    assert_eq!(c["message"], message);
    let signature: [u8; 64] = STANDARD
        .decode(c["signature"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    assert!(
        public
            .verify(message.as_bytes(), &Signature::from_bytes(&signature))
            .is_ok()
    );
    let report = verify(&w.app);
    assert_eq!(report["checkpoints_checked"], 1, "{report}");
}

/// Each tampering, on a fresh record, and what verification must say.
async fn tampered(tamper: impl FnOnce(&mut DbConnection), problem: &str) {
    let w = busy().await;
    assert_eq!(verify(&w.app)["valid"], true);
    let mut conn = w.app.db();
    drop_guards(&mut conn);
    tamper(&mut conn);
    let report = verify(&w.app);
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["broken"]["problem"], problem, "{report}");
    let api = w.app.get_json("/v1/transparency/verify").await;
    assert_eq!(api["broken"], report["broken"]);
}

#[actix_web::test]
async fn a_changed_payload_is_caught() {
    tampered(
        |conn| {
            diesel::update(events::table.filter(events::seq.eq(3)))
                .set(events::payload.eq(r#"{"forged":true}"#))
                .execute(conn)
                .unwrap();
        },
        "hash",
    )
    .await;
}

#[actix_web::test]
async fn a_backdated_event_is_caught() {
    tampered(
        |conn| {
            let earlier: NaiveDateTime = "2026-01-01T00:00:00".parse().unwrap();
            diesel::update(events::table.filter(events::seq.eq(4)))
                .set(events::created_at.eq(earlier))
                .execute(conn)
                .unwrap();
        },
        "hash",
    )
    .await;
}

#[actix_web::test]
async fn a_deleted_event_is_caught() {
    tampered(
        |conn| {
            diesel::delete(events::table.filter(events::seq.eq(3)))
                .execute(conn)
                .unwrap();
        },
        "sequence",
    )
    .await;
}

#[actix_web::test]
async fn a_forged_event_slipped_in_is_caught() {
    tampered(
        |conn| {
            // Make room at position 3 (in two steps, past the unique index), then insert a
            // forged event there whose own hash is right.
            // Highest first, so that no position is taken twice on the way.
            let seqs: Vec<i64> = events::table
                .filter(events::seq.ge(3))
                .order(events::seq.desc())
                .select(events::seq.assume_not_null())
                .load(conn)
                .unwrap();
            for s in seqs {
                diesel::update(events::table.filter(events::seq.eq(s)))
                    .set(events::seq.eq(s + 1))
                    .execute(conn)
                    .unwrap();
            }
            let prev: String = events::table
                .filter(events::seq.eq(2))
                .select(events::hash.assume_not_null())
                .first(conn)
                .unwrap();
            let at: NaiveDateTime = "2026-11-20T09:00:00".parse().unwrap();
            let link = tiengdan::domain::audit::Link {
                seq: 3,
                petition_id: None,
                actor_kind: "system",
                actor_id: None,
                action: "petition.answered",
                created_at: at.and_utc(),
                payload: "{}",
            };
            let hash = link.hash(&prev);
            diesel::insert_into(events::table)
                .values((
                    events::actor_kind.eq("system"),
                    events::action.eq("petition.answered"),
                    events::payload.eq("{}"),
                    events::created_at.eq(at),
                    events::seq.eq(Some(3)),
                    events::prev_hash.eq(Some(prev)),
                    events::hash.eq(Some(hash)),
                ))
                .execute(conn)
                .unwrap();
        },
        "prev_hash",
    )
    .await;
}

#[actix_web::test]
async fn two_swapped_events_are_caught() {
    tampered(
        |conn| {
            for (from, to) in [(2, -3), (3, 2), (-3, 3)] {
                diesel::update(events::table.filter(events::seq.eq(from)))
                    .set(events::seq.eq(to))
                    .execute(conn)
                    .unwrap();
            }
        },
        "prev_hash",
    )
    .await;
}

#[actix_web::test]
async fn removing_the_newest_events_is_caught_by_the_checkpoint() {
    let w = busy().await;
    let (ok, _, stderr) = audit(&w.app, &["checkpoint"]);
    assert!(ok, "{stderr}");
    let mut conn = w.app.db();
    drop_guards(&mut conn);
    let last = head_seq(&mut conn);
    diesel::delete(events::table.filter(events::seq.eq(last)))
        .execute(&mut conn)
        .unwrap();
    let prev: String = events::table
        .filter(events::seq.eq(last - 1))
        .select(events::hash.assume_not_null())
        .first(&mut conn)
        .unwrap();
    diesel::update(audit_head::table)
        .set((audit_head::seq.eq(last - 1), audit_head::hash.eq(prev)))
        .execute(&mut conn)
        .unwrap();
    let report = verify(&w.app);
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["broken"]["problem"], "truncated", "{report}");
}

#[actix_web::test]
async fn parallel_writers_leave_one_unbroken_chain() {
    let w = world().await;
    let app = &w.app;
    let submissions = (0..40).map(|_| async {
        let reply = crate::petitions::submit(app, &w.partner, &feedback()).await;
        assert_eq!(reply.status, 201, "{}", reply.text());
    });
    futures_util::future::join_all(submissions).await;
    let report = verify(app);
    assert_eq!(report["valid"], true, "{report}");
    let stored: i64 = events::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(report["events_checked"], stored);
    assert_eq!(report["head_seq"], stored);
}

#[actix_web::test]
async fn the_server_signs_checkpoints_on_its_own() {
    let app = crate::helpers::spawn_app_with(|s| s.checkpoint_interval = 1).await;
    app.create_partner("A");
    let mut listed = Value::Null;
    for _ in 0..100 {
        listed = app.get_json("/v1/transparency/checkpoints").await;
        if !listed["items"].as_array().unwrap().is_empty() {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        listed["items"][0]["seq"],
        head_seq(&mut app.db()),
        "{listed}"
    );
    assert_eq!(verify(&app)["checkpoints_checked"], 1);
}

#[actix_web::test]
async fn an_event_slipped_in_without_hashes_stays_a_break() {
    let w = busy().await;
    let mut conn = w.app.db();
    // Written behind the service's back, with no position or hashes (the guard triggers allow
    // that only for rows from before the chain): no restart or command blesses it.
    diesel::insert_into(events::table)
        .values((
            events::actor_kind.eq("system"),
            events::action.eq("petition.closed"),
            events::payload.eq("{}"),
            events::created_at.eq(w.app.now().naive_utc()),
        ))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let app = w.app.restart().await;
    let report = verify(&app);
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["broken"]["problem"], "sequence", "{report}");
}

fn audit_key(app: &TestApp) -> tiengdan::signing::AuditKey {
    let configured = app.settings.audit_signing_key.as_ref().map(|k| k.expose());
    tiengdan::signing::AuditKey::load(configured, &app.settings.database_url)
        .unwrap()
        .0
}

pub fn hash_at(conn: &mut DbConnection, seq: i64) -> String {
    events::table
        .filter(events::seq.eq(seq))
        .select(events::hash.assume_not_null())
        .first(conn)
        .unwrap()
}

/// Before signing, the chain since the last checkpoint is recomputed: a head that is not where
/// it ends, or one behind the head signed before, is refused rather than signed over.
#[actix_web::test]
async fn a_checkpoint_is_not_signed_over_a_head_that_disagrees_with_the_chain() {
    use tiengdan::db::audit::{Signing, checkpoint_checked};
    let w = busy().await;
    let (ok, _, stderr) = audit(&w.app, &["checkpoint"]);
    assert!(ok, "{stderr}");
    w.app.create_partner("B");
    w.app.create_partner("C");
    let key = audit_key(&w.app);
    let at = w.app.now().naive_utc();
    let mut conn = w.app.db();
    let last = head_seq(&mut conn);
    let seen = (last, hash_at(&mut conn, last));

    // The head moved back one, the last event left in place.
    drop_guards(&mut conn);
    let prev = hash_at(&mut conn, last - 1);
    diesel::update(audit_head::table)
        .set((audit_head::seq.eq(last - 1), audit_head::hash.eq(&prev)))
        .execute(&mut conn)
        .unwrap();
    let refused = checkpoint_checked(&mut conn, &key, None, at).unwrap();
    assert!(
        matches!(refused, Signing::Refused(tiengdan::domain::audit::Break::HeadMismatch { found_seq, .. }) if found_seq == last),
        "{refused:?}"
    );
    let (ok, _, stderr) = audit(&w.app, &["checkpoint"]);
    assert!(!ok && stderr.contains("refused to sign"), "{stderr}");

    // The last event cut off too: the chain adds up again, and `verify` cannot tell (no
    // checkpoint covered it), but a signer that saw the longer head refuses.
    diesel::delete(events::table.filter(events::seq.eq(last)))
        .execute(&mut conn)
        .unwrap();
    let refused = checkpoint_checked(&mut conn, &key, Some(&seen), at).unwrap();
    assert!(matches!(refused, Signing::Refused(_)), "{refused:?}");
    assert_eq!(verify(&w.app)["valid"], true);
    let signed = checkpoint_checked(&mut conn, &key, None, at).unwrap();
    assert!(
        matches!(signed, Signing::Signed(ref c) if c.seq == last - 1),
        "{signed:?}"
    );
}

/// The server's own checkpoint job refuses too, with an error and a metric.
#[actix_web::test]
async fn the_checkpoint_job_counts_what_it_refuses_to_sign() {
    let app = crate::helpers::spawn_app_with(|s| s.checkpoint_interval = 1).await;
    app.create_partner("A");
    let signed = || async {
        app.get_json("/v1/transparency/checkpoints").await["items"]
            .as_array()
            .unwrap()
            .len()
    };
    for _ in 0..100 {
        if signed().await > 0 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(signed().await, 1);
    // A head past the last event, as a forger rewriting the table might leave it.
    let mut conn = app.db();
    let last = head_seq(&mut conn);
    diesel::update(audit_head::table)
        .set((
            audit_head::seq.eq(last + 1),
            audit_head::hash.eq("ab".repeat(32)),
        ))
        .execute(&mut conn)
        .unwrap();
    let mut refusals = 0.0;
    for _ in 0..100 {
        let metrics = app.get("/metrics").await.text();
        refusals = metrics
            .lines()
            .find(|l| l.starts_with("tiengdan_audit_checkpoint_refusals_total"))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(0.0);
        if refusals > 0.0 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refusals >= 1.0);
    assert_eq!(signed().await, 1, "nothing more was signed");
}

/// `GET /v1/transparency/verify` extends its last verification as the chain grows, and still
/// catches a tail cut under a checkpoint it already checked.
#[actix_web::test]
async fn the_public_verification_extends_the_last_one() {
    let w = busy().await;
    let app = &w.app;
    let first = app.get_json("/v1/transparency/verify").await;
    assert_eq!(first["valid"], true, "{first}");
    let (ok, _, stderr) = audit(app, &["checkpoint"]);
    assert!(ok, "{stderr}");
    app.create_partner("B");
    let second = app.get_json("/v1/transparency/verify").await;
    assert_eq!(second["valid"], true, "{second}");
    assert_eq!(
        second["events_checked"],
        first["events_checked"].as_u64().unwrap() + 1
    );
    assert_eq!(second["head_seq"], head_seq(&mut app.db()));
    assert_eq!(second["checkpoints_checked"], 1);
    // What a full walk says, the extended one says too.
    let full = verify(app);
    for field in [
        "events_checked",
        "head_seq",
        "head_hash",
        "checkpoints_checked",
    ] {
        assert_eq!(second[field], full[field], "{field}");
    }

    // The last event cut and the head moved back: the verified head's event is gone, so the
    // chain is walked again and the checkpoint catches nothing here (it is older), but a cut
    // below the checkpoint is caught.
    let mut conn = app.db();
    drop_guards(&mut conn);
    let checkpoint_seq = second["head_seq"].as_i64().unwrap() - 1;
    diesel::delete(events::table.filter(events::seq.ge(checkpoint_seq)))
        .execute(&mut conn)
        .unwrap();
    let prev = hash_at(&mut conn, checkpoint_seq - 1);
    diesel::update(audit_head::table)
        .set((
            audit_head::seq.eq(checkpoint_seq - 1),
            audit_head::hash.eq(prev),
        ))
        .execute(&mut conn)
        .unwrap();
    let third = app.get_json("/v1/transparency/verify").await;
    assert_eq!(third["valid"], false, "{third}");
    assert_eq!(third["broken"]["problem"], "truncated", "{third}");
}
