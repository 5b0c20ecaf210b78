//! Intake by partner apps: the four kinds, the law's rules, routing, reads, withdrawal.

use diesel::prelude::*;
use serde_json::{Value, json};
use tiengdan::db::schema::{events, petition_identities};

use crate::helpers::{Reply, TestApp, spawn_app, spawn_app_with};

pub fn citizen() -> Value {
    json!({
        "partner_ref": "user-8841",
        "full_name": "Nguyễn Văn An",
        "phone": "0912345678",
        "address": "12 Phố Huế, Hà Nội",
        "id_number": "001090012345"
    })
}

pub fn feedback() -> Value {
    json!({
        "kind": "feedback",
        "category": "environment",
        "commune_code": "00004",
        "title": "Rác thải tồn đọng",
        "description": "Rác không được thu gom ba ngày nay ở ngõ 5.",
        "location": {"lat": 21.03, "lon": 105.83, "address": "Ngõ 5"},
        "attachments": [{"url": "https://cdn.example.vn/a.jpg", "media_type": "image/jpeg"}],
        "anonymous": true
    })
}

pub fn complaint() -> Value {
    json!({
        "kind": "complaint",
        "category": "land",
        "commune_code": "00004",
        "title": "Khiếu nại quyết định thu hồi đất",
        "description": "Tôi không đồng ý với quyết định thu hồi đất số 12/QĐ-UBND.",
        "decision_date": "2026-11-01",
        "citizen": citizen()
    })
}

pub async fn submit(app: &TestApp, key: &str, body: &Value) -> Reply {
    app.post_json(
        "/v1/petitions",
        &[("authorization", &format!("Bearer {key}"))],
        body,
    )
    .await
}

