//! Liveness and readiness, for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::reference;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    /// The build's version.
    #[schema(example = "0.1.0")]
    pub version: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: String,
    /// Which backend answered: `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: String,
}

/// The process is up and serving HTTP. Touches nothing else.
#[utoipa::path(tag = "operations", responses((status = 200, description = "Alive", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// The service can do its work: the database answers a query.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db();
    db.read(reference::ping).await.map_err(|e| {
        tracing::warn!(error = %e, "not ready");
        ApiError::Unavailable
    })?;
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready".into(),
        database: db.url().backend().into(),
    }))
}
