//! Officials' steps on their office's petitions (DESIGN §3.3): accept, reject, transfer,
//! extend, answer, close, and notify a denouncer of the acceptance. Each is allowed only from
//! the states the workflow gives it (`domain::workflow`), changes the petition and its clocks,
//! and appends its event.

use chrono::{DateTime, Utc};

use super::actor::OfficeStaff;
use super::{NotFound, ServiceError, Tx};
use crate::db::petitions::{self, PetitionRow};
use crate::db::{events, workflow as stored};
use crate::domain::clock::{self, ClockName, Complexity, end_of_day, local_date};
use crate::domain::event::{
    Accepted, Answered, Event, Extended, NotCompetent, Rejected, StartedClock, Transferred,
};
use crate::domain::petition::{Fault, Kind, Violation, text_fault};
use crate::domain::routing;
use crate::domain::rules::{Case, Starts};
use crate::domain::workflow::{self, Action, RejectReason, Status, WrongState};

/// The petition `public_id` of `by`'s office, locked for the step. Another office's petition
/// is not found: officials learn nothing of petitions they do not handle.
pub fn petition_of(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
) -> Result<PetitionRow, ServiceError> {
    let id =
        petitions::id_of(tx.conn, public_id)?.ok_or(ServiceError::NotFound(NotFound::Petition))?;
    let p = stored::load(tx.conn, id)?;
    if p.office_id != by.office_id {
        return Err(ServiceError::NotFound(NotFound::Petition));
    }
    Ok(p)
}

pub(super) fn text(field: &str, value: &str, max: usize) -> Result<(), ServiceError> {
    match text_fault(value, max) {
        Some(fault) => Err(ServiceError::invalid(field, fault)),
        None => Ok(()),
    }
}

/// Starts the clocks the rules give `p` at `starts`, replacing any of the same name that ran
/// before (a transfer restarts them), under the rules in force when `p` was received.
pub(super) fn start_clocks(
    tx: &mut Tx,
    p: &PetitionRow,
    starts: Starts,
    complexity: Option<Complexity>,
    now: DateTime<Utc>,
) -> Result<Vec<StartedClock>, ServiceError> {
    let law = tx.ctx.law();
    let remote = law.rules.asks_remote(p.kind, starts)
        && crate::db::rules::is_remote(tx.conn, &p.commune_code)?;
    let case = Case {
        kind: p.kind,
        second_time: p.second_time_of.is_some(),
        remote,
        complexity,
        province_code: &p.province_code,
        category_code: &p.category_code,
        received_on: local_date(p.received_at.and_utc()),
    };
    let clocks = clock::start_clocks(law.calendar, law.rules, &case, starts, now);
    crate::db::clocks::start(tx.conn, p.id, &clocks, true)?;
    Ok(crate::db::clocks::payload(&clocks))
}

/// Accepts the petition for handling (thụ lý), setting its complexity; the resolution clocks
/// start (Law on Complaints art. 27–28, Law on Denunciations art. 29–30).
pub fn accept(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    complexity: Complexity,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let p = petition_of(tx, by, public_id)?;
    let to = workflow::next(p.status, Action::Accept)?;
    let at = now.naive_utc();
    stored::set_status(tx.conn, &p, to, at)?;
    stored::end_clocks(
        tx.conn,
        p.id,
        Some(&[
            ClockName::Accept,
            ClockName::InitialProcessing,
            ClockName::Acknowledge,
        ]),
        at,
    )?;
    let clocks = start_clocks(tx, &p, Starts::Acceptance, Some(complexity), now)?;
    stored::set_complexity(tx.conn, p.id, complexity)?;
    petitions::refresh_next_due(tx.conn, p.id)?;
    events::append(
        tx.conn,
        Some(p.id),
        &by.actor(),
        &Event::PetitionAccepted(Accepted { complexity, clocks }),
        at,
    )?;
    stored::recount(tx.conn, &p, p.office_id, to)?;
    Ok(stored::load(tx.conn, p.id)?)
}

/// Refuses to take the petition up, for a reason the law gives; its clocks end.
pub fn reject(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    reason: RejectReason,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let p = petition_of(tx, by, public_id)?;
    if let Some(note) = note {
        text("note", note, 2_000)?;
    }
    if p.kind == Kind::Denunciation
        && reason == RejectReason::NotCompetent
        && p.status == Status::Received
    {
        return not_competent(tx, by, p, note, now);
    }
    let to = workflow::next(p.status, Action::Reject)?;
    let at = now.naive_utc();
    stored::set_status(tx.conn, &p, to, at)?;
    stored::end_clocks(tx.conn, p.id, None, at)?;
    petitions::refresh_next_due(tx.conn, p.id)?;
    events::append(
        tx.conn,
        Some(p.id),
        &by.actor(),
        &Event::PetitionRejected(Rejected {
            reason,
            note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        }),
        at,
    )?;
    stored::recount(tx.conn, &p, p.office_id, to)?;
    Ok(stored::load(tx.conn, p.id)?)
}

