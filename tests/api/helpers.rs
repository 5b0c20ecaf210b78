//! `spawn_app`: a running Tiếng Dân on a database of its own, and a client for it.

use std::path::PathBuf;
use std::sync::Once;

use actix_web::dev::ServerHandle;
use awc::http::StatusCode;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::Value;
use tiengdan::config::{LogFormat, LogSettings, Secret, Settings};
use tiengdan::db::DatabaseUrl;
use tiengdan::startup::Application;
use tiengdan::time::Clock;

/// The backend the suite runs against: `TEST_DATABASE_URL=postgres://…` for PostgreSQL
/// (a server URL whose user may create databases), SQLite otherwise.
pub fn postgres_server() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"))
}

/// The role the service serves as on PostgreSQL, apart from the owner that creates the test
/// databases and migrates them: `TEST_SERVING_URL=postgres://ROLE:PASSWORD@HOST/…` (its
/// database name is replaced). Unset, the owner serves.
pub fn postgres_serving_server() -> Option<String> {
    std::env::var("TEST_SERVING_URL")
        .ok()
        .filter(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"))
}

/// A database that exists for one test.
pub enum TestDatabase {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        server: String,
        serving: Option<String>,
        name: String,
    },
}

impl TestDatabase {
    pub fn create() -> Self {
        match postgres_server() {
            Some(server) => {
                let name = format!("tiengdan_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&server)
                    .unwrap_or_else(|e| panic!("TEST_DATABASE_URL unreachable: {e}"));
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                Self::Postgres {
                    server,
                    serving: postgres_serving_server(),
                    name,
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("tiengdan.db");
                Self::Sqlite { _dir: dir, path }
            }
        }
    }

    /// The owner's URL: it migrates, and tests reach behind the service's back with it.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite { path, .. } => format!("sqlite://{}", path.display()),
            Self::Postgres { server, name, .. } => with_database(server, name),
        }
    }

    /// The URL the service serves with: the serving role's when there is one.
    pub fn serving_url(&self) -> String {
        match self {
            Self::Postgres {
                serving: Some(serving),
                name,
                ..
            } => with_database(serving, name),
            _ => self.url(),
        }
    }

    /// The owner's URL when the service serves as another role.
    pub fn migration_url(&self) -> Option<String> {
        matches!(
            self,
            Self::Postgres {
                serving: Some(_),
                ..
            }
        )
        .then(|| self.url())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite { .. } => "sqlite",
            Self::Postgres { .. } => "postgres",
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { server, name, .. } = self
            && let Ok(mut admin) = PgConnection::establish(server)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// The server URL with its database name replaced.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// Where every test app's clock starts: the suite's "today", whatever the machine's date.
/// Fixtures are written against it (a decision taken on 1 November 2026 is weeks old).
pub fn test_epoch() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z")
        .expect("epoch")
        .to_utc()
}

/// The password of every account tests create: long and not guessable.
pub const STAFF_PASSWORD: &str = "mưa phùn trên phố Huế, ngõ 5";

pub struct TestApp {
    pub address: String,
    pub settings: Settings,
    // Before `database`: stopped, and its pools closed, before the database is dropped.
    server: RunningServer,
    pub client: awc::Client,
    /// The app's clock: starts at [`test_epoch`] and runs at the real rate; tests move it on.
    pub clock: Clock,
    // Dropped last: the server must let go of it first.
    pub database: TestDatabase,
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts this is a problem+json with the status and code given, and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "status; body: {}",
            self.text()
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "content type; body: {}",
            self.text()
        );
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status, "{body}");
        assert_eq!(body["type"], format!("urn:tiengdan:problem:{code}"));
        assert!(
            body["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{body}"
        );
        assert!(
            body["detail"].as_str().is_some_and(|t| !t.is_empty()),
            "{body}"
        );
        assert_eq!(
            body["request_id"].as_str(),
            self.header("x-request-id"),
            "{body}"
        );
        body
    }
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Quiet unless TEST_LOG asks (e.g. TEST_LOG=debug cargo test -- --nocapture).
        let level = std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into());
        let _ = tiengdan::telemetry::init(&LogSettings {
            log_level: level,
            log_format: LogFormat::Text,
        });
    });
}

/// The environment that gives the binary the keys `settings` hold (PostgreSQL's; SQLite's
/// are in files beside the database).
pub fn key_env(settings: &Settings) -> Vec<(&'static str, String)> {
    [
        ("TIENGDAN_DATA_KEY", &settings.data_key),
        ("JWT_SECRET", &settings.jwt_secret),
        ("AUDIT_SIGNING_KEY", &settings.audit_signing_key),
    ]
    .into_iter()
    .filter_map(|(name, key)| key.as_ref().map(|k| (name, k.expose().to_owned())))
    .collect()
}

