//! Staff accounts: admins manage all; office heads add officials to their own office.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::body;
use super::idempotency::{self, Reply};
use super::params::PageRequest;
use super::staff_views::{ChangeAccess, ChangePassword, CreateUser, ResetPassword, UserView};
use super::views::Page;
use crate::auth::accounts::{self, AccessRequest, AccountRequest};
use crate::auth::password;
use crate::auth::staff::Staff;
use crate::db::users;
use crate::domain::pagination::paginate;
use crate::domain::petition::{Fault, Violation};
use crate::domain::staff::{Grant, GrantRefused, Role, may_grant};
use crate::error::ApiError;
use crate::service::accounts::{AccountChange, AccountManager};
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
    let by = manager(&staff);
    // Refused before the costly hashing; the use case checks again where it applies.
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
    let password_hash = hashed(request.password).await?;
    let now = state.now();
    let work = move |tx: &mut Tx| {
        let user = service::accounts::create(tx, &by, &checked, &password_hash, now)?;
        let location = format!("/v1/users/{}", user.id);
        Ok(Reply::json(StatusCode::CREATED, &UserView::try_from(user)?)?.at(location))
    };
    let scope = format!("user:{}", staff.user_id);
    idempotency::run(&state.service, scope, key, hash, now, work).await
}

/// The caller as a manager of accounts.
fn manager(staff: &Staff) -> AccountManager {
    AccountManager {
        actor: crate::db::events::Actor::Staff(staff.user_id),
        role: staff.role,
        office_id: staff.office_id,
    }
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

/// Hashes a new password (the request's `field`) on the hashing pool, after checking its
/// strength against the account's username.
async fn new_password_hash(
    field: &str,
    password: String,
    username: &str,
) -> Result<String, ApiError> {
    if password::check_strength(&password, &[username]).is_err() {
        return Err(ApiError::Invalid(vec![Violation::new(
            field,
            Fault::WeakPassword,
        )]));
    }
    hashed(password).await
}

/// Hashes a password on the hashing pool, off the HTTP workers.
async fn hashed(password: String) -> Result<String, ApiError> {
    password::off_the_workers(move || password::hash(&password))
        .await
        .map_err(|e| ApiError::from_pool("hashing a password", e))?
        .map_err(|e| ApiError::Internal(crate::error::Fault::text("hashing a password", e)))
}

/// Loads account `id` as `staff` may see it: admins any, office heads their office's.
async fn visible_user(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<crate::db::users::UserRow, ApiError> {
    staff.require(&[Role::Admin, Role::OfficeHead])?;
    let user = state
        .db()
        .read(move |conn| users::find(conn, id))
        .await?
        .filter(|u| {
            staff.role == Role::Admin || (u.office_id.is_some() && u.office_id == staff.office_id)
        })
        .ok_or(ApiError::NotFound(crate::error::Missing::User))?;
    Ok(user)
}

/// Runs an account change, idempotently, and answers with the account as it now is.
async fn apply_change(
    state: &AppState,
    req: &HttpRequest,
    staff: &Staff,
    id: i64,
    what: &str,
    canonical: String,
    change: AccountChange,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::key(req)?;
    let hash = idempotency::request_hash(&format!("{what} /v1/users/{id}"), &canonical);
    let by = manager(staff);
    let now = state.now();
    let work = move |tx: &mut Tx| {
        let user = service::accounts::change(tx, &by, id, change.clone(), now)?;
        Reply::json(StatusCode::OK, &UserView::try_from(user)?)
    };
    let scope = format!("user:{}", staff.user_id);
    let response = idempotency::run(&state.service, scope, key, hash, now, work).await?;
    state.accounts.forget(id);
    Ok(response)
}

/// Read a staff account.
#[utoipa::path(
    tag = "staff",
    params(("id" = i64, Path, description = "The account's id", minimum = 1)),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The account", body = UserView),
        (status = 400, description = "Not a user id (`invalid_user_id`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor an office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account the caller may see (`user_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<String>,
    _: web::Query<crate::api::params::NoParams>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = crate::api::params::user_id(&path)?;
    let user = visible_user(&state, &staff, id).await?;
    Ok(web::Json(user.try_into()?))
}

/// Change an account's role, office, scope and reveal permission.
///
/// Replaces all four. Admins change any account; an office head changes the officials of their
/// own office, within what they may give (no other role or office, never the reveal
/// permission). The account's access tokens stop working within a minute and its refresh
/// tokens are revoked: its holder signs in again. Recorded as `user.changed`.
#[utoipa::path(
    tag = "staff",
    params(
        ("id" = i64, Path, description = "The account's id", minimum = 1),
        ("Idempotency-Key" = Option<String>, Header, description = "As for submissions"),
    ),
    request_body = ChangeAccess,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The account as it now is", body = UserView),
        (status = 400, description = "Not a user id, not JSON, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor an office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account the caller may manage (`user_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: office or scope not fitting the role, an unknown office, something the caller may not give (`not_permitted`), or one's own account (`user`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/users/{id}/access")]
pub async fn change_access(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = crate::api::params::user_id(&path)?;
    staff.require(&[Role::Admin, Role::OfficeHead])?;
    let parsed = body::parse::<ChangeAccess>(&req, &payload)?;
    let c = parsed.value;
    let access = accounts::check_access(&AccessRequest {
        role: c.role,
        office_id: c.office_id,
        scope: c.scope,
        can_reveal_identity: c.can_reveal_identity,
    })
    .map_err(ApiError::Invalid)?;
    let change = AccountChange::Access(access);
    apply_change(&state, &req, &staff, id, "PUT", parsed.canonical, change).await
}

/// Disable an account: it can no longer sign in, and its tokens stop working.
///
/// Admins disable any account but their own; an office head the officials of their office
/// without the reveal permission. Recorded as `user.disabled`.
#[utoipa::path(
    tag = "staff",
    params(
        ("id" = i64, Path, description = "The account's id", minimum = 1),
        ("Idempotency-Key" = Option<String>, Header, description = "As for submissions"),
    ),
    request_body(content = crate::api::petition_views::EmptyBody, description = "Empty, or `{}`"),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The account, disabled", body = UserView),
        (status = 400, description = "Not a user id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor an office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account the caller may manage (`user_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Already disabled (`unchanged`), or one's own account (`not_permitted`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = crate::api::params::user_id(&path)?;
    staff.require(&[Role::Admin, Role::OfficeHead])?;
    empty_body(&req, &payload)?;
    apply_change(
        &state,
        &req,
        &staff,
        id,
        "disable",
        String::new(),
        AccountChange::Disable,
    )
    .await
}

/// Enable a disabled account again.
///
/// As for disabling. Recorded as `user.enabled`.
#[utoipa::path(
    tag = "staff",
    params(
        ("id" = i64, Path, description = "The account's id", minimum = 1),
        ("Idempotency-Key" = Option<String>, Header, description = "As for submissions"),
    ),
    request_body(content = crate::api::petition_views::EmptyBody, description = "Empty, or `{}`"),
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The account, enabled", body = UserView),
        (status = 400, description = "Not a user id, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor an office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account the caller may manage (`user_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not disabled (`unchanged`), or one's own account (`not_permitted`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = crate::api::params::user_id(&path)?;
    staff.require(&[Role::Admin, Role::OfficeHead])?;
    empty_body(&req, &payload)?;
    apply_change(
        &state,
        &req,
        &staff,
        id,
        "enable",
        String::new(),
        AccountChange::Enable,
    )
    .await
}

/// Set a new password for an account (an admin, or the office's head for its officials).
///
/// Its holder's sessions end. Recorded as `user.password_reset` (never the password).
#[utoipa::path(
    tag = "staff",
    params(
        ("id" = i64, Path, description = "The account's id", minimum = 1),
        ("Idempotency-Key" = Option<String>, Header, description = "As for submissions"),
    ),
    request_body = ResetPassword,
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "The account", body = UserView),
        (status = 400, description = "Not a user id, not JSON, or a bad `Idempotency-Key`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an admin nor an office head (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account the caller may manage (`user_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A weak password (`weak_password`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable, or too many passwords are being hashed", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
    path: web::Path<String>,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = crate::api::params::user_id(&path)?;
    let user = visible_user(&state, &staff, id).await?;
    let parsed = body::parse::<ResetPassword>(&req, &payload)?;
    // The request's hash never holds the password itself.
    let canonical = crate::auth::secret_hash(&parsed.canonical);
    let password_hash =
        new_password_hash("password", parsed.value.password, &user.username).await?;
    let change = AccountChange::ResetPassword { password_hash };
    apply_change(&state, &req, &staff, id, "password", canonical, change).await
}

