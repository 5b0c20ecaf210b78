//! What the witness reads from a server: its key, its checkpoints and its chain's links, over
//! the public transparency API.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::WitnessError;
use crate::domain::audit::{ChainLink, Checkpoint};
use crate::domain::witness::Signed;

/// Links and checkpoints asked for per request: the API's largest page.
const PAGE: u32 = 500;
/// How often a request turned away with 429 is tried again, waiting as told.
const RETRIES: u32 = 5;

pub struct Client {
    http: reqwest::Client,
    base: url::Url,
}

/// The server's checkpoint key.
pub struct PublishedKey {
    pub key_id: String,
    pub key: VerifyingKey,
}

#[derive(Deserialize)]
struct KeyReply {
    key_id: String,
    public_key: String,
}

#[derive(Deserialize)]
struct CheckpointReply {
    seq: i64,
    hash: String,
    signed_at: String,
    key_id: String,
    signature: String,
}

#[derive(Deserialize)]
struct CheckpointPage {
    items: Vec<CheckpointReply>,
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct ChainPage {
    items: Vec<ChainLink>,
    next_after: Option<i64>,
}

impl Client {
    pub fn new(server: &url::Url) -> Result<Self, WitnessError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("tiengdan-witness/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(WitnessError::Http)?;
        // `https://host/prefix` and `https://host/prefix/` both mean the same server.
        let mut base = server.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(Self { http, base })
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, WitnessError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| WitnessError::Reply(format!("{path}: {e}")))?;
        let mut tries = 0;
        loop {
            let reply = self.http.get(url.clone()).send().await?;
            let status = reply.status();
            if status == reqwest::StatusCode::TOO_MANY_REQUESTS && tries < RETRIES {
                tries += 1;
                let wait = reply
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(1)
                    .clamp(1, 60);
                actix_web::rt::time::sleep(Duration::from_secs(wait)).await;
                continue;
            }
            if !status.is_success() {
                return Err(WitnessError::Reply(format!(
                    "GET {} answered {status}",
                    url.path()
                )));
            }
            return reply
                .json::<T>()
                .await
                .map_err(|e| WitnessError::Reply(format!("GET {}: {e}", url.path())));
        }
    }

    pub async fn key(&self) -> Result<PublishedKey, WitnessError> {
        let reply: KeyReply = self.get("v1/transparency/key").await?;
        let bytes = STANDARD
            .decode(&reply.public_key)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
            .ok_or_else(|| WitnessError::Reply("the published key is not an Ed25519 key".into()))?;
        Ok(PublishedKey {
            key_id: reply.key_id,
            key: bytes,
        })
    }

    /// Every published checkpoint at or above position `floor`, newest first.
    pub async fn checkpoints_from(&self, floor: i64) -> Result<Vec<Signed>, WitnessError> {
        let mut found = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("v1/transparency/checkpoints?limit={PAGE}&cursor={c}"),
                None => format!("v1/transparency/checkpoints?limit={PAGE}"),
            };
            let page: CheckpointPage = self.get(&path).await?;
            let mut below = false;
            for item in page.items {
                if item.seq < floor {
                    below = true;
                    continue;
                }
                found.push(signed(item)?);
            }
            match page.next_cursor {
                Some(next) if !below => cursor = Some(next),
                _ => return Ok(found),
            }
        }
    }

    /// The links after position `after` up to position `to`, oldest first (fewer when the
    /// chain ends sooner).
    pub async fn links(&self, after: i64, to: i64) -> Result<Vec<ChainLink>, WitnessError> {
        let mut links = Vec::new();
        let mut from = after;
        while from < to {
            let want = u32::try_from(to - from).unwrap_or(PAGE).min(PAGE);
            let page: ChainPage = self
                .get(&format!("v1/transparency/chain?after={from}&limit={want}"))
                .await?;
            let Some(last) = page.items.last().map(|l| l.seq) else {
                break;
            };
            links.extend(page.items.into_iter().filter(|l| l.seq <= to));
            if page.next_after.is_none() || last >= to {
                break;
            }
            from = last;
        }
        Ok(links)
    }

    /// The link at position `seq`, if the chain has one.
    pub async fn link_at(&self, seq: i64) -> Result<Option<ChainLink>, WitnessError> {
        let page: ChainPage = self
            .get(&format!("v1/transparency/chain?after={}&limit=1", seq - 1))
            .await?;
        Ok(page.items.into_iter().find(|l| l.seq == seq))
    }
}

fn signed(item: CheckpointReply) -> Result<Signed, WitnessError> {
    let signed_at = DateTime::parse_from_rfc3339(&item.signed_at)
        .map_err(|_| {
            WitnessError::Reply(format!(
                "checkpoint {}: signed_at {:?} is not a time",
                item.seq, item.signed_at
            ))
        })?
        .with_timezone(&Utc);
    Ok(Signed {
        checkpoint: Checkpoint {
            seq: item.seq,
            hash: item.hash,
            signed_at,
        },
        key_id: item.key_id,
        signature: item.signature,
    })
}
