//! The staff caller: `Authorization: Bearer <access token>` (a JWT from `/v1/auth/login`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::caller::Caller;
use super::jwt::{Claims, TokenKeys};
use crate::domain::staff::{Role, Scope};
use crate::error::{ApiError, Unrecognised};

/// A member of staff whose access token checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user_id: i64,
    pub role: Role,
    pub office_id: Option<i64>,
    pub scope: Option<Scope>,
    pub can_reveal_identity: bool,
    /// The account's token epoch the token was issued at.
    pub token_epoch: i64,
}

impl Staff {
    fn from_claims(claims: Claims) -> Option<Self> {
        let role = Role::from_code(&claims.role)?;
        let scope = match claims.scope {
            Some(text) => Some(text.parse().ok()?),
            None => None,
        };
        Some(Self {
            user_id: claims.sub.parse().ok()?,
            role,
            office_id: claims.office,
            scope,
            can_reveal_identity: claims.reveal,
            token_epoch: claims.epoch,
        })
    }

    /// Allows only the roles given; anyone else is a 403.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The bearer token of a request, unless it is a partner key.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.starts_with(super::api_key::KEY_PREFIX))
        .then(|| token.to_owned())
}

/// Checks an access token at `now`.
pub fn authenticate(
    keys: &TokenKeys,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Staff, ApiError> {
    keys.verify(token, now.timestamp())
        .ok()
        .and_then(Staff::from_claims)
        .ok_or(ApiError::Unauthenticated(Unrecognised::InvalidToken))
}

/// Checks an access token at `now`, and that its account still stands as when it was issued
/// (not disabled, not changed since).
pub async fn authenticate_standing(
    state: &crate::state::AppState,
    token: &str,
) -> Result<Staff, ApiError> {
    let now = state.now();
    let staff = authenticate(&state.tokens, token, now)?;
    let stands = state
        .accounts
        .current(state.db(), staff.user_id, staff.token_epoch, now)
        .await?;
    if stands {
        Ok(staff)
    } else {
        Err(ApiError::Unauthenticated(Unrecognised::InvalidToken))
    }
}

/// Staff-only endpoints: a staff token is checked; a valid partner key is recognised and
/// refused (403: the wrong role, not unknown); anything else is a 401.
impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            match caller.await? {
                Caller::Staff(staff) => Ok(staff),
                Caller::Partner(_) => Err(ApiError::Forbidden),
            }
        })
    }
}
