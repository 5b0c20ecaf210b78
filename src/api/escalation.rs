//! A complainant takes a first-time complaint they disagree with, or one left undecided past
//! its period, to the next level (Law on Complaints art. 7, 33).

use actix_web::{HttpRequest, HttpResponse, post, web};

use super::citizen::citizen_action;
use super::petition_views::{EscalateBody, SubmittedView};
use super::petitions::submitted_reply;
use crate::domain::lang::Lang;
use crate::error::ApiError;
use crate::service;
use crate::state::AppState;

/// Escalate a complaint as a second-time complaint.
///
/// Allowed when the first-time complaint was decided (answered) and the complainant disagrees,
/// saying why in `reason` (or having rated the answer unsatisfying), or when it was not
/// accepted or not decided within its period (Law on Complaints art. 7(1)). Filed more than 30
/// days (45 in remote communes) after the decision or the period's end, it is still taken in,
/// flagged `late_filing` with the `late_second_time_filing` notice (art. 33(1)). It goes to
/// the office directly above the one that decided the first time (art. 7(1)); a province
/// People's Committee's decision goes to a Minister instead (art. 7(3)), so it is refused
/// (`second_time_of`: `decided_by_province`). The new
/// complaint carries the same content and petitioner, is linked to the first, and gets its own
/// tracking code and receipt secret. By the submitting partner (API key) or the citizen
/// (`X-Receipt-Secret`).
#[utoipa::path(
    tag = "petitions",
    params(
        ("id" = String, Path, format = Uuid, description = "The first-time complaint's `id`"),
        ("X-Receipt-Secret" = Option<String>, Header, description = "The receipt secret, when the citizen escalates without a partner key"),
        ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions"),
    ),
    request_body(content = EscalateBody, description = "The reason, or empty (`{}`) when the period ran out undecided or the answer was rated unsatisfying"),
    security(("api_key" = []), ()),
    responses(
        (status = 201, description = "The second-time complaint, at the office above the first-time resolver", body = SubmittedView, headers(("Location" = String, description = "/v1/petitions/{id}"))),
        (status = 400, description = "Not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither an API key nor a receipt secret, or a wrong key", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A staff token (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition for this caller (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not escalatable: not a complaint, already second-time or escalated, or neither decided nor past its period (`validation_failed`, field `escalation`); decided, with no `reason` and no unsatisfying rating (field `reason`, `required`); decided by a province People's Committee (field `second_time_of`, `decided_by_province`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/escalate")]
pub async fn escalate(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    lang: Lang,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // An empty body is `{}`: the same request for idempotency.
    let (body, canonical) = if payload.iter().all(u8::is_ascii_whitespace) {
        (EscalateBody::default(), "{}".to_owned())
    } else {
        let parsed = super::body::parse::<EscalateBody>(&req, &payload)?;
        (parsed.value, parsed.canonical)
    };
    let reason = body.reason;
    citizen_action(
        req,
        &path,
        &state,
        "escalate",
        canonical,
        move |tx, by, id, now| {
            let second = service::intake::escalate(tx, by, id, reason.clone(), now)?;
            submitted_reply(tx, &second, lang, now)
        },
    )
    .await
}
