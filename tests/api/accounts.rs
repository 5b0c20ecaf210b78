//! Accounts' life cycle (DESIGN §3.5): disabled and enabled, changed, passwords reset and
//! changed; every change recorded, ending the account's sessions.

use diesel::prelude::*;
use serde_json::{Value, json};
use tiengdan::db::schema::events;
use tiengdan::domain::staff::Role;

use crate::helpers::{STAFF_PASSWORD, TestApp, spawn_app};

const NEW_PASSWORD: &str = "Một mật khẩu mới thật dài";

struct Setup {
    app: TestApp,
    admin: String,
    head: String,
    official_id: i64,
    office: i64,
}

async fn setup() -> Setup {
    let app = spawn_app().await;
    let office = app.get_json("/v1/communes/00004").await["office"]["id"]
        .as_i64()
        .unwrap();
    app.create_user("quantri", Role::Admin, None, None);
    app.create_user("truong.badinh", Role::OfficeHead, Some(office), None);
    let official_id = app.create_user("canbo.badinh", Role::Official, Some(office), None);
    let admin = format!("Bearer {}", app.access_token("quantri").await);
    let head = format!("Bearer {}", app.access_token("truong.badinh").await);
    Setup {
        app,
        admin,
        head,
        official_id,
        office,
    }
}

fn actions(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.db();
    events::table
        .filter(events::action.like("user.%"))
        .order(events::id)
        .select((events::action, events::payload))
        .load(&mut conn)
        .unwrap()
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> crate::helpers::Reply {
    app.post_json(path, &[("authorization", token)], &body)
        .await
}

#[actix_web::test]
async fn a_disabled_account_is_shut_out_at_once_and_enabled_again() {
    let s = setup().await;
    let app = &s.app;
    let pair = app.login("canbo.badinh", STAFF_PASSWORD).await.json();
    let token = format!("Bearer {}", pair["access_token"].as_str().unwrap());
    assert_eq!(
        app.get_with("/v1/me", &[("authorization", &token)])
            .await
            .status,
        200
    );

    let path = format!("/v1/users/{}/disable", s.official_id);
    let disabled = post(app, &path, &s.head, json!({})).await;
    assert_eq!(disabled.status, 200, "{}", disabled.text());
    assert_eq!(disabled.json()["disabled"], true);
    post(app, &path, &s.head, json!({}))
        .await
        .problem(422, "validation_failed");

    // Its access token, its refresh token and its password all stop working.
    app.get_with("/v1/me", &[("authorization", &token)])
        .await
        .problem(401, "invalid_token");
    app.post_json(
        "/v1/auth/refresh",
        &[],
        &json!({"refresh_token": pair["refresh_token"]}),
    )
    .await
    .problem(401, "invalid_refresh_token");
    assert_eq!(app.login("canbo.badinh", STAFF_PASSWORD).await.status, 401);

    let enabled = post(
        app,
        &format!("/v1/users/{}/enable", s.official_id),
        &s.admin,
        json!({}),
    )
    .await;
    assert_eq!(enabled.status, 200, "{}", enabled.text());
    assert_eq!(enabled.json()["disabled"], false);
    assert_eq!(app.login("canbo.badinh", STAFF_PASSWORD).await.status, 200);

    let trail = actions(app);
    let kinds: Vec<&str> = trail.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "user.created",
            "user.created",
            "user.created",
            "user.disabled",
            "user.enabled"
        ]
    );
    assert_eq!(trail[3].1, format!(r#"{{"user_id":{}}}"#, s.official_id));

    // Nobody shuts themselves out.
    let me = app
        .get_with("/v1/me", &[("authorization", &s.admin)])
        .await
        .json();
    let problem = post(
        app,
        &format!("/v1/users/{}/disable", me["id"]),
        &s.admin,
        json!({}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "not_permitted");
}

#[actix_web::test]
async fn a_changed_account_signs_in_again_with_what_it_now_may_do() {
    let s = setup().await;
    let app = &s.app;
    let other = app.get_json("/v1/communes/00008").await["office"]["id"]
        .as_i64()
        .unwrap();
    let token = format!("Bearer {}", app.access_token("canbo.badinh").await);
    let access = format!("/v1/users/{}/access", s.official_id);

    // The head may neither move their official nor give the reveal permission.
    let moved = json!({"role": "official", "office_id": other});
    let problem = app
        .put_json(&access, &[("authorization", &s.head)], &moved)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "office_id");
    let revealer = json!({"role": "official", "office_id": s.office, "can_reveal_identity": true});
    let problem = app
        .put_json(&access, &[("authorization", &s.head)], &revealer)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "can_reveal_identity");
    // Refusals changed nothing: the token still works.
    assert_eq!(
        app.get_with("/v1/me", &[("authorization", &token)])
            .await
            .status,
        200
    );

    // The admin gives it; the old token, which says otherwise, is refused.
    let changed = app
        .put_json(&access, &[("authorization", &s.admin)], &revealer)
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json()["can_reveal_identity"], true);
    app.get_with("/v1/me", &[("authorization", &token)])
        .await
        .problem(401, "invalid_token");
    let fresh = format!("Bearer {}", app.access_token("canbo.badinh").await);
    let me = app
        .get_with("/v1/me", &[("authorization", &fresh)])
        .await
        .json();
    assert_eq!(me["can_reveal_identity"], true);

    // Now it holds the permission, its head can no longer manage it at all.
    for (path, body) in [
        (format!("/v1/users/{}/disable", s.official_id), json!({})),
        (
            format!("/v1/users/{}/password", s.official_id),
            json!({"password": NEW_PASSWORD}),
        ),
    ] {
        post(app, &path, &s.head, body)
            .await
            .problem(404, "user_not_found");
    }
    app.get_with(
        &format!("/v1/users/{}", s.official_id),
        &[("authorization", &s.admin)],
    )
    .await
    .json()["role"]
        .as_str()
        .map(|r| assert_eq!(r, "official"))
        .unwrap();
    let trail = actions(app);
    let (kind, payload) = trail.last().unwrap();
    assert_eq!(kind, "user.changed");
    assert!(
        payload.contains(r#""can_reveal_identity":true"#),
        "{payload}"
    );
}

