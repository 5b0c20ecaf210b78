//! Endpoints that partners and staff share: which of the two is calling.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::jwt::TokenKeys;
use super::partner::{Partner, presented_key};
use super::rate_limit::RateLimits;
use super::staff::{self, Staff};
use crate::db::Db;
use crate::error::{ApiError, Unrecognised};

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
        let keys = req.app_data::<web::Data<TokenKeys>>().cloned();
        let db = req.app_data::<web::Data<Db>>().cloned();
        let limits = req.app_data::<web::Data<RateLimits>>().cloned();
        let now = crate::api::clock(req).now();
        Box::pin(async move {
            match (staff_token, partner_key) {
                (Some(token), _) => {
                    let keys =
                        keys.ok_or_else(|| ApiError::bug("staff token keys are not configured"))?;
                    staff::authenticate(&keys, &token, now).map(Caller::Staff)
                }
                (None, Some(key)) => {
                    let (Some(db), Some(limits)) = (db, limits) else {
                        return Err(ApiError::bug("partner authentication is not configured"));
                    };
                    Partner::authenticate(&db, &limits, key)
                        .await
                        .map(Caller::Partner)
                }
                (None, None) => Err(ApiError::Unauthenticated(Unrecognised::MissingKey)),
            }
        })
    }
}
