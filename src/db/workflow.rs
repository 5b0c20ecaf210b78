//! Officials' actions on a petition (DESIGN §3.3): each checks the state machine, changes the
//! petition and its clocks, and appends its event, in the caller's transaction.

use crate::domain::event::{Accepted, Answered, Event, Extended, Rated, Rejected, Transferred};
use crate::domain::workflow::RejectReason;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::events::{self, Actor};
use super::petitions::{ActError, PetitionRow, refresh_next_due};
use super::schema::{petition_answers, petition_clocks, petition_ratings, petitions};
use super::{DbConnection, DbError};
use crate::domain::clock::{self, ClockName, Complexity, end_of_day, local_date};
use crate::domain::rules::{Case, Law, Starts};
use crate::domain::workflow::{self, Action, Status, WrongState};

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

/// Moves the petition from its current state by `action`, or refuses with the allowed actions.
fn transition(
    conn: &mut DbConnection,
    p: &PetitionRow,
    action: Action,
    at: NaiveDateTime,
) -> Result<(Status, Status), ActError> {
    let from = p.status;
    let to = workflow::next(from, action)?;
    let changed = diesel::update(
        petitions::table
            .find(p.id)
            .filter(petitions::status.eq(from)),
    )
    .set((petitions::status.eq(to), petitions::updated_at.eq(at)))
    .execute(conn)
    .map_err(DbError::from)?;
    if changed == 0 {
        return Err(DbError::Corrupt("petition changed concurrently".into()).into());
    }
    super::inbox::recount(
        conn,
        Some((p.office_id, from.code())),
        Some((p.office_id, to.code())),
    )?;
    Ok((from, to))
}

/// Ends the running clocks named (all when `None`): met when before their due time, missed
/// after it. Returns how many it ended.
fn end_clocks(
    conn: &mut DbConnection,
    id: i64,
    names: Option<&[ClockName]>,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    let codes: Vec<&str> = names
        .unwrap_or(&ClockName::ALL)
        .iter()
        .map(|c| c.code())
        .collect();
    let running = petition_clocks::table
        .filter(petition_clocks::petition_id.eq(id))
        .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running))
        .filter(petition_clocks::name.eq_any(&codes));
    let met = diesel::update(running.filter(petition_clocks::due_at.ge(at)))
        .set((
            petition_clocks::status.eq(crate::domain::clock::ClockStatus::Met),
            petition_clocks::ended_at.eq(at),
        ))
        .execute(conn)?;
    let missed = diesel::update(
        petition_clocks::table
            .filter(petition_clocks::petition_id.eq(id))
            .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running))
            .filter(petition_clocks::name.eq_any(&codes))
            .filter(petition_clocks::due_at.lt(at)),
    )
    .set((
        petition_clocks::status.eq(crate::domain::clock::ClockStatus::Missed),
        petition_clocks::ended_at.eq(at),
    ))
    .execute(conn)?;
    Ok(met + missed)
}

/// Starts the clocks the rules give the petition at `starts`, at `at`. A clock of the same
/// name that already ran (a transfer restarting the clocks) is replaced.
fn start_clocks(
    conn: &mut DbConnection,
    p: &PetitionRow,
    starts: Starts,
    complexity: Option<Complexity>,
    at: DateTime<Utc>,
    law: &Law,
) -> Result<Vec<clock::Clock>, DbError> {
    let kind = p.kind;
    let remote =
        law.rules.asks_remote(kind, starts) && super::rules::is_remote(conn, &p.commune_code)?;
    let case = Case {
        kind,
        second_time: p.second_time_of.is_some(),
        remote,
        complexity,
        province_code: &p.province_code,
        category_code: &p.category_code,
    };
    let clocks = clock::start_clocks(law.calendar, law.rules, &case, starts, at);
    super::clocks::start(conn, p.id, &clocks, true)?;
    Ok(clocks)
}

/// Accepts a petition for handling (thụ lý), setting its complexity and starting the
/// resolution clocks.
pub fn accept(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    complexity: Complexity,
    now: DateTime<Utc>,
    law: &Law,
) -> Result<(), ActError> {
    let at = now.naive_utc();
    transition(conn, p, Action::Accept, at)?;
    end_clocks(
        conn,
        p.id,
        Some(&[
            ClockName::Accept,
            ClockName::InitialProcessing,
            ClockName::Acknowledge,
        ]),
        at,
    )?;
    let started = start_clocks(conn, p, Starts::Acceptance, Some(complexity), now, law)?;
    diesel::update(petitions::table.find(p.id))
        .set(petitions::complexity.eq(complexity))
        .execute(conn)
        .map_err(DbError::from)?;
    refresh_next_due(conn, p.id)?;
    events::append(
        conn,
        Some(p.id),
        actor,
        &Event::PetitionAccepted(Accepted {
            complexity,
            clocks: super::clocks::payload(&started),
        }),
        at,
    )?;
    Ok(())
}