pub async fn submitted(app: &TestApp, key: &str, body: &Value) -> Value {
    let reply = submit(app, key, body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

#[actix_web::test]
async fn feedback_is_taken_in_routed_to_the_commune_and_given_its_clocks() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("Zalo mini app");
    let reply = submit(&app, &key, &feedback()).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    let id = body["id"].as_str().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(&*format!("/v1/petitions/{id}"))
    );
    assert_eq!(body["status"], "received");
    assert_eq!(body["kind"], "feedback");
    assert_eq!(body["filed_kind"], "feedback");
    let code = body["tracking_code"].as_str().unwrap();
    assert_eq!(code.len(), 11, "{code}");
    assert_eq!(&code[5..6], "-");
    assert!(body["receipt_secret"].as_str().unwrap().len() >= 22);
    assert_eq!(body["office"]["code"], "ubnd-00004");
    assert_eq!(body["routing"]["rule"], "default");
    assert!(
        body["routing"]["reason"]
            .as_str()
            .unwrap()
            .contains("commune")
    );
    let deadlines = body["deadlines"].as_array().unwrap();
    let names: Vec<&str> = deadlines
        .iter()
        .map(|d| d["clock"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acknowledge", "answer"]);
    for d in deadlines {
        assert_eq!(d["day_type"], "working");
        assert_eq!(d["status"], "running");
        assert!(
            d["due_at"].as_str().unwrap().ends_with("T23:59:59+07:00"),
            "{d}"
        );
    }
    assert_eq!(body["notices"], json!([]));

    let read = app
        .get_with(&format!("/v1/petitions/{id}"), &[("x-api-key", &key)])
        .await;
    assert_eq!(read.status, 200, "{}", read.text());
    let read = read.json();
    assert_eq!(read["title"], "Rác thải tồn đọng");
    assert_eq!(read["location"]["lat"], 21.03);
    assert_eq!(
        read["attachments"][0]["url"],
        "https://cdn.example.vn/a.jpg"
    );
    assert_eq!(read["anonymous"], true);
    assert_eq!(read["citizen"], Value::Null);
    assert_eq!(read["deadlines"], body["deadlines"]);
}

#[actix_web::test]
async fn a_complaint_keeps_its_identity_sealed_and_out_of_the_event_log() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("Provincial app");
    let body = submitted(&app, &key, &complaint()).await;
    assert_eq!(body["kind"], "complaint");
    assert_eq!(body["late_filing"], false);
    assert_eq!(body["deadlines"][0]["clock"], "accept");
    assert_eq!(body["deadlines"][0]["day_type"], "calendar");
    assert_eq!(body["deadlines"][0]["length_days"], 10);
    assert!(
        body["deadlines"][0]["legal_basis"]
            .as_str()
            .unwrap()
            .contains("art. 27")
    );

    let mut conn = app.db();
    let sealed: Vec<Vec<u8>> = petition_identities::table
        .select(petition_identities::ciphertext)
        .load(&mut conn)
        .unwrap();
    assert_eq!(sealed.len(), 1);
    let raw = String::from_utf8_lossy(&sealed[0]);
    for personal in ["Nguyễn", "0912345678", "Phố Huế", "001090012345"] {
        assert!(!raw.contains(personal), "identity stored in the clear");
    }
    let payloads: Vec<String> = events::table
        .filter(events::petition_id.is_not_null())
        .select(events::payload)
        .load(&mut conn)
        .unwrap();
    assert_eq!(payloads.len(), 1);
    for personal in ["Nguyễn", "0912345678", "Phố Huế"] {
        assert!(!payloads[0].contains(personal), "{}", payloads[0]);
    }
    // The partner sees its own reference, nothing personal.
    let id = body["id"].as_str().unwrap();
    let read = app
        .get_with(&format!("/v1/petitions/{id}"), &[("x-api-key", &key)])
        .await
        .json();
    assert_eq!(read["citizen"], json!({"partner_ref": "user-8841"}));
    assert!(!read.to_string().contains("0912345678"));
}

#[actix_web::test]
async fn the_law_shapes_intake() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("NGO app");

    // Law on Denunciations art. 25: no identity, taken in as feedback, and told why.
    let mut anonymous = complaint();
    anonymous["kind"] = json!("denunciation");
    anonymous["decision_date"] = Value::Null;
    anonymous["citizen"] = Value::Null;
    anonymous["anonymous"] = json!(true);
    let body = submitted(&app, &key, &anonymous).await;
    assert_eq!(body["kind"], "feedback");
    assert_eq!(body["filed_kind"], "denunciation");
    assert_eq!(body["notices"][0]["code"], "denunciation_taken_as_feedback");
    assert!(
        body["notices"][0]["legal_basis"]
            .as_str()
            .unwrap()
            .contains("art. 25")
    );
    assert!(!body["notices"][0]["message"].as_str().unwrap().is_empty());

    // Law on Complaints art. 9: past 90 days, taken in and flagged.
    let mut late = complaint();
    late["decision_date"] = json!("2025-01-15");
    let body = submitted(&app, &key, &late).await;
    assert_eq!(body["late_filing"], true);
    assert_eq!(body["notices"][0]["code"], "late_filing");

    // Law on Denunciations art. 23(1): a named denouncer with no way to reach them is neither
    // refused nor turned into feedback: the denunciation waits, incomplete (tests/api/incomplete.rs).
    let mut unreachable = complaint();
    unreachable["kind"] = json!("denunciation");
    unreachable["decision_date"] = Value::Null;
    unreachable["citizen"]["phone"] = Value::Null;
    let body = submitted(&app, &key, &unreachable).await;
    assert_eq!(body["kind"], "denunciation");
    assert_eq!(body["status"], "incomplete");
    assert_eq!(body["notices"][0]["code"], "denunciation_incomplete");

    // Law on Complaints art. 8(2): name and address, a phone optional; never anonymous.
    let mut no_phone = complaint();
    no_phone["citizen"]["phone"] = Value::Null;
    assert_eq!(submitted(&app, &key, &no_phone).await["kind"], "complaint");
    let mut nameless = complaint();
    nameless["citizen"]["full_name"] = Value::Null;
    let problem = submit(&app, &key, &nameless)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "citizen");
    assert_eq!(problem["errors"][0]["code"], "identity_required");
    let mut anonymous_complaint = complaint();
    anonymous_complaint["citizen"] = Value::Null;
    anonymous_complaint["anonymous"] = json!(true);
    let problem = submit(&app, &key, &anonymous_complaint)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "anonymity_not_allowed");
}

#[actix_web::test]
async fn the_province_answers_second_time_complaints_and_denunciations_about_commune_leaders() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("Provincial app");
    let first = submitted(&app, &key, &complaint()).await;
    assert_eq!(first["office"]["code"], "ubnd-00004");

    let mut second = complaint();
    second["second_time_of"] = first["id"].clone();
    let body = submitted(&app, &key, &second).await;
    assert_eq!(body["office"]["code"], "ubnd-01");
    assert_eq!(body["routing"]["rule"], "law.second_time_complaint");
    let read = app
        .get_with(
            &format!("/v1/petitions/{}", body["id"].as_str().unwrap()),
            &[("x-api-key", &key)],
        )
        .await
        .json();
    assert_eq!(read["second_time_of"], first["id"]);

    let mut about_leaders = complaint();
    about_leaders["kind"] = json!("denunciation");
    about_leaders["decision_date"] = Value::Null;
    about_leaders["subject"] = json!("commune_leadership");
    let body = submitted(&app, &key, &about_leaders).await;
    assert_eq!(body["office"]["code"], "ubnd-01");
    assert_eq!(
        body["routing"]["rule"],
        "law.denunciation_commune_leadership"
    );
    assert!(
        body["routing"]["reason"]
            .as_str()
            .unwrap()
            .contains("Denunciations")
    );

    // A second-time complaint must name one of this partner's complaints.
    let (_, other) = app.create_partner("Other app");
    let problem = submit(&app, &other, &second)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "second_time_of");
    assert_eq!(problem["errors"][0]["code"], "unknown");
}

