//! Second-time complaints (Law on Complaints art. 33, 37): a complainant not satisfied with
//! the first-time decision, or not answered in time, complains again to the superior, since
//! 1 July 2025 the province.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::petitions::PetitionRow;
use super::schema::{petition_clocks, petition_ratings, petitions};
use super::{DbConnection, DbError};
use crate::domain::petition::Kind;

/// Why a petition cannot be escalated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotEscalatable {
    #[error("only complaints are escalated")]
    NotAComplaint,
    #[error("a second-time complaint has no further level")]
    AlreadySecondTime,
    #[error("already escalated")]
    AlreadyEscalated,
    #[error("neither answered unsatisfactorily nor overdue")]
    NoGrounds,
}

/// Whether the complainant may take `p` to the superior now.
pub fn check(
    conn: &mut DbConnection,
    p: &PetitionRow,
    now: NaiveDateTime,
) -> Result<Result<(), NotEscalatable>, DbError> {
    if p.kind != Kind::Complaint {
        return Ok(Err(NotEscalatable::NotAComplaint));
    }
    if p.second_time_of.is_some() {
        return Ok(Err(NotEscalatable::AlreadySecondTime));
    }
    let already = petitions::table
        .filter(petitions::second_time_of.eq(p.id))
        .select(petitions::id)
        .first::<i64>(conn)
        .optional()?
        .is_some();
    if already {
        return Ok(Err(NotEscalatable::AlreadyEscalated));
    }
    let unsatisfied = petition_ratings::table
        .find(p.id)
        .select(petition_ratings::satisfied)
        .first::<bool>(conn)
        .optional()?
        == Some(false);
    let overdue = petition_clocks::table
        .filter(petition_clocks::petition_id.eq(p.id))
        .filter(petition_clocks::name.eq("resolve"))
        .filter(
            petition_clocks::status
                .eq(crate::domain::clock::ClockStatus::Missed)
                .or(petition_clocks::status
                    .eq(crate::domain::clock::ClockStatus::Running)
                    .and(petition_clocks::due_at.lt(now))),
        )
        .select(petition_clocks::id)
        .first::<i64>(conn)
        .optional()?
        .is_some();
    Ok(if unsatisfied || overdue {
        Ok(())
    } else {
        Err(NotEscalatable::NoGrounds)
    })
}
