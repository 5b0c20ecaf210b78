//! Keeps the statistics' rollups following the events (DESIGN §3.7).

use std::time::Duration;

use actix_web::web;

use crate::db::calendar::CalendarCache;
use crate::db::stats::rollup::{self, BATCH};
use crate::db::{Db, DbError};
use crate::state::AppState;
use crate::time::Clock;

/// Folds every event not yet folded, a batch per transaction, yielding the writer between
/// batches so that intake never waits behind a long backlog. Returns the events folded.
pub async fn catch_up(db: &Db, calendars: &CalendarCache, clock: &Clock) -> Result<usize, DbError> {
    let mut total = 0;
    loop {
        let calendar = calendars.current();
        let now = clock.now().naive_utc();
        let folded = db
            .write(move |conn| rollup::fold_batch(conn, calendar.as_ref(), BATCH, now))
            .await?;
        total += folded;
        if (folded as i64) < BATCH {
            return Ok(total);
        }
    }
}

/// Runs [`catch_up`] every `every` on the server's runtime.
pub fn spawn(state: web::Data<AppState>, every: Duration) {
    super::repeat(every, move || {
        let state = state.clone();
        async move {
            match catch_up(state.db(), state.calendars(), &state.clock).await {
                Ok(0) => {}
                Ok(events) => tracing::debug!(events, "folded events into the statistics"),
                Err(e) => tracing::warn!(error = %e, "folding events into the statistics failed"),
            }
        }
    });
}
