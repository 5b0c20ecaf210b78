//! Rules that change on a date (issue 16): a clock rule's dated successor, a routing rule in
//! force for a time, a holiday added every year from a year on, and the forwarding clocks;
//! each tested across its date with the app's clock moved on, not waited for.

use chrono::{Duration, FixedOffset, NaiveDate};
use serde_json::{Value, json};

use crate::calendar::deadlines;
use crate::petitions::{complaint, feedback, submitted};
use crate::rules::admin;
use crate::workflow::{World, act, clock, world};

fn today(w: &World) -> NaiveDate {
    w.app
        .now()
        .with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive()
}

fn find(rules: &Value, id: i64) -> &Value {
    rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}: {rules}"))
}

/// The record of petition `id`, as its partner reads it.
pub async fn events(w: &World, id: &str) -> String {
    w.app
        .get_with(
            &format!("/v1/petitions/{id}/events"),
            &[("x-api-key", &w.partner)],
        )
        .await
        .text()
}

/// `official` accepts petition `id`; its resolution clock's length in days.
async fn resolve_days(w: &World, official: &str, id: &str) -> i64 {
    let accepted = act(&w.app, official, id, "accept", json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    clock(&accepted.json(), "resolve")["length_days"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn a_law_that_changes_on_a_date_governs_petitions_received_from_it() {
    let w = world().await;
    let app = &w.app;
    let admin = admin(app).await;
    let rules = app.get_json("/v1/rules").await;
    let resolve = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["kind"] == "complaint"
                && r["clock"] == "resolve"
                && r["second_time"] == false
                && r["remote"] == false
                && r["complexity"] == "normal"
        })
        .unwrap();
    assert_eq!(resolve["days"], 30);
    assert!(resolve.get("effective_from").is_none(), "{resolve}");
    let old_id = resolve["id"].as_i64().unwrap();

    let before = submitted(app, &w.partner, &complaint()).await;
    let from = today(&w) + Duration::days(10);
    let terms = |from: NaiveDate| {
        json!({"days": 20, "day_type": "calendar",
               "legal_basis": "Luật sửa đổi (giả định để kiểm thử)", "effective_from": from})
    };
    // Not from today or earlier: petitions already in would change law under their feet.
    for past in [today(&w), today(&w) - Duration::days(1)] {
        let problem = app
            .put_json(
                &format!("/v1/rules/{old_id}"),
                &[("authorization", &admin)],
                &terms(past),
            )
            .await
            .problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "effective_from");
        assert_eq!(problem["errors"][0]["code"], "expired");
    }
    let changed = app
        .put_json(
            &format!("/v1/rules/{old_id}"),
            &[("authorization", &admin)],
            &terms(from),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let changed = changed.json();
    assert_eq!(changed["recomputed_clocks"], 0, "nothing running moves");
    let new_id = changed["rule"]["id"].as_i64().unwrap();
    // Both in the table, each with its dates.
    let rules = app.get_json("/v1/rules").await;
    assert_eq!(find(&rules, old_id)["effective_to"], from.to_string());
    assert_eq!(find(&rules, new_id)["effective_from"], from.to_string());
    assert!(find(&rules, new_id).get("effective_to").is_none());
    // A rule that already has its successor takes no second one.
    let problem = app
        .put_json(
            &format!("/v1/rules/{old_id}"),
            &[("authorization", &admin)],
            &terms(from + Duration::days(5)),
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "not_permitted");

    // The day before, a complaint still comes under the old rule.
    app.clock.advance(Duration::days(9));
    let eve = submitted(app, &w.partner, &complaint()).await;
    // From the day, the new one.
    app.clock.advance(Duration::days(1));
    assert_eq!(today(&w), from);
    let after = submitted(app, &w.partner, &complaint()).await;
    // (Signed in again: days outlive an access token.)
    let official = format!("Bearer {}", app.access_token("canbo.badinh").await);
    // All three accepted after the date: each keeps the law of its receipt.
    for (p, days) in [(&before, 30), (&eve, 30), (&after, 20)] {
        let id = p["id"].as_str().unwrap();
        assert_eq!(resolve_days(&w, &official, id).await, days, "{p}");
    }
}

#[actix_web::test]
async fn a_routing_rule_in_force_for_a_time_routes_only_what_is_received_then() {
    use diesel::{ExpressionMethods, RunQueryDsl};
    let w = world().await;
    let app = &w.app;
    let from = today(&w) + Duration::days(3);
    let to = from + Duration::days(3);
    // Ha Noi sends feedback to its province office for three days (as an admin's routing
    // rule would; routing rules get their admin API with the console).
    {
        use tiengdan::db::schema::routing_rules as r;
        let mut conn = app.db();
        tiengdan::on_backend!(&mut conn, |c| {
            diesel::insert_into(r::table)
                .values((
                    r::code.eq("test.dated_feedback"),
                    r::province_code.eq(Some("01")),
                    r::kind.eq(Some("feedback")),
                    r::target.eq("province_office"),
                    r::priority.eq(0),
                    r::reason.eq("Thí điểm tiếp nhận phản ánh tập trung"),
                    r::effective_from.eq(Some(from)),
                    r::effective_to.eq(Some(to)),
                ))
                .execute(c)
                .unwrap();
        });
    }
    let office = |p: &Value| p["office"]["id"].as_i64().unwrap();
    let commune = w.ba_dinh.id;
    assert_eq!(
        office(&submitted(app, &w.partner, &feedback()).await),
        commune
    );
    app.clock.advance(Duration::days(3));
    let during = submitted(app, &w.partner, &feedback()).await;
    assert_ne!(office(&during), commune);
    assert_eq!(during["routing"]["rule"], "test.dated_feedback");
    app.clock.advance(Duration::days(3));
    assert_eq!(today(&w), to);
    assert_eq!(
        office(&submitted(app, &w.partner, &feedback()).await),
        commune
    );
}

#[actix_web::test]
async fn a_holiday_added_from_a_year_on_moves_the_running_clocks() {
    let w = world().await;
    let app = &w.app;
    let admin = admin(app).await;
    // Received Friday 20 November 2026: ten working days end Friday 4 December.
    let p = submitted(app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    assert!(
        clock(&p, "answer")["due_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-12-04")
    );
    let culture_day =
        json!({"kind": "holiday", "name": "Ngày Văn hóa Việt Nam", "recurring": true});
    let changed = app
        .put_json(
            "/v1/calendar/days/2026-11-24",
            &[("authorization", &admin)],
            &culture_day,
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let changed = changed.json();
    assert_eq!(changed["recurring"], true);
    assert!(
        changed["recomputed_clocks"].as_u64().unwrap() >= 1,
        "{changed}"
    );
    // The clock moved a day, and says why.
    let view = app
        .get_with(
            &format!("/v1/petitions/{id}"),
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    let answer = clock(&view, "answer");
    assert!(
        answer["due_at"].as_str().unwrap().starts_with("2026-12-07"),
        "{answer}"
    );
    assert_eq!(answer["calendar_version"], changed["calendar_version"]);
    let deadlines = deadlines(app, &w.ba_dinh.official, id).await.to_string();
    assert!(deadlines.contains("Ngày Văn hóa Việt Nam"), "{deadlines}");
    let events = events(&w, id).await;
    assert!(events.contains("deadline.recomputed"), "{events}");
    // Every year from 2026 on, none before (the years where it is a weekday).
    for (year, off) in [(2025, false), (2026, true), (2027, true), (2042, true)] {
        let days = app.get_json(&format!("/v1/calendar/{year}")).await;
        let listed = days["days_off"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["date"] == format!("{year}-11-24"));
        assert_eq!(listed, off, "{year}: {days}");
    }
    // Ended from 2030 on: a recurring working day.
    let ended = app
        .put_json(
            "/v1/calendar/days/2030-11-24",
            &[("authorization", &admin)],
            &json!({"kind": "working", "name": "Thôi nghỉ", "recurring": true}),
        )
        .await;
    assert_eq!(ended.status, 200, "{}", ended.text());
    let year = app.get_json("/v1/calendar/2031").await;
    assert!(!year.to_string().contains("2031-11-24"), "{year}");
    let year = app.get_json("/v1/calendar/2028").await;
    assert!(year.to_string().contains("2028-11-24"));
}

#[actix_web::test]
async fn a_denunciation_outside_the_office_s_competence_must_be_forwarded_in_five_working_days() {
    let w = world().await;
    let app = &w.app;
    let mut d = complaint();
    d["kind"] = json!("denunciation");
    d["category"] = json!("officials_conduct");
    d["decision_date"] = Value::Null;
    let p = submitted(app, &w.partner, &d).await;
    let id = p["id"].as_str().unwrap();
    // Two days on, Ba Đình finds it is not theirs: not refused, but to be forwarded within 5
    // working days of its receipt (art. 24(2)).
    app.clock.advance(Duration::days(2));
    let official = format!("Bearer {}", app.access_token("canbo.badinh").await);
    let found = act(
        app,
        &official,
        id,
        "reject",
        json!({"reason": "not_competent", "note": "Thuộc thẩm quyền phường Ngọc Hà"}),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text());
    let found = found.json();
    assert_eq!(found["status"], "received");
    let forward = clock(&found, "forward");
    assert_eq!(forward["status"], "running");
    assert_eq!(forward["length_days"], 5);
    assert_eq!(forward["day_type"], "working");
    assert!(
        forward["legal_basis"]
            .as_str()
            .unwrap()
            .contains("art. 24(2)")
    );
    assert_eq!(
        forward["started_at"], p["received_at"],
        "counted from receipt"
    );
    // Friday 20 November + 5 working days: Friday 27 November.
    assert!(
        forward["due_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-27")
    );
    assert_eq!(clock(&found, "initial_processing")["status"], "met");
    // Said once.
    act(
        app,
        &official,
        id,
        "reject",
        json!({"reason": "not_competent"}),
    )
    .await
    .problem(422, "validation_failed");

    // Transferred: forwarded on time.
    let moved = act(
        app,
        &official,
        id,
        "transfer",
        json!({"office_id": w.ngoc_ha.id, "reason": "Chuyển đúng thẩm quyền"}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    let deadlines = deadlines(app, &format!("Bearer {}", w.partner), id).await;
    let forwards: Vec<&Value> = deadlines["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["clock"] == "forward")
        .collect();
    assert_eq!(forwards.len(), 1, "{deadlines}");
    assert_eq!(forwards[0]["status"], "met");
    let events = events(&w, id).await;
    assert!(events.contains("petition.not_competent"), "{events}");

    // Any other kind refused as not competent is simply refused.
    let f = submitted(app, &w.partner, &feedback()).await;
    let refused = act(
        app,
        &official,
        f["id"].as_str().unwrap(),
        "reject",
        json!({"reason": "not_competent"}),
    )
    .await;
    assert_eq!(refused.json()["status"], "rejected");
}

#[actix_web::test]
async fn feedback_on_an_administrative_regulation_must_be_forwarded_in_five_working_days() {
    let w = world().await;
    let mut f = feedback();
    f["category"] = json!("administrative_regulations");
    let p = submitted(&w.app, &w.partner, &f).await;
    let forward = clock(&p, "forward");
    assert_eq!(forward["length_days"], 5);
    assert!(
        forward["legal_basis"]
            .as_str()
            .unwrap()
            .contains("Decree 20/2008/NĐ-CP, art. 9(1)(d)")
    );
    // Other feedback has no such clock.
    let other = submitted(&w.app, &w.partner, &feedback()).await;
    assert!(
        !other["deadlines"].to_string().contains("\"forward\""),
        "{other}"
    );
    // And the project's own defaults say that they are.
    let rules = w.app.get_json("/v1/rules").await.to_string();
    assert!(rules.contains("project default"), "{rules}");
}