pub fn reject(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    reason: RejectReason,
    now: DateTime<Utc>,
) -> Result<(), ActError> {
    let at = now.naive_utc();
    transition(conn, p, Action::Reject, at)?;
    end_clocks(conn, p.id, None, at)?;
    refresh_next_due(conn, p.id)?;
    events::append(
        conn,
        Some(p.id),
        actor,
        &Event::PetitionRejected(Rejected { reason }),
        at,
    )?;
    Ok(())
}

/// Moves a petition to another office; its clocks restart there (DESIGN §3.4).
pub fn transfer(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    to_office: i64,
    reason: &str,
    now: DateTime<Utc>,
    law: &Law,
) -> Result<(), ActError> {
    let at = now.naive_utc();
    transition(conn, p, Action::Transfer, at)?;
    diesel::update(
        petition_clocks::table
            .filter(petition_clocks::petition_id.eq(p.id))
            .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running)),
    )
    .set((
        petition_clocks::status.eq(crate::domain::clock::ClockStatus::Stopped),
        petition_clocks::ended_at.eq(at),
    ))
    .execute(conn)
    .map_err(DbError::from)?;
    diesel::update(petitions::table.find(p.id))
        .set(petitions::office_id.eq(to_office))
        .execute(conn)
        .map_err(DbError::from)?;
    let received = Status::Received.code();
    super::inbox::recount(
        conn,
        Some((p.office_id, received)),
        Some((to_office, received)),
    )?;
    let started = start_clocks(conn, p, Starts::Receipt, None, now, law)?;
    refresh_next_due(conn, p.id)?;
    events::append(
        conn,
        Some(p.id),
        actor,
        &Event::PetitionTransferred(Transferred {
            from_office: p.office_id,
            to_office,
            reason: reason.to_owned(),
            clocks: super::clocks::payload(&started),
        }),
        at,
    )?;
    Ok(())
}

/// The law allows no (further) extension of this clock.
#[derive(Debug, thiserror::Error)]
#[error("the clock cannot be extended")]
pub struct NotExtendable;

