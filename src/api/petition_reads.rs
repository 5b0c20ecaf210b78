//! Reading petitions: each caller sees its own slice (DESIGN §3.5), an official their inbox.

use actix_web::{get, web};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{self, PageRequest};
use super::petition_views::ClockView;
use super::petition_views::{AsOf, CitizenView, PetitionPage, PetitionSummary, PetitionView};
use crate::auth::caller::Caller;
use crate::auth::partner::Partner;
use crate::db::Db;
use crate::db::inbox::{self, InboxCursor, InboxFilter};
use crate::db::petitions::{self, PetitionFilter};
use crate::domain::calendar::{self, Explanation};
use crate::domain::clock::{local_date, vietnam};
use crate::domain::confidentiality::{self, Hidden, IdentityShown, Reader, Sight};
use crate::domain::lang::Lang;
use crate::domain::pagination::paginate;
use crate::domain::petition::{Citizen, Kind};
use crate::domain::staff::Role;
use crate::domain::workflow::Status;
use crate::error::{ApiError, BadInput, Missing};
use crate::state::AppState;
use crate::vault::Vault;

use super::petitions::petition_id;

/// The identity sealed with a petition, opened.
pub(super) fn unseal(
    vault: &Vault,
    d: &petitions::PetitionDetail,
) -> Result<Option<Citizen>, ApiError> {
    let Some(sealed) = &d.identity else {
        return Ok(None);
    };
    let plain = vault
        .open(d.petition.public_id.as_bytes(), sealed)
        .map_err(|e| ApiError::internal("opening an identity", e))?;
    serde_json::from_slice(&plain)
        .map(Some)
        .map_err(|e| ApiError::internal("reading an opened identity", e))
}

/// Who `caller` is to a petition, for the confidentiality policy.
fn reader(caller: &Caller, p: &petitions::PetitionRow) -> Reader {
    match caller {
        // A partner only ever finds its own petitions (the lookup filters on it).
        Caller::Partner(_) => Reader::SubmittingPartner,
        Caller::Staff(staff) => match staff.role {
            Role::Official | Role::OfficeHead => match staff.office_id {
                Some(office) => Reader::OfficeStaff { office },
                None => Reader::Stranger,
            },
            Role::Supervisor => Reader::Supervisor {
                covers: staff
                    .scope
                    .as_ref()
                    .is_some_and(|s| s.covers(&p.province_code, &p.commune_code)),
            },
            Role::Admin => Reader::Admin,
        },
    }
}

/// What `caller` sees of the petition, or the 404/403 that says why nothing.
pub(super) fn sight(caller: &Caller, p: &petitions::PetitionRow) -> Result<Sight, ApiError> {
    confidentiality::sight(reader(caller, p), p.office_id).map_err(|hidden| match hidden {
        Hidden::NotFound => ApiError::NotFound(Missing::Petition),
        Hidden::Forbidden => ApiError::Forbidden,
    })
}

/// A petition as `caller` may see it.
pub fn view_for(
    caller: &Caller,
    vault: &Vault,
    detail: &petitions::PetitionDetail,
    as_of: &AsOf,
    lang: Lang,
) -> Result<PetitionView, ApiError> {
    let sight = sight(caller, &detail.petition)?;
    let p = &detail.petition;
    let denunciation = confidentiality::confidential(p.kind, p.filed_kind);
    let citizen = match confidentiality::identity_shown(sight, denunciation) {
        IdentityShown::Nothing => None,
        IdentityShown::PartnerReference => unseal(vault, detail)?.map(|c| CitizenView {
            partner_ref: c.partner_ref,
            ..CitizenView::default()
        }),
        IdentityShown::Everything => unseal(vault, detail)?.map(|c| CitizenView {
            partner_ref: c.partner_ref,
            full_name: c.full_name,
            phone: c.phone,
            email: c.email,
            address: c.address,
            id_number: c.id_number,
        }),
    };
    let view = PetitionView::new(detail, citizen, as_of, lang)?;
    Ok(if confidentiality::content_shown(sight, denunciation) {
        view
    } else {
        view.without_content()
    })
}

/// Loads a petition that `caller` may act on or read, or the 404/403 that says why not.
pub async fn visible(
    db: &Db,
    caller: &Caller,
    public_id: String,
) -> Result<petitions::PetitionDetail, ApiError> {
    let partner = match caller {
        Caller::Partner(p) => Some(p.id),
        Caller::Staff(_) => None,
    };
    let detail = db
        .read(move |conn| {
            let id = match partner {
                Some(partner) => petitions::id_for_partner(conn, partner, &public_id)?,
                None => petitions::id_of(conn, &public_id)?,
            };
            match id {
                Some(id) => petitions::detail(conn, id),
                None => Ok(None),
            }
        })
        .await?
        .ok_or(ApiError::NotFound(Missing::Petition))?;
    sight(caller, &detail.petition)?;
    Ok(detail)
}

