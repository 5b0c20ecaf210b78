//! Parsing what arrives in paths and query strings into domain values, with the 400s that
//! say what is wrong.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::admin_units::{CommuneCode, ProvinceCode};
use crate::domain::office::OfficeLevel;
use crate::domain::pagination::{Cursor, Limit, PageError};
use crate::error::{ApiError, BadInput};

/// Paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// `next_cursor` from the previous page; omit for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// Filters and paging of the office list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfficeListParams {
    /// Only offices of this tier.
    pub level: Option<OfficeLevel>,
    /// Only offices in this province (two-digit GSO code).
    #[param(example = "01", pattern = "^[0-9]{2}$")]
    pub province: Option<String>,
    /// `next_cursor` from the previous page; omit for the first page.
    pub cursor: Option<String>,
    /// Items per page, 1–500 (default 100).
    #[param(minimum = 1, maximum = 500, example = 100)]
    pub limit: Option<u32>,
}

/// A validated page request: where to start and how many.
pub struct PageRequest {
    pub after: Option<String>,
    pub limit: Limit,
}

impl PageRequest {
    pub fn parse(
        list: &'static str,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Self, ApiError> {
        let limit = Limit::new(limit).map_err(page_error)?;
        // An empty cursor is the first page, as if it were absent.
        let after = cursor
            .filter(|token| !token.is_empty())
            .map(|token| Cursor::decode(list, token).map(|c| c.after))
            .transpose()
            .map_err(page_error)?;
        Ok(Self { after, limit })
    }

    /// The cursor of a list keyed by numeric id.
    pub fn after_id(&self) -> Result<Option<i64>, ApiError> {
        self.after
            .as_deref()
            .map(|a| {
                a.parse::<i64>()
                    .map_err(|_| ApiError::BadRequest(BadInput::Cursor))
            })
            .transpose()
    }
}

fn page_error(e: PageError) -> ApiError {
    ApiError::BadRequest(match e {
        PageError::Limit => BadInput::Limit,
        PageError::Cursor => BadInput::Cursor,
    })
}

pub fn province_code(field: &'static str, given: &str) -> Result<ProvinceCode, ApiError> {
    ProvinceCode::parse(given).map_err(|_| {
        ApiError::BadRequest(BadInput::ProvinceCode {
            field,
            given: given.to_owned(),
        })
    })
}

pub fn commune_code(field: &'static str, given: &str) -> Result<CommuneCode, ApiError> {
    CommuneCode::parse(given).map_err(|_| {
        ApiError::BadRequest(BadInput::CommuneCode {
            field,
            given: given.to_owned(),
        })
    })
}

pub fn office_id(given: &str) -> Result<i64, ApiError> {
    given
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::BadRequest(BadInput::OfficeId(given.to_owned())))
}

pub fn user_id(given: &str) -> Result<i64, ApiError> {
    given
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::BadRequest(BadInput::UserId(given.to_owned())))
}

/// For endpoints that take no query parameters: a stray one is refused rather than ignored,
/// so that a typo such as `?limt=5` does not pass unnoticed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}