/// Extends a running clock within the kind's limits.
pub fn extend(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    clock_name: ClockName,
    reason: &str,
    now: DateTime<Utc>,
    law: &Law,
) -> Result<Result<(), NotExtendable>, ActError> {
    let at = now.naive_utc();
    let from = p.status;
    // Extending needs the petition's state to allow it (accepted; or a denunciation's initial
    // processing while received).
    let state_allows = workflow::next(from, Action::Extend).is_ok()
        || (from == Status::Received && clock_name == ClockName::InitialProcessing);
    if !state_allows {
        return Err(ActError::WrongState(WrongState {
            status: from,
            action: Action::Extend,
            allowed: from.allowed(),
        }));
    }
    let found = petition_clocks::table
        .filter(petition_clocks::petition_id.eq(p.id))
        .filter(petition_clocks::name.eq(clock_name))
        .filter(petition_clocks::status.eq(crate::domain::clock::ClockStatus::Running))
        .select((
            petition_clocks::id,
            petition_clocks::started_at,
            petition_clocks::due_at,
            petition_clocks::extensions,
            petition_clocks::day_type,
            petition_clocks::length_days,
            petition_clocks::rule_id,
        ))
        .first::<(
            i64,
            NaiveDateTime,
            NaiveDateTime,
            i32,
            clock::DayType,
            i32,
            Option<i64>,
        )>(conn)
        .optional()
        .map_err(DbError::from)?;
    let Some((clock_id, started_at, due_at, extensions, day_type, length, rule_id)) = found else {
        return Ok(Err(NotExtendable));
    };
    // The rule the clock was started under, as it stands now (a changed rule's clocks follow
    // its successor); the extensions it allows given those already granted.
    let Some(days) = rule_id
        .and_then(|id| law.rules.get(id))
        .and_then(|rule| rule.extension(extensions.max(0) as u32))
    else {
        return Ok(Err(NotExtendable));
    };
    // Counted from the start over the whole new length, as a recomputation after a calendar
    // change counts it: for working days the same as adding to the old due date; for calendar
    // days it does not carry a weekend push of the first period into the second.
    let total = length.max(0) as u32 + days;
    let new_due = end_of_day(clock::due_date(
        law.calendar,
        local_date(started_at.and_utc()),
        total,
        day_type,
    ));
    diesel::update(petition_clocks::table.find(clock_id))
        .set((
            petition_clocks::due_at.eq(new_due.naive_utc()),
            petition_clocks::extensions.eq(extensions + 1),
            petition_clocks::length_days.eq(total as i32),
            // Moved later, so no longer approaching or missed as the sweeper announced it.
            petition_clocks::approaching_noted_at.eq(None::<NaiveDateTime>),
            petition_clocks::missed_noted_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map_err(DbError::from)?;
    diesel::update(petitions::table.find(p.id))
        .set(petitions::updated_at.eq(at))
        .execute(conn)
        .map_err(DbError::from)?;
    refresh_next_due(conn, p.id)?;
    events::append(
        conn,
        Some(p.id),
        actor,
        &Event::PetitionExtended(Extended {
            clock: clock_name,
            days,
            from: due_at.and_utc(),
            to: new_due,
            reason: reason.to_owned(),
        }),
        at,
    )?;
    Ok(Ok(()))
}

pub struct Answer<'a> {
    pub body: &'a str,
    pub decision_number: Option<&'a str>,
    pub attachments: &'a [String],
    pub answered_by: i64,
}

/// Records the office's answer and stops the clocks that waited for it.
pub fn answer(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    a: &Answer,
    now: DateTime<Utc>,
) -> Result<(), ActError> {
    let at = now.naive_utc();
    transition(conn, p, Action::Answer, at)?;
    end_clocks(conn, p.id, None, at)?;
    diesel::insert_into(petition_answers::table)
        .values((
            petition_answers::petition_id.eq(p.id),
            petition_answers::body.eq(a.body),
            petition_answers::decision_number.eq(a.decision_number),
            petition_answers::attachments.eq(json!(a.attachments).to_string()),
            petition_answers::answered_by.eq(a.answered_by),
            petition_answers::answered_at.eq(at),
        ))
        .execute(conn)
        .map_err(DbError::from)?;
    refresh_next_due(conn, p.id)?;
    events::append(
        conn,
        Some(p.id),
        actor,
        &Event::PetitionAnswered(Answered {
            decision_number: a.decision_number.map(str::to_owned),
        }),
        at,
    )?;
    Ok(())
}

pub fn close(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), ActError> {
    let at = now.naive_utc();
    transition(conn, p, Action::Close, at)?;
    events::append(conn, Some(p.id), actor, &Event::PetitionClosed, at)?;
    Ok(())
}

/// No acceptance notice is due: the petition has no running `notify` clock (it is not a
/// denunciation, or its denouncer was notified already).
#[derive(Debug, thiserror::Error)]
#[error("no acceptance notice is due")]
pub struct NoNoticeDue;

/// Records that the office notified the denouncer of the acceptance and of what will be
/// resolved (Law on Denunciations 25/2018/QH14 art. 29). The `notify` clock ends, met or
/// missed; the petition stays accepted.
pub fn notify(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(), NoNoticeDue>, ActError> {
    let at = now.naive_utc();
    workflow::next(p.status, Action::Notify)?;
    // Nothing is written when no notice is due: no clock ends.
    if end_clocks(conn, p.id, Some(&[ClockName::Notify]), at)? == 0 {
        return Ok(Err(NoNoticeDue));
    }
    diesel::update(petitions::table.find(p.id))
        .set(petitions::updated_at.eq(at))
        .execute(conn)
        .map_err(DbError::from)?;
    refresh_next_due(conn, p.id)?;
    events::append(conn, Some(p.id), actor, &Event::PetitionNotified, at)?;
    Ok(Ok(()))
}

/// How long after the answer a citizen may rate it.
pub const RATING_WINDOW_DAYS: i64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum RateRefusal {
    #[error("the petition has no answer to rate")]
    NotAnswered,
    #[error("the rating window has closed")]
    WindowClosed,
}

/// The citizen rates the answer; the rating closes the petition.
pub fn rate(
    conn: &mut DbConnection,
    p: &PetitionRow,
    actor: &Actor,
    satisfied: bool,
    score: i32,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<(), RateRefusal>, ActError> {
    let at = now.naive_utc();
    let answered_at: Option<NaiveDateTime> = petition_answers::table
        .find(p.id)
        .select(petition_answers::answered_at)
        .first(conn)
        .optional()
        .map_err(DbError::from)?;
    let Some(answered_at) = answered_at else {
        // Not answered (yet, or ever): the state machine says what is possible instead.
        transition(conn, p, Action::Rate, at)?;
        return Ok(Err(RateRefusal::NotAnswered));
    };
    if at - answered_at > chrono::Duration::days(RATING_WINDOW_DAYS) {
        return Ok(Err(RateRefusal::WindowClosed));
    }
    transition(conn, p, Action::Rate, at)?;
    diesel::insert_into(petition_ratings::table)
        .values((
            petition_ratings::petition_id.eq(p.id),
            petition_ratings::satisfied.eq(satisfied),
            petition_ratings::score.eq(score),
            petition_ratings::comment.eq(comment),
            petition_ratings::rated_at.eq(at),
        ))
        .execute(conn)
        .map_err(DbError::from)?;
    events::append(
        conn,
        Some(p.id),
        actor,
        &Event::PetitionRated(Rated { satisfied, score }),
        at,
    )?;
    Ok(Ok(()))
}
