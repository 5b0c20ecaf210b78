//! What a step of the workflow writes (DESIGN §3.3), statement by statement, in the caller's
//! transaction. Which step is allowed, and what the law makes of it, is decided in
//! `service::workflow`; these only store the outcome.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::petitions::PetitionRow;
use super::schema::{petition_answers, petition_clocks, petition_ratings, petitions};
use super::{DbConnection, DbError};
use crate::domain::clock::{ClockName, ClockStatus, Complexity, DayType};
use crate::domain::workflow::Status;

/// The petition as an action finds it, locked until the action's transaction ends: a second
/// action on the same petition waits, then finds the state the first one left (and is refused
/// with the actions that state allows) instead of acting on a state that is gone.
pub fn load(conn: &mut DbConnection, id: i64) -> Result<PetitionRow, DbError> {
    super::petitions::lock(conn, id)?;
    Ok(petitions::table
        .find(id)
        .select(PetitionRow::as_select())
        .first(conn)?)
}

/// Moves the (locked) petition `p` to `to`. The office's counters follow with [`recount`],
/// as the transaction's last statement.
pub fn set_status(
    conn: &mut DbConnection,
    p: &PetitionRow,
    to: Status,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let changed = diesel::update(
        petitions::table
            .find(p.id)
            .filter(petitions::status.eq(p.status)),
    )
    .set((petitions::status.eq(to), petitions::updated_at.eq(at)))
    .execute(conn)?;
    if changed == 0 {
        // The row is locked by this transaction: nothing else can have moved it.
        return Err(DbError::Corrupt(format!(
            "petition {} was not {:?} when moved",
            p.id, p.status
        )));
    }
    Ok(())
}

/// Moves `p`, as it was loaded, to `status` at `office` in the offices' counters of
/// petitions per status.
///
/// Last in every transaction that changes a petition, after the event: locks are taken in
/// one order everywhere (the petition, its clocks, the audit chain's head, the counters), so
/// two transactions never wait on each other; and the counter row every petition to an
/// office bumps is held for the shortest time.
pub fn recount(
    conn: &mut DbConnection,
    p: &PetitionRow,
    office: i64,
    status: Status,
) -> Result<(), DbError> {
    super::inbox::recount(
        conn,
        Some((p.office_id, p.status.code())),
        Some((office, status.code())),
    )
}

/// Notes that the petition changed at `at` without a change of state.
pub fn touch(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(petitions::table.find(id))
        .set(petitions::updated_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn set_complexity(
    conn: &mut DbConnection,
    id: i64,
    complexity: Complexity,
) -> Result<(), DbError> {
    diesel::update(petitions::table.find(id))
        .set(petitions::complexity.eq(complexity))
        .execute(conn)?;
    Ok(())
}

/// Hands the (locked) petition `p` to `office` in its state ([`recount`] follows).
pub fn move_to_office(
    conn: &mut DbConnection,
    p: &PetitionRow,
    office: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(petitions::table.find(p.id))
        .set((
            petitions::office_id.eq(office),
            petitions::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ends the running clocks named (all when `None`): met when before their due time, missed
/// after it. Returns how many it ended.
pub fn end_clocks(
    conn: &mut DbConnection,
    id: i64,
    names: Option<&[ClockName]>,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    let names = names.unwrap_or(&ClockName::ALL);
    let running = || {
        petition_clocks::table
            .filter(petition_clocks::petition_id.eq(id))
            .filter(petition_clocks::status.eq(ClockStatus::Running))
            .filter(petition_clocks::name.eq_any(names))
    };
    let met = diesel::update(running().filter(petition_clocks::due_at.ge(at)))
        .set((
            petition_clocks::status.eq(ClockStatus::Met),
            petition_clocks::ended_at.eq(at),
        ))
        .execute(conn)?;
    let missed = diesel::update(running().filter(petition_clocks::due_at.lt(at)))
        .set((
            petition_clocks::status.eq(ClockStatus::Missed),
            petition_clocks::ended_at.eq(at),
        ))
        .execute(conn)?;
    Ok(met + missed)
}

/// Stops every running clock: the petition left the office (transfer) or was withdrawn.
pub fn stop_clocks(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        petition_clocks::table
            .filter(petition_clocks::petition_id.eq(id))
            .filter(petition_clocks::status.eq(ClockStatus::Running)),
    )
    .set((
        petition_clocks::status.eq(ClockStatus::Stopped),
        petition_clocks::ended_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// A running clock, as an extension needs it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = petition_clocks)]
pub struct RunningClock {
    pub id: i64,
    pub started_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub extensions: i32,
    pub day_type: DayType,
    pub length_days: i32,
    pub rule_id: Option<i64>,
}

/// The petition's running clock called `name`, if there is one.
pub fn running_clock(
    conn: &mut DbConnection,
    id: i64,
    name: ClockName,
) -> Result<Option<RunningClock>, DbError> {
    Ok(petition_clocks::table
        .filter(petition_clocks::petition_id.eq(id))
        .filter(petition_clocks::name.eq(name))
        .filter(petition_clocks::status.eq(ClockStatus::Running))
        .select(RunningClock::as_select())
        .first(conn)
        .optional()?)
}

/// Gives a running clock its extended length and due time. Moved later, it is no longer
/// approaching or missed as the sweeper announced it.
pub fn extend_clock(
    conn: &mut DbConnection,
    clock: &RunningClock,
    length_days: i32,
    due_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(petition_clocks::table.find(clock.id))
        .set((
            petition_clocks::due_at.eq(due_at),
            petition_clocks::extensions.eq(clock.extensions + 1),
            petition_clocks::length_days.eq(length_days),
            petition_clocks::approaching_noted_at.eq(None::<NaiveDateTime>),
            petition_clocks::missed_noted_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// An office's answer as stored.
pub struct NewAnswer<'a> {
    pub body: &'a str,
    pub decision_number: Option<&'a str>,
    pub attachments: &'a [String],
    pub answered_by: i64,
}

pub fn insert_answer(
    conn: &mut DbConnection,
    id: i64,
    a: &NewAnswer,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let attachments = serde_json::to_string(a.attachments)
        .map_err(|e| DbError::Corrupt(format!("encoding attachments: {e}")))?;
    diesel::insert_into(petition_answers::table)
        .values((
            petition_answers::petition_id.eq(id),
            petition_answers::body.eq(a.body),
            petition_answers::decision_number.eq(a.decision_number),
            petition_answers::attachments.eq(attachments),
            petition_answers::answered_by.eq(a.answered_by),
            petition_answers::answered_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// When the petition was answered, if it was.
pub fn answered_at(conn: &mut DbConnection, id: i64) -> Result<Option<NaiveDateTime>, DbError> {
    Ok(petition_answers::table
        .find(id)
        .select(petition_answers::answered_at)
        .first(conn)
        .optional()?)
}

pub fn insert_rating(
    conn: &mut DbConnection,
    id: i64,
    satisfied: bool,
    score: i32,
    comment: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(petition_ratings::table)
        .values((
            petition_ratings::petition_id.eq(id),
            petition_ratings::satisfied.eq(satisfied),
            petition_ratings::score.eq(score),
            petition_ratings::comment.eq(comment),
            petition_ratings::rated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
