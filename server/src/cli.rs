//! Command line: `serve` (default), `migrate`, `seed`.
use std::sync::Arc;

use app::server::{
    AppState, Config, db,
    services::{demo_catalogue, reference_data},
};
use clap::{Parser, Subcommand};
use tracing_subscriber::{EnvFilter, fmt};

#[derive(Parser, Debug)]
#[command(name = "server", about = "Procurement Commons web server", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate, load reference data (unless SEED_ON_START=false) and serve HTTP.
    Serve,
    /// Apply pending migrations, or revert them.
    Migrate {
        #[command(subcommand)]
        direction: Option<Direction>,
    },
    /// Load the bundled reference data (councils, footprints, CPV codes). Safe to repeat.
    Seed,
    /// Load the demo catalogue (CCS frameworks, lots, suppliers) if the catalogue is empty.
    Demo,
}

#[derive(Subcommand, Debug)]
pub enum Direction {
    /// Apply every pending migration (the default).
    Up,
    /// Revert the last STEPS migrations (all of them without --steps).
    Down {
        #[arg(long)]
        steps: Option<u32>,
    },
}

pub fn init_tracing(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    if config.log_json {
        fmt().with_env_filter(filter).json().init();
    } else {
        fmt().with_env_filter(filter).init();
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env().map_err(anyhow::Error::msg)?;
    init_tracing(&config);
    let db = db::connect(&config).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate {
            direction: None | Some(Direction::Up),
        } => {
            db::migrate(&db).await?;
            tracing::info!("migrations applied");
        }
        Command::Migrate {
            direction: Some(Direction::Down { steps }),
        } => {
            db::rollback(&db, steps).await?;
            tracing::info!(?steps, "migrations reverted");
        }
        Command::Seed => {
            db::migrate(&db).await?;
            let report = reference_data::load_bundled(&db).await?;
            tracing::info!(?report, "reference data loaded");
        }
        Command::Demo => {
            db::migrate(&db).await?;
            reference_data::load_bundled(&db).await?;
            match demo_catalogue::load_if_empty(&db).await? {
                Some(report) => tracing::info!(?report, "demo catalogue loaded"),
                None => {
                    tracing::info!("the catalogue already has frameworks; demo data not loaded")
                }
            }
        }
        Command::Serve => serve(config, db).await?,
    }
    Ok(())
}

async fn serve(config: Config, db: sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    db::migrate(&db).await?;
    if config.seed_on_start {
        let started = std::time::Instant::now();
        let report = reference_data::load_bundled(&db).await?;
        tracing::info!(
            ?report,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "reference data loaded"
        );
    }
    if config.load_demo_data
        && let Some(report) = demo_catalogue::load_if_empty(&db).await?
    {
        tracing::info!(?report, "demo catalogue loaded into an empty catalogue");
    }
    let leptos_options = crate::leptos_options_from_env()?;
    let addr = leptos_options.site_addr;
    let state = AppState {
        db: db.clone(),
        config: Arc::new(config),
    };
    let router = crate::build_router(state, leptos_options);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    db.close().await?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; axum then stops accepting connections and
/// lets in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
