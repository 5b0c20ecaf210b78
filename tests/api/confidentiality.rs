//! A denunciation's content, its denouncer and the handling office's notes on it reach only
//! the handling office (Law on Denunciations 2018 art. 9(1)(b), 47, 56; DESIGN §3.5): a word
//! planted in every free-text field is searched for in everything each caller can read.

use serde_json::{Value, json};
use tiengdan::domain::staff::Role;

use crate::petitions::{citizen, submitted};
use crate::workflow::{act, world};

/// The words planted, one per field.
const CONTENT: [&str; 5] = ["Zqtitle", "Zqdesc", "Zqaddr", "Zqattach", "Zqanon"];
const ANSWER: &str = "Zqanswer";
const NOTES: [&str; 4] = ["Zqextend", "Zqreveal", "Zqtransfer", "Zqnote"];
const NAME: &str = "Zqname";

fn denunciation() -> Value {
    let mut who = citizen();
    who["full_name"] = json!(format!("Trần {NAME}"));
    json!({
        "kind": "denunciation",
        "category": "officials_conduct",
        "commune_code": "00004",
        "title": "Tố cáo cán bộ Zqtitle",
        "description": "Cán bộ địa chính nhận tiền Zqdesc.",
        "location": {"lat": 21.03, "lon": 105.83, "address": "Ngõ Zqaddr"},
        "attachments": [{"url": "https://cdn.example.vn/Zqattach.jpg", "media_type": "image/jpeg"}],
        "citizen": who
    })
}

async fn ok(reply: crate::helpers::Reply) -> Value {
    assert!(reply.status.is_success(), "{}", reply.text());
    reply.json()
}

