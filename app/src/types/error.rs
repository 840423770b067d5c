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
    /// Something failed on the server; details are logged, not shown.
    #[error("Sorry, there is a problem with the service")]
    Internal,
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
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
