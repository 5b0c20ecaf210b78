//! Supervision requests over HTTP (DESIGN §3.8): a supervisor files one with an office in
//! scope; the office sees it in its inbox and answers it once, within its own clock.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body;
use super::idempotency::{self, Reply};
use super::params::{self, PageRequest};
use super::petition_views::{AsOf, local_time};
use super::views::{OfficeSummary, Page};
use crate::auth::staff::Staff;
use crate::db::supervision::{self as stored, ListCursor, ListFilter, RequestDetail, Sight};
use crate::domain::pagination::paginate;
use crate::domain::staff::Role;
use crate::domain::supervision::{Draft, SupervisionStatus};
use crate::error::{ApiError, BadInput, Missing};
use crate::service::{self, Supervisor, Tx};
use crate::state::AppState;

/// A supervision request as a supervisor files it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSupervisionRequest {
    /// The office asked: one in the supervisor's scope (`GET /v1/offices`).
    #[schema(example = 36)]
    pub office_id: i64,
    /// The petitions it is about (their `id`), at most 50, each handled by that office and in
    /// the supervisor's scope; omit or leave empty for a request about the office's response
    /// record as a whole.
    #[serde(default)]
    pub petition_ids: Vec<String>,
    /// Up to 200 characters.
    #[schema(example = "Chậm trả lời phản ánh về rác thải")]
    pub subject: String,
    /// Up to 10,000 characters.
    #[schema(
        example = "Đề nghị Ủy ban nhân dân phường báo cáo lý do chậm trả lời các phản ánh nêu trên."
    )]
    pub body: String,
}

/// An office's answer to a supervision request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// Up to 20,000 characters.
    #[schema(example = "Ủy ban đã trả lời các phản ánh và chấn chỉnh việc thu gom rác.")]
    pub body: String,
}

/// The office's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionReplyView {
    pub body: String,
    pub replied_at: DateTime<FixedOffset>,
    /// The official or office head who answered, by user id.
    pub replied_by: i64,
    /// Answered by `due_at`.
    pub on_time: bool,
}

/// A supervision request (kiến nghị giám sát).
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionRequestView {
    #[schema(example = 7)]
    pub id: i64,
    /// The office asked.
    #[schema(example = 36)]
    pub office_id: i64,
    pub office: OfficeSummary,
    /// The petitions it is about (their `id`), in the order named.
    pub petition_ids: Vec<String>,
    pub subject: String,
    pub body: String,
    /// The supervisor who filed it, by user id: nothing more about them is shown.
    #[schema(example = 12)]
    pub filed_by: i64,
    pub filed_at: DateTime<FixedOffset>,
    /// The office's reply period, in working days, the filing day not counted.
    #[schema(example = 15)]
    pub reply_working_days: i32,
    /// The end of the period's last day, 23:59:59 in Vietnam.
    pub due_at: DateTime<FixedOffset>,
    /// The working-day calendar the due time was counted on.
    pub calendar_version: String,
    pub status: SupervisionStatus,
    /// Working days past `due_at` while the request is open; 0 when not overdue or answered.
    #[schema(example = 0)]
    pub overdue_working_days: u32,
    /// Null until the office answers.
    pub reply: Option<SupervisionReplyView>,
}

impl SupervisionRequestView {
    pub fn new(d: &RequestDetail, as_of: &AsOf) -> Result<Self, ApiError> {
        let r = &d.request;
        let status = r.status;
        let reply = match (status, &r.reply_body, r.replied_at, r.replied_by) {
            (SupervisionStatus::Open, ..) => None,
            (SupervisionStatus::Answered, Some(body), Some(at), Some(by)) => {
                Some(SupervisionReplyView {
                    body: body.clone(),
                    replied_at: local_time(at),
                    replied_by: by,
                    on_time: at <= r.due_at,
                })
            }
            (SupervisionStatus::Answered, ..) => {
                return Err(ApiError::bug(
                    "an answered supervision request without its answer",
                ));
            }
        };
        Ok(Self {
            id: r.id,
            office_id: r.office_id,
            office: d.office.clone().into(),
            petition_ids: d.petition_ids.clone(),
            subject: r.subject.clone(),
            body: r.body.clone(),
            filed_by: r.filed_by,
            filed_at: local_time(r.filed_at),
            reply_working_days: r.reply_days,
            due_at: local_time(r.due_at),
            calendar_version: r.calendar_version.clone(),
            status,
            overdue_working_days: match status {
                SupervisionStatus::Open => as_of.overdue(Some(r.due_at)),
                SupervisionStatus::Answered => 0,
            },
            reply,
        })
    }
}

