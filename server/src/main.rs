//! Entry point of the `server` binary; see [`server::cli`].
use clap::Parser;

/// mimalloc rather than the system allocator: under load most of a page's
/// work is small allocations made and freed on several threads (tokio's and
/// sqlx's SQLite workers), where glibc's allocator spent about a fifth of
/// the CPU on its own locks and consolidation (see the README's performance
/// section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::cli::run(server::cli::Cli::parse()).await
}
