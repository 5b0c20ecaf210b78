//! The deadline sweeper's timer (DESIGN §3.1): runs `service::deadlines::Sweep` every
//! `SWEEP_INTERVAL`, and keeps the calendar and rules in step with changes made on other
//! nodes.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;

use crate::db::calendar::{self, CalendarCache};
use crate::db::rules::RuleCache;
use crate::db::sweep::Swept;
use crate::db::{Db, DbError};
use crate::domain::calendar::VietnamCalendar;
use crate::service::deadlines::Sweep;
use crate::state::AppState;

/// Runs the sweeper every `every` on the server's runtime.
pub fn spawn(state: web::Data<AppState>, every: Duration, working_days: u32) {
    super::repeat(every, move || {
        let state = state.clone();
        async move {
            let db = state.db();
            if let Err(e) = refresh(db, state.calendars(), state.rules()).await {
                tracing::warn!(error = %e, "reloading the calendar or the rules failed");
            }
            let calendar: Arc<VietnamCalendar> = state.calendars().current();
            let sweep = Sweep::at(calendar.as_ref(), state.now(), working_days);
            match sweep.run(db).await {
                Ok(Swept {
                    approaching: 0,
                    missed: 0,
                    ..
                }) => {}
                Ok(swept) => tracing::info!(
                    approaching = swept.approaching,
                    missed = swept.missed,
                    notices = swept.notices,
                    "announced deadlines"
                ),
                Err(e) => tracing::warn!(error = %e, "deadline sweep failed"),
            }
        }
    });
}

/// Picks up a change to the calendar or the rules that another node committed.
async fn refresh(db: &Db, calendars: &CalendarCache, rules: &RuleCache) -> Result<(), DbError> {
    let (calendar_known, rules_known) =
        (calendars.current().revision(), rules.current().revision());
    let (calendar_stored, rules_stored) = db
        .read(|conn| {
            Ok::<_, DbError>((calendar::revision(conn)?, crate::db::rules::revision(conn)?))
        })
        .await?;
    if u32::try_from(calendar_stored).unwrap_or(u32::MAX) != calendar_known {
        calendars.replace(db.read(calendar::load).await?);
    }
    if rules_stored != rules_known {
        rules.replace(db.read(crate::db::rules::load).await?);
    }
    Ok(())
}
