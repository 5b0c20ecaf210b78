//! The working-day calendar as stored: the admins' changes to days (DESIGN §3.2), the calendar
//! held in memory, and the recomputation of open clocks when a day changes.
//!
//! Official days and the rules live in `domain::calendar`; the database only holds what admins
//! changed, append-only, so every version can be rebuilt. The calendar's revision is the id of
//! the newest change; its version string (stored with every deadline) names that revision.

use super::clocks::{OpenClock, Recomputed, recompute};
use super::events::Actor;
use super::schema::{calendar_changes, petition_clocks};
use super::{DbConnection, DbError};
use crate::domain::calendar::{DayChange, DayKind, VietnamCalendar};
use crate::domain::clock::end_of_day;
use crate::domain::event::Event;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// The calendar with every stored change applied.
pub fn load(conn: &mut DbConnection) -> Result<VietnamCalendar, DbError> {
    let rows: Vec<(i64, NaiveDate, String, String, bool)> = calendar_changes::table
        .order(calendar_changes::id)
        .select((
            calendar_changes::id,
            calendar_changes::day,
            calendar_changes::kind,
            calendar_changes::name,
            calendar_changes::recurring,
        ))
        .load(conn)?;
    let revision = rows.last().map_or(0, |r| r.0);
    let changes = rows
        .into_iter()
        .map(|(_, date, kind, name, recurring)| {
            let kind = match kind.as_str() {
                "holiday" => DayKind::Holiday,
                "working" => DayKind::Working,
                other => return Err(DbError::Corrupt(format!("calendar change kind {other}"))),
            };
            Ok(DayChange {
                date,
                kind,
                name,
                recurring,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(VietnamCalendar::new(
        changes,
        u32::try_from(revision).unwrap_or(u32::MAX),
    ))
}

/// The newest change's id: cheap enough to ask on a timer, to notice another node's change.
pub fn revision(conn: &mut DbConnection) -> Result<i64, DbError> {
    let newest: Option<i64> = calendar_changes::table
        .select(diesel::dsl::max(calendar_changes::id))
        .first(conn)?;
    Ok(newest.unwrap_or(0))
}

/// Records an admin's change to one day, after taking the change lock.
pub fn record_change(
    conn: &mut DbConnection,
    change: &DayChange,
    by: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    serialise_changes(conn)?;
    diesel::insert_into(calendar_changes::table)
        .values((
            calendar_changes::day.eq(change.date),
            calendar_changes::kind.eq(match change.kind {
                DayKind::Holiday => "holiday",
                DayKind::Working => "working",
            }),
            calendar_changes::name.eq(&change.name),
            calendar_changes::recurring.eq(change.recurring),
            calendar_changes::changed_by.eq(Some(by)),
            calendar_changes::changed_at.eq(at),
        ))
        .execute(conn)?;
    super::events::append(
        conn,
        None,
        &Actor::Staff(by),
        &Event::CalendarDayChanged(change.clone()),
        at,
    )
}

/// Recomputes the running clocks that `day` can move: those started before it and due on or
/// after it (a day outside a clock's span changes neither its count nor its last day); with
/// `every_year`, every clock due on or after it.
pub fn recompute_around(
    conn: &mut DbConnection,
    calendar: &VietnamCalendar,
    day: NaiveDate,
    every_year: bool,
    actor: &Actor,
    at: NaiveDateTime,
) -> Result<Vec<Recomputed>, DbError> {
    let day_starts = end_of_day(day - chrono::Days::new(1)).naive_utc();
    let day_ends = end_of_day(day).naive_utc();
    let running = petition_clocks::table
        .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running))
        .filter(petition_clocks::due_at.gt(day_starts))
        .select(OpenClock::as_select());
    // A change of every year from `day` on can move any clock due after it.
    let clocks: Vec<OpenClock> = if every_year {
        running.load(conn)?
    } else {
        running
            .filter(petition_clocks::started_at.le(day_ends))
            .load(conn)?
    };
    let mut moved = Vec::new();
    for clock in &clocks {
        moved.extend(recompute(conn, clock, calendar, None, actor, at)?);
    }
    Ok(moved)
}

/// On PostgreSQL, a transaction-scoped lock that changes to the calendar and to the rules
/// take, so that they queue and each recomputes with every change committed before it (on
/// SQLite the single writer already does this).
pub fn serialise_changes(conn: &mut DbConnection) -> Result<(), DbError> {
    if let DbConnection::Postgres(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7368636164)").execute(c)?;
    }
    Ok(())
}

/// The calendar in use, shared by the HTTP workers and the jobs; swapped whole after a change.
pub type CalendarCache = super::snapshot::Snapshot<VietnamCalendar>;
