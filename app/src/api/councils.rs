//! Council listing and council pages.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::types::{AppError, CouncilDetail, CouncilListing};

#[server(endpoint = "councils/list", input = GetUrl)]
pub async fn list_councils(
    nation: Option<String>,
    region: Option<String>,
    org_type: Option<String>,
    page: Option<u64>,
) -> Result<CouncilListing, AppError> {
    let state = super::state()?;
    let filter = crate::types::CouncilFilter::new(nation, region, org_type);
    crate::server::services::councils::list(&state.db, &state.snapshots, filter, page.unwrap_or(1))
        .await
}

#[server(endpoint = "councils/get", input = GetUrl)]
pub async fn get_council(gss_code: String) -> Result<CouncilDetail, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    crate::server::services::councils::get(&state.db, &state.snapshots, viewer.as_ref(), &gss_code)
        .await
}
