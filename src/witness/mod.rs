//! `tiengdan witness`: an outsider's copy of a server's record (DESIGN §3.9, docs/SECURITY.md).
//!
//! Run by the Fatherland Front, a partner or a journalist on a machine of their own, it reads
//! the public transparency API, keeps every checkpoint it accepts and the chain's links under
//! them, and each round checks what the server publishes against that copy
//! ([`crate::domain::witness`]). The operator can cut the chain's tail and sign again; a
//! witness that saw the earlier checkpoint says so, loudly: an error in the log, `alarm.json`
//! and a gauge in its store, and with `--once` a non-zero exit.

mod client;
mod store;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use self::client::Client;
use self::store::{Alarm, PinnedKey, Store};
use crate::domain::witness::{self, Finding, Signed};

/// `--once`: the record is consistent with the copy.
pub const EXIT_CONSISTENT: u8 = 0;
/// `--once`: an alarm is raised (now or earlier, still on file).
pub const EXIT_ALARM: u8 = 1;
/// `--once`: the round could not be completed (server unreachable, garbled replies, store).
pub const EXIT_UNCHECKED: u8 = 2;

/// Why a round could not be completed. Not a finding about the record.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("cannot reach the server: {0}")]
    Http(#[from] reqwest::Error),
    #[error("unexpected reply: {0}")]
    Reply(String),
    #[error("witness store {0}: {1}")]
    Store(PathBuf, std::io::Error),
}

pub struct Options {
    pub server: url::Url,
    pub store: PathBuf,
    pub interval: Duration,
    pub once: bool,
}

/// What a round found.
#[derive(Debug)]
enum Outcome {
    /// The server has no checkpoint yet.
    Nothing,
    /// Consistent; the last checkpoint accepted, and how many this round accepted.
    Consistent {
        seq: i64,
        accepted: usize,
    },
    Alarm(Alarm),
}

/// Runs rounds until stopped (or one, with `--once`).
pub fn run(options: &Options) -> ExitCode {
    let store = match Store::open(&options.store) {
        Ok(store) => store,
        Err(e) => {
            tracing::error!(error = %e, "witness cannot open its store");
            return ExitCode::from(EXIT_UNCHECKED);
        }
    };
    let client = match Client::new(&options.server) {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "witness cannot build its HTTP client");
            return ExitCode::from(EXIT_UNCHECKED);
        }
    };
    actix_web::rt::System::new().block_on(async {
        loop {
            let code = report(
                &options.server,
                &store,
                round(&options.server, &client, &store).await,
            );
            if options.once {
                return ExitCode::from(code);
            }
            actix_web::rt::time::sleep(options.interval).await;
        }
    })
}

/// Logs a round's outcome, writes the gauges, and says what `--once` exits with.
fn report(server: &url::Url, store: &Store, outcome: Result<Outcome, WitnessError>) -> u8 {
    let now = chrono::Utc::now();
    let (code, seq) = match &outcome {
        Ok(Outcome::Nothing) => {
            tracing::info!(%server, "no checkpoint published yet");
            (EXIT_CONSISTENT, None)
        }
        Ok(Outcome::Consistent { seq, accepted }) => {
            tracing::info!(%server, seq, accepted, "record consistent with the witness's copy");
            (EXIT_CONSISTENT, Some(*seq))
        }
        Ok(Outcome::Alarm(alarm)) => {
            tracing::error!(
                %server,
                finding = %alarm.message,
                raised_at = %alarm.raised_at,
                "ALARM: the published record contradicts the witness's copy (alarm.json in the store)"
            );
            eprintln!("tiengdan witness: ALARM: {}", alarm.message);
            (EXIT_ALARM, None)
        }
        Err(e) => {
            tracing::warn!(%server, error = %e, "round not completed; trying again next round");
            (EXIT_UNCHECKED, None)
        }
    };
    let last_seq = match seq {
        Some(seq) => Some(seq),
        None => store.last().ok().flatten().map(|s| s.checkpoint.seq),
    };
    if let Err(e) = store.write_metrics(&metrics(code, last_seq, now)) {
        tracing::warn!(error = %e, "cannot write the witness's gauges");
    }
    code
}

