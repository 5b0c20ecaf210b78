use tiengdan::domain::category::DEFAULT_CATEGORIES;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn lists_the_seeded_categories_under_their_stable_codes() {
    let app = spawn_app().await;
    let page = app.get_json("/v1/categories").await;
    let items = page["items"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|c| c["code"].as_str().unwrap()).collect();
    let expected: Vec<&str> = DEFAULT_CATEGORIES
        .iter()
        .map(|(code, _, _)| *code)
        .collect();
    assert_eq!(codes, expected);
    for (item, (_, vi, en)) in items.iter().zip(DEFAULT_CATEGORIES) {
        assert_eq!(item["name_vi"], vi);
        assert_eq!(item["name_en"], en);
        assert_eq!(item["name"], vi, "Vietnamese by default");
    }
}

#[actix_web::test]
async fn names_follow_accept_language() {
    let app = spawn_app().await;
    let english = app
        .get_with("/v1/categories", &[("Accept-Language", "en-GB,en;q=0.8")])
        .await;
    assert_eq!(english.json()["items"][0]["name"], "Land and construction");
    let preferred = app
        .get_with(
            "/v1/categories",
            &[("Accept-Language", "fr;q=1.0, vi;q=0.5, en;q=0.9")],
        )
        .await;
    assert_eq!(
        preferred.json()["items"][0]["name"],
        "Land and construction",
        "q-values rank"
    );
    let unknown = app
        .get_with("/v1/categories", &[("Accept-Language", "fr, de")])
        .await;
    assert_eq!(unknown.json()["items"][0]["name"], "Đất đai, xây dựng");
    let garbage = app
        .get_with("/v1/categories", &[("Accept-Language", ";;;q=abc,,")])
        .await;
    assert_eq!(garbage.status, 200);
    assert_eq!(garbage.json()["items"][0]["name"], "Đất đai, xây dựng");
}
