//! The clock rules (DESIGN §3.1): admins add a province's or a category's own rule, change a
//! rule's terms (its running clocks are counted again), and flag remote communes.

use chrono::{DateTime, NaiveDate, Utc};

use super::{NotFound, ServiceError, Tx};
use crate::db::events::Actor;
use crate::db::rules::{self as stored, ChangeError, Changed};
use crate::domain::clock::local_date;
use crate::domain::petition::{Fault, Violation};
use crate::domain::rules::{Rule, RuleBook};

/// The terms of a rule that a change may set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub days: u32,
    pub day_type: crate::domain::clock::DayType,
    pub max_extensions: u32,
    pub extension_days: u32,
    pub legal_basis: String,
    /// The day a change of the law takes effect: petitions received from then on get the new
    /// terms, earlier ones keep the old. Absent: a correction, applied at once to the clocks
    /// running under the rule.
    pub effective_from: Option<NaiveDate>,
}

/// A rule's start must lie ahead: a change in force from today or earlier would leave
/// petitions already received under rules that were not in force when they came.
fn future(from: Option<NaiveDate>, now: DateTime<Utc>) -> Result<(), ServiceError> {
    match from {
        Some(day) if day <= local_date(now) => {
            Err(ServiceError::invalid("effective_from", Fault::Expired))
        }
        _ => Ok(()),
    }
}

/// Adds `rule` (its id is given by the database), by admin `by`. Its province and category
/// must exist. Returns the rule as stored and the book it is now part of.
pub fn add(
    tx: &mut Tx,
    by: i64,
    rule: Rule,
    now: DateTime<Utc>,
) -> Result<(Rule, RuleBook), ServiceError> {
    let units = tx.ctx.units.as_ref();
    let mut violations = Vec::new();
    if let Some(p) = &rule.province_code
        && units.province(p).is_none()
    {
        violations.push(Violation::new("province_code", Fault::Unknown));
    }
    if let Some(c) = &rule.category_code
        && !units.category_exists(c)
    {
        violations.push(Violation::new("category_code", Fault::Unknown));
    }
    if !violations.is_empty() {
        return Err(ServiceError::Invalid(violations));
    }
    future(rule.effective_from, now)?;
    let rule = Rule {
        effective_to: None,
        ..rule
    };
    Ok(stored::add(tx.conn, &rule, by, now.naive_utc())?)
}

/// Replaces rule `id` with one of the same conditions and new `terms`. From a future
/// `effective_from`, for petitions received from that day; otherwise at once, every running
/// clock it governs counted again from its start, in the same transaction.
pub fn change(
    tx: &mut Tx,
    by: i64,
    id: i64,
    terms: Terms,
    now: DateTime<Utc>,
) -> Result<Changed, ServiceError> {
    future(terms.effective_from, now)?;
    let successor = |old: &Rule| Rule {
        id: 0,
        days: terms.days,
        day_type: terms.day_type,
        max_extensions: terms.max_extensions,
        extension_days: terms.extension_days,
        legal_basis: terms.legal_basis.trim().to_owned(),
        ..old.clone()
    };
    let refused = |e| match e {
        ChangeError::NotFound => ServiceError::NotFound(NotFound::Rule(id)),
        ChangeError::Dated => ServiceError::invalid("effective_from", Fault::NotPermitted),
        ChangeError::Db(e) => e.into(),
    };
    if let Some(from) = terms.effective_from {
        let (rule, book) =
            stored::supersede_from(tx.conn, id, from, successor, by, now.naive_utc())
                .map_err(refused)?;
        return Ok(Changed {
            rule,
            book,
            recomputed: Vec::new(),
        });
    }
    let calendar = tx.ctx.calendar.clone();
    stored::supersede(
        tx.conn,
        id,
        successor,
        calendar.as_ref(),
        &Actor::Staff(by),
        by,
        now.naive_utc(),
    )
    .map_err(refused)
}

/// Flags commune `code` as a remote area, or not: complaints accepted from then on get the
/// remote-area periods (Law on Complaints art. 28, 37).
pub fn set_remote(
    tx: &mut Tx,
    by: i64,
    code: &str,
    remote: bool,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let found = stored::set_remote(tx.conn, code, remote, &Actor::Staff(by), now.naive_utc())?;
    if found {
        Ok(())
    } else {
        Err(ServiceError::NotFound(NotFound::Commune(code.to_owned())))
    }
}
