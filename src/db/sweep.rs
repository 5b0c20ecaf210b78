//! The deadline sweeper's queries: running clocks coming due or past due, each announced once.
//!
//! Every query starts from the `petition_clocks_sweep` index (status, missed_noted_at, due_at),
//! so a sweep reads the clocks due up to its cutoff, not every petition. On PostgreSQL the
//! clocks are claimed with `FOR UPDATE SKIP LOCKED`, so two servers sweeping at once each take
//! different clocks; a claimed clock is marked in the same transaction as its event, so it is
//! never announced twice. On SQLite the single writer serialises sweeps.

use crate::domain::event::{DeadlineNoted, Event, NoticeReason, SuperiorNotified};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::events::{self, Actor};
use super::schema::{office_notices, offices, petition_clocks, petitions};
use super::{DbConnection, DbError};
use crate::domain::clock::ClockName;
use crate::domain::petition::Kind;

/// What one sweep announced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub approaching: usize,
    pub missed: usize,
    /// Superior offices told of an overdue denunciation.
    pub notices: usize,
}

type Due = (i64, i64, ClockName, NaiveDateTime, Kind, i64);

/// Which announcement a sweep is looking for.
#[derive(Debug, Clone, Copy)]
enum Pass {
    /// Due before this instant.
    Missed { now: NaiveDateTime },
    /// Due in `[now, cutoff)` and not yet announced approaching.
    Approaching {
        now: NaiveDateTime,
        cutoff: NaiveDateTime,
    },
}

/// Claims up to `limit` running clocks, not yet announced missed, for the pass, soonest due
/// first.
fn claim(conn: &mut DbConnection, pass: Pass, limit: i64) -> Result<Vec<Due>, DbError> {
    // Before any stored time, and within what both backends' timestamps hold.
    let long_ago = chrono::DateTime::UNIX_EPOCH.naive_utc();
    // `noted_ok_before`: clocks already announced approaching still count when due before it.
    // The missed pass takes them all (everything it reads is due before `now`); the approaching
    // pass none. One filter shape for both, so both walk the sweep index the same way.
    let (from, to, noted_ok_before) = match pass {
        Pass::Missed { now } => (long_ago, now, now),
        Pass::Approaching { now, cutoff } => (now, cutoff, long_ago),
    };
    macro_rules! due {
        () => {
            petition_clocks::table
                .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running))
                .filter(petition_clocks::missed_noted_at.is_null())
                .filter(petition_clocks::due_at.ge(from))
                .filter(petition_clocks::due_at.lt(to))
                .filter(
                    petition_clocks::approaching_noted_at
                        .is_null()
                        .or(petition_clocks::due_at.lt(noted_ok_before)),
                )
                .order(petition_clocks::due_at)
                .limit(limit)
                .select(petition_clocks::id)
        };
    }
    let ids: Vec<i64> = match conn {
        DbConnection::Postgres(c) => due!().for_update().skip_locked().load(c)?,
        DbConnection::Sqlite(c) => due!().load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(petition_clocks::table
        .inner_join(petitions::table)
        .filter(petition_clocks::id.eq_any(&ids))
        .order(petition_clocks::due_at)
        .select((
            petition_clocks::id,
            petition_clocks::petition_id,
            petition_clocks::name,
            petition_clocks::due_at,
            petitions::kind,
            petitions::office_id,
        ))
        .load(conn)?)
}

/// One sweep: announces up to `limit` missed clocks, then up to `limit` clocks coming due
/// before `cutoff`, each with its event, in the caller's transaction. An overdue denunciation
/// is also reported to the superior office (Law on Denunciations 25/2018/QH14 art. 38: the
/// denouncer may then turn to it, and it asks the office for a report).
pub fn sweep(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    cutoff: NaiveDateTime,
    limit: i64,
) -> Result<Swept, DbError> {
    let mut swept = Swept::default();
    let missed = claim(conn, Pass::Missed { now }, limit)?;
    mark(conn, &missed, Noted::Missed, now)?;
    announce(conn, Event::DeadlineMissed, &missed, now)?;
    swept.missed = missed.len();
    for (_, petition_id, name, _, kind, office_id) in &missed {
        let overdue_denunciation = *kind == Kind::Denunciation
            && [ClockName::Resolve, ClockName::InitialProcessing].contains(name);
        if overdue_denunciation && notify_superior(conn, *petition_id, *office_id, *name, now)? {
            swept.notices += 1;
        }
    }
    let approaching = claim(conn, Pass::Approaching { now, cutoff }, limit)?;
    mark(conn, &approaching, Noted::Approaching, now)?;
    announce(conn, Event::DeadlineApproaching, &approaching, now)?;
    swept.approaching = approaching.len();
    Ok(swept)
}

/// Which announcement a clock has had.
#[derive(Debug, Clone, Copy)]
enum Noted {
    Missed,
    Approaching,
}

/// Records the announcement on the claimed clocks, in one statement.
fn mark(
    conn: &mut DbConnection,
    clocks: &[Due],
    noted: Noted,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    if clocks.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = clocks.iter().map(|c| c.0).collect();
    let claimed = petition_clocks::table.filter(petition_clocks::id.eq_any(&ids));
    match noted {
        Noted::Missed => diesel::update(claimed)
            .set(petition_clocks::missed_noted_at.eq(Some(now)))
            .execute(conn)?,
        Noted::Approaching => diesel::update(claimed)
            .set(petition_clocks::approaching_noted_at.eq(Some(now)))
            .execute(conn)?,
    };
    Ok(())
}

/// One event per claimed clock.
fn announce(
    conn: &mut DbConnection,
    event: fn(DeadlineNoted) -> Event,
    clocks: &[Due],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let each: Vec<(i64, Event)> = clocks
        .iter()
        .map(|(_, petition_id, name, due_at, _, office_id)| {
            let noted = DeadlineNoted {
                clock: *name,
                due_at: due_at.and_utc(),
                office_id: *office_id,
            };
            (*petition_id, event(noted))
        })
        .collect();
    events::append_each(conn, &Actor::System, &each, now)
}

/// Tells the office above `office_id` that a denunciation there is overdue. False when the
/// office has no superior on record.
fn notify_superior(
    conn: &mut DbConnection,
    petition_id: i64,
    office_id: i64,
    clock: ClockName,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let superior: Option<Option<i64>> = offices::table
        .find(office_id)
        .select(offices::parent_id)
        .first(conn)
        .optional()?;
    let Some(superior) = superior.flatten() else {
        return Ok(false);
    };
    diesel::insert_into(office_notices::table)
        .values((
            office_notices::office_id.eq(superior),
            office_notices::petition_id.eq(petition_id),
            office_notices::reason.eq(NoticeReason::DenunciationOverdue.code()),
            office_notices::created_at.eq(now),
        ))
        .execute(conn)?;
    events::append(
        conn,
        Some(petition_id),
        &Actor::System,
        &Event::SuperiorNotified(SuperiorNotified {
            office_id: superior,
            reason: NoticeReason::DenunciationOverdue,
            clock,
            legal_basis: NoticeReason::DenunciationOverdue.legal_basis().to_owned(),
        }),
        now,
    )?;
    Ok(true)
}
