//! The workflow over HTTP (DESIGN §3.3): officials accept, reject, transfer, extend, answer,
//! close and notify a denouncer of the acceptance; citizens rate. Each is a POST on `/v1/petitions/{id}/…`, allowed only from its
//! states (409 with the allowed actions otherwise) and roles, and appends an event.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use super::body;
use super::idempotency::{self, Reply};
use super::petition_reads::view_for;
use super::petition_views::{AsOf, CitizenView, EmptyBody, PetitionView};
use super::petitions::petition_id;
use crate::auth::caller::Caller;
use crate::auth::staff::Staff;
use crate::db::petitions::{self, PetitionRow};
use crate::domain::clock::{ClockName, Complexity};
use crate::domain::petition::{Fault, Violation};
use crate::domain::staff::Role;
pub use crate::domain::workflow::RejectReason;
use crate::error::ApiError;
use crate::service::{self, OfficeStaff, ServiceError, Tx};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// Sets the resolution period (Law on Complaints art. 28, Law on Denunciations art. 30).
    #[serde(default = "normal")]
    pub complexity: Complexity,
}

fn normal() -> Complexity {
    Complexity::Normal
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    pub reason: RejectReason,
    /// Up to 2,000 characters, for the petitioner.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// The office that will handle it; its clocks start there.
    pub office_id: i64,
    /// Why it goes there, up to 2,000 characters.
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// The running clock to extend.
    pub clock: ClockName,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// The official answer, up to 20,000 characters.
    pub body: String,
    /// The number of the decision or document (số văn bản), if any.
    #[schema(example = "123/QĐ-UBND")]
    pub decision_number: Option<String>,
    /// Links to the signed documents (http or https), at most 10.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// The office a member of staff acts for; staff without one (supervisors, admins) are refused.
pub(super) fn office_staff(staff: &Staff) -> Result<OfficeStaff, ApiError> {
    Ok(OfficeStaff {
        user_id: staff.user_id,
        office_id: staff.office_id.ok_or(ApiError::Forbidden)?,
        role: staff.role,
        can_reveal_identity: staff.can_reveal_identity,
    })
}

/// Parses an action's body; an empty body is an empty object.
fn parse_body<B: DeserializeOwned>(
    req: &HttpRequest,
    payload: &[u8],
) -> Result<(B, String), ApiError> {
    if payload.iter().all(u8::is_ascii_whitespace) {
        let value: B = serde_json::from_str("{}").map_err(|e| {
            ApiError::Invalid(vec![Violation::new(
                "body",
                Fault::Unreadable {
                    reason: e.to_string(),
                },
            )])
        })?;
        return Ok((value, String::new()));
    }
    let parsed = body::parse::<B>(req, payload)?;
    Ok((parsed.value, parsed.canonical))
}

/// Runs an official's step on a petition of their office, idempotently, answering with the
/// petition as they see it.
async fn act<B, F>(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    roles: &'static [Role],
    name: &'static str,
    payload: web::Bytes,
    step: F,
) -> Result<HttpResponse, ApiError>
where
    B: DeserializeOwned + Clone + Send + Sync + 'static,
    F: Fn(&mut Tx, &OfficeStaff, &str, &B, DateTime<Utc>) -> Result<PetitionRow, ServiceError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    staff.require(roles)?;
    let by = office_staff(&staff)?;
    let path_id = req.match_info().get("id").unwrap_or_default().to_owned();
    let public_id = petition_id(&path_id)?;
    let key = idempotency::key(&req)?;
    let (parsed, canonical) = parse_body::<B>(&req, &payload)?;
    let hash = idempotency::request_hash(
        &format!("POST /v1/petitions/{public_id}/{name}"),
        &canonical,
    );
    let now = state.now();
    let lang = super::middleware::language(&req);
    let scope = format!("user:{}", staff.user_id);
    let caller = Caller::Staff(staff);
    let work = move |tx: &mut Tx| {
        let p = step(tx, &by, &public_id, &parsed, now)?;
        let detail = petitions::detail(tx.conn(), p.id)?
            .ok_or_else(|| ApiError::bug("the petition vanished"))?;
        let ctx = tx.context();
        let as_of = AsOf::new(ctx.calendar.clone(), now);
        // The caller acted as the handling office; after a transfer it no longer is.
        let view = match view_for(&caller, ctx.vault()?, &detail, &as_of, lang) {
            Ok(view) => view,
            Err(_) => PetitionView::new(&detail, None, &as_of, lang)?,
        };
        Reply::json(StatusCode::OK, &view)
    };
    idempotency::run(&state.service, scope, key, hash, now, work).await
}

const HANDLERS: &[Role] = &[Role::Official, Role::OfficeHead];

/// Accept a petition for handling (thụ lý), setting its complexity; the resolution clocks
/// start.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    request_body = AcceptBody,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Accepted", body = PetitionView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the petition's state (`wrong_state`, with `allowed_actions`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body (`validation_failed`) or a reused `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/accept")]
pub async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        state,
        staff,
        HANDLERS,
        "accept",
        payload,
        |tx, by, id, b: &AcceptBody, now| service::workflow::accept(tx, by, id, b.complexity, now),
    )
    .await
}

