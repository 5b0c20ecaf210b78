//! A citizen follows a petition with the tracking code and the receipt secret.

use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};
use crate::petitions::{complaint, submitted};

#[actix_web::test]
async fn the_receipt_opens_a_minimal_view() {
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    let body = submitted(&app, &key, &complaint()).await;
    let code = body["tracking_code"].as_str().unwrap();
    let secret = body["receipt_secret"].as_str().unwrap();

    let reply = app
        .get_with(
            &format!("/v1/track/{code}"),
            &[("x-receipt-secret", secret)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let view = reply.json();
    assert_eq!(view["tracking_code"], code);
    assert_eq!(view["status"], "received");
    assert_eq!(view["office_name"], "Ủy ban nhân dân Phường Ba Đình");
    assert_eq!(view["deadlines"][0]["clock"], "accept");
    for private in ["title", "description", "citizen", "id"] {
        assert!(view.get(private).is_none(), "{private} shown: {view}");
    }
    // Typed by a person: lower case, no hyphen.
    let typed = code.replace('-', "").to_lowercase();
    let reply = app
        .get_with(
            &format!("/v1/track/{typed}"),
            &[("x-receipt-secret", secret), ("accept-language", "en")],
        )
        .await;
    assert_eq!(
        reply.json()["office_name"],
        "People's Committee of Ba Đình Ward"
    );

    app.get_with(
        &format!("/v1/track/{code}"),
        &[("x-receipt-secret", "guess")],
    )
    .await
    .problem(404, "petition_not_found");
    app.get(&format!("/v1/track/{code}"))
        .await
        .problem(401, "receipt_secret_required");
    app.get_with("/v1/track/nonsense", &[("x-receipt-secret", secret)])
        .await
        .problem(400, "invalid_tracking_code");
    // One symbol changed: the check symbol catches it.
    let mut mistyped: Vec<char> = code.chars().collect();
    mistyped[0] = if mistyped[0] == '7' { '8' } else { '7' };
    let mistyped: String = mistyped.into_iter().collect();
    let problem = app
        .get_with(
            &format!("/v1/track/{mistyped}"),
            &[("x-receipt-secret", secret)],
        )
        .await
        .problem(400, "invalid_tracking_code");
    assert_eq!(problem["errors"][0]["code"], "check_failed");
}

#[actix_web::test]
async fn guessing_is_throttled_per_address() {
    let app = spawn_app_with(|s| s.track_rate_limit = 3).await;
    for _ in 0..3 {
        app.get_with("/v1/track/7KQ2M-X9F3C", &[("x-receipt-secret", "guess")])
            .await;
    }
    let reply = app
        .get_with("/v1/track/7KQ2M-X9F3C", &[("x-receipt-secret", "guess")])
        .await;
    assert!(reply.header("retry-after").is_some());
    let problem = reply.problem(429, "rate_limited");
    assert_eq!(
        problem["retry_after"],
        json!(reply.header("retry-after").unwrap().parse::<u64>().unwrap())
    );
}
