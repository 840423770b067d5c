//! Procurement Commons: the Leptos application shared by the server (SSR) and
//! the browser (hydration).
//!
//! Layers, outermost first:
//! - [`pages`] and [`components`]: the UI, GOV.UK Frontend markup, data via props;
//! - [`api`]: thin `#[server]` functions, one file per resource;
//! - [`types`]: wire types that compile for wasm too;
//! - `server` (only with the `ssr` feature): configuration, database, entities
//!   and the services that own queries and transactions.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod pages;
pub mod types;

#[cfg(feature = "ssr")]
pub mod server;

mod shell;

pub use shell::{App, shell};

/// The browser's entry point: makes the page's islands ready to hydrate
/// (each `#[island]` exports its own hydration function to the loader).
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    leptos::mount::hydrate_islands();
}
