//! Server-only domain: configuration, database access, entities and services.
//! Compiled only with the `ssr` feature, so none of it reaches the browser.
pub mod auth;
pub mod changes;
pub mod config;
pub mod db;
pub mod dedupe;
pub mod email;
pub mod entities;
pub mod form;
pub mod import;
pub mod search;
pub mod security;
pub mod services;
mod state;

pub use config::Config;
pub use state::AppState;

use crate::types::AppError;

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        match db::unique_violation(&err) {
            // A clash no service mapped to a field (two people saving at the
            // same moment): the visitor can check and send again.
            Some(key) => {
                tracing::info!(key, "unique constraint refused a change");
                AppError::Conflict(
                    "Someone else saved the same record at the same time. Check the details and send the form again"
                        .into(),
                )
            }
            None => internal_error("database error", &err),
        }
    }
}

/// Logs `error` under a short random reference and returns the error the
/// visitor sees, which quotes the same reference (so a support request can
/// be matched to the log line without showing internals).
pub fn internal_error(what: &str, error: &dyn std::fmt::Display) -> AppError {
    let reference = error_reference();
    tracing::error!(reference, error = %error, "{what}");
    AppError::internal_with_reference(reference)
}

/// Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L).
fn error_reference() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(8)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    /// Collects what the log subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_reference_shown_is_the_one_logged_with_the_cause() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let error = tracing::subscriber::with_default(subscriber, || {
            super::internal_error("database error", &"connection refused")
        });
        let crate::types::AppError::Internal { reference } = &error else {
            panic!("{error:?}");
        };
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            log.contains(&format!("reference=\"{reference}\""))
                || log.contains(&format!("reference={reference}")),
            "{log}"
        );
        assert!(log.contains("connection refused"), "{log}");
        // The visitor sees the reference, not the cause.
        assert!(error.to_string().contains(reference.as_str()));
        assert!(!error.to_string().contains("connection refused"));
    }

    #[test]
    fn error_references_are_short_and_unambiguous() {
        let a = super::error_reference();
        assert_eq!(a.len(), 8);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert!(!a.contains(['0', 'O', '1', 'I', 'L']));
        assert_ne!(a, super::error_reference());
    }
}
