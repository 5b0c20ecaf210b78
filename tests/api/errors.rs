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

/// The same for the petition and staff endpoints, with credentials so the input reaches the
/// handlers: odd JSON, odd types, odd sizes, odd cursors.
#[actix_web::test]
async fn hostile_input_to_authenticated_endpoints_never_yields_a_5xx() {
    use tiengdan::domain::staff::Role;
    let app = spawn_app().await;
    let (_, key) = app.create_partner("A");
    app.create_user("canbo.badinh", Role::Official, Some(35), None);
    let token = format!("Bearer {}", app.access_token("canbo.badinh").await);
    let id = crate::petitions::submitted(&app, &key, &crate::petitions::feedback()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bodies: Vec<&[u8]> = vec![
        b"",
        b"null",
        b"[]",
        b"{\"kind\": 7}",
        b"{\"complexity\": null}",
        b"{\"office_id\": 9223372036854775808, \"reason\": \"x\"}",
        b"{\"office_id\": -1, \"reason\": \"x\"}",
        b"{\"score\": 99999999999, \"satisfied\": \"yes\"}",
        b"{\"body\": \"\\u0000\"}",
        b"{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":[[[[[[[[]]]]]]]]}}}}}}",
    ];
    // NUL, which PostgreSQL refuses to store, in every free-text field.
    bodies.extend([
        b"{\"reason\": \"\\u0000\"}".as_slice(),
        b"{\"reason\": \"duplicate\", \"note\": \"\\u0000\"}",
        b"{\"office_id\": 36, \"reason\": \"\\u0000\"}",
        b"{\"clock\": \"answer\", \"reason\": \"\\u0000\"}",
        b"{\"body\": \"ok\", \"decision_number\": \"\\u0000\"}",
        b"{\"satisfied\": true, \"score\": 3, \"comment\": \"\\u0000\"}",
        b"{\"username\": \"\\u0000\", \"password\": \"x\"}",
        b"{\"refresh_token\": \"\\u0000\"}",
        b"{\"kind\":\"feedback\",\"category\":\"land\",\"commune_code\":\"00004\",\"title\":\"t\",\"description\":\"d\",\"anonymous\":true,\"attachments\":[{\"url\":\"https://x.vn/\\u0000\"}]}",
        b"{\"kind\":\"complaint\",\"category\":\"land\",\"commune_code\":\"00004\",\"title\":\"t\",\"description\":\"d\",\"second_time_of\":\"\\u0000\",\"citizen\":{\"full_name\":\"A\",\"address\":\"B\",\"phone\":\"0912345678\",\"partner_ref\":\"\\u0000\"}}",
        b"{\"username\": \"canbo.nul\", \"password\": \"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\", \"role\": \"admin\"}",
    ]);
    let paths = [
        "/v1/petitions".to_owned(),
        format!("/v1/petitions/{id}/accept"),
        format!("/v1/petitions/{id}/transfer"),
        format!("/v1/petitions/{id}/extend"),
        format!("/v1/petitions/{id}/answer"),
        format!("/v1/petitions/{id}/rating"),
        format!("/v1/petitions/{id}/withdraw"),
        format!("/v1/petitions/{id}/escalate"),
        format!("/v1/petitions/{id}/reveal-identity"),
        "/v1/users".to_owned(),
        "/v1/auth/login".to_owned(),
        "/v1/auth/refresh".to_owned(),
        "/v1/petitions/00000000-0000-0000-0000-000000000000/accept".to_owned(),
    ];
    for path in &paths {
        for credentials in [
            ("authorization", token.as_str()),
            ("x-api-key", key.as_str()),
        ] {
            for body in &bodies {
                let reply = app
                    .send(
                        Method::POST,
                        path,
                        &[credentials, ("content-type", "application/json")],
                        Some(body.to_vec()),
                    )
                    .await;
                let text = String::from_utf8_lossy(body);
                assert!(
                    reply.status.as_u16() < 500,
                    "{path} {text}: {}",
                    reply.text()
                );
            }
        }
    }
    for query in [
        "/v1/petitions?cursor=%FF%FE",
        "/v1/petitions?cursor=aW5ib3g6ZDk5OTk5OTk5OTk5OTk5OTk5OTk5OS4x",
        "/v1/petitions?due_before=yesterday",
        "/v1/petitions?overdue=maybe",
        "/v1/petitions?limit=0",
        "/v1/petitions?kind=complaint&kind=feedback",
        "/v1/track/%00%00%00%00%00-%00%00%00%00%00",
        "/v1/me?x=1",
        "/v1/users?office_id=abc",
    ] {
        for credentials in [
            ("authorization", token.as_str()),
            ("x-api-key", key.as_str()),
        ] {
            let reply = app.get_with(query, &[credentials]).await;
            assert!(reply.status.as_u16() < 500, "{query}: {}", reply.text());
        }
    }
}