/// Whose requests `staff` sees: an official their office's, a supervisor those in scope, an
/// admin all.
fn sight(staff: &Staff) -> Result<Sight, ApiError> {
    match staff.role {
        Role::Official | Role::OfficeHead => staff
            .office_id
            .map(Sight::Office)
            .ok_or(ApiError::Forbidden),
        Role::Supervisor => staff
            .scope
            .clone()
            .map(Sight::Scope)
            .ok_or(ApiError::Forbidden),
        Role::Admin => Ok(Sight::All),
    }
}

/// An `office_id` filter: a positive whole number.
pub(super) fn positive_office(id: i64) -> Result<i64, ApiError> {
    if id > 0 {
        Ok(id)
    } else {
        Err(ApiError::BadRequest(BadInput::Query(
            "office_id must be a positive whole number".into(),
        )))
    }
}

fn request_id(given: &str) -> Result<i64, ApiError> {
    given
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::BadRequest(BadInput::SupervisionRequestId(given.to_owned())))
}

/// File a supervision request with an office (supervisors).
///
/// The office must lie in the supervisor's scope, and so must each petition named, which the
/// office must be handling. The office has `SUPERVISION_REPLY_DAYS` working days (15 unless
/// configured), counted on Vietnam's working-day calendar from the day after filing; the
/// request appears in its inbox (`GET /v1/supervision-requests`). Appends a
/// `supervision.requested` event.
#[utoipa::path(
    tag = "oversight",
    request_body = FileSupervisionRequest,
    params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    security(("staff_token" = [])),
    responses(
        (status = 201, description = "Filed", body = SupervisionRequestView, headers(("Location" = String, description = "/v1/supervision-requests/{id}"))),
        (status = 400, description = "Not JSON (`malformed_json`), or a bad `Idempotency-Key` (`invalid_idempotency_key`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one (`unauthenticated`, `invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such office in the supervisor's scope (`office_not_found`), or a petition named that does not exist or lies outside it (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json` (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: blank, long or malformed subject or body, a malformed petition id, too many petitions, unknown fields, a petition another office handles (`other_office`); or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/supervision-requests")]
pub async fn file_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(&[Role::Supervisor])?;
    let by = Supervisor {
        user_id: staff.user_id,
        scope: staff.scope.clone().ok_or(ApiError::Forbidden)?,
    };
    let key = idempotency::key(&req)?;
    let parsed = body::parse::<FileSupervisionRequest>(&req, &payload)?;
    let hash = idempotency::request_hash("POST /v1/supervision-requests", &parsed.canonical);
    let draft = Draft {
        office_id: parsed.value.office_id,
        petition_ids: parsed.value.petition_ids,
        subject: parsed.value.subject,
        body: parsed.value.body,
    };
    let now = state.now();
    let work = move |tx: &mut Tx| {
        let detail = service::supervision::file(tx, &by, draft.clone(), now)?;
        let as_of = AsOf::new(tx.context().calendar.clone(), now);
        let location = format!("/v1/supervision-requests/{}", detail.request.id);
        Ok(Reply::json(
            StatusCode::CREATED,
            &SupervisionRequestView::new(&detail, &as_of)?,
        )?
        .at(location))
    };
    let scope = format!("user:{}", staff.user_id);
    idempotency::run(&state.service, scope, key, hash, now, work).await
}

/// Filters and paging of the supervision requests.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SupervisionListParams {
    pub status: Option<SupervisionStatus>,
    /// Only requests to this office (within what the caller sees).
    #[param(example = 36)]
    pub office_id: Option<i64>,
    /// `next_cursor` from the previous page; omit for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// List supervision requests: open ones first, each group oldest due first.
///
/// Officials and office heads see their office's (its inbox of requests); supervisors those to
/// offices in their scope; admins all.
#[utoipa::path(
    tag = "oversight",
    params(SupervisionListParams),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "A page of requests", body = Page<SupervisionRequestView>),
        (status = 400, description = "Unknown or malformed query parameter (`invalid_query`), bad `limit` (`invalid_limit`) or `cursor` (`invalid_cursor`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one (`unauthenticated`, `invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/supervision-requests")]
