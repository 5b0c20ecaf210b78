//! What the reference endpoints return: the public contract, kept apart from the storage rows.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::reference::{
    CategoryRow, CommuneDetail, OfficeDetail, OfficeRef, OfficeRow, ProvinceSummary,
};
use crate::domain::admin_units::{CommuneKind, ProvinceKind};
use crate::domain::lang::Lang;
use crate::domain::office::OfficeLevel;
use crate::error::ApiError;

/// A page of a list. Pass `next_cursor` back as `cursor` for the next page; it is null on the
/// last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[schema(example = json!(null))]
    pub next_cursor: Option<String>,
}

/// An office as other resources point to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeSummary {
    #[schema(example = 36)]
    pub id: i64,
    /// Stable code, the same in every installation: `ubnd-` and the unit's GSO code.
    #[schema(example = "ubnd-00004")]
    pub code: String,
    #[schema(example = "Ủy ban nhân dân Phường Ba Đình")]
    pub name: String,
    #[schema(example = "People's Committee of Ba Đình Ward")]
    pub name_en: String,
}

impl From<OfficeRef> for OfficeSummary {
    fn from(o: OfficeRef) -> Self {
        Self {
            id: o.id,
            code: o.code,
            name: o.name,
            name_en: o.name_en,
        }
    }
}

/// A province or centrally-run city (tỉnh, thành phố trực thuộc trung ương).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceView {
    /// GSO province code, two digits.
    #[schema(example = "01")]
    pub code: String,
    #[schema(example = "Thành phố Hà Nội")]
    pub name: String,
    pub kind: ProvinceKind,
    /// The GSO's Vietnamese term for the kind.
    #[schema(example = "thành phố trung ương")]
    pub kind_name: String,
    #[schema(example = 126)]
    pub commune_count: i64,
    /// The province's People's Committee.
    pub office: Option<OfficeSummary>,
}

/// A province as a commune points to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProvinceRef {
    #[schema(example = "01")]
    pub code: String,
    #[schema(example = "Thành phố Hà Nội")]
    pub name: String,
}

/// A commune, ward or special zone (xã, phường, đặc khu) with the office that answers for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneView {
    /// GSO commune code, five digits.
    #[schema(example = "00004")]
    pub code: String,
    #[schema(example = "Phường Ba Đình")]
    pub name: String,
    pub kind: CommuneKind,
    #[schema(example = "phường")]
    pub kind_name: String,
    #[schema(example = "01")]
    pub province_code: String,
    /// The commune's People's Committee: where its petitions go by default.
    pub office: OfficeSummary,
}

/// One commune with its province and its office.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneDetailView {
    #[schema(example = "00004")]
    pub code: String,
    #[schema(example = "Phường Ba Đình")]
    pub name: String,
    pub kind: CommuneKind,
    #[schema(example = "phường")]
    pub kind_name: String,
    pub province: ProvinceRef,
    /// The commune's People's Committee: where its petitions go by default.
    pub office: OfficeSummary,
}

/// An office that receives and answers petitions.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeView {
    #[schema(example = 36)]
    pub id: i64,
    #[schema(example = "ubnd-00004")]
    pub code: String,
    #[schema(example = "Ủy ban nhân dân Phường Ba Đình")]
    pub name: String,
    #[schema(example = "People's Committee of Ba Đình Ward")]
    pub name_en: String,
    pub level: OfficeLevel,
    #[schema(example = "01")]
    pub province_code: String,
    /// The commune it answers for; null for a province-level office.
    #[schema(example = "00004")]
    pub commune_code: Option<String>,
    /// The office above it; null for a province's People's Committee.
    #[schema(example = 1)]
    pub parent_id: Option<i64>,
}

/// An office with the office above it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeDetailView {
    #[serde(flatten)]
    pub office: OfficeView,
    /// The office above it (a commune committee's province committee); null at the top.
    pub parent: Option<OfficeSummary>,
}

/// A category of commune matters. Partners file petitions under its `code`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    #[schema(example = "land")]
    pub code: String,
    /// The name in the language asked for with `Accept-Language` (Vietnamese by default).
    #[schema(example = "Đất đai, xây dựng")]
    pub name: String,
    #[schema(example = "Đất đai, xây dựng")]
    pub name_vi: String,
    #[schema(example = "Land and construction")]
    pub name_en: String,
}

impl TryFrom<&ProvinceSummary> for ProvinceView {
    type Error = ApiError;
    fn try_from(p: &ProvinceSummary) -> Result<Self, ApiError> {
        let kind = p.province.kind;
        Ok(Self {
            code: p.province.code.clone(),
            name: p.province.name.clone(),
            kind,
            kind_name: kind.name_vi().to_owned(),
            commune_count: p.commune_count,
            office: p.office.clone().map(Into::into),
        })
    }
}

impl TryFrom<&CommuneDetail> for CommuneView {
    type Error = ApiError;
    fn try_from(d: &CommuneDetail) -> Result<Self, ApiError> {
        let kind = d.commune.kind;
        Ok(Self {
            code: d.commune.code.clone(),
            name: d.commune.name.clone(),
            kind,
            kind_name: kind.name_vi().to_owned(),
            province_code: d.commune.province_code.clone(),
            office: d.office.clone().into(),
        })
    }
}

impl TryFrom<&CommuneDetail> for CommuneDetailView {
    type Error = ApiError;
    fn try_from(d: &CommuneDetail) -> Result<Self, ApiError> {
        let kind = d.commune.kind;
        Ok(Self {
            code: d.commune.code.clone(),
            name: d.commune.name.clone(),
            kind,
            kind_name: kind.name_vi().to_owned(),
            province: ProvinceRef {
                code: d.province.code.clone(),
                name: d.province.name.clone(),
            },
            office: d.office.clone().into(),
        })
    }
}

impl TryFrom<OfficeRow> for OfficeView {
    type Error = ApiError;
    fn try_from(o: OfficeRow) -> Result<Self, ApiError> {
        let level = o.level;
        Ok(Self {
            id: o.id,
            code: o.code,
            name: o.name,
            name_en: o.name_en,
            level,
            province_code: o.province_code,
            commune_code: o.commune_code,
            parent_id: o.parent_id,
        })
    }
}

impl TryFrom<OfficeDetail> for OfficeDetailView {
    type Error = ApiError;
    fn try_from(d: OfficeDetail) -> Result<Self, ApiError> {
        Ok(Self {
            office: d.office.try_into()?,
            parent: d.parent.map(Into::into),
        })
    }
}

impl CategoryView {
    pub fn new(c: CategoryRow, lang: Lang) -> Self {
        Self {
            name: lang.pick(&c.name_vi, &c.name_en).to_owned(),
            code: c.code,
            name_vi: c.name_vi,
            name_en: c.name_en,
        }
    }
}