#[actix_web::test]
async fn partners_see_only_their_own_petitions() {
    let app = spawn_app().await;
    let (_, a) = app.create_partner("A");
    let (_, b) = app.create_partner("B");
    let mine = submitted(&app, &a, &feedback()).await;
    submitted(&app, &b, &complaint()).await;
    let id = mine["id"].as_str().unwrap();

    app.get_with(&format!("/v1/petitions/{id}"), &[("x-api-key", &b)])
        .await
        .problem(404, "petition_not_found");
    let b_list = app
        .get_with("/v1/petitions", &[("x-api-key", &b)])
        .await
        .json();
    let b_ids: Vec<&Value> = b_list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    assert_eq!(b_ids.len(), 1);
    assert!(!b_ids.contains(&&mine["id"]));
    // Nor withdraw them.
    let reply = app
        .send(
            awc::http::Method::POST,
            &format!("/v1/petitions/{id}/withdraw"),
            &[("x-api-key", &b)],
            None,
        )
        .await;
    reply.problem(404, "petition_not_found");
}

#[actix_web::test]
async fn lists_filter_and_page() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    for _ in 0..3 {
        submitted(&app, &key, &feedback()).await;
    }
    submitted(&app, &key, &complaint()).await;
    let auth = [("x-api-key", key.as_str())];
    let complaints = app
        .get_with("/v1/petitions?kind=complaint", &auth)
        .await
        .json();
    assert_eq!(complaints["items"].as_array().unwrap().len(), 1);
    let page = app.get_with("/v1/petitions?limit=2", &auth).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["items"][0]["kind"], "complaint", "newest first");
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = app
        .get_with(&format!("/v1/petitions?limit=2&cursor={cursor}"), &auth)
        .await
        .json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert_eq!(rest["next_cursor"], Value::Null);
    let none = app
        .get_with("/v1/petitions?status=withdrawn&commune_code=00004", &auth)
        .await
        .json();
    assert_eq!(none["items"], json!([]));
    app.get_with("/v1/petitions?status=lost", &auth)
        .await
        .problem(400, "invalid_query");
    app.get_with("/v1/petitions?received_from=2026-01-01T00:00:00Z", &auth)
        .await;
    let later = app
        .get_with(
            "/v1/petitions?received_from=2099-01-01T00:00:00%2B07:00",
            &auth,
        )
        .await
        .json();
    assert_eq!(later["items"], json!([]));
}

#[actix_web::test]
async fn keys_are_checked() {
    let app = spawn_app().await;
    let (id, key) = app.create_partner("A");
    submit(&app, "", &feedback())
        .await
        .problem(401, "unauthenticated");
    let reply = app.post_json("/v1/petitions", &[], &feedback()).await;
    assert_eq!(
        reply.header("www-authenticate"),
        Some("Bearer realm=\"tiengdan\"")
    );
    reply.problem(401, "unauthenticated");
    let mut wrong = key.clone();
    wrong.replace_range(key.len() - 4.., "0000");
    submit(&app, &wrong, &feedback())
        .await
        .problem(401, "invalid_api_key");
    submit(&app, "tdk_nonsense", &feedback())
        .await
        .problem(401, "invalid_api_key");
    submitted(&app, &key, &feedback()).await;
    let mut conn = app.db();
    tiengdan::db::partners::revoke(&mut conn, id, app.now().naive_utc()).unwrap();
    submit(&app, &key, &feedback())
        .await
        .problem(401, "invalid_api_key");
}

