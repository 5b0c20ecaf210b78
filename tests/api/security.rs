//! What a review found an attacker or an insider could do (issue 15), each shown not to work.

use awc::http::Method;
use serde_json::{Value, json};
use tiengdan::domain::staff::Role;

use crate::petitions::{complaint, feedback, submitted};
use crate::workflow::{act, world};

/// A citizen's action replayed with the same `Idempotency-Key` but a wrong receipt secret is
/// answered as any wrong secret is, not with the holder's stored reply.
#[actix_web::test]
async fn a_reused_key_with_a_wrong_receipt_secret_is_not_a_replay() {
    let w = world().await;
    let app = &w.app;
    let p = submitted(app, &w.partner, &feedback()).await;
    let path = format!("/v1/petitions/{}/withdraw", p["id"].as_str().unwrap());
    let secret = p["receipt_secret"].as_str().unwrap();
    let holder = [
        ("x-receipt-secret", secret),
        ("idempotency-key", "rut-don-1"),
    ];
    let first = app.send(Method::POST, &path, &holder, None).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let again = app.send(Method::POST, &path, &holder, None).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.header("idempotent-replayed"), Some("true"));

    let thief = [
        ("x-receipt-secret", "doan-bua"),
        ("idempotency-key", "rut-don-1"),
    ];
    let stolen = app.send(Method::POST, &path, &thief, None).await;
    assert_eq!(stolen.header("idempotent-replayed"), None);
    stolen.problem(404, "petition_not_found");
}

/// An escalation's reply carries the new complaint's receipt secret: a replay with a wrong
/// secret must not hand it out.
#[actix_web::test]
async fn an_escalations_receipt_is_not_replayed_to_a_wrong_secret() {
    let w = world().await;
    let app = &w.app;
    let first = submitted(app, &w.partner, &complaint()).await;
    let id = first["id"].as_str().unwrap();
    let official = w.ba_dinh.official.as_str();
    assert_eq!(
        act(app, official, id, "accept", json!({})).await.status,
        200
    );
    let answered = act(app, official, id, "answer", json!({"body": "Trả lời"})).await;
    assert_eq!(answered.status, 200, "{}", answered.text());
    let secret = first["receipt_secret"].as_str().unwrap();
    let rating = app
        .post_json(
            &format!("/v1/petitions/{id}/rating"),
            &[("x-receipt-secret", secret)],
            &json!({"satisfied": false, "score": 1}),
        )
        .await;
    assert_eq!(rating.status, 200, "{}", rating.text());

    let path = format!("/v1/petitions/{id}/escalate");
    let holder = [
        ("x-receipt-secret", secret),
        ("idempotency-key", "len-tinh"),
    ];
    let escalated = app.send(Method::POST, &path, &holder, None).await;
    assert_eq!(escalated.status, 201, "{}", escalated.text());
    let second_secret = escalated.json()["receipt_secret"]
        .as_str()
        .unwrap()
        .to_owned();

    let thief = [
        ("x-receipt-secret", "doan-bua"),
        ("idempotency-key", "len-tinh"),
    ];
    let stolen = app.send(Method::POST, &path, &thief, None).await;
    assert!(!stolen.text().contains(&second_secret), "{}", stolen.text());
    stolen.problem(404, "petition_not_found");
}

/// An official enters at the desk only what their own office handles: a petition routing
/// sends elsewhere, including a denunciation of their own commune's leaders, is refused.
#[actix_web::test]
async fn the_desk_takes_in_only_for_its_own_office() {
    let w = world().await;
    let app = &w.app;
    let at_desk = |body: &Value, token: &str| {
        let body = body.clone();
        let token = token.to_owned();
        async move {
            app.post_json("/v1/petitions", &[("authorization", &token)], &body)
                .await
        }
    };
    // Ba Đình's petition, handed in at Ngọc Hà's desk.
    let problem = at_desk(&complaint(), &w.ngoc_ha.official)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "commune_code");
    assert_eq!(problem["errors"][0]["code"], "routed_elsewhere");

    // A denunciation of Ba Đình's leaders goes to the province, not through Ba Đình's desk.
    let mut about_leaders = complaint();
    about_leaders["kind"] = json!("denunciation");
    about_leaders["decision_date"] = Value::Null;
    about_leaders["subject"] = json!("commune_leadership");
    let problem = at_desk(&about_leaders, &w.ba_dinh.official)
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "routed_elsewhere");

    // Nothing was stored by the refusals; the office's own petition is taken in.
    let stored = app
        .get_with("/v1/petitions", &[("authorization", &w.ngoc_ha.official)])
        .await;
    assert_eq!(stored.json()["items"], json!([]));
    let reply = at_desk(&complaint(), &w.ba_dinh.official).await;
    assert_eq!(reply.status, 201, "{}", reply.text());
}

