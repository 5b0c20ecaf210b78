//! Provinces and communes: Vietnam's administrative units with their offices, answered from
//! memory (see `db::admin_units_cache`).

use actix_web::{get, web};

use super::params::{self, NoParams, PageParams, PageRequest};
use super::views::{CommuneDetailView, CommuneView, Page, ProvinceView};
use crate::domain::pagination::paginate;
use crate::error::{ApiError, Missing};
use crate::state::AppState;

/// The 34 provinces and centrally-run cities, in code order.
#[utoipa::path(
    tag = "admin units",
    params(PageParams),
    responses(
        (status = 200, description = "Provinces, each with its People's Committee office and number of communes", body = Page<ProvinceView>),
        (status = 400, description = "Unknown query parameter, bad `limit` or `cursor` (`invalid_query`, `invalid_limit`, `invalid_cursor`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/provinces")]
pub async fn list_provinces(
    state: web::Data<AppState>,
    query: web::Query<PageParams>,
) -> Result<web::Json<Page<ProvinceView>>, ApiError> {
    let units = state.units();
    let page = PageRequest::parse("provinces", query.cursor.as_deref(), query.limit)?;
    let units = units.current();
    let rows = units.provinces(page.after.as_deref(), page.limit.probe_len());
    let (rows, next_cursor) = paginate(rows, page.limit, "provinces", |p| p.province.code.clone());
    let items = rows
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// The communes, wards and special zones of one province, in code order.
#[utoipa::path(
    tag = "admin units",
    params(
        ("code" = String, Path, description = "Two-digit GSO province code", example = "01", pattern = "^[0-9]{2}$"),
        PageParams,
    ),
    responses(
        (status = 200, description = "Communes of the province, each with its office", body = Page<CommuneView>),
        (status = 400, description = "Malformed province code (`invalid_province_code`), unknown query parameter, bad `limit` or `cursor`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No province has this code (`province_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/provinces/{code}/communes")]
pub async fn list_communes(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<PageParams>,
) -> Result<web::Json<Page<CommuneView>>, ApiError> {
    let units = state.units();
    let province = params::province_code("code", &path)?;
    let page = PageRequest::parse("communes", query.cursor.as_deref(), query.limit)?;
    let units = units.current();
    let rows = units
        .communes_of(
            province.as_str(),
            page.after.as_deref(),
            page.limit.probe_len(),
        )
        .ok_or_else(|| ApiError::NotFound(Missing::Province(province.to_string())))?;
    let (rows, next_cursor) = paginate(rows, page.limit, "communes", |c| c.commune.code.clone());
    let items = rows
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// One commune, ward or special zone, with its province and the office that answers for it.
#[utoipa::path(
    tag = "admin units",
    params(("code" = String, Path, description = "Five-digit GSO commune code", example = "00004", pattern = "^[0-9]{5}$")),
    responses(
        (status = 200, description = "The commune", body = CommuneDetailView),
        (status = 400, description = "Malformed commune code (`invalid_commune_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No commune has this code (`commune_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/communes/{code}")]
pub async fn get_commune(
    state: web::Data<AppState>,
    path: web::Path<String>,
    _: web::Query<NoParams>,
) -> Result<web::Json<CommuneDetailView>, ApiError> {
    let units = state.units();
    let code = params::commune_code("code", &path)?;
    let units = units.current();
    let detail = units
        .commune(code.as_str())
        .ok_or_else(|| ApiError::NotFound(Missing::Commune(code.to_string())))?;
    Ok(web::Json(detail.try_into()?))
}
