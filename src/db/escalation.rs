//! What the record says of a first-time complaint, for the law on second-time complaints
//! (`domain::escalation`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::petitions::PetitionRow;
use super::schema::{petition_clocks, petition_ratings, petitions};
use super::{DbConnection, DbError};
use crate::domain::clock::{ClockName, ClockStatus};
use crate::domain::escalation::FirstComplaint;
use crate::domain::petition::Kind;

/// What the record says of `p` for a second-time complaint: whether it was escalated, rated
/// unsatisfying, or left unanswered past its resolution deadline at `now`.
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
    let overdue = petition_clocks::table
        .filter(petition_clocks::petition_id.eq(p.id))
        .filter(petition_clocks::name.eq(ClockName::Resolve))
        .filter(
            petition_clocks::status
                .eq(ClockStatus::Missed)
                .or(petition_clocks::status
                    .eq(ClockStatus::Running)
                    .and(petition_clocks::due_at.lt(now))),
        )
        .select(petition_clocks::id)
        .first::<i64>(conn)
        .optional()?
        .is_some();
    Ok(FirstComplaint {
        is_complaint: p.kind == Kind::Complaint,
        second_time: p.second_time_of.is_some(),
        escalated,
        unsatisfied,
        overdue,
    })
}
