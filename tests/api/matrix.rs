//! The access-control matrix (DESIGN §3.5): every route the app registers × every kind of
//! caller, with the status each must get. A route without a row fails the test, so no
//! endpoint ships without its boundaries checked.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use tiengdan::domain::staff::Role;

use crate::helpers::{STAFF_PASSWORD, TestApp};
use crate::petitions::{feedback, submitted};
use crate::workflow::{World, act, world};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    PartnerA,
    PartnerB,
    OfficialX,
    OfficialY,
    HeadX,
    SupervisorIn,
    SupervisorOut,
    Admin,
}

use Who::*;

const EVERYONE: [Who; 9] = [
    Anonymous,
    PartnerA,
    PartnerB,
    OfficialX,
    OfficialY,
    HeadX,
    SupervisorIn,
    SupervisorOut,
    Admin,
];

struct Callers {
    w: World,
    supervisor_in: String,
    supervisor_out: String,
    admin: String,
    partner_b: String,
    /// Accounts made for rows so far, to name the next one.
    accounts: std::sync::atomic::AtomicUsize,
}

impl Callers {
    fn headers(&self, who: Who) -> Vec<(&'static str, String)> {
        let bearer = |t: &str| vec![("authorization", t.to_owned())];
        match who {
            Anonymous => vec![],
            PartnerA => vec![("x-api-key", self.w.partner.clone())],
            PartnerB => vec![("x-api-key", self.partner_b.clone())],
            OfficialX => bearer(&self.w.ba_dinh.official),
            OfficialY => bearer(&self.w.ngoc_ha.official),
            HeadX => bearer(&self.w.ba_dinh.head),
            SupervisorIn => bearer(&self.supervisor_in),
            SupervisorOut => bearer(&self.supervisor_out),
            Admin => bearer(&self.admin),
        }
    }
}

/// A petition of partner A at office X, brought to the state a route needs.
#[derive(Clone, Copy)]
enum Setup {
    None,
    Received,
    Accepted,
    Answered,
    /// A complaint answered and rated unsatisfactory.
    Unsatisfied,
    /// A denunciation accepted by office X, its denouncer not yet notified.
    AcceptedDenunciation,
    /// A denunciation to office X without a way to reach the denouncer (art. 23(1)).
    IncompleteDenunciation,
    /// A supervision request to office X about a received petition, filed by the supervisor
    /// in scope; `id` is the request's.
    Supervised,
    /// A new official of office X; `id` is the account's.
    Account,
    /// The same, disabled.
    DisabledAccount,
}