pub fn settings_for(database: &TestDatabase) -> Settings {
    // PostgreSQL needs a configured data key; SQLite makes one beside the test database.
    let postgres = matches!(database, TestDatabase::Postgres { .. });
    let key = || Secret::new(uuid::Uuid::new_v4().simple().to_string().repeat(2));
    Settings {
        data_key: postgres.then(key),
        jwt_secret: postgres.then(key),
        login_rate_limit: 1_000,
        partner_rate_limit: 10_000,
        track_rate_limit: 10_000,
        stats_rate_limit: 10_000,
        // Tests sweep when they choose to (`tiengdan sweep`), not on a timer.
        sweep_interval: 0,
        supervision_reply_days: 15,
        audit_signing_key: postgres.then(key),
        metrics_token: None,
        trusted_proxies: Default::default(),
        identity_retention_days: tiengdan::domain::retention::DEFAULT_RETENTION_DAYS,
        checkpoint_interval: 0,
        approaching_working_days: 2,
        // Tests fold the statistics when they choose to, too.
        stats_interval: 0,
        suppression_threshold: tiengdan::domain::stats::SUPPRESSION_THRESHOLD,
        ranking_floor: tiengdan::domain::stats::RANKING_FLOOR,
        database_url: database
            .serving_url()
            .parse::<DatabaseUrl>()
            .expect("test database URL"),
        migration_database_url: database
            .migration_url()
            .map(|url| url.parse::<DatabaseUrl>().expect("owner URL")),
        bind: "127.0.0.1:0".into(),
        workers: Some(1),
        db_pool_size: 4,
        db_wait_seconds: 5,
        log: LogSettings {
            log_level: "off".into(),
            log_format: LogFormat::Text,
        },
    }
}

/// Starts the application on a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the application on a fresh database, with settings adjusted.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    init_logs();
    let database = TestDatabase::create();
    let mut settings = settings_for(&database);
    adjust(&mut settings);
    start(settings, database).await
}

/// Starts the application on a fresh database with its clock set to `at` (running on from
/// there), whatever the machine's date.
pub async fn spawn_app_at(at: chrono::DateTime<chrono::Utc>) -> TestApp {
    init_logs();
    let database = TestDatabase::create();
    let settings = settings_for(&database);
    start_with_clock(settings, database, Clock::starting_at(at)).await
}

/// Starts the application on a database made beforehand (by the binary, say), with the
/// settings it was made with.
pub async fn spawn_app_on(settings: Settings, database: TestDatabase) -> TestApp {
    init_logs();
    start(settings, database).await
}

async fn start(settings: Settings, database: TestDatabase) -> TestApp {
    start_with_clock(settings, database, Clock::starting_at(test_epoch())).await
}

async fn start_with_clock(settings: Settings, database: TestDatabase, clock: Clock) -> TestApp {
    let server = RunningServer::start(&settings, &clock);
    let address = format!("http://127.0.0.1:{}", server.port);
    // The server closes idle connections after its keep-alive (5 s); a test that blocks its
    // thread for longer (running the binary, say) must not pick a connection closed meanwhile.
    let connector = awc::Connector::new().conn_keep_alive(std::time::Duration::from_secs(2));
    let client = awc::Client::builder()
        .connector(connector)
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    TestApp {
        address,
        settings,
        server,
        client,
        clock,
        database,
    }
}

