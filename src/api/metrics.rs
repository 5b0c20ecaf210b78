//! Prometheus metrics: request counts and latency histograms by route and status, recorded by
//! `actix-web-prom` and exposed here.

use actix_web::{HttpRequest, HttpResponse, get, web};
use prometheus::{Encoder, TextEncoder};

use crate::auth::secret_matches;
use crate::error::{ApiError, Unrecognised};
use crate::state::AppState;

/// Metrics in the Prometheus text format: `tiengdan_http_requests_total` and
/// `tiengdan_http_requests_duration_seconds`, labelled by endpoint (route pattern), method
/// and status.
///
/// When the server is started with `METRICS_TOKEN`, only for `Authorization: Bearer <token>`.
#[utoipa::path(
    tag = "operations",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "`METRICS_TOKEN` is set and the request does not carry it (`invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    if let Some(hash) = &state.metrics_token_hash {
        let presented = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if !presented.is_some_and(|token| secret_matches(hash, token)) {
            return Err(ApiError::Unauthenticated(Unrecognised::InvalidToken));
        }
    }
    let registry = &state.metrics;
    let mut buffer = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut buffer)
        .map_err(|e| ApiError::internal("encoding metrics", e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buffer))
}
