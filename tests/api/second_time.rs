//! Second-time complaints (Law on Complaints 02/2011/QH13 art. 7, 33, 36): the grounds, the
//! window of 30 days (45 in remote communes) and its late flag, with the app's clock moved on
//! rather than waited for.

use chrono::Duration;
use serde_json::{Value, json};

use crate::petitions::{complaint, submitted};
use crate::workflow::{World, act, world};

async fn escalate(w: &World, id: &str, body: Value) -> crate::helpers::Reply {
    w.app
        .post_json(
            &format!("/v1/petitions/{id}/escalate"),
            &[("x-api-key", &w.partner)],
            &body,
        )
        .await
}

/// A first-time complaint accepted and answered now; its id.
async fn decided(w: &World) -> String {
    let first = submitted(&w.app, &w.partner, &complaint()).await;
    let id = first["id"].as_str().unwrap().to_owned();
    let official = w.ba_dinh.official.as_str();
    assert_eq!(
        act(&w.app, official, &id, "accept", json!({})).await.status,
        200
    );
    let answered = act(
        &w.app,
        official,
        &id,
        "answer",
        json!({"body": "Giữ nguyên quyết định thu hồi đất."}),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text());
    id
}

#[actix_web::test]
async fn a_complainant_who_disagrees_says_why_and_no_rating_is_needed() {
    let w = world().await;
    let id = decided(&w).await;
    // Decided, but no reason and no rating: the law needs the disagreement stated.
    let problem = escalate(&w, &id, json!({}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "reason");
    assert_eq!(problem["errors"][0]["code"], "required");
    let problem = escalate(&w, &id, json!({"reason": "  "}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "blank");

    let reason = "Quyết định chưa xem xét biên bản đo đạc năm 2019.";
    let second = escalate(&w, &id, json!({"reason": reason})).await;
    assert_eq!(second.status, 201, "{}", second.text());
    let second = second.json();
    assert_eq!(second["kind"], "complaint");
    assert_eq!(second["late_filing"], false);
    assert_eq!(second["notices"], json!([]));
    // Its acceptance is art. 36's, its resolution art. 37's.
    let clocks = second["deadlines"].as_array().unwrap();
    let basis = |name: &str| {
        clocks
            .iter()
            .find(|c| c["clock"] == name)
            .map(|c| c["legal_basis"].as_str().unwrap().to_owned())
    };
    assert!(basis("accept").unwrap().contains("art. 36"), "{clocks:?}");

    // The record keeps the ground and the complainant's words.
    let events = w
        .app
        .get_with(
            &format!("/v1/petitions/{id}/events"),
            &[("x-api-key", &w.partner)],
        )
        .await
        .json();
    let escalated = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "petition.escalated")
        .expect("an escalation event");
    assert_eq!(escalated["payload"]["ground"], "disagrees");
    assert_eq!(escalated["payload"]["reason"], reason);
}

#[actix_web::test]
async fn thirty_days_after_the_decision_it_is_still_taken_in_but_flagged() {
    // Within the window: day 30 after the decision.
    let w = world().await;
    let id = decided(&w).await;
    w.app.clock.advance(Duration::days(29));
    let inside = escalate(&w, &id, json!({"reason": "Không đồng ý"})).await;
    assert_eq!(inside.status, 201, "{}", inside.text());
    assert_eq!(inside.json()["late_filing"], false);

    // Past it: 45 days on, taken in, flagged, and told why (art. 33).
    let w = world().await;
    let id = decided(&w).await;
    w.app.clock.advance(Duration::days(45));
    let late = escalate(&w, &id, json!({"reason": "Không đồng ý"})).await;
    assert_eq!(late.status, 201, "{}", late.text());
    let late = late.json();
    assert_eq!(late["late_filing"], true);
    assert_eq!(late["notices"][0]["code"], "late_second_time_filing");
    assert!(
        late["notices"][0]["legal_basis"]
            .as_str()
            .unwrap()
            .contains("art. 33"),
        "{late}"
    );
}

#[actix_web::test]
async fn a_remote_commune_has_forty_five_days() {
    let w = world().await;
    let admin = crate::rules::admin(&w.app).await;
    let flagged = w
        .app
        .put_json(
            "/v1/communes/00004/remote",
            &[("authorization", &admin)],
            &json!({"remote": true}),
        )
        .await;
    assert_eq!(flagged.status, 200, "{}", flagged.text());
    let id = decided(&w).await;
    w.app.clock.advance(Duration::days(40));
    let inside = escalate(&w, &id, json!({"reason": "Không đồng ý"})).await;
    assert_eq!(inside.status, 201, "{}", inside.text());
    assert_eq!(inside.json()["late_filing"], false);
}

#[actix_web::test]
async fn an_undecided_complaint_goes_up_once_its_period_ran_out_without_a_reason() {
    let w = world().await;
    let first = submitted(&w.app, &w.partner, &complaint()).await;
    let id = first["id"].as_str().unwrap();
    // Within the acceptance period nothing allows it.
    escalate(&w, id, json!({}))
        .await
        .problem(422, "validation_failed");
    // Not accepted within art. 27's ten days: it may go up, with no reason needed.
    w.app.clock.advance(Duration::days(12));
    let second = escalate(&w, id, json!({})).await;
    assert_eq!(second.status, 201, "{}", second.text());
    assert_eq!(second.json()["late_filing"], false);
}

/// Art. 9's 90 days bound first-time complaints only.
#[actix_web::test]
async fn the_ninety_days_of_article_nine_do_not_bound_a_second_time_complaint() {
    let w = world().await;
    let first = submitted(&w.app, &w.partner, &complaint()).await;
    let mut second = complaint();
    second["second_time_of"] = first["id"].clone();
    second["decision_date"] = json!("2026-06-01");
    let taken = submitted(&w.app, &w.partner, &second).await;
    assert_eq!(taken["late_filing"], false, "{taken}");
    let mut first_time = complaint();
    first_time["decision_date"] = json!("2026-06-01");
    assert_eq!(
        submitted(&w.app, &w.partner, &first_time).await["late_filing"],
        true
    );
}
