//! What citizens do to their petition, through their partner app or with the receipt
//! secret: withdraw, rate.

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, post, web};

use super::body;
use super::idempotency::{self, Reply};
use super::petition_views::{EmptyBody, RatingBody, StatusView, local_time, tracking_code};
use crate::auth::partner::{Partner, presented_key};
use crate::auth::rate_limit::{RateLimits, RetryAfter};
use crate::auth::secret_matches;
use crate::db::events::Actor;
use crate::db::petitions::{self, ActError};
use crate::db::{Db, DbConnection};
use crate::domain::petition::{self as law};
use crate::error::{ApiError, Missing};

use super::petitions::{RECEIPT_HEADER, petition_id, vault_ref};

/// Who is withdrawing: the submitting partner, or the citizen with the receipt secret.
enum Withdrawer {
    Partner(Partner),
    ReceiptHolder(String),
}

/// Withdraw a petition (Law on Complaints art. 10: at any time before it is closed).
///
/// By the partner that submitted it (API key), or by the citizen with the receipt secret in
/// `X-Receipt-Secret` and no API key. Stops its clocks.
#[utoipa::path(
    tag = "petitions",
    params(
        ("id" = String, Path, description = "The petition's `id`"),
        ("X-Receipt-Secret" = Option<String>, Header, description = "The receipt secret, when the citizen withdraws without a partner key"),
        ("Idempotency-Key" = Option<String>, Header, description = "As for submissions"),
    ),
    request_body(content = EmptyBody, description = "Empty, or `{}`"),
    security(("api_key" = []), ()),
    responses(
        (status = 200, description = "Withdrawn", body = StatusView),
        (status = 415, description = "A body that is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 400, description = "Not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither an API key nor a receipt secret (`unauthenticated`), or a wrong key (`invalid_api_key`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition for this caller, or a wrong receipt secret (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already closed, rejected or withdrawn (`wrong_state`, with `allowed_actions`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`Idempotency-Key` reused with another request", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/withdraw")]
pub async fn withdraw(
    now: super::Now,
    req: HttpRequest,
    path: web::Path<String>,
    db: web::Data<Db>,
    limits: web::Data<RateLimits>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if !payload.iter().all(u8::is_ascii_whitespace) {
        body::parse::<EmptyBody>(&req, &payload)?;
    }
    citizen_action(
        req,
        &path,
        &db,
        &limits,
        "withdraw",
        String::new(),
        move |conn, id, actor| {
            petitions::withdraw(conn, id, actor, now.0).map_err(|e| match e {
                ActError::WrongState(w) => ApiError::WrongState(w),
                ActError::Db(e) => e.into(),
            })?;
            status_reply(conn, id)
        },
    )
    .await
}

/// Rate the office's answer, within 30 days of it; the rating closes the petition.
///
/// By the submitting partner (API key), or by the citizen with `X-Receipt-Secret`.
#[utoipa::path(
    tag = "petitions",
    params(
        ("id" = String, Path, description = "The petition's `id`"),
        ("X-Receipt-Secret" = Option<String>, Header, description = "The receipt secret, when the citizen rates without a partner key"),
        ("Idempotency-Key" = Option<String>, Header, description = "As for submissions"),
    ),
    request_body = RatingBody,
    security(("api_key" = []), ()),
    responses(
        (status = 200, description = "Rated; the petition is closed", body = StatusView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither an API key nor a receipt secret, or a wrong key", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition for this caller, or a wrong receipt secret (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not answered, or already closed (`wrong_state`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Score outside 1–5, long comment, more than 30 days after the answer (`expired`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/rating")]
pub async fn rate(
    now: super::Now,
    req: HttpRequest,
    path: web::Path<String>,
    db: web::Data<Db>,
    limits: web::Data<RateLimits>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let parsed = body::parse::<RatingBody>(&req, &payload)?;
    let rating = parsed.value;
    let mut faults = Vec::new();
    if !(1..=5).contains(&rating.score) {
        faults.push(law::Violation::new("score", law::Fault::InvalidFormat));
    }
    if let Some(fault) = rating
        .comment
        .as_deref()
        .and_then(|c| law::text_fault(c, 2_000))
    {
        faults.push(law::Violation::new("comment", fault));
    }
    if !faults.is_empty() {
        return Err(ApiError::Invalid(faults));
    }
    let rating = std::sync::Arc::new(rating);
    citizen_action(
        req,
        &path,
        &db,
        &limits,
        "rating",
        parsed.canonical,
        move |conn, id, actor| {
            let p = crate::db::workflow::load(conn, id)?;
            crate::db::workflow::rate(
                conn,
                &p,
                actor,
                rating.satisfied,
                rating.score,
                rating.comment.as_deref(),
                now.0,
            )
            .map_err(|e| match e {
                ActError::WrongState(w) => ApiError::WrongState(w),
                ActError::Db(e) => e.into(),
            })?
            .map_err(|_| {
                ApiError::Invalid(vec![law::Violation::new("rating", law::Fault::Expired)])
            })?;
            status_reply(conn, id)
        },
    )
    .await
}

/// Where a petition stands, as the answer to a citizen's action.
fn status_reply(conn: &mut DbConnection, id: i64) -> Result<Reply, ApiError> {
    let d = petitions::detail(conn, id)?.ok_or_else(|| ApiError::bug("the petition vanished"))?;
    let view = StatusView {
        id: d.petition.public_id.clone(),
        tracking_code: tracking_code(&d.petition.tracking_code),
        status: d.petition.status,
        updated_at: local_time(d.petition.updated_at),
    };
    Reply::json(StatusCode::OK, &view)
}

/// The citizen's side of an action: the submitting partner, or the receipt holder.
pub(super) async fn citizen_action<F>(
    req: HttpRequest,
    path: &str,
    db: &Db,
    limits: &RateLimits,
    name: &str,
    canonical: String,
    apply: F,
) -> Result<HttpResponse, ApiError>
where
    F: Fn(&mut DbConnection, i64, &Actor) -> Result<Reply, ApiError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let public_id = petition_id(path)?;
    let key = idempotency::key(&req)?;
    let withdrawer = match (presented_key(&req), receipt_secret(&req)) {
        (None, Some(secret)) => {
            throttle_by_address(&req, limits)?;
            Withdrawer::ReceiptHolder(secret)
        }
        // A partner key, a staff token (the wrong role: 403), or nothing (401).
        _ => Withdrawer::Partner(
            Partner::from_request(&req, &mut actix_web::dev::Payload::None).await?,
        ),
    };
    let scope = match &withdrawer {
        Withdrawer::Partner(p) => format!("partner:{}", p.id),
        Withdrawer::ReceiptHolder(_) => format!("receipt:{public_id}"),
    };
    let hash = idempotency::request_hash(
        &format!("POST /v1/petitions/{public_id}/{name}"),
        &canonical,
    );
    let withdrawer = std::sync::Arc::new(withdrawer);
    let now = super::clock(&req).now();
    let work = move |conn: &mut DbConnection| {
        let (id, actor) = match withdrawer.as_ref() {
            Withdrawer::Partner(p) => (
                petitions::id_for_partner(conn, p.id, &public_id)?,
                Actor::Partner(p.id),
            ),
            Withdrawer::ReceiptHolder(secret) => (
                petitions::receipt_of(conn, &public_id)?
                    .filter(|(_, hash)| secret_matches(hash, secret))
                    .map(|(id, _)| id),
                Actor::ReceiptHolder,
            ),
        };
        let id = id.ok_or(ApiError::NotFound(Missing::Petition))?;
        apply(conn, id, &actor)
    };
    idempotency::run(db, vault_ref(&req)?, scope, key, hash, now, work).await
}

pub fn receipt_secret(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(RECEIPT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Receipt secrets are guessable only by trying: each client address gets a small budget.
pub fn throttle_by_address(req: &HttpRequest, limits: &RateLimits) -> Result<(), ApiError> {
    let Some(address) = req.peer_addr().map(|a| a.ip()) else {
        return Ok(());
    };
    limits
        .tracking_client(address)
        .map_err(|RetryAfter(retry_after)| ApiError::RateLimited { retry_after })
}
