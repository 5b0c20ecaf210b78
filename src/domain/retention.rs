//! How long a petitioner's identity is kept (DESIGN §3.6).
//!
//! Personal data is kept only as long as the purpose it was collected for needs it (Decree
//! 13/2023/NĐ-CP on personal data protection, art. 3: principles of processing; Law on
//! Personal Data Protection 91/2025/QH15). An identity serves the handling of its petition:
//! once the petition has ended (closed, rejected or withdrawn) and the time allowed for
//! what may follow (a rating, a second-time complaint, an appeal, an inspection of the
//! handling) has passed, it is erased. The case, its events and the statistics stay: they
//! hold no identity.

use chrono::{DateTime, Duration, Utc};

/// Days after a petition ends that its petitioner's identity is kept, unless configured:
/// five years, which outlasts every deadline for a further complaint, appeal or review.
pub const DEFAULT_RETENTION_DAYS: u32 = 1825;

/// Petitions that ended before this instant have had their identity kept long enough;
/// `None` when identities are kept for good (`days` is 0).
pub fn erase_ended_before(days: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (days > 0).then(|| now - Duration::days(i64::from(days)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_are_kept_for_the_days_set_after_the_petition_ends() {
        let now = DateTime::parse_from_rfc3339("2031-06-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            erase_ended_before(30, now),
            Some(
                DateTime::parse_from_rfc3339("2031-05-02T00:00:00Z")
                    .unwrap()
                    .to_utc()
            )
        );
        assert_eq!(erase_ended_before(0, now), None);
    }
}
