//! What the citizen does to their own petition, through the partner app that submitted it or
//! with the receipt secret: complete it, withdraw it, rate the answer.

use chrono::{DateTime, Utc};

use super::actor::Citizen;
use super::{NotFound, ServiceError, Tx};
use crate::auth::secret_matches;
use crate::db::petitions::{self, PetitionRow};
use crate::db::{events, workflow as stored};
use crate::domain::event::{Completed, Event, Rated, Withdrawn};
use crate::domain::petition::{Contact, Fault};
use crate::domain::rules::Starts;
use crate::domain::workflow::{self, Action};

/// How long after the answer a citizen may rate it.
pub const RATING_WINDOW_DAYS: i64 = 30;

/// The petition `public_id` if `by` may act on it: the partner submitted it, or the secret is
/// its receipt's. Anything else is "not found", so that a guess learns nothing.
pub fn petition_of(tx: &mut Tx, by: &Citizen, public_id: &str) -> Result<i64, ServiceError> {
    let id = match by {
        Citizen::Partner(partner) => petitions::id_for_partner(tx.conn, *partner, public_id)?,
        Citizen::ReceiptHolder { secret } => petitions::receipt_of(tx.conn, public_id)?
            .filter(|(_, hash)| secret_matches(hash, secret))
            .map(|(id, _)| id),
    };
    id.ok_or(ServiceError::NotFound(NotFound::Petition))
}

/// Completes an incomplete denunciation with a way to reach the denouncer (Law on
/// Denunciations art. 23(1)): the contact is sealed with the rest of the identity, the
/// petition is received now, and the clocks of its receipt start from now (art. 24(1)).
pub fn complete(
    tx: &mut Tx,
    by: &Citizen,
    public_id: &str,
    contact: &Contact,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    contact.check().map_err(ServiceError::Invalid)?;
    let id = petition_of(tx, by, public_id)?;
    let p = stored::load(tx.conn, id)?;
    let to = workflow::next(p.status, Action::Complete)?;
    let detail = petitions::detail(tx.conn, id)?
        .ok_or_else(|| ServiceError::bug("a loaded petition without its detail"))?;
    let citizen = super::identity::unseal(tx.ctx, &detail)?
        .ok_or_else(|| ServiceError::bug("an incomplete denunciation without an identity"))?;
    let sealed = super::intake::seal(tx.ctx, public_id, &contact.added_to(&citizen))?;
    petitions::reseal_identity(tx.conn, id, &sealed)?;
    let at = now.naive_utc();
    stored::set_status(tx.conn, &p, to, at)?;
    let clocks = super::workflow::start_clocks(tx, &p, Starts::Receipt, None, now)?;
    petitions::refresh_next_due(tx.conn, id)?;
    events::append(
        tx.conn,
        Some(id),
        &by.actor(),
        &Event::PetitionCompleted(Completed {
            kind: p.kind,
            channel: p.channel,
            category: p.category_code.clone(),
            office_id: p.office_id,
            clocks,
        }),
        at,
    )?;
    stored::recount(tx.conn, &p, p.office_id, to)?;
    Ok(stored::load(tx.conn, id)?)
}

/// Withdraws the petition (Law on Complaints art. 10: at any time before it is settled); its
/// running clocks stop.
pub fn withdraw(
    tx: &mut Tx,
    by: &Citizen,
    public_id: &str,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let id = petition_of(tx, by, public_id)?;
    let p = stored::load(tx.conn, id)?;
    let to = workflow::next(p.status, Action::Withdraw)?;
    let at = now.naive_utc();
    stored::set_status(tx.conn, &p, to, at)?;
    stored::stop_clocks(tx.conn, id, at)?;
    petitions::refresh_next_due(tx.conn, id)?;
    events::append(
        tx.conn,
        Some(id),
        &by.actor(),
        &Event::PetitionWithdrawn(Withdrawn { from: p.status, to }),
        at,
    )?;
    stored::recount(tx.conn, &p, p.office_id, to)?;
    Ok(stored::load(tx.conn, id)?)
}

/// The citizen's rating of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub satisfied: bool,
    /// 1 to 5.
    pub score: i32,
    pub comment: Option<String>,
}

/// Rates the office's answer, within [`RATING_WINDOW_DAYS`] of it; the rating closes the
/// petition.
pub fn rate(
    tx: &mut Tx,
    by: &Citizen,
    public_id: &str,
    rating: &Rating,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let mut faults = Vec::new();
    if !(1..=5).contains(&rating.score) {
        faults.push(crate::domain::petition::Violation::new(
            "score",
            Fault::InvalidFormat,
        ));
    }
    if let Some(fault) = rating
        .comment
        .as_deref()
        .and_then(|c| crate::domain::petition::text_fault(c, 2_000))
    {
        faults.push(crate::domain::petition::Violation::new("comment", fault));
    }
    if !faults.is_empty() {
        return Err(ServiceError::Invalid(faults));
    }
    let id = petition_of(tx, by, public_id)?;
    let p = stored::load(tx.conn, id)?;
    // Not answered (yet, or ever): the state machine says what is possible instead.
    let to = workflow::next(p.status, Action::Rate)?;
    let at = now.naive_utc();
    let answered_at = stored::answered_at(tx.conn, id)?
        .ok_or_else(|| ServiceError::bug("an answered petition without its answer"))?;
    if at - answered_at > chrono::Duration::days(RATING_WINDOW_DAYS) {
        return Err(ServiceError::invalid("rating", Fault::Expired));
    }
    stored::set_status(tx.conn, &p, to, at)?;
    stored::insert_rating(
        tx.conn,
        id,
        rating.satisfied,
        rating.score,
        rating.comment.as_deref(),
        at,
    )?;
    events::append(
        tx.conn,
        Some(id),
        &by.actor(),
        &Event::PetitionRated(Rated {
            satisfied: rating.satisfied,
            score: rating.score,
        }),
        at,
    )?;
    stored::recount(tx.conn, &p, p.office_id, to)?;
    Ok(stored::load(tx.conn, id)?)
}
