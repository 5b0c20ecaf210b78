//! Request budgets (DESIGN §3.10): per partner key, and per client address for the citizen's
//! tracking view, where guessing is what there is to slow down. GCRA from `governor`: a full
//! minute's budget can be spent at once, then it refills evenly.
//!
//! Budgets are per server process; with several nodes behind a load balancer each node keeps
//! its own, so the effective limit is the per-node one times the nodes.

use std::hash::Hash;
use std::num::NonZeroU32;

use super::client::ClientKey;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// How many seconds to wait before retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

pub struct RateLimits {
    partners: DefaultKeyedRateLimiter<i64>,
    trackers: DefaultKeyedRateLimiter<ClientKey>,
    statistics: DefaultKeyedRateLimiter<ClientKey>,
    login_names: DefaultKeyedRateLimiter<(String, Option<ClientKey>)>,
    login_addresses: DefaultKeyedRateLimiter<ClientKey>,
}

/// The longest username a budget keys by: no account has a longer one, and a key an attacker
/// writes must not grow the map without bound.
const MAX_KEYED_NAME: usize = 64;

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

fn check<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), RetryAfter> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        RetryAfter(wait.as_secs().max(1))
    })
}

impl RateLimits {
    /// Budgets in requests per minute.
    pub fn new(
        per_partner: u32,
        per_tracking_client: u32,
        logins: u32,
        per_statistics_client: u32,
    ) -> Self {
        Self {
            statistics: DefaultKeyedRateLimiter::keyed(per_minute(per_statistics_client)),
            partners: DefaultKeyedRateLimiter::keyed(per_minute(per_partner)),
            trackers: DefaultKeyedRateLimiter::keyed(per_minute(per_tracking_client)),
            login_names: DefaultKeyedRateLimiter::keyed(per_minute(logins)),
            login_addresses: DefaultKeyedRateLimiter::keyed(per_minute(logins.saturating_mul(3))),
        }
    }

    /// Login attempts: per username from each client, and (more generously, for shared office
    /// networks) per client, so that neither one account nor many can be guessed at speed,
    /// while someone hammering a username from elsewhere does not lock its owner out.
    pub fn login(&self, username: &str, client: Option<ClientKey>) -> Result<(), RetryAfter> {
        if let Some(client) = client {
            check(&self.login_addresses, &client)?;
        }
        let name: String = username
            .chars()
            .take(MAX_KEYED_NAME)
            .collect::<String>()
            .to_lowercase();
        check(&self.login_names, &(name, client))
    }

    pub fn partner(&self, partner_id: i64) -> Result<(), RetryAfter> {
        check(&self.partners, &partner_id)
    }

    pub fn statistics_client(&self, client: ClientKey) -> Result<(), RetryAfter> {
        check(&self.statistics, &client)
    }

    pub fn tracking_client(&self, client: ClientKey) -> Result<(), RetryAfter> {
        check(&self.trackers, &client)
    }

    /// Forgets keys whose budget is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.partners.retain_recent();
        self.trackers.retain_recent();
        self.statistics.retain_recent();
        self.login_names.retain_recent();
        self.login_addresses.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spent_budget_says_when_to_retry_and_keys_are_separate() {
        let limits = RateLimits::new(2, 1, 1, 1);
        assert!(limits.partner(1).is_ok());
        assert!(limits.partner(1).is_ok());
        let RetryAfter(wait) = limits.partner(1).unwrap_err();
        assert!((1..=30).contains(&wait), "{wait}");
        assert!(limits.partner(2).is_ok());
        let ip = ClientKey::of("127.0.0.1".parse().unwrap());
        assert!(limits.tracking_client(ip).is_ok());
        assert!(limits.tracking_client(ip).is_err());
    }

    #[test]
    fn a_username_hammered_from_one_address_still_signs_in_from_another() {
        let limits = RateLimits::new(1, 1, 2, 1);
        let attacker = Some(ClientKey::of("203.0.113.5".parse().unwrap()));
        let owner = Some(ClientKey::of("198.51.100.7".parse().unwrap()));
        assert!(limits.login("canbo.badinh", attacker).is_ok());
        assert!(limits.login("CANBO.BADINH", attacker).is_ok());
        assert!(limits.login("canbo.badinh", attacker).is_err());
        assert!(limits.login("canbo.badinh", owner).is_ok());
        // Names past the longest account's length share one key.
        let long = "a".repeat(MAX_KEYED_NAME);
        assert!(limits.login(&format!("{long}x"), owner).is_ok());
        assert!(limits.login(&format!("{long}y"), owner).is_ok());
        assert!(limits.login(&format!("{long}z"), owner).is_err());
    }
}
