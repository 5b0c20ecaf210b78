//! Statistics over HTTP: definitions, a hand-computed scenario, suppression, rankings,
//! series, the CSV, and bad requests.

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_definitions_are_served_with_their_papi_mapping() {
    let app = spawn_app().await;
    let d = app.get_json("/v1/stats/definitions").await;
    assert_eq!(d["version"], tiengdan::domain::stats::DEFINITIONS_VERSION);
    assert_eq!(d["suppression_threshold"], 5);
    assert_eq!(d["ranking_floor"], 30);
    let metrics = d["metrics"].as_array().unwrap();
    let on_time = metrics
        .iter()
        .find(|m| m["code"] == "on_time_rate")
        .unwrap_or_else(|| panic!("{d}"));
    assert!(on_time.to_string().contains("D3"), "{on_time}");
    let doc = include_str!("../../docs/METRICS.md");
    for m in metrics {
        let code = m["code"].as_str().unwrap();
        assert!(doc.contains(code), "docs/METRICS.md does not define {code}");
    }
    app.get("/v1/stats/definitions?x=1")
        .await
        .problem(400, "invalid_query");
}

use chrono::{DateTime, Duration, FixedOffset};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};
use crate::petitions::{feedback, submitted};
use crate::workflow::{World, act, clock, world};

/// The month in Vietnam (`YYYY-MM`) of an instant the API gave.
fn local_month(at: &Value) -> String {
    let at: DateTime<FixedOffset> = at.as_str().unwrap().parse().unwrap();
    at.with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
        .format("%Y-%m")
        .to_string()
}

/// The month in Vietnam of the day after an instant's date.
fn month_after_day_of(at: &Value) -> String {
    let at: DateTime<FixedOffset> = at.as_str().unwrap().parse().unwrap();
    let local = at.with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap()) + Duration::days(1);
    local.format("%Y-%m").to_string()
}

/// Folds the events into the rollups in batches of `batch`, as the server's job does.
pub fn fold(app: &TestApp, batch: i64) -> usize {
    let mut conn = app.db();
    let calendar = tiengdan::db::calendar::load(&mut conn).unwrap();
    tiengdan::db::stats::rollup::catch_up_by(&mut conn, &calendar, batch, app.now().naive_utc())
        .unwrap()
}

/// Every rollup row, in a stable order, as text.
fn rollups(app: &TestApp) -> Vec<String> {
    use tiengdan::db::schema::{stats_cells as c, stats_days as d};
    let mut conn = app.db();
    let cells = c::table
        .order((c::level, c::unit, c::month, c::kind, c::category))
        .select((
            c::level,
            c::unit,
            c::parent,
            c::month,
            c::kind,
            c::category,
            tiengdan::db::stats::rollup::COUNTERS,
        ))
        .load::<(
            String,
            String,
            String,
            i32,
            String,
            String,
            tiengdan::db::stats::rollup::CounterValues,
        )>(&mut conn)
        .unwrap();
    let days: Vec<(String, String, i32, String, String, i32, i64)> = d::table
        .order((d::level, d::unit, d::month, d::kind, d::category, d::days))
        .select((
            d::level,
            d::unit,
            d::month,
            d::kind,
            d::category,
            d::days,
            d::answers,
        ))
        .load(&mut conn)
        .unwrap();
    cells
        .into_iter()
        .map(|r| {
            let counters = tiengdan::db::stats::rollup::tally(r.6);
            format!("{:?} {counters:?}", (r.0, r.1, r.2, r.3, r.4, r.5))
        })
        .chain(days.into_iter().map(|r| format!("{r:?}")))
        .collect()
}

async fn answer(w: &World, id: &str) {
    let accepted = act(&w.app, &w.ba_dinh.official, id, "accept", json!({})).await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let answered = act(
        &w.app,
        &w.ba_dinh.official,
        id,
        "answer",
        json!({"body": "Đã thu gom rác tại ngõ 5."}),
    )
    .await;
    assert_eq!(answered.status, 200, "{}", answered.text());
}

async fn rate(w: &World, id: &str, satisfied: bool) {
    let rated = w
        .app
        .post_json(
            &format!("/v1/petitions/{id}/rating"),
            &[("x-api-key", &w.partner)],
            &json!({"satisfied": satisfied, "score": if satisfied { 5 } else { 2 }}),
        )
        .await;
    assert_eq!(rated.status, 200, "{}", rated.text());
}

