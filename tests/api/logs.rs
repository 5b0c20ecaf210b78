//! What the running binary writes to its log.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::TestDatabase;

/// With `LOG_FORMAT=json` every line is a JSON object; each request is logged once with its
/// id, route pattern and status, and nothing from the path or headers the client sent.
#[actix_web::test]
async fn json_logs_carry_request_ids_and_nothing_personal() {
    let database = TestDatabase::create();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiengdan"))
        .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
        .env("DATABASE_URL", database.url())
        .env("TIENGDAN_DATA_KEY", "11".repeat(32))
        .env("JWT_SECRET", "22".repeat(32))
        .env("AUDIT_SIGNING_KEY", "33".repeat(32))
        .env("LOG_FORMAT", "json")
        .env("LOG_LEVEL", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start tiengdan");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();

    // The start-up line names the address actually bound.
    let deadline = Instant::now() + Duration::from_secs(60);
    let address = loop {
        assert!(Instant::now() < deadline, "no start-up line");
        let line = lines.next().expect("log line").expect("utf-8");
        let event: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        if event["message"] == "serving" {
            break event["address"].as_str().unwrap().to_owned();
        }
    };

    let client = awc::Client::default();
    let secret_path = format!("http://{address}/v1/communes/zq7wk?phone=%2B84-912-345-678");
    let response = client
        .get(secret_path)
        .insert_header(("X-Request-Id", "log-test-1"))
        .insert_header(("Authorization", "Bearer tdk_secret_key"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let _ = child.kill();
    let _ = child.wait();

    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let events: Vec<Value> = rest
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let request = events
        .iter()
        .find(|e| e["message"] == "request" && e["span"]["request_id"] == "log-test-1")
        .unwrap_or_else(|| panic!("no request line in {rest:?}"));
    assert_eq!(request["status"], 400);
    assert_eq!(request["span"]["route"], "/v1/communes/{code}");
    assert_eq!(request["span"]["method"], "GET");
    assert!(request["millis"].is_number());
    let all = rest.join("\n");
    for leaked in ["912-345-678", "zq7wk", "tdk_secret_key", "phone"] {
        assert!(!all.contains(leaked), "{leaked} in the log:\n{all}");
    }
}