/// A denunciation of a commune's leaders, handled by the province, cannot be handed to the
/// commune whose leaders it names (Law on Denunciations 2018 art. 12(1)).
#[actix_web::test]
async fn a_denunciation_of_a_communes_leaders_is_not_transferred_to_that_commune() {
    let w = world().await;
    let app = &w.app;
    let mut about_leaders = complaint();
    about_leaders["kind"] = json!("denunciation");
    about_leaders["decision_date"] = Value::Null;
    about_leaders["subject"] = json!("commune_leadership");
    let d = submitted(app, &w.partner, &about_leaders).await;
    let province = d["office"]["id"].as_i64().unwrap();
    assert_ne!(province, w.ba_dinh.id);
    app.create_user("canbo.hanoi", Role::Official, Some(province), None);
    let official = format!("Bearer {}", app.access_token("canbo.hanoi").await);
    let id = d["id"].as_str().unwrap();

    let to = |office: i64| json!({"office_id": office, "reason": "Chuyển về địa bàn"});
    let problem = act(app, &official, id, "transfer", to(w.ba_dinh.id))
        .await
        .problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "office_id");
    assert_eq!(problem["errors"][0]["code"], "office_denounced");
    let unchanged = app
        .get_with(
            &format!("/v1/petitions/{id}"),
            &[("authorization", &official)],
        )
        .await;
    assert_eq!(unchanged.status, 200, "{}", unchanged.text());
    assert_eq!(unchanged.json()["office"]["id"], province);

    // Another commune may take it.
    let moved = act(app, &official, id, "transfer", to(w.ngoc_ha.id)).await;
    assert_eq!(moved.status, 200, "{}", moved.text());
}

