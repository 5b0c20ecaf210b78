//! The service reads the time only from the clock it is built with: set years away from the
//! machine's, intake's limits, tokens and deadlines follow the set clock.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use tiengdan::domain::staff::Role;

use crate::helpers::spawn_app_at;
use crate::petitions::{complaint, submit, submitted};

/// Ten years from the machine's clock, at 03:00 UTC (10:00 in Vietnam).
fn far_from_the_machine() -> DateTime<Utc> {
    let day = (Utc::now() + Duration::days(3650)).date_naive();
    day.and_hms_opt(3, 0, 0).unwrap().and_utc()
}

fn days_before(at: DateTime<Utc>, days: i64) -> String {
    (at + Duration::hours(7) - Duration::days(days))
        .date_naive()
        .to_string()
}

#[actix_web::test]
async fn intake_limits_follow_the_app_clock_not_the_machine() {
    let set = far_from_the_machine();
    let app = spawn_app_at(set).await;
    let (_, key) = app.create_partner("A");

    // The 90-day limitation period (Law on Complaints art. 9) counts to the app's today.
    let mut fresh = complaint();
    fresh["decision_date"] = json!(days_before(set, 75));
    let taken = submitted(&app, &key, &fresh).await;
    assert_eq!(taken["late_filing"], false, "{taken}");
    let mut late = complaint();
    late["decision_date"] = json!(days_before(set, 106));
    let flagged = submitted(&app, &key, &late).await;
    assert_eq!(flagged["late_filing"], true, "{flagged}");
    assert_eq!(flagged["notices"][0]["code"], "late_filing");
    let mut ahead = complaint();
    ahead["decision_date"] = json!(days_before(set, -4));
    submit(&app, &key, &ahead)
        .await
        .problem(422, "validation_failed");

    // Received at the app's now, with clocks due after it.
    let received: DateTime<Utc> = taken["received_at"].as_str().unwrap().parse().unwrap();
    assert!(
        received >= set && received - set < Duration::minutes(5),
        "{received}"
    );
    let due: DateTime<Utc> = taken["deadlines"][0]["due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(due > set, "{due}");

    // A desk may date a petition up to 30 days back from the app's now, not the machine's.
    let office = app.get_json("/v1/communes/00004").await["office"]["id"]
        .as_i64()
        .unwrap();
    app.create_user("canbo.badinh", Role::Official, Some(office), None);
    // The token is issued and checked at the app's time: it works although it "expired"
    // years ago by the machine's clock (or was issued years ahead of it).
    let token = format!("Bearer {}", app.access_token("canbo.badinh").await);
    assert_eq!(
        app.get_with("/v1/me", &[("authorization", &token)])
            .await
            .status,
        200
    );
    let desk = |received_at: DateTime<Utc>| {
        let mut body = complaint();
        body["received_at"] = json!(received_at.to_rfc3339());
        body
    };
    let month_ago = app.now() - Duration::days(30) + Duration::minutes(1);
    let reply = app
        .post_json(
            "/v1/petitions",
            &[("authorization", &token)],
            &desk(month_ago),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let too_old = app.now() - Duration::days(31);
    let problem = app
        .post_json(
            "/v1/petitions",
            &[("authorization", &token)],
            &desk(too_old),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "received_at", "{problem}");
    // The machine's own now is years before the app's: refused.
    let problem = app
        .post_json(
            "/v1/petitions",
            &[("authorization", &token)],
            &desk(Utc::now()),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "received_at", "{problem}");
}
