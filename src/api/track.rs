//! The citizen's view of one petition, by tracking code and receipt secret.

use actix_web::{HttpRequest, get, web};

use super::citizen::{receipt_secret, throttle_by_address};
use super::params::NoParams;
use super::petition_views::AsOf;
use super::petition_views::TrackView;
use crate::auth::secret_matches;
use crate::db::petitions;
use crate::domain::lang::Lang;
use crate::domain::tracking::TrackingCode;
use crate::error::{ApiError, BadInput, Missing, Unrecognised};
use crate::state::AppState;

/// Follow a petition with its tracking code and receipt secret.
///
/// For citizens, without an account: the status, the office and the deadlines, nothing else.
/// A wrong secret is indistinguishable from an unknown code; each client address has a small
/// budget of look-ups.
#[utoipa::path(
    tag = "tracking",
    params(
        ("tracking_code" = String, Path, description = "As printed (`7KQ2M-X9F3C`); case, hyphens and spaces do not matter", example = "7KQ2M-X9F3C"),
        ("X-Receipt-Secret" = String, Header, description = "The receipt secret given at submission"),
        ("Accept-Language" = Option<String>, Header, description = "`vi` (default) or `en`: the language of `office_name`"),
    ),
    responses(
        (status = 200, description = "Where the petition is", body = TrackView),
        (status = 400, description = "Not a tracking code, or one with a typing mistake (`invalid_tracking_code`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No `X-Receipt-Secret` header (`receipt_secret_required`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown code or wrong secret (`petition_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many look-ups from this address (`rate_limited`); see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable (`service_unavailable`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/track/{tracking_code}")]
pub async fn track(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    lang: Lang,
    _: web::Query<NoParams>,
) -> Result<web::Json<TrackView>, ApiError> {
    let now = state.now();
    let db = state.db();
    let calendars = state.calendars();
    throttle_by_address(&req, &state)?;
    let code =
        TrackingCode::parse(&path).map_err(|e| ApiError::BadRequest(BadInput::TrackingCode(e)))?;
    let secret = receipt_secret(&req).ok_or(ApiError::Unauthenticated(
        Unrecognised::MissingReceiptSecret,
    ))?;
    let detail = db
        .read(
            move |conn| match petitions::by_tracking_code(conn, code.as_str())? {
                Some((id, hash)) if secret_matches(&hash, &secret) => petitions::detail(conn, id),
                _ => Ok(None),
            },
        )
        .await?
        .ok_or(ApiError::NotFound(Missing::Petition))?;
    let as_of = AsOf::new(calendars.current(), now);
    Ok(web::Json(TrackView::new(&detail, lang, &as_of)?))
}
