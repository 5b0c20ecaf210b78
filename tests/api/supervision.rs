//! Oversight over HTTP (DESIGN §3.8): supervision requests filed within a supervisor's scope,
//! seen and answered once by the office asked, on their own working-day clock, each change a
//! chained event; and the overdue queue of a scope, without identities or a denunciation's
//! content.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use tiengdan::db::schema::{events, petitions, supervision_requests};
use tiengdan::domain::staff::Role;

use crate::helpers::{Reply, TestApp};
use crate::petitions::{complaint, feedback, submitted};
use crate::workflow::{World, act, world};

/// A world with supervisors of four scopes and an admin, each with a bearer token.
struct Oversight {
    w: World,
    /// commune:00004 (Ba Đình, office X).
    ba_dinh: String,
    ba_dinh_id: i64,
    /// province:01 (Hà Nội).
    hanoi: String,
    /// province:04 (Cao Bằng): none of the world's offices.
    cao_bang: String,
    national: String,
    admin: String,
    /// Hà Nội's People's Committee, the office above Ba Đình's and Ngọc Hà's.
    province_office: i64,
}

async fn oversight() -> Oversight {
    let w = world().await;
    let app = &w.app;
    let province_office =
        app.get_json(&format!("/v1/offices/{}", w.ba_dinh.id)).await["parent"]["id"]
            .as_i64()
            .unwrap();
    // One account at a time, each signed in at once: creating one hashes its password on the
    // test's own thread, and a long run of them starves the client's connections.
    let account = async |username: &str, role: Role, scope: Option<&str>| {
        let id = app.create_user(username, role, None, scope);
        (id, format!("Bearer {}", app.access_token(username).await))
    };
    let (ba_dinh_id, ba_dinh) =
        account("mttq.badinh", Role::Supervisor, Some("commune:00004")).await;
    let (_, hanoi) = account("mttq.hanoi", Role::Supervisor, Some("province:01")).await;
    let (_, cao_bang) = account("mttq.caobang", Role::Supervisor, Some("province:04")).await;
    let (_, national) = account("mttq.trunguong", Role::Supervisor, Some("national")).await;
    let (_, admin) = account("quantri", Role::Admin, None).await;
    Oversight {
        ba_dinh,
        ba_dinh_id,
        hanoi,
        cao_bang,
        national,
        admin,
        province_office,
        w,
    }
}

fn request_body(office_id: i64, petition_ids: &[&str]) -> Value {
    json!({
        "office_id": office_id,
        "petition_ids": petition_ids,
        "subject": "Chậm trả lời phản ánh về rác thải",
        "body": "Đề nghị Ủy ban nhân dân phường báo cáo lý do chậm trả lời."
    })
}

async fn file(app: &TestApp, token: &str, body: &Value) -> Reply {
    app.post_json(
        "/v1/supervision-requests",
        &[("authorization", token)],
        body,
    )
    .await
}

/// Files a request that must succeed, and returns its view.
async fn filed(app: &TestApp, token: &str, body: &Value) -> Value {
    let reply = file(app, token, body).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let view = reply.json();
    assert_eq!(
        reply.header("location"),
        Some(&*format!("/v1/supervision-requests/{}", view["id"]))
    );
    view
}

