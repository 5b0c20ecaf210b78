//! Taking petitions in: from partner apps, and from officials at the desk.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::body;
use super::idempotency::{self, Reply};
use super::petition_views::{AsOf, SubmitPetition, SubmittedView};
use crate::auth::caller::Caller;
use crate::domain::lang::Lang;
use crate::domain::staff::Role;
use crate::error::{ApiError, BadInput};
use crate::service::intake::{Submit, Submitted};
use crate::service::{self, Submitter, Tx};
use crate::state::AppState;

pub const RECEIPT_HEADER: &str = "x-receipt-secret";

/// Submit a petition for a citizen.
///
/// Checks it against the law (DESIGN §3.1), routes it (§3.4), seals the citizen's identity,
/// starts its clocks and answers 201 with the tracking code and the receipt secret, which is
/// shown only here. Send an `Idempotency-Key` and retry freely: the same key and body get the
/// original answer.
///
/// Officials and office heads (staff token) record a petition handed in at their desk the
/// same way (`channel: in_person`), with `received_at` up to 30 days back; the event log
/// records who did.
#[utoipa::path(
    tag = "petitions",
    request_body = SubmitPetition,
    params(
        ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "1–255 printable ASCII characters, unique per request (a UUID); a retry with the same key and body gets the original answer", example = "9b3c2d1e-7f4a-4b8e-a2c1-0d5e6f7a8b9c"),
        ("Accept-Language" = Option<String>, Header, description = "`vi` (default) or `en`: the language of notices and errors"),
    ),
    security(("api_key" = []), ("staff_token" = [])),
    responses(
        (status = 201, description = "Taken in; `Location` names the petition. Replays carry `Idempotent-Replayed: true`", body = SubmittedView,
            headers(("Location" = String, description = "/v1/petitions/{id}"))),
        (status = 400, description = "Not JSON (`malformed_json`) or a bad `Idempotency-Key` (`invalid_idempotency_key`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No API key (`unauthenticated`), or a wrong or revoked one (`invalid_api_key`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A supervisor or admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 256 KiB (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json` (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Breaks a rule: `validation_failed` with every field at fault in `errors` (unknown kind, category or commune; identity the law requires; text too long; coordinates outside Vietnam; non-http(s) links; unknown fields), or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the partner's request budget (`rate_limited`); see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    payload: web::Bytes,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::key(&req)?;
    let parsed = body::parse::<SubmitPetition>(&req, &payload)?;
    let hash = idempotency::request_hash("POST /v1/petitions", &parsed.canonical);
    let received_at = parsed.value.received_at;
    let submit = Submit {
        submission: parsed.value.into_submission(),
        received_at,
    };
    // Partners submit as it happens; officials record what was handed in at their desk.
    let (scope, by) = match &caller {
        Caller::Partner(p) => (format!("partner:{}", p.id), Submitter::Partner(p.id)),
        Caller::Staff(staff) => {
            staff.require(&[Role::Official, Role::OfficeHead])?;
            (
                format!("user:{}", staff.user_id),
                Submitter::Desk(super::workflow::office_staff(staff)?),
            )
        }
    };
    let now = state.now();
    let work = move |tx: &mut Tx| {
        let submitted = service::intake::submit(tx, &by, submit.clone(), now)?;
        submitted_reply(tx, &submitted, lang, now)
    };
    idempotency::run(&state.service, scope, key, hash, now, work).await
}

/// The 201 that answers a submission (or an escalation): the petition with its receipt.
pub(super) fn submitted_reply(
    tx: &mut Tx,
    submitted: &Submitted,
    lang: Lang,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Reply, ApiError> {
    let as_of = AsOf::new(tx.context().calendar.clone(), now);
    let view = SubmittedView::new(
        &submitted.petition,
        submitted.receipt_secret.clone(),
        &submitted.notices,
        lang,
        &as_of,
    )?;
    Ok(Reply::json(StatusCode::CREATED, &view)?.at(format!(
        "/v1/petitions/{}",
        submitted.petition.petition.public_id
    )))
}

pub fn petition_id(given: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(given)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::BadRequest(BadInput::PetitionId))
}
