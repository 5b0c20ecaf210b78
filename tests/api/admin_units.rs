use std::collections::HashSet;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn lists_the_34_provinces_with_their_committees() {
    let app = spawn_app().await;
    let page = app.get_json("/v1/provinces").await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 34);
    assert!(page["next_cursor"].is_null());
    let hanoi = &items[0];
    assert_eq!(hanoi["code"], "01");
    assert_eq!(hanoi["name"], "Thành phố Hà Nội");
    assert_eq!(hanoi["kind"], "municipality");
    assert_eq!(hanoi["office"]["code"], "ubnd-01");
    assert_eq!(hanoi["office"]["name"], "Ủy ban nhân dân Thành phố Hà Nội");
    let total: i64 = items
        .iter()
        .map(|p| p["commune_count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 3321);
    let municipalities = items.iter().filter(|p| p["kind"] == "municipality").count();
    assert_eq!(municipalities, 6);
    let codes: Vec<&str> = items.iter().map(|p| p["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "code order");
}

#[actix_web::test]
async fn paging_through_provinces_yields_each_once_in_order() {
    let app = spawn_app().await;
    let first = app.get_json("/v1/provinces?limit=5").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    assert!(first["next_cursor"].is_string());
    let all = app.collect_pages("/v1/provinces?limit=7").await;
    let codes: Vec<String> = all
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 34);
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 34);
    assert!(codes.windows(2).all(|w| w[0] < w[1]));
}

#[actix_web::test]
async fn every_commune_is_listed_under_its_province_with_its_own_office() {
    let app = spawn_app().await;
    let provinces = app.get_json("/v1/provinces").await;
    let mut seen = HashSet::new();
    for province in provinces["items"].as_array().unwrap() {
        let code = province["code"].as_str().unwrap();
        let communes = app
            .collect_pages(&format!("/v1/provinces/{code}/communes?limit=500"))
            .await;
        assert_eq!(
            communes.len() as i64,
            province["commune_count"].as_i64().unwrap(),
            "{code}"
        );
        for commune in communes {
            let commune_code = commune["code"].as_str().unwrap().to_owned();
            assert_eq!(commune["province_code"], code);
            assert_eq!(commune["office"]["code"], format!("ubnd-{commune_code}"));
            assert!(
                ["commune", "ward", "special_zone"].contains(&commune["kind"].as_str().unwrap())
            );
            assert!(seen.insert(commune_code), "listed twice");
        }
    }
    assert_eq!(seen.len(), 3321);
}

#[actix_web::test]
async fn a_commune_comes_with_its_province_and_office() {
    let app = spawn_app().await;
    let body = app.get_json("/v1/communes/00004").await;
    assert_eq!(body["code"], "00004");
    assert_eq!(body["name"], "Phường Ba Đình");
    assert_eq!(body["kind"], "ward");
    assert_eq!(body["kind_name"], "phường");
    assert_eq!(body["province"]["code"], "01");
    assert_eq!(body["province"]["name"], "Thành phố Hà Nội");
    assert_eq!(body["office"]["code"], "ubnd-00004");
    assert_eq!(body["office"]["name"], "Ủy ban nhân dân Phường Ba Đình");
    assert_eq!(
        body["office"]["name_en"],
        "People's Committee of Ba Đình Ward"
    );
    let office = app
        .get_json(&format!("/v1/offices/{}", body["office"]["id"]))
        .await;
    assert_eq!(office["commune_code"], "00004");
}

#[actix_web::test]
async fn unknown_codes_are_404_and_malformed_ones_400() {
    let app = spawn_app().await;
    app.get("/v1/communes/99999")
        .await
        .problem(404, "commune_not_found");
    app.get("/v1/provinces/99/communes")
        .await
        .problem(404, "province_not_found");
    for bad in [
        "0004",
        "000044",
        "abcde",
        "0000%20",
        "%F0%9F%98%80",
        "00004.0",
        "-0004",
    ] {
        let body = app
            .get(&format!("/v1/communes/{bad}"))
            .await
            .problem(400, "invalid_commune_code");
        assert_eq!(body["errors"][0]["field"], "code");
    }
    for bad in ["1", "001", "ab", "%00%00"] {
        app.get(&format!("/v1/provinces/{bad}/communes"))
            .await
            .problem(400, "invalid_province_code");
    }
}

#[actix_web::test]
async fn the_communes_cursor_is_bound_to_its_list() {
    let app = spawn_app().await;
    let page = app.get_json("/v1/provinces/01/communes?limit=10").await;
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let next = app
        .get_json(&format!(
            "/v1/provinces/01/communes?limit=10&cursor={cursor}"
        ))
        .await;
    assert_ne!(next["items"][0]["code"], page["items"][0]["code"]);
    app.get(&format!("/v1/provinces?cursor={cursor}"))
        .await
        .problem(400, "invalid_cursor");
    // An empty cursor is the first page.
    let first = app
        .get_json("/v1/provinces/01/communes?limit=10&cursor=")
        .await;
    assert_eq!(first["items"], page["items"]);
}

#[actix_web::test]
async fn restarting_keeps_the_data_and_loads_nothing_twice() {
    let app = spawn_app().await;
    let before = app.get_json("/v1/offices?limit=500").await;
    let app = app.restart().await;
    let provinces = app.get_json("/v1/provinces").await;
    assert_eq!(provinces["items"].as_array().unwrap().len(), 34);
    let total: i64 = provinces["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["commune_count"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 3321);
    let offices = app.collect_pages("/v1/offices?limit=500").await;
    assert_eq!(offices.len(), 34 + 3321);
    let after = app.get_json("/v1/offices?limit=500").await;
    assert_eq!(before, after, "same ids after a restart");
}