/// The application serving on a thread of its own, stopped and waited for when dropped.
///
/// Each test's runtime ends with the test, but a server spawned on it would leave its worker
/// threads and database pools behind to close while the test process exits; libpq's TLS
/// teardown racing the exit handlers then crashes the process after every test passed. So
/// the server gets its own thread and runtime, and dropping it stops the server and waits
/// until every holder of its state, pools included, is gone.
struct RunningServer {
    port: u16,
    handle: ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    fn start(settings: &Settings, clock: &Clock) -> Self {
        let (settings, clock) = (settings.clone(), clock.clone());
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            let watch = system.block_on(async {
                let app = match Application::build(&settings, clock).await {
                    Ok(app) => app,
                    Err(err) => {
                        let _ = started_tx.send(Err(format!("{err:#}")));
                        return None;
                    }
                };
                let watch = app.state_watch();
                let _ = started_tx.send(Ok((app.port(), app.handle())));
                let _ = app.run_until_stopped().await;
                Some(watch)
            });
            // Ends the jobs spawned on this runtime; worker threads let go on their own.
            drop(system);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while watch.as_ref().is_some_and(|w| w.strong_count() > 0)
                && std::time::Instant::now() < deadline
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        });
        let (port, handle) = match started_rx.recv() {
            Ok(Ok(started)) => started,
            Ok(Err(err)) => panic!("application starts: {err}"),
            Err(_) => panic!("application starts: its thread ended"),
        };
        Self {
            port,
            handle,
            thread: Some(thread),
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        // The stop command is sent at once; nothing here needs to await the reply.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl TestApp {
    /// Stops the server and starts a new one on the same database, as an operator restarting
    /// the service would.
    pub async fn restart(self) -> TestApp {
        let TestApp {
            server,
            settings,
            database,
            clock,
            ..
        } = self;
        drop(server);
        start_with_clock(settings, database, clock).await
    }

    /// The app's current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(awc::http::Method::GET, path, headers, None).await
    }

    pub async fn send(
        &self,
        method: awc::http::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{}", self.address, path));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let sent = match body {
            Some(body) => request.send_body(body).await,
            None => request.send().await,
        };
        let mut response = sent.unwrap_or_else(|e| panic!("{path}: request failed: {e}"));
        let body = response
            .body()
            .limit(32 * 1024 * 1024)
            .await
            .unwrap_or_else(|e| panic!("{path}: reading body: {e}"))
            .to_vec();
        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body,
        }
    }

    /// A direct connection to the app's database, for checking what was stored.
    pub fn db(&self) -> tiengdan::db::DbConnection {
        let url = self.database.url().parse().expect("test database URL");
        tiengdan::db::Manager::connect_once(&url).expect("connect to the test database")
    }

    /// Creates a partner directly in the database and returns its id and API key.
    pub fn create_partner(&self, name: &str) -> (i64, String) {
        let key = tiengdan::auth::api_key::generate().expect("random");
        let mut conn = self.db();
        let row = tiengdan::db::partners::create(&mut conn, name, &key, self.now().naive_utc())
            .expect("create partner");
        (row.id, key.key)
    }

    /// Creates a staff account directly (as `tiengdan user create` does) and returns its id.
    pub fn create_user(
        &self,
        username: &str,
        role: tiengdan::domain::staff::Role,
        office_id: Option<i64>,
        scope: Option<&str>,
    ) -> i64 {
        use tiengdan::auth::accounts;
        let request = accounts::AccountRequest {
            username: username.into(),
            password: STAFF_PASSWORD.into(),
            role,
            office_id,
            scope: scope.map(str::to_owned),
            can_reveal_identity: false,
        };
        let checked = accounts::check(&request).expect("a valid account");
        let hash = tiengdan::auth::password::hash(STAFF_PASSWORD).expect("hash");
        let mut conn = self.db();
        accounts::create(
            &mut conn,
            &checked,
            &hash,
            &tiengdan::db::events::Actor::System,
            self.now().naive_utc(),
        )
        .expect("create user")
        .id
    }

    /// Gives a user the identity permission (takes effect at their next sign-in).
    pub fn grant_reveal(&self, username: &str) {
        use diesel::prelude::*;
        use tiengdan::db::schema::users;
        let mut conn = self.db();
        diesel::update(users::table.filter(users::username.eq(username)))
            .set(users::can_reveal_identity.eq(true))
            .execute(&mut conn)
            .expect("grant");
    }

    /// Signs in and returns the token pair.
    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.post_json(
            "/v1/auth/login",
            &[],
            &serde_json::json!({"username": username, "password": password}),
        )
        .await
    }

    /// Signs in a user made with [`TestApp::create_user`] and returns its access token.
    pub async fn access_token(&self, username: &str) -> String {
        self.access_token_with(username, STAFF_PASSWORD).await
    }

    pub async fn access_token_with(&self, username: &str, password: &str) -> String {
        let reply = self.login(username, password).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        reply.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// POSTs JSON with the headers given.
    pub async fn post_json(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        self.send(
            awc::http::Method::POST,
            path,
            &all,
            Some(serde_json::to_vec(body).expect("serialise")),
        )
        .await
    }

    /// PUTs JSON with the headers given.
    pub async fn put_json(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        self.send(
            awc::http::Method::PUT,
            path,
            &all,
            Some(serde_json::to_vec(body).expect("serialise")),
        )
        .await
    }

    /// GET that must answer 200 with JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        reply.json()
    }

    /// Follows `next_cursor` from `path` to the end, returning every item.
    pub async fn collect_pages(&self, path: &str) -> Vec<Value> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut next = path.to_owned();
        for _ in 0..1000 {
            let page = self.get_json(&next).await;
            items.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next_cursor"].as_str() {
                Some(cursor) => next = format!("{path}{separator}cursor={cursor}"),
                None => return items,
            }
        }
        panic!("{path}: more than 1000 pages");
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