async fn prepare(c: &Callers, setup: Setup) -> Value {
    let app = &c.w.app;
    match setup {
        Setup::None => Value::Null,
        Setup::Account | Setup::DisabledAccount => {
            let n = c
                .accounts
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let id = app.create_user(
                &format!("canbo.matran{n}"),
                Role::Official,
                Some(c.w.ba_dinh.id),
                None,
            );
            if matches!(setup, Setup::DisabledAccount) {
                let disabled = app
                    .post_json(
                        &format!("/v1/users/{id}/disable"),
                        &[("authorization", &c.admin)],
                        &json!({}),
                    )
                    .await;
                assert_eq!(disabled.status, 200, "{}", disabled.text());
            }
            json!({ "id": id.to_string() })
        }
        Setup::Supervised => {
            let p = submitted(app, &c.w.partner, &feedback()).await;
            let filed = app
                .post_json(
                    "/v1/supervision-requests",
                    &[("authorization", &c.supervisor_in)],
                    &json!({
                        "office_id": c.w.ba_dinh.id,
                        "petition_ids": [p["id"]],
                        "subject": "Chậm trả lời",
                        "body": "Đề nghị báo cáo."
                    }),
                )
                .await;
            assert_eq!(filed.status, 201, "{}", filed.text());
            json!({ "id": filed.json()["id"].to_string() })
        }
        Setup::AcceptedDenunciation => {
            let mut denunciation = crate::petitions::complaint();
            denunciation["kind"] = json!("denunciation");
            denunciation["decision_date"] = Value::Null;
            let p = submitted(app, &c.w.partner, &denunciation).await;
            let id = p["id"].as_str().unwrap().to_owned();
            let accepted = act(app, &c.w.ba_dinh.official, &id, "accept", json!({})).await;
            assert_eq!(accepted.status, 200, "{}", accepted.text());
            p
        }
        Setup::IncompleteDenunciation => {
            let mut denunciation = crate::petitions::complaint();
            denunciation["kind"] = json!("denunciation");
            denunciation["decision_date"] = Value::Null;
            denunciation["citizen"]["phone"] = Value::Null;
            let p = submitted(app, &c.w.partner, &denunciation).await;
            assert_eq!(p["status"], "incomplete");
            p
        }
        Setup::Unsatisfied => {
            let p = submitted(app, &c.w.partner, &crate::petitions::complaint()).await;
            let id = p["id"].as_str().unwrap().to_owned();
            assert_eq!(
                act(app, &c.w.ba_dinh.official, &id, "accept", json!({}))
                    .await
                    .status,
                200
            );
            let answered = act(
                app,
                &c.w.ba_dinh.official,
                &id,
                "answer",
                json!({"body": "Giữ nguyên."}),
            )
            .await;
            assert_eq!(answered.status, 200);
            let rated = app
                .post_json(
                    &format!("/v1/petitions/{id}/rating"),
                    &[("x-api-key", &c.w.partner)],
                    &json!({"satisfied": false, "score": 1}),
                )
                .await;
            assert_eq!(rated.status, 200);
            p
        }
        _ => {
            let p = submitted(app, &c.w.partner, &feedback()).await;
            let id = p["id"].as_str().unwrap().to_owned();
            if matches!(setup, Setup::Accepted | Setup::Answered) {
                assert_eq!(
                    act(app, &c.w.ba_dinh.official, &id, "accept", json!({}))
                        .await
                        .status,
                    200
                );
            }
            if matches!(setup, Setup::Answered) {
                let answered = act(
                    app,
                    &c.w.ba_dinh.official,
                    &id,
                    "answer",
                    json!({"body": "Đã xử lý."}),
                )
                .await;
                assert_eq!(answered.status, 200);
            }
            p
        }
    }
}

struct Row {
    method: &'static str,
    pattern: &'static str,
    setup: Setup,
    expect: fn(Who) -> u16,
}

fn public(_: Who) -> u16 {
    200
}

fn staff_handlers(who: Who) -> u16 {
    match who {
        Anonymous => 401,
        OfficialX | HeadX => 200,
        OfficialY => 404,
        _ => 403,
    }
}

fn citizen(who: Who) -> u16 {
    match who {
        Anonymous => 401,
        PartnerA => 200,
        PartnerB => 404,
        _ => 403,
    }
}

fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for pattern in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/provinces",
        "/v1/provinces/{code}/communes",
        "/v1/communes/{code}",
        "/v1/offices",
        "/v1/offices/{id}",
        "/v1/categories",
        "/v1/calendar/{year}",
        "/v1/calendar/deadline",
        "/v1/rules",
        "/v1/stats/definitions",
        "/v1/stats",
        "/v1/stats.csv",
        "/v1/stats/ranking",
        "/v1/stats/series",
        "/v1/transparency/key",
        "/v1/transparency/checkpoints",
        "/v1/transparency/verify",
        "/v1/transparency/chain",
    ] {
        rows.push(Row {
            method: "GET",
            pattern,
            setup: Setup::None,
            expect: public,
        });
    }
    rows.push(Row {
        method: "GET",
        pattern: "/v1/track/{tracking_code}",
        setup: Setup::Received,
        expect: public,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/auth/login",
        setup: Setup::None,
        expect: public,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/auth/refresh",
        setup: Setup::None,
        expect: public,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/auth/logout",
        setup: Setup::None,
        expect: |_| 204,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            // Officials record petitions handed in at their desk, for their own office only
            // (the body is a petition for office X).
            PartnerA | PartnerB | OfficialX | HeadX => 201,
            OfficialY => 422,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "GET",
        pattern: "/v1/petitions",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | PartnerB | OfficialX | OfficialY | HeadX => 200,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "GET",
        pattern: "/v1/petitions/{id}",
        setup: Setup::Received,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | OfficialX | HeadX | SupervisorIn => 200,
            PartnerB | OfficialY | SupervisorOut => 404,
            Admin => 403,
        },
    });

    rows.push(Row {
        method: "GET",
        pattern: "/v1/petitions/{id}/events",
        setup: Setup::Received,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | OfficialX | HeadX | SupervisorIn => 200,
            PartnerB | OfficialY | SupervisorOut => 404,
            Admin => 403,
        },
    });
    rows.push(Row {
        method: "GET",
        pattern: "/v1/petitions/{id}/deadlines",
        setup: Setup::Received,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | OfficialX | HeadX | SupervisorIn => 200,
            PartnerB | OfficialY | SupervisorOut => 404,
            Admin => 403,
        },
    });
    for (method, pattern, ok) in [
        ("POST", "/v1/rules", 201),
        ("PUT", "/v1/rules/{id}", 200),
        ("PUT", "/v1/communes/{code}/remote", 200),
    ] {
        rows.push(Row {
            method,
            pattern,
            setup: Setup::None,
            expect: if ok == 201 {
                |who| match who {
                    Anonymous => 401,
                    Admin => 201,
                    _ => 403,
                }
            } else {
                |who| match who {
                    Anonymous => 401,
                    Admin => 200,
                    _ => 403,
                }
            },
        });
    }
    rows.push(Row {
        method: "GET",
        pattern: "/v1/notices",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            OfficialX | OfficialY | HeadX => 200,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "PUT",
        pattern: "/v1/calendar/days/{date}",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            Admin => 200,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/complete",
        setup: Setup::IncompleteDenunciation,
        expect: citizen,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/withdraw",
        setup: Setup::Received,
        expect: citizen,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/rating",
        setup: Setup::Answered,
        expect: citizen,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/escalate",
        setup: Setup::Unsatisfied,
        expect: |who| match who {
            PartnerA => 201,
            other => citizen(other),
        },
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/reveal-identity",
        setup: Setup::Received,
        expect: |who| match who {
            Anonymous => 401,
            // Only the head of office X holds the identity permission here.
            HeadX => 200,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/accept",
        setup: Setup::Received,
        expect: staff_handlers,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/reject",
        setup: Setup::Received,
        expect: staff_handlers,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/transfer",
        setup: Setup::Received,
        expect: staff_handlers,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/answer",
        setup: Setup::Accepted,
        expect: staff_handlers,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/close",
        setup: Setup::Answered,
        expect: staff_handlers,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/notify",
        setup: Setup::AcceptedDenunciation,
        expect: staff_handlers,
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/petitions/{id}/extend",
        setup: Setup::Accepted,
        expect: |who| match who {
            Anonymous => 401,
            HeadX => 200,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/supervision-requests",
        setup: Setup::Received,
        expect: |who| match who {
            Anonymous => 401,
            SupervisorIn => 201,
            // Office X is not in Cao Bằng: as if it did not exist.
            SupervisorOut => 404,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "GET",
        pattern: "/v1/supervision-requests",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | PartnerB => 403,
            _ => 200,
        },
    });
    rows.push(Row {
        method: "GET",
        pattern: "/v1/supervision-requests/{id}",
        setup: Setup::Supervised,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | PartnerB => 403,
            OfficialX | HeadX | SupervisorIn | Admin => 200,
            OfficialY | SupervisorOut => 404,
        },
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/supervision-requests/{id}/reply",
        setup: Setup::Supervised,
        expect: staff_handlers,
    });
    for pattern in ["/v1/oversight/overdue", "/v1/oversight/offices"] {
        rows.push(Row {
            method: "GET",
            pattern,
            setup: Setup::None,
            expect: |who| match who {
                Anonymous => 401,
                SupervisorIn | SupervisorOut | Admin => 200,
                _ => 403,
            },
        });
    }
    rows.push(Row {
        method: "GET",
        pattern: "/v1/me",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | PartnerB => 403,
            _ => 200,
        },
    });
    rows.push(Row {
        method: "POST",
        pattern: "/v1/users",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            Admin | HeadX => 201,
            _ => 403,
        },
    });
    rows.push(Row {
        method: "GET",
        pattern: "/v1/users",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            Admin | HeadX => 200,
            _ => 403,
        },
    });
    // An official of office X, managed by an admin or X's head (who/what each may give is
    // `who_may_give_an_account_what`).
    for (method, pattern, setup) in [
        ("GET", "/v1/users/{id}", Setup::Account),
        ("PUT", "/v1/users/{id}/access", Setup::Account),
        ("POST", "/v1/users/{id}/disable", Setup::Account),
        ("POST", "/v1/users/{id}/enable", Setup::DisabledAccount),
        ("POST", "/v1/users/{id}/password", Setup::Account),
    ] {
        rows.push(Row {
            method,
            pattern,
            setup,
            expect: |who| match who {
                Anonymous => 401,
                Admin | HeadX => 200,
                _ => 403,
            },
        });
    }
    // Last: each member of staff changes their own password, which ends their sessions.
    rows.push(Row {
        method: "POST",
        pattern: "/v1/me/password",
        setup: Setup::None,
        expect: |who| match who {
            Anonymous => 401,
            PartnerA | PartnerB => 403,
            _ => 204,
        },
    });
    rows
}

