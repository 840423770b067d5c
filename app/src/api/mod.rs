//! Server functions: the only door from the UI to the domain. Each one is
//! thin: take the request context and the viewer, call one service, return
//! a wire type. Services decide what the viewer may see and edit.
//! Read-only endpoints use GET so they are cacheable and linkable.
pub mod account;
pub mod catalogue;
pub mod councils;
pub mod editing;
pub mod footprints;
pub mod intents;
pub mod market;
pub mod search;
pub mod shortlists;

#[cfg(feature = "ssr")]
pub(crate) fn state() -> Result<crate::server::AppState, crate::types::AppError> {
    leptos::prelude::use_context::<crate::server::AppState>()
        .ok_or_else(|| crate::server::internal_error("request context", &"AppState missing"))
}

/// Who is asking, as the server's visitor middleware identified them.
#[cfg(feature = "ssr")]
pub(crate) fn request_visitor() -> crate::types::Visitor {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::types::Visitor>().cloned())
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
pub(crate) mod support {
    use crate::types::{AppError, FormPage, SubmittedForm, Viewer};

    pub(crate) use crate::api::request_visitor as visitor;

    pub fn viewer() -> Option<Viewer> {
        visitor().viewer
    }

    /// A form page: a failed submission's values and errors when the page is
    /// being shown again after a POST, otherwise `initial`.
    pub fn form_page<T>(initial: Vec<(String, String)>, data: T) -> Result<FormPage<T>, AppError> {
        let form = match leptos::prelude::use_context::<SubmittedForm>() {
            Some(submitted) => {
                if let Some(refusal) = submitted.refused {
                    return Err(refusal);
                }
                submitted
            }
            None => SubmittedForm {
                values: initial,
                ..Default::default()
            },
        };
        // This page puts the token in a form (an anonymous visitor's cookie
        // behind it must be sent, and the page is nobody else's).
        if let Some(used) =
            leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
                parts
                    .extensions
                    .get::<crate::server::auth::session::TokenUse>()
                    .cloned()
            })
        {
            used.claim();
        }
        Ok(FormPage {
            csrf_token: visitor().csrf_token,
            form,
            data,
        })
    }
}
