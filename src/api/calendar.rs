//! The working-day calendar (DESIGN §3.2): the year's days off and make-up working days, a
//! public deadline calculator that explains itself, and the admins' changes to a day.

use actix_web::{HttpRequest, get, put, web};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body;
use super::params::NoParams;
use crate::auth::staff::Staff;
use crate::domain::calendar::{
    self, DayChange, DayKind, Explanation, FIRST_YEAR, LAST_YEAR, MAX_DAYS, SpecialDay,
};
use crate::domain::clock::{Calendar, DayType, end_of_day, vietnam};
use crate::domain::staff::Role;
use crate::error::{ApiError, BadInput};
use crate::service;
use crate::state::AppState;

/// One year of the calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearView {
    #[schema(example = 2026)]
    pub year: i32,
    /// No official decision for this year is known: its days come from the rules (fixed
    /// holidays, the Vietnamese lunar calendar, compensatory days) and may still change.
    pub provisional: bool,
    /// Stored with every deadline computed with this calendar.
    #[schema(example = "vn-2026.1")]
    pub calendar_version: String,
    /// Weekdays off: public holidays, compensatory days, days the government gave off.
    pub days_off: Vec<SpecialDay>,
    /// Saturdays and Sundays worked to make up for a day off.
    pub working_days: Vec<SpecialDay>,
}

/// A year's days off and make-up working days.
#[utoipa::path(
    tag = "calendar",
    params(("year" = i32, Path, description = "The year", example = 2026, minimum = 1990, maximum = 2100)),
    responses(
        (status = 200, description = "The year's calendar", body = CalendarYearView),
        (status = 400, description = "Not a year the calendar covers (`invalid_year`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/{year}")]
pub async fn get_year(
    state: web::Data<AppState>,
    path: web::Path<String>,
    _: web::Query<NoParams>,
) -> Result<web::Json<CalendarYearView>, ApiError> {
    let calendars = state.calendars();
    let given = path.into_inner();
    let year = given
        .parse::<i32>()
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
        .ok_or(ApiError::BadRequest(BadInput::Year(given)))?;
    let calendar = calendars.current();
    let view = calendar.year(year);
    Ok(web::Json(CalendarYearView {
        year,
        provisional: view.provisional,
        calendar_version: calendar.version().to_owned(),
        // Weekdays only: a holiday on a weekend changes nothing by itself (its compensatory
        // day, a weekday, is listed).
        days_off: view
            .days_off
            .into_iter()
            .filter(|d| {
                use chrono::Datelike;
                d.date.weekday().number_from_monday() <= 5
            })
            .collect(),
        working_days: view.working_weekends,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadlineParams {
    /// The day of the start event (receipt, acceptance), which is not counted.
    #[param(value_type = String, format = Date, example = "2026-02-13")]
    pub start: String,
    /// Length of the period, 0–3650.
    #[param(value_type = u32, example = 2)]
    pub days: String,
    pub day_type: DayType,
}

/// A computed deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    /// The period's last day.
    #[schema(example = "2026-02-24")]
    pub due_date: NaiveDate,
    /// The end of the last day: 23:59:59 in Vietnam.
    pub due_at: DateTime<FixedOffset>,
    pub calendar_version: String,
    /// The count reaches into a year without an official decision.
    pub provisional: bool,
    pub explanation: Explanation,
}

/// When a period ends, counted as the law counts it.
///
/// Civil Code 2015 art. 147–148: the start day is not counted; a working-day period counts
/// only working days; a calendar-day period whose last day is not a working day ends at the
/// end of the next working day. The explanation lists every day counted and every day skipped,
/// with the reason.
#[utoipa::path(
    tag = "calendar",
    params(DeadlineParams),
    responses(
        (status = 200, description = "The deadline and how it was reached", body = DeadlineView),
        (status = 400, description = "A bad `start` (`invalid_date`), `days` (`invalid_days`) or `day_type`, or an unknown parameter (`invalid_query`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/calendar/deadline")]
pub async fn deadline(
    state: web::Data<AppState>,
    query: web::Query<DeadlineParams>,
) -> Result<web::Json<DeadlineView>, ApiError> {
    let calendars = state.calendars();
    let q = query.into_inner();
    let start = date("start", &q.start)?;
    let days = q
        .days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| *d <= MAX_DAYS)
        .ok_or_else(|| ApiError::BadRequest(BadInput::DayCount(q.days.clone())))?;
    let calendar = calendars.current();
    let explanation =
        calendar::explain(calendar.as_ref(), start, days, q.day_type).map_err(|_| {
            ApiError::BadRequest(BadInput::Date {
                field: "start",
                given: q.start.clone(),
            })
        })?;
    Ok(web::Json(deadline_view(calendar.as_ref(), explanation)))
}

pub fn deadline_view(
    calendar: &calendar::VietnamCalendar,
    explanation: Explanation,
) -> DeadlineView {
    use chrono::Datelike;
    let due_date = explanation.due_date;
    let provisional =
        (explanation.start.year()..=due_date.year()).any(|y| calendar.is_provisional(y));
    DeadlineView {
        due_date,
        due_at: end_of_day(due_date).with_timezone(&vietnam()),
        calendar_version: calendar.version().to_owned(),
        provisional,
        explanation,
    }
}

/// A date parameter, within the calendar's years.
fn date(field: &'static str, given: &str) -> Result<NaiveDate, ApiError> {
    use chrono::Datelike;
    NaiveDate::parse_from_str(given.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (FIRST_YEAR..=LAST_YEAR).contains(&d.year()))
        .ok_or_else(|| {
            ApiError::BadRequest(BadInput::Date {
                field,
                given: given.to_owned(),
            })
        })
}

/// What a day becomes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayUpdate {
    /// `holiday`: nobody works (a day off given by the government); `working`: a make-up
    /// working day, even on a weekend.
    pub kind: DayKind,
    /// What the day is, as the decision names it.
    #[schema(example = "Nghỉ bù Quốc khánh")]
    pub name: String,
    /// The same day every year from this one on: a holiday the law adds from a year (such as
    /// 24 November, Vietnamese Culture Day); with `working`, the end of such a holiday from
    /// this year on. Default `false`: this day only.
    #[serde(default)]
    pub recurring: bool,
}

/// The day after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayChangeView {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
    pub recurring: bool,
    /// The calendar's new version.
    pub calendar_version: String,
    /// Running clocks whose due time moved, each recorded as a `deadline.recomputed` event.
    pub recomputed_clocks: usize,
}

