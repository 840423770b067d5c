//! The market signal for suppliers (see `services::market`): open demand
//! matching a supplier's offers, the demand a person follows by email, and
//! the confirmation behind a digest's "stop these emails" link.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use super::support;
use crate::types::{AppError, FollowView, FollowingPage, FormPage, SupplierDemand};

#[server(endpoint = "suppliers/demand", input = GetUrl)]
pub async fn matching_demand(id: Uuid) -> Result<SupplierDemand, AppError> {
    let state = super::state()?;
    crate::server::services::market::supplier_demand(&state, support::viewer().as_ref(), id).await
}

/// The follow form, pre-set to the `follow` of the page's query
/// (`/account/following?follow=footprint:GMCA`, as the footprint and
/// supplier pages link to it).
#[server(endpoint = "account/following", input = GetUrl)]
pub async fn following_form(follow: Option<String>) -> Result<FormPage<FollowingPage>, AppError> {
    let state = super::state()?;
    let page =
        crate::server::services::market::following(&state, support::viewer().as_ref()).await?;
    let initial = follow
        .filter(|f| f.len() <= 64)
        .map(|f| vec![(crate::types::commands::follow::FOLLOW.to_owned(), f)])
        .unwrap_or_default();
    support::form_page(initial, page)
}

/// The confirmation before stopping one follow.
#[server(endpoint = "account/following/remove-form", input = GetUrl)]
pub async fn follow_remove_form(id: Uuid) -> Result<FormPage<FollowView>, AppError> {
    let state = super::state()?;
    let page =
        crate::server::services::market::following(&state, support::viewer().as_ref()).await?;
    let follow = page
        .follows
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| AppError::NotFound("Follow".into()))?;
    support::form_page(Vec::new(), follow)
}

/// What an unsubscribe link would stop (`None`: unknown or used).
#[server(endpoint = "unsubscribe", input = GetUrl)]
pub async fn unsubscribe_form(key: Option<String>) -> Result<FormPage<Option<String>>, AppError> {
    let state = super::state()?;
    // A submission shown again (an expired form) carries the key itself.
    let key = key.or_else(|| {
        leptos::prelude::use_context::<crate::types::SubmittedForm>().and_then(|form| {
            form.value(crate::types::commands::follow::KEY)
                .map(str::to_owned)
        })
    });
    let what = match key.as_deref().map(str::trim).map(Uuid::parse_str) {
        Some(Ok(key)) => crate::server::services::market::unsubscribe_preview(&state, key).await?,
        _ => None,
    };
    let initial = key
        .map(|k| vec![(crate::types::commands::follow::KEY.to_owned(), k)])
        .unwrap_or_default();
    support::form_page(initial, what)
}
