//! Staff sign-in, tokens, and accounts.

use serde_json::{Value, json};
use tiengdan::domain::staff::Role;

use crate::helpers::{STAFF_PASSWORD, TestApp, spawn_app, spawn_app_with};

const BA_DINH: i64 = 35; // the office of commune 00004 (ids follow the GSO order)

async fn office_of(app: &TestApp, commune: &str) -> i64 {
    app.get_json(&format!("/v1/communes/{commune}")).await["office"]["id"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn sign_in_refresh_with_rotation_and_sign_out() {
    let app = spawn_app().await;
    let office = office_of(&app, "00004").await;
    app.create_user("canbo.badinh", Role::Official, Some(office), None);

    let pair = app.login("canbo.badinh", STAFF_PASSWORD).await;
    assert_eq!(pair.status, 200, "{}", pair.text());
    let pair = pair.json();
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    let access = pair["access_token"].as_str().unwrap();
    let me = app
        .get_with("/v1/me", &[("authorization", &format!("Bearer {access}"))])
        .await
        .json();
    assert_eq!(me["username"], "canbo.badinh");
    assert_eq!(me["role"], "official");
    assert_eq!(me["office_id"], office);
    assert!(me.get("password_hash").is_none());

    let first = pair["refresh_token"].as_str().unwrap();
    let second = app
        .post_json("/v1/auth/refresh", &[], &json!({"refresh_token": first}))
        .await;
    assert_eq!(second.status, 200, "{}", second.text());
    let second = second.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    // The spent token presented again: reuse, and the whole family goes.
    app.post_json("/v1/auth/refresh", &[], &json!({"refresh_token": first}))
        .await
        .problem(401, "invalid_refresh_token");
    app.post_json("/v1/auth/refresh", &[], &json!({"refresh_token": second}))
        .await
        .problem(401, "invalid_refresh_token");

    // Sign out revokes the new login's tokens.
    let pair = app.login("canbo.badinh", STAFF_PASSWORD).await.json();
    let token = pair["refresh_token"].as_str().unwrap();
    let out = app
        .post_json("/v1/auth/logout", &[], &json!({"refresh_token": token}))
        .await;
    assert_eq!(out.status, 204);
    app.post_json("/v1/auth/refresh", &[], &json!({"refresh_token": token}))
        .await
        .problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_user_look_alike() {
    let app = spawn_app().await;
    app.create_user("canbo.badinh", Role::Official, Some(BA_DINH), None);
    let wrong = app
        .login("canbo.badinh", "not the password at all")
        .await
        .problem(401, "invalid_credentials");
    let unknown = app
        .login("nobody.here", STAFF_PASSWORD)
        .await
        .problem(401, "invalid_credentials");
    assert_eq!(wrong["detail"], unknown["detail"]);
}

#[actix_web::test]
async fn repeated_login_attempts_are_throttled() {
    let app = spawn_app_with(|s| s.login_rate_limit = 3).await;
    for _ in 0..3 {
        app.login("canbo.badinh", "guess guess guess").await;
    }
    let reply = app.login("canbo.badinh", "guess guess guess").await;
    assert!(reply.header("retry-after").is_some());
    reply.problem(429, "rate_limited");
}

#[actix_web::test]
async fn bad_tokens_are_refused() {
    let app = spawn_app().await;
    app.create_user("canbo.badinh", Role::Official, Some(BA_DINH), None);
    let token = app.access_token("canbo.badinh").await;
    app.get("/v1/me").await.problem(401, "unauthenticated");
    for bad in [
        "garbage".to_owned(),
        format!("{token}x"),
        // The same claims, unsigned, with alg none.
        {
            let parts: Vec<&str> = token.split('.').collect();
            format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1])
        },
    ] {
        app.get_with("/v1/me", &[("authorization", &format!("Bearer {bad}"))])
            .await
            .problem(401, "invalid_token");
    }
    // A token signed by another server's key.
    let other = spawn_app().await;
    other.create_user("canbo.badinh", Role::Official, Some(BA_DINH), None);
    let foreign = other.access_token("canbo.badinh").await;
    app.get_with("/v1/me", &[("authorization", &format!("Bearer {foreign}"))])
        .await
        .problem(401, "invalid_token");
}

#[actix_web::test]
async fn admins_create_accounts_and_office_heads_only_their_officials() {
    let app = spawn_app().await;
    app.create_user("quantri", Role::Admin, None, None);
    app.create_user("truong.badinh", Role::OfficeHead, Some(BA_DINH), None);
    app.create_user("canbo.badinh", Role::Official, Some(BA_DINH), None);
    let admin = format!("Bearer {}", app.access_token("quantri").await);
    let head = format!("Bearer {}", app.access_token("truong.badinh").await);
    let official = format!("Bearer {}", app.access_token("canbo.badinh").await);

    let supervisor = json!({
        "username": "mttq.hanoi", "password": STAFF_PASSWORD,
        "role": "supervisor", "scope": "province:01"
    });
    let created = app
        .post_json("/v1/users", &[("authorization", &admin)], &supervisor)
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["scope"], "province:01");
    app.post_json("/v1/users", &[("authorization", &admin)], &supervisor)
        .await
        .problem(422, "validation_failed");
    let token = app.access_token("mttq.hanoi").await;
    assert!(!token.is_empty());

    let weak = json!({"username": "canbo.yeu", "password": "password1234", "role": "official", "office_id": BA_DINH});
    let problem = app
        .post_json("/v1/users", &[("authorization", &admin)], &weak)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "weak_password");
    let misfit = json!({"username": "canbo.lac", "password": STAFF_PASSWORD, "role": "official", "scope": "national"});
    let problem = app
        .post_json("/v1/users", &[("authorization", &admin)], &misfit)
        .await
        .problem(422, "validation_failed");
    let fields: Vec<&Value> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["field"])
        .collect();
    assert!(
        fields.contains(&&json!("office_id")) && fields.contains(&&json!("scope")),
        "{problem}"
    );

    let mine = json!({"username": "canbo.moi", "password": STAFF_PASSWORD, "role": "official", "office_id": BA_DINH});
    assert_eq!(
        app.post_json("/v1/users", &[("authorization", &head)], &mine)
            .await
            .status,
        201
    );
    let elsewhere = json!({"username": "canbo.khac", "password": STAFF_PASSWORD, "role": "official", "office_id": 36});
    app.post_json("/v1/users", &[("authorization", &head)], &elsewhere)
        .await
        .problem(422, "validation_failed");
    app.post_json("/v1/users", &[("authorization", &official)], &mine)
        .await
        .problem(403, "forbidden");

    let listed = app
        .get_with("/v1/users", &[("authorization", &head)])
        .await
        .json();
    let names: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["truong.badinh", "canbo.badinh", "canbo.moi"]);
    let all = app
        .get_with("/v1/users", &[("authorization", &admin)])
        .await
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    app.get_with("/v1/users", &[("authorization", &official)])
        .await
        .problem(403, "forbidden");
}
