//! An acknowledged petition survives `kill -9` (DESIGN §5): the real binary, concurrent
//! submissions, SIGKILL mid-stream, a restart, and every 201 still there.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

use crate::helpers::TestDatabase;
use crate::petitions::feedback;

const DATA_KEY: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn tiengdan(database: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tiengdan"));
    command
        .env("DATABASE_URL", database.url())
        .env("TIENGDAN_DATA_KEY", DATA_KEY)
        .env("JWT_SECRET", DATA_KEY)
        .env("AUDIT_SIGNING_KEY", DATA_KEY)
        .env("PARTNER_RATE_LIMIT", "1000000")
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn start(database: &TestDatabase, port: u16) -> Child {
    let mut child = tiengdan(database)
        .env("BIND", format!("127.0.0.1:{port}"))
        .spawn()
        .expect("start tiengdan");
    let client = awc::Client::default();
    for _ in 0..200 {
        let ready = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if ready {
            return child;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not become ready");
}

#[actix_web::test]
async fn no_acknowledged_petition_is_lost_to_kill_9() {
    let database = TestDatabase::create();
    let created = tiengdan(&database)
        .args(["partner", "create", "--name", "durability", "--json"])
        .stdout(Stdio::piped())
        .output()
        .expect("partner create");
    assert!(created.status.success());
    let key = serde_json::from_slice::<Value>(&created.stdout).unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();

    let port = free_port();
    let mut server = start(&database, port).await;
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let body = serde_json::to_vec(&feedback()).unwrap();
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (acknowledged, count, body, key) = (
            acknowledged.clone(),
            count.clone(),
            body.clone(),
            key.clone(),
        );
        clients.push(actix_web::rt::spawn(async move {
            let client = awc::Client::builder()
                .timeout(Duration::from_secs(5))
                .finish();
            // Bounded: stops at the first failure (the kill) or after 400 tries.
            for _ in 0..400 {
                let sent = client
                    .post(format!("http://127.0.0.1:{port}/v1/petitions"))
                    .insert_header(("authorization", format!("Bearer {key}")))
                    .insert_header(("content-type", "application/json"))
                    .send_body(body.clone())
                    .await;
                let Ok(mut reply) = sent else { break };
                if reply.status() != 201 {
                    break;
                }
                let Ok(json) = reply.json::<Value>().await else {
                    break;
                };
                acknowledged
                    .lock()
                    .unwrap()
                    .push(json["id"].as_str().unwrap().to_owned());
                count.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    for _ in 0..12_000 {
        if count.load(Ordering::SeqCst) >= 150 {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    for client in clients {
        let _ = client.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 150);

    let mut server = start(&database, port).await;
    let client = awc::Client::default();
    let mut stored = std::collections::HashSet::new();
    let mut path = "/v1/petitions?limit=500".to_owned();
    loop {
        let page: Value = client
            .get(format!("http://127.0.0.1:{port}{path}"))
            .insert_header(("x-api-key", key.as_str()))
            .send()
            .await
            .unwrap()
            .json()
            .limit(16 * 1024 * 1024)
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            stored.insert(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/v1/petitions?limit=500&cursor={cursor}"),
            None => break,
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged petitions lost: {lost:?}",
        lost.len()
    );
}
