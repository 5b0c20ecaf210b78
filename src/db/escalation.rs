//! What the record says of a first-time complaint, for the law on second-time complaints
//! (`domain::escalation`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::petitions::PetitionRow;
use super::schema::{petition_answers, petition_clocks, petition_ratings, petitions};
use super::{DbConnection, DbError};
use crate::domain::clock::{ClockName, ClockStatus, local_date};
use crate::domain::escalation::FirstComplaint;
use crate::domain::petition::Kind;

/// What the record says of `p` for a second-time complaint at `now`: whether it was escalated,
/// when it was decided (answered) and whether that was rated unsatisfying, or else when its
/// acceptance or resolution period ran out, and whether its commune is remote.
pub fn facts(
    conn: &mut DbConnection,
    p: &PetitionRow,
    now: NaiveDateTime,
) -> Result<FirstComplaint, DbError> {
    let escalated = petitions::table
        .filter(petitions::second_time_of.eq(p.id))
        .select(petitions::id)
        .first::<i64>(conn)
        .optional()?
        .is_some();
    let unsatisfied = petition_ratings::table
        .find(p.id)
        .select(petition_ratings::satisfied)
        .first::<bool>(conn)
        .optional()?
        == Some(false);
    let decided_at = petition_answers::table
        .find(p.id)
        .select(petition_answers::answered_at)
        .first::<NaiveDateTime>(conn)
        .optional()?;
    // The earliest period that ran out undecided: acceptance (art. 27) or resolution (art. 28).
    let lapsed_at = petition_clocks::table
        .filter(petition_clocks::petition_id.eq(p.id))
        .filter(petition_clocks::name.eq_any([ClockName::Accept, ClockName::Resolve]))
        .filter(
            petition_clocks::status
                .eq(ClockStatus::Missed)
                .or(petition_clocks::status
                    .eq(ClockStatus::Running)
                    .and(petition_clocks::due_at.lt(now))),
        )
        .order(petition_clocks::due_at)
        .select(petition_clocks::due_at)
        .first::<NaiveDateTime>(conn)
        .optional()?;
    Ok(FirstComplaint {
        is_complaint: p.kind == Kind::Complaint,
        second_time: p.second_time_of.is_some(),
        escalated,
        decided_on: decided_at.map(|at| local_date(at.and_utc())),
        unsatisfied,
        lapsed_on: lapsed_at.map(|at| local_date(at.and_utc())),
        remote: super::rules::is_remote(conn, &p.commune_code)?,
    })
}
