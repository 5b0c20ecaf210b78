//! A supervisor's overdue queue (DESIGN §3.8): the petitions in scope past a running deadline,
//! the longest overdue first, without identities or a denunciation's content (DESIGN §3.5,
//! §3.6).

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::PageRequest;
use super::petition_views::{AsOf, local_time, tracking_code};
use super::supervision::positive_office;
use super::views::{OfficeSummary, Page};
use crate::auth::staff::Staff;
use crate::db::overdue::{self, OverdueFilter};
use crate::domain::clock::ClockName;
use crate::domain::confidentiality;
use crate::domain::pagination::paginate;
use crate::domain::petition::Kind;
use crate::domain::staff::{Role, Scope};
use crate::domain::workflow::Status;
use crate::error::{ApiError, BadInput};
use crate::state::AppState;

/// Filters and paging of the overdue queue.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverdueParams {
    /// Only petitions this office handles.
    #[param(example = 36)]
    pub office_id: Option<i64>,
    pub kind: Option<Kind>,
    /// `next_cursor` from the previous page; omit for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// A petition past a running deadline, as a supervisor may see it: never who sent it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueItem {
    /// The petition's `id` (`GET /v1/petitions/{id}`).
    pub id: String,
    #[schema(example = "7KQ2M-X9F3C")]
    pub tracking_code: String,
    pub kind: Kind,
    #[schema(example = "environment")]
    pub category: String,
    /// The office handling it.
    pub office: OfficeSummary,
    #[schema(example = "00004")]
    pub commune_code: String,
    #[schema(example = "01")]
    pub province_code: String,
    pub status: Status,
    /// Null for a denunciation: its content is confidential (Law on Denunciations art. 47).
    pub title: Option<String>,
    pub received_at: DateTime<FixedOffset>,
    /// The running clock that ran out first.
    pub overdue_clock: ClockName,
    /// When it ran out.
    pub due_at: DateTime<FixedOffset>,
    /// Working days past `due_at`.
    #[schema(example = 3)]
    pub overdue_working_days: u32,
}

/// The scope a caller oversees: a supervisor's own, an admin the nation.
pub(super) fn scope(staff: &Staff) -> Result<Scope, ApiError> {
    match staff.role {
        Role::Supervisor => staff.scope.clone().ok_or(ApiError::Forbidden),
        Role::Admin => Ok(Scope::National),
        Role::Official | Role::OfficeHead => Err(ApiError::Forbidden),
    }
}

fn after(text: &str) -> Option<(chrono::NaiveDateTime, i64)> {
    let (micros, id) = text.split_once('.')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some((at, id.parse().ok()?))
}

/// Overdue petitions in the caller's scope, the longest overdue first.
///
/// For supervisors (their scope) and admins (the nation): petitions with a running deadline
/// that has passed, ordered by the earliest such deadline. No petitioner's identity is shown,
/// and for a denunciation no title (DESIGN §3.5).
#[utoipa::path(
    tag = "oversight",
    params(OverdueParams),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "A page of overdue petitions", body = Page<OverdueItem>),
        (status = 400, description = "Unknown or malformed query parameter (`invalid_query`), bad `limit` (`invalid_limit`) or `cursor` (`invalid_cursor`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one (`unauthenticated`, `invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a supervisor nor an admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/oversight/overdue")]
pub async fn list_overdue(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<OverdueParams>,
) -> Result<web::Json<Page<OverdueItem>>, ApiError> {
    let now = state.now();
    let db = state.db();
    let calendars = state.calendars();
    let q = query.into_inner();
    let scope = scope(&staff)?;
    let office_id = q.office_id.map(positive_office).transpose()?;
    let page = PageRequest::parse("overdue", q.cursor.as_deref(), q.limit)?;
    let after = page
        .after
        .as_deref()
        .map(|a| after(a).ok_or(ApiError::BadRequest(BadInput::Cursor)))
        .transpose()?;
    let as_of = AsOf::new(calendars.current(), now);
    let filter = OverdueFilter {
        scope,
        office_id,
        kind: q.kind,
        now: as_of.now.naive_utc(),
    };
    let take = page.limit.probe();
    let rows = db
        .read(move |conn| overdue::page(conn, &filter, after, take))
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "overdue", |(p, ..)| {
        format!(
            "{}.{}",
            p.next_due_at
                .unwrap_or_default()
                .and_utc()
                .timestamp_micros(),
            p.id
        )
    });
    let items = rows
        .into_iter()
        // A petition the office acted on between the two reads is no longer overdue.
        .filter_map(|(p, office, clock)| clock.map(|c| (p, office, c)))
        .map(|(p, office, clock)| {
            let kind = p.kind;
            Ok(OverdueItem {
                tracking_code: tracking_code(&p.tracking_code),
                kind,
                category: p.category_code,
                office: office.into(),
                commune_code: p.commune_code,
                province_code: p.province_code,
                status: p.status,
                title: (!confidentiality::confidential(kind, p.filed_kind)).then_some(p.title),
                received_at: local_time(p.received_at),
                overdue_clock: clock.name,
                due_at: local_time(clock.due_at),
                overdue_working_days: as_of.overdue(Some(clock.due_at)),
                id: p.public_id,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}