/// The request a row makes, with a body that would succeed for the right caller.
async fn request(
    c: &Callers,
    row: &Row,
    who: Who,
    n: usize,
    petition: &Value,
) -> crate::helpers::Reply {
    let app: &TestApp = &c.w.app;
    let id = petition["id"].as_str().unwrap_or_default();
    let path = row
        .pattern
        .replace(
            "{code}",
            if row.pattern.contains("provinces") {
                "01"
            } else {
                "00004"
            },
        )
        .replace("{year}", "2026")
        .replace("{date}", "2027-12-31")
        .replace(
            "/v1/calendar/deadline",
            "/v1/calendar/deadline?start=2026-02-13&days=2&day_type=working",
        )
        .replace(
            "{tracking_code}",
            petition["tracking_code"].as_str().unwrap_or_default(),
        )
        .replace(
            "{id}",
            if row.pattern.starts_with("/v1/offices") || row.pattern.starts_with("/v1/rules") {
                "1"
            } else {
                id
            },
        );
    let path = match row.pattern {
        "/v1/stats" | "/v1/stats.csv" => format!("{path}?level=province&code=01&period=2026"),
        "/v1/stats/ranking" => {
            format!("{path}?level=commune&parent=01&period=2026&metric=on_time_rate")
        }
        "/v1/stats/series" => {
            format!("{path}?level=commune&code=00004&from=2026-01&to=2026-03&metric=response_rate")
        }
        _ => path,
    };
    let mut headers = c.headers(who);
    if row.pattern == "/v1/track/{tracking_code}" {
        headers.push((
            "x-receipt-secret",
            petition["receipt_secret"].as_str().unwrap().to_owned(),
        ));
    }
    let body = match (row.method, row.pattern) {
        ("GET", _) => None,
        (_, "/v1/petitions") => Some(feedback()),
        (_, "/v1/auth/login") => {
            Some(json!({"username": "canbo.badinh", "password": STAFF_PASSWORD}))
        }
        (_, "/v1/auth/refresh" | "/v1/auth/logout") => {
            let pair = app.login("canbo.badinh", STAFF_PASSWORD).await.json();
            Some(json!({"refresh_token": pair["refresh_token"]}))
        }
        (_, "/v1/users/{id}/access") => {
            Some(json!({"role": "official", "office_id": c.w.ba_dinh.id}))
        }
        (_, "/v1/users/{id}/password") => Some(json!({"password": "Mật khẩu mới rất dài 2026"})),
        (_, "/v1/me/password") => Some(json!({
            "current_password": STAFF_PASSWORD,
            "new_password": "Mật khẩu mới rất dài 2026",
        })),
        (_, "/v1/users") => Some(json!({
            "username": format!("canbo.moi{n}"),
            "password": STAFF_PASSWORD,
            "role": "official",
            "office_id": c.w.ba_dinh.id,
        })),
        (_, p) if p.ends_with("/accept") => Some(json!({})),
        (_, p) if p.ends_with("/reject") => Some(json!({"reason": "duplicate"})),
        (_, p) if p.ends_with("/transfer") => {
            Some(json!({"office_id": c.w.ngoc_ha.id, "reason": "Địa bàn"}))
        }
        (_, p) if p.ends_with("/answer") => Some(json!({"body": "Trả lời"})),
        (_, p) if p.ends_with("/extend") => Some(json!({"clock": "answer", "reason": "Xác minh"})),
        (_, p) if p.ends_with("/rating") => Some(json!({"satisfied": true, "score": 5})),
        (_, p) if p.ends_with("/complete") => Some(json!({"email": "to.cao@example.vn"})),
        (_, p) if p.ends_with("/reveal-identity") => Some(json!({"reason": "Xác minh nội dung"})),
        (_, "/v1/supervision-requests") => Some(json!({
            "office_id": c.w.ba_dinh.id,
            "petition_ids": [id],
            "subject": "Chậm trả lời",
            "body": "Đề nghị báo cáo."
        })),
        (_, p) if p.ends_with("/reply") => Some(json!({"body": "Đã báo cáo."})),
        (_, "/v1/rules") => Some(json!({
            "kind": "feedback", "clock": "answer", "starts": "receipt", "province_code": "48",
            "days": 3, "day_type": "working", "legal_basis": "Quyết định 960/QĐ-UBND"
        })),
        (_, "/v1/rules/{id}") => Some(
            json!({"days": 12, "day_type": "calendar", "legal_basis": "Luật Khiếu nại 2011, điều 27"}),
        ),
        (_, "/v1/communes/{code}/remote") => Some(json!({"remote": true})),
        ("PUT", _) => Some(json!({"kind": "holiday", "name": "Nghỉ cuối năm"})),
        _ => Some(json!({})),
    };
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    match (row.method, body) {
        (_, None) => app.get_with(&path, &headers).await,
        ("PUT", Some(body)) => app.put_json(&path, &headers, &body).await,
        (_, Some(body)) => app.post_json(&path, &headers, &body).await,
    }
}

