//! Search over the whole catalogue (one index; see `server::search`).
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::types::{AppError, SearchParams, SearchResults};

/// The search the URL asks for, its parameters as sent.
#[server(endpoint = "search", input = GetUrl)]
pub async fn search(params: SearchParams) -> Result<SearchResults, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    crate::server::services::search::search(
        &state.db,
        &state.snapshots,
        &state.search,
        viewer.as_ref(),
        &params,
    )
    .await
}
