//! Command line: `serve` (default), `migrate`, `seed`, `demo`, `import`,
//! `search`, `dedupe`, `backup`, and the account commands `create-admin` and `grant-role`.

use app::server::{
    AppState, Config, db,
    services::seed::{demo_catalogue, reference as reference_data},
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
    /// Import published notices: OCDS, the Contracts Finder CSV export or
    /// TED award CSV. Each file is one transaction; importing the same data
    /// again changes nothing.
    Import {
        #[command(subcommand)]
        kind: crate::import_cli::ImportKind,
    },
    /// The search index: rebuild it from the database, or compare the two.
    Search {
        #[command(subcommand)]
        action: SearchAction,
    },
    /// Find duplicate purchases: contracts and planned purchases of one need
    /// bought separately by different councils. Prints the clusters, ranked;
    /// writes the pairs as CSV and the whole report (pairs and clusters,
    /// each record with its source identifiers) as JSON when asked.
    Dedupe {
        /// A footprint's code or GSS code (e.g. GMCA or E47000001): only
        /// pairs whose both purchases have a buyer in it. All of the UK
        /// without it.
        #[arg(long)]
        footprint: Option<String>,
        /// Write every pair, with both records' identifiers, score and reasons.
        #[arg(long)]
        pairs_csv: Option<std::path::PathBuf>,
        /// Write the report (pairs and clusters) as JSON.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
        /// How many clusters to print.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Instead: for every footprint, how many duplicate clusters,
        /// suggested joint purchases and contracts ending in the next two
        /// years its dashboard finds.
        #[arg(long, conflicts_with_all = ["footprint", "pairs_csv", "json"])]
        by_footprint: bool,
    },
    /// Queue the email digests now due: for everyone following a footprint
    /// or a category, not sent one for a week, and with new demand there.
    /// `serve` does this every hour; this runs it once, now.
    Digest,
    /// Write a consistent copy of the SQLite database to a new file while the
    /// service keeps running (for PostgreSQL, use pg_dump).
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Create the first platform admin (or make an existing account one). The
    /// password is read from PC_PASSWORD, else from the first line of stdin;
    /// there is never a default password.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Platform admin")]
        name: String,
    },
    /// Give an account a role, creating the account if needed (password as
    /// for create-admin). --scope is a council's GSS code (council_buyer), a
    /// footprint's code (footprint_coordinator) or a supplier's Companies
    /// House number (supplier_editor).
    GrantRole {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        scope: Option<String>,
        #[arg(long, default_value = "")]
        name: String,
    },
}

/// The password for a new account: PC_PASSWORD, else one line of stdin.
fn read_password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("PC_PASSWORD") {
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

async fn ensure_account(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    name: &str,
    role: app::types::Role,
    scope: Option<&str>,
) -> anyhow::Result<()> {
    use app::server::services::accounts;
    let exists = accounts::exists(db, email).await?;
    let password = if exists { None } else { Some(read_password()?) };
    let name = if name.is_empty() { email } else { name };
    accounts::ensure_user_with_role(db, email, name, password.as_deref(), role, scope)
        .await
        .map_err(anyhow::Error::msg)?;
    tracing::info!(email, role = role.as_str(), ?scope, "role granted");
    Ok(())
}

#[derive(Subcommand, Debug)]
pub enum SearchAction {
    /// Build a fresh index from the database and swap it in. A running
    /// server keeps answering from the old one and switches when it is ready.
    Reindex,
    /// Compare the index with the database: documents per kind and a sample
    /// of documents. Exits with 1 when they differ.
    Check,
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
        Command::Import { kind } => {
            db::migrate(&db).await?;
            reference_data::load_bundled(&db).await?;
            let totals = crate::import_cli::run(&db, kind).await?;
            if totals.failed > 0 {
                std::process::exit(1);
            }
        }
        Command::Search { action } => {
            db::migrate(&db).await?;
            if !search_command(&config, &db, action).await? {
                std::process::exit(1);
            }
        }
        Command::Dedupe {
            by_footprint: true, ..
        } => {
            db::migrate(&db).await?;
            footprint_counts_command(&db).await?;
        }
        Command::Dedupe {
            footprint,
            pairs_csv,
            json,
            top,
            ..
        } => {
            db::migrate(&db).await?;
            dedupe_command(&db, footprint.as_deref(), pairs_csv, json, top).await?;
        }
        Command::Digest => {
            db::migrate(&db).await?;
            let state = AppState::new(db.clone(), config)?;
            let run = app::server::services::market::send_digests(
                &state,
                time::OffsetDateTime::now_utc(),
            )
            .await?;
            println!(
                "{} people due a digest; {} digests queued in the email outbox",
                run.due, run.sent
            );
        }
        Command::Backup { to } => {
            db::backup_sqlite(&db, &to).await?;
            tracing::info!(to = %to.display(), "backup written");
        }
        Command::CreateAdmin { email, name } => {
            db::migrate(&db).await?;
            ensure_account(&db, &email, &name, app::types::Role::PlatformAdmin, None).await?;
        }
        Command::GrantRole {
            email,
            role,
            scope,
            name,
        } => {
            db::migrate(&db).await?;
            let role = app::types::Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!(
                    "--role must be one of council_buyer, footprint_coordinator, supplier_editor, platform_admin"
                )
            })?;
            ensure_account(&db, &email, &name, role, scope.as_deref()).await?;
        }
        Command::Serve => serve(config, db).await?,
    }
    Ok(())
}

