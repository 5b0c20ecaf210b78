//! Petitions from partner apps: submit, read, list, withdraw.

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::body;
use super::idempotency::{self, Reply};
use super::params::{self, PageRequest};
use super::petition_views::{
    CitizenView, EmptyBody, PetitionPage, PetitionView, RatingBody, StatusView, SubmitPetition,
    SubmittedView, local_time, tracking_code,
};
use crate::auth::caller::Caller;
use crate::auth::partner::{Partner, presented_key};
use crate::auth::rate_limit::{RateLimits, RetryAfter};
use crate::auth::staff::Staff;
use crate::auth::{receipt, secret_matches};
use crate::db::admin_units_cache::AdminUnitsCache;
use crate::db::events::Actor;
use crate::db::inbox::{self, InboxCursor, InboxFilter};
use crate::db::petitions::{self, ActError, NewIntake, PetitionFilter, SubmitError};
use crate::db::{Db, DbConnection};
use crate::domain::clock::{WeekdayCalendar, local_date};
use crate::domain::lang::Lang;
use crate::domain::pagination::paginate;
use crate::domain::petition::{self as law, Channel, Citizen, Kind};
use crate::domain::staff::Role;
use crate::domain::tracking::{RANDOM_SYMBOLS, TrackingCode};
use crate::domain::workflow::Status;
use crate::error::{ApiError, BadInput, Missing};
use crate::vault::Vault;

pub const RECEIPT_HEADER: &str = "x-receipt-secret";

/// How far back an official may date a petition handed in at the desk.
pub const IN_PERSON_BACKDATE_DAYS: i64 = 30;

pub(super) fn random_failed(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "randomness");
    ApiError::Internal
}

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
        ("Idempotency-Key" = Option<String>, Header, description = "1–255 printable ASCII characters, unique per request (a UUID); a retry with the same key and body gets the original answer", example = "9b3c2d1e-7f4a-4b8e-a2c1-0d5e6f7a8b9c"),
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
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    req: HttpRequest,
    caller: Caller,
    payload: web::Bytes,
    db: web::Data<Db>,
    units: web::Data<AdminUnitsCache>,
    vault: web::Data<Vault>,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::key(&req)?;
    let parsed = body::parse::<SubmitPetition>(&req, &payload)?;
    let hash = idempotency::request_hash("POST /v1/petitions", &parsed.canonical);
    let received_at = parsed.value.received_at;
    let submission = parsed.value.into_submission();
    // Partners submit as it happens; officials record what was handed in at their desk.
    let (scope, actor, partner_id, channel) = match &caller {
        Caller::Partner(p) => {
            if received_at.is_some() {
                return Err(ApiError::Invalid(vec![law::Violation::new(
                    "received_at",
                    law::Fault::NotPermitted,
                )]));
            }
            (
                format!("partner:{}", p.id),
                Actor::Partner(p.id),
                Some(p.id),
                Channel::Partner,
            )
        }
        Caller::Staff(staff) => {
            staff.require(&[Role::Official, Role::OfficeHead])?;
            (
                format!("user:{}", staff.user_id),
                Actor::Staff(staff.user_id),
                None,
                Channel::InPerson,
            )
        }
    };
    let units = units.current();
    let vault = vault.get_ref().clone();
    let work = move |conn: &mut DbConnection| {
        let now = crate::db::now();
        let received = received_at.map_or(now, |at| {
            use chrono::SubsecRound;
            at.trunc_subsecs(6)
        });
        if received > now + chrono::Duration::minutes(5) {
            return Err(ApiError::Invalid(vec![law::Violation::new(
                "received_at",
                law::Fault::InFuture,
            )]));
        }
        if now - received > chrono::Duration::days(IN_PERSON_BACKDATE_DAYS) {
            return Err(ApiError::Invalid(vec![law::Violation::new(
                "received_at",
                law::Fault::Expired,
            )]));
        }
        let intake = law::check(
            submission.clone(),
            units.as_ref(),
            local_date(received),
            received,
        )
        .map_err(ApiError::Invalid)?;
        let commune = units
            .commune(&intake.submission.commune_code)
            .ok_or_else(|| ApiError::Invalid(Vec::new()))?;
        let province_office = units
            .province(&commune.province.code)
            .and_then(|p| p.office.clone())
            .ok_or(ApiError::Internal)?;
        let public_id = uuid::Uuid::new_v4().to_string();
        let tracking = TrackingCode::from_random(
            crate::auth::random_bytes::<RANDOM_SYMBOLS>().map_err(random_failed)?,
        );
        let secret = receipt::generate().map_err(random_failed)?;
        let identity = match &intake.submission.citizen {
            Some(citizen) => Some(seal_identity(&vault, &public_id, citizen)?),
            None => None,
        };
        let notices = intake.notices.clone();
        let new = NewIntake {
            public_id,
            tracking_code: tracking.as_str().to_owned(),
            receipt_secret_hash: secret.hash,
            partner_id,
            channel,
            actor: actor.clone(),
            intake,
            province_code: commune.province.code.clone(),
            commune_office: commune.office.clone(),
            province_office,
            identity,
            received_at: received,
        };
        let stored = petitions::submit(conn, new, &WeekdayCalendar).map_err(|e| match e {
            SubmitError::Invalid(v) => ApiError::Invalid(v),
            SubmitError::Db(e) => e.into(),
        })?;
        let view = SubmittedView::new(&stored, secret.secret, &notices, lang)?;
        Ok(Reply::json(StatusCode::CREATED, &view)?
            .at(format!("/v1/petitions/{}", stored.petition.public_id)))
    };
    idempotency::run(&db, vault_ref(&req)?, scope, key, hash, work).await
}

