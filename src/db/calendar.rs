//! The working-day calendar as stored: the admins' changes to days (DESIGN §3.2), the calendar
//! held in memory, and the recomputation of open clocks when a day changes.
//!
//! Official days and the rules live in `domain::calendar`; the database only holds what admins
//! changed, append-only, so every version can be rebuilt. The calendar's revision is the id of
//! the newest change; its version string (stored with every deadline) names that revision.

use std::sync::{Arc, RwLock};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::events::{self, Actor};
use super::schema::{calendar_changes, petition_clocks};
use super::{DbConnection, DbError};
use crate::domain::calendar::{DayChange, DayKind, VietnamCalendar};
use crate::domain::clock::{self, Calendar, DayType, end_of_day, local_date};

/// The calendar with every stored change applied.
pub fn load(conn: &mut DbConnection) -> Result<VietnamCalendar, DbError> {
    let rows: Vec<(i64, NaiveDate, String, String)> = calendar_changes::table
        .order(calendar_changes::id)
        .select((
            calendar_changes::id,
            calendar_changes::day,
            calendar_changes::kind,
            calendar_changes::name,
        ))
        .load(conn)?;
    let revision = rows.last().map_or(0, |r| r.0);
    let changes = rows
        .into_iter()
        .map(|(_, date, kind, name)| {
            let kind = match kind.as_str() {
                "holiday" => DayKind::Holiday,
                "working" => DayKind::Working,
                other => return Err(DbError::Corrupt(format!("calendar change kind {other}"))),
            };
            Ok(DayChange { date, kind, name })
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

/// Records an admin's change to one day. On PostgreSQL it first takes a transaction-scoped
/// lock, so that concurrent changes queue: each then loads and recomputes with every change
/// committed before it (SQLite's single writer already does this).
pub fn record_change(
    conn: &mut DbConnection,
    change: &DayChange,
    by: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    if let DbConnection::Postgres(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7368636164)").execute(c)?;
    }
    diesel::insert_into(calendar_changes::table)
        .values((
            calendar_changes::day.eq(change.date),
            calendar_changes::kind.eq(match change.kind {
                DayKind::Holiday => "holiday",
                DayKind::Working => "working",
            }),
            calendar_changes::name.eq(&change.name),
            calendar_changes::changed_by.eq(Some(by)),
            calendar_changes::changed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A clock whose due time moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recomputed {
    pub petition_id: i64,
    pub clock: String,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

/// Recomputes the running clocks that `day` can move: those started before it and due on or
/// after it (a day outside a clock's span changes neither its count nor its last day). Each
/// clock that moves gets the new due time, the calendar's version and a `deadline.recomputed`
/// event; the petitions' `next_due_at` follow.
pub fn recompute_around(
    conn: &mut DbConnection,
    calendar: &VietnamCalendar,
    day: NaiveDate,
    actor: &Actor,
    at: NaiveDateTime,
) -> Result<Vec<Recomputed>, DbError> {
    let day_starts = end_of_day(day - chrono::Days::new(1)).naive_utc();
    let day_ends = end_of_day(day).naive_utc();
    let clocks: Vec<(i64, i64, String, NaiveDateTime, i32, String, NaiveDateTime)> =
        petition_clocks::table
            .filter(petition_clocks::status.eq("running"))
            .filter(petition_clocks::started_at.le(day_ends))
            .filter(petition_clocks::due_at.gt(day_starts))
            .select((
                petition_clocks::id,
                petition_clocks::petition_id,
                petition_clocks::name,
                petition_clocks::started_at,
                petition_clocks::length_days,
                petition_clocks::day_type,
                petition_clocks::due_at,
            ))
            .load(conn)?;
    recompute(conn, calendar, clocks, actor, at)
}

fn recompute(
    conn: &mut DbConnection,
    calendar: &VietnamCalendar,
    clocks: Vec<(i64, i64, String, NaiveDateTime, i32, String, NaiveDateTime)>,
    actor: &Actor,
    at: NaiveDateTime,
) -> Result<Vec<Recomputed>, DbError> {
    let mut moved = Vec::new();
    for (id, petition_id, name, started_at, length, day_type, due_at) in clocks {
        let day_type = DayType::from_code(&day_type)
            .ok_or_else(|| DbError::Corrupt(format!("clock day type {day_type}")))?;
        let start = local_date(started_at.and_utc());
        let days = u32::try_from(length).unwrap_or(0);
        let due = end_of_day(clock::due_date(calendar, start, days, day_type)).naive_utc();
        if due == due_at {
            continue;
        }
        diesel::update(petition_clocks::table.find(id))
            .set((
                petition_clocks::due_at.eq(due),
                petition_clocks::calendar_version.eq(calendar.version()),
                // A clock moved later is no longer approaching or missed as announced.
                petition_clocks::approaching_noted_at.eq(None::<NaiveDateTime>),
                petition_clocks::missed_noted_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        super::petitions::refresh_next_due(conn, petition_id)?;
        events::append(
            conn,
            Some(petition_id),
            actor,
            "deadline.recomputed",
            &json!({
                "clock": name,
                "from": due_at.and_utc(),
                "to": due.and_utc(),
                "calendar_version": calendar.version(),
            }),
            at,
        )?;
        moved.push(Recomputed {
            petition_id,
            clock: name,
            from: due_at,
            to: due,
        });
    }
    Ok(moved)
}

/// The calendar in use, shared by the HTTP workers and the jobs; swapped whole after a change.
#[derive(Debug)]
pub struct CalendarCache(RwLock<Arc<VietnamCalendar>>);

impl CalendarCache {
    pub fn new(calendar: VietnamCalendar) -> Self {
        Self(RwLock::new(Arc::new(calendar)))
    }

    pub fn current(&self) -> Arc<VietnamCalendar> {
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn replace(&self, calendar: VietnamCalendar) {
        let fresh = Arc::new(calendar);
        match self.0.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
    }
}
