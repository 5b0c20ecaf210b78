//! What offices are told to act on: overdue denunciations reported to the superior office
//! (Law on Denunciations 25/2018/QH14 art. 38).

use crate::domain::petition::Kind;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::reference::OfficeRef;
use super::schema::{office_notices, offices, petitions};
use super::{DbConnection, DbError};

/// A notice with the petition it is about and the office that holds it.
#[derive(Debug, Clone)]
pub struct NoticeRow {
    pub id: i64,
    pub reason: String,
    pub created_at: NaiveDateTime,
    pub petition_public_id: String,
    pub tracking_code: String,
    pub kind: Kind,
    pub holder: OfficeRef,
}

/// The office's notices, newest first, before `before` (an id), at most `take`.
pub fn for_office(
    conn: &mut DbConnection,
    office_id: i64,
    before: Option<i64>,
    take: i64,
) -> Result<Vec<NoticeRow>, DbError> {
    let mut query = office_notices::table
        .inner_join(petitions::table.inner_join(offices::table))
        .filter(office_notices::office_id.eq(office_id))
        .order(office_notices::id.desc())
        .limit(take)
        .select((
            office_notices::id,
            office_notices::reason,
            office_notices::created_at,
            petitions::public_id,
            petitions::tracking_code,
            petitions::kind,
            OfficeRef::as_select(),
        ))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(office_notices::id.lt(before));
    }
    let rows: Vec<(i64, String, NaiveDateTime, String, String, Kind, OfficeRef)> =
        query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, reason, created_at, petition_public_id, tracking_code, kind, holder)| NoticeRow {
                id,
                reason,
                created_at,
                petition_public_id,
                tracking_code,
                kind,
                holder,
            },
        )
        .collect())
}