async fn answer(app: &TestApp, token: &str, id: &Value, body: &str) -> Reply {
    app.post_json(
        &format!("/v1/supervision-requests/{id}/reply"),
        &[("authorization", token)],
        &json!({ "body": body }),
    )
    .await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Reply {
    app.get_with(path, &[("authorization", token)]).await
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

fn stored_requests(app: &TestApp) -> i64 {
    supervision_requests::table
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

#[actix_web::test]
async fn supervisors_file_within_their_scope_only() {
    let o = oversight().await;
    let (app, x, y) = (&o.w.app, o.w.ba_dinh.id, o.w.ngoc_ha.id);
    let at_x = submitted(app, &o.w.partner, &feedback()).await;
    let at_x = at_x["id"].as_str().unwrap();
    let mut elsewhere = feedback();
    elsewhere["commune_code"] = json!("00008");
    let at_y = submitted(app, &o.w.partner, &elsewhere).await;
    let at_y = at_y["id"].as_str().unwrap();

    // A commune's supervisor: that commune's office, about its petitions.
    let view = filed(app, &o.ba_dinh, &request_body(x, &[&at_x.to_uppercase()])).await;
    assert_eq!(view["office_id"], x);
    assert_eq!(view["office"]["code"], "ubnd-00004");
    assert_eq!(view["petition_ids"], json!([at_x]));
    assert_eq!(view["status"], "open");
    assert_eq!(view["reply"], Value::Null);
    assert_eq!(view["overdue_working_days"], 0);
    assert_eq!(view["reply_working_days"], 15);
    assert_eq!(view["filed_by"], o.ba_dinh_id);
    assert_eq!(view["subject"], "Chậm trả lời phản ánh về rác thải");
    // Nothing about the supervisor beyond their id.
    assert!(!view.to_string().contains("mttq"), "{view}");
    // Not another commune's office, nor the province's, nor one that does not exist: all
    // the same 404.
    for office in [y, o.province_office, 999_999] {
        file(app, &o.ba_dinh, &request_body(office, &[]))
            .await
            .problem(404, "office_not_found");
    }
    // Not a petition outside the commune, even to an office in scope.
    file(app, &o.ba_dinh, &request_body(x, &[at_y]))
        .await
        .problem(404, "petition_not_found");
    file(
        app,
        &o.ba_dinh,
        &request_body(x, &["5f0c8a0e-2b7c-4d84-9a38-3f1f0f6c2b11"]),
    )
    .await
    .problem(404, "petition_not_found");

    // A province's supervisor: every office of the province, the province's own included.
    for office in [x, y, o.province_office] {
        filed(app, &o.hanoi, &request_body(office, &[])).await;
    }
    // A petition in scope, but another office handles it.
    let problem = file(app, &o.hanoi, &request_body(x, &[at_x, at_y, at_x]))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "petition_ids[1]");
    assert_eq!(problem["errors"][0]["code"], "other_office");
    // Another province's supervisor sees none of it.
    file(app, &o.cao_bang, &request_body(x, &[]))
        .await
        .problem(404, "office_not_found");
    // The nation's: anywhere.
    filed(app, &o.national, &request_body(y, &[at_y])).await;
    assert_eq!(stored_requests(app), 5);

    // Only supervisors file.
    for token in [
        &o.w.ba_dinh.official,
        &o.w.ba_dinh.head,
        &o.admin,
        &format!("Bearer {}", o.w.partner),
    ] {
        file(app, token, &request_body(x, &[]))
            .await
            .problem(403, "forbidden");
    }
    app.post_json("/v1/supervision-requests", &[], &request_body(x, &[]))
        .await
        .problem(401, "unauthenticated");

    // Bad input: every field at fault, and nothing stored.
    let problem = file(
        app,
        &o.hanoi,
        &json!({"office_id": x, "petition_ids": ["7", at_x], "subject": " ", "body": "b".repeat(10_001)}),
    )
    .await
    .problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["subject", "body", "petition_ids[0]"], "{problem}");
    let mut extra = request_body(x, &[]);
    extra["priority"] = json!("high");
    let problem = file(app, &o.hanoi, &extra)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    let problem = file(app, &o.hanoi, &json!({"office_id": "x"}))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "office_id");
    app.send(
        awc::http::Method::POST,
        "/v1/supervision-requests",
        &[
            ("authorization", &o.hanoi),
            ("content-type", "application/json"),
        ],
        Some(b"{\"office_id\":".to_vec()),
    )
    .await
    .problem(400, "malformed_json");
    app.send(
        awc::http::Method::POST,
        "/v1/supervision-requests",
        &[("authorization", &o.hanoi), ("content-type", "text/plain")],
        Some(b"hello".to_vec()),
    )
    .await
    .problem(415, "unsupported_media_type");
    assert_eq!(stored_requests(app), 5);
}

#[actix_web::test]
async fn a_retried_filing_files_once() {
    let o = oversight().await;
    let app = &o.w.app;
    let body = request_body(o.w.ba_dinh.id, &[]);
    let headers = [
        ("authorization", o.hanoi.as_str()),
        ("idempotency-key", "mttq-2026-001"),
    ];
    let first = app
        .post_json("/v1/supervision-requests", &headers, &body)
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = app
        .post_json("/v1/supervision-requests", &headers, &body)
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(stored_requests(app), 1);
    app.post_json(
        "/v1/supervision-requests",
        &headers,
        &request_body(o.w.ngoc_ha.id, &[]),
    )
    .await
    .problem(422, "idempotency_key_reused");
}

