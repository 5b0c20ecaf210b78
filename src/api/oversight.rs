//! The Fatherland Front's view of the offices it oversees (DESIGN §3.8): each office in the
//! supervisor's scope with its response record for a period and what it holds overdue now.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::overdue::scope;
use super::params::PageRequest;
use super::views::{OfficeSummary, Page};
use crate::auth::staff::Staff;
use crate::db::stats::query::{self, Slice};
use crate::db::stats::rollup::ALL;
use crate::domain::clock::local_date;
use crate::domain::pagination::paginate;
use crate::domain::stats::{Level, Metric, Period, Rate, Totals, YearMonth};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OversightOfficesParams {
    /// `YYYY`, `YYYY-Qn` or `YYYY-MM`; this year (in Vietnam) when absent.
    #[param(example = "2026")]
    pub period: Option<String>,
    /// `next_cursor` from the previous page; omit for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// An office's record as its supervisor sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeRecord {
    pub office: OfficeSummary,
    #[schema(example = "00004")]
    pub commune_code: Option<String>,
    #[schema(example = "01")]
    pub province_code: String,
    #[schema(example = "2026")]
    pub period: String,
    /// Petitions past their nearest running deadline now (not a rollup: counted at the
    /// request).
    pub overdue_now: i64,
    pub received: i64,
    pub answered: i64,
    /// The rates of `GET /v1/stats` for the office and period. Supervisors may read the
    /// petitions themselves, so small cells are not suppressed here; each rate still comes
    /// with its n and interval, which says how little a small n shows.
    pub response_rate: Rate,
    pub on_time_rate: Rate,
    pub ack_on_time_rate: Rate,
    pub satisfaction_rate: Rate,
    pub supervision_filed: i64,
    pub supervision_answered: i64,
    pub supervision_on_time_rate: Rate,
}

fn rate(totals: &Totals, metric: Metric) -> Rate {
    Rate::of(totals.successes(metric), totals.base(metric), 0)
}

/// The offices in the caller's scope, with their response record and overdue petitions.
///
/// For supervisors (their commune, province or the nation) and admins (the nation), by office
/// id. Rates are for `period`, from the statistics' rollups; `overdue_now` is counted now.
#[utoipa::path(
    tag = "oversight",
    params(OversightOfficesParams),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "A page of offices", body = Page<OfficeRecord>),
        (status = 400, description = "A bad `period` (`invalid_period`), `limit` (`invalid_limit`) or `cursor` (`invalid_cursor`), or an unknown parameter (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one (`unauthenticated`, `invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither a supervisor nor an admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/oversight/offices")]
pub async fn list_offices(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<OversightOfficesParams>,
) -> Result<web::Json<Page<OfficeRecord>>, ApiError> {
    let now = state.now();
    let db = state.db();
    let q = query.into_inner();
    let scope = scope(&staff)?;
    let period = match &q.period {
        Some(given) => super::stats::period("period", given)?,
        None => Period::Year(
            YearMonth::of(local_date(now))
                .map(|m| m.year())
                .ok_or_else(|| ApiError::bug("today is outside the calendar's years"))?,
        ),
    };
    let page = PageRequest::parse("oversight-offices", q.cursor.as_deref(), q.limit)?;
    let after = page.after_id()?;
    let take = page.limit.probe();
    let months = period.months();
    let (Some(first), Some(last)) = (months.first().copied(), months.last().copied()) else {
        return Err(ApiError::bug("a period without months"));
    };
    let (offices, totals, overdue) = db
        .read(move |conn| {
            let offices = crate::db::oversight::offices_in(conn, &scope, after, take)?;
            let ids: Vec<i64> = offices.iter().map(|o| o.office.id).collect();
            let codes: Vec<String> = ids.iter().map(i64::to_string).collect();
            let slice = Slice {
                kind: ALL,
                category: ALL,
                first,
                last,
            };
            let totals = query::totals_of(conn, Level::Office, &codes, &slice)?;
            let overdue = crate::db::oversight::overdue_now(conn, &ids, now.naive_utc())?;
            Ok((offices, totals, overdue))
        })
        .await?;
    let (offices, next_cursor) = paginate(offices, page.limit, "oversight-offices", |o| {
        o.office.id.to_string()
    });
    let items = offices
        .into_iter()
        .map(|o| {
            let t = totals
                .get(&o.office.id.to_string())
                .copied()
                .unwrap_or_default();
            OfficeRecord {
                overdue_now: overdue.get(&o.office.id).copied().unwrap_or(0),
                received: t.tally.received,
                answered: t.tally.answered,
                response_rate: rate(&t, Metric::ResponseRate),
                on_time_rate: rate(&t, Metric::OnTimeRate),
                ack_on_time_rate: rate(&t, Metric::AckOnTimeRate),
                satisfaction_rate: rate(&t, Metric::SatisfactionRate),
                supervision_filed: t.tally.supervision_filed,
                supervision_answered: t.tally.supervision_answered,
                supervision_on_time_rate: rate(&t, Metric::SupervisionOnTimeRate),
                office: o.office.into(),
                commune_code: o.commune_code,
                province_code: o.province_code,
                period: period.to_string(),
            }
        })
        .collect();
    Ok(web::Json(Page { items, next_cursor }))
}