fn vault_ref(req: &HttpRequest) -> Result<&Vault, ApiError> {
    req.app_data::<web::Data<Vault>>()
        .map(|v| v.get_ref())
        .ok_or(ApiError::Internal)
}

pub(super) fn seal_identity(
    vault: &Vault,
    public_id: &str,
    citizen: &Citizen,
) -> Result<crate::vault::Sealed, ApiError> {
    let plain = serde_json::to_vec(citizen).map_err(|_| ApiError::Internal)?;
    vault.seal(public_id.as_bytes(), &plain).map_err(|e| {
        tracing::error!(error = %e, "sealing an identity");
        ApiError::Internal
    })
}

/// The identity sealed with a petition, opened.
pub(super) fn unseal(
    vault: &Vault,
    d: &petitions::PetitionDetail,
) -> Result<Option<Citizen>, ApiError> {
    let Some(sealed) = &d.identity else {
        return Ok(None);
    };
    let plain = vault
        .open(d.petition.public_id.as_bytes(), sealed)
        .map_err(|e| {
            tracing::error!(error = %e, "opening an identity");
            ApiError::Internal
        })?;
    serde_json::from_slice(&plain)
        .map(Some)
        .map_err(|_| ApiError::Internal)
}

/// How much of a petition a member of staff may see.
enum Sight {
    /// An official of the handling office: everything but a denouncer's identity.
    HandlingOffice,
    /// A supervisor in scope: no identity, no denunciation content.
    Supervisor,
}

/// Whether `staff` may see the petition: another office's is a 404, like a missing one.
fn sight(staff: &Staff, p: &petitions::PetitionRow) -> Result<Sight, ApiError> {
    match staff.role {
        Role::Official | Role::OfficeHead if staff.office_id == Some(p.office_id) => {
            Ok(Sight::HandlingOffice)
        }
        Role::Supervisor
            if staff
                .scope
                .as_ref()
                .is_some_and(|s| s.covers(&p.province_code, &p.commune_code)) =>
        {
            Ok(Sight::Supervisor)
        }
        Role::Admin => Err(ApiError::Forbidden),
        _ => Err(ApiError::NotFound(Missing::Petition)),
    }
}

/// A petition as `caller` may see it.
pub fn view_for(
    caller: &Caller,
    vault: &Vault,
    detail: &petitions::PetitionDetail,
) -> Result<PetitionView, ApiError> {
    let citizen = unseal(vault, detail)?;
    match caller {
        Caller::Partner(_) => PetitionView::new(
            detail,
            citizen.map(|c| CitizenView {
                partner_ref: c.partner_ref,
                ..CitizenView::default()
            }),
        ),
        Caller::Staff(staff) => match sight(staff, &detail.petition)? {
            Sight::HandlingOffice => {
                let confidential = detail.petition.kind == Kind::Denunciation.code();
                let citizen = citizen.filter(|_| !confidential).map(|c| CitizenView {
                    partner_ref: c.partner_ref,
                    full_name: c.full_name,
                    phone: c.phone,
                    email: c.email,
                    address: c.address,
                    id_number: c.id_number,
                });
                PetitionView::new(detail, citizen)
            }
            Sight::Supervisor => Ok(PetitionView::new(detail, None)?.for_supervisor()),
        },
    }
}

