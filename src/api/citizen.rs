//! What citizens do to their petition, through their partner app or with the receipt
//! secret: complete, withdraw, rate.

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};

use super::body;
use super::idempotency::{self, Reply};
use super::petition_views::{
    ContactBody, EmptyBody, RatingBody, StatusView, local_time, tracking_code,
};
use crate::auth::partner::{Partner, presented_key};
use crate::auth::rate_limit::RetryAfter;
use crate::db::petitions::PetitionRow;
use crate::domain::petition::Contact;
use crate::error::ApiError;
use crate::service::citizen::Rating;
use crate::service::{self, Citizen, Tx};
use crate::state::AppState;

use super::petitions::{RECEIPT_HEADER, petition_id};

/// Complete an incomplete denunciation with a way to reach the denouncer.
///
/// A denunciation that names the denouncer and their address but gives neither a phone nor an
/// email is taken in as `incomplete` (Law on Denunciations art. 23(1) asks for "cách thức liên
/// hệ"), with no clock running. Adding a phone or an email here makes it `received`, and the
/// clocks of its receipt start now. By the partner that submitted it (API key), or by the
/// citizen with `X-Receipt-Secret` and no API key. The contact is sealed with the identity.
#[utoipa::path(
    tag = "petitions",
    params(
        ("id" = String, Path, format = Uuid, description = "The petition's `id`"),
        ("X-Receipt-Secret" = Option<String>, Header, description = "The receipt secret, when the citizen completes it without a partner key"),
        ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions"),
    ),
    request_body = ContactBody,
    security(("api_key" = []), ()),
    responses(
        (status = 200, description = "Completed: the petition is received and its clocks run", body = StatusView),
        (status = 400, description = "Not JSON, an unknown field, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither an API key nor a receipt secret (`unauthenticated`), or a wrong key (`invalid_api_key`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A staff token (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition for this caller, or a wrong receipt secret (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not incomplete (`wrong_state`, with `allowed_actions`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither a phone nor an email (`contact_required`), or one malformed (`invalid_format`); or `Idempotency-Key` reused with another request", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/complete")]
pub async fn complete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let parsed = body::parse::<ContactBody>(&req, &payload)?;
    let contact = Contact {
        phone: parsed.value.phone,
        email: parsed.value.email,
    };
    citizen_action(
        req,
        &path,
        &state,
        "complete",
        parsed.canonical,
        move |tx, by, id, now| {
            let p = service::citizen::complete(tx, by, id, &contact, now)?;
            status_reply(&p)
        },
    )
    .await
}

/// Withdraw a petition (Law on Complaints art. 10: at any time before it is closed).
///
/// By the partner that submitted it (API key), or by the citizen with the receipt secret in
/// `X-Receipt-Secret` and no API key. Stops its clocks.
#[utoipa::path(
    tag = "petitions",
    params(
        ("id" = String, Path, format = Uuid, description = "The petition's `id`"),
        ("X-Receipt-Secret" = Option<String>, Header, description = "The receipt secret, when the citizen withdraws without a partner key"),
        ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions"),
    ),
    request_body(content = EmptyBody, description = "Empty, or `{}`"),
    security(("api_key" = []), ()),
    responses(
        (status = 200, description = "Withdrawn", body = StatusView),
        (status = 415, description = "A body that is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 400, description = "Not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither an API key nor a receipt secret (`unauthenticated`), or a wrong key (`invalid_api_key`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A staff token (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition for this caller, or a wrong receipt secret (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already closed, rejected or withdrawn (`wrong_state`, with `allowed_actions`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`Idempotency-Key` reused with another request", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/withdraw")]
pub async fn withdraw(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if !payload.iter().all(u8::is_ascii_whitespace) {
        body::parse::<EmptyBody>(&req, &payload)?;
    }
    citizen_action(
        req,
        &path,
        &state,
        "withdraw",
        String::new(),
        |tx, by, id, now| {
            let p = service::citizen::withdraw(tx, by, id, now)?;
            status_reply(&p)
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
        ("id" = String, Path, format = Uuid, description = "The petition's `id`"),
        ("X-Receipt-Secret" = Option<String>, Header, description = "The receipt secret, when the citizen rates without a partner key"),
        ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions"),
    ),
    request_body = RatingBody,
    security(("api_key" = []), ()),
    responses(
        (status = 200, description = "Rated; the petition is closed", body = StatusView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither an API key nor a receipt secret, or a wrong key", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A staff token (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
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
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let parsed = body::parse::<RatingBody>(&req, &payload)?;
    let rating = Rating {
        satisfied: parsed.value.satisfied,
        score: parsed.value.score,
        comment: parsed.value.comment,
    };
    citizen_action(
        req,
        &path,
        &state,
        "rating",
        parsed.canonical,
        move |tx, by, id, now| {
            let p = service::citizen::rate(tx, by, id, &rating, now)?;
            status_reply(&p)
        },
    )
    .await
}

/// Where a petition stands, as the answer to a citizen's action.
fn status_reply(p: &PetitionRow) -> Result<Reply, ApiError> {
    let view = StatusView {
        id: p.public_id.clone(),
        tracking_code: tracking_code(&p.tracking_code),
        status: p.status,
        updated_at: local_time(p.updated_at),
    };
    Reply::json(StatusCode::OK, &view)
}

/// The citizen's side of an action: the submitting partner (its API key), or the receipt
/// holder (`X-Receipt-Secret` and no key), idempotently.
pub(super) async fn citizen_action<F>(
    req: HttpRequest,
    path: &str,
    state: &AppState,
    name: &str,
    canonical: String,
    action: F,
) -> Result<HttpResponse, ApiError>
where
    F: Fn(&mut Tx, &Citizen, &str, DateTime<Utc>) -> Result<Reply, ApiError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let public_id = petition_id(path)?;
    let key = idempotency::key(&req)?;
    let by = match (presented_key(&req), receipt_secret(&req)) {
        (None, Some(secret)) => {
            throttle_by_address(&req, state)?;
            Citizen::ReceiptHolder { secret }
        }
        // A partner key, a staff token (the wrong role: 403), or nothing (401).
        _ => Citizen::Partner(
            Partner::from_request(&req, &mut actix_web::dev::Payload::None)
                .await?
                .id,
        ),
    };
    let scope = match &by {
        Citizen::Partner(id) => format!("partner:{id}"),
        // The secret's hash is part of the scope: a reused key with a wrong secret is not a
        // replay of the holder's request but a request of its own, answered as a wrong secret.
        Citizen::ReceiptHolder { secret } => {
            format!("receipt:{public_id}:{}", crate::auth::secret_hash(secret))
        }
    };
    let hash = idempotency::request_hash(
        &format!("POST /v1/petitions/{public_id}/{name}"),
        &canonical,
    );
    let now = state.now();
    let work = move |tx: &mut Tx| action(tx, &by, &public_id, now);
    idempotency::run(&state.service, scope, key, hash, now, work).await
}

pub fn receipt_secret(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(RECEIPT_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Receipt secrets are guessable only by trying: each client address gets a small budget.
pub fn throttle_by_address(req: &HttpRequest, state: &AppState) -> Result<(), ApiError> {
    let Some(client) = state.client(req) else {
        return Ok(());
    };
    state
        .limits
        .tracking_client(client)
        .map_err(|RetryAfter(retry_after)| ApiError::RateLimited { retry_after })
}