#[actix_web::test]
async fn the_office_sees_its_requests_and_answers_each_once() {
    let o = oversight().await;
    let (app, x) = (&o.w.app, o.w.ba_dinh.id);
    let first = filed(app, &o.hanoi, &request_body(x, &[])).await;
    let second = filed(app, &o.ba_dinh, &request_body(x, &[])).await;
    let at_y = filed(app, &o.hanoi, &request_body(o.w.ngoc_ha.id, &[])).await;
    let (first_id, second_id, y_id) = (
        first["id"].as_i64().unwrap(),
        second["id"].as_i64().unwrap(),
        at_y["id"].as_i64().unwrap(),
    );

    // Office X's inbox: its two, oldest due first (same due day: in filing order).
    let inbox = get(app, &o.w.ba_dinh.official, "/v1/supervision-requests")
        .await
        .json();
    assert_eq!(ids(&inbox), [first_id, second_id], "{inbox}");
    assert_eq!(inbox["next_cursor"], Value::Null);
    let one = get(
        app,
        &o.w.ba_dinh.head,
        &format!("/v1/supervision-requests/{first_id}"),
    )
    .await;
    assert_eq!(one.status, 200, "{}", one.text());
    assert_eq!(one.json(), first);
    // Office Y sees only its own, cannot read or answer X's.
    let theirs = get(app, &o.w.ngoc_ha.official, "/v1/supervision-requests")
        .await
        .json();
    assert_eq!(ids(&theirs), [y_id]);
    get(
        app,
        &o.w.ngoc_ha.official,
        &format!("/v1/supervision-requests/{first_id}"),
    )
    .await
    .problem(404, "supervision_request_not_found");
    answer(
        app,
        &o.w.ngoc_ha.head,
        &first["id"],
        "Không phải của chúng tôi",
    )
    .await
    .problem(404, "supervision_request_not_found");
    // Supervisors and admins read, but do not answer.
    for token in [&o.hanoi, &o.admin] {
        answer(app, token, &first["id"], "Đã báo cáo")
            .await
            .problem(403, "forbidden");
    }

    // X answers the first once; the retry with the same key gets the same answer; any other
    // answer is refused.
    let headers = [
        ("authorization", o.w.ba_dinh.official.as_str()),
        ("idempotency-key", "tra-loi-1"),
    ];
    let path = format!("/v1/supervision-requests/{first_id}/reply");
    let reply_body =
        json!({"body": "  Ủy ban đã trả lời các phản ánh và chấn chỉnh việc thu gom.  "});
    let answered = app.post_json(&path, &headers, &reply_body).await;
    assert_eq!(answered.status, 200, "{}", answered.text());
    let answered = answered.json();
    assert_eq!(answered["status"], "answered");
    assert_eq!(
        answered["reply"]["body"],
        "Ủy ban đã trả lời các phản ánh và chấn chỉnh việc thu gom."
    );
    assert_eq!(answered["reply"]["on_time"], true);
    assert!(answered["reply"]["replied_by"].as_i64().unwrap() > 0);
    assert_eq!(answered["overdue_working_days"], 0);
    let replayed = app.post_json(&path, &headers, &reply_body).await;
    assert_eq!(replayed.status, 200);
    assert_eq!(replayed.json(), answered);
    let again = answer(app, &o.w.ba_dinh.head, &first["id"], "Lần nữa")
        .await
        .problem(409, "already_replied");
    assert!(again["detail"].as_str().unwrap().len() > 10);
    answer(app, &o.w.ba_dinh.head, &second["id"], " ")
        .await
        .problem(422, "validation_failed");
    answer(app, &o.w.ba_dinh.head, &json!(999_999), "Đã báo cáo")
        .await
        .problem(404, "supervision_request_not_found");
    answer(app, &o.w.ba_dinh.head, &json!("abc"), "Đã báo cáo")
        .await
        .problem(400, "invalid_supervision_request_id");

    // Open ones first: the second now leads; the filter picks each group.
    let inbox = get(app, &o.w.ba_dinh.official, "/v1/supervision-requests")
        .await
        .json();
    assert_eq!(ids(&inbox), [second_id, first_id]);
    let open = get(
        app,
        &o.w.ba_dinh.official,
        "/v1/supervision-requests?status=open",
    )
    .await
    .json();
    assert_eq!(ids(&open), [second_id]);
    let done = get(
        app,
        &o.w.ba_dinh.official,
        "/v1/supervision-requests?status=answered",
    )
    .await
    .json();
    assert_eq!(ids(&done), [first_id]);
    assert_eq!(done["items"][0], answered);
    // Page by page, the same order.
    let mut walked = Vec::new();
    let mut path = "/v1/supervision-requests?limit=1".to_owned();
    loop {
        let page = get(app, &o.admin, &path).await.json();
        walked.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/supervision-requests?limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(walked, [second_id, y_id, first_id]);

    // Supervisors see the requests to offices in their scope, whoever filed them.
    let seen = get(app, &o.ba_dinh, "/v1/supervision-requests")
        .await
        .json();
    assert_eq!(ids(&seen), [second_id, first_id]);
    let seen = get(
        app,
        &o.hanoi,
        &format!("/v1/supervision-requests?office_id={}", o.w.ngoc_ha.id),
    )
    .await
    .json();
    assert_eq!(ids(&seen), [y_id]);
    let none = get(app, &o.cao_bang, "/v1/supervision-requests")
        .await
        .json();
    assert_eq!(ids(&none), Vec::<i64>::new());
    get(
        app,
        &o.cao_bang,
        &format!("/v1/supervision-requests/{first_id}"),
    )
    .await
    .problem(404, "supervision_request_not_found");
    get(app, &o.ba_dinh, &format!("/v1/supervision-requests/{y_id}"))
        .await
        .problem(404, "supervision_request_not_found");
    assert_eq!(
        get(
            app,
            &o.national,
            &format!("/v1/supervision-requests/{y_id}")
        )
        .await
        .status,
        200
    );
    // Partners have no business here; bad queries are 400s.
    get(
        app,
        &format!("Bearer {}", o.w.partner),
        "/v1/supervision-requests",
    )
    .await
    .problem(403, "forbidden");
    for bad in [
        "/v1/supervision-requests?status=closed",
        "/v1/supervision-requests?limit=0",
        "/v1/supervision-requests?cursor=abc",
        "/v1/supervision-requests?office_id=0",
        "/v1/supervision-requests?sort=due",
        "/v1/supervision-requests/0",
        "/v1/supervision-requests/1?x=1",
    ] {
        let reply = get(app, &o.admin, bad).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text());
    }
}

