//! The petition workflow over HTTP: officials act on their office's petitions, citizens rate.

use serde_json::{Value, json};
use tiengdan::domain::staff::Role;

use crate::helpers::{Reply, TestApp, spawn_app};
use crate::petitions::{complaint, feedback, submitted};

/// An app with a partner and, for two communes' offices, an official and a head.
pub struct Office {
    pub id: i64,
    pub official: String,
    pub head: String,
}

pub struct World {
    pub app: TestApp,
    pub partner: String,
    pub ba_dinh: Office,
    pub ngoc_ha: Office,
}

pub async fn world() -> World {
    let app = spawn_app().await;
    let (_, partner) = app.create_partner("A");
    let mut offices = Vec::new();
    for (commune, name) in [("00004", "badinh"), ("00008", "ngocha")] {
        let id = app.get_json(&format!("/v1/communes/{commune}")).await["office"]["id"]
            .as_i64()
            .unwrap();
        app.create_user(&format!("canbo.{name}"), Role::Official, Some(id), None);
        app.create_user(&format!("truong.{name}"), Role::OfficeHead, Some(id), None);
        offices.push(Office {
            id,
            official: format!(
                "Bearer {}",
                app.access_token(&format!("canbo.{name}")).await
            ),
            head: format!(
                "Bearer {}",
                app.access_token(&format!("truong.{name}")).await
            ),
        });
    }
    let ngoc_ha = offices.pop().unwrap();
    let ba_dinh = offices.pop().unwrap();
    World {
        app,
        partner,
        ba_dinh,
        ngoc_ha,
    }
}

pub async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Reply {
    app.post_json(
        &format!("/v1/petitions/{id}/{action}"),
        &[("authorization", token)],
        &body,
    )
    .await
}

/// The clock called `name` in a list of clocks.
pub fn named<'a>(clocks: &'a Value, name: &str) -> &'a Value {
    clocks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == name)
        .unwrap_or_else(|| panic!("no {name} clock: {clocks}"))
}

/// The clock called `name` of a petition view.
pub fn clock<'a>(view: &'a Value, name: &str) -> &'a Value {
    named(&view["deadlines"], name)
}

#[actix_web::test]
async fn submit_accept_answer_rate_close() {
    let w = world().await;
    let p = submitted(&w.app, &w.partner, &complaint()).await;
    let id = p["id"].as_str().unwrap();

    let accepted = act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "accept",
        json!({"complexity": "complex"}),
    )
    .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let accepted = accepted.json();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["complexity"], "complex");
    assert_eq!(clock(&accepted, "accept")["status"], "met");
    assert_eq!(clock(&accepted, "resolve")["length_days"], 45);
    assert_eq!(clock(&accepted, "resolve")["status"], "running");
    assert_eq!(accepted["due_at"], clock(&accepted, "resolve")["due_at"]);
    // The handling office sees who complained.
    assert_eq!(accepted["citizen"]["full_name"], "Nguyễn Văn An");

    // A complaint's period is fixed by its complexity: no extension.
    let refused = act(
        &w.app,
        &w.ba_dinh.head,
        id,
        "extend",
        json!({"clock": "resolve", "reason": "cần thêm thời gian"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(refused["errors"][0]["code"], "limit_reached");

    let answered = act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "answer",
        json!({"body": "Giữ nguyên quyết định thu hồi đất.", "decision_number": "123/QĐ-UBND", "attachments": ["https://ubnd.example.vn/qd123.pdf"]}),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text());
    let answered = answered.json();
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["answer"]["decision_number"], "123/QĐ-UBND");
    assert_eq!(clock(&answered, "resolve")["status"], "met");
    assert_eq!(answered["due_at"], Value::Null);

    let rated = w
        .app
        .post_json(
            &format!("/v1/petitions/{id}/rating"),
            &[("x-api-key", &w.partner)],
            &json!({"satisfied": false, "score": 2, "comment": "Chưa thỏa đáng"}),
        )
        .await;
    assert_eq!(rated.status, 200, "{}", rated.text());
    assert_eq!(rated.json()["status"], "closed");
    let again = act(&w.app, &w.ba_dinh.official, id, "close", json!({}))
        .await
        .problem(409, "wrong_state");
    assert_eq!(again["allowed_actions"], json!([]));
}

