//! The binary as an operator runs it.

use std::process::Command;

use serde_json::Value;

use crate::helpers::TestDatabase;

fn tiengdan(database: &TestDatabase, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tiengdan"))
        .args(args)
        .env("DATABASE_URL", database.url())
        .env("LOG_LEVEL", "warn")
        .output()
        .expect("run tiengdan");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn migrate_prepares_a_database_once() {
    let database = TestDatabase::create();
    let (ok, stdout, stderr) = tiengdan(&database, &["migrate", "--json"]);
    assert!(ok, "{stderr}");
    let first: Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(first["backend"], database.backend());
    assert_eq!(first["admin_units"], "loaded");
    assert!(!first["migrations_applied"].as_array().unwrap().is_empty());
    assert_eq!(first["counts"]["provinces"], 34);
    assert_eq!(first["counts"]["communes"], 3321);
    assert_eq!(first["counts"]["offices"], 34 + 3321);
    assert_eq!(first["counts"]["categories"], 11);

    let (ok, stdout, stderr) = tiengdan(&database, &["migrate", "--json"]);
    assert!(ok, "{stderr}");
    let second: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(second["admin_units"], "already_loaded");
    assert_eq!(second["migrations_applied"].as_array().unwrap().len(), 0);
    assert_eq!(second["counts"], first["counts"]);
}

#[test]
fn a_bad_database_url_is_refused_with_a_message_and_no_secret() {
    let output = Command::new(env!("CARGO_BIN_EXE_tiengdan"))
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://root:hunter2@localhost/x")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn openapi_subcommand_prints_the_committed_document() {
    let output = Command::new(env!("CARGO_BIN_EXE_tiengdan"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        include_str!("../../openapi/openapi.json")
    );
}

/// Two nodes starting together on one empty database: both succeed, the units load once.
#[test]
fn concurrent_first_starts_load_the_units_once() {
    let database = TestDatabase::create();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_tiengdan"))
            .args(["migrate", "--json"])
            .env("DATABASE_URL", database.url())
            .env("LOG_LEVEL", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn tiengdan")
    };
    let children = [spawn(), spawn(), spawn()];
    let outcomes: Vec<Value> = children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "{stderr}");
            serde_json::from_slice(&output.stdout).unwrap()
        })
        .collect();
    let loaded = outcomes
        .iter()
        .filter(|o| o["admin_units"] == "loaded")
        .count();
    assert_eq!(loaded, 1, "{outcomes:?}");
    for outcome in &outcomes {
        assert_eq!(outcome["counts"]["offices"], 34 + 3321, "{outcome}");
    }
}

#[test]
fn partners_are_created_with_a_key_shown_once_and_revoked() {
    let database = TestDatabase::create();
    let (ok, stdout, stderr) = tiengdan(
        &database,
        &["partner", "create", "--name", "Zalo mini app", "--json"],
    );
    assert!(ok, "{stderr}");
    let created: Value = serde_json::from_str(&stdout).unwrap();
    let key = created["api_key"].as_str().unwrap();
    assert!(key.starts_with("tdk_") && key.len() >= 4 + 32, "{key}");
    let id = created["id"].as_i64().unwrap();

    let (ok, stdout, _) = tiengdan(&database, &["partner", "list", "--json"]);
    assert!(ok);
    assert!(!stdout.contains(key), "the key is shown once, never listed");
    let listed: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(listed[0]["name"], "Zalo mini app");
    assert_eq!(listed[0]["revoked_at"], Value::Null);

    let (ok, stdout, stderr) = tiengdan(
        &database,
        &["partner", "revoke", "--id", &id.to_string(), "--json"],
    );
    assert!(ok, "{stderr}");
    let revoked: Value = serde_json::from_str(&stdout).unwrap();
    assert!(revoked["revoked_at"].is_string());

    let (ok, _, stderr) = tiengdan(&database, &["partner", "revoke", "--id", "999"]);
    assert!(!ok);
    assert!(stderr.contains("no partner"), "{stderr}");
    let (ok, _, _) = tiengdan(&database, &["partner", "create", "--name", " "]);
    assert!(!ok);
}

#[test]
fn staff_accounts_are_created_from_the_command_line() {
    let database = TestDatabase::create();
    let run = |args: &[&str], password: &str| {
        Command::new(env!("CARGO_BIN_EXE_tiengdan"))
            .args(args)
            .env("DATABASE_URL", database.url())
            .env("TIENGDAN_PASSWORD", password)
            .env("LOG_LEVEL", "warn")
            .output()
            .expect("run tiengdan")
    };
    let output = run(
        &[
            "user",
            "create",
            "--username",
            "canbo.badinh",
            "--role",
            "official",
            "--office",
            "35",
            "--json",
        ],
        "mưa phùn trên phố Huế, ngõ 5",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["username"], "canbo.badinh");
    assert_eq!(created["office_id"], 35);
    assert!(!String::from_utf8_lossy(&output.stdout).contains("phùn"));

    let weak = run(
        &[
            "user",
            "create",
            "--username",
            "canbo.yeu",
            "--role",
            "official",
            "--office",
            "35",
        ],
        "password1234",
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("--password"));
    let no_scope = run(
        &[
            "user",
            "create",
            "--username",
            "mttq.x",
            "--role",
            "supervisor",
        ],
        "mưa phùn trên phố Huế, ngõ 5",
    );
    assert!(!no_scope.status.success());
    assert!(String::from_utf8_lossy(&no_scope.stderr).contains("--scope"));
}