/// A denunciation outside the office's competence is not refused but passed on: Law on
/// Denunciations 25/2018/QH14 art. 24(2) has the office forward it to the competent one "trong
/// thời hạn 05 ngày làm việc kể từ ngày nhận được đơn tố cáo" and tell the denouncer. Its
/// initial processing ends; the `forward` clock starts, counted from the day it was received
/// here, and is met when it is transferred. It stays received until then.
fn not_competent(
    tx: &mut Tx,
    by: &OfficeStaff,
    p: PetitionRow,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    if stored::running_clock(tx.conn, p.id, ClockName::Forward)?.is_some() {
        return Err(ServiceError::invalid("reason", Fault::Unchanged));
    }
    let received_here = stored::running_clock(tx.conn, p.id, ClockName::InitialProcessing)?
        .map_or(now, |c| c.started_at.and_utc());
    let at = now.naive_utc();
    stored::end_clocks(tx.conn, p.id, Some(&[ClockName::InitialProcessing]), at)?;
    let clocks = start_clocks(tx, &p, Starts::NotCompetent, None, received_here)?;
    petitions::refresh_next_due(tx.conn, p.id)?;
    stored::touch(tx.conn, p.id, at)?;
    events::append(
        tx.conn,
        Some(p.id),
        &by.actor(),
        &Event::PetitionNotCompetent(NotCompetent {
            note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
            clocks,
        }),
        at,
    )?;
    Ok(stored::load(tx.conn, p.id)?)
}

/// Hands the petition to the office competent for it, with the reason; its clocks restart
/// there (DESIGN §3.4).
pub fn transfer(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    to_office: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let p = petition_of(tx, by, public_id)?;
    text("reason", reason, 2_000)?;
    if to_office == p.office_id {
        return Err(ServiceError::invalid("office_id", Fault::Unchanged));
    }
    if crate::db::reference::find_office(tx.conn, to_office)?.is_none() {
        return Err(ServiceError::invalid("office_id", Fault::Unknown));
    }
    let denounced = tx.ctx.units.commune(&p.commune_code).map(|c| c.office.id);
    if denounced.is_some_and(|office| {
        !routing::may_transfer(p.kind, p.subject.as_deref(), to_office, office)
    }) {
        return Err(ServiceError::invalid("office_id", Fault::OfficeDenounced));
    }
    workflow::next(p.status, Action::Transfer)?;
    let at = now.naive_utc();
    // Forwarding is what a transfer does: that clock is met (or missed); the others stop.
    stored::end_clocks(tx.conn, p.id, Some(&[ClockName::Forward]), at)?;
    stored::stop_clocks(tx.conn, p.id, at)?;
    stored::move_to_office(tx.conn, &p, to_office, at)?;
    let clocks = start_clocks(tx, &p, Starts::Receipt, None, now)?;
    petitions::refresh_next_due(tx.conn, p.id)?;
    events::append(
        tx.conn,
        Some(p.id),
        &by.actor(),
        &Event::PetitionTransferred(Transferred {
            from_office: p.office_id,
            to_office,
            reason: reason.trim().to_owned(),
            clocks,
        }),
        at,
    )?;
    stored::recount(tx.conn, &p, to_office, p.status)?;
    Ok(stored::load(tx.conn, p.id)?)
}

/// Extends a running clock within the limits of the rule it was started under (office
/// heads): the rule's extension days, as many times as it allows.
pub fn extend(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    clock_name: ClockName,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let p = petition_of(tx, by, public_id)?;
    text("reason", reason, 2_000)?;
    // Extending needs the petition's state to allow it (accepted; or a denunciation's initial
    // processing while received).
    let state_allows = workflow::next(p.status, Action::Extend).is_ok()
        || (p.status == Status::Received && clock_name == ClockName::InitialProcessing);
    if !state_allows {
        return Err(ServiceError::WrongState(WrongState {
            status: p.status,
            action: Action::Extend,
            allowed: p.status.allowed(),
        }));
    }
    let limit_reached =
        || ServiceError::Invalid(vec![Violation::new("clock", Fault::LimitReached)]);
    let running = stored::running_clock(tx.conn, p.id, clock_name)?.ok_or_else(limit_reached)?;
    // The rule the clock was started under, as it stands now (a changed rule's clocks follow
    // its successor); the extension it allows given those already granted.
    let law = tx.ctx.law();
    let days = running
        .rule_id
        .and_then(|id| law.rules.get(id))
        .and_then(|rule| rule.extension(running.extensions.max(0) as u32))
        .ok_or_else(limit_reached)?;
    // Counted from the start over the whole new length, as a recomputation after a calendar
    // change counts it: for working days the same as adding to the old due date; for calendar
    // days it does not carry a weekend push of the first period into the second.
    let total = running.length_days.max(0) as u32 + days;
    let new_due = end_of_day(clock::due_date(
        law.calendar,
        local_date(running.started_at.and_utc()),
        total,
        running.day_type,
    ));
    let at = now.naive_utc();
    stored::extend_clock(tx.conn, &running, total as i32, new_due.naive_utc())?;
    stored::touch(tx.conn, p.id, at)?;
    petitions::refresh_next_due(tx.conn, p.id)?;
    events::append(
        tx.conn,
        Some(p.id),
        &by.actor(),
        &Event::PetitionExtended(Extended {
            clock: clock_name,
            days,
            from: running.due_at.and_utc(),
            to: new_due,
            reason: reason.trim().to_owned(),
        }),
        at,
    )?;
    Ok(stored::load(tx.conn, p.id)?)
}

