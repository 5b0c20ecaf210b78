use crate::helpers::spawn_app;

#[actix_web::test]
async fn counts_requests_by_route_pattern_and_status() {
    let app = spawn_app().await;
    app.get("/v1/communes/00004").await;
    app.get("/v1/communes/00008").await;
    app.get("/v1/communes/99999").await;
    app.get("/no/such/route").await;
    let reply = app.get("/metrics").await;
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = reply.text();
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no {needle} in\n{text}"))
            .to_owned()
    };
    let ok = line(
        r#"tiengdan_http_requests_total{endpoint="/v1/communes/{code}",method="GET",status="200"}"#,
    );
    assert!(ok.ends_with(" 2"), "{ok}");
    let missing = line(
        r#"tiengdan_http_requests_total{endpoint="/v1/communes/{code}",method="GET",status="404"}"#,
    );
    assert!(missing.ends_with(" 1"), "{missing}");
    // Unknown paths share one label: no unbounded cardinality.
    line(r#"tiengdan_http_requests_total{endpoint="unmatched",method="GET",status="404"}"#);
    assert!(!text.contains("/no/such/route"));
    line(
        r#"tiengdan_http_requests_duration_seconds_bucket{endpoint="/v1/communes/{code}",method="GET",status="200",le="0.005"}"#,
    );
}
