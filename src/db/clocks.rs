//! Recomputing running clocks after the calendar or a rule changed (DESIGN §3.2): each clock
//! that moves gets its new due time and versions, and a `deadline.recomputed` event.

use crate::domain::clock::ClockName;
use crate::domain::event::{self, Event, StartedClock};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::events::{self, Actor};
use super::schema::petition_clocks;
use super::{DbConnection, DbError};
use crate::domain::calendar::VietnamCalendar;
use crate::domain::clock::{self, Calendar, Clock, DayType, end_of_day, local_date};

/// A running clock as recomputation needs it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petition_clocks)]
pub struct OpenClock {
    pub id: i64,
    pub petition_id: i64,
    pub name: ClockName,
    pub started_at: NaiveDateTime,
    pub length_days: i32,
    pub day_type: DayType,
    pub due_at: NaiveDateTime,
    pub rule_id: Option<i64>,
}

/// The rule a clock moves to.
#[derive(Debug, Clone, Copy)]
pub struct Successor<'a> {
    pub rule_id: i64,
    /// The clock's new length, extensions it was granted included.
    pub length_days: i32,
    pub day_type: DayType,
    pub legal_basis: &'a str,
    pub rules_version: &'a str,
}

/// A clock whose due time moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recomputed {
    pub petition_id: i64,
    pub clock: ClockName,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

/// Counts `clock` again from its start under `calendar` (and the `successor` rule, if its rule
/// changed). Nothing is written when neither the rule nor the due time changes.
pub fn recompute(
    conn: &mut DbConnection,
    clock: &OpenClock,
    calendar: &VietnamCalendar,
    successor: Option<Successor>,
    actor: &Actor,
    at: NaiveDateTime,
) -> Result<Option<Recomputed>, DbError> {
    let stored_type = clock.day_type;
    let (length, day_type) = successor.map_or((clock.length_days, stored_type), |s| {
        (s.length_days, s.day_type)
    });
    let start = local_date(clock.started_at.and_utc());
    let days = u32::try_from(length).unwrap_or(0);
    let due = end_of_day(clock::due_date(calendar, start, days, day_type)).naive_utc();
    if due == clock.due_at && successor.is_none() {
        return Ok(None);
    }
    let target = petition_clocks::table.find(clock.id);
    diesel::update(target)
        .set((
            petition_clocks::due_at.eq(due),
            petition_clocks::calendar_version.eq(calendar.version()),
        ))
        .execute(conn)?;
    if due > clock.due_at {
        // A clock moved later is no longer approaching or missed as announced.
        diesel::update(target)
            .set((
                petition_clocks::approaching_noted_at.eq(None::<NaiveDateTime>),
                petition_clocks::missed_noted_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    if let Some(s) = successor {
        diesel::update(target)
            .set((
                petition_clocks::rule_id.eq(Some(s.rule_id)),
                petition_clocks::length_days.eq(s.length_days),
                petition_clocks::day_type.eq(s.day_type),
                petition_clocks::legal_basis.eq(s.legal_basis),
                petition_clocks::rule_version.eq(s.rules_version),
            ))
            .execute(conn)?;
    }
    if due == clock.due_at {
        return Ok(None);
    }
    super::petitions::refresh_next_due(conn, clock.petition_id)?;
    events::append(
        conn,
        Some(clock.petition_id),
        actor,
        &Event::DeadlineRecomputed(event::Recomputed {
            clock: clock.name,
            from: clock.due_at.and_utc(),
            to: due.and_utc(),
            calendar_version: calendar.version().to_owned(),
            rules_version: successor.map(|s| s.rules_version.to_owned()),
        }),
        at,
    )?;
    Ok(Some(Recomputed {
        petition_id: clock.petition_id,
        clock: clock.name,
        from: clock.due_at,
        to: due,
    }))
}

/// The clocks an event started, as its payload lists them: the statistics fold reads their
/// names and due times from there (src/db/stats).
pub fn payload(clocks: &[Clock]) -> Vec<StartedClock> {
    clocks
        .iter()
        .map(|c| StartedClock {
            name: c.rule.clock,
            due_at: c.due_at,
        })
        .collect()
}

/// Stores newly started clocks of petition `id`. With `replace`, a clock of the same name that
/// ran before (clocks restarting after a transfer) is dropped first.
pub fn start(
    conn: &mut DbConnection,
    id: i64,
    clocks: &[Clock],
    replace: bool,
) -> Result<(), DbError> {
    for c in clocks {
        if replace {
            diesel::delete(
                petition_clocks::table
                    .filter(petition_clocks::petition_id.eq(id))
                    .filter(petition_clocks::name.eq(c.rule.clock)),
            )
            .execute(conn)?;
        }
        diesel::insert_into(petition_clocks::table)
            .values((
                petition_clocks::petition_id.eq(id),
                petition_clocks::name.eq(c.rule.clock),
                petition_clocks::started_at.eq(c.started_at.naive_utc()),
                petition_clocks::length_days.eq(c.rule.days as i32),
                petition_clocks::day_type.eq(c.rule.day_type),
                petition_clocks::due_at.eq(c.due_at.naive_utc()),
                petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running),
                petition_clocks::legal_basis.eq(&c.rule.legal_basis),
                petition_clocks::rule_version.eq(&c.rules_version),
                petition_clocks::calendar_version.eq(&c.calendar_version),
                petition_clocks::rule_id.eq(Some(c.rule.id).filter(|id| *id > 0)),
            ))
            .execute(conn)?;
    }
    Ok(())
}
