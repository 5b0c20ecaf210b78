//! The partner-app caller: `Authorization: Bearer tdk_…` or `X-Api-Key: tdk_…`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::api_key::lookup_prefix;
use super::rate_limit::{RateLimits, RetryAfter};
use super::secret_matches;
use crate::db::{Db, partners};
use crate::error::{ApiError, Unrecognised};
use crate::state::AppState;

/// A partner whose key checked out and whose budget allows this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partner {
    pub id: i64,
}

/// The API key the request carries, if any.
pub fn presented_key(req: &HttpRequest) -> Option<String> {
    let headers = req.headers();
    let bearer = headers
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    let header = headers.get("x-api-key").and_then(|v| v.to_str().ok());
    bearer
        .filter(|b| b.starts_with(super::api_key::KEY_PREFIX))
        .or(header)
        .or(bearer)
        .map(|k| k.trim().to_owned())
}

impl Partner {
    /// Checks a presented key against the stored hash, then the partner's budget.
    pub async fn authenticate(db: &Db, limits: &RateLimits, key: String) -> Result<Self, ApiError> {
        let invalid = ApiError::Unauthenticated(Unrecognised::InvalidKey);
        let prefix = lookup_prefix(&key)
            .ok_or_else(|| invalid.clone())?
            .to_owned();
        let found = db
            .read(move |conn| partners::find_active_by_prefix(conn, &prefix))
            .await?;
        let partner = found
            .filter(|p| secret_matches(&p.key_hash, &key))
            .ok_or(invalid)?;
        limits
            .partner(partner.id)
            .map_err(|RetryAfter(retry_after)| ApiError::RateLimited { retry_after })?;
        Ok(Self { id: partner.id })
    }
}

impl FromRequest for Partner {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = presented_key(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let staff =
            super::staff::bearer_token(req).filter(|t| !t.starts_with(super::api_key::KEY_PREFIX));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::bug("no app state"))?;
            // A valid staff token is the wrong role here, not an unknown caller.
            if let Some(token) = &staff
                && key
                    .as_deref()
                    .is_none_or(|k| !k.starts_with(super::api_key::KEY_PREFIX))
            {
                super::staff::authenticate(&state.tokens, token, state.now())?;
                return Err(ApiError::Forbidden);
            }
            let key = key.ok_or(ApiError::Unauthenticated(Unrecognised::MissingKey))?;
            Self::authenticate(state.db(), &state.limits, key).await
        })
    }
}
