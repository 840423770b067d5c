//! The Procurement Commons web server: the axum router around the Leptos app,
//! production middleware (compression, caching, security headers, request
//! logs), and the command line (`serve`, `migrate`, `seed`).
pub mod cli;
pub mod client_address;
pub mod forms;
pub mod import_cli;
pub mod page_cache;
pub mod router;
pub mod visitor;

pub use router::{build_router, build_router_with_routes, leptos_options_from_env};

/// Serves `router` on `listener` until `shutdown` resolves, then lets
/// in-flight requests finish. Connections carry their peer address, which
/// the per-address limits read ([`client_address`]). `server serve` and the
/// tests' real-TCP server both start this way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