/// The gauges, in Prometheus' text format.
fn metrics(code: u8, seq: Option<i64>, now: chrono::DateTime<chrono::Utc>) -> String {
    use prometheus::{Encoder, IntGauge, Registry, TextEncoder};
    let registry = Registry::new();
    let gauge = |name: &str, help: &str, value: i64| {
        if let Ok(g) = IntGauge::new(name, help) {
            g.set(value);
            let _ = registry.register(Box::new(g));
        }
    };
    gauge(
        "tiengdan_witness_alarm",
        "1 while the witness holds an alarm: the record contradicts its copy (alarm.json)",
        i64::from(code == EXIT_ALARM),
    );
    gauge(
        "tiengdan_witness_round_completed",
        "1 when the last round reached the server and finished",
        i64::from(code != EXIT_UNCHECKED),
    );
    gauge(
        "tiengdan_witness_checkpoint_seq",
        "Position of the last checkpoint the witness accepted",
        seq.unwrap_or(0),
    );
    gauge(
        "tiengdan_witness_last_round_timestamp_seconds",
        "When the last round ended (Unix time)",
        now.timestamp(),
    );
    let mut text = Vec::new();
    let _ = TextEncoder::new().encode(&registry.gather(), &mut text);
    String::from_utf8(text).unwrap_or_default()
}

async fn round(server: &url::Url, client: &Client, store: &Store) -> Result<Outcome, WitnessError> {
    // An alarm stays raised until a person has looked and removed it.
    if let Some(alarm) = store.alarm()? {
        return Ok(Outcome::Alarm(alarm));
    }
    match check(client, store).await? {
        Ok(outcome) => Ok(outcome),
        Err(finding) => {
            let alarm = Alarm {
                raised_at: chrono::Utc::now(),
                server: server.to_string(),
                message: finding.to_string(),
                finding,
            };
            store.raise(&alarm)?;
            Ok(Outcome::Alarm(alarm))
        }
    }
}

/// One round: the outer error is the witness's own trouble, the inner one a finding.
async fn check(client: &Client, store: &Store) -> Result<Result<Outcome, Finding>, WitnessError> {
    let published = client.key().await?;
    match store.pinned_key()? {
        Some(pinned) if pinned.key_id != published.key_id => {
            return Ok(Err(Finding::KeyChanged {
                pinned: pinned.key_id,
                served: published.key_id,
            }));
        }
        Some(_) => {}
        None => store.pin(&PinnedKey {
            key_id: published.key_id.clone(),
            public_key: STANDARD.encode(published.key.as_bytes()),
        })?,
    }
    let key = published.key;
    let seen = store.last()?;
    let floor = seen.as_ref().map_or(0, |s| s.checkpoint.seq);
    let served = client.checkpoints_from(floor).await?;
    for signed in &served {
        if let Err(finding) = witness::signed(signed, &key) {
            return Ok(Err(finding));
        }
    }

    let Some(seen) = seen else {
        // The first round trusts the newest checkpoint, once its event is found under it.
        let Some(newest) = served.iter().max_by_key(|s| s.checkpoint.seq) else {
            return Ok(Ok(Outcome::Nothing));
        };
        let link = client.link_at(newest.checkpoint.seq).await?;
        if let Err(finding) = witness::still_there(&newest.checkpoint, link.as_ref()) {
            return Ok(Err(finding));
        }
        store.accept(newest, link.as_slice())?;
        return Ok(Ok(Outcome::Consistent {
            seq: newest.checkpoint.seq,
            accepted: 1,
        }));
    };

    if let Err(finding) = witness::still_published(&seen, &served) {
        return Ok(Err(finding));
    }
    let link = client.link_at(seen.checkpoint.seq).await?;
    if let Err(finding) = witness::still_there(&seen.checkpoint, link.as_ref()) {
        return Ok(Err(finding));
    }
    let mut newer: Vec<&Signed> = served
        .iter()
        .filter(|s| s.checkpoint.seq > seen.checkpoint.seq)
        .collect();
    newer.sort_by_key(|s| s.checkpoint.seq);
    let mut last = seen;
    let mut accepted = 0;
    for next in newer {
        let links = client
            .links(last.checkpoint.seq, next.checkpoint.seq)
            .await?;
        if let Err(finding) = witness::extends(&last.checkpoint, &links, &next.checkpoint) {
            return Ok(Err(finding));
        }
        store.accept(next, &links)?;
        accepted += 1;
        last = next.clone();
    }
    Ok(Ok(Outcome::Consistent {
        seq: last.checkpoint.seq,
        accepted,
    }))
}