/// `server dedupe`: the footprint is checked before any work, and files
/// are written only once the whole report is ready.
/// `server dedupe --by-footprint`: what each footprint's dashboard finds.
async fn footprint_counts_command(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    use app::server::entities::{footprint, footprint_member};
    use app::server::services::{dedupe, demand};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let started = std::time::Instant::now();
    let corpus = dedupe::corpus(db).await?;
    let (pairs, _) = corpus.index.pairs();
    let today = time::OffsetDateTime::now_utc().date();
    println!(
        "{:<55} {:>8} {:>9} {:>12} {:>9}",
        "Footprint", "councils", "clusters", "suggestions", "pipeline"
    );
    let (mut clusters, mut suggestions) = (0, 0);
    for f in footprint::Entity::find()
        .order_by_asc(footprint::Column::Name)
        .all(db)
        .await?
    {
        let members: std::collections::HashSet<uuid::Uuid> = footprint_member::Entity::find()
            .filter(footprint_member::Column::FootprintId.eq(f.id))
            .filter(footprint_member::Column::LeftOn.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.organisation_id)
            .collect();
        let counts = demand::counts(&corpus, &pairs, &members, today);
        clusters += counts.clusters;
        suggestions += counts.suggestions;
        println!(
            "{:<55} {:>8} {:>9} {:>12} {:>9}",
            f.name,
            members.len(),
            counts.clusters,
            counts.suggestions,
            counts.pipeline_contracts
        );
    }
    println!(
        "{} clusters and {} suggested joint purchases in all ({} purchases, as of {today}; {:.1} s)",
        clusters,
        suggestions,
        corpus.records.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn dedupe_command(
    db: &sea_orm::DatabaseConnection,
    footprint: Option<&str>,
    pairs_csv: Option<std::path::PathBuf>,
    json: Option<std::path::PathBuf>,
    top: usize,
) -> anyhow::Result<()> {
    use app::server::services::dedupe::{self, Scope};
    use app::types::format_pounds;
    let (scope_name, scope) = match footprint {
        None => ("All of the UK".to_owned(), Scope::National),
        Some(code) => dedupe::footprint_scope(db, code).await?.ok_or_else(|| {
            anyhow::anyhow!("--footprint {code}: no footprint has that code or GSS code")
        })?,
    };
    let started = std::time::Instant::now();
    let corpus = dedupe::corpus(db).await?;
    let report = dedupe::report(
        &corpus,
        &scope_name,
        &scope,
        time::OffsetDateTime::now_utc().date(),
    );
    println!(
        "Duplicate purchases, {}: {} purchases compared, {} candidate pairs, {} matches, {} clusters ({:.1} s)",
        report.scope,
        report.stats.items,
        report.stats.candidate_pairs,
        report.stats.matched_pairs,
        report.clusters.len(),
        started.elapsed().as_secs_f64()
    );
    for (n, cluster) in report.clusters.iter().take(top).enumerate() {
        let next = cluster
            .next_end
            .map(|d| format!(", next ends {d}"))
            .unwrap_or_default();
        println!(
            "{}. {} across {} buyers ({} purchases{next}); shared: {}",
            n + 1,
            format_pounds(cluster.combined_value_pence),
            cluster.buyers,
            cluster.members.len(),
            cluster.shared_words.join(", ")
        );
        for m in &cluster.members {
            println!(
                "   - {}: {} ({}{}) [{} {}]",
                m.record.buyer_names.join(" and "),
                m.title,
                m.value_pence
                    .map(format_pounds)
                    .unwrap_or_else(|| "value not published".into()),
                m.end.map(|d| format!(", ends {d}")).unwrap_or_default(),
                m.record.source,
                m.record.source_id.as_deref().unwrap_or("")
            );
        }
    }
    if let Some(path) = pairs_csv {
        std::fs::write(&path, dedupe::pairs_csv(&report)?)?;
        println!("Pairs written to {}", path.display());
    }
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_vec_pretty(&report)?)?;
        println!("Report written to {}", path.display());
    }
    Ok(())
}