/// Loads a petition that `caller` may act on or read, or the 404/403 that says why not.
pub async fn visible(
    db: &Db,
    caller: &Caller,
    public_id: String,
) -> Result<petitions::PetitionDetail, ApiError> {
    let partner = match caller {
        Caller::Partner(p) => Some(p.id),
        Caller::Staff(_) => None,
    };
    let detail = db
        .read(move |conn| {
            let id = match partner {
                Some(partner) => petitions::id_for_partner(conn, partner, &public_id)?,
                None => petitions::id_of(conn, &public_id)?,
            };
            match id {
                Some(id) => petitions::detail(conn, id),
                None => Ok(None),
            }
        })
        .await?
        .ok_or(ApiError::NotFound(Missing::Petition))?;
    if let Caller::Staff(staff) = caller {
        sight(staff, &detail.petition)?;
    }
    Ok(detail)
}

pub fn petition_id(given: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(given)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::BadRequest(BadInput::PetitionId))
}

/// Read one petition.
///
/// A partner reads what it submitted; an official, their office's petitions (with the
/// petitioner's identity, except a denouncer's); a supervisor, petitions in scope without
/// identities or a denunciation's content.
#[utoipa::path(
    tag = "petitions",
    params(("id" = String, Path, description = "The petition's `id`")),
    security(("api_key" = []), ("staff_token" = [])),
    responses(
        (status = 200, description = "The petition", body = PetitionView),
        (status = 400, description = "Not a petition id (`invalid_petition_id`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No credentials, or wrong ones", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "An admin: petitions are not theirs to read (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition visible to the caller (`petition_not_found`): another partner's, another office's, or out of scope", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/petitions/{id}")]
pub async fn get_petition(
    caller: Caller,
    path: web::Path<String>,
    db: web::Data<Db>,
    vault: web::Data<Vault>,
    _: web::Query<params::NoParams>,
) -> Result<web::Json<PetitionView>, ApiError> {
    let public_id = petition_id(&path)?;
    let detail = visible(&db, &caller, public_id).await?;
    Ok(web::Json(view_for(&caller, &vault, &detail)?))
}

/// Filters and paging of a petition list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PetitionListParams {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    /// Officials: only this category.
    #[param(example = "land")]
    pub category: Option<String>,
    /// Officials: only petitions whose nearest deadline has passed.
    pub overdue: Option<bool>,
    /// Officials: only petitions whose nearest deadline is before this instant (RFC 3339).
    pub due_before: Option<DateTime<Utc>>,
    /// Five-digit GSO commune code.
    #[param(example = "00004", pattern = "^[0-9]{5}$")]
    pub commune_code: Option<String>,
    /// Received at or after this instant (RFC 3339).
    pub received_from: Option<DateTime<Utc>>,
    /// Received before this instant (RFC 3339).
    pub received_before: Option<DateTime<Utc>>,
    /// `next_cursor` from the previous page; omit for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// List petitions.
///
/// A partner: what it submitted, newest first (filters `status`, `kind`, `commune_code`,
/// `received_from`, `received_before`). An official or office head: their office's inbox,
/// nearest deadline first, then petitions with no running clock, newest first (filters
/// `status`, `kind`, `category`, `overdue`, `due_before`), with counts per status.
#[utoipa::path(
    tag = "petitions",
    params(PetitionListParams),
    security(("api_key" = []), ("staff_token" = [])),
    responses(
        (status = 200, description = "A page of petitions", body = PetitionPage),
        (status = 400, description = "Unknown or malformed query parameter, bad `limit` or `cursor`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No credentials, or wrong ones", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A supervisor or admin (supervisors use `/v1/oversight`) (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/petitions")]
pub async fn list_petitions(
    caller: Caller,
    query: web::Query<PetitionListParams>,
    db: web::Data<Db>,
) -> Result<web::Json<PetitionPage>, ApiError> {
    let q = query.into_inner();
    match caller {
        Caller::Partner(partner) => partner_list(partner, q, &db).await,
        Caller::Staff(staff) => {
            staff.require(&[Role::Official, Role::OfficeHead])?;
            let office = staff.office_id.ok_or(ApiError::Forbidden)?;
            inbox(office, q, &db).await
        }
    }
}

async fn partner_list(
    partner: Partner,
    q: PetitionListParams,
    db: &Db,
) -> Result<web::Json<PetitionPage>, ApiError> {
    if q.category.is_some() || q.overdue.is_some() || q.due_before.is_some() {
        return Err(ApiError::BadRequest(BadInput::Query(
            "category, overdue and due_before filter an office's inbox, not a partner's list"
                .into(),
        )));
    }
    let page = PageRequest::parse("petitions", q.cursor.as_deref(), q.limit)?;
    let before = page
        .after
        .as_deref()
        .map(|a| {
            a.parse::<i64>()
                .map_err(|_| ApiError::BadRequest(BadInput::Cursor))
        })
        .transpose()?;
    let commune_code = q
        .commune_code
        .map(|c| params::commune_code("commune_code", &c).map(|c| c.as_str().to_owned()))
        .transpose()?;
    let filter = PetitionFilter {
        partner_id: Some(partner.id),
        status: q.status,
        kind: q.kind,
        commune_code,
        received_from: q.received_from.map(|t| t.naive_utc()),
        received_before: q.received_before.map(|t| t.naive_utc()),
    };
    let take = page.limit.probe();
    let rows = db
        .read(move |conn| petitions::list(conn, &filter, before, take))
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "petitions", |(p, _)| p.id.to_string());
    let items = rows
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(PetitionPage {
        items,
        next_cursor,
        counts: None,
    }))
}

async fn inbox(
    office: i64,
    q: PetitionListParams,
    db: &Db,
) -> Result<web::Json<PetitionPage>, ApiError> {
    if q.commune_code.is_some() || q.received_from.is_some() || q.received_before.is_some() {
        return Err(ApiError::BadRequest(BadInput::Query(
            "commune_code, received_from and received_before filter a partner's list, not an inbox"
                .into(),
        )));
    }
    let page = PageRequest::parse("inbox", q.cursor.as_deref(), q.limit)?;
    let cursor = page
        .after
        .as_deref()
        .map(|a| InboxCursor::decode(a).ok_or(ApiError::BadRequest(BadInput::Cursor)))
        .transpose()?;
    let now = crate::db::now().naive_utc();
    let filter = InboxFilter {
        status: q.status,
        kind: q.kind,
        category: q.category,
        overdue_at: q.overdue.filter(|o| *o).map(|_| now),
        due_before: q.due_before.map(|t| t.naive_utc()),
    };
    let take = page.limit.probe();
    let (rows, counts) = db
        .read(move |conn| {
            let rows = inbox::page(conn, office, &filter, cursor.as_ref(), take)?;
            Ok((rows, inbox::counts(conn, office)?))
        })
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "inbox", |(_, _, c)| c.encode());
    let items = rows
        .into_iter()
        .map(|(p, o, _)| (p, o).try_into())
        .collect::<Result<_, _>>()?;
    Ok(web::Json(PetitionPage {
        items,
        next_cursor,
        counts: Some(counts.into_iter().collect()),
    }))
}

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
        |conn, id, actor| {
            petitions::withdraw(conn, id, actor, crate::db::now()).map_err(|e| match e {
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
    if rating
        .comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > 2_000)
    {
        faults.push(law::Violation::new(
            "comment",
            law::Fault::TooLong { max: 2_000 },
        ));
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
                crate::db::now(),
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
    let d = petitions::detail(conn, id)?.ok_or(ApiError::Internal)?;
    let view = StatusView {
        id: d.petition.public_id.clone(),
        tracking_code: tracking_code(&d.petition.tracking_code),
        status: d.petition.status().map_err(ApiError::from)?,
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
    idempotency::run(db, vault_ref(&req)?, scope, key, hash, work).await
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
