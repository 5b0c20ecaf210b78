//! What every door of a running server shares: one value, built once at start-up and handed
//! to the HTTP workers (as actix app data) and the jobs.

use chrono::{DateTime, Utc};

use crate::auth::jwt::TokenKeys;
use crate::auth::rate_limit::RateLimits;
use crate::db::Db;
use crate::db::admin_units_cache::AdminUnitsCache;
use crate::db::calendar::CalendarCache;
use crate::db::rules::RuleCache;
use crate::db::stats::query::ReportCache;
use crate::domain::stats::Thresholds;
use crate::service::Service;
use crate::signing::AuditKey;
use crate::time::Clock;
use crate::vault::Vault;

pub struct AppState {
    /// The use cases, and the database and caches they read.
    pub service: Service,
    /// Where every request and job reads the time.
    pub clock: Clock,
    /// Signs and checks staff access tokens.
    pub tokens: TokenKeys,
    /// Request budgets: partners, sign-ins, receipt-secret guesses.
    pub limits: RateLimits,
    /// The statistics' suppression threshold and ranking floor.
    pub thresholds: Thresholds,
    /// Statistics reports computed since the rollups last changed.
    pub reports: ReportCache,
    /// Signs the audit chain's checkpoints.
    pub audit_key: AuditKey,
    /// How far the last public verification of the chain got: the next extends it.
    pub verified: tokio::sync::Mutex<Option<crate::db::audit::VerifiedPrefix>>,
    /// Days an identity is kept after its petition ends (0: for good).
    pub identity_retention_days: u32,
    /// The reverse proxies whose word on the client's address is taken.
    pub proxies: crate::auth::client::TrustedProxies,
    /// Whether staff tokens' accounts still stand as when the tokens were issued.
    pub accounts: crate::auth::standing::AccountStandings,
    /// The Prometheus registry `/metrics` reads.
    pub metrics: prometheus::Registry,
    /// The SHA-256 of the token `/metrics` asks for, when one is set (`METRICS_TOKEN`).
    pub metrics_token_hash: Option<String>,
}

impl AppState {
    /// The budget key of the client that sent `req`: its address as the trusted proxies tell
    /// it, or the peer's own.
    pub fn client(&self, req: &actix_web::HttpRequest) -> Option<crate::auth::client::ClientKey> {
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
        let peer = req.peer_addr()?.ip();
        let address = self
            .proxies
            .client(peer, header("forwarded"), header("x-forwarded-for"));
        Some(crate::auth::client::ClientKey::of(address))
    }

    pub fn db(&self) -> &Db {
        self.service.db()
    }

    pub fn units(&self) -> &AdminUnitsCache {
        self.service.units()
    }

    pub fn calendars(&self) -> &CalendarCache {
        self.service.calendars()
    }

    pub fn rules(&self) -> &RuleCache {
        self.service.rules()
    }

    pub fn vault(&self) -> &Vault {
        self.service.vault()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
