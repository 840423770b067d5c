//! Sign-in rate limit (governor's GCRA limiter, in memory, per process):
//! five attempts at once per email address, then one a minute; fifty at once
//! per client address, then one every six seconds. Enough for a person who
//! mistypes, far too slow for guessing.
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

pub struct SignInLimiter {
    by_account: DefaultKeyedRateLimiter<String>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
}

/// Keys are dropped once their allowance has fully refilled, past this many.
const PRUNE_ABOVE: usize = 10_000;

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("non-zero period")
        .allow_burst(NonZeroU32::new(burst).expect("non-zero burst"))
}

impl Default for SignInLimiter {
    fn default() -> Self {
        Self {
            by_account: DefaultKeyedRateLimiter::keyed(quota(5, Duration::from_secs(60))),
            by_address: DefaultKeyedRateLimiter::keyed(quota(50, Duration::from_secs(6))),
        }
    }
}

impl SignInLimiter {
    /// `Ok` when another attempt is allowed now, else how long to wait.
    pub fn check(&self, email: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        if self.by_account.len() > PRUNE_ABOVE {
            self.by_account.retain_recent();
        }
        if self.by_address.len() > PRUNE_ABOVE {
            self.by_address.retain_recent();
        }
        if let Some(address) = address {
            self.by_address
                .check_key(&address)
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        self.by_account
            .check_key(&email.trim().to_lowercase())
            .map_err(|not_until| not_until.wait_time_from(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_quick_attempt_for_an_account_waits() {
        let limiter = SignInLimiter::default();
        for _ in 0..5 {
            assert!(limiter.check("Jo@Council.gov.uk", None).is_ok());
        }
        // Same account however it is typed.
        let wait = limiter.check(" jo@council.gov.uk", None).unwrap_err();
        assert!(wait > Duration::from_secs(30) && wait <= Duration::from_secs(60));
        // Other accounts are unaffected.
        assert!(limiter.check("someone@else.gov.uk", None).is_ok());
    }

    #[test]
    fn one_address_cannot_try_many_accounts_quickly() {
        let limiter = SignInLimiter::default();
        let address: IpAddr = "192.0.2.7".parse().unwrap();
        for n in 0..50 {
            assert!(
                limiter
                    .check(&format!("user{n}@x.gov.uk"), Some(address))
                    .is_ok()
            );
        }
        assert!(limiter.check("user99@x.gov.uk", Some(address)).is_err());
    }
}
