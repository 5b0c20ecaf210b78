//! Builds and runs the application: shared by `main` and the tests.

use std::collections::HashMap;
use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use actix_web_prom::PrometheusMetricsBuilder;
use serde::Serialize;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{self, middleware};
use crate::auth::rate_limit::RateLimits;
use crate::config::Settings;
use crate::db::admin_units_cache::{AdminUnitsCache, AdminUnitsSnapshot};
use crate::db::calendar::CalendarCache;
use crate::db::reference::{self, ReferenceCounts};
use crate::db::rules::RuleCache;
use crate::db::seed::{self, SeedOutcome};
use crate::db::{Db, DbError, PoolOptions, migrate};
use crate::domain::supervision::ReplyPeriod;
use crate::error::{ApiError, Missing};
use crate::service::Service;
use crate::state::AppState;
use crate::time::Clock;
use crate::vault::{KeySource, Vault, VaultError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("cannot listen on {bind}: {source}")]
    Bind { bind: String, source: io::Error },
    #[error("starting the HTTP server: {0}")]
    Server(io::Error),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    TokenKeys(#[from] crate::auth::jwt::TokenKeyError),
    #[error(transparent)]
    AuditKey(#[from] crate::signing::SigningKeyError),
}

/// What preparing the database did.
#[derive(Debug, Clone, Serialize)]
pub struct Prepared {
    pub backend: &'static str,
    pub migrations_applied: Vec<String>,
    pub admin_units: SeedOutcome,
    pub counts: ReferenceCounts,
}

/// Brings the database up to date: pending migrations, then the reference data (noted as
/// loaded at `now`). Idempotent.
pub fn prepare(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<Prepared, DbError> {
    let migrations_applied = db.blocking_write(migrate::run_pending)?;
    let admin_units = db.blocking_write(seed::load_admin_units)?;
    db.blocking_write(|conn| crate::db::rules::load_defaults(conn, now.naive_utc()))?;
    db.blocking_write(crate::db::events::chain_backlog)?;
    let counts = db.blocking_write(reference::counts)?;
    Ok(Prepared {
        backend: db.url().backend(),
        migrations_applied,
        admin_units,
        counts,
    })
}

/// Prepares the database the service will use. With `MIGRATION_DATABASE_URL` the owner
/// migrates, loads the reference data and grants the serving role of `serving` what it needs
/// ([`crate::db::grants`]); without it, the serving role does it all.
pub fn prepare_for(
    settings: &Settings,
    serving: &Db,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Prepared, DbError> {
    let Some(owner_url) = &settings.migration_database_url else {
        return prepare(serving, now);
    };
    if owner_url.backend() != "postgres" || serving.url().backend() != "postgres" {
        return Err(DbError::Misconfigured(
            "MIGRATION_DATABASE_URL is for PostgreSQL only, with a postgres:// DATABASE_URL",
        ));
    }
    let owner = Db::connect(
        owner_url,
        PoolOptions {
            max_size: 1,
            ..PoolOptions::default()
        },
    )?;
    let prepared = prepare(&owner, now)?;
    let serving_role = serving.blocking_write(crate::db::grants::current_role)?;
    let owner_role = owner.blocking_write(crate::db::grants::current_role)?;
    if serving_role != owner_role {
        owner.blocking_write(|c| crate::db::grants::grant_serving(c, &serving_role))?;
    }
    Ok(prepared)
}

pub struct Application {
    port: u16,
    server: Server,
    state: std::sync::Weak<AppState>,
}

impl Application {
    /// Connects, prepares the database, binds and starts serving (the returned server must be
    /// awaited or spawned). Everything it does reads the time from `clock`.
    pub async fn build(settings: &Settings, clock: Clock) -> Result<Self, StartupError> {
        let started = Instant::now();
        let options = PoolOptions {
            max_size: settings.db_pool_size,
            connect_timeout: std::time::Duration::from_secs(settings.db_wait_seconds),
        };
        let (vault, key_source) = Vault::load(
            settings.data_key.as_ref().map(|k| k.expose()),
            &settings.database_url,
        )?;
        match &key_source {
            KeySource::Generated(path) => tracing::warn!(
                path = %path.display(),
                key_id = vault.key_id(),
                "generated a data key for personal data: back this file up with the database; without it sealed identities cannot be read"
            ),
            KeySource::File(path) => {
                tracing::info!(path = %path.display(), key_id = vault.key_id(), "data key from file")
            }
            KeySource::Configured => {
                tracing::info!(key_id = vault.key_id(), "data key from TIENGDAN_DATA_KEY")
            }
        }
        let (tokens, token_source) = crate::auth::jwt::TokenKeys::load(
            settings.jwt_secret.as_ref().map(|k| k.expose()),
            &settings.database_url,
        )?;
        if let KeySource::Generated(path) = &token_source {
            tracing::warn!(path = %path.display(), "generated a key for staff tokens");
        }
        let (audit_key, audit_source) = crate::signing::AuditKey::load(
            settings.audit_signing_key.as_ref().map(|k| k.expose()),
            &settings.database_url,
        )?;
        if let KeySource::Generated(path) = &audit_source {
            tracing::warn!(path = %path.display(), key_id = audit_key.key_id(), "generated the key that signs audit checkpoints: back it up, and publish GET /v1/transparency/key");
        }
        let url = settings.database_url.clone();
        let preparing = settings.clone();
        let prepared_at = clock.now();
        let (db, prepared, units, calendar, rules) =
            actix_web::rt::task::spawn_blocking(move || {
                let db = Db::connect(&url, options)?;
                let prepared = prepare_for(&preparing, &db, prepared_at)?;
                let units = db.blocking_write(AdminUnitsSnapshot::load)?;
                let calendar = db.blocking_write(crate::db::calendar::load)?;
                let rules = db.blocking_write(crate::db::rules::load)?;
                Ok::<_, DbError>((db, prepared, units, calendar, rules))
            })
            .await
            .map_err(|_| DbError::Blocking)??;
        let listener = TcpListener::bind(&settings.bind).map_err(|source| StartupError::Bind {
            bind: settings.bind.clone(),
            source,
        })?;
        let address = listener.local_addr().map_err(StartupError::Server)?;
        let service = Service::new(
            db,
            Arc::new(AdminUnitsCache::new(units)),
            Arc::new(CalendarCache::new(calendar)),
            Arc::new(RuleCache::new(rules)),
            vault,
            // The flag's parser keeps it in range; out of range it is the default.
            ReplyPeriod::new(settings.supervision_reply_days).unwrap_or_default(),
        );
        let state = web::Data::new(AppState {
            service,
            clock,
            tokens,
            limits: RateLimits::new(
                settings.partner_rate_limit,
                settings.track_rate_limit,
                settings.login_rate_limit,
                settings.stats_rate_limit,
            ),
            thresholds: settings.thresholds(),
            reports: crate::db::stats::query::ReportCache::default(),
            audit_key,
            metrics: prometheus::Registry::new(),
            accounts: Default::default(),
            proxies: settings.trusted_proxies.clone(),
            identity_retention_days: settings.identity_retention_days,
            verified: Default::default(),
            metrics_token_hash: settings
                .metrics_token
                .as_ref()
                .map(|t| t.expose().trim())
                .filter(|t| !t.is_empty())
                .map(crate::auth::secret_hash),
        });
        crate::jobs::spawn_housekeeping(state.clone());
        crate::jobs::spawn_checkpoints(
            state.clone(),
            std::time::Duration::from_secs(settings.checkpoint_interval),
        );
        crate::jobs::sweeper::spawn(
            state.clone(),
            std::time::Duration::from_secs(settings.sweep_interval),
            settings.approaching_working_days,
        );
        crate::jobs::stats::spawn(
            state.clone(),
            std::time::Duration::from_secs(settings.stats_interval),
        );
        let watched = Arc::downgrade(&state.clone().into_inner());
        let server = run(listener, state, settings.workers).map_err(StartupError::Server)?;
        tracing::info!(
            database = %settings.database_url,
            %address,
            migrations_applied = prepared.migrations_applied.len(),
            admin_units = ?prepared.admin_units,
            provinces = prepared.counts.provinces,
            communes = prepared.counts.communes,
            offices = prepared.counts.offices,
            startup_ms = started.elapsed().as_millis() as u64,
            "serving"
        );
        Ok(Self {
            port: address.port(),
            server,
            state: watched,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// The shared state, held weakly: once it no longer upgrades, every worker, job and
    /// database pool of this application is gone. A process that must not exit while
    /// connections are still closing (libpq's TLS teardown races the exit handlers) waits
    /// for that.
    pub fn state_watch(&self) -> std::sync::Weak<AppState> {
        self.state.clone()
    }

    pub async fn run_until_stopped(self) -> io::Result<()> {
        self.server.await
    }
}

/// The methods each route pattern takes, read from the OpenAPI document so that the two
/// cannot disagree. Undocumented routes (the docs themselves) take GET.
#[derive(Debug, Clone, Default)]
struct AllowedMethods(HashMap<String, String>);

impl AllowedMethods {
    fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let methods = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut allowed: Vec<&str> = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                if allowed.is_empty() {
                    allowed.push("GET");
                }
                (path.clone(), allowed.join(", "))
            })
            .collect();
        Self(methods)
    }

    fn for_pattern(&self, pattern: &str) -> String {
        self.0.get(pattern).cloned().unwrap_or_else(|| "GET".into())
    }
}

/// No route took the request: a known path asked with another method is a 405 naming the
/// methods it takes, anything else a 404.
fn unknown_route(req: HttpRequest, allowed: &AllowedMethods) -> Result<HttpResponse, ApiError> {
    match req.match_pattern() {
        Some(pattern) => Err(ApiError::MethodNotAllowed {
            allow: allowed.for_pattern(&pattern),
        }),
        None => Err(ApiError::NotFound(Missing::Route)),
    }
}

/// `/docs` without the slash: Swagger UI's relative asset paths need it.
async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

/// Headers on every response, unless a handler set its own: nothing is stored by caches on
/// the way (replies carry tokens, receipt secrets and identities), content types are not
/// second-guessed, and links out of a page carry no address of ours.
fn security_headers() -> actix_web::middleware::DefaultHeaders {
    use actix_web::http::header;
    actix_web::middleware::DefaultHeaders::new()
        .add((header::CACHE_CONTROL, "no-store"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
}

/// Serves the API on a bound listener.
pub fn run(
    listener: TcpListener,
    state: web::Data<AppState>,
    workers: Option<usize>,
) -> io::Result<Server> {
    let prometheus = PrometheusMetricsBuilder::new("tiengdan")
        .registry(state.metrics.clone())
        .mask_unmatched_patterns("unmatched")
        .build()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let doc = api::openapi();
    let allowed = Arc::new(AllowedMethods::from_doc(&doc));
    let mut server = HttpServer::new(move || {
        let allowed = allowed.clone();
        let (app, _) = App::new()
            .app_data(state.clone())
            .configure(api::extractors)
            .default_service(web::to(move |req: HttpRequest| {
                let allowed = allowed.clone();
                async move { unknown_route(req, &allowed) }
            }))
            .into_utoipa_app()
            .configure(api::routes)
            .split_for_parts();
        app.route("/docs", web::get().to(docs_redirect))
            .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc.clone()))
            .wrap(from_fn(middleware::problems))
            .wrap(from_fn(middleware::trace_requests))
            .wrap(prometheus.clone())
            .wrap(security_headers())
    })
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers.max(1));
    }
    Ok(server.run())
}
