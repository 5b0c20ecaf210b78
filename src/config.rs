//! Configuration: environment variables, overridden by command-line flags, with defaults that
//! make `cargo run --release` work on a fresh machine (SQLite file beside the working directory,
//! loopback address).

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Arg, Args, Parser, Subcommand, ValueEnum};

use crate::db::{DatabaseUrl, UrlError};

#[derive(Debug, Parser)]
#[command(
    name = "tiengdan",
    version,
    about = "Tiếng Dân: citizens' petitions to local government, with the legal clock kept"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default when no sub-command is given).
    Serve,
    /// Apply pending database migrations and load the reference data, then exit.
    Migrate {
        /// Print the outcome as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Manage partner apps and their API keys.
    Partner {
        #[command(subcommand)]
        action: PartnerCommand,
    },
    /// The tamper-evident record: verify the chain, sign a checkpoint, export the events.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// Announce the deadlines coming due and missed now, once, then exit (what the server's
    /// sweeper does every SWEEP_INTERVAL seconds; for cron, or a server run with it off).
    Sweep {
        /// Print the outcome as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// The accountability statistics' rollups.
    Stats {
        #[command(subcommand)]
        action: StatsCommand,
    },
    /// Seed a realistic year for demonstrations: provinces and communes with their officials,
    /// office heads, supervisors and partners, and tens of thousands of petitions written
    /// through the service's own workflow with backdated times. Prints the credentials it made.
    Demo(DemoArgs),
    /// Witness a server's record from outside: keep copies of its checkpoints and the chain's
    /// links under them, and raise an alarm when it rolls back or forks (docs/SECURITY.md).
    /// With --once, exits 0 when consistent, 1 on an alarm, 2 when it could not check.
    Witness(WitnessArgs),
    /// Print the OpenAPI document (as committed in openapi/openapi.json).
    Openapi {
        /// Write to this file instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// `tiengdan witness`: whom to watch, and where to keep the copy.
#[derive(Debug, Clone, Args)]
pub struct WitnessArgs {
    /// The server's base URL, e.g. https://tiengdan.example.gov.vn
    #[arg(long)]
    pub server: url::Url,
    /// Directory of the witness's copy (made if missing; keep it where the server's operator
    /// cannot write).
    #[arg(long)]
    pub store: PathBuf,
    /// Seconds between rounds.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub interval: u64,
    /// One round, then exit: 0 consistent, 1 alarm, 2 could not check.
    #[arg(long)]
    pub once: bool,
}

/// `tiengdan demo`: what to seed. The same seed, sizes and dates give the same year.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Seed of the random plan: the same seed (with the same sizes and dates) seeds the same
    /// year, and makes the same passwords.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Petitions to simulate over the period.
    #[arg(long, default_value_t = 30_000)]
    pub petitions: usize,
    /// Provinces by GSO code, comma-separated (default: Hà Nội, TP Hồ Chí Minh, Đà Nẵng and
    /// the mountainous Điện Biên).
    #[arg(long, value_delimiter = ',', default_value = "01,79,48,11")]
    pub provinces: Vec<String>,
    /// Communes taken part per province (fewer when the province has fewer).
    #[arg(long, default_value_t = 30)]
    pub communes: usize,
    /// Length of the simulated period, in months.
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// Last day of the period (YYYY-MM-DD, Vietnam's date), before today; default yesterday.
    #[arg(long)]
    pub until: Option<chrono::NaiveDate>,
    /// Seed even though the database already holds petitions (the demo's figures then mix
    /// with theirs).
    #[arg(long)]
    pub force: bool,
    /// Print the outcome and the credentials as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the whole chain and check every signed checkpoint; exits non-zero naming
    /// the first broken link.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Sign the chain's current head now.
    Checkpoint {
        #[arg(long)]
        json: bool,
    },
    /// Print every event (one JSON object per line) and the checkpoints, for outside
    /// verification (docs/VERIFYING.md).
    Export,
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Fold the events not yet in the rollups (what the server does every STATS_INTERVAL
    /// seconds).
    Update {
        #[arg(long)]
        json: bool,
    },
    /// Throw the rollups away and recompute them from the whole event record, in one
    /// transaction; the figures must come out the same.
    Rebuild {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account.
    Create {
        #[arg(long)]
        username: String,
        /// At least 12 characters and hard to guess. Prefer TIENGDAN_PASSWORD in the
        /// environment, which stays out of the shell history.
        #[arg(long, env = "TIENGDAN_PASSWORD", hide_env_values = true)]
        password: Secret,
        #[arg(long, value_parser = ["official", "office_head", "supervisor", "admin"])]
        role: String,
        /// The office of an official or office head.
        #[arg(long)]
        office: Option<i64>,
        /// What a supervisor oversees: national, province:NN or commune:NNNNN.
        #[arg(long)]
        scope: Option<String>,
        /// May reveal denouncers' identities (with a reason, audited).
        #[arg(long)]
        can_reveal_identity: bool,
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it cannot sign in, its tokens stop working.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Replace an account's role, office, scope and reveal permission; it signs in again.
    Set {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["official", "office_head", "supervisor", "admin"])]
        role: String,
        #[arg(long)]
        office: Option<i64>,
        #[arg(long)]
        scope: Option<String>,
        #[arg(long)]
        can_reveal_identity: bool,
    },
    /// Set a new password for an account; its sessions end.
    ResetPassword {
        #[arg(long)]
        username: String,
        /// Prefer TIENGDAN_PASSWORD in the environment, which stays out of the shell history.
        #[arg(long, env = "TIENGDAN_PASSWORD", hide_env_values = true)]
        password: Secret,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Create a partner and print its API key, once: it cannot be shown again.
    Create {
        /// The partner's name, as officials will see it.
        #[arg(long)]
        name: String,
        /// Print JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a partner's API key: its requests are refused from now on.
    Revoke {
        /// The partner's id.
        #[arg(long)]
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// List partners (never their keys).
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: sqlite://FILE (created if missing) or postgres://USER:PASSWORD@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://tiengdan.db",
        global = true,
        value_parser = DatabaseUrlParser
    )]
    pub database_url: DatabaseUrl,
    /// PostgreSQL only: the tables' owner, which applies migrations and grants the role of
    /// DATABASE_URL only what serving needs (docs/SECURITY.md). Unset, DATABASE_URL's role
    /// does everything.
    #[arg(
        long,
        env = "MIGRATION_DATABASE_URL",
        global = true,
        value_parser = DatabaseUrlParser
    )]
    pub migration_database_url: Option<DatabaseUrl>,
    /// Address to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080", global = true)]
    pub bind: String,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "WORKERS", global = true)]
    pub workers: Option<usize>,
    /// Database connections in the pool.
    #[arg(long, env = "DB_POOL_SIZE", default_value_t = 10, global = true)]
    pub db_pool_size: u32,
    /// Seconds a request waits for a database connection before it is answered 503 with
    /// `Retry-After` (an outage, or every connection busy).
    #[arg(long, env = "DB_WAIT_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=300), global = true)]
    pub db_wait_seconds: u64,
    /// Key that seals citizens' personal data: 64 hex digits or base64 of 32 bytes. Required
    /// with PostgreSQL; with SQLite, generated on first start beside the database if unset.
    #[arg(long, env = "TIENGDAN_DATA_KEY", global = true, hide_env_values = true)]
    pub data_key: Option<Secret>,
    /// Key that signs staff access tokens: 64 hex digits or base64 of 32 bytes. Required with
    /// PostgreSQL; with SQLite, generated on first start beside the database if unset.
    #[arg(long, env = "JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// Sign-in attempts per minute for a username from one client; three times that from one client in all.
    #[arg(long, env = "LOGIN_RATE_LIMIT", default_value_t = 10, global = true)]
    pub login_rate_limit: u32,
    /// Requests per minute each partner key may make.
    #[arg(long, env = "PARTNER_RATE_LIMIT", default_value_t = 600, global = true)]
    pub partner_rate_limit: u32,
    /// Tracking look-ups per minute from one client address.
    #[arg(long, env = "TRACK_RATE_LIMIT", default_value_t = 30, global = true)]
    pub track_rate_limit: u32,
    /// Statistics requests per minute from one client (`/v1/stats`, `.csv`, `/ranking`,
    /// `/series`).
    #[arg(long, env = "STATS_RATE_LIMIT", default_value_t = 120, global = true)]
    pub stats_rate_limit: u32,
    /// Seconds between sweeps for deadlines coming due and missed; 0 turns the sweeper off.
    #[arg(long, env = "SWEEP_INTERVAL", default_value_t = 60, global = true)]
    pub sweep_interval: u64,
    /// Working days an office has to answer a supervision request (DESIGN §3.1, §3.8), 1–365.
    #[arg(
        long,
        env = "SUPERVISION_REPLY_DAYS",
        default_value_t = crate::domain::supervision::DEFAULT_REPLY_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::domain::supervision::limits::MAX_REPLY_DAYS)),
        global = true
    )]
    pub supervision_reply_days: u32,
    /// Ed25519 key (a 32-byte seed: 64 hex digits or base64) that signs the audit chain's
    /// checkpoints. Required with PostgreSQL; with SQLite, generated on first start beside the
    /// database if unset.
    #[arg(long, env = "AUDIT_SIGNING_KEY", global = true, hide_env_values = true)]
    pub audit_signing_key: Option<Secret>,
    /// Days a petitioner's identity is kept after the petition ends (closed, rejected,
    /// withdrawn); then it is erased and `identity.erased` recorded. 0 keeps identities.
    #[arg(long, env = "IDENTITY_RETENTION_DAYS", default_value_t = crate::domain::retention::DEFAULT_RETENTION_DAYS, global = true)]
    pub identity_retention_days: u32,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` name the client: CIDR blocks or
    /// addresses, comma-separated (`10.0.0.0/8,::1`). From any other peer those headers are
    /// ignored, and the peer's own address is the client's.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", value_parser = parse_proxies, global = true)]
    pub trusted_proxies: crate::auth::client::TrustedProxies,
    /// Bearer token that `/metrics` asks for. Unset, `/metrics` is open to whoever reaches
    /// the port: set it, or keep the port off public networks.
    #[arg(long, env = "METRICS_TOKEN", global = true, hide_env_values = true)]
    pub metrics_token: Option<Secret>,
    /// Seconds between signed checkpoints of the audit chain; 0 turns them off (the command
    /// `tiengdan audit checkpoint` still signs one on demand).
    #[arg(long, env = "CHECKPOINT_INTERVAL", default_value_t = 60, global = true)]
    pub checkpoint_interval: u64,
    /// Working days before its due date at which a clock is announced as approaching.
    #[arg(
        long,
        env = "APPROACHING_WORKING_DAYS",
        default_value_t = 2,
        global = true
    )]
    pub approaching_working_days: u32,
    /// Seconds between folds of new events into the statistics' rollups; 0 turns the job off
    /// (`tiengdan stats update` still folds on demand).
    #[arg(long, env = "STATS_INTERVAL", default_value_t = 5, global = true)]
    pub stats_interval: u64,
    /// Statistics cells with 0 < n below this are published as suppressed (DESIGN §3.7).
    #[arg(
        long,
        env = "SUPPRESSION_THRESHOLD",
        default_value_t = crate::domain::stats::SUPPRESSION_THRESHOLD,
        global = true
    )]
    pub suppression_threshold: u64,
    /// Rankings list only units whose n reaches this (DESIGN §3.7).
    #[arg(
        long,
        env = "RANKING_FLOOR",
        default_value_t = crate::domain::stats::RANKING_FLOOR,
        global = true
    )]
    pub ranking_floor: u64,
    #[command(flatten)]
    pub log: LogSettings,
}

fn parse_proxies(text: &str) -> Result<crate::auth::client::TrustedProxies, String> {
    text.parse()
        .map_err(|e: crate::auth::client::BadProxy| e.to_string())
}

impl Settings {
    pub fn thresholds(&self) -> crate::domain::stats::Thresholds {
        crate::domain::stats::Thresholds {
            suppression: self.suppression_threshold,
            ranking_floor: self.ranking_floor,
        }
    }
}

/// A configured secret: never printed, not even in debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

#[derive(Debug, Clone, Args)]
pub struct LogSettings {
    /// Log filter: a level (error, warn, info, debug, trace) or tracing directives
    /// such as `info,tiengdan=debug`.
    #[arg(long, env = "LOG_LEVEL", default_value = "info", global = true)]
    pub log_level: String,
    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Parses `DATABASE_URL` without echoing it back on error: it may hold a password, and clap's
/// stock message quotes the value.
#[derive(Debug, Clone, Copy)]
struct DatabaseUrlParser;

impl TypedValueParser for DatabaseUrlParser {
    type Value = DatabaseUrl;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<DatabaseUrl, clap::Error> {
        let refuse = |message: String| {
            clap::Error::raw(ErrorKind::ValueValidation, format!("{message}\n")).with_cmd(cmd)
        };
        let text = value
            .to_str()
            .ok_or_else(|| refuse("DATABASE_URL is not valid UTF-8".into()))?;
        text.parse().map_err(|e: UrlError| refuse(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_defaults_and_serve_is_implied() {
        let cli = Cli::try_parse_from(["tiengdan"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.settings.bind, "127.0.0.1:8080");
        let cli = Cli::try_parse_from([
            "tiengdan",
            "migrate",
            "--json",
            "--database-url",
            "sqlite:///tmp/x.db",
            "--log-format",
            "json",
        ])
        .unwrap();
        assert!(matches!(cli.command, Some(Command::Migrate { json: true })));
        assert_eq!(
            cli.settings.database_url,
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(cli.settings.log.log_format, LogFormat::Json);
    }

    #[test]
    fn the_supervision_period_is_bounded() {
        let cli = Cli::try_parse_from(["tiengdan"]).unwrap();
        assert_eq!(cli.settings.supervision_reply_days, 15);
        let cli = Cli::try_parse_from(["tiengdan", "--supervision-reply-days", "10"]).unwrap();
        assert_eq!(cli.settings.supervision_reply_days, 10);
        for bad in ["0", "366", "x"] {
            assert!(Cli::try_parse_from(["tiengdan", "--supervision-reply-days", bad]).is_err());
        }
    }

    #[test]
    fn refuses_unknown_database_schemes() {
        assert!(Cli::try_parse_from(["tiengdan", "--database-url", "mysql://x"]).is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
