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

/// Whether the visitor may curate a framework owned by `owner` (to show the
/// edit links; the form endpoints check again).
#[cfg(feature = "ssr")]
pub(crate) fn may_manage_framework(owner: Option<uuid::Uuid>) -> bool {
    use crate::server::auth::{Permission, Resource, require};
    let viewer = request_visitor().viewer;
    require(
        viewer.as_ref(),
        Permission::ManageFrameworks,
        Resource::Framework {
            owner_organisation_id: owner,
        },
    )
    .is_ok()
}

/// Who is asking, as the server's visitor middleware identified them.
#[cfg(feature = "ssr")]
pub(crate) fn request_visitor() -> crate::types::Visitor {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::types::Visitor>().cloned())
        .unwrap_or_default()
}
