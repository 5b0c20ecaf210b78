//! Endpoints that partners and staff share: which of the two is calling.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::partner::{Partner, presented_key};
use super::staff::{self, Staff};
use crate::error::{ApiError, Unrecognised};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub enum Caller {
    Partner(Partner),
    Staff(Staff),
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let staff_token = staff::bearer_token(req);
        let partner_key = presented_key(req).filter(|k| k.starts_with(super::api_key::KEY_PREFIX));
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::bug("no app state"))?;
            match (staff_token, partner_key) {
                (Some(token), _) => staff::authenticate_standing(&state, &token)
                    .await
                    .map(Caller::Staff),
                (None, Some(key)) => Partner::authenticate(state.db(), &state.limits, key)
                    .await
                    .map(Caller::Partner),
                (None, None) => Err(ApiError::Unauthenticated(Unrecognised::MissingKey)),
            }
        })
    }
}
