//! Shortlists: a council's frozen searches (see `services::shortlists`).
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use super::support;
use crate::types::{
    AppError, FormPage, SearchParams, ShortlistFormData, ShortlistPage, ShortlistSummary,
};

/// The shortlists of the viewer's councils, newest first.
#[server(endpoint = "shortlists", input = GetUrl)]
pub async fn shortlists() -> Result<Vec<ShortlistSummary>, AppError> {
    let state = super::state()?;
    crate::server::services::shortlists::list(&state.db, support::viewer().as_ref()).await
}

#[server(endpoint = "shortlists/one", input = GetUrl)]
pub async fn shortlist(id: Uuid) -> Result<ShortlistPage, AppError> {
    let state = super::state()?;
    crate::server::services::shortlists::get(&state.db, support::viewer().as_ref(), id).await
}

/// The "save as a shortlist" form for the search in `params`.
#[server(endpoint = "shortlists/form", input = GetUrl)]
pub async fn shortlist_form(params: SearchParams) -> Result<FormPage<ShortlistFormData>, AppError> {
    let state = super::state()?;
    let data =
        crate::server::services::shortlists::form_data(&state, support::viewer().as_ref(), &params)
            .await?;
    support::form_page(Vec::new(), data)
}

/// The confirmation before removing a shortlist.
#[server(endpoint = "shortlists/remove-form", input = GetUrl)]
pub async fn shortlist_remove_form(id: Uuid) -> Result<FormPage<ShortlistSummary>, AppError> {
    let state = super::state()?;
    let page =
        crate::server::services::shortlists::get(&state.db, support::viewer().as_ref(), id).await?;
    support::form_page(Vec::new(), page.summary)
}
