//! Supervision requests (kiến nghị giám sát, DESIGN §3.8): a Fatherland Front supervisor asks
//! an office in scope about its petitions or its record; the office answers once, within its
//! reply period.

use chrono::{DateTime, Utc};

use super::actor::{OfficeStaff, Supervisor};
use super::{NotFound, ServiceError, Tx};
use crate::db::supervision::{self as stored, Refusal, ReplyRefusal, RequestDetail};
use crate::domain::petition::{Fault, Violation};
use crate::domain::supervision::{self, Draft};

/// Files a request with an office in the supervisor's scope, about petitions in it that the
/// office handles. Due [`crate::domain::supervision::ReplyPeriod`] working days later.
pub fn file(
    tx: &mut Tx,
    by: &Supervisor,
    draft: Draft,
    now: DateTime<Utc>,
) -> Result<RequestDetail, ServiceError> {
    let sent = draft.petition_ids.clone();
    let filing = supervision::check(draft).map_err(ServiceError::Invalid)?;
    let ctx = tx.ctx;
    stored::file(
        tx.conn,
        &filing,
        by.user_id,
        &by.scope,
        ctx.supervision,
        ctx.calendar.as_ref(),
        now,
    )?
    .map_err(|refusal| match refusal {
        Refusal::OfficeNotFound => ServiceError::NotFound(NotFound::Office(filing.office_id)),
        Refusal::PetitionNotFound => ServiceError::NotFound(NotFound::Petition),
        // Named by where they stand in the request as sent.
        Refusal::OtherOffice(at) => ServiceError::Invalid(
            at.into_iter()
                .map(|i| {
                    let id = filing
                        .petition_ids
                        .get(i)
                        .map(String::as_str)
                        .unwrap_or_default();
                    let sent_at = sent
                        .iter()
                        .position(|s| s.eq_ignore_ascii_case(id))
                        .unwrap_or(i);
                    Violation::new(format!("petition_ids[{sent_at}]"), Fault::OtherOffice)
                })
                .collect(),
        ),
    })
}

/// Records the office's answer to request `id`, once.
pub fn reply(
    tx: &mut Tx,
    by: &OfficeStaff,
    id: i64,
    body: &str,
    now: DateTime<Utc>,
) -> Result<RequestDetail, ServiceError> {
    let text = supervision::check_reply(body).map_err(ServiceError::Invalid)?;
    stored::reply(tx.conn, id, by.office_id, &text, by.user_id, now)?.map_err(|r| match r {
        ReplyRefusal::NotFound => ServiceError::NotFound(NotFound::SupervisionRequest),
        ReplyRefusal::AlreadyReplied => ServiceError::AlreadyReplied,
    })
}
