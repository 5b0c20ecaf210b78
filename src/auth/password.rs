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

/// Runs password hashing work off the HTTP workers, on a pool of one thread per core.
///
/// Each argon2id run takes 19 MiB. On actix's blocking pool a burst of logins ran on
/// whichever of its hundreds of threads were free, and glibc keeps freed memory in each
/// thread's arena, so every thread that ever hashed kept its 19 MiB: the process grew to
/// gigabytes, and a semaphore on the number of runs did not bound it. Here only the pool's
/// threads ever hash, and more runs at once than cores could not go faster anyway; the others
/// wait in the pool's queue.
pub async fn off_the_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL
        .get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
            rayon::ThreadPoolBuilder::new()
                .num_threads(cores)
                .thread_name(|i| format!("password-{i}"))
                // A panicking job drops its sender: the caller gets an error, the process lives.
                .panic_handler(|_| {})
                .build()
                .ok()
        })
        .as_ref()
        .ok_or(HashError)?;
    let (done, result) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        let _ = done.send(work());
    });
    result.await.map_err(|_| HashError)
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
    async fn hashing_runs_on_the_pool_and_a_panic_there_is_an_error() {
        let name = off_the_workers(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(name.is_some_and(|n| n.starts_with("password-")));
        let failed = off_the_workers(|| -> u8 { panic!("a hashing job panicked") }).await;
        assert!(failed.is_err());
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
