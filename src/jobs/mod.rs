//! Work the server does on its own, on a timer.

pub mod stats;
pub mod sweeper;

use std::time::Duration;

use actix_web::web;

use crate::auth::rate_limit::RateLimits;
use crate::db::{Db, idempotency};
use crate::time::Clock;

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
pub fn spawn_housekeeping(db: Db, limits: web::Data<RateLimits>, clock: Clock) {
    repeat(HOUSEKEEPING_EVERY, move || {
        let (db, limits, clock) = (db.clone(), limits.clone(), clock.clone());
        async move {
            limits.forget_idle();
            let cutoff =
                (clock.now() - chrono::Duration::hours(idempotency::RETENTION_HOURS)).naive_utc();
            match db
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
pub fn spawn_checkpoints(
    db: Db,
    key: web::Data<crate::signing::AuditKey>,
    every: Duration,
    clock: Clock,
) {
    repeat(every, move || {
        let (db, key, clock) = (db.clone(), key.clone(), clock.clone());
        async move {
            let outcome = db
                .write(move |conn| {
                    let (seq, _) = crate::db::audit::head(conn)?;
                    let latest = crate::db::audit::checkpoints(conn, None, 1)?;
                    // Nothing to sign: an empty chain, or no event since the last checkpoint.
                    if seq == 0 || latest.first().is_some_and(|c| c.seq == seq) {
                        return Ok::<_, crate::db::DbError>(None);
                    }
                    crate::db::audit::checkpoint(conn, &key, clock.now().naive_utc()).map(Some)
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
