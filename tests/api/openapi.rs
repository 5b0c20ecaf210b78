use serde_json::Value;

use crate::helpers::spawn_app;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[test]
fn committed_openapi_matches_the_code() {
    let generated = tiengdan::api::openapi_json();
    assert!(
        generated == COMMITTED,
        "openapi/openapi.json is stale: run `cargo run -- openapi --output openapi/openapi.json` and commit it"
    );
}

#[test]
fn every_operation_documents_its_errors_as_problems() {
    let doc: Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for expected in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/provinces",
        "/v1/provinces/{code}/communes",
        "/v1/communes/{code}",
        "/v1/offices",
        "/v1/offices/{id}",
        "/v1/categories",
    ] {
        assert!(paths.contains_key(expected), "{expected} undocumented");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|status| status.starts_with('2')),
                "{method} {path}"
            );
            for (status, response) in responses {
                assert!(
                    response["description"]
                        .as_str()
                        .is_some_and(|d| !d.is_empty())
                );
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status} is not a problem"
                    );
                }
            }
            assert!(responses.contains_key("500"), "{method} {path}");
        }
    }
    for schema in [
        "Problem",
        "FieldProblem",
        "ProvinceView",
        "CommuneDetailView",
        "OfficeDetailView",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

#[actix_web::test]
async fn the_server_serves_the_committed_document() {
    let app = spawn_app().await;
    let served = app.get_json("/openapi.json").await;
    let committed: Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(served, committed);
}