pub async fn list_requests(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<SupervisionListParams>,
) -> Result<web::Json<Page<SupervisionRequestView>>, ApiError> {
    let now = state.now();
    let db = state.db();
    let calendars = state.calendars();
    let q = query.into_inner();
    let sight = sight(&staff)?;
    let office_id = q.office_id.map(positive_office).transpose()?;
    let page = PageRequest::parse("supervision-requests", q.cursor.as_deref(), q.limit)?;
    let cursor = page
        .after
        .as_deref()
        .map(|a| ListCursor::decode(a).ok_or(ApiError::BadRequest(BadInput::Cursor)))
        .transpose()?;
    let filter = ListFilter {
        sight,
        status: q.status,
        office_id,
    };
    let take = page.limit.probe();
    let rows = db
        .read(move |conn| stored::page(conn, &filter, cursor.as_ref(), take))
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "supervision-requests", |(_, c)| {
        c.encode()
    });
    let as_of = AsOf::new(calendars.current(), now);
    let items = rows
        .iter()
        .map(|(d, _)| SupervisionRequestView::new(d, &as_of))
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// Read one supervision request.
///
/// Seen by the officials and office heads of the office asked, supervisors whose scope holds
/// that office, and admins; to anyone else it does not exist.
#[utoipa::path(
    tag = "oversight",
    params(("id" = i64, Path, description = "The request's `id`", minimum = 1)),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The request", body = SupervisionRequestView),
        (status = 400, description = "Not a request id (`invalid_supervision_request_id`), or a query parameter (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one (`unauthenticated`, `invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request visible to the caller (`supervision_request_not_found`): another office's, or outside the supervisor's scope", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/supervision-requests/{id}")]
pub async fn get_request(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
    _: web::Query<params::NoParams>,
) -> Result<web::Json<SupervisionRequestView>, ApiError> {
    let now = state.now();
    let db = state.db();
    let calendars = state.calendars();
    let id = request_id(&path)?;
    let sight = sight(&staff)?;
    let detail = db
        .read(move |conn| stored::find(conn, id, &sight))
        .await?
        .ok_or(ApiError::NotFound(Missing::SupervisionRequest))?;
    let as_of = AsOf::new(calendars.current(), now);
    Ok(web::Json(SupervisionRequestView::new(&detail, &as_of)?))
}

/// Answer a supervision request (officials and office heads of the office asked).
///
/// A request is answered once. Appends a `supervision.replied` event.
#[utoipa::path(
    tag = "oversight",
    params(
        ("id" = i64, Path, description = "The request's `id`", minimum = 1),
        ("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions"),
    ),
    request_body = ReplyBody,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Answered", body = SupervisionRequestView),
        (status = 400, description = "Not a request id (`invalid_supervision_request_id`), not JSON (`malformed_json`), or a bad `Idempotency-Key` (`invalid_idempotency_key`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one (`unauthenticated`, `invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request to the caller's office (`supervision_request_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already answered (`already_replied`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large (`payload_too_large`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json` (`unsupported_media_type`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a blank, long or malformed answer, unknown fields; or `idempotency_key_reused`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/supervision-requests/{id}/reply")]
pub async fn reply_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(&[Role::Official, Role::OfficeHead])?;
    let by = super::workflow::office_staff(&staff)?;
    let id = request_id(&path)?;
    let key = idempotency::key(&req)?;
    let parsed = body::parse::<ReplyBody>(&req, &payload)?;
    let hash = idempotency::request_hash(
        &format!("POST /v1/supervision-requests/{id}/reply"),
        &parsed.canonical,
    );
    let text = parsed.value.body;
    let now = state.now();
    let work = move |tx: &mut Tx| {
        let detail = service::supervision::reply(tx, &by, id, &text, now)?;
        let as_of = AsOf::new(tx.context().calendar.clone(), now);
        Reply::json(
            StatusCode::OK,
            &SupervisionRequestView::new(&detail, &as_of)?,
        )
    };
    let scope = format!("user:{}", staff.user_id);
    idempotency::run(&state.service, scope, key, hash, now, work).await
}
