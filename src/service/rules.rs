//! The clock rules (DESIGN §3.1): admins add a province's or a category's own rule, change a
//! rule's terms (its running clocks are counted again), and flag remote communes.

use chrono::{DateTime, Utc};

use super::{NotFound, ServiceError, Tx};
use crate::db::events::Actor;
use crate::db::rules::{self as stored, ChangeError, Changed};
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
    Ok(stored::add(tx.conn, &rule, by, now.naive_utc())?)
}

/// Replaces rule `id` with one of the same conditions and new `terms`; every running clock
/// it governs is counted again from its start, in the same transaction.
pub fn change(
    tx: &mut Tx,
    by: i64,
    id: i64,
    terms: Terms,
    now: DateTime<Utc>,
) -> Result<Changed, ServiceError> {
    let calendar = tx.ctx.calendar.clone();
    stored::supersede(
        tx.conn,
        id,
        |old| Rule {
            id: 0,
            days: terms.days,
            day_type: terms.day_type,
            max_extensions: terms.max_extensions,
            extension_days: terms.extension_days,
            legal_basis: terms.legal_basis.trim().to_owned(),
            ..old.clone()
        },
        calendar.as_ref(),
        &Actor::Staff(by),
        by,
        now.naive_utc(),
    )
    .map_err(|e| match e {
        ChangeError::NotFound => ServiceError::NotFound(NotFound::Rule(id)),
        ChangeError::Db(e) => e.into(),
    })
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
