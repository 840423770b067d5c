//! Public catalogue: frameworks, their lots and the suppliers on them.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use crate::server::services::listings;
use crate::types::{
    AppError, ContractDetail, ContractListing, FrameworkDetail, FrameworkListing, LotDetail,
    OfferDetail, OfferListing, SupplierDetail, SupplierListing,
};

#[server(endpoint = "frameworks/list", input = GetUrl)]
pub async fn list_frameworks(
    status: Option<String>,
    owner: Option<String>,
    council: Option<String>,
    page: Option<u64>,
) -> Result<FrameworkListing, AppError> {
    let state = super::state()?;
    listings::frameworks(
        &state.db,
        &state.snapshots,
        status,
        owner,
        council,
        page.unwrap_or(1),
    )
    .await
}

#[server(endpoint = "frameworks/get", input = GetUrl)]
pub async fn get_framework(id: Uuid) -> Result<FrameworkDetail, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    crate::server::services::catalogue::get_framework(&state.db, viewer.as_ref(), id).await
}

#[server(endpoint = "lots/get", input = GetUrl)]
pub async fn get_lot(id: Uuid, page: Option<u64>) -> Result<LotDetail, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    crate::server::services::catalogue::get_lot(&state.db, viewer.as_ref(), id, page.unwrap_or(1))
        .await
}

#[server(endpoint = "suppliers/get", input = GetUrl)]
pub async fn get_supplier(id: Uuid) -> Result<SupplierDetail, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    crate::server::services::catalogue::get_supplier(&state.db, viewer.as_ref(), id).await
}

#[server(endpoint = "suppliers/list", input = GetUrl)]
pub async fn list_suppliers(
    name: Option<String>,
    sme: Option<String>,
    vcse: Option<String>,
    region: Option<String>,
    page: Option<u64>,
) -> Result<SupplierListing, AppError> {
    let state = super::state()?;
    listings::suppliers(
        &state.db,
        &state.snapshots,
        name,
        sme,
        vcse,
        region,
        page.unwrap_or(1),
    )
    .await
}

#[server(endpoint = "contracts/list", input = GetUrl)]
pub async fn list_contracts(
    council: Option<String>,
    footprint: Option<String>,
    ending: Option<String>,
    page: Option<u64>,
) -> Result<ContractListing, AppError> {
    let state = super::state()?;
    listings::contracts(
        &state.db,
        &state.snapshots,
        council,
        footprint,
        ending,
        page.unwrap_or(1),
    )
    .await
}

#[server(endpoint = "offers/list", input = GetUrl)]
pub async fn list_offers(
    category: Option<String>,
    footprint: Option<String>,
    page: Option<u64>,
) -> Result<OfferListing, AppError> {
    let state = super::state()?;
    listings::offers(
        &state.db,
        &state.snapshots,
        category,
        footprint,
        page.unwrap_or(1),
    )
    .await
}

#[server(endpoint = "offers/get", input = GetUrl)]
pub async fn get_offer(id: Uuid) -> Result<OfferDetail, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    crate::server::services::catalogue::get_offer(&state.db, viewer.as_ref(), id).await
}

#[server(endpoint = "contracts/get", input = GetUrl)]
pub async fn get_contract(id: Uuid) -> Result<ContractDetail, AppError> {
    let state = super::state()?;
    let viewer = super::support::viewer();
    crate::server::services::catalogue::get_contract(&state.db, viewer.as_ref(), id).await
}

/// Other councils' purchases that look like this contract (the live
/// duplicate check), near ones first.
#[server(endpoint = "contracts/similar", input = GetUrl)]
pub async fn similar_to_contract(id: Uuid) -> Result<Vec<crate::types::SimilarPurchase>, AppError> {
    let state = super::state()?;
    Ok(crate::server::services::dedupe::similar_to_contract(&state, id, 10).await?)
}
