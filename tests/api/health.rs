use crate::helpers::spawn_app;

#[actix_web::test]
async fn healthz_answers_without_touching_the_database() {
    let app = spawn_app().await;
    let reply = app.get("/healthz").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["status"], "ok");
    assert_eq!(reply.json()["version"], env!("CARGO_PKG_VERSION"));
}

#[actix_web::test]
async fn readyz_names_the_backend_that_answered() {
    let app = spawn_app().await;
    let body = app.get_json("/readyz").await;
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], app.database.backend());
}

#[actix_web::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let first = app.get("/healthz").await;
    let second = app.get("/healthz").await;
    let id = |r: &crate::helpers::Reply| r.header("x-request-id").expect("x-request-id").to_owned();
    assert_ne!(id(&first), id(&second), "ids are per request");
    assert!(id(&first).len() >= 16);
}

#[actix_web::test]
async fn a_sane_caller_request_id_is_kept_and_an_odd_one_replaced() {
    let app = spawn_app().await;
    let kept = app
        .get_with("/healthz", &[("X-Request-Id", "partner-abc_123.4")])
        .await;
    assert_eq!(kept.header("x-request-id"), Some("partner-abc_123.4"));
    let odd = "x".repeat(65);
    let replaced = app.get_with("/healthz", &[("X-Request-Id", &odd)]).await;
    assert_ne!(replaced.header("x-request-id"), Some(odd.as_str()));
    let replaced = app
        .get_with("/healthz", &[("X-Request-Id", "a b<script>")])
        .await;
    assert_ne!(replaced.header("x-request-id"), Some("a b<script>"));
}

#[actix_web::test]
async fn readyz_is_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    assert_eq!(app.get("/readyz").await.status, 200);
    let restarted_elsewhere = {
        // Point a second server at a database that cannot be reached.
        let mut settings = app.settings.clone();
        settings.database_url = match app.database.backend() {
            "postgres" => "postgres://nobody:nothing@127.0.0.1:1/none"
                .parse()
                .unwrap(),
            _ => "sqlite:///nonexistent-dir/sub/tiengdan.db".parse().unwrap(),
        };
        tiengdan::startup::Application::build(&settings, tiengdan::time::Clock::system()).await
    };
    assert!(
        restarted_elsewhere.is_err(),
        "start-up refuses an unreachable database"
    );
}