/// Reject a petition with a reason code (and a note for the petitioner); its clocks end.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    request_body = RejectBody,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Rejected", body = PetitionView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the petition's state (`wrong_state`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reason code, note too long (`validation_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/reject")]
pub async fn reject(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        state,
        staff,
        HANDLERS,
        "reject",
        payload,
        |tx, by, id, b: &RejectBody, now| {
            service::workflow::reject(tx, by, id, b.reason, b.note.as_deref(), now)
        },
    )
    .await
}

/// Transfer a petition to another office, with the reason; its clocks restart there.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    request_body = TransferBody,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Transferred; the caller's office no longer handles it", body = PetitionView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the petition's state (`wrong_state`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown office, the same office, a blank or long reason (`validation_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/transfer")]
pub async fn transfer(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        state,
        staff,
        HANDLERS,
        "transfer",
        payload,
        |tx, by, id, b: &TransferBody, now| {
            service::workflow::transfer(tx, by, id, b.office_id, &b.reason, now)
        },
    )
    .await
}

/// Extend a running clock within the law's limits, with a reason (office heads).
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    request_body = ExtendBody,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Extended: the clock has its new due time", body = PetitionView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the office's head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not allowed in the petition's state (`wrong_state`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such running clock, or the law allows no further extension (`limit_reached`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/extend")]
pub async fn extend(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        state,
        staff,
        &[Role::OfficeHead],
        "extend",
        payload,
        |tx, by, id, b: &ExtendBody, now| {
            service::workflow::extend(tx, by, id, b.clock, &b.reason, now)
        },
    )
    .await
}

/// Answer a petition: the office's official answer; the clocks that waited for it end.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    request_body = AnswerBody,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Answered", body = PetitionView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not accepted yet, or already answered (`wrong_state`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Blank or long answer, bad links (`validation_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/answer")]
pub async fn answer(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        state,
        staff,
        HANDLERS,
        "answer",
        payload,
        |tx, by, id, b: &AnswerBody, now| {
            let answer = service::workflow::Answer {
                body: b.body.clone(),
                decision_number: b.decision_number.clone(),
                attachments: b.attachments.clone(),
            };
            service::workflow::answer(tx, by, id, &answer, now)
        },
    )
    .await
}

/// Close an answered petition.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    request_body(content = EmptyBody, description = "Empty, or `{}`"),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Closed", body = PetitionView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not answered (`wrong_state`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown fields, or a reused `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/close")]
pub async fn close(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        state,
        staff,
        HANDLERS,
        "close",
        payload,
        |tx, by, id, _: &EmptyBody, now| service::workflow::close(tx, by, id, now),
    )
    .await
}

/// Record that the denouncer was notified of the acceptance and of what will be resolved
/// (Law on Denunciations 25/2018/QH14 art. 29, within 5 working days of the acceptance): the
/// denunciation's `notify` clock ends, and it no longer counts as overdue for it.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    request_body(content = EmptyBody, description = "Empty, or `{}`"),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Notified: the `notify` clock is met, or missed if its due time had passed", body = PetitionView),
        (status = 400, description = "Not JSON, not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not accepted (`wrong_state`), or no notice is due: not a denunciation, or notified already (`no_notice_due`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown fields, or a reused `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/notify")]
pub async fn notify(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        state,
        staff,
        HANDLERS,
        "notify",
        payload,
        |tx, by, id, _: &EmptyBody, now| service::workflow::notify(tx, by, id, now),
    )
    .await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealBody {
    /// Why the identity is needed, up to 500 characters; recorded in the audit trail.
    #[schema(example = "Mời người tố cáo đến làm việc, xác minh nội dung")]
    pub reason: String,
}

/// The petitioner, as revealed.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RevealedView {
    pub citizen: Option<CitizenView>,
    pub revealed_at: chrono::DateTime<chrono::FixedOffset>,
}

/// Reveal the petitioner's identity, with a reason (DESIGN §3.5).
///
/// For officials and office heads of the handling office who hold the identity permission.
/// A denouncer's identity is shown only this way; each reveal is an event with the reason.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`")),
    request_body = RevealBody,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The identity; `citizen` is null for an anonymous petition", body = RevealedView),
        (status = 400, description = "Not JSON, or not a petition id", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head with the identity permission (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not a petition of the caller's office (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A blank or long reason (`validation_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/reveal-identity")]
pub async fn reveal_identity(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<web::Json<RevealedView>, ApiError> {
    staff.require(HANDLERS)?;
    if !staff.can_reveal_identity {
        return Err(ApiError::Forbidden);
    }
    let by = office_staff(&staff)?;
    let public_id = petition_id(req.match_info().get("id").unwrap_or_default())?;
    let RevealBody { reason } = super::body::parse::<RevealBody>(&req, &payload)?.value;
    let now = state.now();
    let revealed = state
        .service
        .transaction(move |tx| service::identity::reveal(tx, &by, &public_id, &reason, now))
        .await
        .map_err(ApiError::from)?;
    let citizen = revealed.citizen.map(|c| CitizenView {
        partner_ref: c.partner_ref,
        full_name: c.full_name,
        phone: c.phone,
        email: c.email,
        address: c.address,
        id_number: c.id_number,
    });
    Ok(web::Json(RevealedView {
        citizen,
        revealed_at: now.with_timezone(&crate::domain::clock::vietnam()),
    }))
}
