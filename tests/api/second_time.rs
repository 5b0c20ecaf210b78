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
    accept_and_answer(w, &w.ba_dinh.official, &id).await;
    id
}

/// `official` accepts the complaint and answers it, upholding the decision.
async fn accept_and_answer(w: &World, official: &str, id: &str) {
    let accepted = act(&w.app, official, id, "accept", json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let answered = act(
        &w.app,
        official,
        id,
        "answer",
        json!({"body": "Giữ nguyên quyết định thu hồi đất."}),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text());
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

/// Sends complaints about land in Hà Nội to `target` (an office id, or the province's
/// People's Committee when `None`), as a province's own routing rule would; the rule does not
/// say `second_time`.
fn route_land_complaints(w: &World, target: Option<i64>) {
    use diesel::prelude::*;
    use tiengdan::db::schema::routing_rules as r;
    let mut conn = w.app.db();
    diesel::insert_into(r::table)
        .values((
            r::code.eq("test.land"),
            r::province_code.eq("01"),
            r::kind.eq("complaint"),
            r::category_code.eq("land"),
            r::target.eq(if target.is_some() {
                "office"
            } else {
                "province_office"
            }),
            r::office_id.eq(target),
            r::priority.eq(0),
            r::reason.eq("Khiếu nại đất đai: phòng chuyên môn"),
        ))
        .execute(&mut conn)
        .expect("insert a routing rule");
}

/// Adds a province-level office under `parent`; its id.
fn add_office(w: &World, code: &str, name: &str, parent: i64) -> i64 {
    use diesel::prelude::*;
    use tiengdan::db::schema::offices as o;
    diesel::insert_into(o::table)
        .values((
            o::code.eq(code),
            o::name.eq(name),
            o::name_en.eq(name),
            o::level.eq("province"),
            o::province_code.eq("01"),
            o::parent_id.eq(parent),
        ))
        .returning(o::id)
        .get_result(&mut w.app.db())
        .expect("insert an office")
}

/// Art. 7(1): the second time goes to the office directly above the one that decided the
/// first (a division under a department: the department, art. 20(2)), and a more specific
/// routing rule for complaints does not take it unless it says `second_time`.
#[actix_web::test]
async fn the_second_time_goes_to_the_office_above_the_first_resolver() {
    use tiengdan::domain::staff::Role;
    let w = world().await;
    let province = w
        .app
        .get_json(&format!("/v1/offices/{}", w.ba_dinh.id))
        .await["parent_id"]
        .as_i64()
        .expect("the province's office");
    let department = add_office(
        &w,
        "so-nnmt-01",
        "Sở Nông nghiệp và Môi trường Hà Nội",
        province,
    );
    let division = add_office(
        &w,
        "ccql-dat-01",
        "Chi cục Quản lý đất đai Hà Nội",
        department,
    );
    route_land_complaints(&w, Some(division));
    w.app
        .create_user("canbo.chicuc", Role::Official, Some(division), None);
    let official = format!("Bearer {}", w.app.access_token("canbo.chicuc").await);

    let first = submitted(&w.app, &w.partner, &complaint()).await;
    assert_eq!(first["office"]["id"], division, "{first}");
    let id = first["id"].as_str().unwrap();
    accept_and_answer(&w, &official, id).await;

    let second = escalate(&w, id, json!({"reason": "Không đồng ý"})).await;
    assert_eq!(second.status, 201, "{}", second.text());
    let second = second.json();
    assert_eq!(second["office"]["id"], department, "{second}");
    assert_eq!(second["routing"]["rule"], "law.second_time_complaint");
}

/// Art. 7(3): a province People's Committee's first-time decision goes to a Minister, not
/// through this service.
#[actix_web::test]
async fn a_decision_of_the_province_is_not_taken_up_here() {
    use tiengdan::domain::staff::Role;
    let w = world().await;
    route_land_complaints(&w, None);
    let first = submitted(&w.app, &w.partner, &complaint()).await;
    assert_eq!(first["office"]["code"], "ubnd-01", "{first}");
    let province = first["office"]["id"].as_i64().unwrap();
    w.app
        .create_user("canbo.tinh", Role::Official, Some(province), None);
    let official = format!("Bearer {}", w.app.access_token("canbo.tinh").await);
    let id = first["id"].as_str().unwrap();
    accept_and_answer(&w, &official, id).await;

    let problem = escalate(&w, id, json!({"reason": "Không đồng ý"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "second_time_of", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "decided_by_province");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("7"),
        "{problem}"
    );
}
