//! Server functions: the only door from the UI to the domain. Each one is
//! thin: take the request context, call one service, return a wire type.
//! Read-only endpoints use GET so they are cacheable and linkable.
pub mod account;
pub mod catalogue;
pub mod councils;
pub mod footprints;

#[cfg(feature = "ssr")]
pub(crate) fn state() -> Result<crate::server::AppState, crate::types::AppError> {
    leptos::prelude::use_context::<crate::server::AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the request context");
        crate::types::AppError::Internal
    })
}
