use awc::http::Method;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn problems_are_vietnamese_by_default_and_english_on_request() {
    let app = spawn_app().await;
    let vi = app.get("/v1/communes/99999").await;
    let body = vi.problem(404, "commune_not_found");
    assert_eq!(body["title"], "Không tìm thấy xã");
    assert_eq!(body["instance"], "/v1/communes/99999");
    assert_eq!(vi.header("content-language"), Some("vi"));
    let en = app
        .get_with("/v1/communes/99999", &[("Accept-Language", "en")])
        .await;
    let body = en.problem(404, "commune_not_found");
    assert_eq!(body["title"], "Commune not found");
    assert!(body["detail"].as_str().unwrap().contains("99999"));
    assert_eq!(en.header("content-language"), Some("en"));
}

#[actix_web::test]
async fn unknown_routes_and_methods() {
    let app = spawn_app().await;
    app.get("/v1/nothing-here")
        .await
        .problem(404, "route_not_found");
    app.get("/").await.problem(404, "route_not_found");
    let reply = app.send(Method::DELETE, "/v1/provinces", &[], None).await;
    reply.problem(405, "method_not_allowed");
    assert_eq!(reply.header("allow"), Some("GET"));
    app.send(
        Method::POST,
        "/v1/communes/00004",
        &[("Content-Type", "application/json")],
        Some(b"{}".to_vec()),
    )
    .await
    .problem(405, "method_not_allowed");
}

/// Nothing a client sends to any route may produce a 5xx or a non-problem error body.
#[actix_web::test]
async fn hostile_input_never_yields_a_5xx() {
    let app = spawn_app().await;
    let paths = [
        "/v1/provinces?limit=%FF",
        "/v1/provinces?cursor=%00",
        "/v1/provinces?cursor=",
        "/v1/provinces?limit=1&limit=2",
        "/v1/provinces/%2e%2e/communes",
        "/v1/provinces/01/communes?cursor=cHJvdmluY2VzOjA0",
        "/v1/communes/%E2%80%AE0004",
        "/v1/communes/00004%00",
        "/v1/offices?level=&province=",
        "/v1/offices?level=PROVINCE",
        "/v1/offices/%20",
        "/v1/offices/9223372036854775807",
        "/v1/offices/9223372036854775808",
        "/v1/categories?%ZZ",
        "/v1/../../etc/passwd",
        "/openapi.json?x=1",
    ];
    for path in paths {
        let reply = app.get(path).await;
        assert!(
            reply.status.as_u16() < 500,
            "{path}: {} {}",
            reply.status,
            reply.text()
        );
        if reply.status.is_client_error() {
            assert_eq!(
                reply.header("content-type"),
                Some("application/problem+json"),
                "{path}"
            );
            assert!(reply.json()["code"].is_string(), "{path}");
        }
    }
    let long = format!("/v1/communes/{}", "9".repeat(10_000));
    assert!(app.get(&long).await.status.as_u16() < 500);
}