/// Read one petition.
///
/// A partner reads what it submitted; an official, their office's petitions (with the
/// petitioner's identity, except a denouncer's); a supervisor, petitions in scope without
/// identities or a denunciation's content.
#[utoipa::path(
    tag = "petitions",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`")),
    security(("api_key" = []), ("staff_token" = [])),
    responses(
        (status = 200, description = "The petition", body = PetitionView),
        (status = 400, description = "Not a petition id (`invalid_petition_id`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No credentials, or wrong ones", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "An admin: petitions are not theirs to read (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition visible to the caller (`petition_not_found`): another partner's, another office's, or out of scope", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/petitions/{id}")]
pub async fn get_petition(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    lang: Lang,
    _: web::Query<params::NoParams>,
) -> Result<web::Json<PetitionView>, ApiError> {
    let now = state.now();
    let db = state.db();
    let vault = state.vault();
    let calendars = state.calendars();
    let public_id = petition_id(&path)?;
    let detail = visible(db, &caller, public_id).await?;
    let as_of = AsOf::new(calendars.current(), now);
    Ok(web::Json(view_for(&caller, vault, &detail, &as_of, lang)?))
}

/// A petition's legal clocks, each with how its due date was reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlinesView {
    /// The petition's `id`.
    pub petition_id: String,
    /// The instant the statuses and overdue counts are as of.
    pub as_of: DateTime<FixedOffset>,
    pub clocks: Vec<ClockDeadlineView>,
}

/// One clock and its explanation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockDeadlineView {
    #[serde(flatten)]
    pub clock: ClockView,
    /// The period's last day.
    pub due_date: NaiveDate,
    /// The count, day by day, under the calendar in use now: the days counted and the days
    /// skipped, with why.
    pub explanation: Explanation,
}

/// A petition's deadlines, explained.
///
/// Each clock with its start, length, day type, due time, status (`running`, `met`,
/// `missed`, `stopped`), legal basis, the rule and calendar versions it was computed with, and
/// an explanation listing every day counted and every day skipped and why (Civil Code art.
/// 147–148). Seen by whoever may read the petition.
#[utoipa::path(
    tag = "petitions",
    params(("id" = String, Path, format = Uuid, description = "The petition's `id`")),
    security(("api_key" = []), ("staff_token" = [])),
    responses(
        (status = 200, description = "The petition's clocks", body = DeadlinesView),
        (status = 400, description = "Not a petition id (`invalid_petition_id`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No credentials, or wrong ones", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "An admin: petitions are not theirs to read (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such petition visible to the caller (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/petitions/{id}/deadlines")]
pub async fn get_deadlines(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    _: web::Query<params::NoParams>,
) -> Result<web::Json<DeadlinesView>, ApiError> {
    let now = state.now();
    let db = state.db();
    let calendars = state.calendars();
    let public_id = petition_id(&path)?;
    let detail = visible(db, &caller, public_id).await?;
    let as_of = AsOf::new(calendars.current(), now);
    let clocks = detail
        .clocks
        .iter()
        .map(|row| {
            let clock = ClockView::new(row, &as_of)?;
            let start = local_date(row.started_at.and_utc());
            let days = u32::try_from(row.length_days).unwrap_or(0);
            let explanation =
                calendar::explain(as_of.calendar.as_ref(), start, days, clock.day_type).map_err(
                    |e| {
                        ApiError::Internal(crate::error::Fault::text(
                            "a stored clock the calendar cannot explain",
                            e,
                        ))
                    },
                )?;
            Ok(ClockDeadlineView {
                due_date: local_date(row.due_at.and_utc()),
                clock,
                explanation,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(web::Json(DeadlinesView {
        petition_id: detail.petition.public_id.clone(),
        as_of: as_of.now.with_timezone(&vietnam()),
        clocks,
    }))
}

/// Filters and paging of a petition list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PetitionListParams {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    /// Officials: only this category.
    #[param(example = "land")]
    pub category: Option<String>,
    /// Officials: only petitions whose nearest deadline has passed.
    pub overdue: Option<bool>,
    /// Officials: only petitions whose nearest deadline is before this instant (RFC 3339).
    pub due_before: Option<DateTime<Utc>>,
    /// Five-digit GSO commune code.
    #[param(example = "00004", pattern = "^[0-9]{5}$")]
    pub commune_code: Option<String>,
    /// Received at or after this instant (RFC 3339).
    pub received_from: Option<DateTime<Utc>>,
    /// Received before this instant (RFC 3339).
    pub received_before: Option<DateTime<Utc>>,
    /// `next_cursor` from the previous page; omit for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// List petitions.
///
/// A partner: what it submitted, newest first (filters `status`, `kind`, `commune_code`,
/// `received_from`, `received_before`). An official or office head: their office's inbox,
/// nearest deadline first, then petitions with no running clock, newest first (filters
/// `status`, `kind`, `category`, `overdue`, `due_before`), with counts per status.
#[utoipa::path(
    tag = "petitions",
    params(PetitionListParams),
    security(("api_key" = []), ("staff_token" = [])),
    responses(
        (status = 200, description = "A page of petitions", body = PetitionPage),
        (status = 400, description = "Unknown or malformed query parameter, bad `limit` or `cursor`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No credentials, or wrong ones", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A supervisor or admin (supervisors use `/v1/oversight`) (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the request budget (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/petitions")]
pub async fn list_petitions(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PetitionListParams>,
) -> Result<web::Json<PetitionPage>, ApiError> {
    let now = state.now();
    let db = state.db();
    let calendars = state.calendars();
    let q = query.into_inner();
    let as_of = AsOf::new(calendars.current(), now);
    match caller {
        Caller::Partner(partner) => partner_list(partner, q, db, &as_of).await,
        Caller::Staff(staff) => {
            staff.require(&[Role::Official, Role::OfficeHead])?;
            let office = staff.office_id.ok_or(ApiError::Forbidden)?;
            inbox(office, q, db, &as_of).await
        }
    }
}

async fn partner_list(
    partner: Partner,
    q: PetitionListParams,
    db: &Db,
    as_of: &AsOf,
) -> Result<web::Json<PetitionPage>, ApiError> {
    if q.category.is_some() || q.overdue.is_some() || q.due_before.is_some() {
        return Err(ApiError::BadRequest(BadInput::Query(
            "category, overdue and due_before filter an office's inbox, not a partner's list"
                .into(),
        )));
    }
    let page = PageRequest::parse("petitions", q.cursor.as_deref(), q.limit)?;
    let before = page.after_id()?;
    let commune_code = q
        .commune_code
        .map(|c| params::commune_code("commune_code", &c).map(|c| c.as_str().to_owned()))
        .transpose()?;
    let filter = PetitionFilter {
        partner_id: Some(partner.id),
        status: q.status,
        kind: q.kind,
        commune_code,
        received_from: q.received_from.map(|t| t.naive_utc()),
        received_before: q.received_before.map(|t| t.naive_utc()),
    };
    let take = page.limit.probe();
    let rows = db
        .read(move |conn| petitions::list(conn, &filter, before, take))
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "petitions", |(p, _)| p.id.to_string());
    let items = rows
        .into_iter()
        .map(|(p, o)| PetitionSummary::new(p, o, as_of))
        .collect::<Result<_, _>>()?;
    Ok(web::Json(PetitionPage {
        items,
        next_cursor,
        counts: None,
    }))
}

async fn inbox(
    office: i64,
    q: PetitionListParams,
    db: &Db,
    as_of: &AsOf,
) -> Result<web::Json<PetitionPage>, ApiError> {
    if q.commune_code.is_some() || q.received_from.is_some() || q.received_before.is_some() {
        return Err(ApiError::BadRequest(BadInput::Query(
            "commune_code, received_from and received_before filter a partner's list, not an inbox"
                .into(),
        )));
    }
    let page = PageRequest::parse("inbox", q.cursor.as_deref(), q.limit)?;
    let cursor = page
        .after
        .as_deref()
        .map(|a| InboxCursor::decode(a).ok_or(ApiError::BadRequest(BadInput::Cursor)))
        .transpose()?;
    let now = as_of.now.naive_utc();
    let filter = InboxFilter {
        status: q.status,
        kind: q.kind,
        category: q.category,
        overdue_at: q.overdue.filter(|o| *o).map(|_| now),
        due_before: q.due_before.map(|t| t.naive_utc()),
    };
    let take = page.limit.probe();
    let (rows, counts) = db
        .read(move |conn| {
            let rows = inbox::page(conn, office, &filter, cursor.as_ref(), take)?;
            Ok((rows, inbox::counts(conn, office)?))
        })
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "inbox", |(_, _, c)| c.encode());
    let items = rows
        .into_iter()
        .map(|(p, o, _)| PetitionSummary::new(p, o, as_of))
        .collect::<Result<_, _>>()?;
    Ok(web::Json(PetitionPage {
        items,
        next_cursor,
        counts: Some(counts.into_iter().collect()),
    }))
}
