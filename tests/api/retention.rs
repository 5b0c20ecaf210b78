//! Identities are erased once their retention after the petition ended is over; the case, the
//! statistics and the chain stay and verify (issue 15).

use diesel::prelude::*;
use serde_json::{Value, json};
use tiengdan::db::schema::{events, petition_identities};

use crate::petitions::{complaint, feedback, submitted};
use crate::workflow::{act, world};

fn erase(app: &crate::helpers::TestApp, days: u32, at: chrono::DateTime<chrono::Utc>) -> usize {
    tiengdan::service::identity::erase_expired_blocking(&mut app.db(), days, at).unwrap()
}

#[actix_web::test]
async fn identities_are_erased_after_their_retention_and_the_record_stays_whole() {
    let w = world().await;
    let app = &w.app;
    let official = w.ba_dinh.official.as_str();
    // Closed after its answer; rejected; still open; anonymous (no identity to erase).
    let closed = submitted(app, &w.partner, &complaint()).await;
    let closed = closed["id"].as_str().unwrap().to_owned();
    assert_eq!(
        act(app, official, &closed, "accept", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        act(
            app,
            official,
            &closed,
            "answer",
            json!({"body": "Giữ nguyên quyết định."})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        act(app, official, &closed, "close", json!({})).await.status,
        200
    );
    let rejected = submitted(app, &w.partner, &complaint()).await;
    let rejected = rejected["id"].as_str().unwrap().to_owned();
    let reject = json!({"reason": "duplicate"});
    assert_eq!(
        act(app, official, &rejected, "reject", reject).await.status,
        200
    );
    let open = submitted(app, &w.partner, &complaint()).await;
    let open = open["id"].as_str().unwrap().to_owned();
    submitted(app, &w.partner, &feedback()).await;
    let identities = || {
        petition_identities::table
            .count()
            .get_result::<i64>(&mut app.db())
            .unwrap()
    };
    assert_eq!(identities(), 3);

    // Not yet: they ended just now.
    assert_eq!(erase(app, 30, app.now() + chrono::Duration::days(29)), 0);
    assert_eq!(identities(), 3);
    // Kept for good when the retention is 0.
    assert_eq!(erase(app, 0, app.now() + chrono::Duration::days(3650)), 0);

    let later = app.now() + chrono::Duration::days(31);
    assert_eq!(erase(app, 30, later), 2);
    assert_eq!(identities(), 1, "the open petition keeps its identity");
    assert_eq!(erase(app, 30, later), 0, "once");
    let erased: Vec<String> = events::table
        .filter(events::action.eq("identity.erased"))
        .select(events::payload)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(erased, [r#"{"retention_days":30}"#; 2]);

    // The case stays, without the identity; the open one keeps it; the chain verifies.
    let read = |id: String| {
        let token = official.to_owned();
        async move {
            let reply = app
                .get_with(&format!("/v1/petitions/{id}"), &[("authorization", &token)])
                .await;
            assert_eq!(reply.status, 200, "{}", reply.text());
            reply.json()
        }
    };
    let case = read(closed.clone()).await;
    assert_eq!(case["status"], "closed");
    assert_eq!(case["citizen"], Value::Null);
    assert_eq!(case["answer"]["body"], "Giữ nguyên quyết định.");
    assert_eq!(read(rejected).await["citizen"], Value::Null);
    assert_eq!(read(open).await["citizen"]["full_name"], "Nguyễn Văn An");
    let (ok, stdout, stderr) = crate::audit::audit(app, &["verify", "--json"]);
    assert!(ok, "{stdout}{stderr}");
    let events = app
        .get_with(
            &format!("/v1/petitions/{closed}/events"),
            &[("authorization", official)],
        )
        .await
        .json();
    assert_eq!(
        events.as_array().unwrap().last().unwrap()["action"],
        "identity.erased"
    );
}
