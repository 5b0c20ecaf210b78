//! Bad input to intake: a clear 4xx naming the fault, and nothing stored.

use serde_json::{Value, json};

use crate::helpers::spawn_app;
use crate::petitions::{complaint, feedback, submit};

#[actix_web::test]
async fn every_bad_submission_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"kind": "petition"}), "kind", "wrong_type"),
        (json!({"category": "weather"}), "category", "unknown"),
        (json!({"commune_code": "99999"}), "commune_code", "unknown"),
        (
            json!({"commune_code": "4"}),
            "commune_code",
            "invalid_format",
        ),
        (json!({"title": "x".repeat(201)}), "title", "too_long"),
        (json!({"title": "   "}), "title", "blank"),
        (
            json!({"description": "y".repeat(10_001)}),
            "description",
            "too_long",
        ),
        (
            json!({"location": {"lat": 48.85, "lon": 105.8}}),
            "location.lat",
            "outside_vietnam",
        ),
        (
            json!({"location": {"lat": 21.0}}),
            "location.lon",
            "required",
        ),
        (
            json!({"attachments": [{"url": "ftp://x.vn/a.jpg"}]}),
            "attachments[0].url",
            "not_http_url",
        ),
        (
            json!({"attachments": [{"url": "javascript:alert(1)"}]}),
            "attachments[0].url",
            "not_http_url",
        ),
        (json!({"colour": "red"}), "colour", "unknown_field"),
        (
            json!({"citizen": {"full_name": "A", "nickname": "B"}}),
            "citizen.nickname",
            "unknown_field",
        ),
        (
            json!({"occurred_at": "2999-01-01T00:00:00Z"}),
            "occurred_at",
            "in_future",
        ),
        (
            json!({"occurred_at": "yesterday"}),
            "occurred_at",
            "wrong_type",
        ),
        (
            json!({"decision_date": "2026-11-01"}),
            "decision_date",
            "not_for_kind",
        ),
        (
            json!({"subject": "Commune Chair"}),
            "subject",
            "invalid_format",
        ),
        (
            json!({"anonymous": false}),
            "citizen",
            "identity_or_anonymous",
        ),
        (
            json!({"citizen": {"phone": "call me"}, "anonymous": false}),
            "citizen.phone",
            "invalid_format",
        ),
        (
            json!({"second_time_of": "5f0c8a0e-2b7c-4d84-9a38-3f1f0f6c2b11"}),
            "second_time_of",
            "not_for_kind",
        ),
    ];
    for (change, field, code) in cases {
        let mut body = feedback();
        for (name, value) in change.as_object().unwrap() {
            body[name] = value.clone();
        }
        if body["citizen"].is_object() || body["anonymous"] == json!(false) {
            body["anonymous"] = json!(false);
        }
        let reply = submit(&app, &key, &body).await;
        let problem = reply.problem(422, "validation_failed");
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{change}: {problem}"
        );
        assert!(
            errors
                .iter()
                .all(|e| !e["message"].as_str().unwrap().is_empty())
        );
    }
    let mut missing = complaint();
    missing.as_object_mut().unwrap().remove("title");
    let problem = submit(&app, &key, &missing)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "title");
    assert_eq!(problem["errors"][0]["code"], "required");

    let auth = format!("Bearer {key}");
    let send = |content_type: &'static str, body: Vec<u8>| {
        let auth = auth.clone();
        let app = &app;
        async move {
            app.send(
                awc::http::Method::POST,
                "/v1/petitions",
                &[("authorization", &auth), ("content-type", content_type)],
                Some(body),
            )
            .await
        }
    };
    send("application/json", b"{\"kind\": ".to_vec())
        .await
        .problem(400, "malformed_json");
    send("application/json", vec![b'"', 0xff, 0xfe, b'"'])
        .await
        .problem(400, "malformed_json");
    send("text/plain", serde_json::to_vec(&feedback()).unwrap())
        .await
        .problem(415, "unsupported_media_type");
    let mut huge = feedback();
    huge["description"] = json!("z".repeat(300 * 1024));
    send("application/json", serde_json::to_vec(&huge).unwrap())
        .await
        .problem(413, "payload_too_large");
    app.post_json(
        "/v1/petitions",
        &[("authorization", &auth), ("idempotency-key", "")],
        &feedback(),
    )
    .await
    .problem(400, "invalid_idempotency_key");

    let list = app
        .get_with("/v1/petitions", &[("x-api-key", &key)])
        .await
        .json();
    assert_eq!(
        list["items"],
        json!([]),
        "a refused submission stored something"
    );
    app.get_with("/v1/petitions/not-an-id", &[("x-api-key", &key)])
        .await
        .problem(400, "invalid_petition_id");
}

#[actix_web::test]
async fn english_field_messages_on_request() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    let mut body = feedback();
    body["title"] = json!("");
    let reply = app
        .post_json(
            "/v1/petitions",
            &[("x-api-key", &key), ("accept-language", "en")],
            &body,
        )
        .await;
    let problem = reply.problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["message"], "Must not be blank.");
}
