//! The working-day calendar and the legal clocks over HTTP: the year view, the public deadline
//! calculator, admins changing a day (and the clocks it moves), each petition's deadlines
//! explained, and the sweeper announcing deadlines once.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{Value, json};
use tiengdan::db::schema::{events, office_notices};
use tiengdan::domain::staff::Role;

use crate::helpers::{TestApp, spawn_app};
use crate::petitions::{complaint, feedback, submitted};
use crate::workflow::world;

fn dates(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().or(d["date"].as_str()).unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_decided_year_lists_its_official_days_off_and_make_up_days() {
    let app = spawn_app().await;
    let year = app.get_json("/v1/calendar/2026").await;
    assert_eq!(year["year"], 2026);
    assert_eq!(year["provisional"], false);
    let off = dates(&year["days_off"]);
    // 1 January (Thursday) and Friday 2 January; Tết: Monday 16 – Friday 20 February.
    for day in [
        "2026-01-01",
        "2026-01-02",
        "2026-02-16",
        "2026-02-17",
        "2026-02-18",
        "2026-02-19",
        "2026-02-20",
    ] {
        assert!(off.contains(&day.to_owned()), "{day} not off: {off:?}");
    }
    assert!(!off.contains(&"2026-02-23".to_owned()), "{off:?}");
    let worked = dates(&year["working_days"]);
    assert!(worked.contains(&"2026-01-10".to_owned()), "{worked:?}");
    let tet = year["days_off"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-02-17")
        .unwrap();
    assert_eq!(tet["name_vi"], "Tết Nguyên Đán");
    assert_eq!(tet["source"], "official");

    let later = app.get_json("/v1/calendar/2030").await;
    assert_eq!(later["provisional"], true);
    // Tết 2030 is Saturday 2 February in the Vietnamese calendar: its weekdays are off.
    let off = dates(&later["days_off"]);
    assert!(off.contains(&"2030-02-04".to_owned()), "{off:?}");
}

#[actix_web::test]
async fn the_calculator_explains_a_deadline_across_tet() {
    let app = spawn_app().await;
    // Friday 13 February 2026, the last working day before Tết: two working days later is
    // Tuesday 24 February, after the nine days off.
    let d = app
        .get_json("/v1/calendar/deadline?start=2026-02-13&days=2&day_type=working")
        .await;
    assert_eq!(d["due_date"], "2026-02-24", "{d}");
    assert_eq!(d["due_at"], "2026-02-24T23:59:59+07:00");
    assert_eq!(d["provisional"], false);
    let explanation = &d["explanation"];
    assert_eq!(dates(&explanation["counted"]).len(), 2, "{explanation}");
    let skipped = dates(&explanation["skipped"]);
    for day in ["2026-02-16", "2026-02-20", "2026-02-21", "2026-02-22"] {
        assert!(skipped.contains(&day.to_owned()), "{day}: {skipped:?}");
    }
    assert!(explanation.to_string().contains("Tết Nguyên Đán"));

    // Calendar days: 10 days from 21 April 2025 end on 1 May, a holiday, and run on to the
    // next working day, Monday 5 May (2–4 May were off by decision).
    let d = app
        .get_json("/v1/calendar/deadline?start=2025-04-21&days=10&day_type=calendar")
        .await;
    assert_eq!(d["due_date"], "2025-05-05", "{d}");
}

#[actix_web::test]
async fn the_calculator_refuses_nonsense_with_the_reason() {
    let app = spawn_app().await;
    for (query, code) in [
        ("start=2026-13-01&days=2&day_type=working", "invalid_date"),
        ("start=yesterday&days=2&day_type=working", "invalid_date"),
        ("start=1066-10-14&days=2&day_type=working", "invalid_date"),
        ("start=2026-02-13&days=-1&day_type=working", "invalid_days"),
        (
            "start=2026-02-13&days=99999999&day_type=working",
            "invalid_days",
        ),
        ("start=2026-02-13&days=two&day_type=working", "invalid_days"),
        (
            "start=2026-02-13&days=2&day_type=fortnight",
            "invalid_query",
        ),
        ("start=2026-02-13&days=2", "invalid_query"),
        (
            "start=2026-02-13&days=2&day_type=working&x=1",
            "invalid_query",
        ),
    ] {
        let reply = app.get(&format!("/v1/calendar/deadline?{query}")).await;
        reply.problem(400, code);
    }
    app.get("/v1/calendar/1800")
        .await
        .problem(400, "invalid_year");
    app.get("/v1/calendar/twenty")
        .await
        .problem(400, "invalid_year");
}

/// The date `days` working days after today, by the service's own calculator.
async fn working_days_from_today(app: &TestApp, days: u32) -> NaiveDate {
    let today = tiengdan::domain::clock::local_date(app.now());
    let d = app
        .get_json(&format!(
            "/v1/calendar/deadline?start={today}&days={days}&day_type=working"
        ))
        .await;
    d["due_date"].as_str().unwrap().parse().unwrap()
}

pub async fn deadlines(app: &TestApp, auth: &str, id: &str) -> Value {
    let reply = app
        .get_with(
            &format!("/v1/petitions/{id}/deadlines"),
            &[("authorization", auth)],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.json()
}

fn clock<'a>(view: &'a Value, name: &str) -> &'a Value {
    crate::workflow::named(&view["clocks"], name)
}

#[actix_web::test]
async fn an_admin_day_off_moves_the_running_clocks_it_falls_in() {
    let w = world().await;
    let app = &w.app;
    let auth = format!("Bearer {}", w.partner);
    let p = submitted(app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    let before = deadlines(app, &auth, id).await;
    let ack = clock(&before, "acknowledge");
    assert_eq!(ack["status"], "running");
    assert!(!ack["legal_basis"].as_str().unwrap().is_empty());
    assert_eq!(
        dates(&ack["explanation"]["counted"]).len(),
        2,
        "the explanation counts the clock's length: {ack}"
    );
    let first_working_day = working_days_from_today(app, 1).await;
    let three_on = working_days_from_today(app, 3).await;
    let old_version = ack["calendar_version"].as_str().unwrap().to_owned();

    // Only an admin changes the calendar.
    app.create_user("quantri", Role::Admin, None, None);
    let admin = format!("Bearer {}", app.access_token("quantri").await);
    let path = format!("/v1/calendar/days/{first_working_day}");
    let body = json!({"kind": "holiday", "name": "Nghỉ thử nghiệm"});
    let refused = app
        .put_json(&path, &[("authorization", &w.ba_dinh.head)], &body)
        .await;
    refused.problem(403, "forbidden");
    let bad = app
        .put_json(
            &path,
            &[("authorization", &admin)],
            &json!({"kind": "feast", "name": "x"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    let blank = app
        .put_json(
            &path,
            &[("authorization", &admin)],
            &json!({"kind": "holiday", "name": " "}),
        )
        .await;
    blank.problem(422, "validation_failed");
    app.put_json(
        "/v1/calendar/days/2026-02-30",
        &[("authorization", &admin)],
        &body,
    )
    .await
    .problem(400, "invalid_date");

    let changed = app
        .put_json(&path, &[("authorization", &admin)], &body)
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let changed = changed.json();
    assert!(
        changed["recomputed_clocks"].as_u64().unwrap() >= 2,
        "{changed}"
    );
    assert_ne!(changed["calendar_version"], old_version);

    // Two working days now end where three did.
    let after = deadlines(app, &auth, id).await;
    let ack = clock(&after, "acknowledge");
    assert_eq!(ack["due_date"], three_on.to_string(), "{ack}");
    assert_eq!(ack["calendar_version"], changed["calendar_version"]);
    assert!(
        ack["explanation"].to_string().contains("Nghỉ thử nghiệm"),
        "{ack}"
    );
    // The change is recorded against the petition.
    let mut conn = app.db();
    let recomputed: i64 = events::table
        .filter(events::action.eq("deadline.recomputed"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(recomputed >= 2);
    // The calculator and the year view agree at once.
    assert_eq!(working_days_from_today(app, 2).await, three_on);
    use chrono::Datelike;
    let year = app
        .get_json(&format!("/v1/calendar/{}", first_working_day.year()))
        .await;
    assert!(dates(&year["days_off"]).contains(&first_working_day.to_string()));
}

#[actix_web::test]
async fn deadlines_are_seen_by_whoever_reads_the_petition() {
    let w = world().await;
    let app = &w.app;
    let p = submitted(app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    let view = deadlines(app, &w.ba_dinh.official, id).await;
    assert_eq!(view["petition_id"], id);
    let names: Vec<&str> = view["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["clock"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acknowledge", "answer"]);
    let (_, other) = app.create_partner("B");
    app.get_with(
        &format!("/v1/petitions/{id}/deadlines"),
        &[("authorization", &format!("Bearer {other}"))],
    )
    .await
    .problem(404, "petition_not_found");
    app.get_with(
        &format!("/v1/petitions/{id}/deadlines"),
        &[("authorization", &w.ngoc_ha.official)],
    )
    .await
    .problem(404, "petition_not_found");
    app.get(&format!("/v1/petitions/{id}/deadlines"))
        .await
        .problem(401, "unauthenticated");
}

/// A petition handed in at the desk `days_ago` days ago.
async fn backdated(w: &crate::workflow::World, mut body: Value, days_ago: i64) -> Value {
    body["received_at"] = json!((w.app.now() - chrono::Duration::days(days_ago)).to_rfc3339());
    let reply = w
        .app
        .post_json(
            "/v1/petitions",
            &[("authorization", &w.ba_dinh.official)],
            &body,
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

fn sweep(app: &TestApp) -> tiengdan::db::sweep::Swept {
    sweep_on(app.db(), app.now())
}

/// One sweep at `now`, as `tiengdan sweep` and the server's job run it.
fn sweep_on(
    mut conn: tiengdan::db::DbConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> tiengdan::db::sweep::Swept {
    let calendar = tiengdan::db::calendar::load(&mut conn).unwrap();
    tiengdan::service::deadlines::Sweep::at(&calendar, now, 2)
        .run_blocking(&mut conn)
        .unwrap()
}

fn count_events(app: &TestApp, action: &str) -> i64 {
    events::table
        .filter(events::action.eq(action))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

#[actix_web::test]
async fn the_sweeper_announces_each_missed_and_approaching_deadline_once() {
    let w = world().await;
    let app = &w.app;
    // Received 20 days ago: both the 2-day acknowledgement and the 10-day answer are overdue.
    let late = backdated(&w, feedback(), 20).await;
    // Received now: the acknowledgement is due within two working days.
    submitted(app, &w.partner, &feedback()).await;

    let first = sweep(app);
    assert_eq!(first.missed, 2, "{first:?}");
    assert!(first.approaching >= 1, "{first:?}");
    assert_eq!(count_events(app, "deadline.missed"), 2);
    let approaching = count_events(app, "deadline.approaching");
    assert_eq!(approaching, first.approaching as i64);
    // Nothing new to announce: a second sweep says nothing.
    let second = sweep(app);
    assert_eq!((second.missed, second.approaching), (0, 0), "{second:?}");
    assert_eq!(count_events(app, "deadline.missed"), 2);

    // The inbox and the petition say how overdue.
    let id = late["id"].as_str().unwrap();
    let view = app
        .get_with(
            &format!("/v1/petitions/{id}"),
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    let overdue = view["overdue_working_days"].as_u64().unwrap();
    assert!(overdue >= 5, "{view}");
    let deadlines = deadlines(app, &w.ba_dinh.official, id).await;
    assert_eq!(clock(&deadlines, "acknowledge")["status"], "missed");
    let inbox = app
        .get_with(
            "/v1/petitions?overdue=true",
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    let item = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap();
    assert_eq!(item["overdue_working_days"].as_u64().unwrap(), overdue);
}

#[actix_web::test]
async fn an_overdue_denunciation_is_reported_to_the_superior_office() {
    let w = world().await;
    let app = &w.app;
    // Seven working days for initial processing (Law on Denunciations art. 24), long past.
    let mut body = complaint();
    body["kind"] = json!("denunciation");
    body["decision_date"] = Value::Null;
    let late = backdated(&w, body, 25).await;
    let swept = sweep(app);
    assert!(swept.missed >= 1, "{swept:?}");
    assert_eq!(swept.notices, 1, "{swept:?}");
    let notices: Vec<(i64, String)> = office_notices::table
        .select((office_notices::office_id, office_notices::reason))
        .load(&mut app.db())
        .unwrap();
    assert_eq!(notices.len(), 1);
    assert_ne!(
        notices[0].0, w.ba_dinh.id,
        "the superior, not the office itself"
    );
    assert_eq!(notices[0].1, "denunciation_overdue");
    assert_eq!(count_events(app, "superior.notified"), 1);
    // Once only.
    assert_eq!(sweep(app).notices, 0);
    let deadlines = deadlines(app, &w.ba_dinh.official, late["id"].as_str().unwrap()).await;
    assert_eq!(clock(&deadlines, "initial_processing")["status"], "missed");
}

#[test]
fn two_sweepers_at_once_announce_each_clock_once() {
    // Many overdue clocks, then two sweeps racing on separate connections (PostgreSQL claims
    // rows with SKIP LOCKED; SQLite's writer lock serialises).
    let system = actix_web::rt::System::new();
    let w = system.block_on(async {
        let w = world().await;
        for _ in 0..30 {
            backdated(&w, feedback(), 20).await;
        }
        w
    });
    let app = &w.app;
    let connections = [app.db(), app.db()];
    let now = app.now();
    let results: Vec<tiengdan::db::sweep::Swept> = std::thread::scope(|s| {
        let handles: Vec<_> = connections
            .into_iter()
            .map(|conn| s.spawn(move || sweep_on(conn, now)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let missed: usize = results.iter().map(|r| r.missed).sum();
    assert_eq!(missed, 60, "{results:?}");
    let announced: Vec<Option<i64>> = events::table
        .filter(events::action.eq("deadline.missed"))
        .select(events::petition_id)
        .load(&mut app.db())
        .unwrap();
    let mut per_petition = std::collections::HashMap::new();
    for id in announced {
        *per_petition.entry(id).or_insert(0) += 1;
    }
    assert_eq!(per_petition.len(), 30);
    assert!(per_petition.values().all(|n| *n == 2), "{per_petition:?}");
}

#[actix_web::test]
async fn the_server_sweeps_on_its_own() {
    let app = crate::helpers::spawn_app_with(|s| s.sweep_interval = 1).await;
    let head = app.get_json("/v1/communes/00004").await["office"]["id"]
        .as_i64()
        .unwrap();
    app.create_user("canbo.badinh", Role::Official, Some(head), None);
    let official = format!("Bearer {}", app.access_token("canbo.badinh").await);
    let mut body = feedback();
    body["received_at"] = json!((app.now() - chrono::Duration::days(20)).to_rfc3339());
    let reply = app
        .post_json("/v1/petitions", &[("authorization", &official)], &body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    // The job runs every second; give it ample time on a loaded machine.
    let mut announced = 0;
    for _ in 0..100 {
        announced = count_events(&app, "deadline.missed");
        if announced == 2 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(announced, 2);
}
