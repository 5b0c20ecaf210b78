//! A denunciation that names the denouncer but gives no way to reach them (Law on
//! Denunciations 25/2018/QH14 art. 23(1)) waits as `incomplete`, with no clock running, until
//! the partner or the citizen adds a phone or an email.

use chrono::{Duration, FixedOffset};
use serde_json::{Value, json};

use crate::petitions::{complaint, submitted};
use crate::workflow::{World, act, named, world};

/// A denunciation to Ba Đình from a named denouncer with neither phone nor email.
fn unreachable() -> Value {
    let mut d = complaint();
    d["kind"] = json!("denunciation");
    d["category"] = json!("officials_conduct");
    d["decision_date"] = Value::Null;
    d["citizen"]["phone"] = Value::Null;
    d
}

async fn complete(
    w: &World,
    id: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> crate::helpers::Reply {
    w.app
        .post_json(&format!("/v1/petitions/{id}/complete"), headers, &body)
        .await
}

async fn petition(w: &World, id: &str) -> Value {
    w.app
        .get_with(&format!("/v1/petitions/{id}"), &[("x-api-key", &w.partner)])
        .await
        .json()
}

#[actix_web::test]
async fn it_waits_without_clocks_until_the_denouncer_adds_a_contact() {
    let w = world().await;
    let taken = submitted(&w.app, &w.partner, &unreachable()).await;
    assert_eq!(taken["status"], "incomplete");
    assert_eq!(taken["kind"], "denunciation", "not turned into feedback");
    assert_eq!(taken["deadlines"], json!([]), "no clock runs");
    assert_eq!(taken["notices"][0]["code"], "denunciation_incomplete");
    assert!(
        taken["notices"][0]["legal_basis"]
            .as_str()
            .unwrap()
            .contains("art. 23(1)")
    );
    let id = taken["id"].as_str().unwrap().to_owned();
    let code = taken["tracking_code"].as_str().unwrap().to_owned();
    let secret = taken["receipt_secret"].as_str().unwrap().to_owned();

    // The partner and the citizen are both told what is missing.
    let view = petition(&w, &id).await;
    assert_eq!(view["status"], "incomplete");
    assert_eq!(view["due_at"], Value::Null);
    assert_eq!(view["notices"][0]["code"], "denunciation_incomplete");
    let tracked = w
        .app
        .get_with(
            &format!("/v1/track/{code}"),
            &[("x-receipt-secret", &secret), ("accept-language", "en")],
        )
        .await
        .json();
    assert_eq!(tracked["status"], "incomplete");
    assert!(
        tracked["notices"][0]["message"]
            .as_str()
            .unwrap()
            .contains("phone"),
        "{tracked}"
    );

    // The office sees it, counted, but cannot take it up before it is complete.
    let inbox = w
        .app
        .get_with("/v1/petitions", &[("authorization", &w.ba_dinh.official)])
        .await
        .json();
    assert_eq!(inbox["counts"]["incomplete"], 1, "{inbox}");
    let refused = act(&w.app, &w.ba_dinh.official, &id, "accept", json!({}))
        .await
        .problem(409, "wrong_state");
    assert_eq!(
        refused["allowed_actions"],
        json!(["reject", "withdraw", "complete"])
    );

    // Bad completions change nothing.
    let partner = [("x-api-key", w.partner.as_str())];
    let problem = complete(&w, &id, &partner, json!({}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "contact_required");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("23"),
        "{problem}"
    );
    let problem = complete(&w, &id, &partner, json!({"phone": "gọi tôi"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "phone");
    assert_eq!(problem["errors"][0]["code"], "invalid_format");
    let problem = complete(&w, &id, &partner, json!({"fax": "024 3825 1234"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    complete(
        &w,
        &id,
        &[("x-receipt-secret", "guess")],
        json!({"phone": "0912345678"}),
    )
    .await
    .problem(404, "petition_not_found");
    let (_, other) = w.app.create_partner("B");
    complete(
        &w,
        &id,
        &[("x-api-key", &other)],
        json!({"phone": "0912345678"}),
    )
    .await
    .problem(404, "petition_not_found");
    assert_eq!(petition(&w, &id).await["status"], "incomplete");

    // Three days later the citizen adds a phone with the receipt secret: received, and the
    // clocks of receipt (art. 24(1): 7 working days) run from today, not from the submission.
    w.app.clock.advance(Duration::days(3));
    let done = complete(
        &w,
        &id,
        &[("x-receipt-secret", &secret)],
        json!({"phone": "0987 654 321"}),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.json()["status"], "received");
    let view = petition(&w, &id).await;
    assert_eq!(view["status"], "received");
    assert_eq!(view["notices"], json!([]));
    let clock = named(&view["deadlines"], "initial_processing");
    let vietnam = FixedOffset::east_opt(7 * 3600).unwrap();
    let started: chrono::DateTime<FixedOffset> =
        clock["started_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        started.with_timezone(&vietnam).date_naive(),
        w.app.now().with_timezone(&vietnam).date_naive()
    );
    assert!(clock["legal_basis"].as_str().unwrap().contains("art. 24"));

    // Done once: a second completion is refused, and the office can now accept it.
    complete(&w, &id, &partner, json!({"phone": "0912345678"}))
        .await
        .problem(409, "wrong_state");
    // (Signed in again: three days outlive an access token.)
    w.app.grant_reveal("canbo.badinh");
    let official = format!("Bearer {}", w.app.access_token("canbo.badinh").await);
    let accepted = act(&w.app, &official, &id, "accept", json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());

    // The contact is sealed with the identity, for the reveal; never in the record.
    let revealed = act(
        &w.app,
        &official,
        &id,
        "reveal-identity",
        json!({"reason": "Mời người tố cáo làm việc"}),
    )
    .await;
    assert_eq!(revealed.status, 200, "{}", revealed.text());
    let citizen = &revealed.json()["citizen"];
    assert_eq!(citizen["phone"], "0987 654 321");
    assert_eq!(citizen["full_name"], "Nguyễn Văn An");
    let events = crate::dated::events(&w, &id).await;
    assert!(events.contains("petition.completed"), "{events}");
    assert!(
        !events.contains("0987"),
        "the contact leaked into the record"
    );
}

#[actix_web::test]
async fn the_statistics_count_it_when_it_is_completed() {
    let w = world().await;
    let partner = [("x-api-key", w.partner.as_str())];
    let mut ids = Vec::new();
    for _ in 0..6 {
        let taken = submitted(&w.app, &w.partner, &unreachable()).await;
        ids.push(taken["id"].as_str().unwrap().to_owned());
    }
    for id in &ids[..5] {
        let done = complete(&w, id, &partner, json!({"email": "to.cao@example.vn"})).await;
        assert_eq!(done.status, 200, "{}", done.text());
    }
    // The sixth is never completed: withdrawn, it was never received as a denunciation.
    let withdrawn = w
        .app
        .post_json(
            &format!("/v1/petitions/{}/withdraw", ids[5]),
            &partner,
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text());
    crate::stats::fold(&w.app, 2);
    let month = w
        .app
        .now()
        .with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y-%m")
        .to_string();
    let s = w
        .app
        .get_json(&format!(
            "/v1/stats?level=office&office_id={}&period={month}",
            w.ba_dinh.id
        ))
        .await;
    assert_eq!(s["counts"]["received"]["value"], 5, "{s}");
    assert_eq!(s["counts"]["withdrawn"]["value"], 0, "{s}");
}
