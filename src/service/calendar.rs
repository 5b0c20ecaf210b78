//! The working-day calendar (DESIGN §3.2): admins change a day, and every running clock the
//! change can move is counted again, in the same transaction.

use chrono::{DateTime, Utc};

use super::{ServiceError, Tx};
use crate::db::calendar as stored;
use crate::db::events::Actor;
use crate::domain::calendar::{DayChange, VietnamCalendar};
use crate::domain::petition::{Fault, text_fault};

/// What a change of a day did.
pub struct DayChanged {
    pub change: DayChange,
    /// The calendar with the change, to be put in use once the transaction commits.
    pub calendar: VietnamCalendar,
    /// Running clocks whose due time moved.
    pub recomputed: usize,
}

/// Makes `change.date` a holiday or a working day, named `change.name` (one line, up to 200
/// characters), by admin `by`.
pub fn change_day(
    tx: &mut Tx,
    by: i64,
    mut change: DayChange,
    now: DateTime<Utc>,
) -> Result<DayChanged, ServiceError> {
    if let Some(fault) = text_fault(&change.name, 200).or_else(|| {
        change
            .name
            .contains(['\n', '\r', '\t'])
            .then_some(Fault::InvalidFormat)
    }) {
        return Err(ServiceError::invalid("name", fault));
    }
    change.name = change.name.trim().to_owned();
    let at = now.naive_utc();
    // The change, the new calendar and the recomputed clocks commit together; changes to the
    // calendar queue (`serialise_changes`), so none slips in between load and recomputation.
    stored::record_change(tx.conn, &change, by, at)?;
    let calendar = stored::load(tx.conn)?;
    let moved = stored::recompute_around(
        tx.conn,
        &calendar,
        change.date,
        change.recurring,
        &Actor::Staff(by),
        at,
    )?;
    Ok(DayChanged {
        change,
        calendar,
        recomputed: moved.len(),
    })
}
