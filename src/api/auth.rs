//! Staff sign-in: login, token refresh with rotation, logout, and who am I.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Duration;

use super::body;
use super::staff_views::{LoginRequest, RefreshRequest, TokenPair, UserView};
use crate::auth::jwt::{ACCESS_TTL_SECONDS, AUDIENCE, Claims, ISSUER, TokenKeys};
use crate::auth::rate_limit::RetryAfter;
use crate::auth::staff::Staff;
use crate::auth::{password, random_bytes, secret_hash};
use crate::db::DbConnection;
use crate::db::users::{self, UserRow};
use crate::error::{ApiError, Missing, Unrecognised};
use crate::state::AppState;

const REFRESH_TTL_DAYS: i64 = 30;
const REFRESH_PREFIX: &str = "tdr_";

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(crate::error::Fault::text("issuing tokens", e))
}

/// Issues an access token and a refresh token of `family` for `user`, storing the latter.
fn issue(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    user: &UserRow,
    family: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<TokenPair, ApiError> {
    let claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: user.id.to_string(),
        exp: now.timestamp() + ACCESS_TTL_SECONDS,
        iat: now.timestamp(),
        jti: uuid::Uuid::new_v4().simple().to_string(),
        role: user.role.code().to_owned(),
        office: user.office_id,
        scope: user.scope.clone(),
        reveal: user.can_reveal_identity,
        epoch: user.token_epoch,
    };
    let access_token = keys.issue(&claims).map_err(internal)?;
    let refresh_token = format!(
        "{REFRESH_PREFIX}{}",
        hex::encode(random_bytes::<32>().map_err(internal)?)
    );
    users::store_refresh_token(
        conn,
        user.id,
        family,
        &secret_hash(&refresh_token),
        now.naive_utc(),
        (now + Duration::days(REFRESH_TTL_DAYS)).naive_utc(),
    )?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL_SECONDS,
        refresh_token,
        refresh_expires_in: REFRESH_TTL_DAYS * 86_400,
    })
}

/// Sign in with a username and password.
///
/// A wrong username and a wrong password get the same answer, in the same time. Attempts are
/// budgeted per username and per client address (429 beyond).
#[utoipa::path(
    tag = "staff",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 400, description = "Not JSON (`malformed_json`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong username or password (`invalid_credentials`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or unknown fields (`validation_failed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (`rate_limited`); see `Retry-After`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Bytes,
) -> Result<web::Json<TokenPair>, ApiError> {
    let now = state.now();
    let db = state.db();
    let keys = &state.tokens;
    let limits = &state.limits;
    let LoginRequest { username, password } = body::parse(&req, &payload)?.value;
    limits
        .login(&username, state.client(&req))
        .map_err(|RetryAfter(retry_after)| ApiError::RateLimited { retry_after })?;
    // A name no account can have is an unknown user (and is never sent to the database).
    let user = if crate::domain::staff::is_username(&username) {
        let name = username.clone();
        db.read(move |conn| users::find_active_by_username(conn, &name))
            .await?
    } else {
        None
    };
    let stored = user
        .as_ref()
        .map_or_else(|| password::decoy().to_owned(), |u| u.password_hash.clone());
    let matches = password::off_the_workers(move || password::verify(&stored, &password))
        .await
        .map_err(|e| ApiError::from_pool("checking a password", e))?;
    let user = user
        .filter(|_| matches)
        .ok_or(ApiError::Unauthenticated(Unrecognised::InvalidCredentials))?;
    let keys = keys.clone();
    let pair = db
        .write(move |conn| {
            let family = uuid::Uuid::new_v4().simple().to_string();
            issue(conn, &keys, &user, &family, now)
        })
        .await?;
    Ok(web::Json(pair))
}

/// Exchange a refresh token for a new pair.
///
/// Each refresh token works once. Presenting a spent one means it was copied: every token of
/// that login is revoked, and the holder must sign in again.
#[utoipa::path(
    tag = "staff",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the old refresh token is spent", body = TokenPair),
        (status = 400, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token (`invalid_refresh_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or unknown fields", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Bytes,
) -> Result<web::Json<TokenPair>, ApiError> {
    let now = state.now();
    let db = state.db();
    let keys = &state.tokens;
    let RefreshRequest { refresh_token } = body::parse(&req, &payload)?.value;
    let keys = keys.clone();
    let hash = secret_hash(&refresh_token);
    let invalid = ApiError::Unauthenticated(Unrecognised::InvalidRefreshToken);
    // Reuse must revoke the family even though the request fails, so the outcome is decided
    // inside the transaction and turned into an error after it commits.
    let outcome = db
        .write(move |conn| {
            let at = now;
            let now = at.naive_utc();
            let Some(token) = users::find_refresh_token(conn, &hash)? else {
                return Ok(None);
            };
            if token.spent_at.is_some() {
                users::revoke_family(conn, &token.family, now)?;
                tracing::warn!(
                    user = token.user_id,
                    "refresh token reused: its family is revoked"
                );
                return Ok(None);
            }
            if token.revoked_at.is_some() || token.expires_at <= now {
                return Ok(None);
            }
            if !users::spend_refresh_token(conn, token.id, now)? {
                return Ok(None);
            }
            let Some(user) = users::find(conn, token.user_id)?.filter(|u| u.disabled_at.is_none())
            else {
                return Ok(None);
            };
            issue(conn, &keys, &user, &token.family, at).map(Some)
        })
        .await?;
    outcome.map(web::Json).ok_or(invalid)
}

/// Sign out: revokes the refresh token and every token of the same login.
#[utoipa::path(
    tag = "staff",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out (also when the token was already unknown or revoked)"),
        (status = 400, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not `application/json`", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or unknown fields", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let now = state.now();
    let db = state.db();
    let RefreshRequest { refresh_token } = body::parse(&req, &payload)?.value;
    let hash = secret_hash(&refresh_token);
    db.write(move |conn| {
        if let Some(token) = users::find_refresh_token(conn, &hash)? {
            users::revoke_family(conn, &token.family, now.naive_utc())?;
        }
        Ok::<_, ApiError>(())
    })
    .await?;
    Ok(HttpResponse::build(StatusCode::NO_CONTENT).finish())
}

/// The signed-in member of staff.
#[utoipa::path(
    tag = "staff",
    security(("staff_token" = [])),
    responses(
        (status = 200, description = "Who the access token belongs to", body = UserView),
        (status = 401, description = "No access token (`unauthenticated`) or an invalid one (`invalid_token`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A partner key, not a staff token (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "The account no longer exists (`user_not_found`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(staff: Staff, state: web::Data<AppState>) -> Result<web::Json<UserView>, ApiError> {
    let user = state
        .db()
        .read(move |conn| users::find(conn, staff.user_id))
        .await?
        .ok_or(ApiError::NotFound(Missing::User))?;
    Ok(web::Json(user.try_into()?))
}