#[actix_web::test]
async fn extend_within_the_limit_then_answer_and_close() {
    let w = world().await;
    let p = submitted(&w.app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    let due = clock(&p, "answer")["due_at"].clone();
    act(&w.app, &w.ba_dinh.official, id, "accept", json!({})).await;
    act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "extend",
        json!({"clock": "answer", "reason": "Cần xác minh"}),
    )
    .await
    .problem(403, "forbidden");
    let extended = act(
        &w.app,
        &w.ba_dinh.head,
        id,
        "extend",
        json!({"clock": "answer", "reason": "Cần xác minh thực địa"}),
    )
    .await;
    assert_eq!(extended.status, 200, "{}", extended.text());
    let extended = extended.json();
    assert_eq!(clock(&extended, "answer")["length_days"], 20);
    assert!(clock(&extended, "answer")["due_at"].as_str() > due.as_str());
    act(
        &w.app,
        &w.ba_dinh.head,
        id,
        "extend",
        json!({"clock": "answer", "reason": "Lần nữa"}),
    )
    .await
    .problem(422, "validation_failed");
    let answered = act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "answer",
        json!({"body": "Đã thu gom rác."}),
    )
    .await;
    assert_eq!(answered.status, 200);
    let closed = act(&w.app, &w.ba_dinh.official, id, "close", json!({})).await;
    assert_eq!(closed.json()["status"], "closed");
}

