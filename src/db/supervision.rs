//! Supervision requests (DESIGN §3.8): filed by a supervisor with an office in their scope,
//! answered once by that office, each change with its chained event, in the caller's
//! transaction.

use crate::domain::event::{Event, SupervisionReplied, SupervisionRequested};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::events::{self, Actor};
use super::reference::OfficeRef;
use super::schema::{offices, petitions, supervision_request_petitions, supervision_requests};
use super::{DbConnection, DbError};
use crate::domain::clock::Calendar;
use crate::domain::staff::Scope;
use crate::domain::supervision::{Filing, ReplyPeriod, SupervisionStatus, covers_office};

type Backend = <DbConnection as Connection>::Backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = supervision_requests)]
pub struct RequestRow {
    pub id: i64,
    pub office_id: i64,
    pub filed_by: i64,
    pub subject: String,
    pub body: String,
    pub filed_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub reply_days: i32,
    pub calendar_version: String,
    pub status: SupervisionStatus,
    pub reply_body: Option<String>,
    pub replied_at: Option<NaiveDateTime>,
    pub replied_by: Option<i64>,
}

/// A request with the office it is addressed to and the petitions it names (their public
/// ids, in the order named).
#[derive(Debug, Clone)]
pub struct RequestDetail {
    pub request: RequestRow,
    pub office: OfficeRef,
    pub petition_ids: Vec<String>,
}

/// Whose requests a caller sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sight {
    /// An official's or office head's: their own office's.
    Office(i64),
    /// A supervisor's: those to offices in their scope.
    Scope(Scope),
    /// An admin's: all.
    All,
}

/// Why a filing was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such office, or not one in the supervisor's scope: the same answer for both.
    OfficeNotFound,
    /// A petition named does not exist or lies outside the supervisor's scope.
    PetitionNotFound,
    /// Petitions named (by their index in the request) that another office handles.
    OtherOffice(Vec<usize>),
}

/// Why an answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyRefusal {
    /// No such request, or one to another office.
    NotFound,
    AlreadyReplied,
}

/// Files a request from `supervisor` (whose scope is `scope`), due `period` working days after
/// `now` on `calendar`, and appends `supervision.requested`.
pub fn file(
    conn: &mut DbConnection,
    filing: &Filing,
    supervisor: i64,
    scope: &Scope,
    period: ReplyPeriod,
    calendar: &impl Calendar,
    now: DateTime<Utc>,
) -> Result<Result<RequestDetail, Refusal>, DbError> {
    let office: Option<(String, Option<String>)> = offices::table
        .find(filing.office_id)
        .select((offices::province_code, offices::commune_code))
        .first(conn)
        .optional()?;
    let in_scope = office
        .is_some_and(|(province, commune)| covers_office(scope, &province, commune.as_deref()));
    if !in_scope {
        return Ok(Err(Refusal::OfficeNotFound));
    }
    let found: Vec<(String, i64, i64, String, String)> = petitions::table
        .filter(petitions::public_id.eq_any(&filing.petition_ids))
        .select((
            petitions::public_id,
            petitions::id,
            petitions::office_id,
            petitions::province_code,
            petitions::commune_code,
        ))
        .load(conn)?;
    let mut petition_ids = Vec::with_capacity(filing.petition_ids.len());
    let mut elsewhere = Vec::new();
    for (i, public_id) in filing.petition_ids.iter().enumerate() {
        let Some((_, id, office_id, province, commune)) =
            found.iter().find(|(p, ..)| p == public_id)
        else {
            return Ok(Err(Refusal::PetitionNotFound));
        };
        if !scope.covers(province, commune) {
            return Ok(Err(Refusal::PetitionNotFound));
        }
        if *office_id != filing.office_id {
            elsewhere.push(i);
        }
        petition_ids.push(*id);
    }
    if !elsewhere.is_empty() {
        return Ok(Err(Refusal::OtherOffice(elsewhere)));
    }
    let at = now.naive_utc();
    let due_at = period.due_at(calendar, now);
    let row: RequestRow = diesel::insert_into(supervision_requests::table)
        .values((
            supervision_requests::office_id.eq(filing.office_id),
            supervision_requests::filed_by.eq(supervisor),
            supervision_requests::subject.eq(&filing.subject),
            supervision_requests::body.eq(&filing.body),
            supervision_requests::filed_at.eq(at),
            supervision_requests::due_at.eq(due_at.naive_utc()),
            supervision_requests::reply_days.eq(i32::try_from(period.days()).unwrap_or(i32::MAX)),
            supervision_requests::calendar_version.eq(calendar.version()),
            supervision_requests::status.eq(SupervisionStatus::Open),
        ))
        .returning(supervision_requests::all_columns)
        .get_result(conn)?;
    if !petition_ids.is_empty() {
        let links: Vec<_> = petition_ids
            .iter()
            .enumerate()
            .map(|(position, petition)| {
                (
                    supervision_request_petitions::request_id.eq(row.id),
                    supervision_request_petitions::position
                        .eq(i32::try_from(position).unwrap_or(i32::MAX)),
                    supervision_request_petitions::petition_id.eq(*petition),
                )
            })
            .collect();
        crate::on_backend!(conn, |c| diesel::insert_into(
            supervision_request_petitions::table
        )
        .values(&links)
        .execute(c))?;
    }
    events::append(
        conn,
        None,
        &Actor::Staff(supervisor),
        &Event::SupervisionRequested(SupervisionRequested {
            request_id: row.id,
            office_id: row.office_id,
            due_at,
            petition_ids: petition_ids.clone(),
        }),
        at,
    )?;
    let id = row.id;
    detail(conn, id)?
        .map(Ok)
        .ok_or_else(|| DbError::Corrupt(format!("supervision request {id} vanished")))
}

