//! Reads of the reference data: provinces, communes, offices, categories.

use crate::domain::admin_units::{CommuneKind, ProvinceKind};
use crate::domain::office::OfficeLevel;
use std::collections::HashMap;

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{categories, communes, offices, provinces};
use super::{DbConnection, DbError};

type Backend = <DbConnection as Connection>::Backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = provinces)]
pub struct ProvinceRow {
    pub code: String,
    pub name: String,
    pub kind: ProvinceKind,
}

/// What a list shows of an office it points to.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offices)]
pub struct OfficeRef {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
}

#[derive(Debug, Clone)]
pub struct ProvinceSummary {
    pub province: ProvinceRow,
    pub commune_count: i64,
    pub office: Option<OfficeRef>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = communes)]
pub struct CommuneRow {
    pub code: String,
    pub province_code: String,
    pub name: String,
    pub kind: CommuneKind,
}

#[derive(Debug, Clone)]
pub struct CommuneDetail {
    pub commune: CommuneRow,
    pub province: ProvinceRow,
    pub office: OfficeRef,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offices)]
pub struct OfficeRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub level: OfficeLevel,
    pub province_code: String,
    pub commune_code: Option<String>,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct OfficeDetail {
    pub office: OfficeRow,
    pub parent: Option<OfficeRef>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories)]
pub struct CategoryRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// Provinces in code order after `after`, at most `take`, each with its committee office and
/// number of communes.
pub fn list_provinces(
    conn: &mut DbConnection,
    after: Option<&str>,
    take: i64,
) -> Result<Vec<ProvinceSummary>, DbError> {
    let mut query = provinces::table
        .order(provinces::code)
        .limit(take)
        .select(ProvinceRow::as_select())
        .into_boxed::<Backend>();
    if let Some(after) = after {
        query = query.filter(provinces::code.gt(after.to_owned()));
    }
    let rows: Vec<ProvinceRow> = query.load(conn)?;
    let codes: Vec<&str> = rows.iter().map(|p| p.code.as_str()).collect();
    let mut committees: HashMap<String, OfficeRef> = offices::table
        .filter(offices::parent_id.is_null())
        .filter(offices::province_code.eq_any(&codes))
        .select((offices::province_code, OfficeRef::as_select()))
        .load::<(String, OfficeRef)>(conn)?
        .into_iter()
        .collect();
    let counts: HashMap<String, i64> = communes::table
        .filter(communes::province_code.eq_any(&codes))
        .group_by(communes::province_code)
        .select((communes::province_code, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|province| ProvinceSummary {
            commune_count: counts.get(&province.code).copied().unwrap_or(0),
            office: committees.remove(&province.code),
            province,
        })
        .collect())
}

/// Every commune with its province and its People's Committee office, in code order.
pub fn all_communes(conn: &mut DbConnection) -> Result<Vec<CommuneDetail>, DbError> {
    let rows = communes::table
        .inner_join(provinces::table)
        .inner_join(
            offices::table.on(offices::commune_code
                .eq(communes::code.nullable())
                .and(offices::level.eq("commune"))),
        )
        .order(communes::code)
        .select((
            CommuneRow::as_select(),
            ProvinceRow::as_select(),
            OfficeRef::as_select(),
        ))
        .load::<(CommuneRow, ProvinceRow, OfficeRef)>(conn)?;
    Ok(rows
        .into_iter()
        .map(|(commune, province, office)| CommuneDetail {
            commune,
            province,
            office,
        })
        .collect())
}

/// Filters of the office list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct OfficeFilter {
    pub level: Option<&'static str>,
    pub province: Option<String>,
}

pub fn list_offices(
    conn: &mut DbConnection,
    filter: &OfficeFilter,
    after: Option<i64>,
    take: i64,
) -> Result<Vec<OfficeRow>, DbError> {
    let mut query = offices::table
        .order(offices::id)
        .limit(take)
        .select(OfficeRow::as_select())
        .into_boxed::<Backend>();
    if let Some(level) = filter.level {
        query = query.filter(offices::level.eq(level));
    }
    if let Some(province) = &filter.province {
        query = query.filter(offices::province_code.eq(province.clone()));
    }
    if let Some(after) = after {
        query = query.filter(offices::id.gt(after));
    }
    Ok(query.load(conn)?)
}

pub fn find_office(conn: &mut DbConnection, id: i64) -> Result<Option<OfficeDetail>, DbError> {
    let Some(office) = offices::table
        .find(id)
        .select(OfficeRow::as_select())
        .first::<OfficeRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let parent = match office.parent_id {
        Some(parent_id) => offices::table
            .find(parent_id)
            .select(OfficeRef::as_select())
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(Some(OfficeDetail { office, parent }))
}

pub fn list_categories(conn: &mut DbConnection) -> Result<Vec<CategoryRow>, DbError> {
    Ok(categories::table
        .order(categories::position)
        .select(CategoryRow::as_select())
        .load(conn)?)
}

pub fn category_exists(conn: &mut DbConnection, code: &str) -> Result<bool, DbError> {
    Ok(categories::table
        .find(code)
        .select(categories::code)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// How many rows each reference table holds: for start-up logs and `migrate --json`.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct ReferenceCounts {
    pub provinces: i64,
    pub communes: i64,
    pub offices: i64,
    pub categories: i64,
}

pub fn counts(conn: &mut DbConnection) -> Result<ReferenceCounts, DbError> {
    Ok(ReferenceCounts {
        provinces: provinces::table.count().get_result(conn)?,
        communes: communes::table.count().get_result(conn)?,
        offices: offices::table.count().get_result(conn)?,
        categories: categories::table.count().get_result(conn)?,
    })
}

/// Round-trips to the database: readiness.
pub fn ping(conn: &mut DbConnection) -> Result<(), DbError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
