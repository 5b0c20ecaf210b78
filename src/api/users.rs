//! Staff accounts: admins manage all; office heads add officials to their own office.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::body;
use super::idempotency::{self, Reply};
use super::params::PageRequest;
use super::staff_views::{CreateUser, UserView};
use super::views::Page;
use crate::auth::accounts::{self, AccountRequest};
use crate::auth::password;
use crate::auth::staff::Staff;
use crate::db::events::Actor;
use crate::db::users;
use crate::domain::pagination::paginate;
use crate::domain::petition::{Fault, Violation};
use crate::domain::staff::{Grant, GrantRefused, Role, may_grant};
use crate::error::ApiError;
use crate::service::{self, Tx};
use crate::state::AppState;

/// Create a staff account.
///
/// Admins create any account; an office head creates officials of their own office, without
/// `can_reveal_identity` (only admins grant it).
#[utoipa::path(
    tag = "staff",
    request_body = CreateUser,
    params(("Idempotency-Key" = Option<String>, Header, pattern = r"^[!-~]{1,255}$", description = "As for submissions")),
    security(("staff_token" = [])),
    responses(
        (status = 201, description = "Created", body = UserView, headers(("Location" = String, description = "/v1/users/{id}"))),
        (status = 400, description = "Not JSON, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor the office's head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: bad username, weak password (`weak_password`), username taken (`taken`), unknown office, office or scope not fitting the role, or a role, office or `can_reveal_identity` an office head may not give (`not_permitted`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(&[Role::Admin, Role::OfficeHead])?;
    let key = idempotency::key(&req)?;
    let parsed = body::parse::<CreateUser>(&req, &payload)?;
    let hash = idempotency::request_hash("POST /v1/users", &parsed.canonical);
    let c = parsed.value;
    let grant = Grant {
        role: c.role,
        office_id: c.office_id,
        can_reveal_identity: c.can_reveal_identity,
    };
    may_grant(staff.role, staff.office_id, &grant).map_err(refused)?;
    let request = AccountRequest {
        username: c.username,
        password: c.password,
        role: c.role,
        office_id: c.office_id,
        scope: c.scope,
        can_reveal_identity: c.can_reveal_identity,
    };
    let checked = accounts::check(&request).map_err(ApiError::Invalid)?;
    let password = request.password;
    let password_hash = password::off_the_workers(move || password::hash(&password))
        .await
        .map_err(|e| ApiError::internal("hashing a password", e))?
        .map_err(|e| ApiError::Internal(crate::error::Fault::text("hashing a password", e)))?;
    let by = Actor::Staff(staff.user_id);
    let now = state.now();
    let work = move |tx: &mut Tx| {
        let user = service::accounts::create(tx, &by, &checked, &password_hash, now)?;
        let location = format!("/v1/users/{}", user.id);
        Ok(Reply::json(StatusCode::CREATED, &UserView::try_from(user)?)?.at(location))
    };
    let scope = format!("user:{}", staff.user_id);
    idempotency::run(&state.service, scope, key, hash, now, work).await
}

/// A grant the caller may not give: a field at fault (422), or no right to manage accounts.
fn refused(why: GrantRefused) -> ApiError {
    match why.field() {
        Some(field) => ApiError::Invalid(vec![Violation::new(field, Fault::NotPermitted)]),
        None => ApiError::Forbidden,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UserListParams {
    /// Only this office's staff. Office heads always see their own office only.
    pub office_id: Option<i64>,
    pub cursor: Option<String>,
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// List staff accounts.
#[utoipa::path(
    tag = "staff",
    params(UserListParams),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "A page of accounts", body = Page<UserView>),
        (status = 400, description = "Unknown query parameter, bad `limit` or `cursor`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor an office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<UserListParams>,
) -> Result<web::Json<Page<UserView>>, ApiError> {
    let db = state.db();
    staff.require(&[Role::Admin, Role::OfficeHead])?;
    let q = query.into_inner();
    let office = match staff.role {
        Role::OfficeHead => staff.office_id,
        _ => q.office_id,
    };
    let page = PageRequest::parse("users", q.cursor.as_deref(), q.limit)?;
    let after = page.after_id()?;
    let take = page.limit.probe();
    let rows = db
        .read(move |conn| users::list(conn, office, after, take))
        .await?;
    let (rows, next_cursor) = paginate(rows, page.limit, "users", |u| u.id.to_string());
    let items = rows
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<_, _>>()?;
    Ok(web::Json(Page { items, next_cursor }))
}
