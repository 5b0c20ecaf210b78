//! Deadlines (DESIGN §3.1): the sweep that announces clocks coming due and missed, and tells
//! a superior office of a denunciation left overdue (Law on Denunciations art. 38). One
//! instant's sweep is worked off in short transactions; several servers share the work
//! (`FOR UPDATE SKIP LOCKED` in `db::sweep`).

use chrono::{DateTime, Utc};

use crate::db::sweep::{self, Swept};
use crate::db::{Db, DbConnection, DbError};
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
