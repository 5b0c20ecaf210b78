use std::collections::HashMap;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn one_committee_per_province_and_per_commune_under_its_province() {
    let app = spawn_app().await;
    let provinces = app.collect_pages("/v1/offices?level=province").await;
    assert_eq!(provinces.len(), 34);
    let by_province: HashMap<String, i64> = provinces
        .iter()
        .map(|o| {
            assert!(o["parent_id"].is_null());
            assert!(o["commune_code"].is_null());
            assert_eq!(o["level"], "province");
            (
                o["province_code"].as_str().unwrap().to_owned(),
                o["id"].as_i64().unwrap(),
            )
        })
        .collect();
    let communes = app
        .collect_pages("/v1/offices?level=commune&limit=500")
        .await;
    assert_eq!(communes.len(), 3321);
    for office in &communes {
        let province = office["province_code"].as_str().unwrap();
        assert_eq!(
            office["parent_id"].as_i64(),
            by_province.get(province).copied(),
            "{office}"
        );
        assert_eq!(office["level"], "commune");
        let commune = office["commune_code"].as_str().unwrap();
        assert_eq!(office["code"], format!("ubnd-{commune}"));
    }
}

#[actix_web::test]
async fn filters_by_province() {
    let app = spawn_app().await;
    let cao_bang = app.collect_pages("/v1/offices?province=04").await;
    // Its committee and one per commune.
    let provinces = app.get_json("/v1/provinces").await;
    let communes = provinces["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "04")
        .unwrap()["commune_count"]
        .as_i64()
        .unwrap();
    assert_eq!(cao_bang.len() as i64, communes + 1);
    assert!(cao_bang.iter().all(|o| o["province_code"] == "04"));
    let only_committee = app.get_json("/v1/offices?province=04&level=province").await;
    assert_eq!(only_committee["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        only_committee["items"][0]["name"],
        "Ủy ban nhân dân tỉnh Cao Bằng"
    );
}

#[actix_web::test]
async fn an_office_comes_with_its_parent() {
    let app = spawn_app().await;
    let commune = app.get_json("/v1/communes/00004").await;
    let office = app
        .get_json(&format!("/v1/offices/{}", commune["office"]["id"]))
        .await;
    assert_eq!(office["code"], "ubnd-00004");
    assert_eq!(office["level"], "commune");
    assert_eq!(office["parent"]["code"], "ubnd-01");
    assert_eq!(office["parent"]["id"], office["parent_id"]);
    let parent = app
        .get_json(&format!("/v1/offices/{}", office["parent_id"]))
        .await;
    assert!(parent["parent"].is_null());
    assert_eq!(parent["level"], "province");
}

#[actix_web::test]
async fn bad_office_requests_are_4xx_problems() {
    let app = spawn_app().await;
    app.get("/v1/offices/999999")
        .await
        .problem(404, "office_not_found");
    for bad in ["abc", "0", "-1", "1.5", "99999999999999999999999"] {
        app.get(&format!("/v1/offices/{bad}"))
            .await
            .problem(400, "invalid_office_id");
    }
    app.get("/v1/offices?level=district")
        .await
        .problem(400, "invalid_query");
    app.get("/v1/offices?province=1")
        .await
        .problem(400, "invalid_province_code");
    app.get("/v1/offices?province=99")
        .await
        .problem(404, "province_not_found");
    app.get("/v1/offices?limit=0")
        .await
        .problem(400, "invalid_limit");
    app.get("/v1/offices?limit=501")
        .await
        .problem(400, "invalid_limit");
    app.get("/v1/offices?limit=99999999999999")
        .await
        .problem(400, "invalid_query");
    app.get("/v1/offices?limit=-3")
        .await
        .problem(400, "invalid_query");
    app.get("/v1/offices?cursor=bm9wZQ")
        .await
        .problem(400, "invalid_cursor");
    app.get("/v1/offices?colour=red")
        .await
        .problem(400, "invalid_query");
    app.get("/v1/offices/1?verbose=1")
        .await
        .problem(400, "invalid_query");
}