/// The date in Vietnam now.
fn today(app: &TestApp) -> NaiveDate {
    (app.now() + Duration::hours(7)).date_naive()
}

async fn deadline(app: &TestApp, start: NaiveDate, days: u32) -> Value {
    app.get_json(&format!(
        "/v1/calendar/deadline?start={start}&days={days}&day_type=working"
    ))
    .await
}

#[actix_web::test]
async fn a_request_is_due_in_fifteen_working_days_on_the_calendar() {
    let o = oversight().await;
    let app = &o.w.app;
    let start = today(app);
    let expected = deadline(app, start, 15).await;
    let view = filed(app, &o.hanoi, &request_body(o.w.ba_dinh.id, &[])).await;
    assert_eq!(view["due_at"], expected["due_at"], "{view}");
    assert_eq!(view["calendar_version"], expected["calendar_version"]);
    // Working days, not calendar days: at least three weekends lie in between.
    let due: NaiveDate = expected["due_date"].as_str().unwrap().parse().unwrap();
    assert!((due - start).num_days() >= 19, "{start} → {due}");

    // The government gives the first counted day off: requests filed now are due a working
    // day later; the one filed before keeps its due time.
    let first_counted: NaiveDate = deadline(app, start, 1).await["due_date"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let changed = app
        .put_json(
            &format!("/v1/calendar/days/{first_counted}"),
            &[("authorization", &o.admin)],
            &json!({"kind": "holiday", "name": "Nghỉ bù"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let later = deadline(app, start, 15).await;
    let due_later: NaiveDate = later["due_date"].as_str().unwrap().parse().unwrap();
    assert_eq!(deadline(app, due, 1).await["due_date"], later["due_date"]);
    assert!(due_later > due);
    let view_later = filed(app, &o.hanoi, &request_body(o.w.ba_dinh.id, &[])).await;
    assert_eq!(view_later["due_at"], later["due_at"]);
    assert_ne!(view_later["calendar_version"], view["calendar_version"]);
    let before = get(
        app,
        &o.hanoi,
        &format!("/v1/supervision-requests/{}", view["id"]),
    )
    .await
    .json();
    assert_eq!(before["due_at"], view["due_at"]);
}

#[actix_web::test]
async fn the_reply_period_is_configurable() {
    let app = crate::helpers::spawn_app_with(|s| s.supervision_reply_days = 3).await;
    let office = app.get_json("/v1/communes/00004").await["office"]["id"]
        .as_i64()
        .unwrap();
    app.create_user("mttq.hanoi", Role::Supervisor, None, Some("province:01"));
    let token = format!("Bearer {}", app.access_token("mttq.hanoi").await);
    let view = filed(&app, &token, &request_body(office, &[])).await;
    assert_eq!(view["reply_working_days"], 3);
    assert_eq!(
        view["due_at"],
        deadline(&app, today(&app), 3).await["due_at"]
    );
}

/// A request filed long ago, written straight to the database (the API files only now).
fn filed_long_ago(app: &TestApp, office: i64, supervisor: i64, days_ago: i64) -> i64 {
    use tiengdan::db::schema::supervision_requests as s;
    let filed_at = (app.now() - Duration::days(days_ago)).naive_utc();
    diesel::insert_into(s::table)
        .values((
            s::office_id.eq(office),
            s::filed_by.eq(supervisor),
            s::subject.eq("Báo cáo tình hình"),
            s::body.eq("Đề nghị báo cáo."),
            s::filed_at.eq(filed_at),
            s::due_at.eq(filed_at + Duration::days(1)),
            s::reply_days.eq(1),
            s::calendar_version.eq("test"),
            s::status.eq("open"),
        ))
        .returning(s::id)
        .get_result(&mut app.db())
        .unwrap()
}

#[actix_web::test]
async fn an_unanswered_request_past_its_due_time_counts_working_days() {
    let o = oversight().await;
    let app = &o.w.app;
    let fresh = filed(app, &o.hanoi, &request_body(o.w.ba_dinh.id, &[])).await;
    let old = filed_long_ago(app, o.w.ba_dinh.id, o.ba_dinh_id, 20);
    let inbox = get(app, &o.w.ba_dinh.official, "/v1/supervision-requests")
        .await
        .json();
    assert_eq!(ids(&inbox), [old, fresh["id"].as_i64().unwrap()]);
    let overdue = inbox["items"][0]["overdue_working_days"].as_u64().unwrap();
    assert!((5..=19).contains(&overdue), "{overdue}");
    // Answered late: no longer counted as overdue, and not on time.
    let late = answer(
        app,
        &o.w.ba_dinh.official,
        &json!(old),
        "Xin lỗi vì chậm trễ",
    )
    .await;
    assert_eq!(late.status, 200, "{}", late.text());
    let late = late.json();
    assert_eq!(late["overdue_working_days"], 0);
    assert_eq!(late["reply"]["on_time"], false);
}

#[actix_web::test]
async fn the_database_keeps_requests_as_filed() {
    let o = oversight().await;
    let app = &o.w.app;
    let p = submitted(app, &o.w.partner, &feedback()).await;
    let view = filed(
        app,
        &o.hanoi,
        &request_body(o.w.ba_dinh.id, &[p["id"].as_str().unwrap()]),
    )
    .await;
    let id = view["id"].as_i64().unwrap();
    let mut conn = app.db();
    use tiengdan::db::schema::supervision_request_petitions as links;
    use tiengdan::db::schema::supervision_requests as s;
    assert!(
        diesel::update(s::table.find(id))
            .set(s::subject.eq("sửa"))
            .execute(&mut conn)
            .is_err()
    );
    assert!(
        diesel::delete(s::table.find(id))
            .execute(&mut conn)
            .is_err()
    );
    assert!(
        diesel::delete(links::table.filter(links::request_id.eq(id)))
            .execute(&mut conn)
            .is_err()
    );
    // An answer without its text is refused too.
    assert!(
        diesel::update(s::table.find(id))
            .set(s::status.eq("answered"))
            .execute(&mut conn)
            .is_err()
    );
    let answered = answer(app, &o.w.ba_dinh.official, &view["id"], "Đã báo cáo").await;
    assert_eq!(answered.status, 200);
    assert!(
        diesel::update(s::table.find(id))
            .set(s::reply_body.eq("sửa"))
            .execute(&mut conn)
            .is_err()
    );
}

/// An event's petition, actor kind and id, action, payload and place in the chain.
type EventColumns = (
    Option<i64>,
    String,
    Option<String>,
    String,
    String,
    Option<i64>,
);

#[actix_web::test]
async fn each_change_is_a_chained_event_with_the_agreed_payload() {
    let o = oversight().await;
    let app = &o.w.app;
    let p1 = submitted(app, &o.w.partner, &feedback()).await;
    let p2 = submitted(app, &o.w.partner, &feedback()).await;
    let public = [p1["id"].as_str().unwrap(), p2["id"].as_str().unwrap()];
    let internal: Vec<i64> = public
        .iter()
        .map(|id| {
            petitions::table
                .filter(petitions::public_id.eq(*id))
                .select(petitions::id)
                .first(&mut app.db())
                .unwrap()
        })
        .collect();
    let view = filed(
        app,
        &o.ba_dinh,
        &request_body(o.w.ba_dinh.id, &[public[1], public[0]]),
    )
    .await;
    assert_eq!(view["petition_ids"], json!([public[1], public[0]]));
    let answered = answer(app, &o.w.ba_dinh.head, &view["id"], "Đã báo cáo").await;
    assert_eq!(answered.status, 200, "{}", answered.text());
    let answered = answered.json();

    let rows: Vec<EventColumns> = events::table
        .filter(events::action.like("supervision.%"))
        .order(events::seq)
        .select((
            events::petition_id,
            events::actor_kind,
            events::actor_id,
            events::action,
            events::payload,
            events::seq,
        ))
        .load(&mut app.db())
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let instant = |v: &Value| v.as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    let utc = |v: &Value| {
        let text = v.as_str().unwrap();
        assert!(text.ends_with('Z'), "{text} is not in UTC");
        instant(v)
    };

    let (petition, actor_kind, actor_id, action, payload, _) = &rows[0];
    assert_eq!(action, "supervision.requested");
    assert_eq!((petition, actor_kind.as_str()), (&None, "staff"));
    assert_eq!(actor_id.as_deref(), Some(&*o.ba_dinh_id.to_string()));
    let payload: Value = serde_json::from_str(payload).unwrap();
    let mut keys: Vec<&String> = payload.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["due_at", "office_id", "petition_ids", "request_id"]);
    assert_eq!(payload["request_id"], view["id"]);
    assert_eq!(payload["office_id"], o.w.ba_dinh.id);
    assert_eq!(payload["petition_ids"], json!([internal[1], internal[0]]));
    assert_eq!(utc(&payload["due_at"]), instant(&view["due_at"]));

    let (petition, actor_kind, _, action, payload, _) = &rows[1];
    assert_eq!(action, "supervision.replied");
    assert_eq!((petition, actor_kind.as_str()), (&None, "staff"));
    let payload: Value = serde_json::from_str(payload).unwrap();
    let mut keys: Vec<&String> = payload.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["due_at", "office_id", "replied_at", "request_id"]);
    assert_eq!(payload["request_id"], view["id"]);
    assert_eq!(payload["office_id"], o.w.ba_dinh.id);
    assert_eq!(utc(&payload["due_at"]), instant(&view["due_at"]));
    assert_eq!(
        utc(&payload["replied_at"]),
        instant(&answered["reply"]["replied_at"])
    );

    // A refused answer records nothing; the chain still verifies.
    answer(app, &o.w.ba_dinh.head, &view["id"], "Lần nữa")
        .await
        .problem(409, "already_replied");
    let count: i64 = events::table
        .filter(events::action.like("supervision.%"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(count, 2);
    assert_eq!(app.get_json("/v1/transparency/verify").await["valid"], true);
}

/// A petition handed in at `token`'s desk `days_ago` days ago.
async fn backdated(app: &TestApp, token: &str, mut body: Value, days_ago: i64) -> Value {
    body["received_at"] = json!((app.now() - Duration::days(days_ago)).to_rfc3339());
    let reply = app
        .post_json("/v1/petitions", &[("authorization", token)], &body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

fn overdue_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn the_overdue_queue_follows_the_scope_without_identities() {
    let o = oversight().await;
    let app = &o.w.app;
    let official = &o.w.ba_dinh.official;
    // At Ba Đình, a feedback two weeks old and a denunciation, naming its denouncer, three
    // and a half weeks old; at Ngọc Hà, a feedback three weeks old; and one received now,
    // not overdue.
    let recent = backdated(app, official, feedback(), 14).await;
    let mut denunciation = complaint();
    denunciation["kind"] = json!("denunciation");
    denunciation["decision_date"] = Value::Null;
    denunciation["title"] = json!("Tố cáo cán bộ địa chính nhận hối lộ");
    denunciation["description"] = json!("Ông X nhận tiền để cấp sổ đỏ sai quy định.");
    let denounced = backdated(app, official, denunciation, 25).await;
    assert_eq!(denounced["kind"], "denunciation");
    let mut at_y = feedback();
    at_y["commune_code"] = json!("00008");
    let at_y = backdated(app, &o.w.ngoc_ha.official, at_y, 21).await;
    submitted(app, &o.w.partner, &feedback()).await;

    let all = get(app, &o.national, "/v1/oversight/overdue").await;
    assert_eq!(all.status, 200, "{}", all.text());
    let text = all.text();
    let all = all.json();
    let [denounced, at_y, recent] =
        [&denounced, &at_y, &recent].map(|p| p["id"].as_str().unwrap().to_owned());
    let order = overdue_ids(&all);
    let mut members = order.clone();
    members.sort();
    let mut expected = vec![denounced.clone(), at_y.clone(), recent.clone()];
    expected.sort();
    assert_eq!(members, expected, "{all}");
    // Oldest overdue first.
    let items = all["items"].as_array().unwrap();
    let dues: Vec<DateTime<Utc>> = items
        .iter()
        .map(|i| i["due_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    assert!(dues.iter().all(|d| *d < app.now()));
    let item = |id: &str| items.iter().find(|i| i["id"] == id).unwrap();
    let d = item(&denounced);
    assert_eq!(d["kind"], "denunciation");
    assert_eq!(d["overdue_clock"], "initial_processing");
    assert_eq!(d["title"], Value::Null);
    assert_eq!(d["office"]["id"], o.w.ba_dinh.id);
    assert_eq!(d["office"]["name"], "Ủy ban nhân dân Phường Ba Đình");
    assert_eq!(d["commune_code"], "00004");
    assert_eq!(d["province_code"], "01");
    assert_eq!(d["status"], "received");
    assert_eq!(d["category"], "land");
    assert!(d["overdue_working_days"].as_u64().unwrap() >= 5, "{d}");
    let r = item(&recent);
    assert_eq!(r["title"], "Rác thải tồn đọng");
    assert_eq!(r["overdue_clock"], "acknowledge");
    assert_eq!(r["kind"], "feedback");
    assert_eq!(item(&at_y)["office"]["id"], o.w.ngoc_ha.id);
    // Never who sent it, nor a denunciation's content.
    for secret in [
        "Nguyễn Văn An",
        "0912345678",
        "12 Phố Huế",
        "001090012345",
        "user-8841",
        "hối lộ",
        "sổ đỏ",
        "citizen",
        "description",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // Each scope its own, in the same order.
    let only = |keep: &[&String]| -> Vec<String> {
        order
            .iter()
            .filter(|id| keep.contains(id))
            .cloned()
            .collect()
    };
    let hanoi = get(app, &o.hanoi, "/v1/oversight/overdue").await.json();
    assert_eq!(overdue_ids(&hanoi), order);
    let ba_dinh = get(app, &o.ba_dinh, "/v1/oversight/overdue").await.json();
    assert_eq!(overdue_ids(&ba_dinh), only(&[&denounced, &recent]));
    let cao_bang = get(app, &o.cao_bang, "/v1/oversight/overdue").await.json();
    assert_eq!(overdue_ids(&cao_bang), Vec::<String>::new());
    let admin = get(app, &o.admin, "/v1/oversight/overdue").await.json();
    assert_eq!(overdue_ids(&admin), order);

    // Filters.
    let y = get(
        app,
        &o.hanoi,
        &format!("/v1/oversight/overdue?office_id={}", o.w.ngoc_ha.id),
    )
    .await
    .json();
    assert_eq!(overdue_ids(&y), [at_y.as_str()]);
    let feedbacks = get(app, &o.hanoi, "/v1/oversight/overdue?kind=feedback")
        .await
        .json();
    assert_eq!(overdue_ids(&feedbacks), only(&[&at_y, &recent]));

    // Page by page, the same order.
    let mut walked = Vec::new();
    let mut path = "/v1/oversight/overdue?limit=1".to_owned();
    loop {
        let page = get(app, &o.national, &path).await.json();
        walked.extend(overdue_ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/oversight/overdue?limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(walked, order);

    // Answered, a petition leaves the queue.
    assert_eq!(
        act(app, official, &recent, "accept", json!({}))
            .await
            .status,
        200
    );
    assert_eq!(
        act(
            app,
            official,
            &recent,
            "answer",
            json!({"body": "Đã thu gom."})
        )
        .await
        .status,
        200
    );
    let after = get(app, &o.national, "/v1/oversight/overdue").await.json();
    assert_eq!(overdue_ids(&after), only(&[&denounced, &at_y]));

    // Only supervisors and admins; bad queries are 400s.
    for token in [
        &o.w.ba_dinh.official,
        &o.w.ba_dinh.head,
        &format!("Bearer {}", o.w.partner),
    ] {
        get(app, token, "/v1/oversight/overdue")
            .await
            .problem(403, "forbidden");
    }
    app.get("/v1/oversight/overdue")
        .await
        .problem(401, "unauthenticated");
    for bad in [
        "/v1/oversight/overdue?kind=petition",
        "/v1/oversight/overdue?office_id=x",
        "/v1/oversight/overdue?office_id=-1",
        "/v1/oversight/overdue?cursor=abc",
        "/v1/oversight/overdue?limit=501",
        "/v1/oversight/overdue?overdue=true",
    ] {
        let reply = get(app, &o.national, bad).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text());
    }
}

/// Odd JSON, odd types, odd sizes and odd cursors reach the handlers: each a 4xx, never a 5xx,
/// and nothing stored.
#[actix_web::test]
async fn hostile_input_never_yields_a_5xx() {
    let o = oversight().await;
    let app = &o.w.app;
    let view = filed(app, &o.hanoi, &request_body(o.w.ba_dinh.id, &[])).await;
    let huge = format!("{{\"body\": \"{}\"}}", "x".repeat(300_000));
    let bodies: Vec<&[u8]> = vec![
        b"",
        b"null",
        b"[]",
        b"{\"office_id\": 9223372036854775808, \"subject\": \"s\", \"body\": \"b\"}",
        b"{\"office_id\": -1, \"subject\": \"s\", \"body\": \"b\"}",
        b"{\"office_id\": 36, \"subject\": \"\\u0000\", \"body\": \"b\"}",
        b"{\"office_id\": 36, \"subject\": \"s\", \"body\": \"\\u0000\"}",
        b"{\"office_id\": 36, \"subject\": \"s\", \"body\": \"b\", \"petition_ids\": [\"\\u0000\"]}",
        b"{\"office_id\": 36, \"subject\": \"s\", \"body\": \"b\", \"petition_ids\": \"x\"}",
        b"{\"office_id\": 36, \"subject\": \"s\", \"body\": \"b\", \"petition_ids\": [7]}",
        b"{\"body\": \"\\u0000\"}",
        b"{\"body\": 7}",
        b"{\"body\": \"\\ud800\"}",
        b"{\"a\":{\"a\":{\"a\":{\"a\":[[[[[[[[]]]]]]]]}}}}",
        huge.as_bytes(),
    ];
    let paths = [
        ("/v1/supervision-requests".to_owned(), o.hanoi.as_str()),
        (
            format!("/v1/supervision-requests/{}/reply", view["id"]),
            o.w.ba_dinh.official.as_str(),
        ),
        (
            "/v1/supervision-requests/99999999999999999999/reply".to_owned(),
            o.w.ba_dinh.official.as_str(),
        ),
    ];
    for (path, token) in &paths {
        for body in &bodies {
            let reply = app
                .send(
                    awc::http::Method::POST,
                    path,
                    &[
                        ("authorization", token),
                        ("content-type", "application/json"),
                    ],
                    Some(body.to_vec()),
                )
                .await;
            let text = String::from_utf8_lossy(body);
            let status = reply.status.as_u16();
            assert!(
                (400..500).contains(&status),
                "{path} {text}: {status} {}",
                reply.text()
            );
        }
    }
    for query in [
        "/v1/supervision-requests?cursor=%FF%FE",
        "/v1/supervision-requests?cursor=c3VwZXJ2aXNpb24tcmVxdWVzdHM6bzk5OTk5OTk5OTk5OTk5OTk5OTk5LjE",
        "/v1/supervision-requests?office_id=9223372036854775808",
        "/v1/supervision-requests?status=open&status=answered",
        "/v1/oversight/overdue?cursor=%FF%FE",
        "/v1/oversight/overdue?cursor=b3ZlcmR1ZTo5OTk5OTk5OTk5OTk5OTk5OTk5OS4x",
        "/v1/oversight/overdue?kind=complaint&kind=feedback",
        "/v1/oversight/overdue?office_id=9223372036854775807",
    ] {
        for token in [&o.national, &o.w.ba_dinh.official] {
            let reply = app.get_with(query, &[("authorization", token)]).await;
            assert!(reply.status.as_u16() < 500, "{query}: {}", reply.text());
        }
    }
    assert_eq!(stored_requests(app), 1);
    let unanswered = get(
        app,
        &o.hanoi,
        &format!("/v1/supervision-requests/{}", view["id"]),
    )
    .await
    .json();
    assert_eq!(unanswered["status"], "open");
}

#[actix_web::test]
async fn supervisors_see_their_offices_records_and_requests_count_in_the_statistics() {
    let o = oversight().await;
    let app = &o.w.app;
    let late = submitted(app, &o.w.partner, &feedback()).await;
    submitted(app, &o.w.partner, &feedback()).await;
    // One of the two is past its nearest deadline now.
    diesel::update(petitions::table.filter(petitions::public_id.eq(late["id"].as_str().unwrap())))
        .set(petitions::next_due_at.eq(Some(app.now().naive_utc() - Duration::days(3))))
        .execute(&mut app.db())
        .unwrap();
    let request = filed(app, &o.hanoi, &request_body(o.w.ba_dinh.id, &[])).await;
    let replied = answer(
        app,
        &o.w.ba_dinh.official,
        &request["id"],
        "Đã báo cáo bằng văn bản.",
    )
    .await;
    assert_eq!(replied.status, 200, "{}", replied.text());
    crate::stats::fold(app, 1000);

    let page = get(app, &o.ba_dinh, "/v1/oversight/offices").await;
    assert_eq!(page.status, 200, "{}", page.text());
    let page = page.json();
    let items = page["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "a commune's supervisor sees its commune's office: {page}"
    );
    let record = &items[0];
    assert_eq!(record["office"]["id"], o.w.ba_dinh.id);
    assert_eq!(record["overdue_now"], 1);
    assert_eq!(record["received"], 2);
    assert_eq!(record["supervision_filed"], 1);
    assert_eq!(record["supervision_answered"], 1);
    assert_eq!(record["supervision_on_time_rate"]["value"], 1.0);
    assert_eq!(record["supervision_on_time_rate"]["n"], 1);

    // The province's supervisor sees both communes' offices; another province's, neither.
    let hanoi = get(app, &o.hanoi, "/v1/oversight/offices?limit=500")
        .await
        .json();
    let ids: Vec<i64> = hanoi["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["office"]["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&o.w.ba_dinh.id) && ids.contains(&o.w.ngoc_ha.id));
    let cao_bang = get(app, &o.cao_bang, "/v1/oversight/offices?limit=500")
        .await
        .json();
    assert!(
        cao_bang["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["province_code"] == "04"),
        "{cao_bang}"
    );
    get(app, &o.w.ba_dinh.official, "/v1/oversight/offices")
        .await
        .problem(403, "forbidden");
    get(app, &o.national, "/v1/oversight/offices?period=2026-Q5")
        .await
        .problem(400, "invalid_period");

    // In the public statistics one request is too few to show.
    let year = local_year(app);
    let stats = app
        .get_json(&format!(
            "/v1/stats?level=office&office_id={}&period={year}",
            o.w.ba_dinh.id
        ))
        .await;
    assert_eq!(stats["counts"]["supervision_filed"]["suppressed"], true);
}

fn local_year(app: &TestApp) -> String {
    (app.now() + Duration::hours(7)).format("%Y").to_string()
}