fn close(value: &Value, expected: f64) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"));
    assert!((got - expected).abs() < 0.0005, "{got} is not {expected}");
}

/// The scenario the figures below are computed by hand from, at Phường Ba Đình's office:
/// twelve feedback petitions received today; five accepted and answered at once (three rated
/// satisfied, two not); one withdrawn and one refused at once; five left open until the
/// sweeper, run three months ahead, finds both their clocks missed.
#[actix_web::test]
async fn a_hand_computed_office_year() {
    let w = world().await;
    let mut ids = Vec::new();
    let mut first = Value::Null;
    for _ in 0..12 {
        let p = submitted(&w.app, &w.partner, &feedback()).await;
        ids.push(p["id"].as_str().unwrap().to_owned());
        first = p;
    }
    let received_month = local_month(&first["received_at"]);
    let answer_due_month = local_month(&clock(&first, "answer")["due_at"]);
    let ack_due_month = local_month(&clock(&first, "acknowledge")["due_at"]);
    let overdue_month = month_after_day_of(&clock(&first, "acknowledge")["due_at"]);
    for (i, id) in ids.iter().take(5).enumerate() {
        answer(&w, id).await;
        rate(&w, id, i < 3).await;
    }
    let withdrawn = w
        .app
        .post_json(
            &format!("/v1/petitions/{}/withdraw", ids[5]),
            &[("x-api-key", &w.partner)],
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text());
    let refused = act(
        &w.app,
        &w.ba_dinh.official,
        &ids[6],
        "reject",
        json!({"reason": "duplicate", "note": "Trùng đơn"}),
    )
    .await;
    assert_eq!(refused.status, 200, "{}", refused.text());
    // Folded in batches of three events, so that petitions' events span batches.
    assert!(fold(&w.app, 3) > 12);
    let mut conn = w.app.db();
    let calendar = tiengdan::db::calendar::load(&mut conn).unwrap();
    let swept =
        tiengdan::service::deadlines::Sweep::at(&calendar, w.app.now() + Duration::days(90), 2)
            .run_blocking(&mut conn)
            .unwrap();
    assert_eq!(
        swept.missed, 10,
        "two clocks of each of the five open petitions"
    );
    fold(&w.app, 3);

    let office = w.ba_dinh.id;
    let stats = |period: &str| format!("/v1/stats?level=office&office_id={office}&period={period}");
    let s = w.app.get_json(&stats(&received_month)).await;
    assert_eq!(s["level"], "office");
    assert_eq!(s["code"], office.to_string());
    assert_eq!(
        s["caveat"],
        tiengdan::domain::stats::metric::ADMINISTRATIVE_DATA
    );
    let counts = &s["counts"];
    assert_eq!(
        counts["received"],
        json!({"value": 12, "suppressed": false})
    );
    assert_eq!(counts["accepted"]["value"], 5);
    assert_eq!(counts["answered"]["value"], 5);
    assert_eq!(counts["answered_on_time"]["value"], 5);
    // One refusal and one withdrawal: under the threshold of 5, so not published.
    assert_eq!(
        counts["rejected"],
        json!({"value": null, "suppressed": true})
    );
    assert_eq!(
        counts["withdrawn"],
        json!({"value": null, "suppressed": true})
    );
    assert_eq!(
        counts["transferred_out"],
        json!({"value": 0, "suppressed": false})
    );
    // Three of five satisfied: 0.6, Wilson 95 % 0.231–0.882.
    let satisfaction = &s["rates"]["satisfaction_rate"];
    close(&satisfaction["value"], 0.6);
    assert_eq!(satisfaction["n"], 5);
    close(&satisfaction["ci_low"], 0.2307);
    close(&satisfaction["ci_high"], 0.8824);
    assert_eq!(satisfaction["suppressed"], false);
    close(&s["rates"]["rating_rate"]["value"], 1.0);
    close(&s["rates"]["online_answer_rate"]["value"], 1.0);
    // Answered the day they came: zero working days.
    assert_eq!(
        s["days"]["median_days_to_answer"],
        json!({"value": 0.0, "n": 5, "suppressed": false})
    );
    assert_eq!(s["papi"]["response_rate"]["sub_dimension"], "D3.2");
    assert_eq!(s["papi"]["online_answer_rate"]["dimension"], "D8");

    // The answer clocks fall due in their own month: five answered in time, five missed; the
    // withdrawn and the refused were stopped before their due time and are left out.
    let due = w.app.get_json(&stats(&answer_due_month)).await;
    let response = &due["rates"]["response_rate"];
    assert_eq!(response["n"], 10);
    close(&response["value"], 0.5);
    close(&response["ci_low"], 0.2366);
    close(&response["ci_high"], 0.7634);
    close(&due["rates"]["on_time_rate"]["value"], 0.5);
    // First steps: five acceptances and one refusal in time, five missed.
    let ack = w.app.get_json(&stats(&ack_due_month)).await;
    assert_eq!(ack["rates"]["ack_on_time_rate"]["n"], 11);
    close(&ack["rates"]["ack_on_time_rate"]["value"], 6.0 / 11.0);
    // Five overdue from the day after the acknowledgement was due.
    let overdue = w.app.get_json(&stats(&overdue_month)).await;
    assert_eq!(overdue["counts"]["overdue_open"]["value"], 5);

    // The province is the sum of its offices; the nation too.
    let province = w
        .app
        .get_json(&format!(
            "/v1/stats?level=province&code=01&period={received_month}"
        ))
        .await;
    assert_eq!(province["name"], "Thành phố Hà Nội");
    assert_eq!(province["counts"]["received"]["value"], 12);
    let nation = w
        .app
        .get_json(&format!(
            "/v1/stats?period={received_month}&kind=feedback&category=environment"
        ))
        .await;
    assert_eq!(nation["counts"]["answered"]["value"], 5);
    assert_eq!(nation["kind"], "feedback");

    // The same numbers from scratch.
    let incremental = rollups(&w.app);
    assert!(!incremental.is_empty());
    tiengdan::db::stats::rollup::rebuild(&mut conn, &calendar, w.app.now().naive_utc()).unwrap();
    assert_eq!(rollups(&w.app), incremental);
    let again = w.app.get_json(&stats(&received_month)).await;
    assert_eq!(again["counts"], s["counts"]);

    // Three petitions at Phường Ngọc Hà: too few to publish, and the province's total would
    // give them away if Ba Đình's twelve were shown beside it.
    for _ in 0..3 {
        let mut body = feedback();
        body["commune_code"] = json!("00008");
        submitted(&w.app, &w.partner, &body).await;
    }
    fold(&w.app, 1000);
    let commune =
        |code: &str| format!("/v1/stats?level=commune&code={code}&period={received_month}");
    let ngoc_ha = w.app.get_json(&commune("00008")).await;
    assert_eq!(ngoc_ha["counts"]["received"]["suppressed"], true);
    let ba_dinh = w.app.get_json(&commune("00004")).await;
    assert_eq!(
        ba_dinh["counts"]["received"],
        json!({"value": null, "suppressed": true}),
        "complementary suppression"
    );
    // The office is all of its commune: hidden with it.
    let office_now = w.app.get_json(&stats(&received_month)).await;
    assert_eq!(office_now["counts"]["received"]["suppressed"], true);
    // Answers are all Ba Đình's: nothing small to protect there.
    assert_eq!(ba_dinh["counts"]["answered"]["value"], 5);
    let province = w
        .app
        .get_json(&format!(
            "/v1/stats?level=province&code=01&period={received_month}"
        ))
        .await;
    assert_eq!(province["counts"]["received"]["value"], 15);

    // The series gives each month's figure as /v1/stats does.
    let series = w
        .app
        .get_json(&format!(
            "/v1/stats/series?level=office&office_id={office}&from={received_month}&to={received_month}&metric=answered"
        ))
        .await;
    assert_eq!(series["points"][0]["month"], received_month);
    assert_eq!(
        series["points"][0]["figure"],
        json!({"value": 5, "suppressed": false})
    );

    // The CSV: a byte-order mark, Vietnamese names, the definitions' version.
    let csv = w
        .app
        .get(&format!(
            "/v1/stats.csv?level=province&code=01&period={received_month}"
        ))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    assert!(text.starts_with('\u{feff}'), "no byte-order mark");
    let received_row = text
        .lines()
        .find(|l| l.contains(",received,"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(received_row.contains("Thành phố Hà Nội"), "{received_row}");
    assert!(
        received_row.contains(",received,count,15,"),
        "{received_row}"
    );
    assert!(received_row.contains(tiengdan::domain::stats::DEFINITIONS_VERSION));
    assert_eq!(
        text.lines().count(),
        1 + tiengdan::domain::stats::Metric::ALL.len()
    );
}

#[actix_web::test]
async fn rankings_list_only_units_over_the_floor_with_their_intervals() {
    let app = spawn_app_with(|s| {
        s.ranking_floor = 3;
        s.suppression_threshold = 1;
    })
    .await;
    let (_, partner) = app.create_partner("A");
    let mut offices = Vec::new();
    for (commune, name) in [("00004", "badinh"), ("00008", "ngocha")] {
        let id = app.get_json(&format!("/v1/communes/{commune}")).await["office"]["id"]
            .as_i64()
            .unwrap();
        app.create_user(
            &format!("canbo.{name}"),
            tiengdan::domain::staff::Role::Official,
            Some(id),
            None,
        );
        offices.push(format!(
            "Bearer {}",
            app.access_token(&format!("canbo.{name}")).await
        ));
    }
    // Ba Đình: four answers, all satisfied. Ngọc Hà: two, one satisfied (under the floor).
    let mut month = String::new();
    for (commune, token, satisfied) in [
        ("00004", &offices[0], [true, true, true, true].as_slice()),
        ("00008", &offices[1], [true, false].as_slice()),
    ] {
        for s in satisfied {
            let mut body = feedback();
            body["commune_code"] = json!(commune);
            let p = submitted(&app, &partner, &body).await;
            month = local_month(&p["received_at"]);
            let id = p["id"].as_str().unwrap();
            act(&app, token, id, "accept", json!({})).await;
            act(&app, token, id, "answer", json!({"body": "Đã xử lý."})).await;
            let rated = app
                .post_json(
                    &format!("/v1/petitions/{id}/rating"),
                    &[("x-api-key", &partner)],
                    &json!({"satisfied": s, "score": 3}),
                )
                .await;
            assert_eq!(rated.status, 200, "{}", rated.text());
        }
    }
    fold(&app, 1000);
    let ranking = app
        .get_json(&format!(
            "/v1/stats/ranking?level=commune&parent=01&period={month}&metric=satisfaction_rate"
        ))
        .await;
    let units = ranking["units"].as_array().unwrap();
    assert_eq!(units.len(), 1, "{ranking}");
    assert_eq!(units[0]["code"], "00004");
    assert_eq!(units[0]["rank"], 1);
    assert_eq!(units[0]["n"], 4);
    close(&units[0]["value"], 1.0);
    close(&units[0]["ci_low"], 0.5101);
    assert_eq!(ranking["ranking_floor"], 3);
    assert!(
        ranking["not_ranked"].as_u64().unwrap() > 100,
        "Hà Nội's other communes"
    );

    // Offices of the province by working days to answer: only Ba Đình's reaches the floor.
    let both = app
        .get_json(&format!(
            "/v1/stats/ranking?level=office&parent=01&period={month}&metric=median_days_to_answer"
        ))
        .await;
    assert_eq!(both["units"].as_array().unwrap().len(), 1, "{both}");

    // Counts are not ranked; a commune ranking needs its province.
    app.get(&format!(
        "/v1/stats/ranking?level=commune&parent=01&period={month}&metric=received"
    ))
    .await
    .problem(400, "invalid_parameter");
    app.get(&format!(
        "/v1/stats/ranking?level=commune&period={month}&metric=on_time_rate"
    ))
    .await
    .problem(400, "invalid_parameter");
}

#[actix_web::test]
async fn bad_statistics_requests_are_refused_clearly() {
    let app = crate::helpers::spawn_app().await;
    for (query, status, code) in [
        ("period=2026-13", 400, "invalid_period"),
        ("period=26", 400, "invalid_period"),
        ("level=province&period=2026", 400, "invalid_parameter"),
        (
            "level=province&code=1&period=2026",
            400,
            "invalid_province_code",
        ),
        (
            "level=province&code=99&period=2026",
            404,
            "province_not_found",
        ),
        (
            "level=commune&code=99999&period=2026",
            404,
            "commune_not_found",
        ),
        (
            "level=office&office_id=999999&period=2026",
            404,
            "office_not_found",
        ),
        (
            "level=office&office_id=x&period=2026",
            400,
            "invalid_office_id",
        ),
        (
            "level=national&code=01&period=2026",
            400,
            "invalid_parameter",
        ),
        ("period=2026&category=nonsense", 400, "invalid_parameter"),
        ("period=2026&kind=gossip", 400, "invalid_query"),
        ("period=2026&colour=red", 400, "invalid_query"),
        ("level=county&period=2026", 400, "invalid_query"),
        ("", 400, "invalid_query"),
    ] {
        let reply = app.get(&format!("/v1/stats?{query}")).await;
        assert_eq!(reply.status, status, "{query}: {}", reply.text());
        reply.problem(status, code);
    }
    app.get("/v1/stats/series?from=2026-05&to=2026-01&metric=received")
        .await
        .problem(400, "invalid_parameter");
    app.get("/v1/stats/series?from=2000-01&to=2026-01&metric=received")
        .await
        .problem(400, "invalid_parameter");
    app.get("/v1/stats/series?from=2026&to=2026-03&metric=received")
        .await
        .problem(400, "invalid_period");
    // An empty database: zeros are published, and rates have n = 0.
    let empty = app.get_json("/v1/stats?period=2026").await;
    assert_eq!(
        empty["counts"]["received"],
        json!({"value": 0, "suppressed": false})
    );
    assert_eq!(empty["rates"]["response_rate"]["n"], 0);
    assert_eq!(empty["rates"]["response_rate"]["value"], Value::Null);
    assert_eq!(empty["as_of"]["seq"], 0);
}

/// Writes a rollup cell of all kinds and categories, as the fold would, with `received`.
fn cell(app: &TestApp, level: &str, unit: &str, parent: &str, month: i32, received: i64) {
    use tiengdan::db::schema::stats_cells as c;
    diesel::insert_into(c::table)
        .values((
            c::level.eq(level),
            c::unit.eq(unit),
            c::parent.eq(parent),
            c::month.eq(month),
            c::kind.eq("*"),
            c::category.eq("*"),
            c::received.eq(received),
        ))
        .execute(&mut app.db())
        .unwrap();
}

fn received(report: &Value) -> &Value {
    &report["counts"]["received"]
}

/// A province that holds all of a month's petitions of the nation is hidden with the nation,
/// whose month is hidden beside a small month of another province: the provinces' published
/// months would otherwise add up to it.
#[actix_web::test]
async fn a_province_equal_to_a_hidden_nation_is_hidden_with_it() {
    let app = spawn_app_with(|_| {}).await;
    // January: 3 in Hồ Chí Minh City (79); February: 6 in Hà Nội (01).
    cell(&app, "national", "VN", "", 202_501, 3);
    cell(&app, "province", "79", "VN", 202_501, 3);
    cell(&app, "national", "VN", "", 202_502, 6);
    cell(&app, "province", "01", "VN", 202_502, 6);
    cell(&app, "commune", "00004", "01", 202_502, 6);
    let nation = app
        .get_json("/v1/stats?level=national&period=2025-02")
        .await;
    assert_eq!(received(&nation)["suppressed"], true, "{nation}");
    let hanoi = app
        .get_json("/v1/stats?level=province&code=01&period=2025-02")
        .await;
    assert_eq!(
        received(&hanoi),
        &json!({"value": null, "suppressed": true}),
        "{hanoi}"
    );
    // Only the figures equal to hidden ones go: no answers anywhere, and that is published.
    assert_eq!(
        hanoi["counts"]["answered"],
        json!({"value": 0, "suppressed": false})
    );
}

/// A province whose petitions are one per commune cannot publish its total; one whose total
/// is far above what its communes could hide publishes it.
#[actix_web::test]
async fn a_total_made_of_tiny_parts_is_hidden() {
    let app = spawn_app_with(|_| {}).await;
    let communes: Vec<String> = {
        use tiengdan::db::schema::communes as c;
        c::table
            .filter(c::province_code.eq("01"))
            .order(c::code)
            .select(c::code)
            .limit(6)
            .load(&mut app.db())
            .unwrap()
    };
    for code in &communes {
        cell(&app, "commune", code, "01", 202_503, 1);
    }
    cell(&app, "province", "01", "VN", 202_503, 6);
    cell(&app, "province", "79", "VN", 202_503, 900);
    cell(&app, "commune", "25747", "79", 202_503, 900);
    cell(&app, "national", "VN", "", 202_503, 906);
    let get = |code: &str| format!("/v1/stats?level=province&code={code}&period=2025-03");
    let hanoi = app.get_json(&get("01")).await;
    assert_eq!(received(&hanoi)["suppressed"], true, "{hanoi}");
    let hcm = app.get_json(&get("79")).await;
    assert_eq!(received(&hcm), &json!({"value": 900, "suppressed": false}));
}