/// Change one's own password, giving the current one.
///
/// Every other session of the account ends (its refresh tokens are revoked, its access tokens
/// stop working); sign in again with the new password. Recorded as `user.password_changed`.
#[utoipa::path(
    tag = "staff",
    request_body = ChangePassword,
    security(("staff_token" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No access token, or an invalid one", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner key (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The current password is wrong (`wrong_password`), or the new one weak (`weak_password`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (`rate_limited`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable, or too many passwords are being hashed", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
pub async fn change_own_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    staff: Staff,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let ChangePassword {
        current_password,
        new_password,
    } = body::parse::<ChangePassword>(&req, &payload)?.value;
    let id = staff.user_id;
    let user = state
        .db()
        .read(move |conn| users::find(conn, id))
        .await?
        .ok_or(ApiError::NotFound(crate::error::Missing::User))?;
    // Guessing the current password from a stolen token is as throttled as signing in.
    state
        .limits
        .login(&user.username, state.client(&req))
        .map_err(
            |crate::auth::rate_limit::RetryAfter(retry_after)| ApiError::RateLimited {
                retry_after,
            },
        )?;
    let stored = user.password_hash.clone();
    let matches = password::off_the_workers(move || password::verify(&stored, &current_password))
        .await
        .map_err(|e| ApiError::from_pool("checking a password", e))?;
    if !matches {
        return Err(ApiError::Invalid(vec![Violation::new(
            "current_password",
            Fault::WrongPassword,
        )]));
    }
    let password_hash = new_password_hash("new_password", new_password, &user.username).await?;
    let now = state.now();
    state
        .service
        .transaction(move |tx| service::accounts::change_own_password(tx, id, &password_hash, now))
        .await?;
    state.accounts.forget(id);
    Ok(HttpResponse::NoContent().finish())
}

/// A body that must be empty, or `{}`.
fn empty_body(req: &HttpRequest, payload: &web::Bytes) -> Result<(), ApiError> {
    if !payload.iter().all(u8::is_ascii_whitespace) {
        body::parse::<crate::api::petition_views::EmptyBody>(req, payload)?;
    }
    Ok(())
}
