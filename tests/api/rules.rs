//! The rule table of legal clocks over HTTP: read by anyone, extended and changed by admins,
//! with running clocks following a change, and remote communes getting longer periods.

use serde_json::{Value, json};
use tiengdan::domain::staff::Role;

use crate::helpers::TestApp;
use crate::petitions::{complaint, feedback, submitted};
use crate::workflow::{act, clock, world};

pub async fn admin(app: &TestApp) -> String {
    app.create_user("quantri", Role::Admin, None, None);
    format!("Bearer {}", app.access_token("quantri").await)
}

fn rule<'a>(rules: &'a Value, kind: &str, clock: &str) -> &'a Value {
    rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == kind && r["clock"] == clock && r["province_code"].is_null())
        .unwrap_or_else(|| panic!("no {kind} {clock} rule: {rules}"))
}

async fn working_days_after(app: &TestApp, start: &str, days: u32) -> String {
    let d = app
        .get_json(&format!(
            "/v1/calendar/deadline?start={}&days={days}&day_type=working",
            &start[..10]
        ))
        .await;
    d["due_date"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn the_rule_table_cites_the_law_for_every_clock() {
    let w = world().await;
    let rules = w.app.get_json("/v1/rules").await;
    assert_eq!(rules["rules"].as_array().unwrap().len(), 26, "{rules}");
    assert!(
        rules["rules_version"]
            .as_str()
            .unwrap()
            .starts_with("rules.")
    );
    assert_eq!(rule(&rules, "complaint", "accept")["days"], 10);
    assert_eq!(
        rule(&rules, "denunciation", "initial_processing")["legal_basis"],
        "Law on Denunciations 25/2018/QH14, art. 24"
    );
    // Clocks record the rule version they were computed with.
    let p = submitted(&w.app, &w.partner, &feedback()).await;
    assert_eq!(p["deadlines"][0]["rule_version"], rules["rules_version"]);
}

#[actix_web::test]
async fn a_provincial_rule_governs_only_its_province() {
    let w = world().await;
    let app = &w.app;
    let admin = admin(app).await;
    let body = json!({
        "kind": "feedback", "clock": "answer", "starts": "receipt", "province_code": "48",
        "days": 3, "day_type": "working", "max_extensions": 1, "extension_days": 3,
        "legal_basis": "Đà Nẵng Decision 960/QĐ-UBND (2021)"
    });
    let added = app
        .post_json("/v1/rules", &[("authorization", &admin)], &body)
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let version = added.json()["rules_version"].as_str().unwrap().to_owned();

    let mut da_nang = feedback();
    da_nang["commune_code"] = json!("20195");
    let there = submitted(app, &w.partner, &da_nang).await;
    let answer = clock(&there, "answer");
    assert_eq!(answer["length_days"], 3);
    assert_eq!(answer["legal_basis"], "Đà Nẵng Decision 960/QĐ-UBND (2021)");
    assert_eq!(answer["rule_version"], version);
    let here = submitted(app, &w.partner, &feedback()).await;
    assert_eq!(clock(&here, "answer")["length_days"], 10);

    // Refused, with the reason, and nothing added.
    for (bad, field) in [
        (json!({"days": 0}), "days"),
        (json!({"days": 99999}), "days"),
        (json!({"province_code": "99"}), "province_code"),
        (json!({"category_code": "weather"}), "category_code"),
        (json!({"legal_basis": "  "}), "legal_basis"),
        (json!({"max_extensions": 11}), "max_extensions"),
        (
            json!({"max_extensions": 2, "extension_days": 3000}),
            "extension_days",
        ),
    ] {
        let mut wrong = body.clone();
        for (k, v) in bad.as_object().unwrap() {
            wrong[k] = v.clone();
        }
        let problem = app
            .post_json("/v1/rules", &[("authorization", &admin)], &wrong)
            .await
            .problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let mut unknown_clock = body.clone();
    unknown_clock["clock"] = json!("lunch");
    assert_eq!(
        app.post_json("/v1/rules", &[("authorization", &admin)], &unknown_clock)
            .await
            .status,
        422
    );
    assert_eq!(
        app.get_json("/v1/rules").await["rules"]
            .as_array()
            .unwrap()
            .len(),
        27
    );
}

#[actix_web::test]
async fn changing_a_rule_recounts_the_running_clocks_it_governs() {
    let w = world().await;
    let app = &w.app;
    let admin = admin(app).await;
    let p = submitted(app, &w.partner, &feedback()).await;
    let id = p["id"].as_str().unwrap();
    let before = app.get_json("/v1/rules").await;
    let old = rule(&before, "feedback", "answer");
    let old_id = old["id"].as_i64().unwrap();

    let changed = app
        .put_json(
            &format!("/v1/rules/{old_id}"),
            &[("authorization", &admin)],
            &json!({"days": 15, "day_type": "working", "max_extensions": 0,
                    "legal_basis": "Quyết định mới của tỉnh"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let changed = changed.json();
    assert_eq!(changed["recomputed_clocks"], 1, "{changed}");
    let new_id = changed["rule"]["id"].as_i64().unwrap();
    assert_ne!(new_id, old_id);

    let view = app
        .get_with(
            &format!("/v1/petitions/{id}"),
            &[("authorization", &w.ba_dinh.official)],
        )
        .await
        .json();
    let answer = clock(&view, "answer");
    assert_eq!(answer["length_days"], 15);
    assert_eq!(answer["legal_basis"], "Quyết định mới của tỉnh");
    assert_eq!(answer["rule_version"], changed["rules_version"]);
    let expected = working_days_after(app, p["received_at"].as_str().unwrap(), 15).await;
    assert!(
        answer["due_at"].as_str().unwrap().starts_with(&expected),
        "{answer} vs {expected}"
    );
    // The acknowledgement's rule did not change, nor did its clock.
    assert_eq!(clock(&view, "acknowledge")["length_days"], 2);

    // The old rule is out of force; the new one is in the table.
    let after = app.get_json("/v1/rules").await;
    assert_eq!(rule(&after, "feedback", "answer")["id"], new_id);
    app.put_json(
        &format!("/v1/rules/{old_id}"),
        &[("authorization", &admin)],
        &json!({"days": 5, "day_type": "working", "legal_basis": "x"}),
    )
    .await
    .problem(404, "rule_not_found");
    app.put_json(
        "/v1/rules/abc",
        &[("authorization", &admin)],
        &json!({"days": 5, "day_type": "working", "legal_basis": "x"}),
    )
    .await
    .problem(400, "invalid_rule_id");

    // The new rule allows no extension: the office head is told so.
    act(app, &w.ba_dinh.official, id, "accept", json!({})).await;
    let refused = act(
        app,
        &w.ba_dinh.head,
        id,
        "extend",
        json!({"clock": "answer", "reason": "Cần xác minh"}),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
}

#[actix_web::test]
async fn a_remote_commune_gets_the_longer_complaint_period() {
    let w = world().await;
    let app = &w.app;
    let admin = admin(app).await;
    let flagged = app
        .put_json(
            "/v1/communes/00004/remote",
            &[("authorization", &admin)],
            &json!({"remote": true}),
        )
        .await;
    assert_eq!(flagged.status, 200, "{}", flagged.text());
    app.put_json(
        "/v1/communes/99999/remote",
        &[("authorization", &admin)],
        &json!({"remote": true}),
    )
    .await
    .problem(404, "commune_not_found");
    app.put_json(
        "/v1/communes/00004/remote",
        &[("authorization", &w.ba_dinh.head)],
        &json!({"remote": false}),
    )
    .await
    .problem(403, "forbidden");

    let p = submitted(app, &w.partner, &complaint()).await;
    let id = p["id"].as_str().unwrap();
    let accepted = act(
        app,
        &w.ba_dinh.official,
        id,
        "accept",
        json!({"complexity": "normal"}),
    )
    .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    let resolve = clock(&accepted.json(), "resolve").clone();
    assert_eq!(resolve["length_days"], 45, "{resolve}");
    assert!(
        resolve["legal_basis"]
            .as_str()
            .unwrap()
            .contains("remote area")
    );

    // Ngọc Hà is not remote: 30 days.
    let mut there = complaint();
    there["commune_code"] = json!("00008");
    let q = submitted(app, &w.partner, &there).await;
    let accepted = act(
        app,
        &w.ngoc_ha.official,
        q["id"].as_str().unwrap(),
        "accept",
        json!({"complexity": "normal"}),
    )
    .await
    .json();
    assert_eq!(clock(&accepted, "resolve")["length_days"], 30);
}
