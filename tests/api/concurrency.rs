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

/// Intake, acceptance and transfers in both directions between two offices, all at once:
/// every transaction takes its locks in one order, so none waits on another in a cycle (on
/// PostgreSQL a deadlock would be broken by failing one of them, here a 503).
#[actix_web::test]
async fn intake_and_steps_at_the_same_offices_at_once_all_apply() {
    let w = world().await;
    let app = &w.app;
    let mut at_ba_dinh = Vec::new();
    let mut at_ngoc_ha = Vec::new();
    for i in 0..20 {
        let mut body = feedback();
        if i % 2 == 1 {
            body["commune_code"] = json!("00008");
        }
        let id = submitted(app, &w.partner, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        if i % 2 == 1 {
            at_ngoc_ha.push(id);
        } else {
            at_ba_dinh.push(id);
        }
    }
    let post = |token: String, path: String, body: serde_json::Value| async move {
        let reply = app
            .send(
                awc::http::Method::POST,
                &path,
                &[
                    ("authorization", token.as_str()),
                    ("content-type", "application/json"),
                ],
                Some(serde_json::to_vec(&body).unwrap()),
            )
            .await;
        (path, reply)
    };
    let mut sends = Vec::new();
    for (i, id) in at_ba_dinh.iter().enumerate() {
        let (action, body) = if i < 5 {
            (
                "transfer",
                json!({"office_id": w.ngoc_ha.id, "reason": "Đúng địa bàn"}),
            )
        } else {
            ("accept", json!({}))
        };
        sends.push(post(
            w.ba_dinh.official.clone(),
            format!("/v1/petitions/{id}/{action}"),
            body,
        ));
    }
    for (i, id) in at_ngoc_ha.iter().enumerate() {
        let (action, body) = if i < 5 {
            (
                "transfer",
                json!({"office_id": w.ba_dinh.id, "reason": "Đúng địa bàn"}),
            )
        } else {
            ("accept", json!({}))
        };
        sends.push(post(
            w.ngoc_ha.official.clone(),
            format!("/v1/petitions/{id}/{action}"),
            body,
        ));
    }
    for i in 0..20 {
        let mut body = feedback();
        if i % 2 == 1 {
            body["commune_code"] = json!("00008");
        }
        sends.push(post(
            format!("Bearer {}", w.partner),
            "/v1/petitions".to_owned(),
            body,
        ));
    }
    for (path, reply) in join_all(sends).await {
        assert!(
            matches!(reply.status.as_u16(), 200 | 201),
            "{path}: {} {}",
            reply.status,
            reply.text()
        );
    }
    counters_match_a_recount(app);
    let verified: Value = app.get_json("/v1/transparency/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
}
