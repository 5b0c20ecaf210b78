//! HTTP: handlers per resource, the OpenAPI document, and the request plumbing.
//!
//! Handlers are thin: parse, authorise, call one function, map the result.

mod auth;
mod body;
mod calendar;
mod categories;
mod citizen;
mod escalation;
mod health;
pub mod idempotency;
mod metrics;
pub mod middleware;
mod notices;
mod offices;
mod overdue;
mod oversight;
mod params;
mod petition_reads;
pub mod petition_views;
mod petitions;
mod rules;
pub mod staff_views;
mod stats;
mod supervision;
mod track;
mod transparency;
mod units;
mod users;
pub mod views;
mod workflow;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{App, FromRequest, HttpRequest, web};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Content, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};

use crate::domain::lang::Lang;
use crate::error::{ApiError, BadInput};

/// The largest JSON body accepted. Petitions are text plus links to attachments, never the
/// files themselves.
pub const JSON_LIMIT: usize = 256 * 1024;

/// Every documented route. The OpenAPI paths are collected from these same registrations,
/// so a route cannot exist undocumented.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(
            scope("/v1")
                .service(units::list_provinces)
                .service(units::list_communes)
                .service(units::get_commune)
                .service(offices::list_offices)
                .service(offices::get_office)
                .service(categories::list_categories)
                .service(calendar::deadline)
                .service(calendar::get_year)
                .service(calendar::change_day)
                .service(rules::list_rules)
                .service(stats::definitions)
                .service(stats::stats)
                .service(stats::stats_csv)
                .service(stats::ranking)
                .service(stats::series)
                .service(rules::add_rule)
                .service(rules::change_rule)
                .service(rules::set_remote)
                .service(petitions::submit)
                .service(petition_reads::list_petitions)
                .service(petition_reads::get_petition)
                .service(petition_reads::get_deadlines)
                .service(notices::list_notices)
                .service(transparency::petition_events)
                .service(transparency::public_key)
                .service(transparency::checkpoints)
                .service(transparency::verify)
                .service(transparency::chain)
                .service(citizen::complete)
                .service(citizen::withdraw)
                .service(citizen::rate)
                .service(escalation::escalate)
                .service(workflow::accept)
                .service(workflow::reject)
                .service(workflow::transfer)
                .service(workflow::extend)
                .service(workflow::answer)
                .service(workflow::close)
                .service(workflow::notify)
                .service(workflow::reveal_identity)
                .service(track::track)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::me)
                .service(users::create_user)
                .service(users::list_users)
                .service(users::get_user)
                .service(users::change_access)
                .service(users::disable_user)
                .service(users::enable_user)
                .service(users::reset_password)
                .service(users::change_own_password)
                .service(supervision::file_request)
                .service(supervision::list_requests)
                .service(supervision::get_request)
                .service(supervision::reply_request)
                .service(overdue::list_overdue)
                .service(oversight::list_offices),
        );
}

/// How extractors report bad input: as [`ApiError`]s, so they render like every other error.
pub fn extractors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::JsonConfig::default()
            .limit(JSON_LIMIT)
            .error_handler(|e, _| json_error(e).into()),
    )
    .app_data(web::PayloadConfig::default().limit(JSON_LIMIT))
    .app_data(web::QueryConfig::default().error_handler(|e, _| query_error(e).into()))
    .app_data(web::PathConfig::default().error_handler(|e, _| path_error(e).into()));
}

fn json_error(e: JsonPayloadError) -> ApiError {
    match e {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit },
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::InvalidBody(e.to_string()),
        JsonPayloadError::Deserialize(e) => {
            ApiError::BadRequest(BadInput::MalformedJson(e.to_string()))
        }
        other => ApiError::BadRequest(BadInput::MalformedJson(other.to_string())),
    }
}

fn query_error(e: QueryPayloadError) -> ApiError {
    let reason = match e {
        QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::BadRequest(BadInput::Query(reason))
}

fn path_error(e: PathError) -> ApiError {
    ApiError::BadRequest(BadInput::Query(e.to_string()))
}

/// The caller's language, for handlers that return localised text.
impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Lang, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(middleware::language(req)))
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tiếng Dân API",
        description = "Citizens' complaints, denunciations, recommendations and feedback to Vietnam's \
local government: intake through partner apps, routing to the responsible commune office, legal \
response deadlines, and public accountability statistics mapped to PAPI Dimension 3.\n\n\
Errors are RFC 9457 `application/problem+json` bodies with a stable `code`; text is Vietnamese \
unless `Accept-Language` asks for English. Every response carries `X-Request-Id`.\n\n\
Administrative units: General Statistics Office of Viet Nam, 2025 arrangement (34 provinces, \
3,321 communes).",
        license(name = "AGPL-3.0-or-later"),
    ),
    tags(
        (name = "admin units", description = "Provinces and communes (GSO codes) with their offices"),
        (name = "offices", description = "Offices that receive and answer petitions"),
        (name = "categories", description = "Categories of commune matters"),
        (name = "calendar", description = "Vietnam's working-day calendar and the deadline calculator (Civil Code art. 147-148)"),
        (name = "petitions", description = "Complaints, denunciations, recommendations and feedback, as partner apps submit and follow them"),
        (name = "staff", description = "Officials, office heads, supervisors and admins: sign-in and accounts"),
        (name = "workflow", description = "What officials do with a petition: accept, reject, transfer, extend, answer, close, and notify a denouncer of the acceptance"),
        (name = "tracking", description = "A citizen following one petition with its tracking code and receipt secret"),
        (name = "statistics", description = "Accountability statistics and their definitions (docs/METRICS.md)"),
        (name = "oversight", description = "Fatherland Front supervision (DESIGN §3.8): overdue queues in a supervisor's scope, and supervision requests to offices with their own reply clock"),
        (name = "transparency", description = "The tamper-evident record: hash-chained events, signed checkpoints, verification (docs/VERIFYING.md)"),
        (name = "operations", description = "Health, readiness and metrics"),
    ),
    components(schemas(crate::error::Problem, crate::error::FieldProblem))
)]
struct ApiDoc;

/// Documents the errors any operation can return, in one place.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A partner API key (`tdk_…`) as `Authorization: Bearer <key>`; `X-Api-Key: <key>` works too"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "staff_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A staff access token from `POST /v1/auth/login`, as `Authorization: Bearer <token>`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator's `METRICS_TOKEN`, when the server has one",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key_header",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))),
        );
        let problem = || {
            Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "Problem",
            ))))
        };
        let internal = ResponseBuilder::new()
            .description("Unexpected failure (`internal_error`); logged with the request id")
            .content("application/problem+json", problem())
            .build();
        for item in openapi.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .entry("500".into())
                    .or_insert_with(|| internal.clone().into());
            }
        }
    }
}

/// Builds the application's routes into an actix `App` and returns the OpenAPI document
/// collected from them.
pub fn openapi() -> OpenApiDoc {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    CommonErrors.modify(&mut api);
    api
}

/// The committed form of the document (`openapi/openapi.json`).
pub fn openapi_json() -> String {
    let mut text = openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