#[actix_web::test]
async fn every_route_refuses_every_caller_it_should() {
    let w = world().await;
    let app = &w.app;
    app.create_user("mttq.hanoi", Role::Supervisor, None, Some("province:01"));
    app.create_user("mttq.caobang", Role::Supervisor, None, Some("province:04"));
    app.create_user("quantri", Role::Admin, None, None);
    let (_, partner_b) = app.create_partner("B");
    app.grant_reveal("truong.badinh");
    let head_with_permission = format!("Bearer {}", app.access_token("truong.badinh").await);
    let c = Callers {
        supervisor_in: format!("Bearer {}", app.access_token("mttq.hanoi").await),
        supervisor_out: format!("Bearer {}", app.access_token("mttq.caobang").await),
        admin: format!("Bearer {}", app.access_token("quantri").await),
        partner_b,
        accounts: Default::default(),
        w: World {
            ba_dinh: crate::workflow::Office {
                head: head_with_permission,
                ..w.ba_dinh
            },
            ..w
        },
    };

    // Every documented route has a row.
    let doc: Value = serde_json::from_str(&tiengdan::api::openapi_json()).unwrap();
    let mut registered = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            registered.insert((method.to_uppercase(), path.clone()));
        }
    }
    let rows = rows();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_owned(), r.pattern.to_owned()))
        .collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "routes without a matrix row: {missing:?}"
    );

    let mut failures = Vec::new();
    let mut n = 0;
    for row in &rows {
        for who in EVERYONE {
            n += 1;
            let petition = prepare(&c, row.setup).await;
            let reply = request(&c, row, who, n, &petition).await;
            let want = (row.expect)(who);
            if reply.status.as_u16() != want {
                failures.push(format!(
                    "{} {} as {who:?}: {} (want {want}) {}",
                    row.method,
                    row.pattern,
                    reply.status.as_u16(),
                    reply.text().chars().take(160).collect::<String>()
                ));
            }
        }
    }
    // Every transition above moved a petition between the per-office counters.
    crate::workflow::counters_match_a_recount(&c.w.app);
    assert!(
        failures.is_empty(),
        "{} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Who may give an account what (issue 15): every grantor × every kind of account asked for.
/// Only admins give more than an official of one's own office, and only they give the right to
/// see denouncers.
#[actix_web::test]
async fn who_may_give_an_account_what() {
    let w = world().await;
    let app = &w.app;
    app.create_user("mttq.hanoi", Role::Supervisor, None, Some("province:01"));
    app.create_user("quantri", Role::Admin, None, None);
    let supervisor = format!("Bearer {}", app.access_token("mttq.hanoi").await);
    let admin = format!("Bearer {}", app.access_token("quantri").await);
    let (x, y) = (w.ba_dinh.id, w.ngoc_ha.id);
    let asks: [(&str, Value); 6] = [
        ("official_x", json!({"role": "official", "office_id": x})),
        ("official_y", json!({"role": "official", "office_id": y})),
        (
            "revealer_x",
            json!({"role": "official", "office_id": x, "can_reveal_identity": true}),
        ),
        ("head_x", json!({"role": "office_head", "office_id": x})),
        (
            "supervisor",
            json!({"role": "supervisor", "scope": "province:01"}),
        ),
        ("admin", json!({"role": "admin"})),
    ];
    let grantors: [(&str, Vec<(&str, String)>); 6] = [
        ("anonymous", vec![]),
        ("partner", vec![("x-api-key", w.partner.clone())]),
        (
            "official_x",
            vec![("authorization", w.ba_dinh.official.clone())],
        ),
        ("supervisor", vec![("authorization", supervisor)]),
        ("head_x", vec![("authorization", w.ba_dinh.head.clone())]),
        ("admin", vec![("authorization", admin.clone())]),
    ];
    // (status, field at fault) for each grantor and ask.
    let expect = |grantor: &str, ask: &str| -> (u16, Option<&str>) {
        match (grantor, ask) {
            ("anonymous", _) => (401, None),
            ("partner" | "official_x" | "supervisor", _) => (403, None),
            ("admin", _) | ("head_x", "official_x") => (201, None),
            ("head_x", "official_y") => (422, Some("office_id")),
            ("head_x", "revealer_x") => (422, Some("can_reveal_identity")),
            ("head_x", _) => (422, Some("role")),
            _ => unreachable!(),
        }
    };
    let mut failures = Vec::new();
    let mut refused = Vec::new();
    for (n, (grantor, headers)) in grantors.iter().enumerate() {
        for (ask, account) in &asks {
            let username = format!("tk{n}.{ask}").replace('_', "-");
            let mut body = account.clone();
            body["username"] = json!(username);
            body["password"] = json!(STAFF_PASSWORD);
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let reply = app.post_json("/v1/users", &headers, &body).await;
            let (status, field) = expect(grantor, ask);
            let got_field = reply.json()["errors"][0]["field"]
                .as_str()
                .map(str::to_owned);
            let got_code = reply.json()["errors"][0]["code"]
                .as_str()
                .map(str::to_owned);
            if reply.status.as_u16() != status
                || got_field.as_deref() != field
                || (field.is_some() && got_code.as_deref() != Some("not_permitted"))
            {
                failures.push(format!(
                    "{grantor} giving {ask}: {} (want {status} {field:?}) {}",
                    reply.status.as_u16(),
                    reply.text()
                ));
            }
            if status != 201 {
                refused.push(username);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A refusal stores nothing.
    let all = app
        .get_with("/v1/users?limit=500", &[("authorization", &admin)])
        .await
        .json();
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    for name in &refused {
        assert!(!names.contains(&name.as_str()), "{name} was created");
    }
    assert!(names.contains(&"tk5.revealer-x") && names.contains(&"tk4.official-x"));
}
