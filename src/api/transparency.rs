//! The tamper-evident record, published (DESIGN §3.9): the key that signs checkpoints, the
//! checkpoints, a verification anyone can run, and each petition's chained events.

use actix_web::{HttpRequest, get, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::citizen::throttle_by_address;
use super::params::{self, PageParams, PageRequest};
use super::petition_reads::{sight, visible};
use super::petitions::petition_id;
use super::views::Page;
use crate::auth::caller::Caller;
use crate::db::audit::{self, Verification};
use crate::db::events;
use crate::domain::audit::ChainLink;
use crate::domain::clock::vietnam;
use crate::domain::confidentiality;
use crate::domain::event::EventKind;
use crate::error::{ApiError, BadInput, ParameterProblem};
use crate::state::AppState;

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The public key that checkpoints verify with.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyView {
    #[schema(example = "Ed25519")]
    pub algorithm: &'static str,
    /// First 8 bytes of the SHA-256 of the key, hex; checkpoints name it.
    pub key_id: String,
    /// The 32 raw key bytes, base64.
    pub public_key: String,
    /// The same key as PEM (SubjectPublicKeyInfo), for `openssl pkeyutl -verify`.
    pub public_key_pem: String,
    /// What a checkpoint's signature covers.
    #[schema(example = "tiengdan-checkpoint-v1\\n{seq}\\n{hash}\\n{signed_at}")]
    pub checkpoint_message: &'static str,
    /// How each event's hash is computed.
    pub event_hash: &'static str,
}

/// The server's checkpoint-signing public key.
#[utoipa::path(
    tag = "transparency",
    responses((status = 200, description = "The key and the formats it signs", body = KeyView))
)]
#[get("/transparency/key")]
pub async fn public_key(
    state: web::Data<AppState>,
    _: web::Query<params::NoParams>,
) -> web::Json<KeyView> {
    let key = &state.audit_key;
    let raw = key.public().to_bytes();
    let der: Vec<u8> = SPKI_PREFIX.iter().chain(raw.iter()).copied().collect();
    web::Json(KeyView {
        algorithm: "Ed25519",
        key_id: key.key_id().to_owned(),
        public_key: STANDARD.encode(raw),
        public_key_pem: format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            STANDARD.encode(der)
        ),
        checkpoint_message: "tiengdan-checkpoint-v1\n{seq}\n{hash}\n{signed_at}",
        event_hash: "SHA-256(prev_hash as 32 bytes || \"tiengdan-event-v1\\n\" seq \"\\n\" petition_id \"\\n\" actor_kind \"\\n\" actor_id \"\\n\" action \"\\n\" created_at \"\\n\" payload); see docs/VERIFYING.md",
    })
}

/// A signed statement of the chain's head.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    /// Position of the newest event covered.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// As signed: UTC with six fractional digits.
    #[schema(example = "2026-11-24T10:00:00.000000Z")]
    pub signed_at: String,
    pub key_id: String,
    /// Ed25519 signature over `message`, base64.
    pub signature: String,
    /// The exact bytes signed.
    pub message: String,
}

/// Signed checkpoints, newest first.
#[utoipa::path(
    tag = "transparency",
    params(PageParams),
    responses(
        (status = 200, description = "A page of checkpoints", body = Page<CheckpointView>),
        (status = 400, description = "Unknown query parameter, bad `limit` or `cursor`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transparency/checkpoints")]
pub async fn checkpoints(
    state: web::Data<AppState>,
    query: web::Query<PageParams>,
) -> Result<web::Json<Page<CheckpointView>>, ApiError> {
    let db = state.db();
    let page = PageRequest::parse("checkpoints", query.cursor.as_deref(), query.limit)?;
    let before = page.after_id()?;
    let take = page.limit.probe();
    let rows = db
        .read(move |conn| audit::checkpoints(conn, before, take))
        .await?;
    let (rows, next_cursor) =
        crate::domain::pagination::paginate(rows, page.limit, "checkpoints", |c| c.id.to_string());
    let items = rows
        .into_iter()
        .map(|c| CheckpointView {
            message: c.checkpoint().message(),
            seq: c.seq,
            signed_at: crate::domain::audit::timestamp(c.signed_at.and_utc()),
            hash: c.hash,
            key_id: c.key_id,
            signature: c.signature,
        })
        .collect();
    Ok(web::Json(Page { items, next_cursor }))
}

/// Verify the chain and check every checkpoint against it.
///
/// Names the first broken link and what is wrong with it. The first call walks every event;
/// each later one extends the last verification with the events and checkpoints added since
/// (after checking that the event it ended at is unchanged), so it stays cheap as the chain
/// grows. `tiengdan audit verify` walks the whole chain every time. Limited per client like
/// tracking look-ups.
#[utoipa::path(
    tag = "transparency",
    responses(
        (status = 200, description = "The verification; `valid` is false with `broken` set when the record was tampered with", body = Verification),
        (status = 429, description = "Too many verifications from this address (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transparency/verify")]
pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    _: web::Query<params::NoParams>,
) -> Result<web::Json<Verification>, ApiError> {
    let db = state.db();
    let key = &state.audit_key;
    throttle_by_address(&req, &state)?;
    let public = key.public();
    // One verification at a time: each extends the last from where it stopped.
    let mut verified = state.verified.lock().await;
    let prior = verified.clone();
    let (report, next) = db
        .read(move |conn| audit::verify_since(conn, &public, prior.as_ref()))
        .await?;
    *verified = next;
    Ok(web::Json(report))
}

/// Where to start reading the chain's links.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChainParams {
    /// The position to read after: 0 (the default) starts at the first event; the previous
    /// page's `next_after` goes on.
    #[param(minimum = 0, example = 0)]
    pub after: Option<u64>,
    /// Links per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// A page of the chain's links.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainPage {
    pub items: Vec<ChainLink>,
    /// Where the next page starts (`after`), when there is one.
    pub next_after: Option<i64>,
}

/// The chain's links: each event's position, the hash before it and its own, in order.
///
/// No event's content: enough for a witness (`tiengdan witness`, docs/SECURITY.md) to check
/// that the chain under a new checkpoint extends the one under the last it saw, and that the
/// events a checkpoint signed are still there. Limited per client like verification.
#[utoipa::path(
    tag = "transparency",
    params(ChainParams),
    responses(
        (status = 200, description = "A page of links, oldest first", body = ChainPage),
        (status = 400, description = "Unknown query parameter, bad `after` or `limit`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/transparency/chain")]
pub async fn chain(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ChainParams>,
) -> Result<web::Json<ChainPage>, ApiError> {
    throttle_by_address(&req, &state)?;
    let after = i64::try_from(query.after.unwrap_or(0)).map_err(|_| {
        ApiError::BadRequest(BadInput::Parameter {
            field: "after",
            problem: ParameterProblem::OutOfRange,
        })
    })?;
    let limit = PageRequest::parse("chain", None, query.limit)?.limit;
    let take = limit.probe();
    let mut items = state
        .db()
        .read(move |conn| audit::links(conn, after, take))
        .await?;
    let more = items.len() > limit.get() as usize;
    items.truncate(limit.get() as usize);
    let next_after = more.then(|| items.last().map(|l| l.seq)).flatten();
    Ok(web::Json(ChainPage { items, next_after }))
}

/// One event of a petition, with its place in the chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub seq: i64,
    #[schema(example = "petition.accepted")]
    pub action: String,
    /// `partner`, `staff`, `receipt_holder` or `system`.
    pub actor_kind: String,
    /// The member of staff's or partner's id; shown to staff only.
    pub actor_id: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    /// What the action recorded (never personal data). Of a denunciation, readers other than
    /// the handling office get it without the free text staff wrote (see `withheld`).
    pub payload: serde_json::Value,
    /// The payload fields left out of `payload` for this reader (`reason`, `note`): the hash
    /// covers the whole payload, which the handling office sees.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<&'static str>,
    pub prev_hash: String,
    pub hash: String,
}

/// A petition's events, oldest first, with their hashes.
///
/// For whoever may read the petition. Check them against `GET /v1/transparency/checkpoints`
/// and an export of the whole chain (docs/VERIFYING.md).
#[utoipa::path(
    tag = "transparency",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`")),
    security(("api_key" = []), ("staff_token" = [])),
    responses(
        (status = 200, description = "The petition's events", body = Vec<EventView>),
        (status = 400, description = "Not a petition id (`invalid_petition_id`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No credentials, or wrong ones", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "An admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition visible to the caller (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/petitions/{id}/events")]
pub async fn petition_events(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    _: web::Query<params::NoParams>,
) -> Result<web::Json<Vec<EventView>>, ApiError> {
    let db = state.db();
    let public_id = petition_id(&path)?;
    let detail = visible(db, &caller, public_id).await?;
    let p = &detail.petition;
    let notes_shown = confidentiality::free_text_shown(
        sight(&caller, p)?,
        confidentiality::confidential(p.kind, p.filed_kind),
    );
    let id = p.id;
    let rows = db.read(move |conn| events::for_petition(conn, id)).await?;
    let staff = matches!(caller, Caller::Staff(_));
    let views = rows
        .into_iter()
        .map(|e| {
            let mut payload = serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null);
            let withheld = match (notes_shown, EventKind::from_code(&e.action)) {
                (false, Some(kind)) => kind
                    .free_text_fields()
                    .iter()
                    .copied()
                    .filter(|field| {
                        payload
                            .as_object_mut()
                            .is_some_and(|o| o.remove(*field).is_some())
                    })
                    .collect(),
                _ => Vec::new(),
            };
            EventView {
                seq: e.seq.unwrap_or_default(),
                payload,
                withheld,
                action: e.action,
                actor_kind: e.actor_kind,
                actor_id: e.actor_id.filter(|_| staff),
                created_at: e.created_at.and_utc().with_timezone(&vietnam()),
                prev_hash: e.prev_hash.unwrap_or_default(),
                hash: e.hash.unwrap_or_default(),
            }
        })
        .collect();
    Ok(web::Json(views))
}
