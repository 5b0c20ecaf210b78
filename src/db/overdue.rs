//! A supervisor's overdue queue (DESIGN §3.8): the petitions in a scope whose nearest running
//! deadline has passed, the longest overdue first. A petition's nearest running deadline is
//! kept beside it (`next_due_at`), so the queue is read from an index, by province or for the
//! nation, never by scanning every clock.

use crate::domain::workflow::Status;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::reference::OfficeRef;
use super::schema::{communes, offices, petition_clocks, petitions};
use super::{DbConnection, DbError};
use crate::domain::clock::{ClockName, ClockStatus};
use crate::domain::petition::Kind;
use crate::domain::staff::Scope;

type Backend = <DbConnection as Connection>::Backend;

/// What the queue reads of a petition: no identity (it lives apart), no description.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petitions)]
pub struct OverdueRow {
    pub id: i64,
    pub public_id: String,
    pub tracking_code: String,
    pub kind: Kind,
    pub filed_kind: Kind,
    pub category_code: String,
    pub commune_code: String,
    pub province_code: String,
    pub status: Status,
    pub title: String,
    pub received_at: NaiveDateTime,
    pub next_due_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone)]
pub struct OverdueFilter {
    pub scope: Scope,
    pub office_id: Option<i64>,
    pub kind: Option<Kind>,
    /// Overdue at this instant.
    pub now: NaiveDateTime,
}

/// The running clock that ran out first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueClock {
    pub name: ClockName,
    pub due_at: NaiveDateTime,
}

/// One page of the queue: at most `take` petitions after `after` (due time and id), each with
/// its office and the running clock that ran out first. That clock is `None` when the office
/// acted between the two reads: the petition is no longer overdue.
#[allow(clippy::type_complexity)]
pub fn page(
    conn: &mut DbConnection,
    f: &OverdueFilter,
    after: Option<(NaiveDateTime, i64)>,
    take: i64,
) -> Result<Vec<(OverdueRow, OfficeRef, Option<OverdueClock>)>, DbError> {
    let mut q = petitions::table
        .inner_join(offices::table)
        .filter(petitions::next_due_at.lt(f.now))
        .into_boxed::<Backend>();
    q = match &f.scope {
        Scope::National => q,
        Scope::Province(p) => q.filter(petitions::province_code.eq(p.as_str().to_owned())),
        // Walks the province's queue (indexed), keeping the commune's petitions.
        Scope::Commune(c) => q
            .filter(
                petitions::province_code.eq_any(
                    communes::table
                        .filter(communes::code.eq(c.as_str().to_owned()))
                        .select(communes::province_code),
                ),
            )
            .filter(petitions::commune_code.eq(c.as_str().to_owned())),
    };
    if let Some(office) = f.office_id {
        q = q.filter(petitions::office_id.eq(office));
    }
    if let Some(kind) = f.kind {
        q = q.filter(petitions::kind.eq(kind));
    }
    if let Some((due, id)) = after {
        q = q.filter(
            petitions::next_due_at
                .gt(due)
                .or(petitions::next_due_at.eq(due).and(petitions::id.gt(id))),
        );
    }
    let rows: Vec<(OverdueRow, OfficeRef)> = q
        .order((petitions::next_due_at.asc(), petitions::id.asc()))
        .limit(take)
        .select((OverdueRow::as_select(), OfficeRef::as_select()))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(p, _)| p.id).collect();
    let clocks: Vec<(i64, ClockName, NaiveDateTime)> = if ids.is_empty() {
        Vec::new()
    } else {
        petition_clocks::table
            .filter(petition_clocks::petition_id.eq_any(&ids))
            .filter(petition_clocks::status.eq(ClockStatus::Running))
            .filter(petition_clocks::due_at.lt(f.now))
            .order((
                petition_clocks::petition_id,
                petition_clocks::due_at,
                petition_clocks::id,
            ))
            .select((
                petition_clocks::petition_id,
                petition_clocks::name,
                petition_clocks::due_at,
            ))
            .load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(|(p, o)| {
            let first = clocks
                .iter()
                .find(|(id, ..)| *id == p.id)
                .map(|(_, name, due_at)| OverdueClock {
                    name: *name,
                    due_at: *due_at,
                });
            (p, o, first)
        })
        .collect())
}
