//! The workflow over HTTP (DESIGN §3.3): officials accept, reject, transfer, extend, answer,
//! close and notify a denouncer of the acceptance; citizens rate. Each is a POST on `/v1/petitions/{id}/…`, allowed only from its
//! states (409 with the allowed actions otherwise) and roles, and appends an event.

use crate::domain::event::{Event, IdentityRevealed};
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
use crate::db::events::Actor;
use crate::db::petitions::{self, ActError, PetitionRow};
use crate::db::workflow::{self, NoNoticeDue, NotExtendable};
use crate::db::{Db, DbConnection};
use crate::domain::clock::{ClockName, Complexity};
use crate::domain::petition::{Fault, Violation};
use crate::domain::rules::Law;
use crate::domain::staff::Role;
pub use crate::domain::workflow::RejectReason;
use crate::error::{ApiError, Missing};
use crate::vault::Vault;

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

fn text(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    match crate::domain::petition::text_fault(value, max) {
        Some(fault) => Err(ApiError::Invalid(vec![Violation::new(field, fault)])),
        None => Ok(()),
    }
}

fn acted(e: ActError) -> ApiError {
    match e {
        ActError::WrongState(w) => ApiError::WrongState(w),
        ActError::Db(e) => e.into(),
    }
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

/// Runs an official's action on a petition of their office, idempotently, answering with the
/// petition as they see it.
async fn act<B, F>(
    req: HttpRequest,
    staff: Staff,
    roles: &'static [Role],
    name: &'static str,
    payload: web::Bytes,
    apply: F,
) -> Result<HttpResponse, ApiError>
where
    B: DeserializeOwned + Clone + Send + Sync + 'static,
    F: Fn(&mut DbConnection, &PetitionRow, &Actor, &B, &Law, DateTime<Utc>) -> Result<(), ApiError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    staff.require(roles)?;
    let office = staff.office_id.ok_or(ApiError::Forbidden)?;
    let path_id = req.match_info().get("id").unwrap_or_default().to_owned();
    let public_id = petition_id(&path_id)?;
    let key = idempotency::key(&req)?;
    let (parsed, canonical) = parse_body::<B>(&req, &payload)?;
    let hash = idempotency::request_hash(
        &format!("POST /v1/petitions/{public_id}/{name}"),
        &canonical,
    );
    let db = req
        .app_data::<web::Data<Db>>()
        .cloned()
        .ok_or_else(|| ApiError::bug("no database in the app"))?;
    let vault = req
        .app_data::<web::Data<Vault>>()
        .cloned()
        .ok_or_else(|| ApiError::bug("no vault in the app"))?;
    let (as_of, book) = AsOf::from_request(&req)?;
    let now = as_of.now;
    let scope = format!("user:{}", staff.user_id);
    let actor = Actor::Staff(staff.user_id);
    let caller = Caller::Staff(staff);
    let reply_vault = vault.clone();
    let work = move |conn: &mut DbConnection| {
        let id =
            petitions::id_of(conn, &public_id)?.ok_or(ApiError::NotFound(Missing::Petition))?;
        let p = workflow::load(conn, id)?;
        if p.office_id != office {
            return Err(ApiError::NotFound(Missing::Petition));
        }
        let law = Law {
            calendar: as_of.calendar.as_ref(),
            rules: book.as_ref(),
        };
        apply(conn, &p, &actor, &parsed, &law, now)?;
        let detail =
            petitions::detail(conn, id)?.ok_or_else(|| ApiError::bug("the petition vanished"))?;
        // The caller acted as the handling office; after a transfer it no longer is.
        let view = match view_for(&caller, &reply_vault, &detail, &as_of) {
            Ok(view) => view,
            Err(_) => PetitionView::new(&detail, None, &as_of)?,
        };
        Reply::json(StatusCode::OK, &view)
    };
    idempotency::run(&db, &vault, scope, key, hash, now, work).await
}

const HANDLERS: &[Role] = &[Role::Official, Role::OfficeHead];

/// Accept a petition for handling (thụ lý), setting its complexity; the resolution clocks
/// start.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, description = "As for submissions")),
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
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        staff,
        HANDLERS,
        "accept",
        payload,
        |conn, p, actor, b: &AcceptBody, law: &Law, now| {
            workflow::accept(conn, p, actor, b.complexity, now, law).map_err(acted)
        },
    )
    .await
}

/// Reject a petition with a reason code (and a note for the petitioner); its clocks end.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, description = "As for submissions")),
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
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        staff,
        HANDLERS,
        "reject",
        payload,
        |conn, p, actor, b: &RejectBody, _: &Law, now| {
            if let Some(note) = &b.note {
                text("note", note, 2_000)?;
            }
            workflow::reject(conn, p, actor, b.reason, now).map_err(acted)
        },
    )
    .await
}

