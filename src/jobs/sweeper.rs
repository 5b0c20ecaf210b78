//! The deadline sweeper (DESIGN §3.1): announces clocks coming due and missed, and keeps the
//! calendar in step with changes made on other nodes.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};

use crate::db::calendar::{self, CalendarCache};
use crate::db::rules::RuleCache;
use crate::db::sweep::{self, Swept};
use crate::db::{Db, DbConnection, DbError};
use crate::domain::calendar::VietnamCalendar;
use crate::domain::clock::{self, Calendar, DayType, end_of_day, local_date};

/// Clocks announced per transaction: a backlog is worked off in short transactions that do
/// not hold the writer for long.
const BATCH: i64 = 500;

/// The instant before which a running clock counts as approaching: the start of the day after
/// the day `working_days` working days from today, so that a clock due at the end of that day
/// is approaching.
pub fn approaching_cutoff(
    calendar: &impl Calendar,
    now: DateTime<Utc>,
    working_days: u32,
) -> DateTime<Utc> {
    end_of_day(clock::due_date(
        calendar,
        local_date(now),
        working_days,
        DayType::Working,
    )) + chrono::Duration::seconds(1)
}

impl Sweep {
    fn add(&mut self, batch: Swept) -> bool {
        self.total.approaching += batch.approaching;
        self.total.missed += batch.missed;
        self.total.notices += batch.notices;
        // A full batch may have left more behind.
        batch.approaching as i64 == BATCH || batch.missed as i64 == BATCH
    }
}

/// One sweep at one instant, worked off in batches.
#[derive(Debug, Clone, Copy)]
pub struct Sweep {
    now: chrono::NaiveDateTime,
    cutoff: chrono::NaiveDateTime,
    total: Swept,
}

impl Sweep {
    pub fn at(calendar: &impl Calendar, now: DateTime<Utc>, working_days: u32) -> Self {
        Self {
            now: now.naive_utc(),
            cutoff: approaching_cutoff(calendar, now, working_days).naive_utc(),
            total: Swept::default(),
        }
    }

    /// Sweeps on this thread, one transaction per batch (the command line's `sweep`).
    pub fn run_blocking(mut self, conn: &mut DbConnection) -> Result<Swept, DbError> {
        let (now, cutoff) = (self.now, self.cutoff);
        while self.add(crate::db::write_transaction(conn, |conn| {
            sweep::sweep(conn, now, cutoff, BATCH)
        })?) {}
        Ok(self.total)
    }

    /// Sweeps on the writer, one transaction per batch, yielding it between batches.
    pub async fn run(mut self, db: &Db) -> Result<Swept, DbError> {
        let (now, cutoff) = (self.now, self.cutoff);
        while self.add(
            db.write(move |conn| sweep::sweep(conn, now, cutoff, BATCH))
                .await?,
        ) {}
        Ok(self.total)
    }
}

/// Runs the sweeper every `every` on the server's runtime.
pub fn spawn(
    db: Db,
    calendars: web::Data<CalendarCache>,
    rules: web::Data<RuleCache>,
    every: Duration,
    working_days: u32,
    clock: crate::time::Clock,
) {
    super::repeat(every, move || {
        let (db, calendars, rules, clock) =
            (db.clone(), calendars.clone(), rules.clone(), clock.clone());
        async move {
            if let Err(e) = refresh(&db, &calendars, &rules).await {
                tracing::warn!(error = %e, "reloading the calendar or the rules failed");
            }
            let calendar: Arc<VietnamCalendar> = calendars.current();
            let sweep = Sweep::at(calendar.as_ref(), clock.now(), working_days);
            match sweep.run(&db).await {
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
