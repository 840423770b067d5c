//! Shared, cheaply cloned state handed to every request.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::Config;
use super::auth::rate_limit::SignInLimiter;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub sign_in_limiter: Arc<SignInLimiter>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
            sign_in_limiter: Arc::new(SignInLimiter::default()),
        }
    }
}