/// Records `office`'s answer to request `id`, by `user`, and appends `supervision.replied`.
pub fn reply(
    conn: &mut DbConnection,
    id: i64,
    office: i64,
    body: &str,
    user: i64,
    now: DateTime<Utc>,
) -> Result<Result<RequestDetail, ReplyRefusal>, DbError> {
    let found: Option<RequestRow> = supervision_requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = found.filter(|r| r.office_id == office) else {
        return Ok(Err(ReplyRefusal::NotFound));
    };
    let at = now.naive_utc();
    // Only an open request takes an answer; of two racing answers, one changes the row.
    let changed = diesel::update(
        supervision_requests::table
            .find(id)
            .filter(supervision_requests::status.eq(SupervisionStatus::Open)),
    )
    .set((
        supervision_requests::status.eq(SupervisionStatus::Answered),
        supervision_requests::reply_body.eq(body),
        supervision_requests::replied_at.eq(at),
        supervision_requests::replied_by.eq(user),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(Err(ReplyRefusal::AlreadyReplied));
    }
    events::append(
        conn,
        None,
        &Actor::Staff(user),
        &Event::SupervisionReplied(SupervisionReplied {
            request_id: row.id,
            office_id: row.office_id,
            due_at: row.due_at.and_utc(),
            replied_at: now,
        }),
        at,
    )?;
    detail(conn, id)?
        .map(Ok)
        .ok_or_else(|| DbError::Corrupt(format!("supervision request {id} vanished")))
}

/// The public ids of the petitions each request names, in the order named.
fn petitions_of(conn: &mut DbConnection, requests: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    Ok(supervision_request_petitions::table
        .inner_join(petitions::table)
        .filter(supervision_request_petitions::request_id.eq_any(requests))
        .order((
            supervision_request_petitions::request_id,
            supervision_request_petitions::position,
        ))
        .select((
            supervision_request_petitions::request_id,
            petitions::public_id,
        ))
        .load(conn)?)
}

fn with_petitions(
    conn: &mut DbConnection,
    rows: Vec<(RequestRow, OfficeRef)>,
) -> Result<Vec<RequestDetail>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
    let named = petitions_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(request, office)| RequestDetail {
            petition_ids: named
                .iter()
                .filter(|(r, _)| *r == request.id)
                .map(|(_, p)| p.clone())
                .collect(),
            request,
            office,
        })
        .collect())
}

/// A request, whoever may see it.
fn detail(conn: &mut DbConnection, id: i64) -> Result<Option<RequestDetail>, DbError> {
    find(conn, id, &Sight::All)
}

type Joined = diesel::dsl::InnerJoin<supervision_requests::table, offices::table>;

/// The requests a caller with `sight` sees, joined with their offices.
fn visible<'a>(sight: &Sight) -> diesel::dsl::IntoBoxed<'a, Joined, Backend> {
    let query = supervision_requests::table
        .inner_join(offices::table)
        .into_boxed::<Backend>();
    match sight {
        Sight::Office(office) => query.filter(supervision_requests::office_id.eq(*office)),
        Sight::Scope(Scope::National) | Sight::All => query,
        Sight::Scope(Scope::Province(p)) => {
            query.filter(offices::province_code.eq(p.as_str().to_owned()))
        }
        // A commune's office only: the province's office has no commune.
        Sight::Scope(Scope::Commune(c)) => {
            query.filter(offices::commune_code.eq(c.as_str().to_owned()))
        }
    }
}

