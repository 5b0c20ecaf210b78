//! Database outages are input too: while PostgreSQL is unreachable every request is a 503
//! problem with `Retry-After`, never a 500, and once it is back the service answers normally
//! again without being restarted (dead pooled connections are found and replaced).
//!
//! PostgreSQL only: the test cuts its own database off (`ALLOW_CONNECTIONS false` and
//! `pg_terminate_backend` on every connection to it, as a restart does), then lets it back.
//! `.ci/run` also restarts the whole server under load (`tests/drills/pg_restart.sh`).

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::helpers::{TestApp, TestDatabase};
use crate::petitions::{feedback, submit};

/// Runs `sql` on the server's maintenance database, as the test's own role.
fn admin(app: &TestApp, sql: &str) {
    let TestDatabase::Postgres { server, .. } = &app.database else {
        unreachable!()
    };
    let mut conn = PgConnection::establish(server).expect("reach the PostgreSQL server");
    diesel::sql_query(sql).execute(&mut conn).expect(sql);
}

fn database_name(app: &TestApp) -> String {
    match &app.database {
        TestDatabase::Postgres { name, .. } => name.clone(),
        TestDatabase::Sqlite { .. } => unreachable!(),
    }
}

#[actix_web::test]
async fn an_outage_is_a_503_and_the_service_recovers_without_a_restart() {
    if crate::helpers::postgres_server().is_none() {
        eprintln!("skipped: needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    }
    // A request during the outage waits a second for a connection, not five.
    let app = crate::helpers::spawn_app_with(|s| s.db_wait_seconds = 1).await;
    let (_, key) = app.create_partner("Outage");
    let auth = format!("Bearer {key}");
    // Fill the pool: several requests at once, each on a connection of its own.
    let body = feedback();
    let warm: Vec<_> = (0..4).map(|_| submit(&app, &key, &body)).collect();
    for reply in futures_util::future::join_all(warm).await {
        assert_eq!(reply.status, 201, "{}", reply.text());
    }

    let name = database_name(&app);
    admin(
        &app,
        &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false"),
    );
    admin(
        &app,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ),
    );

    // During the outage: reads and writes are 503 with Retry-After, never a 500.
    for _ in 0..3 {
        for reply in [
            submit(&app, &key, &feedback()).await,
            app.get_with("/v1/petitions", &[("authorization", &auth)])
                .await,
            app.get("/v1/transparency/checkpoints").await,
        ] {
            let problem = reply.problem(503, "service_unavailable");
            assert!(reply.header("retry-after").is_some(), "{problem}");
        }
    }

    admin(
        &app,
        &format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"),
    );
    // Back within seconds: the first success comes soon, and from then on every request
    // succeeds (no dead connection is left in the pool to fail a later one).
    let back = Instant::now();
    loop {
        let reply = submit(&app, &key, &feedback()).await;
        match reply.status.as_u16() {
            201 => break,
            503 => {}
            other => panic!("{other} while recovering: {}", reply.text()),
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "not back 15 s after the database was"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    for _ in 0..20 {
        let reply = submit(&app, &key, &feedback()).await;
        assert_eq!(reply.status, 201, "{}", reply.text());
        let listed = app
            .get_with("/v1/petitions", &[("authorization", &auth)])
            .await;
        assert_eq!(listed.status, 200, "{}", listed.text());
    }
}
