//! What the running binary writes to its log.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::TestDatabase;

/// The binary serving `database` with JSON logs at `info`: the child, the lines of its log
/// after the start-up line, and the address it bound.
fn serve_logging_json(
    database: &TestDatabase,
) -> (
    Running,
    std::io::Lines<BufReader<std::process::ChildStderr>>,
    String,
) {
    let mut child = binary(database)
        .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
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
    (Running(child), lines, address)
}

/// A server that is stopped when the test ends, also when it fails.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The binary with the keys every node of a database needs.
fn binary(database: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tiengdan"));
    command
        .env("DATABASE_URL", database.url())
        .env("TIENGDAN_DATA_KEY", "11".repeat(32))
        .env("JWT_SECRET", "22".repeat(32))
        .env("AUDIT_SIGNING_KEY", "33".repeat(32));
    command
}

/// Stops the child and returns the rest of its log as JSON objects.
fn rest_of_log(
    child: Running,
    lines: std::io::Lines<BufReader<std::process::ChildStderr>>,
) -> (Vec<Value>, String) {
    drop(child);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let events = rest
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    (events, rest.join("\n"))
}

/// With `LOG_FORMAT=json` every line is a JSON object; each request is logged once with its
/// id, route pattern and status, and nothing from the path or headers the client sent.
#[actix_web::test]
async fn json_logs_carry_request_ids_and_nothing_personal() {
    let database = TestDatabase::create();
    let (child, lines, address) = serve_logging_json(&database);

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
    let (events, all) = rest_of_log(child, lines);
    let request = events
        .iter()
        .find(|e| e["message"] == "request" && e["span"]["request_id"] == "log-test-1")
        .unwrap_or_else(|| panic!("no request line in {all}"));
    assert_eq!(request["status"], 400);
    assert_eq!(request["span"]["route"], "/v1/communes/{code}");
    assert_eq!(request["span"]["method"], "GET");
    assert!(request["millis"].is_number());
    for leaked in ["912-345-678", "zq7wk", "tdk_secret_key", "phone"] {
        assert!(!all.contains(leaked), "{leaked} in the log:\n{all}");
    }
}

/// A 500 tells the client only its request id; the log line with that id says why, with the
/// cause's whole chain, once.
#[actix_web::test]
async fn an_internal_error_is_logged_once_with_its_cause_and_request_id() {
    let database = TestDatabase::create();
    let made = binary(&database)
        .args(["partner", "create", "--name", "Log test", "--json"])
        .env("LOG_LEVEL", "off")
        .output()
        .expect("tiengdan partner create");
    assert!(made.status.success(), "{made:?}");
    let key: Value = serde_json::from_slice(&made.stdout).unwrap();
    let key = key["api_key"].as_str().unwrap().to_owned();
    let (child, lines, address) = serve_logging_json(&database);

    let client = awc::Client::default();
    let mut submitted = client
        .post(format!("http://{address}/v1/petitions"))
        .insert_header(("Authorization", format!("Bearer {key}")))
        .send_json(&crate::petitions::feedback())
        .await
        .unwrap();
    assert_eq!(submitted.status(), 201);
    let petition: Value = submitted.json().await.unwrap();

    // A stored value the service could never have written: a clock of no known name.
    {
        use diesel::prelude::*;
        use tiengdan::db::schema::{petition_clocks, petitions};
        let url = database.url().parse().unwrap();
        let mut conn = tiengdan::db::Manager::connect_once(&url).unwrap();
        let id: i64 = petitions::table
            .filter(petitions::public_id.eq(petition["id"].as_str().unwrap()))
            .select(petitions::id)
            .first(&mut conn)
            .unwrap();
        let clock: i64 = petition_clocks::table
            .filter(petition_clocks::petition_id.eq(id))
            .select(petition_clocks::id)
            .first(&mut conn)
            .unwrap();
        let changed = diesel::update(petition_clocks::table.find(clock))
            .set(petition_clocks::name.eq("tampered"))
            .execute(&mut conn)
            .unwrap();
        assert_eq!(changed, 1);
    }
    let mut response = client
        .get(format!(
            "http://{address}/v1/track/{}",
            petition["tracking_code"].as_str().unwrap()
        ))
        .insert_header((
            "X-Receipt-Secret",
            petition["receipt_secret"].as_str().unwrap(),
        ))
        .insert_header(("X-Request-Id", "log-test-500"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "internal_error");
    assert_eq!(problem["request_id"], "log-test-500");
    assert!(
        !problem.to_string().contains("tampered"),
        "the cause reached the client: {problem}"
    );

    let (events, all) = rest_of_log(child, lines);
    let faults: Vec<&Value> = events
        .iter()
        .filter(|e| e["message"] == "internal error" && e["span"]["request_id"] == "log-test-500")
        .collect();
    assert_eq!(faults.len(), 1, "logged once: {all}");
    let cause = faults[0]["cause"].as_str().unwrap();
    assert!(
        cause.contains("unexpected value in the database"),
        "{cause}"
    );
    assert!(cause.contains("tampered"), "{cause}");
    assert_eq!(faults[0]["level"], "ERROR");
    // Nothing personal on the way: the receipt secret and the tracking code stay out.
    for leaked in [
        petition["receipt_secret"].as_str().unwrap(),
        petition["tracking_code"].as_str().unwrap(),
    ] {
        assert!(!all.contains(leaked), "{leaked} in the log:\n{all}");
    }
}
