//! An office's notices: what it is told to act on, such as a denunciation overdue at an office
//! below it (Law on Denunciations 25/2018/QH14 art. 38).

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use super::params::{PageParams, PageRequest};
use super::petition_views::tracking_code;
use super::views::{OfficeSummary, Page};
use crate::auth::staff::Staff;
use crate::db::notices;
use crate::domain::clock::vietnam;
use crate::domain::pagination::paginate;
use crate::domain::petition::Kind;
use crate::domain::staff::Role;
use crate::error::ApiError;
use crate::state::AppState;

/// A notice to the caller's office.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeItem {
    pub id: i64,
    /// `denunciation_overdue`: a denunciation at `office` ran past its deadline; the denouncer
    /// may turn to this office, which may ask `office` for a report (art. 38).
    #[schema(example = "denunciation_overdue")]
    pub reason: String,
    /// The petition's `id`. Its content and the denouncer stay with the handling office.
    pub petition_id: String,
    #[schema(example = "7KQ2M-X9F3C")]
    pub tracking_code: String,
    pub kind: Kind,
    /// The office handling the petition.
    pub office: OfficeSummary,
    pub created_at: DateTime<FixedOffset>,
}

/// The caller's office's notices, newest first.
#[utoipa::path(
    tag = "workflow",
    params(PageParams),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "A page of notices", body = Page<NoticeItem>),
        (status = 400, description = "Unknown query parameter, bad `limit` or `cursor`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an official or office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/notices")]
pub async fn list_notices(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<PageParams>,
) -> Result<web::Json<Page<NoticeItem>>, ApiError> {
    let db = state.db();
    staff.require(&[Role::Official, Role::OfficeHead])?;
    let office = staff.office_id.ok_or(ApiError::Forbidden)?;
    let page = PageRequest::parse("notices", query.cursor.as_deref(), query.limit)?;
    let before = page.after_id()?;
    let take = page.limit.probe();
    let rows = db
        .read(move |conn| notices::for_office(conn, office, before, take))
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "notices", |n| n.id.to_string());
    let items = rows
        .into_iter()
        .map(|n| {
            Ok(NoticeItem {
                id: n.id,
                reason: n.reason,
                petition_id: n.petition_public_id,
                tracking_code: tracking_code(&n.tracking_code),
                kind: n.kind,
                office: n.holder.into(),
                created_at: n.created_at.and_utc().with_timezone(&vietnam()),
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}
