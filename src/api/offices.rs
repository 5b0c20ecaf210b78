//! Offices: the People's Committees (and later other bodies) that answer petitions.

use actix_web::{get, web};

use super::params::{self, NoParams, OfficeListParams, PageRequest};
use super::views::{OfficeDetailView, OfficeView, Page};
use crate::db::reference::{self, OfficeFilter};
use crate::domain::pagination::paginate;
use crate::error::{ApiError, Missing};
use crate::state::AppState;

/// Offices in id order, optionally only one tier or one province.
#[utoipa::path(
    tag = "offices",
    params(OfficeListParams),
    responses(
        (status = 200, description = "Offices", body = Page<OfficeView>),
        (status = 400, description = "Unknown query parameter or level, malformed province code, bad `limit` or `cursor` (`invalid_query`, `invalid_province_code`, `invalid_limit`, `invalid_cursor`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No province has the code given in `province` (`province_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/offices")]
pub async fn list_offices(
    state: web::Data<AppState>,
    query: web::Query<OfficeListParams>,
) -> Result<web::Json<Page<OfficeView>>, ApiError> {
    let db = state.db();
    let units = state.units();
    let query = query.into_inner();
    let province = query
        .province
        .as_deref()
        .map(|p| params::province_code("province", p))
        .transpose()?;
    let page = PageRequest::parse("offices", query.cursor.as_deref(), query.limit)?;
    let after = page.after_id()?;
    let filter = OfficeFilter {
        level: query.level.map(|l| l.code()),
        province: province.as_ref().map(|p| p.as_str().to_owned()),
    };
    let take = page.limit.probe();
    if let Some(code) = &province
        && units.current().province(code.as_str()).is_none()
    {
        return Err(ApiError::NotFound(Missing::Province(code.to_string())));
    }
    let rows = db
        .read(move |conn| reference::list_offices(conn, &filter, after, take))
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "offices", |o| o.id.to_string());
    let items = rows
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}

/// One office, with the office above it.
#[utoipa::path(
    tag = "offices",
    params(("id" = i64, Path, description = "Office id", example = 1, minimum = 1)),
    responses(
        (status = 200, description = "The office", body = OfficeDetailView),
        (status = 400, description = "The id is not a positive whole number (`invalid_office_id`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No office has this id (`office_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/offices/{id}")]
pub async fn get_office(
    state: web::Data<AppState>,
    path: web::Path<String>,
    _: web::Query<NoParams>,
) -> Result<web::Json<OfficeDetailView>, ApiError> {
    let db = state.db();
    let id = params::office_id(&path)?;
    let found = db
        .read(move |conn| reference::find_office(conn, id))
        .await?;
    let detail = found.ok_or(ApiError::NotFound(Missing::Office(id)))?;
    Ok(web::Json(detail.try_into()?))
}