#[actix_web::test]
async fn transfer_restarts_the_clocks_at_the_new_office() {
    let w = world().await;
    let p = submitted(&w.app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "transfer",
        json!({"office_id": w.ba_dinh.id, "reason": "x"}),
    )
    .await
    .problem(422, "validation_failed");
    let moved = act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "transfer",
        json!({"office_id": w.ngoc_ha.id, "reason": "Địa bàn phường Ngọc Hà"}),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    let moved = moved.json();
    assert_eq!(moved["status"], "received");
    assert_eq!(moved["office"]["id"], w.ngoc_ha.id);
    // The old office has lost it; the new one works it.
    act(&w.app, &w.ba_dinh.official, id, "accept", json!({}))
        .await
        .problem(404, "petition_not_found");
    w.app
        .get_with(
            &format!("/v1/petitions/{id}"),
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .problem(404, "petition_not_found");
    let accepted = act(&w.app, &w.ngoc_ha.official, id, "accept", json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    assert_eq!(clock(&accepted.json(), "acknowledge")["status"], "met");
    // The counters followed it.
    let old = w
        .app
        .get_with("/v1/petitions", &[("authorization", &w.ba_dinh.official)])
        .await
        .json();
    assert_eq!(old["counts"], json!({}));
    let new = w
        .app
        .get_with("/v1/petitions", &[("authorization", &w.ngoc_ha.official)])
        .await
        .json();
    assert_eq!(new["counts"], json!({"accepted": 1}));
    counters_match_a_recount(&w.app);
}

/// The maintained per-office counters equal a count from scratch.
pub fn counters_match_a_recount(app: &TestApp) {
    use diesel::dsl::count_star;
    use diesel::prelude::*;
    use tiengdan::db::schema::{office_status_counts as c, petitions as p};
    let mut conn = app.db();
    let mut kept: Vec<(i64, String, i64)> = c::table
        .filter(c::petitions.gt(0))
        .select((c::office_id, c::status, c::petitions))
        .load(&mut conn)
        .unwrap();
    let mut counted: Vec<(i64, String, i64)> = p::table
        .group_by((p::office_id, p::status))
        .select((p::office_id, p::status, count_star()))
        .load(&mut conn)
        .unwrap();
    kept.sort();
    counted.sort();
    assert_eq!(kept, counted);
}

#[actix_web::test]
async fn a_wrong_state_names_the_allowed_actions_and_changes_nothing() {
    let w = world().await;
    let p = submitted(&w.app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    let problem = act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "answer",
        json!({"body": "Trả lời"}),
    )
    .await
    .problem(409, "wrong_state");
    assert_eq!(
        problem["allowed_actions"],
        json!(["accept", "reject", "transfer", "withdraw"])
    );
    let view = w
        .app
        .get_with(
            &format!("/v1/petitions/{id}"),
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    assert_eq!(view["status"], "received");
    assert_eq!(view["answer"], Value::Null);
    act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "accept",
        json!({"complexity": "hard"}),
    )
    .await
    .problem(422, "validation_failed");
    act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "reject",
        json!({"reason": "duplicate", "note": "Trùng đơn số 12"}),
    )
    .await;
    let rejected = w
        .app
        .get_with(
            &format!("/v1/petitions/{id}"),
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    assert_eq!(rejected["status"], "rejected");
}

#[actix_web::test]
async fn the_inbox_shows_the_office_its_petitions_nearest_deadline_first() {
    let w = world().await;
    let complaint_id = submitted(&w.app, &w.partner, &complaint()).await["id"].clone();
    let feedback_id = submitted(&w.app, &w.partner, &feedback()).await["id"].clone();
    let mut elsewhere = feedback();
    elsewhere["commune_code"] = json!("00008");
    submitted(&w.app, &w.partner, &elsewhere).await;

    let inbox = w
        .app
        .get_with("/v1/petitions", &[("authorization", &w.ba_dinh.official)])
        .await;
    assert_eq!(inbox.status, 200, "{}", inbox.text());
    let inbox = inbox.json();
    let ids: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    // Feedback's acknowledgement is due in 2 working days; the complaint's acceptance in 10.
    assert_eq!(ids, [&feedback_id, &complaint_id]);
    assert_eq!(inbox["counts"], json!({"received": 2}));
    let overdue = w
        .app
        .get_with(
            "/v1/petitions?overdue=true",
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    assert_eq!(overdue["items"], json!([]));
    let page = w
        .app
        .get_with(
            "/v1/petitions?limit=1",
            &[("authorization", &w.ba_dinh.head)],
        )
        .await
        .json();
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = w
        .app
        .get_with(
            &format!("/v1/petitions?limit=1&cursor={cursor}"),
            &[("authorization", &w.ba_dinh.head)],
        )
        .await
        .json();
    assert_eq!(rest["items"][0]["id"], complaint_id);
    let other = w
        .app
        .get_with("/v1/petitions", &[("authorization", &w.ngoc_ha.official)])
        .await
        .json();
    assert_eq!(other["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn who_sees_an_identity() {
    let w = world().await;
    w.app
        .create_user("mttq.hanoi", Role::Supervisor, None, Some("province:01"));
    w.app
        .create_user("mttq.caobang", Role::Supervisor, None, Some("province:04"));
    let supervisor = format!("Bearer {}", w.app.access_token("mttq.hanoi").await);
    let elsewhere = format!("Bearer {}", w.app.access_token("mttq.caobang").await);
    let mut denunciation = complaint();
    denunciation["kind"] = json!("denunciation");
    denunciation["decision_date"] = Value::Null;
    let d = submitted(&w.app, &w.partner, &denunciation).await;
    let c = submitted(&w.app, &w.partner, &complaint()).await;
    let read = |token: &str, id: &Value| {
        let path = format!("/v1/petitions/{}", id.as_str().unwrap());
        let token = token.to_owned();
        let app = &w.app;
        async move { app.get_with(&path, &[("authorization", &token)]).await }
    };
    let official_d = read(&w.ba_dinh.official, &d["id"]).await.json();
    assert_eq!(official_d["identity_confidential"], true);
    assert_eq!(official_d["citizen"], Value::Null);
    assert!(!official_d.to_string().contains("Nguyễn Văn An"));
    let official_c = read(&w.ba_dinh.official, &c["id"]).await.json();
    assert_eq!(official_c["citizen"]["phone"], "0912345678");
    let supervisor_d = read(&supervisor, &d["id"]).await.json();
    assert_eq!(supervisor_d["citizen"], Value::Null);
    assert_eq!(supervisor_d["description"], "");
    let supervisor_c = read(&supervisor, &c["id"]).await.json();
    assert_eq!(supervisor_c["citizen"], Value::Null);
    assert_eq!(supervisor_c["title"], c_title());
    read(&elsewhere, &c["id"])
        .await
        .problem(404, "petition_not_found");

    // The answer to a denunciation says what was found and may name the denouncer: the
    // supervisor sees that and when it was answered, not what it says.
    let id = d["id"].as_str().unwrap();
    act(&w.app, &w.ba_dinh.official, id, "accept", json!({})).await;
    let answered = act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "answer",
        json!({"body": "Bà Nguyễn Văn An tố cáo đúng một phần.", "decision_number": "7/KL-UBND",
               "attachments": ["https://cdn.example.vn/kl.pdf"]}),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text());
    let supervisor_d = read(&supervisor, &d["id"]).await.json();
    assert_eq!(supervisor_d["answer"]["body"], "", "{supervisor_d}");
    assert_eq!(supervisor_d["answer"]["attachments"], json!([]));
    assert_eq!(supervisor_d["answer"]["decision_number"], "7/KL-UBND");
    assert!(!supervisor_d.to_string().contains("Nguyễn Văn An"));
    let official_d = read(&w.ba_dinh.official, &d["id"]).await.json();
    assert_eq!(
        official_d["answer"]["body"],
        "Bà Nguyễn Văn An tố cáo đúng một phần."
    );
}

fn c_title() -> Value {
    complaint()["title"].clone()
}

#[actix_web::test]
async fn an_unsatisfied_complainant_escalates_to_the_province() {
    let w = world().await;
    let first = submitted(&w.app, &w.partner, &complaint()).await;
    let id = first["id"].as_str().unwrap();
    let escalate = |key: &str| {
        let path = format!("/v1/petitions/{id}/escalate");
        let key = key.to_owned();
        let app = &w.app;
        async move {
            app.post_json(&path, &[("x-api-key", &key)], &json!({}))
                .await
        }
    };
    let problem = escalate(&w.partner).await.problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "escalation");
    act(&w.app, &w.ba_dinh.official, id, "accept", json!({})).await;
    act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "answer",
        json!({"body": "Giữ nguyên quyết định."}),
    )
    .await;
    let rated = w
        .app
        .post_json(
            &format!("/v1/petitions/{id}/rating"),
            &[(
                "x-receipt-secret",
                first["receipt_secret"].as_str().unwrap(),
            )],
            &json!({"satisfied": false, "score": 1}),
        )
        .await;
    assert_eq!(rated.status, 200, "{}", rated.text());
    let second = escalate(&w.partner).await;
    assert_eq!(second.status, 201, "{}", second.text());
    let second = second.json();
    assert_eq!(second["kind"], "complaint");
    assert_eq!(second["office"]["code"], "ubnd-01");
    assert_eq!(second["routing"]["rule"], "law.second_time_complaint");
    assert_ne!(second["tracking_code"], first["tracking_code"]);
    let read = w
        .app
        .get_with(
            &format!("/v1/petitions/{}", second["id"].as_str().unwrap()),
            &[("x-api-key", &w.partner)],
        )
        .await
        .json();
    assert_eq!(read["second_time_of"], first["id"]);
    assert_eq!(read["citizen"]["partner_ref"], "user-8841");
    escalate(&w.partner).await.problem(422, "validation_failed");
}

#[actix_web::test]
async fn revealing_a_denouncer_needs_the_permission_and_leaves_a_trace() {
    use diesel::prelude::*;
    use tiengdan::db::schema::events;
    let w = world().await;
    let mut denunciation = complaint();
    denunciation["kind"] = json!("denunciation");
    denunciation["decision_date"] = Value::Null;
    let d = submitted(&w.app, &w.partner, &denunciation).await;
    let id = d["id"].as_str().unwrap();
    let reason = json!({"reason": "Mời người tố cáo đến làm việc"});
    act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "reveal-identity",
        reason.clone(),
    )
    .await
    .problem(403, "forbidden");
    w.app.grant_reveal("canbo.badinh");
    w.app.grant_reveal("canbo.ngocha");
    let permitted = format!("Bearer {}", w.app.access_token("canbo.badinh").await);
    let elsewhere = format!("Bearer {}", w.app.access_token("canbo.ngocha").await);
    act(&w.app, &elsewhere, id, "reveal-identity", reason.clone())
        .await
        .problem(404, "petition_not_found");
    act(
        &w.app,
        &permitted,
        id,
        "reveal-identity",
        json!({"reason": " "}),
    )
    .await
    .problem(422, "validation_failed");
    let revealed = act(&w.app, &permitted, id, "reveal-identity", reason).await;
    assert_eq!(revealed.status, 200, "{}", revealed.text());
    assert_eq!(revealed.json()["citizen"]["full_name"], "Nguyễn Văn An");
    let mut conn = w.app.db();
    let trail: Vec<(String, String)> = events::table
        .order(events::id)
        .select((events::action, events::payload))
        .load(&mut conn)
        .unwrap();
    let (action, payload) = trail.last().unwrap();
    assert_eq!(action, "identity.revealed");
    assert!(payload.contains("Mời người tố cáo"));
    assert!(!payload.contains("Nguyễn Văn An"));
}

#[actix_web::test]
async fn officials_record_petitions_handed_in_at_the_desk() {
    use diesel::prelude::*;
    use tiengdan::db::schema::events;
    let w = world().await;
    let three_days_ago = (w.app.now() - chrono::Duration::days(3)).to_rfc3339();
    let mut body = complaint();
    body["received_at"] = json!(three_days_ago);
    let reply = w
        .app
        .post_json(
            "/v1/petitions",
            &[("authorization", &w.ba_dinh.official)],
            &body,
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let p = reply.json();
    let received: chrono::DateTime<chrono::FixedOffset> =
        p["received_at"].as_str().unwrap().parse().unwrap();
    assert!((w.app.now() - received.to_utc()).num_days() == 3);
    let view = w
        .app
        .get_with(
            &format!("/v1/petitions/{}", p["id"].as_str().unwrap()),
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    assert_eq!(view["citizen"]["full_name"], "Nguyễn Văn An");
    let mut conn = w.app.db();
    let (actor, payload): (String, String) = events::table
        .order(events::id.desc())
        .select((events::actor_kind, events::payload))
        .first(&mut conn)
        .unwrap();
    assert_eq!(actor, "staff");
    assert!(payload.contains("\"in_person\""), "{payload}");

    body["received_at"] = json!((w.app.now() - chrono::Duration::days(31)).to_rfc3339());
    let problem = w
        .app
        .post_json(
            "/v1/petitions",
            &[("authorization", &w.ba_dinh.official)],
            &body,
        )
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "received_at");
    body["received_at"] = json!(three_days_ago);
    let problem = crate::petitions::submit(&w.app, &w.partner, &body)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "not_permitted");
}

/// A denunciation's acceptance is notified to the denouncer once (Law on Denunciations 2018
/// art. 29). Until then its `notify` clock runs and, once missed, keeps it overdue in the
/// statistics; only a denunciation has one.
#[actix_web::test]
async fn an_accepted_denunciation_is_notified_once() {
    use diesel::prelude::*;
    use tiengdan::db::schema::stats_cells as c;

    let w = world().await;
    let mut denunciation = complaint();
    denunciation["kind"] = json!("denunciation");
    denunciation["decision_date"] = Value::Null;
    let d = submitted(&w.app, &w.partner, &denunciation).await;
    let id = d["id"].as_str().unwrap();
    let official = w.ba_dinh.official.as_str();
    act(&w.app, official, id, "notify", json!({}))
        .await
        .problem(409, "wrong_state");
    let accepted = act(&w.app, official, id, "accept", json!({})).await.json();
    assert_eq!(clock(&accepted, "notify")["status"], "running");
    assert_eq!(clock(&accepted, "notify")["length_days"], 5);

    // Ten days on, the sweeper finds the notice late: the denunciation is overdue.
    let mut conn = w.app.db();
    let calendar = tiengdan::db::calendar::load(&mut conn).unwrap();
    tiengdan::service::deadlines::Sweep::at(&calendar, w.app.now() + chrono::Duration::days(10), 2)
        .run_blocking(&mut conn)
        .unwrap();
    let overdue = |conn: &mut tiengdan::db::DbConnection| -> i64 {
        c::table
            .filter(c::level.eq("office"))
            .filter(c::kind.eq("*"))
            .filter(c::category.eq("*"))
            .select(c::overdue_change)
            .load::<i64>(conn)
            .unwrap()
            .into_iter()
            .sum()
    };
    crate::stats::fold(&w.app, 100);
    assert_eq!(overdue(&mut conn), 1, "late notice: overdue");

    act(&w.app, &w.ngoc_ha.official, id, "notify", json!({}))
        .await
        .problem(404, "petition_not_found");
    let notified = act(&w.app, official, id, "notify", json!({})).await;
    assert_eq!(notified.status, 200, "{}", notified.text());
    let view = notified.json();
    assert_eq!(view["status"], "accepted");
    assert_ne!(clock(&view, "notify")["status"], "running");
    assert_eq!(clock(&view, "resolve")["status"], "running");
    crate::stats::fold(&w.app, 100);
    assert_eq!(overdue(&mut conn), 0, "notified: no longer overdue");
    act(&w.app, official, id, "notify", json!({}))
        .await
        .problem(409, "no_notice_due");

    // A feedback has no notice to send.
    let f = submitted(&w.app, &w.partner, &feedback()).await;
    let fid = f["id"].as_str().unwrap();
    act(&w.app, official, fid, "accept", json!({})).await;
    act(&w.app, official, fid, "notify", json!({}))
        .await
        .problem(409, "no_notice_due");
}
