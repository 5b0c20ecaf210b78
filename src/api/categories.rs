//! Categories of commune matters.

use actix_web::{get, web};

use super::params::NoParams;
use super::views::{CategoryView, Page};
use crate::db::reference;
use crate::domain::lang::Lang;
use crate::error::ApiError;
use crate::state::AppState;

/// Every category, in display order. `name` follows `Accept-Language`.
#[utoipa::path(
    tag = "categories",
    params(("Accept-Language" = Option<String>, Header, description = "`vi` (default) or `en`: the language of `name`", example = "en")),
    responses(
        (status = 200, description = "Categories; the list is short and never paged (`next_cursor` is always null)", body = Page<CategoryView>),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/categories")]
pub async fn list_categories(
    state: web::Data<AppState>,
    lang: Lang,
    _: web::Query<NoParams>,
) -> Result<web::Json<Page<CategoryView>>, ApiError> {
    let db = state.db();
    let rows = db.read(reference::list_categories).await?;
    let items = rows
        .into_iter()
        .map(|c| CategoryView::new(c, lang))
        .collect();
    Ok(web::Json(Page {
        items,
        next_cursor: None,
    }))
}