/// The office's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Up to 20,000 characters.
    pub body: String,
    /// The number of the decision or document (số văn bản).
    pub decision_number: Option<String>,
    /// Links to the signed documents, http or https, at most 10.
    pub attachments: Vec<String>,
}

impl Answer {
    fn check(&self) -> Result<(), ServiceError> {
        text("body", &self.body, 20_000)?;
        if let Some(number) = &self.decision_number {
            text("decision_number", number, 100)?;
        }
        if self.attachments.len() > 10 {
            return Err(ServiceError::invalid(
                "attachments",
                Fault::TooMany { max: 10 },
            ));
        }
        for (i, url) in self.attachments.iter().enumerate() {
            let ok = url.len() <= 2_000
                && url::Url::parse(url).is_ok_and(|u| {
                    matches!(u.scheme(), "http" | "https") && u.host_str().is_some()
                });
            if !ok {
                return Err(ServiceError::invalid(
                    &format!("attachments[{i}]"),
                    Fault::NotHttpUrl,
                ));
            }
        }
        Ok(())
    }
}

/// Records the office's answer; the clocks that waited for it end.
pub fn answer(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    answer: &Answer,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let p = petition_of(tx, by, public_id)?;
    answer.check()?;
    let to = workflow::next(p.status, Action::Answer)?;
    let at = now.naive_utc();
    stored::set_status(tx.conn, &p, to, at)?;
    stored::end_clocks(tx.conn, p.id, None, at)?;
    stored::insert_answer(
        tx.conn,
        p.id,
        &stored::NewAnswer {
            body: &answer.body,
            decision_number: answer.decision_number.as_deref(),
            attachments: &answer.attachments,
            answered_by: by.user_id,
        },
        at,
    )?;
    petitions::refresh_next_due(tx.conn, p.id)?;
    events::append(
        tx.conn,
        Some(p.id),
        &by.actor(),
        &Event::PetitionAnswered(Answered {
            decision_number: answer.decision_number.clone(),
        }),
        at,
    )?;
    stored::recount(tx.conn, &p, p.office_id, to)?;
    Ok(stored::load(tx.conn, p.id)?)
}

/// Closes an answered petition.
pub fn close(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let p = petition_of(tx, by, public_id)?;
    let to = workflow::next(p.status, Action::Close)?;
    let at = now.naive_utc();
    stored::set_status(tx.conn, &p, to, at)?;
    events::append(tx.conn, Some(p.id), &by.actor(), &Event::PetitionClosed, at)?;
    stored::recount(tx.conn, &p, p.office_id, to)?;
    Ok(stored::load(tx.conn, p.id)?)
}

/// Records that the office told the denouncer of the acceptance and of what will be resolved
/// (Law on Denunciations 25/2018/QH14 art. 29). The `notify` clock ends, met or missed; the
/// petition stays accepted. Nothing is written when no notice is due.
pub fn notify(
    tx: &mut Tx,
    by: &OfficeStaff,
    public_id: &str,
    now: DateTime<Utc>,
) -> Result<PetitionRow, ServiceError> {
    let p = petition_of(tx, by, public_id)?;
    workflow::next(p.status, Action::Notify)?;
    let at = now.naive_utc();
    if stored::end_clocks(tx.conn, p.id, Some(&[ClockName::Notify]), at)? == 0 {
        return Err(ServiceError::NoNoticeDue);
    }
    stored::touch(tx.conn, p.id, at)?;
    petitions::refresh_next_due(tx.conn, p.id)?;
    events::append(
        tx.conn,
        Some(p.id),
        &by.actor(),
        &Event::PetitionNotified,
        at,
    )?;
    Ok(stored::load(tx.conn, p.id)?)
}