/// Request `id`, if a caller with `sight` may see it.
pub fn find(
    conn: &mut DbConnection,
    id: i64,
    sight: &Sight,
) -> Result<Option<RequestDetail>, DbError> {
    let found: Option<(RequestRow, OfficeRef)> = visible(sight)
        .filter(supervision_requests::id.eq(id))
        .select((RequestRow::as_select(), OfficeRef::as_select()))
        .first(conn)
        .optional()?;
    Ok(with_petitions(conn, found.into_iter().collect())?.pop())
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub sight: Sight,
    pub status: Option<SupervisionStatus>,
    pub office_id: Option<i64>,
}

/// Where a page of requests starts: after a request of the open ones, or of the answered ones
/// (which come after all open ones), each ordered by due time then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub status: SupervisionStatus,
    pub due_at: NaiveDateTime,
    pub id: i64,
}

impl ListCursor {
    pub fn encode(&self) -> String {
        let tag = match self.status {
            SupervisionStatus::Open => 'o',
            SupervisionStatus::Answered => 'a',
        };
        format!(
            "{tag}{}.{}",
            self.due_at.and_utc().timestamp_micros(),
            self.id
        )
    }

    pub fn decode(text: &str) -> Option<Self> {
        let status = match text.get(..1)? {
            "o" => SupervisionStatus::Open,
            "a" => SupervisionStatus::Answered,
            _ => return None,
        };
        let (micros, id) = text.get(1..)?.split_once('.')?;
        let due_at = DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
        Some(Self {
            status,
            due_at,
            id: id.parse().ok()?,
        })
    }

    fn of(r: &RequestRow, status: SupervisionStatus) -> Self {
        Self {
            status,
            due_at: r.due_at,
            id: r.id,
        }
    }
}

/// One page of the requests `f` selects: open ones first, then answered ones, each oldest due
/// first; at most `take`, after `cursor`, each with its own cursor.
pub fn page(
    conn: &mut DbConnection,
    f: &ListFilter,
    cursor: Option<&ListCursor>,
    take: i64,
) -> Result<Vec<(RequestDetail, ListCursor)>, DbError> {
    let mut rows: Vec<(RequestRow, OfficeRef, ListCursor)> = Vec::new();
    for status in SupervisionStatus::ALL {
        let left = take - rows.len() as i64;
        if left <= 0 || f.status.is_some_and(|s| s != status) {
            continue;
        }
        // The answered ones come after every open one.
        if cursor.is_some_and(|c| {
            c.status == SupervisionStatus::Answered && status == SupervisionStatus::Open
        }) {
            continue;
        }
        let mut q = visible(&f.sight).filter(supervision_requests::status.eq(status));
        if let Some(office) = f.office_id {
            q = q.filter(supervision_requests::office_id.eq(office));
        }
        if let Some(c) = cursor.filter(|c| c.status == status) {
            q = q.filter(
                supervision_requests::due_at
                    .gt(c.due_at)
                    .or(supervision_requests::due_at
                        .eq(c.due_at)
                        .and(supervision_requests::id.gt(c.id))),
            );
        }
        let found: Vec<(RequestRow, OfficeRef)> = q
            .order((
                supervision_requests::due_at.asc(),
                supervision_requests::id.asc(),
            ))
            .limit(left)
            .select((RequestRow::as_select(), OfficeRef::as_select()))
            .load(conn)?;
        rows.extend(found.into_iter().map(|(r, o)| {
            let c = ListCursor::of(&r, status);
            (r, o, c)
        }));
    }
    let cursors: Vec<ListCursor> = rows.iter().map(|(_, _, c)| *c).collect();
    let details = with_petitions(conn, rows.into_iter().map(|(r, o, _)| (r, o)).collect())?;
    Ok(details.into_iter().zip(cursors).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let due_at = DateTime::from_timestamp_micros(1_764_000_000_123_456)
            .unwrap()
            .naive_utc();
        for status in SupervisionStatus::ALL {
            let c = ListCursor {
                status,
                due_at,
                id: 42,
            };
            assert_eq!(ListCursor::decode(&c.encode()), Some(c));
        }
        for bad in ["", "x1.2", "o1", "o1.x", "a.2", "éa"] {
            assert_eq!(ListCursor::decode(bad), None, "{bad}");
        }
    }
}
