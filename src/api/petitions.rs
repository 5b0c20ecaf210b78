//! Taking petitions in: from partner apps, and from officials at the desk.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::body;
use super::idempotency::{self, Reply};
use super::petition_views::{AsOf, SubmitPetition, SubmittedView};
use crate::auth::caller::Caller;
use crate::auth::receipt;
use crate::db::admin_units_cache::AdminUnitsCache;
use crate::db::calendar::CalendarCache;
use crate::db::events::Actor;
use crate::db::petitions::{self, NewIntake, SubmitError};
use crate::db::rules::RuleCache;
use crate::db::{Db, DbConnection};
use crate::domain::clock::local_date;
use crate::domain::lang::Lang;
use crate::domain::petition::{self as law, Channel, Citizen};
use crate::domain::rules::Law;
use crate::domain::staff::Role;
use crate::domain::tracking::{RANDOM_SYMBOLS, TrackingCode};
use crate::error::{ApiError, BadInput};
use crate::vault::Vault;

pub const RECEIPT_HEADER: &str = "x-receipt-secret";

/// How far back an official may date a petition handed in at the desk.
pub const IN_PERSON_BACKDATE_DAYS: i64 = 30;

pub(super) fn random_failed(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(crate::error::Fault::text("drawing random bytes", e))
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
    now: super::Now,
    req: HttpRequest,
    caller: Caller,
    payload: web::Bytes,
    db: web::Data<Db>,
    units: web::Data<AdminUnitsCache>,
    vault: web::Data<Vault>,
    calendars: web::Data<CalendarCache>,
    rules: web::Data<RuleCache>,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::key(&req)?;
    let parsed = body::parse::<SubmitPetition>(&req, &payload)?;
    let calendar = calendars.current();
    let book = rules.current();
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
        let now = now.0;
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
            .ok_or_else(|| ApiError::bug("a province without its office"))?;
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
        let law = Law {
            calendar: calendar.as_ref(),
            rules: book.as_ref(),
        };
        let stored = petitions::submit(conn, new, &law)?;
        let view = SubmittedView::new(
            &stored,
            secret.secret,
            &notices,
            lang,
            &AsOf::new(calendar.clone(), now),
        )?;
        Ok(Reply::json(StatusCode::CREATED, &view)?
            .at(format!("/v1/petitions/{}", stored.petition.public_id)))
    };
    idempotency::run(&db, vault_ref(&req)?, scope, key, hash, now.0, work).await
}

impl From<SubmitError> for ApiError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Invalid(v) => ApiError::Invalid(v),
            SubmitError::Db(e) => e.into(),
        }
    }
}

pub(super) fn vault_ref(req: &HttpRequest) -> Result<&Vault, ApiError> {
    req.app_data::<web::Data<Vault>>()
        .map(|v| v.get_ref())
        .ok_or_else(|| ApiError::bug("no vault in the app"))
}

pub(super) fn seal_identity(
    vault: &Vault,
    public_id: &str,
    citizen: &Citizen,
) -> Result<crate::vault::Sealed, ApiError> {
    let plain =
        serde_json::to_vec(citizen).map_err(|e| ApiError::internal("encoding an identity", e))?;
    vault
        .seal(public_id.as_bytes(), &plain)
        .map_err(|e| ApiError::internal("sealing an identity", e))
}

pub fn petition_id(given: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(given)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::BadRequest(BadInput::PetitionId))
}
