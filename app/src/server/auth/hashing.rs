//! Where password hashes are computed: on the blocking pool, at most one
//! per core at a time. Each argon2id hash takes 19 MiB and most of a core
//! for tens of milliseconds, so without a bound a flood of sign-up or
//! sign-in posts could exhaust memory and CPU. A request waits a short while
//! for its turn; past that it is told the service is busy (503, Retry-After).
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::server::internal_error;
use crate::types::AppError;

/// How long a request waits for a free hashing slot before giving up.
const WAIT_FOR_A_SLOT: Duration = Duration::from_secs(2);
/// What a refused request is told: try again after this many seconds.
pub const RETRY_AFTER_SECONDS: u32 = 2;

pub struct HashingPool {
    slots: Semaphore,
}

impl HashingPool {
    /// One slot per core this process may use.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::with_slots(cores)
    }

    pub fn with_slots(slots: usize) -> Self {
        Self {
            slots: Semaphore::new(slots.max(1)),
        }
    }

    /// Runs `job` (a hash or a verification) off the async threads once a
    /// slot is free.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(WAIT_FOR_A_SLOT, self.slots.acquire())
            .await
            .map_err(|_| AppError::Unavailable {
                retry_after_seconds: RETRY_AFTER_SECONDS,
            })?
            .map_err(|err| internal_error("hashing pool closed", &err))?;
        let result = tokio::task::spawn_blocking(job)
            .await
            .map_err(|err| internal_error("password hashing task failed", &err));
        drop(permit);
        result
    }

    /// Takes every slot, as a flood of requests would (tests only).
    #[doc(hidden)]
    pub async fn occupy_all(&self) -> tokio::sync::SemaphorePermit<'_> {
        let all = u32::try_from(self.slots.available_permits()).unwrap_or(u32::MAX);
        self.slots.acquire_many(all).await.expect("pool open")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_pool_answers_busy_instead_of_queueing_forever() {
        let pool = HashingPool::with_slots(1);
        assert_eq!(pool.run(|| 2 + 2).await, Ok(4));
        let _held = pool.occupy_all().await;
        let started = std::time::Instant::now();
        assert_eq!(
            pool.run(|| 0).await,
            Err(AppError::Unavailable {
                retry_after_seconds: RETRY_AFTER_SECONDS
            })
        );
        assert!(started.elapsed() >= WAIT_FOR_A_SLOT);
    }
}
