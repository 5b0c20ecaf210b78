//! Loads the vendored admin-unit dataset and creates the People's Committee offices, once.

use std::collections::HashMap;

use diesel::prelude::*;

use super::schema::{communes, offices, provinces, seed_runs};
use super::{DbConnection, DbError, write_transaction};
use crate::domain::admin_units::{AdminUnits, DATASET_2025_NAME};
use crate::domain::office::OfficeSpec;
use crate::on_backend;

/// What loading found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedOutcome {
    Loaded,
    AlreadyLoaded,
}

#[derive(Insertable)]
#[diesel(table_name = provinces)]
struct NewProvince<'a> {
    code: &'a str,
    name: &'a str,
    kind: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = communes)]
struct NewCommune<'a> {
    code: &'a str,
    province_code: &'a str,
    name: &'a str,
    kind: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = offices)]
struct NewOffice<'a> {
    code: &'a str,
    name: &'a str,
    name_en: &'a str,
    level: &'a str,
    province_code: &'a str,
    commune_code: Option<&'a str>,
    parent_id: Option<i64>,
}

/// Rows per INSERT: well under SQLite's limit on bound parameters.
const CHUNK: usize = 500;

/// Loads the 2025 arrangement unless it is already there. Safe to call at every start and
/// from several nodes at once: the `seed_runs` row is claimed first, inside the same
/// transaction, so a second loader waits and then finds it taken.
pub fn load_admin_units(conn: &mut DbConnection) -> Result<SeedOutcome, DbError> {
    let units = AdminUnits::official_2025().map_err(|e| DbError::ReferenceData(e.to_string()))?;
    let outcome = write_transaction(conn, |conn| load(conn, &units));
    match outcome {
        Err(e) if e.is_unique_violation() => Ok(SeedOutcome::AlreadyLoaded),
        other => other,
    }
}

fn load(conn: &mut DbConnection, units: &AdminUnits) -> Result<SeedOutcome, DbError> {
    let known = seed_runs::table
        .find(DATASET_2025_NAME)
        .select(seed_runs::name)
        .first::<String>(conn)
        .optional()?;
    if known.is_some() {
        return Ok(SeedOutcome::AlreadyLoaded);
    }
    let rows = (units.provinces.len() + units.communes.len()) as i64;
    diesel::insert_into(seed_runs::table)
        .values((
            seed_runs::name.eq(DATASET_2025_NAME),
            seed_runs::rows_loaded.eq(rows),
        ))
        .execute(conn)?;

    let new_provinces: Vec<NewProvince> = units
        .provinces
        .iter()
        .map(|p| NewProvince {
            code: p.code.as_str(),
            name: &p.name,
            kind: p.kind.code(),
        })
        .collect();
    on_backend!(conn, |c| diesel::insert_into(provinces::table)
        .values(&new_provinces)
        .execute(c))?;

    let new_communes: Vec<NewCommune> = units
        .communes
        .iter()
        .map(|c| NewCommune {
            code: c.code.as_str(),
            province_code: c.province.as_str(),
            name: &c.name,
            kind: c.kind.code(),
        })
        .collect();
    for chunk in new_communes.chunks(CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(communes::table)
            .values(chunk)
            .execute(c))?;
    }

    let province_specs: Vec<(OfficeSpec, &str)> = units
        .provinces
        .iter()
        .map(|p| (OfficeSpec::provincial_committee(p), p.code.as_str()))
        .collect();
    let province_offices: Vec<NewOffice> = province_specs
        .iter()
        .map(|(spec, province)| NewOffice {
            code: &spec.code,
            name: &spec.name,
            name_en: &spec.name_en,
            level: spec.level.code(),
            province_code: province,
            commune_code: None,
            parent_id: None,
        })
        .collect();
    on_backend!(conn, |c| diesel::insert_into(offices::table)
        .values(&province_offices)
        .execute(c))?;
    let parents: HashMap<String, i64> = offices::table
        .filter(offices::parent_id.is_null())
        .select((offices::province_code, offices::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();

    let commune_specs: Vec<(OfficeSpec, &str, &str)> = units
        .communes
        .iter()
        .map(|c| {
            (
                OfficeSpec::commune_committee(c),
                c.province.as_str(),
                c.code.as_str(),
            )
        })
        .collect();
    let mut commune_offices = Vec::with_capacity(commune_specs.len());
    for (spec, province, commune) in &commune_specs {
        let parent = parents.get(*province).copied().ok_or_else(|| {
            DbError::ReferenceData(format!(
                "no People's Committee office for province {province}"
            ))
        })?;
        commune_offices.push(NewOffice {
            code: &spec.code,
            name: &spec.name,
            name_en: &spec.name_en,
            level: spec.level.code(),
            province_code: province,
            commune_code: Some(commune),
            parent_id: Some(parent),
        });
    }
    for chunk in commune_offices.chunks(CHUNK) {
        on_backend!(conn, |c| diesel::insert_into(offices::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(SeedOutcome::Loaded)
}
