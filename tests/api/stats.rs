//! Statistics over HTTP. So far: the definitions, which must match docs/METRICS.md.

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
