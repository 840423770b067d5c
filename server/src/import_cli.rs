//! `server import …`: reads files, directories or standard input with one
//! of the importers and writes each file in its own transaction.
//!
//! On a terminal a progress bar shows notices written, rate and ETA
//! (indicatif hides it when stderr is not a terminal). Each refused file is
//! reported on stderr with its file, line and field; a last line on stdout
//! sums up: files, notices (or framework records) read, new, updated,
//! unchanged, failed. The exit
//! status is non-zero when any file failed.
use std::io::Read;
use std::path::{Path, PathBuf};

use app::server::changes::Actor;
use app::server::import::{ReadError, Source, bundled, frameworks};
use app::server::services::framework_imports::import_frameworks;
use app::server::services::imports::{FileReport, ImportContext, import_file};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

#[derive(Subcommand, Debug)]
pub enum ImportKind {
    /// OCDS 1.1 release or record packages, releases, records, or JSON
    /// Lines of them; gzip or plain. PATH may be a file, a directory (read
    /// recursively) or - for standard input.
    Ocds {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// The Contracts Finder CSV export (awarded notices become contracts,
    /// open ones planned purchases).
    ContractsFinderCsv {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// TED contract-award CSV (one row per supplier).
    TedCsv {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// A council's contract register in the Local Government Transparency
    /// Code layout (accepted headers: README). A file with any refused row
    /// is refused whole.
    RegisterCsv {
        /// The council's GSS code (E08000035).
        #[arg(long)]
        council: String,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Framework agreements, lots and supplier places: the CCS website
    /// agreements, framework titles and lots, the Data Submission Service
    /// and Crown Marketplace files, the DfE framework list (layouts: README).
    /// Matched to the catalogue by owner and reference.
    Frameworks {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Which importer a run uses.
enum Importer {
    Notices(Source),
    /// A council's register (by GSS code).
    Register(String),
    Frameworks,
}

impl ImportKind {
    /// The importer and the paths.
    fn parts(self) -> (Importer, Vec<PathBuf>) {
        match self {
            ImportKind::Ocds { paths } => (Importer::Notices(Source::Ocds), paths),
            ImportKind::ContractsFinderCsv { paths } => {
                (Importer::Notices(Source::ContractsFinderCsv), paths)
            }
            ImportKind::TedCsv { paths } => (Importer::Notices(Source::TedCsv), paths),
            ImportKind::RegisterCsv { council, paths } => (Importer::Register(council), paths),
            ImportKind::Frameworks { paths } => (Importer::Frameworks, paths),
        }
    }
}

/// Files a directory holds, recursively, in name order (hidden ones skipped).
fn files_under(path: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        found.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    entries.sort();
    for entry in entries {
        files_under(&entry, found)?;
    }
    Ok(())
}

/// One input's name and bytes ("-" is standard input).
fn read_input(path: &Path) -> Result<(String, Vec<u8>), ReadError> {
    let name = path.display().to_string();
    let mut bytes = Vec::new();
    let result = if name == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    result.map_err(|e| ReadError {
        file: if name == "-" {
            "standard input".into()
        } else {
            name.clone()
        },
        location: None,
        field: None,
        message: format!("cannot be read: {e}"),
    })?;
    Ok((
        if name == "-" {
            "standard input".into()
        } else {
            name
        },
        bytes,
    ))
}

/// Totals of a run, for the summary line.
#[derive(Default, Debug)]
pub struct RunTotals {
    /// What is counted: notices, or records (frameworks, lots and places).
    pub unit: &'static str,
    pub files: usize,
    pub read: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub warnings: usize,
}

impl RunTotals {
    fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.read += report.read;
        self.new += report.new;
        self.updated += report.updated;
        self.unchanged += report.unchanged;
        self.warnings += report.warnings.len();
        if report.error.is_some() {
            self.failed += 1;
        }
    }

    pub fn summary(&self) -> String {
        format!(
            "{} file(s), {} {}(s) read: {} new, {} updated, {} unchanged, {} file(s) failed, {} warning(s)",
            self.files,
            self.read,
            self.unit,
            self.new,
            self.updated,
            self.unchanged,
            self.failed,
            self.warnings
        )
    }
}

fn progress_bar(unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {{wide_bar}} {{pos}}/{{len}} {unit}s · {{per_sec}} · ETA {{eta}} · {{msg}}"
        ))
        .expect("valid template"),
    );
    bar
}

/// Reads and writes one council register file; any refused row refuses it.
async fn one_register(
    db: &sea_orm::DatabaseConnection,
    council: &app::server::entities::organisation::Model,
    name: &str,
    bytes: Vec<u8>,
    bar: &ProgressBar,
) -> FileReport {
    use app::server::services::imports::{RegisterError, read_register, write_register};
    use app::types::RowOutcome;
    let (rows, preview) = match read_register(db, council, name, bytes).await {
        Ok(read) => read,
        Err(RegisterError::File(error)) => return FileReport::failed(name, &error),
        Err(RegisterError::Database(error)) => {
            return FileReport {
                file: name.to_owned(),
                error: Some(format!("{name}: not imported: {error}")),
                ..Default::default()
            };
        }
    };
    let refused: Vec<String> = preview
        .rows
        .iter()
        .filter(|r| r.outcome == RowOutcome::Refused)
        .map(|r| format!("line {}: {}", r.line, r.notes.join("; ")))
        .collect();
    if !refused.is_empty() {
        return FileReport {
            file: name.to_owned(),
            read: preview.rows.len(),
            error: Some(format!(
                "{name}: not imported, {} row(s) refused: {}",
                refused.len(),
                refused.join(" | ")
            )),
            ..Default::default()
        };
    }
    bar.inc_length(rows.len() as u64);
    let before = bar.position();
    let result = write_register(db, Actor::System, name, &rows).await;
    written(name, rows.len(), before, bar, result)
}

/// A file's report once written, with the bar moved past its records
/// (the notice importer moves it batch by batch on the way), or why the
/// database refused it.
fn written(
    name: &str,
    records: usize,
    before: u64,
    bar: &ProgressBar,
    result: Result<FileReport, sea_orm::DbErr>,
) -> FileReport {
    bar.set_position(before + records as u64);
    result.unwrap_or_else(|error| FileReport {
        file: name.to_owned(),
        read: records,
        error: Some(format!(
            "{name}: not imported, the database refused it: {error}"
        )),
        ..Default::default()
    })
}

/// Reads and writes one file; its report (with the error, if it failed).
async fn one_file(
    db: &sea_orm::DatabaseConnection,
    ctx: &mut ImportContext,
    source: Source,
    name: &str,
    bytes: Vec<u8>,
    bar: &ProgressBar,
) -> FileReport {
    let read = match tokio::task::block_in_place(|| bundled::read(source, name, bytes)) {
        Ok(read) => read,
        Err(error) => return FileReport::failed(name, &error),
    };
    bar.inc_length(read.len() as u64);
    bar.set_message(name.to_owned());
    let before = bar.position();
    let result = import_file(db, ctx, Actor::System, source, name, &read).await;
    written(name, read.len(), before, bar, result)
}

/// Reads and writes one framework file.
async fn one_framework_file(
    db: &sea_orm::DatabaseConnection,
    ctx: &mut ImportContext,
    name: &str,
    bytes: Vec<u8>,
    bar: &ProgressBar,
) -> FileReport {
    let read = match tokio::task::block_in_place(|| frameworks::read(name, bytes)) {
        Ok(read) => read,
        Err(error) => return FileReport::failed(name, &error),
    };
    bar.inc_length(read.records() as u64);
    bar.set_message(name.to_owned());
    let before = bar.position();
    let result = import_frameworks(db, ctx, Actor::System, name, &read).await;
    written(name, read.records(), before, bar, result)
}

/// Runs `server import`; `Err` only for a failure before any file (the
/// database cannot be read); file failures are in the totals.
pub async fn run(db: &sea_orm::DatabaseConnection, kind: ImportKind) -> anyhow::Result<RunTotals> {
    let (importer, paths) = kind.parts();
    let council = match &importer {
        Importer::Notices(_) | Importer::Frameworks => None,
        Importer::Register(gss) => Some(
            app::server::entities::organisation::Entity::find()
                .filter(app::server::entities::organisation::Column::GssCode.eq(gss.trim()))
                .one(db)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--council {gss}: no council has this GSS code"))?,
        ),
    };
    let mut ctx = ImportContext::load(db, false).await?;
    let mut files = Vec::new();
    for path in &paths {
        if path.as_os_str() == "-" {
            files.push(path.clone());
        } else if let Err(e) = files_under(path, &mut files) {
            anyhow::bail!("{}: cannot be read: {e}", path.display());
        }
    }
    let unit = match importer {
        Importer::Frameworks => "record",
        _ => "notice",
    };
    let bar = progress_bar(unit);
    let moved = bar.clone();
    ctx.progress = Some(std::sync::Arc::new(move |n| moved.inc(n)));
    let mut totals = RunTotals {
        unit,
        ..Default::default()
    };
    for path in files {
        let report = match read_input(&path) {
            Ok((name, bytes)) => match (&importer, &council) {
                (_, Some(council)) => one_register(db, council, &name, bytes, &bar).await,
                (Importer::Frameworks, _) => {
                    one_framework_file(db, &mut ctx, &name, bytes, &bar).await
                }
                (Importer::Notices(source), _) => {
                    one_file(db, &mut ctx, *source, &name, bytes, &bar).await
                }
                (Importer::Register(_), None) => unreachable!("a register run has its council"),
            },
            Err(error) => FileReport::failed(&error.file, &error),
        };
        if let Some(error) = &report.error {
            bar.suspend(|| eprintln!("refused: {error}"));
        }
        for warning in &report.warnings {
            bar.suspend(|| eprintln!("warning: {warning}"));
        }
        totals.add(&report);
    }
    bar.finish_and_clear();
    println!("{}", totals.summary());
    Ok(totals)
}
