use crate::helpers::spawn_app;

#[actix_web::test]
async fn interactive_docs_are_served_from_the_binary() {
    let app = spawn_app().await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/docs/"));
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("swagger-ui"), "{html}");
    // Every asset the page loads comes from this server, not a CDN: it works offline.
    assert!(!html.contains("https://"), "external reference in {html}");
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-initializer.js",
    ] {
        let reply = app.get(&format!("/docs/{asset}")).await;
        assert_eq!(reply.status, 200, "{asset}");
        assert!(reply.body.len() > 100, "{asset}");
    }
    let init = app.get("/docs/swagger-initializer.js").await.text();
    assert!(init.contains("/openapi.json"), "{init}");
}
