//! The one error type server functions return. Its variants map to HTTP
//! statuses on the server and to plain-English messages in the UI.
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not public).
    #[error("{0} was not found")]
    NotFound(String),
    /// Input that failed validation; `field` names the offending input.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The visitor must sign in first.
    #[error("You need to sign in to do that")]
    Unauthenticated,
    /// Signed in, but this action or record is not theirs to change.
    #[error("You do not have permission to do that")]
    Forbidden,
    /// Something failed on the server. The details are logged under
    /// `reference`, which the visitor is shown so support can find the line.
    #[error("Sorry, there is a problem with the service (reference {reference})")]
    Internal { reference: String },
    /// Too busy to take this request now; it may be sent again after
    /// `retry_after_seconds` (answered 503 with `Retry-After`).
    #[error("The service is busy. Try again in a few seconds")]
    Unavailable { retry_after_seconds: u32 },
    /// The change clashes with one made at the same time, or with a record
    /// that must stay unique; the message says which.
    #[error("{0}")]
    Conflict(String),
    /// Transport or (de)serialisation failure between browser and server.
    #[error("Sorry, the service could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Invalid { .. } => 400,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::Conflict(_) => 409,
            AppError::Unavailable { .. } => 503,
            AppError::Internal { .. } => 500,
            AppError::Transport(_) => 502,
        }
    }
}

impl AppError {
    /// An internal error with a fresh reference; the caller logs the cause
    /// with the same reference (see `server::internal_error`).
    pub fn internal_with_reference(reference: String) -> Self {
        AppError::Internal { reference }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request itself was wrong (a missing or malformed argument
            // in the query): the caller's mistake, answered 400.
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::Invalid {
                    field: "query".into(),
                    message,
                }
            }
            other => AppError::Transport(other.to_string()),
        }
    }

    /// Called when a server function answers with this error: the JSON API
    /// then carries the error's own status (401, 404…) rather than the
    /// framework's blanket 500.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                http::StatusCode::from_u16(self.status_code())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self).unwrap_or_default()
    }
}