/// Transfer a petition to another office, with the reason; its clocks restart there.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, description = "As for submissions")),
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
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        staff,
        HANDLERS,
        "transfer",
        payload,
        |conn, p, actor, b: &TransferBody, law: &Law, now| {
            text("reason", &b.reason, 2_000)?;
            if b.office_id == p.office_id {
                return Err(ApiError::Invalid(vec![Violation::new(
                    "office_id",
                    Fault::Unchanged,
                )]));
            }
            let exists = crate::db::reference::find_office(conn, b.office_id)?.is_some();
            if !exists {
                return Err(ApiError::Invalid(vec![Violation::new(
                    "office_id",
                    Fault::Unknown,
                )]));
            }
            workflow::transfer(conn, p, actor, b.office_id, b.reason.trim(), now, law)
                .map_err(acted)
        },
    )
    .await
}

/// Extend a running clock within the law's limits, with a reason (office heads).
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, description = "As for submissions")),
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
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        staff,
        &[Role::OfficeHead],
        "extend",
        payload,
        |conn, p, actor, b: &ExtendBody, law: &Law, now| {
            text("reason", &b.reason, 2_000)?;
            workflow::extend(conn, p, actor, b.clock, b.reason.trim(), now, law)
                .map_err(acted)?
                .map_err(|NotExtendable| {
                    ApiError::Invalid(vec![Violation::new("clock", Fault::LimitReached)])
                })
        },
    )
    .await
}

/// Answer a petition: the office's official answer; the clocks that waited for it end.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, description = "As for submissions")),
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
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let user = staff.user_id;
    act(
        req,
        staff,
        HANDLERS,
        "answer",
        payload,
        move |conn, p, actor, b: &AnswerBody, _: &Law, now| {
            text("body", &b.body, 20_000)?;
            if let Some(number) = &b.decision_number {
                text("decision_number", number, 100)?;
            }
            if b.attachments.len() > 10 {
                return Err(ApiError::Invalid(vec![Violation::new(
                    "attachments",
                    Fault::TooMany { max: 10 },
                )]));
            }
            for (i, url) in b.attachments.iter().enumerate() {
                let ok = url.len() <= 2_000
                    && url::Url::parse(url).is_ok_and(|u| {
                        matches!(u.scheme(), "http" | "https") && u.host_str().is_some()
                    });
                if !ok {
                    return Err(ApiError::Invalid(vec![Violation::new(
                        format!("attachments[{i}]"),
                        Fault::NotHttpUrl,
                    )]));
                }
            }
            let a = workflow::Answer {
                body: &b.body,
                decision_number: b.decision_number.as_deref(),
                attachments: &b.attachments,
                answered_by: user,
            };
            workflow::answer(conn, p, actor, &a, now).map_err(acted)
        },
    )
    .await
}

/// Close an answered petition.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, description = "As for submissions")),
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
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        staff,
        HANDLERS,
        "close",
        payload,
        |conn, p, actor, _: &EmptyBody, _: &Law, now| {
            workflow::close(conn, p, actor, now).map_err(acted)
        },
    )
    .await
}

/// Record that the denouncer was notified of the acceptance and of what will be resolved
/// (Law on Denunciations 25/2018/QH14 art. 29, within 5 working days of the acceptance): the
/// denunciation's `notify` clock ends, and it no longer counts as overdue for it.
#[utoipa::path(
    tag = "workflow",
    params(("id" = String, Path, description = "The petition's `id`"), ("Idempotency-Key" = Option<String>, Header, description = "As for submissions")),
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
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        staff,
        HANDLERS,
        "notify",
        payload,
        |conn, p, actor, _: &EmptyBody, _: &Law, now| {
            workflow::notify(conn, p, actor, now)
                .map_err(acted)?
                .map_err(|NoNoticeDue| ApiError::NoNoticeDue)
        },
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
    params(("id" = String, Path, description = "The petition's `id`")),
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
    now: super::Now,
    req: HttpRequest,
    staff: Staff,
    payload: web::Bytes,
    db: web::Data<Db>,
    vault: web::Data<Vault>,
) -> Result<web::Json<RevealedView>, ApiError> {
    staff.require(HANDLERS)?;
    if !staff.can_reveal_identity {
        return Err(ApiError::Forbidden);
    }
    let office = staff.office_id.ok_or(ApiError::Forbidden)?;
    let public_id = petition_id(req.match_info().get("id").unwrap_or_default())?;
    let RevealBody { reason } = super::body::parse::<RevealBody>(&req, &payload)?.value;
    text("reason", &reason, 500)?;
    let user = staff.user_id;
    let now = now.0;
    let detail = db
        .write(move |conn| {
            let id =
                petitions::id_of(conn, &public_id)?.ok_or(ApiError::NotFound(Missing::Petition))?;
            let detail = petitions::detail(conn, id)?
                .ok_or_else(|| ApiError::bug("the petition vanished"))?;
            if detail.petition.office_id != office {
                return Err(ApiError::NotFound(Missing::Petition));
            }
            crate::db::events::append(
                conn,
                Some(id),
                &Actor::Staff(user),
                &Event::IdentityRevealed(IdentityRevealed {
                    reason: reason.trim().to_owned(),
                }),
                now.naive_utc(),
            )?;
            Ok(detail)
        })
        .await?;
    let citizen = super::petition_reads::unseal(&vault, &detail)?.map(|c| CitizenView {
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
