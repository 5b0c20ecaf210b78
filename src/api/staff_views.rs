//! What the authentication and user endpoints accept and return.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::petition_views::local_time;
use crate::db::users::UserRow;
use crate::domain::staff::Role;
use crate::error::ApiError;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "canbo.badinh")]
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh; it can be used once.
    pub refresh_token: String,
}

/// A new pair of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// Send as `Authorization: Bearer <access_token>`; valid 15 minutes.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Exchange at `/v1/auth/refresh` for a new pair, once; presenting it a second time revokes
    /// every token of this login.
    pub refresh_token: String,
    #[schema(example = 2_592_000)]
    pub refresh_expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// 3–64 lowercase letters, digits, dots, hyphens or underscores.
    #[schema(example = "canbo.badinh")]
    pub username: String,
    /// At least 12 characters, not common, not the username.
    pub password: String,
    pub role: Role,
    /// The office of an official or office head.
    pub office_id: Option<i64>,
    /// A supervisor's scope: `national`, `province:NN` or `commune:NNNNN`.
    #[schema(example = "province:01")]
    pub scope: Option<String>,
    /// Officials and office heads only: may reveal denouncers' identities, with a reason.
    #[serde(default)]
    pub can_reveal_identity: bool,
}

/// An account's access as it is to be: replaces its role, office, scope and permission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeAccess {
    pub role: Role,
    /// The office of an official or office head.
    pub office_id: Option<i64>,
    /// A supervisor's scope: `national`, `province:NN` or `commune:NNNNN`.
    #[schema(example = "province:01")]
    pub scope: Option<String>,
    /// Officials and office heads only; only admins give or take it.
    #[serde(default)]
    pub can_reveal_identity: bool,
}

/// A new password for an account, set by an admin or the office's head.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    /// At least 12 characters, not common, not the username.
    pub password: String,
}

/// A member of staff's new password, with the current one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 12 characters, not common, not the username, not the current one.
    pub new_password: String,
}

/// A staff account (never its password).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    #[schema(example = "canbo.badinh")]
    pub username: String,
    pub role: Role,
    pub office_id: Option<i64>,
    #[schema(example = "province:01")]
    pub scope: Option<String>,
    pub can_reveal_identity: bool,
    pub created_at: DateTime<FixedOffset>,
    pub disabled: bool,
}

impl TryFrom<UserRow> for UserView {
    type Error = ApiError;
    fn try_from(u: UserRow) -> Result<Self, ApiError> {
        let role = u.role;
        Ok(Self {
            id: u.id,
            username: u.username,
            role,
            office_id: u.office_id,
            scope: u.scope,
            can_reveal_identity: u.can_reveal_identity,
            created_at: local_time(u.created_at),
            disabled: u.disabled_at.is_some(),
        })
    }
}
