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

/// Forgets idempotent replies past their retention and idle rate-limit buckets, and erases
/// identities past theirs (`IDENTITY_RETENTION_DAYS`). Runs on the server's runtime in short
/// transactions, safe on several nodes at once.
pub fn spawn_housekeeping(state: web::Data<AppState>) {
    repeat(HOUSEKEEPING_EVERY, move || {
        let state = state.clone();
        async move {
            state.limits.forget_idle();
            let (days, now) = (state.identity_retention_days, state.now());
            match crate::service::identity::erase_expired(state.db(), days, now).await {
                Ok(0) => {}
                Ok(erased) => tracing::info!(erased, "erased identities past their retention"),
                Err(e) => tracing::warn!(error = %e, "erasing identities failed"),
            }
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
/// last checkpoint), once the events since that checkpoint, recomputed, end exactly at the
/// stored head and it extends the head last signed here. Otherwise it signs nothing, logs an
/// error and counts `tiengdan_audit_checkpoint_refusals_total`: a tail cut from the chain and
/// the head moved back is refused, not signed over. Two nodes may both sign: each checkpoint
/// is valid on its own.
pub fn spawn_checkpoints(state: web::Data<AppState>, every: Duration) {
    let refusals = prometheus::IntCounter::new(
        "tiengdan_audit_checkpoint_refusals_total",
        "Checkpoints not signed because the stored chain did not add up",
    )
    .ok()
    .inspect(|c| {
        let _ = state.metrics.register(Box::new(c.clone()));
    });
    let seen: std::sync::Arc<std::sync::Mutex<Option<(i64, String)>>> = Default::default();
    repeat(every, move || {
        let (state, seen, refusals) = (state.clone(), seen.clone(), refusals.clone());
        async move {
            let (key, now) = (state.audit_key.clone(), state.now());
            let last = seen.lock().ok().and_then(|s| s.clone());
            let outcome = state
                .db()
                .write(move |conn| {
                    crate::db::audit::checkpoint_checked(conn, &key, last.as_ref(), now.naive_utc())
                })
                .await;
            use crate::db::audit::Signing;
            match outcome {
                Ok(Signing::Signed(c)) => {
                    tracing::info!(seq = c.seq, "signed an audit checkpoint");
                    if let Ok(mut s) = seen.lock() {
                        *s = Some((c.seq, c.hash));
                    }
                }
                Ok(Signing::NothingNew) => {}
                Ok(Signing::Refused(problem)) => {
                    if let Some(c) = &refusals {
                        c.inc();
                    }
                    tracing::error!(
                        problem = %serde_json::to_string(&problem).unwrap_or_default(),
                        "refused to sign an audit checkpoint: the stored chain does not add up"
                    );
                }
                Err(e) => tracing::warn!(error = %e, "signing an audit checkpoint failed"),
            }
        }
    });
}
