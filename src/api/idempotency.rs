//! `Idempotency-Key` on every POST (DESIGN §3.10): a retry with the same key and body gets
//! the original status and body, also after a restart; the same key with another body is a
//! 422. Keys are scoped to the caller (a partner, or a receipt holder's petition) and kept
//! 48 hours. The reply is stored in the same transaction as the change it reports, sealed with
//! the data key because it may hold a receipt secret.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::db::DbError;
use crate::db::idempotency::{self, StoredReply};
use crate::error::{ApiError, BadInput};
use crate::service::{Service, Tx};
use crate::vault::Vault;

pub const HEADER: &str = "idempotency-key";
/// Sent on a replayed reply.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// The request's `Idempotency-Key`, if it sent one: 1–255 printable ASCII characters.
pub fn key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|t| (1..=255).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or(ApiError::BadRequest(BadInput::IdempotencyKey))?;
    Ok(Some(text.to_owned()))
}

/// What identifies a request for replay: the operation and its canonical body.
pub fn request_hash(operation: &str, canonical_body: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(operation.as_bytes());
    hasher.update([0]);
    hasher.update(canonical_body.as_bytes());
    hex::encode(hasher.finalize())
}

/// A reply as built inside the transaction.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: StatusCode, body: &impl serde::Serialize) -> Result<Self, ApiError> {
        let body =
            serde_json::to_vec(body).map_err(|e| ApiError::internal("serialising a reply", e))?;
        Ok(Self {
            status,
            location: None,
            body,
        })
    }

    pub fn at(mut self, location: String) -> Self {
        self.location = Some(location);
        self
    }

    fn into_response(self, replayed: bool) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type("application/json");
        if let Some(location) = self.location {
            response.insert_header(("Location", location));
        }
        if replayed {
            response.insert_header((REPLAYED_HEADER, "true"));
        }
        response.body(self.body)
    }
}

/// The key a reply is sealed under: bound to its scope and key, so it cannot be served for
/// another.
fn context(scope: &str, key: &str) -> Vec<u8> {
    format!("idempotent-reply\0{scope}\0{key}").into_bytes()
}

fn replay(
    vault: &Vault,
    scope: &str,
    key: &str,
    hash: &str,
    stored: StoredReply,
) -> Result<HttpResponse, ApiError> {
    if stored.request_hash != hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let body = vault
        .open(&context(scope, key), &stored.body)
        .map_err(|e| ApiError::internal("opening a stored reply", e))?;
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    Ok(Reply {
        status,
        location: stored.location,
        body,
    }
    .into_response(true))
}

enum Outcome {
    Fresh(Reply),
    Stored(StoredReply),
}

/// Runs `work` (a use case and the reply built from its outcome) in one write transaction,
/// honouring the idempotency key when there is one. `work` may run twice: after a unique-key
/// race, a retry finds the winner's reply.
pub async fn run<F>(
    service: &Service,
    scope: String,
    key: Option<String>,
    hash: String,
    now: chrono::DateTime<chrono::Utc>,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: Fn(&mut Tx) -> Result<Reply, ApiError> + Send + Sync + Clone + 'static,
{
    let Some(key) = key else {
        let reply = service.transaction(move |tx| work(tx)).await?;
        return Ok(reply.into_response(false));
    };
    let vault = service.vault();
    for _ in 0..2 {
        let (tx_scope, tx_key, tx_hash, tx_vault, work) = (
            scope.clone(),
            key.clone(),
            hash.clone(),
            vault.clone(),
            work.clone(),
        );
        let outcome = service
            .transaction(move |tx| {
                let (scope, key, hash) = (tx_scope, tx_key, tx_hash);
                idempotency::claim(tx.conn(), &scope, &key)?;
                if let Some(stored) = idempotency::find(tx.conn(), &scope, &key)? {
                    return Ok(Outcome::Stored(stored));
                }
                let reply = work(tx)?;
                let body = tx_vault
                    .seal(&context(&scope, &key), &reply.body)
                    .map_err(|e| ApiError::internal("sealing a reply", e))?;
                let stored = StoredReply {
                    request_hash: hash,
                    status: reply.status.as_u16(),
                    location: reply.location.clone(),
                    body,
                };
                idempotency::store(tx.conn(), &scope, &key, &stored, now.naive_utc())?;
                Ok::<_, Retryable>(Outcome::Fresh(reply))
            })
            .await;
        match outcome {
            Ok(Outcome::Fresh(reply)) => return Ok(reply.into_response(false)),
            Ok(Outcome::Stored(stored)) => return replay(vault, &scope, &key, &hash, stored),
            // Another request with the same key committed first (PostgreSQL): go round and
            // find its reply.
            Err(Retryable::Unique) => continue,
            Err(Retryable::Api(e)) => return Err(e),
        }
    }
    Err(ApiError::Unavailable)
}

/// An error inside the transaction: a unique-key race worth one retry, or a final answer.
enum Retryable {
    Unique,
    Api(ApiError),
}

impl From<DbError> for Retryable {
    fn from(e: DbError) -> Self {
        if e.is_unique_violation() {
            Self::Unique
        } else {
            Self::Api(e.into())
        }
    }
}

impl From<ApiError> for Retryable {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}
