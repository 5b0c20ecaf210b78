//! Cross-cutting request handling: a request id and one log line per request, and the
//! rendering of every error as problem+json in the caller's language.

use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AcceptLanguage, Header, HeaderName, HeaderValue, Preference};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest};
use tracing::Instrument;

use crate::domain::lang::Lang;
use crate::error::ApiError;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of one request: the caller's `X-Request-Id` when it is a sane token, else a new one.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    fn for_request(req: &ServiceRequest) -> Self {
        let given = req
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                (1..=64).contains(&v.len())
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        Self(given.map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned))
    }
}

/// The caller's preferred language among those we speak, from `Accept-Language`
/// (quality values respected); Vietnamese when none matches.
pub fn language(req: &HttpRequest) -> Lang {
    let Ok(accept) = AcceptLanguage::parse(req) else {
        return Lang::default();
    };
    accept
        .ranked()
        .into_iter()
        .find_map(|pref| match pref {
            Preference::Specific(tag) => Lang::from_tag(tag.primary_language()),
            Preference::Any => Some(Lang::default()),
        })
        .unwrap_or_default()
}

/// Gives each request an id (echoed as `X-Request-Id`) and logs one line when it ends:
/// method, route pattern (never the raw path, which may carry tracking codes), status and
/// duration. No query strings, bodies, addresses or headers: nothing personal.
pub async fn trace_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = RequestId::for_request(&req);
    req.extensions_mut().insert(request_id.clone());
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let span = tracing::info_span!(
        "request",
        request_id = %request_id.0,
        method = %req.method(),
        route = %route,
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    let mut response = result?;
    let status = response.status().as_u16();
    if response.status().is_server_error() {
        tracing::error!(parent: &span, status, millis, "request failed");
    } else {
        tracing::info!(parent: &span, status, millis, "request");
    }
    if let Ok(value) = HeaderValue::from_str(&request_id.0) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(response)
}

/// Renders every error response as problem+json in the caller's language, with the
/// request's path and id: our own [`ApiError`]s and whatever actix raised itself.
pub async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    // Handler and extractor errors arrive as responses carrying the error; an `Err` here can
    // only come from actix itself and falls back to the Vietnamese rendering.
    let response = next.call(req).await?;
    match response.response().error().map(to_api_error) {
        Some(problem) => {
            let (req, _) = response.into_parts();
            Ok(render(req, &problem).map_into_right_body())
        }
        None => Ok(response.map_into_left_body()),
    }
}

fn to_api_error(error: &Error) -> ApiError {
    match error.as_error::<ApiError>() {
        Some(api) => api.clone(),
        None => ApiError::from_status(error.as_response_error().status_code()),
    }
}

fn render(req: HttpRequest, error: &ApiError) -> ServiceResponse {
    // Once per failed request, inside its span: the line carries the request id the client
    // was given, and the cause the client was not.
    if let ApiError::Internal(fault) = error {
        tracing::error!(cause = %fault, "internal error");
    }
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let response = error.render(language(&req), Some(req.path()), request_id.as_deref());
    ServiceResponse::new(req, response)
}
