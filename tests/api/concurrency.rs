//! Ordinary concurrency: clients acting on the same petition at the same moment. Exactly one
//! action applies; the others get a 409 that says why (or, for the same `Idempotency-Key`, the
//! first one's reply). Never a 500.

use std::collections::HashMap;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::Reply;
use crate::petitions::{feedback, submitted};
use crate::workflow::{counters_match_a_recount, world};

const PETITIONS: usize = 20;
const CLIENTS: usize = 6;
/// Of each petition's clients, this many send the same `Idempotency-Key` (a partner's retry).
const SHARING_A_KEY: usize = 3;

#[actix_web::test]
async fn six_clients_accepting_one_petition_at_once_accept_it_once() {
    let w = world().await;
    let app = &w.app;
    let official = w.ba_dinh.official.as_str();
    let mut ids = Vec::new();
    for _ in 0..PETITIONS {
        ids.push(
            submitted(app, &w.partner, &feedback()).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }

    let sends = ids.iter().flat_map(|id| {
        (0..CLIENTS).map(move |client| {
            let key = format!("accept-{id}");
            async move {
                let path = format!("/v1/petitions/{id}/accept");
                let mut headers = vec![
                    ("authorization", official),
                    ("content-type", "application/json"),
                ];
                if client < SHARING_A_KEY {
                    headers.push(("idempotency-key", key.as_str()));
                }
                let body = serde_json::to_vec(&json!({"complexity": "normal"})).unwrap();
                let reply = app
                    .send(awc::http::Method::POST, &path, &headers, Some(body))
                    .await;
                (id.clone(), client, reply)
            }
        })
    });
    let replies: Vec<(String, usize, Reply)> = join_all(sends).await;

    let mut by_petition: HashMap<&str, Vec<(usize, &Reply)>> = HashMap::new();
    for (id, client, reply) in &replies {
        assert!(
            !reply.status.is_server_error(),
            "{id} client {client}: {} {}",
            reply.status,
            reply.text()
        );
        by_petition.entry(id).or_default().push((*client, reply));
    }
    for (id, replies) in &by_petition {
        let fresh: Vec<&&Reply> = replies
            .iter()
            .map(|(_, r)| r)
            .filter(|r| r.status == 200 && r.header("idempotent-replayed").is_none())
            .collect();
        assert_eq!(fresh.len(), 1, "{id}: exactly one accept applies");
        let applied = fresh[0].json();
        assert_eq!(applied["status"], "accepted");
        for (client, reply) in replies {
            match reply.status.as_u16() {
                200 => {
                    // A replay is the first reply, byte for byte; only keyed clients get one.
                    if reply.header("idempotent-replayed") == Some("true") {
                        assert!(*client < SHARING_A_KEY, "{id}: an unkeyed replay");
                        assert_eq!(reply.json(), applied, "{id}: the replay differs");
                    }
                }
                409 => {
                    let problem = reply.json();
                    match problem["code"].as_str() {
                        Some("wrong_state") => {
                            let allowed = problem["allowed_actions"].as_array().unwrap();
                            assert!(!allowed.contains(&json!("accept")), "{problem}");
                            assert!(allowed.contains(&json!("answer")), "{problem}");
                        }
                        Some("idempotency_in_progress") => {
                            assert!(*client < SHARING_A_KEY, "{problem}");
                            assert!(reply.header("retry-after").is_some(), "{problem}");
                        }
                        _ => panic!("{id}: unexpected conflict {problem}"),
                    }
                }
                other => panic!("{id} client {client}: {other} {}", reply.text()),
            }
        }
    }

    // What is stored agrees: one acceptance event per petition, counters that add up, and a
    // chain that verifies.
    {
        use diesel::dsl::count_star;
        use diesel::prelude::*;
        use tiengdan::db::schema::events;
        let mut conn = app.db();
        let accepted: Vec<(Option<i64>, i64)> = events::table
            .filter(events::action.eq("petition.accepted"))
            .group_by(events::petition_id)
            .select((events::petition_id, count_star()))
            .load(&mut conn)
            .unwrap();
        assert_eq!(accepted.len(), PETITIONS);
        assert!(accepted.iter().all(|(_, n)| *n == 1), "{accepted:?}");
    }
    counters_match_a_recount(app);
    let verified: Value = app.get_json("/v1/transparency/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
}
