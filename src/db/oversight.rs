//! What a supervisor's office list reads besides the rollups (DESIGN §3.8): the offices in a
//! scope, and how many petitions each holds past a running deadline right now.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::reference::OfficeRef;
use super::schema::{offices, petitions};
use super::{DbConnection, DbError};
use crate::domain::staff::Scope;

type Backend = <DbConnection as Connection>::Backend;

/// An office and where it sits.
#[derive(Debug, Clone)]
pub struct PlacedOffice {
    pub office: OfficeRef,
    pub commune_code: Option<String>,
    pub province_code: String,
}

/// At most `take` offices of the scope after office `after`, by id. A commune's scope holds the
/// offices of that commune.
pub fn offices_in(
    conn: &mut DbConnection,
    scope: &Scope,
    after: Option<i64>,
    take: i64,
) -> Result<Vec<PlacedOffice>, DbError> {
    let mut q = offices::table
        .select((
            OfficeRef::as_select(),
            offices::commune_code,
            offices::province_code,
        ))
        .order(offices::id)
        .limit(take)
        .into_boxed::<Backend>();
    q = match scope {
        Scope::National => q,
        Scope::Province(p) => q.filter(offices::province_code.eq(p.as_str().to_owned())),
        Scope::Commune(c) => q.filter(offices::commune_code.eq(c.as_str().to_owned())),
    };
    if let Some(after) = after {
        q = q.filter(offices::id.gt(after));
    }
    let rows: Vec<(OfficeRef, Option<String>, String)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(office, commune_code, province_code)| PlacedOffice {
            office,
            commune_code,
            province_code,
        })
        .collect())
}

/// Petitions past their nearest running deadline at `now`, per office (read from the inbox
/// index: office, then due time).
pub fn overdue_now(
    conn: &mut DbConnection,
    office_ids: &[i64],
    now: NaiveDateTime,
) -> Result<HashMap<i64, i64>, DbError> {
    let rows: Vec<(i64, i64)> = petitions::table
        .filter(petitions::office_id.eq_any(office_ids))
        .filter(petitions::next_due_at.lt(now))
        .group_by(petitions::office_id)
        .select((petitions::office_id, count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
