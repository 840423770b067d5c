//! Server-only domain: configuration, database access, entities and services.
//! Compiled only with the `ssr` feature, so none of it reaches the browser.
pub mod auth;
pub mod config;
pub mod db;
pub mod entities;
pub mod form;
pub mod security;
pub mod services;
mod state;
pub mod validate;

pub use config::Config;
pub use state::AppState;

use crate::types::AppError;

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        // The detail goes to the log; the visitor sees a plain apology.
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}
