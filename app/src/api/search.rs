//! Search over the whole catalogue (one index; see `server::search`).
// One argument per URL parameter, so the endpoint's URL is the page's.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use crate::types::SearchParams;
use crate::types::{AppError, SearchResults};

/// The search the URL asks for. Every argument is the URL value as sent.
#[server(endpoint = "search", input = GetUrl)]
pub async fn search(
    q: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    cpv: Option<String>,
    owner: Option<String>,
    footprint: Option<String>,
    sme: Option<String>,
    min_value: Option<String>,
    max_value: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    mine: Option<String>,
) -> Result<SearchResults, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    let params = SearchParams {
        q,
        kind,
        status,
        cpv,
        owner,
        footprint,
        sme,
        min_value,
        max_value,
        sort,
        page,
        mine,
    };
    crate::server::services::search::search(
        &state.db,
        &state.snapshots,
        &state.search,
        viewer.as_ref(),
        &params,
    )
    .await
}
