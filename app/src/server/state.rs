//! Shared, cheaply cloned state handed to every request.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::Config;
use super::auth::hashing::HashingPool;
use super::auth::rate_limit::SignInLimiter;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub sign_in_limiter: Arc<SignInLimiter>,
    /// Where password hashes are computed, one per core at a time.
    pub hashing: Arc<HashingPool>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
            sign_in_limiter: Arc::new(SignInLimiter::default()),
            hashing: Arc::new(HashingPool::for_this_machine()),
        }
    }
}
