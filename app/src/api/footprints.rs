//! Devolution footprints and their members.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::types::{AppError, FootprintDetail, FootprintSummary};

#[server(endpoint = "footprints/list", input = GetUrl)]
pub async fn list_footprints() -> Result<Vec<FootprintSummary>, AppError> {
    let state = super::state()?;
    crate::server::services::footprints::list(&state.db, &state.snapshots).await
}

#[server(endpoint = "footprints/get", input = GetUrl)]
pub async fn get_footprint(code: String) -> Result<FootprintDetail, AppError> {
    let state = super::state()?;
    crate::server::services::footprints::get(&state.db, &state.snapshots, &code).await
}
