//! Shared, cheaply cloned state handed to every request.
use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::Config;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
}
