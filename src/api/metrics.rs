//! Prometheus metrics: request counts and latency histograms by route and status, recorded by
//! `actix-web-prom` and exposed here.

use actix_web::{HttpResponse, get, web};
use prometheus::{Encoder, TextEncoder};

use crate::error::ApiError;
use crate::state::AppState;

/// Metrics in the Prometheus text format: `tiengdan_http_requests_total` and
/// `tiengdan_http_requests_duration_seconds`, labelled by endpoint (route pattern), method
/// and status.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4"))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let registry = &state.metrics;
    let mut buffer = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut buffer)
        .map_err(|e| ApiError::internal("encoding metrics", e))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buffer))
}
