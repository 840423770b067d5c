//! The Procurement Commons web server: the axum router around the Leptos app,
//! production middleware (compression, caching, security headers, request
//! logs), and the command line (`serve`, `migrate`, `seed`).
pub mod cli;
pub mod forms;
pub mod router;
pub mod visitor;

pub use router::{build_router, build_router_with_routes, leptos_options_from_env};