#[actix_web::test]
async fn a_denunciation_reaches_only_its_handling_office() {
    let w = world().await;
    let app = &w.app;
    app.grant_reveal("canbo.badinh");
    let official = format!("Bearer {}", app.access_token("canbo.badinh").await);
    let head = w.ba_dinh.head.clone();

    // One handled through to its answer, with an extension and a reveal.
    let d1 = submitted(app, &w.partner, &denunciation()).await;
    let d1 = d1["id"].as_str().unwrap().to_owned();
    let extend = json!({"clock": "initial_processing", "reason": "Cần thêm thời gian Zqextend"});
    ok(act(app, &head, &d1, "extend", extend).await).await;
    let reveal = json!({"reason": "Mời người tố cáo làm việc Zqreveal"});
    ok(act(app, &official, &d1, "reveal-identity", reveal).await).await;
    ok(act(app, &official, &d1, "accept", json!({})).await).await;
    ok(act(app, &official, &d1, "notify", json!({})).await).await;
    let answer = json!({"body": "Kết luận: có vi phạm Zqanswer"});
    ok(act(app, &official, &d1, "answer", answer).await).await;
    // One transferred to Ngọc Hà, one rejected with a note.
    let d2 = submitted(app, &w.partner, &denunciation()).await;
    let d2 = d2["id"].as_str().unwrap().to_owned();
    let transfer = json!({"office_id": w.ngoc_ha.id, "reason": "Đúng địa bàn Zqtransfer"});
    ok(act(app, &official, &d2, "transfer", transfer).await).await;
    let d3 = submitted(app, &w.partner, &denunciation()).await;
    let d3 = d3["id"].as_str().unwrap().to_owned();
    let reject = json!({"reason": "duplicate", "note": "Trùng đơn trước Zqnote"});
    ok(act(app, &official, &d3, "reject", reject).await).await;
    // One filed without a name, so taken in as feedback: still a denunciation's content.
    let mut nameless = denunciation();
    nameless["citizen"] = Value::Null;
    nameless["anonymous"] = json!(true);
    nameless["title"] = json!("Tố cáo không tên Zqanon");
    let d4 = submitted(app, &w.partner, &nameless).await;
    assert_eq!(d4["kind"], "feedback");
    let d4 = d4["id"].as_str().unwrap().to_owned();

    // Their clocks run out, so the overdue queue lists them too (and the tokens above with
    // them: everyone signs in again).
    app.clock.advance(chrono::Duration::days(60));

    app.create_user("mttq.hanoi", Role::Supervisor, None, Some("province:01"));
    app.create_user("mttq.badinh", Role::Supervisor, None, Some("commune:00004"));
    app.create_user("mttq.caobang", Role::Supervisor, None, Some("province:04"));
    app.create_user("quantri", Role::Admin, None, None);
    let (_, partner_b) = app.create_partner("B");
    let bearer = |t: String| vec![("authorization", format!("Bearer {t}"))];
    let readers: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("anonymous", vec![]),
        ("partner_a", vec![("x-api-key", w.partner.clone())]),
        ("partner_b", vec![("x-api-key", partner_b)]),
        ("official_x", bearer(app.access_token("canbo.badinh").await)),
        ("official_y", bearer(app.access_token("canbo.ngocha").await)),
        ("head_y", bearer(app.access_token("truong.ngocha").await)),
        (
            "supervisor_province",
            bearer(app.access_token("mttq.hanoi").await),
        ),
        (
            "supervisor_commune",
            bearer(app.access_token("mttq.badinh").await),
        ),
        (
            "supervisor_out",
            bearer(app.access_token("mttq.caobang").await),
        ),
        ("admin", bearer(app.access_token("quantri").await)),
    ];
    let mut paths: Vec<String> = [
        "/v1/petitions?limit=500",
        "/v1/oversight/overdue?limit=500",
        "/v1/oversight/offices",
        "/v1/notices",
        "/v1/supervision-requests",
        "/v1/stats",
        "/v1/stats/series",
        "/v1/stats/ranking",
        "/v1/stats.csv",
        "/v1/transparency/checkpoints",
        "/v1/transparency/verify",
        "/v1/me",
        "/v1/users",
    ]
    .map(str::to_owned)
    .to_vec();
    for id in [&d1, &d2, &d3, &d4] {
        for tail in ["", "/events", "/deadlines"] {
            paths.push(format!("/v1/petitions/{id}{tail}"));
        }
    }

    let mut leaks = Vec::new();
    for (who, headers) in &readers {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut seen = String::new();
        for path in &paths {
            let reply = app.get_with(path, &headers).await;
            assert!(
                reply.status.as_u16() < 500,
                "{who} {path}: {}",
                reply.text()
            );
            seen.push_str(&reply.text());
        }
        // The partner that submitted sees what it sent and the answer to it; the handling
        // office everything of its own but the denouncer; everyone else none of it.
        let may_see: Vec<&str> = match *who {
            "partner_a" => CONTENT.iter().copied().chain([ANSWER]).collect(),
            "official_x" => CONTENT
                .iter()
                .copied()
                .chain([ANSWER, "Zqextend", "Zqreveal", "Zqnote"])
                .collect(),
            "official_y" | "head_y" => {
                vec!["Zqtitle", "Zqdesc", "Zqaddr", "Zqattach", "Zqtransfer"]
            }
            _ => vec![],
        };
        for word in CONTENT.iter().chain([&ANSWER]).chain(&NOTES).chain([&NAME]) {
            let found = seen.contains(word);
            if found != may_see.contains(word) {
                leaks.push(format!(
                    "{who}: {word} {}",
                    if found { "seen" } else { "not seen" }
                ));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));

    // The supervisor did read the record: the petitions, without their content.
    let (_, supervisor) = &readers[6];
    let supervisor = supervisor[0].1.as_str();
    for id in [&d1, &d4] {
        let seen = app
            .get_with(
                &format!("/v1/petitions/{id}"),
                &[("authorization", supervisor)],
            )
            .await;
        assert_eq!(seen.status, 200, "{}", seen.text());
        assert_eq!(seen.json()["title"], "");
        let events = app
            .get_with(
                &format!("/v1/petitions/{id}/events"),
                &[("authorization", supervisor)],
            )
            .await;
        assert_eq!(events.status, 200, "{}", events.text());
    }

    // What is withheld is said so, and the hash still covers the whole payload.
    let events = app
        .get_with(
            &format!("/v1/petitions/{d2}/events"),
            &[("x-api-key", &w.partner)],
        )
        .await
        .json();
    let transferred = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "petition.transferred")
        .unwrap();
    assert_eq!(transferred["withheld"], json!(["reason"]));
    assert!(transferred["payload"].get("reason").is_none());
    assert!(transferred["payload"]["to_office"].is_i64());
}