/// Change a day (admins).
///
/// Makes a day a holiday or a working day, for example after a government decision swapping
/// days; with `recurring`, the same day every year from this one on. Every change is kept; the
/// calendar's version moves on, and running clocks the days can move are recomputed at once in
/// the same transaction, each with a `deadline.recomputed` event.
#[utoipa::path(
    tag = "calendar",
    params(("date" = String, Path, format = Date, description = "The day, YYYY-MM-DD", example = "2027-04-30")),
    request_body = DayUpdate,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The day changed", body = DayChangeView),
        (status = 400, description = "A bad date (`invalid_date`) or not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an empty or overlong name, an unknown kind", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/calendar/days/{date}")]
pub async fn change_day(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<web::Json<DayChangeView>, ApiError> {
    staff.require(&[Role::Admin])?;
    let day = date("date", &path)?;
    let update = body::parse::<DayUpdate>(&req, &payload)?.value;
    let change = DayChange {
        date: day,
        kind: update.kind,
        name: update.name,
        recurring: update.recurring,
    };
    let by = staff.user_id;
    let now = state.now();
    let changed = state
        .service
        .transaction(move |tx| service::calendar::change_day(tx, by, change, now))
        .await
        .map_err(ApiError::from)?;
    let version = changed.calendar.version().to_owned();
    // Put in use only now that the change has committed.
    state.calendars().replace(changed.calendar);
    tracing::info!(date = %day, calendar_version = %version, recomputed = changed.recomputed, "calendar day changed");
    Ok(web::Json(DayChangeView {
        date: changed.change.date,
        kind: changed.change.kind,
        name: changed.change.name,
        recurring: changed.change.recurring,
        calendar_version: version,
        recomputed_clocks: changed.recomputed,
    }))
}