#[actix_web::test]
async fn passwords_are_reset_by_managers_and_changed_by_their_holders() {
    let s = setup().await;
    let app = &s.app;
    let token = format!("Bearer {}", app.access_token("canbo.badinh").await);

    let reset = post(
        app,
        &format!("/v1/users/{}/password", s.official_id),
        &s.head,
        json!({"password": "password1234"}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(reset["errors"][0]["code"], "weak_password");
    let reset = post(
        app,
        &format!("/v1/users/{}/password", s.official_id),
        &s.head,
        json!({"password": NEW_PASSWORD}),
    )
    .await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert!(!reset.text().contains(NEW_PASSWORD));
    app.get_with("/v1/me", &[("authorization", &token)])
        .await
        .problem(401, "invalid_token");
    assert_eq!(app.login("canbo.badinh", STAFF_PASSWORD).await.status, 401);
    let token = format!(
        "Bearer {}",
        app.access_token_with("canbo.badinh", NEW_PASSWORD).await
    );

    // The holder changes it back, giving the current one.
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let wrong = post(
        app,
        "/v1/me/password",
        &token,
        change("đoán bừa thôi", STAFF_PASSWORD),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(wrong["errors"][0]["field"], "current_password");
    assert_eq!(wrong["errors"][0]["code"], "wrong_password");
    let weak = post(
        app,
        "/v1/me/password",
        &token,
        change(NEW_PASSWORD, "canbo.badinh"),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(weak["errors"][0]["field"], "new_password");
    let changed = post(
        app,
        "/v1/me/password",
        &token,
        change(NEW_PASSWORD, STAFF_PASSWORD),
    )
    .await;
    assert_eq!(changed.status, 204, "{}", changed.text());
    assert_eq!(app.login("canbo.badinh", STAFF_PASSWORD).await.status, 200);
    assert_eq!(app.login("canbo.badinh", NEW_PASSWORD).await.status, 401);

    let kinds: Vec<String> = actions(app).into_iter().map(|(a, _)| a).collect();
    assert_eq!(
        &kinds[3..],
        ["user.password_reset", "user.password_changed"]
    );
    // The record never holds a password, old or new.
    let mut conn = app.db();
    let payloads: Vec<String> = events::table
        .select(events::payload)
        .load(&mut conn)
        .unwrap();
    assert!(
        payloads
            .iter()
            .all(|p| !p.contains(NEW_PASSWORD) && !p.contains(STAFF_PASSWORD))
    );
}

/// A change made elsewhere (another node, the command line) reaches a node's cache within a
/// minute: its tokens are refused from then on.
#[actix_web::test]
async fn a_change_at_the_command_line_refuses_old_tokens_within_a_minute() {
    let s = setup().await;
    let app = &s.app;
    let token = format!("Bearer {}", app.access_token("canbo.badinh").await);
    assert_eq!(
        app.get_with("/v1/me", &[("authorization", &token)])
            .await
            .status,
        200
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tiengdan"))
        .args([
            "--log-level",
            "off",
            "user",
            "disable",
            "--username",
            "canbo.badinh",
        ])
        .env("DATABASE_URL", app.database.url())
        .envs(crate::helpers::key_env(&app.settings))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    app.clock.advance(chrono::Duration::seconds(61));
    app.get_with("/v1/me", &[("authorization", &token)])
        .await
        .problem(401, "invalid_token");
    assert_eq!(app.login("canbo.badinh", STAFF_PASSWORD).await.status, 401);
}
