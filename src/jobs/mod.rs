//! Work the server does on its own, on a timer.

pub mod stats;
pub mod sweeper;

use std::time::Duration;

use actix_web::web;

use crate::db::idempotency;
use crate::state::AppState;

/// Runs `run` on the server's runtime every `every` (the first time at once); never when
/// `every` is zero, which is how a job is turned off.
fn repeat<F, Fut>(every: Duration, mut run: F)
where
    F: FnMut() -> Fut + 'static,
    Fut: std::future::Future<Output = ()>,
{
    if every.is_zero() {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut interval = actix_web::rt::time::interval(every);
        loop {
            interval.tick().await;
            run().await;
        }
    });
}

/// How often housekeeping runs.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(600);

/// Forgets idempotent replies past their retention and idle rate-limit buckets. Runs on the
/// server's runtime; each run is one short transaction, safe on several nodes at once.
pub fn spawn_housekeeping(state: web::Data<AppState>) {
    repeat(HOUSEKEEPING_EVERY, move || {
        let state = state.clone();
        async move {
            state.limits.forget_idle();
            let cutoff =
                (state.now() - chrono::Duration::hours(idempotency::RETENTION_HOURS)).naive_utc();
            match state
                .db()
                .write(move |conn| idempotency::purge_before(conn, cutoff))
                .await
            {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "forgot expired idempotent replies"),
                Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
            }
        }
    });
}

/// Signs the audit chain's head every `every` (skipped when nothing was appended since the
/// last checkpoint). Two nodes may both sign: each checkpoint is valid on its own.
pub fn spawn_checkpoints(state: web::Data<AppState>, every: Duration) {
    repeat(every, move || {
        let state = state.clone();
        async move {
            let (key, now) = (state.audit_key.clone(), state.now());
            let outcome = state
                .db()
                .write(move |conn| {
                    let (seq, _) = crate::db::audit::head(conn)?;
                    let latest = crate::db::audit::checkpoints(conn, None, 1)?;
                    // Nothing to sign: an empty chain, or no event since the last checkpoint.
                    if seq == 0 || latest.first().is_some_and(|c| c.seq == seq) {
                        return Ok::<_, crate::db::DbError>(None);
                    }
                    crate::db::audit::checkpoint(conn, &key, now.naive_utc()).map(Some)
                })
                .await;
            match outcome {
                Ok(Some(c)) => tracing::info!(seq = c.seq, "signed an audit checkpoint"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "signing an audit checkpoint failed"),
            }
        }
    });
}
