//! Sign-in rate limits (governor's GCRA limiters, in memory, per process).
//!
//! - Per (email, client address): five attempts at once, then one a minute.
//!   This is the strict limit a person who mistypes meets, and someone at
//!   another address cannot use it up for them.
//! - Per email, from anywhere: twenty at once, then one every thirty seconds,
//!   so guessing one account's password from many addresses stays slow.
//! - Per client address: fifty at once, then one every six seconds, so one
//!   address cannot try many accounts quickly.
//!
//! Entries whose allowance has fully refilled are forgotten by [`prune`],
//! which the server runs once a minute (never inside a request). Each map is
//! capped: when one is full even after pruning, new keys are refused rather
//! than letting memory grow without bound.
//!
//! [`prune`]: SignInLimiter::prune
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// The most keys one map holds.
pub const MAX_KEYS: usize = 100_000;

/// How long a refused new key is told to wait when a map is full.
const FULL_WAIT: Duration = Duration::from_secs(60);

pub struct SignInLimiter {
    by_account_and_address: DefaultKeyedRateLimiter<(String, Option<IpAddr>)>,
    by_account: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    sign_ups_by_address: DefaultKeyedRateLimiter<IpAddr>,
    max_keys: usize,
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("non-zero burst"))
}

impl Default for SignInLimiter {
    fn default() -> Self {
        Self::with_capacity(MAX_KEYS)
    }
}

/// One attempt against `limiter` for `key`: `Err(wait)` when refused.
fn attempt<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    max_keys: usize,
) -> Result<(), Duration> {
    if limiter.len() >= max_keys {
        limiter.retain_recent();
        if limiter.len() >= max_keys {
            // Still full of keys that are using their allowance: wait, rather
            // than grow without bound.
            return Err(FULL_WAIT);
        }
    }
    let now = DefaultClock::default().now();
    limiter
        .check_key(key)
        .map_err(|not_until| not_until.wait_time_from(now))
}

impl SignInLimiter {
    /// A limiter whose maps hold at most `max_keys` keys each.
    pub fn with_capacity(max_keys: usize) -> Self {
        Self::with_quotas(
            [
                quota(5, Duration::from_secs(60)),
                quota(20, Duration::from_secs(30)),
                quota(50, Duration::from_secs(6)),
            ],
            max_keys,
        )
    }

    /// Per (email, address), per email and per address quotas, in that order.
    fn with_quotas([strict, per_account, per_address]: [Quota; 3], max_keys: usize) -> Self {
        Self {
            by_account_and_address: DefaultKeyedRateLimiter::keyed(strict),
            by_account: DefaultKeyedRateLimiter::keyed(per_account),
            by_address: DefaultKeyedRateLimiter::keyed(per_address),
            // An office behind one address may sign up a few people at once.
            sign_ups_by_address: DefaultKeyedRateLimiter::keyed(quota(10, Duration::from_secs(60))),
            max_keys,
        }
    }

    /// `Ok` when another attempt is allowed now, else how long to wait.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let email = email.trim().to_lowercase();
        if let Some(address) = address {
            attempt(&self.by_address, &address, self.max_keys)?;
        }
        attempt(
            &self.by_account_and_address,
            &(email.clone(), address),
            self.max_keys,
        )?;
        attempt(&self.by_account, &email, self.max_keys)
    }

    /// `Ok` when another account may be created from `address` now.
    pub fn check_sign_up(&self, address: IpAddr) -> Result<(), Duration> {
        attempt(&self.sign_ups_by_address, &address, self.max_keys)
    }

    /// Forgets every key whose allowance has fully refilled.
    pub fn prune(&self) {
        self.sign_ups_by_address.retain_recent();
        self.by_account_and_address.retain_recent();
        self.by_account.retain_recent();
        self.by_address.retain_recent();
    }

    /// Keys held, across the three maps.
    pub fn len(&self) -> usize {
        self.by_account_and_address.len()
            + self.by_account.len()
            + self.by_address.len()
            + self.sign_ups_by_address.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(address: &str) -> Option<IpAddr> {
        Some(address.parse().unwrap())
    }

    #[test]
    fn the_sixth_quick_attempt_from_one_place_waits() {
        let limiter = SignInLimiter::default();
        for _ in 0..5 {
            assert!(limiter.check("Jo@Council.gov.uk", at("192.0.2.1")).is_ok());
        }
        // Same account however it is typed.
        let wait = limiter
            .check(" jo@council.gov.uk", at("192.0.2.1"))
            .unwrap_err();
        assert!(wait > Duration::from_secs(30) && wait <= Duration::from_secs(60));
        // Other accounts are unaffected.
        assert!(
            limiter
                .check("someone@else.gov.uk", at("192.0.2.1"))
                .is_ok()
        );
    }

    #[test]
    fn an_attacker_elsewhere_cannot_lock_the_owner_out() {
        let limiter = SignInLimiter::default();
        for _ in 0..10 {
            let _ = limiter.check("jo@council.gov.uk", at("203.0.113.66"));
        }
        assert!(
            limiter
                .check("jo@council.gov.uk", at("203.0.113.66"))
                .is_err()
        );
        // The owner, at their own address, still gets their own attempts.
        for _ in 0..5 {
            assert!(limiter.check("jo@council.gov.uk", at("192.0.2.1")).is_ok());
        }
    }

    #[test]
    fn many_addresses_guessing_one_account_are_slowed_too() {
        let limiter = SignInLimiter::default();
        for n in 0..20 {
            assert!(
                limiter
                    .check("jo@council.gov.uk", at(&format!("198.51.100.{n}")))
                    .is_ok()
            );
        }
        assert!(
            limiter
                .check("jo@council.gov.uk", at("198.51.100.200"))
                .is_err()
        );
    }

    #[test]
    fn one_address_cannot_try_many_accounts_quickly() {
        let limiter = SignInLimiter::default();
        let address = at("192.0.2.7");
        for n in 0..50 {
            assert!(limiter.check(&format!("user{n}@x.gov.uk"), address).is_ok());
        }
        assert!(limiter.check("user99@x.gov.uk", address).is_err());
    }

    #[test]
    fn a_full_map_refuses_new_keys_instead_of_growing() {
        let limiter = SignInLimiter::with_capacity(10);
        for n in 0..10 {
            assert!(limiter.check(&format!("u{n}@x.gov.uk"), None).is_ok());
        }
        // Full, and nothing has refilled yet: a new key waits.
        assert_eq!(limiter.check("new@x.gov.uk", None), Err(FULL_WAIT));
        assert!(limiter.len() <= 20);
    }

    #[test]
    fn pruning_forgets_keys_whose_allowance_has_refilled() {
        let quick = quota(1, Duration::from_millis(1));
        let limiter = SignInLimiter::with_quotas([quick, quick, quick], 10);
        for n in 0..10 {
            assert!(
                limiter
                    .check(&format!("u{n}@x.gov.uk"), at(&format!("192.0.2.{n}")))
                    .is_ok()
            );
        }
        assert_eq!(limiter.len(), 30);
        std::thread::sleep(Duration::from_millis(20));
        limiter.prune();
        assert_eq!(limiter.len(), 0);
        // And a full map makes room by pruning before it refuses anyone.
        let limiter = SignInLimiter::with_quotas([quick, quick, quick], 2);
        assert!(limiter.check("a@x.gov.uk", None).is_ok());
        assert!(limiter.check("b@x.gov.uk", None).is_ok());
        std::thread::sleep(Duration::from_millis(20));
        assert!(limiter.check("c@x.gov.uk", None).is_ok());
    }
}