/// Every reply asks caches on the way to keep nothing (replies carry tokens, receipt secrets
/// and identities), and browsers not to sniff types or send our addresses on.
#[actix_web::test]
async fn replies_carry_the_security_headers() {
    let w = world().await;
    let app = &w.app;
    let created = crate::petitions::submit(app, &w.partner, &feedback()).await;
    let login = app
        .login("canbo.badinh", crate::helpers::STAFF_PASSWORD)
        .await;
    let problem = app.get("/v1/petitions").await;
    for (what, reply) in [
        ("health", app.get("/healthz").await),
        ("receipt", created),
        ("tokens", login),
        ("problem", problem),
    ] {
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{what}");
        assert_eq!(
            reply.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(
            reply.header("referrer-policy"),
            Some("no-referrer"),
            "{what}"
        );
    }
}

/// With `METRICS_TOKEN` set, `/metrics` answers only to it.
#[actix_web::test]
async fn metrics_answer_only_to_their_token_when_one_is_set() {
    use tiengdan::config::Secret;
    let open = crate::helpers::spawn_app().await;
    assert_eq!(open.get("/metrics").await.status, 200);
    let app = crate::helpers::spawn_app_with(|s| {
        s.metrics_token = Some(Secret::new("dem-so-lieu-0123456789"));
    })
    .await;
    app.get("/metrics").await.problem(401, "invalid_token");
    app.get_with("/metrics", &[("authorization", "Bearer doan-bua")])
        .await
        .problem(401, "invalid_token");
    let reply = app
        .get_with(
            "/metrics",
            &[("authorization", "Bearer dem-so-lieu-0123456789")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.text().contains("tiengdan_http_requests_total"));
}

/// The SQLite file and the keys beside it are their owner's alone, and a key file others may
/// read stops the start, naming the file and the fix.
#[cfg(unix)]
#[actix_web::test]
async fn the_database_and_key_files_are_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    use tiengdan::db::DatabaseUrl;
    let app = crate::helpers::spawn_app().await;
    let DatabaseUrl::Sqlite(path) = app.settings.database_url.clone() else {
        return; // PostgreSQL: no files of ours.
    };
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "{}", path.display());
    let keys: Vec<_> = ["data-key", "jwt-key", "audit-key"]
        .iter()
        .map(|suffix| tiengdan::keyfile::beside(&path, suffix))
        .collect();
    for key in &keys {
        assert_eq!(mode(key), 0o600, "{}", key.display());
    }
    std::fs::set_permissions(&keys[1], std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused =
        tiengdan::startup::Application::build(&app.settings, tiengdan::time::Clock::system()).await;
    let Err(err) = refused else {
        panic!("started with a key file others may read");
    };
    let said = format!("{err:#}");
    assert!(said.contains(&keys[1].display().to_string()), "{said}");
    assert!(said.contains("chmod 600"), "{said}");
}

async fn login_from(app: &crate::helpers::TestApp, client: &str, password: &str) -> u16 {
    app.post_json(
        "/v1/auth/login",
        &[("x-forwarded-for", client)],
        &json!({"username": "canbo.badinh", "password": password}),
    )
    .await
    .status
    .as_u16()
}

/// Sign-in budgets are per username and client, and per client: hammering an official's
/// username from elsewhere does not lock them out of their own office. A proxy's word on the
/// client is taken only from `TRUSTED_PROXIES`; IPv6 clients count by their /64.
#[actix_web::test]
async fn hammering_a_username_from_elsewhere_does_not_lock_its_owner_out() {
    use crate::helpers::{STAFF_PASSWORD, spawn_app_with};
    let behind_proxy = spawn_app_with(|s| {
        s.login_rate_limit = 3;
        s.trusted_proxies = "127.0.0.0/8,::1".parse().unwrap();
    })
    .await;
    let office = behind_proxy.get_json("/v1/communes/00004").await["office"]["id"]
        .as_i64()
        .unwrap();
    behind_proxy.create_user("canbo.badinh", Role::Official, Some(office), None);
    for _ in 0..3 {
        assert_eq!(
            login_from(&behind_proxy, "203.0.113.5", "đoán bừa mãi").await,
            401
        );
    }
    assert_eq!(
        login_from(&behind_proxy, "203.0.113.5", STAFF_PASSWORD).await,
        429
    );
    assert_eq!(
        login_from(&behind_proxy, "198.51.100.7", STAFF_PASSWORD).await,
        200
    );
    // One /64 is one client, however many addresses it uses.
    for n in 1..=3 {
        let address = format!("2001:db8:1:2::{n}");
        assert_eq!(
            login_from(&behind_proxy, &address, "đoán bừa mãi").await,
            401
        );
    }
    assert_eq!(
        login_from(&behind_proxy, "2001:db8:1:2::9", STAFF_PASSWORD).await,
        429
    );
    assert_eq!(
        login_from(&behind_proxy, "2001:db8:1:3::1", STAFF_PASSWORD).await,
        200
    );

    // Not behind a trusted proxy, the header is the caller's own word, and ignored.
    let direct = spawn_app_with(|s| s.login_rate_limit = 3).await;
    direct.create_user("canbo.badinh", Role::Official, Some(office), None);
    for n in 1..=3 {
        let forged = format!("203.0.113.{n}");
        assert_eq!(login_from(&direct, &forged, "đoán bừa mãi").await, 401);
    }
    assert_eq!(
        login_from(&direct, "198.51.100.7", STAFF_PASSWORD).await,
        429
    );
}

/// Each client has a budget for the statistics (`STATS_RATE_LIMIT` a minute); another client's
/// is its own.
#[actix_web::test]
async fn statistics_have_a_budget_per_client() {
    let app = crate::helpers::spawn_app_with(|s| {
        s.stats_rate_limit = 2;
        s.trusted_proxies = "127.0.0.0/8".parse().unwrap();
    })
    .await;
    let from = |client: &'static str, path: &'static str| {
        let app = &app;
        async move { app.get_with(path, &[("x-forwarded-for", client)]).await }
    };
    let stats = "/v1/stats?level=province&code=01&period=2026";
    assert_eq!(from("203.0.113.5", stats).await.status, 200);
    assert_eq!(
        from(
            "203.0.113.5",
            "/v1/stats.csv?level=province&code=01&period=2026"
        )
        .await
        .status,
        200
    );
    let over = from("203.0.113.5", stats).await;
    assert!(over.header("retry-after").is_some());
    over.problem(429, "rate_limited");
    assert_eq!(from("198.51.100.7", stats).await.status, 200);
}

/// On PostgreSQL the service serves as a role that cannot rewrite the record: no UPDATE,
/// DELETE or TRUNCATE of events, checkpoints or calendar changes, no ALTER or DROP, while it
/// goes on appending. (CI serves as such a role: `TEST_SERVING_URL`.)
#[actix_web::test]
async fn the_serving_role_cannot_rewrite_the_record() {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let w = world().await;
    let app = &w.app;
    let Some(_) = app.database.migration_url() else {
        eprintln!("no serving role apart from the owner here (SQLite, or TEST_SERVING_URL unset)");
        return;
    };
    let created = crate::petitions::submit(app, &w.partner, &feedback()).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let count = |url: &str, table: &str| -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut c = PgConnection::establish(url).expect("connect");
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(&mut c)
            .expect("count")
            .n
    };
    let owner = app.database.url();
    let serving = app.database.serving_url();
    let events_before = count(&owner, "events");
    assert!(events_before > 0);

    let mut as_serving = PgConnection::establish(&serving).expect("serving role connects");
    for table in ["events", "audit_checkpoints", "calendar_changes"] {
        for statement in [
            format!("TRUNCATE {table}"),
            format!("DELETE FROM {table}"),
            format!("UPDATE {table} SET id = id"),
            format!("ALTER TABLE {table} ADD COLUMN forged text"),
            format!("DROP TABLE {table}"),
        ] {
            let refused = diesel::sql_query(&statement).execute(&mut as_serving);
            let Err(err) = refused else {
                panic!("the serving role may run {statement}");
            };
            let said = err.to_string();
            assert!(
                said.contains("permission denied") || said.contains("must be owner"),
                "{statement}: {said}"
            );
        }
    }
    assert_eq!(
        count(&owner, "events"),
        events_before,
        "nothing was removed"
    );

    // And it still appends: the service works as that role.
    let again = crate::petitions::submit(app, &w.partner, &feedback()).await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert!(count(&owner, "events") > events_before);
    let verified = app.get("/v1/transparency/verify").await;
    assert_eq!(verified.status, 200);
    assert_eq!(verified.json()["valid"], true, "{}", verified.text());
}