/// `server search …`; false when `check` found drift.
async fn search_command(
    config: &Config,
    db: &sea_orm::DatabaseConnection,
    action: SearchAction,
) -> anyhow::Result<bool> {
    use app::server::search::{SearchIndex, applier};
    use app::server::services::snapshot::SnapshotCache;
    let snapshots = SnapshotCache::default();
    match action {
        SearchAction::Reindex => {
            let started = std::time::Instant::now();
            let done = applier::reindex(db, &snapshots, &config.search_dir, |kind, n| {
                tracing::debug!(kind = kind.as_str(), n, "indexed");
            })
            .await?;
            let total: u64 = done.documents.values().sum();
            println!(
                "Indexed {total} documents in {:.1} s into {} (outbox applied through {}):",
                started.elapsed().as_secs_f64(),
                done.replica,
                done.through_seq
            );
            for (kind, n) in &done.documents {
                println!("  {kind}: {n}");
            }
            Ok(true)
        }
        SearchAction::Check => {
            let index = SearchIndex::open(&config.search_dir)?;
            let checked = applier::check(db, &snapshots, &index).await?;
            println!("{:<18} {:>10} {:>10}", "kind", "database", "index");
            for (kind, in_db, in_index) in &checked.counts {
                println!("{kind:<18} {in_db:>10} {in_index:>10}");
            }
            println!(
                "{} documents compared; {} outbox rows not yet applied",
                checked.sampled, checked.pending
            );
            if checked.drift.is_empty() {
                println!("No drift.");
                return Ok(true);
            }
            for line in &checked.drift {
                println!("drift: {line}");
            }
            if checked.pending > 0 {
                println!(
                    "(a running server applies pending rows within a second; run check again)"
                );
            }
            Ok(false)
        }
    }
}

/// The secret key kept in `data_dir/secret.key`, made (readable by the
/// server's user only) on first start. `SECRET_KEY` takes precedence; with
/// several servers behind one address, set it so they all agree.
fn stored_secret_key(data_dir: &std::path::Path) -> anyhow::Result<String> {
    use anyhow::Context;
    let path = data_dir.join("secret.key");
    if let Ok(key) = std::fs::read_to_string(&path) {
        let key = key.trim().to_owned();
        if key.chars().count() >= app::server::config::MIN_SECRET_KEY_CHARS {
            return Ok(key);
        }
        anyhow::bail!(
            "{} is too short: delete it to make a new one",
            path.display()
        );
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let key = app::server::auth::session::new_token();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    use std::io::Write;
    options
        .open(&path)
        .and_then(|mut file| file.write_all(key.as_bytes()))
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "made a new secret key");
    Ok(key)
}

async fn serve(mut config: Config, db: sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    if config.secret_key.is_none() {
        config.secret_key = Some(stored_secret_key(&config.data_dir)?);
    }
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
    let mailer =
        app::server::email::delivery::Mailer::from_config(&config).map_err(anyhow::Error::msg)?;
    let state = AppState::new(db.clone(), config)?;
    let search_root = state.config.search_dir.clone();
    if state.search.is_new() {
        // A new index (first start, or its directory was removed): build it
        // from the database before answering, so search is never empty.
        let started = std::time::Instant::now();
        let done =
            app::server::search::applier::reindex(&db, &state.snapshots, &search_root, |_, _| {})
                .await?;
        tracing::info!(
            documents = done.documents.values().sum::<u64>(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
    }
    // Keeps the index in step with the outbox (and follows rebuilds).
    let applier = std::sync::Arc::new(app::server::search::applier::Applier::new(
        db.clone(),
        state.snapshots.clone(),
        state.search.clone(),
    ));
    tokio::spawn(applier.run());
    // Sends what changes queue in the email outbox, retrying failures.
    tokio::spawn(app::server::email::delivery::run(
        db.clone(),
        mailer,
        state.mail_wake.clone(),
    ));
    // Queues the weekly demand digests that are due, once an hour.
    let digests = state.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let now = time::OffsetDateTime::now_utc();
            match app::server::services::market::send_digests(&digests, now).await {
                Ok(run) if run.sent > 0 => tracing::info!(sent = run.sent, "demand digests queued"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "demand digests not queued"),
            }
        }
    });
    let limiter = state.sign_in_limiter.clone();
    // Forget fully refilled rate-limit entries once a minute, so the maps
    // stay small without a scan inside a request.
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            limiter.prune();
        }
    });
    let router = crate::build_router(state, leptos_options);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!("listening on http://{addr}");
    crate::serve(listener, router, shutdown_signal()).await?;
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
