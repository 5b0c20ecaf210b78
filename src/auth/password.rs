//! Staff passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), a minimum
//! length, and a refusal of guessable passwords (zxcvbn: at least 10^10 guesses). Hashing
//! takes tens of milliseconds on purpose: callers run it off the HTTP workers.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::domain::staff::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("a password has at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("a password has at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password is common or easy to guess")]
    Guessable,
}

/// Checks a new password; `context` holds words an attacker would try first (the username).
pub fn check_strength(password: &str, context: &[&str]) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(WeakPassword::TooLong);
    }
    if zxcvbn::zxcvbn(password, context).score() < zxcvbn::Score::Three {
        return Err(WeakPassword::Guessable);
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
#[error("hashing the password failed")]
pub struct HashError;

/// An argon2id PHC string with a fresh random salt.
pub fn hash(password: &str) -> Result<String, HashError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| HashError)
}

/// Whether `password` matches a stored PHC string. A malformed hash matches nothing.
pub fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Why hashing work did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// As many jobs wait as the pool takes: the caller is told to come back (503).
    #[error("too many passwords are being hashed at once")]
    Busy,
    /// The job panicked, or the pool could not be built.
    #[error("the password hashing pool lost the job")]
    Lost,
}

/// Jobs that may wait or run at once per core: beyond that a burst of sign-ins is turned away
/// with a 503 and `Retry-After` instead of queueing without bound.
const ADMITTED_PER_CORE: usize = 16;

/// A pool of threads that alone hash passwords, with a bound on the jobs it admits.
pub struct HashingPool {
    pool: rayon::ThreadPool,
    admitted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    bound: usize,
}

impl HashingPool {
    pub fn new(threads: usize, bound: usize) -> Option<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .thread_name(|i| format!("password-{i}"))
            // A panicking job drops its sender: the caller gets an error, the process lives.
            .panic_handler(|_| {})
            .build()
            .ok()?;
        Some(Self {
            pool,
            admitted: Default::default(),
            bound: bound.max(1),
        })
    }

    /// Runs `work` on the pool, unless it already holds as many jobs as it admits.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolError> {
        use std::sync::atomic::Ordering;
        let admitted = self.admitted.clone();
        if admitted.fetch_add(1, Ordering::AcqRel) >= self.bound {
            admitted.fetch_sub(1, Ordering::AcqRel);
            return Err(PoolError::Busy);
        }
        let (done, result) = tokio::sync::oneshot::channel();
        self.pool.spawn(move || {
            // Released when the job ends, not when its caller stops waiting: a dropped
            // request's hashing still occupies the pool.
            struct Release(std::sync::Arc<std::sync::atomic::AtomicUsize>);
            impl Drop for Release {
                fn drop(&mut self) {
                    self.0.fetch_sub(1, Ordering::AcqRel);
                }
            }
            let _release = Release(admitted);
            let _ = done.send(work());
        });
        result.await.map_err(|_| PoolError::Lost)
    }
}

/// Runs password hashing work off the HTTP workers, on a pool of one thread per core.
///
/// Each argon2id run takes 19 MiB. On actix's blocking pool a burst of logins ran on
/// whichever of its hundreds of threads were free, and glibc keeps freed memory in each
/// thread's arena, so every thread that ever hashed kept its 19 MiB: the process grew to
/// gigabytes, and a semaphore on the number of runs did not bound it. Here only the pool's
/// threads ever hash, and more runs at once than cores could not go faster anyway; the others
/// wait in the pool's queue, up to [`ADMITTED_PER_CORE`] a core.
pub async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PoolError> {
    static POOL: std::sync::OnceLock<Option<HashingPool>> = std::sync::OnceLock::new();
    let pool = POOL
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
            HashingPool::new(cores, cores * ADMITTED_PER_CORE)
        })
        .as_ref()
        .ok_or(PoolError::Lost)?;
    pool.run(work).await
}

/// A hash to verify against when the user does not exist, so that an unknown username takes
/// as long as a wrong password.
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password never issued").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash("ngõ 5 phố Huế, mưa phùn").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify(&h, "ngõ 5 phố Huế, mưa phùn"));
        assert!(!verify(&h, "ngõ 5 phố Huế, mưa phun"));
        assert!(!verify("not a hash", "x"));
        assert!(!verify(decoy(), "anything"));
    }

    #[actix_web::test]
    async fn a_full_pool_turns_jobs_away_until_one_ends() {
        let pool: &'static HashingPool = Box::leak(Box::new(HashingPool::new(1, 2).unwrap()));
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
        let blocked = |wait: std::sync::Arc<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>| {
            move || {
                let _ = wait.lock().unwrap().recv();
            }
        };
        // One job runs, one waits: the pool is full.
        let first = pool.run(blocked(wait.clone()));
        let second = pool.run(blocked(wait.clone()));
        let (first, second) = (
            tokio::task::spawn_local(first),
            tokio::task::spawn_local(second),
        );
        tokio::task::yield_now().await;
        assert_eq!(pool.run(|| 1).await, Err(PoolError::Busy));
        release.send(()).unwrap();
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        second.await.unwrap().unwrap();
        assert_eq!(pool.run(|| 1).await, Ok(1));
    }

    #[actix_web::test]
    async fn hashing_runs_on_the_pool_and_a_panic_there_is_an_error() {
        let name = off_the_workers(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.is_some_and(|n| n.starts_with("password-")));
        let failed = off_the_workers(|| -> u8 { panic!("a hashing job panicked") }).await;
        assert_eq!(failed, Err(PoolError::Lost));
        assert_eq!(off_the_workers(|| 7).await.unwrap(), 7);
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert_eq!(check_strength("short", &[]), Err(WeakPassword::TooShort));
        assert_eq!(
            check_strength("password1234", &[]),
            Err(WeakPassword::Guessable)
        );
        assert_eq!(
            check_strength("123456789012", &[]),
            Err(WeakPassword::Guessable)
        );
        assert_eq!(
            check_strength("canbo.badinh2026", &["canbo.badinh"]),
            Err(WeakPassword::Guessable)
        );
        assert!(check_strength("ngõ 5 phố Huế, mưa phùn", &[]).is_ok());
        assert_eq!(
            check_strength(&"x".repeat(129), &[]),
            Err(WeakPassword::TooLong)
        );
    }
}
