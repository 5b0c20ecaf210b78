//! A complainant takes an unsatisfying or overdue first-time complaint to the province.

use crate::domain::event::{Escalated, Event};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::citizen::citizen_action;
use super::idempotency::Reply;
use super::petition_reads::unseal;
use super::petition_views::{AsOf, EmptyBody, SubmittedView};
use super::petitions::{random_failed, seal_identity};
use crate::auth::rate_limit::RateLimits;
use crate::auth::receipt;
use crate::db::admin_units_cache::AdminUnitsCache;
use crate::db::calendar::CalendarCache;
use crate::db::events::{self};
use crate::db::petitions::{self, NewIntake};
use crate::db::rules::RuleCache;
use crate::db::{Db, escalation};
use crate::domain::lang::Lang;
use crate::domain::petition::{Attachment, Fault, Intake, Kind, Location, Submission, Violation};
use crate::domain::rules::Law;
use crate::domain::tracking::{RANDOM_SYMBOLS, TrackingCode};
use crate::error::ApiError;
use crate::vault::Vault;

/// Escalate a complaint to the province as a second-time complaint.
///
/// Allowed when the first-time answer was rated unsatisfactory, or its resolution deadline
/// passed without an answer (Law on Complaints art. 33). The new complaint carries the same
/// content and petitioner, is linked to the first, and gets its own tracking code and receipt
/// secret. By the submitting partner (API key) or the citizen (`X-Receipt-Secret`).
#[utoipa::path(
    tag = "petitions",
    params(
        ("id" = String, Path, description = "The first-time complaint's `id`"),
        ("X-Receipt-Secret" = Option<String>, Header, description = "The receipt secret, when the citizen escalates without a partner key"),
        ("Idempotency-Key" = Option<String>, Header, description = "As for submissions"),
    ),
    request_body(content = EmptyBody, description = "Empty, or `{}`"),
    security(("api_key" = []), ()),
    responses(
        (status = 201, description = "The second-time complaint, at the province", body = SubmittedView, headers(("Location" = String, description = "/v1/petitions/{id}"))),
        (status = 400, description = "Not a petition id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Neither an API key nor a receipt secret, or a wrong key", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A staff token (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition for this caller (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not escalatable: not a complaint, already second-time or escalated, or neither unsatisfying nor overdue (`validation_failed`, field `escalation`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/petitions/{id}/escalate")]
#[allow(clippy::too_many_arguments)]
pub async fn escalate(
    now: super::Now,
    req: HttpRequest,
    path: web::Path<String>,
    db: web::Data<Db>,
    limits: web::Data<RateLimits>,
    units: web::Data<AdminUnitsCache>,
    vault: web::Data<Vault>,
    calendars: web::Data<CalendarCache>,
    rules: web::Data<RuleCache>,
    lang: Lang,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if !payload.iter().all(u8::is_ascii_whitespace) {
        super::body::parse::<EmptyBody>(&req, &payload)?;
    }
    let units = units.current();
    let vault = vault.get_ref().clone();
    let calendar = calendars.current();
    let book = rules.current();
    citizen_action(
        req,
        &path,
        &db,
        &limits,
        "escalate",
        String::new(),
        move |conn, id, actor| {
            let now = now.0;
            // Two escalations of one complaint at once: the second waits, then finds it
            // escalated.
            petitions::lock(conn, id)?;
            let first = petitions::detail(conn, id)?
                .ok_or_else(|| ApiError::bug("the petition vanished"))?;
            escalation::check(conn, &first.petition, now.naive_utc())?.map_err(|_| {
                ApiError::Invalid(vec![Violation::new("escalation", Fault::NotPermitted)])
            })?;
            let p = &first.petition;
            let citizen = unseal(&vault, &first)?;
            let commune = units
                .commune(&p.commune_code)
                .ok_or_else(|| ApiError::bug("a petition's commune is unknown"))?;
            let province_office = units
                .province(&p.province_code)
                .and_then(|pr| pr.office.clone())
                .ok_or_else(|| ApiError::bug("a province without its office"))?;
            let submission = Submission {
                kind: Kind::Complaint,
                category: p.category_code.clone(),
                commune_code: p.commune_code.clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                occurred_at: p.occurred_at.map(|t| t.and_utc()),
                decision_date: None,
                location: (p.location_lat.is_some() || p.location_address.is_some()).then(|| {
                    Location {
                        lat: p.location_lat,
                        lon: p.location_lon,
                        address: p.location_address.clone(),
                    }
                }),
                subject: p.subject.clone(),
                second_time_of: Some(p.public_id.clone()),
                public: p.is_public,
                attachments: first
                    .attachments
                    .iter()
                    .map(|a| Attachment {
                        url: a.url.clone(),
                        media_type: a.media_type.clone(),
                    })
                    .collect(),
                citizen: citizen.clone(),
                anonymous: false,
            };
            let public_id = uuid::Uuid::new_v4().to_string();
            let identity = match &citizen {
                Some(c) => Some(seal_identity(&vault, &public_id, c)?),
                None => None,
            };
            let secret = receipt::generate().map_err(random_failed)?;
            let tracking = TrackingCode::from_random(
                crate::auth::random_bytes::<RANDOM_SYMBOLS>().map_err(random_failed)?,
            );
            let new = NewIntake {
                public_id,
                tracking_code: tracking.as_str().to_owned(),
                receipt_secret_hash: secret.hash,
                partner_id: p.partner_id,
                channel: p.channel,
                actor: actor.clone(),
                intake: Intake {
                    submission,
                    kind: Kind::Complaint,
                    late_filing: false,
                    notices: Vec::new(),
                },
                province_code: p.province_code.clone(),
                commune_office: commune.office.clone(),
                province_office,
                identity,
                received_at: now,
            };
            let law = Law {
                calendar: calendar.as_ref(),
                rules: book.as_ref(),
            };
            let second = petitions::submit(conn, new, &law)?;
            events::append(
                conn,
                Some(id),
                actor,
                &Event::PetitionEscalated(Escalated {
                    second_time: second.petition.public_id.clone(),
                }),
                now.naive_utc(),
            )?;
            let view = SubmittedView::new(
                &second,
                secret.secret,
                &[],
                lang,
                &AsOf::new(calendar.clone(), now),
            )?;
            Ok(Reply::json(StatusCode::CREATED, &view)?
                .at(format!("/v1/petitions/{}", second.petition.public_id)))
        },
    )
    .await
}
