//! Accountability statistics (DESIGN §3.7). So far: the definitions every figure follows, so
//! that a reader can check what a number means before the numbers are served.

use actix_web::{get, web};

use super::params::NoParams;
use crate::domain::stats::Definitions;

/// How every statistic is defined.
///
/// Each metric's formula, cohort (which petitions, assigned to which period), its PAPI
/// dimension and indicator, and the caveat that these are administrative data, not the PAPI
/// survey; the interval, quantile method, suppression threshold and ranking floor; the
/// definitions' version. The same text as docs/METRICS.md.
#[utoipa::path(
    tag = "statistics",
    responses(
        (status = 200, description = "The definitions", body = Definitions),
        (status = 400, description = "An unknown query parameter (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/definitions")]
pub async fn definitions(_: web::Query<NoParams>) -> web::Json<Definitions> {
    web::Json(Definitions::default())
}