#[actix_web::test]
async fn a_partner_over_its_budget_is_told_when_to_retry() {
    let app = spawn_app_with(|s| s.partner_rate_limit = 2).await;
    let (_, key) = app.create_partner("A");
    let (_, other) = app.create_partner("B");
    for _ in 0..2 {
        assert_eq!(
            app.get_with("/v1/petitions", &[("x-api-key", &key)])
                .await
                .status,
            200
        );
    }
    let reply = app.get_with("/v1/petitions", &[("x-api-key", &key)]).await;
    let retry: u64 = reply.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    let problem = reply.problem(429, "rate_limited");
    assert_eq!(problem["retry_after"], retry);
    assert_eq!(
        app.get_with("/v1/petitions", &[("x-api-key", &other)])
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn the_same_idempotency_key_replays_even_after_a_restart() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    let headers = [
        ("authorization", format!("Bearer {key}")),
        ("idempotency-key", "4f1c2a9e-retry-1".to_owned()),
    ];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let first = app.post_json("/v1/petitions", &headers, &feedback()).await;
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = app.post_json("/v1/petitions", &headers, &feedback()).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
    assert_eq!(again.header("location"), first.header("location"));

    let mut changed = feedback();
    changed["title"] = json!("Một tiêu đề khác");
    app.post_json("/v1/petitions", &headers, &changed)
        .await
        .problem(422, "idempotency_key_reused");

    let app = app.restart().await;
    let after = app.post_json("/v1/petitions", &headers, &feedback()).await;
    assert_eq!(after.status, 201);
    assert_eq!(after.json(), first.json());
    let list = app
        .get_with("/v1/petitions", &[("x-api-key", &key)])
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "stored once");

    // Keys are per partner: another partner's same key is a new request.
    let (_, other) = app.create_partner("B");
    let theirs = app
        .post_json(
            "/v1/petitions",
            &[
                ("x-api-key", &other),
                ("idempotency-key", "4f1c2a9e-retry-1"),
            ],
            &feedback(),
        )
        .await;
    assert_eq!(theirs.status, 201);
    assert_ne!(theirs.json()["id"], first.json()["id"]);
}

#[actix_web::test]
async fn concurrent_retries_with_one_key_store_one_petition() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    let headers = [("x-api-key", key.as_str()), ("idempotency-key", "same-key")];
    let body = feedback();
    let replies = futures_join(&app, &headers, &body).await;
    let ids: std::collections::HashSet<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text());
            r.json()["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    let list = app
        .get_with("/v1/petitions", &[("x-api-key", &key)])
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

async fn futures_join(app: &TestApp, headers: &[(&str, &str)], body: &Value) -> Vec<Reply> {
    let (a, b, c, d) = futures_util::join!(
        app.post_json("/v1/petitions", headers, body),
        app.post_json("/v1/petitions", headers, body),
        app.post_json("/v1/petitions", headers, body),
        app.post_json("/v1/petitions", headers, body),
    );
    vec![a, b, c, d]
}

#[actix_web::test]
async fn withdrawal_by_partner_or_receipt_secret_stops_the_clocks() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    let one = submitted(&app, &key, &complaint()).await;
    let id = one["id"].as_str().unwrap();
    let path = format!("/v1/petitions/{id}/withdraw");
    let reply = app
        .send(awc::http::Method::POST, &path, &[("x-api-key", &key)], None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["status"], "withdrawn");
    let read = app
        .get_with(&format!("/v1/petitions/{id}"), &[("x-api-key", &key)])
        .await
        .json();
    assert_eq!(read["status"], "withdrawn");
    assert_eq!(read["deadlines"][0]["status"], "stopped");
    let again = app
        .send(awc::http::Method::POST, &path, &[("x-api-key", &key)], None)
        .await
        .problem(409, "wrong_state");
    assert_eq!(again["allowed_actions"], json!([]));

    let two = submitted(&app, &key, &feedback()).await;
    let path = format!("/v1/petitions/{}/withdraw", two["id"].as_str().unwrap());
    app.send(
        awc::http::Method::POST,
        &path,
        &[("x-receipt-secret", "wrong")],
        None,
    )
    .await
    .problem(404, "petition_not_found");
    app.send(awc::http::Method::POST, &path, &[], None)
        .await
        .problem(401, "unauthenticated");
    let secret = two["receipt_secret"].as_str().unwrap();
    let reply = app
        .send(
            awc::http::Method::POST,
            &path,
            &[("x-receipt-secret", secret)],
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());

    let mut conn = app.db();
    let actions: Vec<String> = events::table
        .filter(events::petition_id.is_not_null())
        .order(events::id)
        .select(events::action)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        actions,
        [
            "petition.received",
            "petition.withdrawn",
            "petition.received",
            "petition.withdrawn"
        ]
    );
    // The log cannot be edited through the database either.
    let edited = diesel::update(events::table)
        .set(events::action.eq("x"))
        .execute(&mut conn);
    assert!(edited.is_err());
}
