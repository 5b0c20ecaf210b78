//! The outsider's procedure (docs/VERIFYING.md): `docs/verify_export.py` accepts a real export
//! with the published key, and names what is wrong with a tampered one.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::petitions::{feedback, submitted};
use crate::workflow::{act, world};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/verify_export.py");

/// Runs `tiengdan audit …` against the app's database, with its keys; its stdout.
fn audit(app: &TestApp, args: &[&str]) -> String {
    let (ok, stdout, stderr) = crate::audit::audit(app, args);
    assert!(ok, "tiengdan audit {args:?}: {stderr}");
    stdout
}

/// Whether `program --version`-style probing works, i.e. the tool is on PATH.
fn available(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn verify_export(export: &Path, key: &Path) -> (Output, String) {
    let output = Command::new("python3")
        .arg(SCRIPT)
        .arg(export)
        .arg(key)
        .output()
        .expect("run python3");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, text)
}

#[actix_web::test]
async fn the_documented_script_checks_an_export_and_names_tampering() {
    if !available("python3", "--version") || !available("openssl", "version") {
        eprintln!("skipped: docs/verify_export.py needs python3 and openssl on PATH");
        return;
    }
    let w = world().await;
    let p = submitted(&w.app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    act(&w.app, &w.ba_dinh.official, id, "accept", json!({})).await;
    submitted(&w.app, &w.partner, &feedback()).await;
    audit(&w.app, &["checkpoint"]);
    let export = audit(&w.app, &["export"]);
    let lines: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events = lines.iter().filter(|l| l["type"] == "event").count();
    let checkpoints = lines.len() - events;
    assert!(events >= 3 && checkpoints >= 1, "{export}");

    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.pem");
    let pem = w.app.get_json("/v1/transparency/key").await["public_key_pem"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(&key, pem).unwrap();
    let good = dir.path().join("events.jsonl");
    std::fs::write(&good, &export).unwrap();
    let (output, text) = verify_export(&good, &key);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "valid: {events} events, {checkpoints} checkpoints"
        )),
        "{text}"
    );

    // One payload changed, as whoever holds the database could.
    let victim = lines
        .iter()
        .position(|l| l["action"] == "petition.accepted")
        .unwrap();
    let tampered: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut l = l.clone();
            if i == victim {
                l["payload"] = json!(r#"{"forged":true}"#);
            }
            format!("{l}\n")
        })
        .collect();
    let bad = dir.path().join("tampered.jsonl");
    std::fs::write(&bad, tampered).unwrap();
    let (output, text) = verify_export(&bad, &key);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let seq = lines[victim]["seq"].as_i64().unwrap();
    assert!(
        text.contains(&format!("line {} (event seq {seq})", victim + 1)),
        "{text}"
    );
    assert!(text.contains("the event was changed"), "{text}");
}
