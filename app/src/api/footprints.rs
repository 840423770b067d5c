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

/// A footprint's demand dashboard (see `services::demand`).
#[server(endpoint = "footprints/dashboard", input = GetUrl)]
pub async fn footprint_dashboard(
    code: String,
) -> Result<crate::types::FootprintDashboard, crate::types::AppError> {
    let state = super::state()?;
    let viewer = super::request_visitor().viewer;
    crate::server::services::demand::dashboard(&state, viewer.as_ref(), &code).await
}

/// Every footprint's demand figures side by side.
#[server(endpoint = "footprints/compare", input = GetUrl)]
pub async fn compare_footprints()
-> Result<Vec<crate::types::FootprintComparison>, crate::types::AppError> {
    let state = super::state()?;
    crate::server::services::demand::national(&state).await
}
