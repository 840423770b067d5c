//! Shared, cheaply cloned state handed to every request.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::Config;
use super::auth::hashing::HashingPool;
use super::auth::rate_limit::SignInLimiter;
use super::search::SearchIndex;
use super::services::dedupe::LiveCheck;
use super::services::snapshot::SnapshotCache;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub sign_in_limiter: Arc<SignInLimiter>,
    /// Where password hashes are computed, one per core at a time.
    pub hashing: Arc<HashingPool>,
    /// The key anonymous anti-forgery tokens are bound to (`SECRET_KEY`).
    pub secret: Arc<Vec<u8>>,
    /// Wakes the email delivery worker after a change queued a message.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Reference data and filter choices, rebuilt when the database changes.
    pub snapshots: Arc<SnapshotCache>,
    /// This process's search index (its writer is the outbox applier).
    pub search: Arc<SearchIndex>,
    /// The duplicate detector's corpus, for "similar purchases near you".
    pub live_check: Arc<LiveCheck>,
}

impl AppState {
    /// Without `SECRET_KEY` the key is random for this process (tests, one-off
    /// commands); `serve` fills it in from the data directory first. Opens
    /// (or makes) the search index in `config.search_dir`.
    pub fn new(db: DatabaseConnection, config: Config) -> tantivy::Result<Self> {
        let secret = match &config.secret_key {
            Some(key) => key.as_bytes().to_vec(),
            None => crate::server::auth::session::new_token().into_bytes(),
        };
        let search = Arc::new(SearchIndex::open(&config.search_dir)?);
        Ok(Self {
            search,
            db,
            secret: Arc::new(secret),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            snapshots: Arc::new(SnapshotCache::default()),
            live_check: Arc::new(LiveCheck::default()),
            config: Arc::new(config),
            sign_in_limiter: Arc::new(SignInLimiter::default()),
            hashing: Arc::new(HashingPool::for_this_machine()),
        })
    }
}
