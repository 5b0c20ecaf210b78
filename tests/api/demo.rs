//! `tiengdan demo`: a seeded year that the statistics, the sign-in and the partner API show,
//! the same for the same seed.

use std::process::Command;

use serde_json::Value;
use tiengdan::config::Settings;

use crate::helpers::{TestApp, TestDatabase, settings_for, spawn_app_on};

/// A small year in Đà Nẵng, ending on a fixed day so the periods asked about are known.
const YEAR: [&str; 10] = [
    "--petitions",
    "400",
    "--provinces",
    "48",
    "--communes",
    "8",
    "--until",
    "2026-10-31",
    "--months",
    "12",
];

/// Runs `tiengdan demo` on the database as an operator would, with the data key the test
/// server will use.
fn demo(database: &TestDatabase, settings: &Settings, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tiengdan"));
    command
        .arg("demo")
        .args(args)
        .env("DATABASE_URL", database.url())
        .env("LOG_LEVEL", "warn");
    if let Some(key) = &settings.data_key {
        command.env("TIENGDAN_DATA_KEY", key.expose());
    }
    let output = command.output().expect("run tiengdan demo");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Seeds `YEAR` with the seed given (`--json`) on a fresh database and starts the server on it.
async fn seeded(seed: &str) -> (TestApp, Value) {
    let database = TestDatabase::create();
    let settings = settings_for(&database);
    let mut args = YEAR.to_vec();
    args.extend_from_slice(&["--seed", seed, "--json"]);
    let (ok, stdout, stderr) = demo(&database, &settings, &args);
    assert!(ok, "demo failed: {stderr}");
    let out: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (spawn_app_on(settings, database).await, out)
}

fn value(figure: &Value) -> i64 {
    assert_eq!(figure["suppressed"], false, "{figure}");
    figure["value"]
        .as_i64()
        .unwrap_or_else(|| panic!("not a count: {figure}"))
}

#[actix_web::test]
async fn a_seeded_year_shows_in_the_statistics_and_its_credentials_work() {
    let (app, out) = seeded("7").await;
    let written = &out["written"];
    assert_eq!(written["received"], 400, "{out}");
    assert_eq!(
        written["skipped"], 0,
        "the service refused a planned action: {out}"
    );
    assert_eq!(written["extensions_refused"], 0, "{out}");
    assert!(written["answered"].as_u64().unwrap() > 200, "{out}");
    assert!(written["deadlines_missed"].as_u64().unwrap() > 0, "{out}");
    // The province's supervisor pressed an office each month it had overdue petitions.
    let filed = written["supervision_filed"].as_u64().unwrap();
    assert!(filed > 0, "{out}");
    assert!(
        written["supervision_answered"].as_u64().unwrap() <= filed,
        "{out}"
    );
    assert_eq!(out["from"], "2025-11-01");
    assert_eq!(out["to"], "2026-10-31");

    // The year's statistics are there at once, with something to show for each figure.
    let year = app
        .get_json("/v1/stats?level=province&code=48&period=2026")
        .await;
    let counts = &year["counts"];
    assert!(value(&counts["received"]) > 250, "{year}");
    assert!(value(&counts["answered"]) > 150, "{year}");
    assert!(value(&counts["answered_on_time"]) > 0, "{year}");
    assert!(value(&counts["overdue_open"]) > 0, "{year}");
    for rate in [
        "response_rate",
        "on_time_rate",
        "ack_on_time_rate",
        "satisfaction_rate",
        "rating_rate",
    ] {
        let r = &year["rates"][rate];
        assert_eq!(r["suppressed"], false, "{rate}: {r}");
        let v = r["value"].as_f64().unwrap_or_else(|| panic!("{rate}: {r}"));
        assert!(v > 0.0 && v < 1.0, "{rate}: {r}");
    }
    assert!(year["days"]["median_days_to_answer"]["value"].is_number());

    // A second run on a database that holds petitions is refused, and says why.
    let (ok, _, stderr) = demo(&app.database, &app.settings, &YEAR);
    assert!(!ok);
    assert!(stderr.contains("already holds 400 petitions"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");

    // Every printed account signs in, and each role sees its slice.
    let accounts = out["accounts"].as_array().unwrap();
    for role in ["official", "office_head", "supervisor", "admin"] {
        let a = accounts
            .iter()
            .find(|a| a["role"] == role)
            .unwrap_or_else(|| panic!("no {role}: {out}"));
        let login = app
            .login(
                a["username"].as_str().unwrap(),
                a["password"].as_str().unwrap(),
            )
            .await;
        assert_eq!(login.status, 200, "{role}: {}", login.text());
    }
    let mut listed = 0;
    for a in accounts.iter().filter(|a| a["role"] == "official") {
        let login = app
            .login(
                a["username"].as_str().unwrap(),
                a["password"].as_str().unwrap(),
            )
            .await;
        let token = login.json()["access_token"].as_str().unwrap().to_owned();
        let inbox = app
            .get_with(
                "/v1/petitions",
                &[("authorization", &format!("Bearer {token}"))],
            )
            .await;
        assert_eq!(inbox.status, 200, "{}", inbox.text());
        listed += inbox.json()["items"].as_array().unwrap().len();
    }
    assert!(listed > 0, "no official has a petition in their inbox");

    // The partners' keys work and each sees its own petitions.
    let partners = out["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 3);
    let key = partners[0]["api_key"].as_str().unwrap();
    let mine = app.get_with("/v1/petitions", &[("x-api-key", key)]).await;
    assert_eq!(mine.status, 200, "{}", mine.text());
    assert!(!mine.json()["items"].as_array().unwrap().is_empty());

    // The record is whole: the backdated events chain in order.
    let verified = app.get_json("/v1/transparency/verify").await;
    assert_eq!(verified["valid"], true, "{verified}");
}

/// What a statistics answer says, without when it was folded.
async fn figures(app: &TestApp, path: &str) -> Value {
    let mut v = app.get_json(path).await;
    if let Some(o) = v.as_object_mut() {
        o.remove("as_of");
        o.remove("provisional");
    }
    v
}

#[actix_web::test]
async fn the_same_seed_seeds_the_same_year_and_another_seed_another() {
    let (a, out_a) = seeded("7").await;
    let (b, out_b) = seeded("7").await;
    assert_eq!(out_a["written"], out_b["written"]);
    assert_eq!(out_a["standing"], out_b["standing"]);
    let passwords = |out: &Value| -> Vec<Value> {
        out["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["password"].clone())
            .collect()
    };
    assert_eq!(passwords(&out_a), passwords(&out_b));
    for path in [
        "/v1/stats?level=province&code=48&period=2026",
        "/v1/stats?level=province&code=48&period=2025-12&kind=feedback",
        "/v1/stats/ranking?level=commune&parent=48&period=2026&metric=response_rate",
        "/v1/stats/series?level=province&code=48&from=2025-11&to=2026-10&metric=overdue_open",
    ] {
        let (fa, fb) = (figures(&a, path).await, figures(&b, path).await);
        assert_eq!(fa, fb, "{path}");
    }

    let (c, out_c) = seeded("8").await;
    assert_ne!(passwords(&out_a), passwords(&out_c));
    let path = "/v1/stats?level=province&code=48&period=2026";
    assert_ne!(figures(&a, path).await, figures(&c, path).await);
}
