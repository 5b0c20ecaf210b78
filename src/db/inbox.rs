//! An office's inbox: its petitions, nearest deadline first, then those with no running
//! clock, newest first. Served from the `(office_id, next_due_at, id)` index.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::petitions::PetitionListing;
use super::reference::OfficeRef;
use super::schema::{offices, petitions};
use super::{DbConnection, DbError};
use crate::domain::petition::Kind;
use crate::domain::workflow::Status;

type Backend = <DbConnection as Connection>::Backend;

#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub status: Option<Status>,
    pub kind: Option<Kind>,
    pub category: Option<String>,
    /// Only petitions whose nearest running deadline has passed at this instant.
    pub overdue_at: Option<NaiveDateTime>,
    /// Only petitions whose nearest running deadline is before this instant.
    pub due_before: Option<NaiveDateTime>,
}

/// Where a page of the inbox starts: after a dated petition, or among the undated ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxCursor {
    Due(NaiveDateTime, i64),
    Undated(i64),
}

impl InboxCursor {
    pub fn encode(&self) -> String {
        match self {
            Self::Due(at, id) => format!("d{}.{id}", at.and_utc().timestamp_micros()),
            Self::Undated(id) => format!("u{id}"),
        }
    }
    pub fn decode(text: &str) -> Option<Self> {
        if let Some(rest) = text.strip_prefix('d') {
            let (micros, id) = rest.split_once('.')?;
            let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
            Some(Self::Due(at, id.parse().ok()?))
        } else {
            Some(Self::Undated(text.strip_prefix('u')?.parse().ok()?))
        }
    }
}

fn filtered<'a>(office: i64, f: &InboxFilter) -> petitions::BoxedQuery<'a, Backend> {
    let mut q = petitions::table
        .filter(petitions::office_id.eq(office))
        .into_boxed::<Backend>();
    if let Some(status) = f.status {
        q = q.filter(petitions::status.eq(status));
    }
    if let Some(kind) = f.kind {
        q = q.filter(petitions::kind.eq(kind));
    }
    if let Some(category) = &f.category {
        q = q.filter(petitions::category_code.eq(category.clone()));
    }
    if let Some(at) = f.overdue_at {
        q = q.filter(petitions::next_due_at.lt(at));
    }
    if let Some(at) = f.due_before {
        q = q.filter(petitions::next_due_at.lt(at));
    }
    q
}

/// One page: at most `take` rows after `cursor`, and the cursor of the last row.
pub fn page(
    conn: &mut DbConnection,
    office: i64,
    f: &InboxFilter,
    cursor: Option<&InboxCursor>,
    take: i64,
) -> Result<Vec<(PetitionListing, OfficeRef, InboxCursor)>, DbError> {
    let with_office = |rows: Vec<PetitionListing>,
                       conn: &mut DbConnection|
     -> Result<Vec<(PetitionListing, OfficeRef)>, DbError> {
        let office_ref: OfficeRef = offices::table
            .find(office)
            .select(OfficeRef::as_select())
            .first(conn)?;
        Ok(rows.into_iter().map(|p| (p, office_ref.clone())).collect())
    };
    let mut out = Vec::new();
    if !matches!(cursor, Some(InboxCursor::Undated(_))) {
        let mut q = filtered(office, f).filter(petitions::next_due_at.is_not_null());
        if let Some(InboxCursor::Due(at, id)) = cursor {
            q = q.filter(
                petitions::next_due_at
                    .gt(*at)
                    .or(petitions::next_due_at.eq(*at).and(petitions::id.gt(*id))),
            );
        }
        let rows: Vec<PetitionListing> = q
            .order((petitions::next_due_at.asc(), petitions::id.asc()))
            .limit(take)
            .select(PetitionListing::as_select())
            .load(conn)?;
        for (p, o) in with_office(rows, conn)? {
            let c = InboxCursor::Due(p.next_due_at.unwrap_or_default(), p.id);
            out.push((p, o, c));
        }
    }
    let dated_only = f.overdue_at.is_some() || f.due_before.is_some();
    let left = take - out.len() as i64;
    if left > 0 && !dated_only {
        let mut q = filtered(office, f).filter(petitions::next_due_at.is_null());
        if let Some(InboxCursor::Undated(id)) = cursor {
            q = q.filter(petitions::id.lt(*id));
        }
        let rows: Vec<PetitionListing> = q
            .order(petitions::id.desc())
            .limit(left)
            .select(PetitionListing::as_select())
            .load(conn)?;
        for (p, o) in with_office(rows, conn)? {
            let c = InboxCursor::Undated(p.id);
            out.push((p, o, c));
        }
    }
    Ok(out)
}

/// How many of the office's petitions are in each state, from the maintained counters.
pub fn counts(conn: &mut DbConnection, office: i64) -> Result<Vec<(String, i64)>, DbError> {
    use super::schema::office_status_counts as c;
    Ok(c::table
        .filter(c::office_id.eq(office))
        .filter(c::petitions.gt(0))
        .order(c::status)
        .select((c::status, c::petitions))
        .load(conn)?)
}

/// Moves one petition between (office, status) counters, in the caller's transaction:
/// `from` loses it, `to` gains it; `None` on either side for arrival or nothing.
pub fn recount(
    conn: &mut DbConnection,
    from: Option<(i64, &str)>,
    to: Option<(i64, &str)>,
) -> Result<(), DbError> {
    use super::schema::office_status_counts as c;
    if from == to {
        return Ok(());
    }
    // Counter rows are locked in one order (office, status) by every transaction, so two
    // petitions moving in opposite directions between offices never deadlock.
    let mut changes: Vec<((i64, &str), i64)> = from
        .map(|f| (f, -1i64))
        .into_iter()
        .chain(to.map(|t| (t, 1)))
        .collect();
    changes.sort();
    for ((office, status), delta) in changes {
        crate::on_backend!(conn, |conn| diesel::insert_into(c::table)
            .values((
                c::office_id.eq(office),
                c::status.eq(status),
                c::petitions.eq(delta)
            ))
            .on_conflict((c::office_id, c::status))
            .do_update()
            .set(c::petitions.eq(c::petitions + delta))
            .execute(conn))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let at = chrono::DateTime::from_timestamp_micros(1_764_000_000_123_456)
            .unwrap()
            .naive_utc();
        for c in [InboxCursor::Due(at, 42), InboxCursor::Undated(7)] {
            assert_eq!(InboxCursor::decode(&c.encode()), Some(c));
        }
        assert_eq!(InboxCursor::decode("x"), None);
        assert_eq!(InboxCursor::decode("d1.x"), None);
    }
}
