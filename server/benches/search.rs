//! Search benchmark (README "Performance"): a seeded synthetic corpus shaped
//! like the catalogue (contracts and planned purchases from council notices,
//! frameworks and lots, suppliers, offers), indexed three ways and queried
//! with one fixed mix:
//!
//! - the product's tantivy index and engine (`app::server::search`): top 20
//!   with highlighted snippets, the exact count and every facet count;
//! - SQLite FTS5 (the bundled SQLite, porter tokenizer, bm25 with the title
//!   weighted 3×): top 20, count, and kind/footprint/CPV-division counts;
//! - PostgreSQL full-text search (`tsvector` with title weight A, GIN index,
//!   `ts_rank`): the same.
//!
//! For each size it prints build time, index size and peak RSS of the build,
//! and p50/p95/p99 latency and queries per second (one client) per engine.
//! Documents are generated from their number and the seed, never held all at
//! once, so the build's peak RSS is the index's own (plus the ~6,000 real
//! notices they are made from). Each takes a real bundled notice's title and
//! wording, mixes in another's, and gets a kind in the catalogue's
//! proportions, a footprint, dates and a value.
//!
//!   cargo bench -p server --bench search
//!   BENCH_DOCS=10000,100000,1000000 BENCH_SEED=1 BENCH_PEERS=sqlite,postgres \
//!   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432 cargo bench -p server --bench search
//!
//! `BENCH_INDEX=<dir>` keeps each size's index there and, when one is
//! already there, searches it without building (for comparing search code).
//! `BENCH_PER_QUERY=1` adds under the index's row each query's match count
//! and median latency, within the mix and run 20 times in a row, and the
//! p50 of all those repeated runs together (warmer caches than the mix's).
//!
//! Full-text search in SQL has no typo tolerance: the peers run the typo
//! queries as typed (and find less). That is the product's point, not a
//! handicap of the comparison.
#[path = "support/mod.rs"]
mod support;

/// The server's allocator (see `src/main.rs`), so the figures are the
/// deployed binary's: a reindex runs in the server.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::time::{Duration, Instant};

use app::server::changes::DocumentKind;
use app::server::search::document::{SearchDocument, cpv_prefix_facet, day_number, to_tantivy};
use app::server::search::engine::{self, Filters, Request};
use app::server::search::{applier, query, schema, tantivy};
use app::types::{SearchKind, SearchSort, SearchStatus};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement, Value};
use support::{peak_rss_mib, reset_peak_rss};
use time::macros::date;
use uuid::Uuid;

/// A small, fast, seeded generator (SplitMix64): each document draws from
/// its own stream, so document `i` is the same in every engine and run.
struct Rng(u64);

impl Rng {
    fn for_doc(seed: u64, i: u64) -> Self {
        Rng(seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(i.wrapping_mul(0xBF58_476D_1CE4_E5B9)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A real notice the corpus is made from: its wording, codes and buyer.
struct Template {
    title: String,
    body: String,
    cpv: Vec<String>,
    buyer: String,
}

/// The real notices bundled with the service (about 6,000 from Contracts
/// Finder, TED, Public Contracts Scotland and Sell2Wales), read once: the
/// corpus has their vocabulary and their spread of needs.
fn templates() -> &'static [Template] {
    static TEMPLATES: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut out = Vec::new();
        for file in app::server::import::bundled::FILES {
            for read in file.read().expect("bundled notices read") {
                let notice = read.notice;
                let body: String = notice
                    .description
                    .unwrap_or_default()
                    .chars()
                    .take(1_200)
                    .collect();
                out.push(Template {
                    title: notice.title,
                    body,
                    cpv: notice.cpv_codes,
                    buyer: notice
                        .buyers
                        .first()
                        .map(|b| b.name.clone())
                        .unwrap_or_default(),
                });
            }
        }
        out
    })
}

/// Footprints the synthetic buyers are placed in (codes as the reference
/// data has them); a fifth of buyers are in none.
const FOOTPRINTS: &[&str] = &[
    "E47000001",
    "E47000002",
    "E47000003",
    "E47000004",
    "E47000006",
    "E47000007",
    "E47000008",
    "E47000009",
    "E47000010",
    "E47000011",
    "E47000012",
    "E47000013",
    "",
];

const OWNERS: &[&str] = &[
    "Crown Commercial Service",
    "ESPO",
    "YPO",
    "NEPO",
    "CPC",
    "Fusion21",
];

/// The first draws of document `i`: the notices it is made from and its
/// kind (all a build needs to put it in order), and the stream for the rest.
struct Drawn {
    template: &'static Template,
    other: &'static Template,
    kind: DocumentKind,
    rng: Rng,
}

fn drawn(seed: u64, i: u64) -> Drawn {
    let templates = templates();
    let mut rng = Rng::for_doc(seed, i);
    let template = &templates[rng.below(templates.len())];
    let other = &templates[rng.below(templates.len())];
    let kind = match rng.below(100) {
        0..=64 => DocumentKind::Contract,
        65..=74 => DocumentKind::PlannedPurchase,
        75..=84 => DocumentKind::Lot,
        85..=86 => DocumentKind::Framework,
        87..=94 => DocumentKind::Supplier,
        _ => DocumentKind::Offer,
    };
    Drawn {
        template,
        other,
        kind,
        rng,
    }
}

/// The corpus's document numbers in the order the product's bulk build
/// (`applier::reindex`) adds records: kind by kind, and within a kind by
/// lowest CPV code (those without one last), then number
/// (`load::all_ids`). Suppliers and frameworks take their codes from
/// their lots and offers, which the product does not order by, so here
/// they keep number order too.
fn build_order(seed: u64, docs: u64) -> Vec<u64> {
    let mut keyed: Vec<(usize, Option<&'static str>, u64)> = (0..docs)
        .map(|i| {
            let Drawn { template, kind, .. } = drawn(seed, i);
            let rank = DocumentKind::ALL
                .iter()
                .position(|k| *k == kind)
                .expect("a kind");
            let ordered = !matches!(kind, DocumentKind::Supplier | DocumentKind::Framework);
            let lowest = ordered
                .then(|| template.cpv.iter().min().map(String::as_str))
                .flatten();
            (rank, lowest, i)
        })
        .collect();
    keyed.sort_unstable_by_key(|&(rank, lowest, i)| (rank, lowest.is_none(), lowest, i));
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

/// Document `i` of the corpus: a real notice's title and wording, with the
/// wording of a second notice mixed in (so no two documents are copies), a
/// kind in the catalogue's proportions, and its own dates and value.
fn document(seed: u64, i: u64) -> SearchDocument {
    let Drawn {
        template: t,
        other,
        kind,
        mut rng,
    } = drawn(seed, i);
    let mixed: String = other
        .body
        .split_whitespace()
        .take(40)
        .collect::<Vec<_>>()
        .join(" ");
    let year = 2018 + rng.below(12) as i32;
    let end =
        time::Date::from_calendar_date(year, time::Month::March, 1 + rng.below(28) as u8).ok();
    let title = match kind {
        DocumentKind::Supplier => format!(
            "{} Ltd",
            t.buyer.split_whitespace().next().unwrap_or("Acme")
        ),
        DocumentKind::Lot => format!("Lot {}: {}", rng.below(12) + 1, t.title),
        _ => t.title.clone(),
    };
    let footprint = FOOTPRINTS[rng.below(FOOTPRINTS.len())];
    let framework_like = matches!(kind, DocumentKind::Framework | DocumentKind::Lot);
    SearchDocument {
        kind: Some(kind),
        id: Uuid::from_u64_pair(seed, i),
        title,
        subtitle: t.buyer.clone(),
        body: vec![t.body.clone(), mixed, t.buyer.clone()],
        reference: Some(format!("BENCH-{i:07}")),
        codes: t.cpv.clone(),
        cpv: t.cpv.clone(),
        owner: framework_like.then(|| OWNERS[rng.below(OWNERS.len())].to_owned()),
        footprints: (!footprint.is_empty())
            .then(|| footprint.to_owned())
            .into_iter()
            .collect(),
        sme: rng.below(3) == 0,
        eligible: if framework_like {
            vec!["all".into()]
        } else {
            Vec::new()
        },
        end: if kind == DocumentKind::Supplier {
            None
        } else {
            end
        },
        newest: end.map(|e| e - time::Duration::days(365 * 3)),
        value_pence: (kind != DocumentKind::Supplier)
            .then(|| (rng.below(5_000_000) as i64 + 1_000) * 100),
    }
}

/// One query of the mix.
struct Query {
    kind: &'static str,
    text: &'static str,
    /// Only contracts in Greater Manchester.
    filtered: bool,
    /// A CPV prefix.
    cpv: Option<&'static str>,
    phrase: bool,
}

const fn q(kind: &'static str, text: &'static str) -> Query {
    Query {
        kind,
        text,
        filtered: false,
        cpv: None,
        phrase: false,
    }
}

const MIX: &[Query] = &[
    q("term", "gritting"),
    q("term", "software"),
    q("term", "cleaning"),
    q("term", "transport"),
    q("and", "housing repairs"),
    q("and", "weed spraying"),
    q("and", "cloud hosting"),
    q("and", "school transport"),
    Query {
        phrase: true,
        ..q("phrase", "refuse collection")
    },
    Query {
        phrase: true,
        ..q("phrase", "rock salt")
    },
    Query {
        phrase: true,
        ..q("phrase", "home care")
    },
    Query {
        phrase: true,
        ..q("phrase", "housing management system")
    },
    Query {
        filtered: true,
        ..q("facet", "software")
    },
    Query {
        filtered: true,
        ..q("facet", "repairs")
    },
    Query {
        filtered: true,
        ..q("facet", "care")
    },
    Query {
        cpv: Some("45"),
        ..q("cpv", "repairs")
    },
    Query {
        cpv: Some("9051"),
        ..q("cpv", "collection")
    },
    Query {
        cpv: Some("72"),
        ..q("cpv", "")
    },
    q("typo", "maintenence"),
    q("typo", "recyling"),
    q("typo", "advocasy"),
];

/// Where "live" is measured from: fixed, so runs compare.
const TODAY: time::Date = date!(2026 - 12 - 05);

/// Latency figures of one engine over the mix.
struct Figures {
    latencies: Vec<Duration>,
    wall: Duration,
}

impl Figures {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
        sorted[at].as_secs_f64() * 1000.0
    }

    fn qps(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }
}

/// Runs the mix `rounds` times (after one warm-up round), or until `budget`
/// has passed, whichever is first; at least one round.
async fn measure<F, Fut>(rounds: usize, budget: Duration, mut run: F) -> Figures
where
    F: FnMut(&'static Query) -> Fut,
    Fut: std::future::Future<Output = u64>,
{
    for query in MIX {
        run(query).await;
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    for _ in 0..rounds {
        for query in MIX {
            let t = Instant::now();
            std::hint::black_box(run(query).await);
            latencies.push(t.elapsed());
        }
        if started.elapsed() > budget {
            break;
        }
    }
    Figures {
        latencies,
        wall: started.elapsed(),
    }
}

struct Built {
    seconds: f64,
    bytes: u64,
    peak_mib: f64,
}

fn build_tantivy(dir: &Path, seed: u64, docs: u64) -> (tantivy::Index, Built) {
    reset_peak_rss();
    let started = Instant::now();
    let (schema_def, fields) = schema::build();
    let mut index = schema::create_in_dir(dir, schema_def).expect("index");
    // As the product opens its replicas.
    schema::prepare(&mut index).expect("prepare");
    let mut writer: tantivy::IndexWriter = index.writer(200_000_000).expect("writer");
    writer.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
    for i in build_order(seed, docs) {
        writer
            .add_document(to_tantivy(&fields, &document(seed, i)))
            .expect("add");
    }
    writer.commit().expect("commit");
    applier::balance_segments(&mut writer).expect("balance");
    writer.wait_merging_threads().expect("merge");
    let seconds = started.elapsed().as_secs_f64();
    let built = Built {
        seconds,
        // Set from the searcher: counting the directory would include
        // merged-away segments not yet collected.
        bytes: 0,
        peak_mib: peak_rss_mib(),
    };
    (index, built)
}

fn tantivy_request(query: &Query) -> Request {
    Request {
        text: query::read(&if query.phrase {
            format!("\"{}\"", query.text)
        } else {
            query.text.to_owned()
        }),
        filters: Filters {
            status: SearchStatus::Any,
            kind: query.filtered.then_some(SearchKind::Contract),
            footprint: query.filtered.then(|| "E47000001".to_owned()),
            cpv: query.cpv.and_then(cpv_prefix_facet),
            ..Default::default()
        },
        sort: SearchSort::Relevance,
        offset: 0,
        limit: 20,
        today: day_number(TODAY),
    }
}

/// The peers' table: one row per document, plus its full-text index.
struct Row {
    id: i64,
    kind: &'static str,
    title: String,
    body: String,
    cpv: String,
    footprint: String,
}

/// Document `i` as the peers store it, at `position` in the build order.
fn row(seed: u64, i: u64, position: usize) -> Row {
    let d = document(seed, i);
    Row {
        id: position as i64,
        kind: d.kind.map_or("contract", |k| k.as_str()),
        title: d.title,
        body: d.body.join(" "),
        cpv: d.cpv.first().cloned().unwrap_or_default(),
        footprint: d.footprints.first().cloned().unwrap_or_default(),
    }
}

/// Rows per INSERT statement (6 values each, inside both backends' limits).
const INSERT_ROWS: u64 = 1_000;

async fn load_peer(db: &DatabaseConnection, seed: u64, docs: u64) -> f64 {
    let backend = db.get_database_backend();
    let started = Instant::now();
    let postgres = backend == DbBackend::Postgres;
    let setup: &[&str] = if postgres {
        &[
            "DROP TABLE IF EXISTS bench_docs",
            "CREATE TABLE bench_docs (id BIGINT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, cpv TEXT NOT NULL, footprint TEXT NOT NULL)",
        ]
    } else {
        &[
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = OFF",
            "DROP TABLE IF EXISTS bench_docs",
            "DROP TABLE IF EXISTS bench_fts",
            "CREATE TABLE bench_docs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, cpv TEXT NOT NULL, footprint TEXT NOT NULL)",
            "CREATE VIRTUAL TABLE bench_fts USING fts5(title, body, content='bench_docs', content_rowid='id', tokenize='porter unicode61')",
        ]
    };
    for sql in setup {
        db.execute_unprepared(sql).await.expect(sql);
    }
    // The product's order, numbered as stored (rowids and the primary key
    // order the peers' tables and indexes the way document ids order ours).
    let order = build_order(seed, docs);
    for (chunk_at, chunk) in order.chunks(INSERT_ROWS as usize).enumerate() {
        let mut values: Vec<Value> = Vec::new();
        let mut places = Vec::new();
        for (at, &i) in chunk.iter().enumerate() {
            let r = row(seed, i, chunk_at * INSERT_ROWS as usize + at);
            let n = values.len();
            places.push(if postgres {
                format!(
                    "(${},${},${},${},${},${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6
                )
            } else {
                "(?,?,?,?,?,?)".to_owned()
            });
            values.extend([
                r.id.into(),
                r.kind.into(),
                r.title.into(),
                r.body.into(),
                r.cpv.into(),
                r.footprint.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO bench_docs (id, kind, title, body, cpv, footprint) VALUES {}",
            places.join(",")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await
            .expect("insert");
    }
    let finish: &[&str] = if postgres {
        &[
            "ALTER TABLE bench_docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED",
            "CREATE INDEX bench_docs_tsv ON bench_docs USING GIN (tsv)",
            "CREATE INDEX bench_docs_cpv ON bench_docs (cpv text_pattern_ops)",
            "ANALYZE bench_docs",
        ]
    } else {
        &[
            "INSERT INTO bench_fts (bench_fts) VALUES ('rebuild')",
            "CREATE INDEX bench_docs_cpv ON bench_docs (cpv)",
            "ANALYZE",
        ]
    };
    for sql in finish {
        db.execute_unprepared(sql).await.expect(sql);
    }
    started.elapsed().as_secs_f64()
}

/// One query on a peer: top 20 by rank, the exact count, and counts by
/// kind, footprint and CPV division. Returns the count.
async fn peer_query(db: &DatabaseConnection, query: &Query) -> u64 {
    let backend = db.get_database_backend();
    let postgres = backend == DbBackend::Postgres;
    let mut conditions = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let param = |v: Value, values: &mut Vec<Value>| {
        values.push(v);
        if postgres {
            format!("${}", values.len())
        } else {
            "?".to_owned()
        }
    };
    let has_text = !query.text.is_empty();
    if has_text {
        if postgres {
            let function = if query.phrase {
                "phraseto_tsquery"
            } else {
                "plainto_tsquery"
            };
            let p = param(query.text.into(), &mut values);
            conditions.push(format!("d.tsv @@ {function}('english', {p})"));
        } else {
            let expression = if query.phrase {
                format!("\"{}\"", query.text)
            } else {
                query.text.to_owned()
            };
            let p = param(expression.into(), &mut values);
            conditions.push(format!("bench_fts MATCH {p}"));
        }
    }
    if query.filtered {
        conditions.push("d.kind = 'contract' AND d.footprint = 'E47000001'".to_owned());
    }
    if let Some(prefix) = query.cpv {
        let p = param(format!("{prefix}%").into(), &mut values);
        conditions.push(format!("d.cpv LIKE {p}"));
    }
    let from = if postgres || !has_text {
        "bench_docs d".to_owned()
    } else {
        "bench_fts JOIN bench_docs d ON d.id = bench_fts.rowid".to_owned()
    };
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let rank = match (postgres, has_text) {
        (_, false) => "d.id".to_owned(),
        (true, true) => {
            let function = if query.phrase {
                "phraseto_tsquery"
            } else {
                "plainto_tsquery"
            };
            format!("ts_rank(d.tsv, {function}('english', $1)) DESC")
        }
        (false, true) => "bm25(bench_fts, 3.0, 1.0)".to_owned(),
    };
    let statements = [
        format!("SELECT d.id FROM {from} {filter} ORDER BY {rank} LIMIT 20"),
        format!("SELECT count(*) AS n FROM {from} {filter}"),
        format!("SELECT d.kind, count(*) AS n FROM {from} {filter} GROUP BY d.kind"),
        format!("SELECT d.footprint, count(*) AS n FROM {from} {filter} GROUP BY d.footprint"),
        format!(
            "SELECT substr(d.cpv, 1, 2), count(*) AS n FROM {from} {filter} GROUP BY substr(d.cpv, 1, 2)"
        ),
    ];
    let mut count = 0;
    for (n, sql) in statements.into_iter().enumerate() {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values.clone()))
            .await
            .expect("peer query");
        if n == 1 {
            count = rows
                .first()
                .and_then(|r| r.try_get::<i64>("", "n").ok())
                .unwrap_or(0) as u64;
        }
    }
    count
}

fn print_row(engine: &str, docs: u64, built: &Built, figures: &Figures) {
    let peak = if built.seconds.is_nan() {
        "–".to_owned()
    } else if built.peak_mib.is_nan() {
        "(server)".to_owned()
    } else {
        format!("{:.0} MiB", built.peak_mib)
    };
    // A kept index (`BENCH_INDEX`) was not built in this run.
    let build = if built.seconds.is_nan() {
        "kept".to_owned()
    } else {
        format!("{:.1} s", built.seconds)
    };
    println!(
        "| {docs:>9} | {engine:<18} | {build:>10} | {:>9.1} MiB | {peak:>12} | {:>8.2} ms | {:>8.2} ms | {:>8.2} ms | {:>9.1} |",
        built.bytes as f64 / 1_048_576.0,
        figures.percentile(0.50),
        figures.percentile(0.95),
        figures.percentile(0.99),
        figures.qps(),
    );
}

fn env_list(name: &str, default: &str) -> Vec<String> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_owned())
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; nothing else is read from the command line.
    let sizes: Vec<u64> = env_list("BENCH_DOCS", "10000,100000")
        .iter()
        .map(|s| s.parse().expect("BENCH_DOCS: whole numbers"))
        .collect();
    let seed: u64 = std::env::var("BENCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let peers = env_list("BENCH_PEERS", "sqlite,postgres");
    let pg_base = std::env::var("BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    println!(
        "Search benchmark: seed {seed}, {} queries in the mix (term, AND, phrase, facet-filtered, CPV prefix, typo); top 20 with exact count and facet counts",
        MIX.len()
    );
    println!();
    println!(
        "| documents | engine             |    build |  index size |  peak RSS |      p50 |      p95 |      p99 |   queries/s |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    let work = tempfile::tempdir().expect("work dir");
    for &docs in &sizes {
        let kept = std::env::var_os("BENCH_INDEX").map(std::path::PathBuf::from);
        let dir = kept
            .as_deref()
            .unwrap_or(work.path())
            .join(format!("tantivy-{docs}-{seed}"));
        let (index, mut built) = if kept.is_some() && dir.join("meta.json").exists() {
            // A kept index from an earlier run: the queries only.
            let mut index = tantivy::Index::open_in_dir(&dir).expect("kept index");
            schema::prepare(&mut index).expect("prepare");
            let built = Built {
                seconds: f64::NAN,
                bytes: 0,
                peak_mib: f64::NAN,
            };
            (index, built)
        } else {
            std::fs::create_dir_all(&dir).expect("dir");
            build_tantivy(&dir, seed, docs)
        };
        let (reader, _warmer) = app::server::search::open_reader(&index).expect("reader");
        let searcher = reader.searcher();
        built.bytes = searcher
            .space_usage()
            .expect("space usage")
            .total()
            .get_bytes();
        let (_, fields) = schema::build();
        let figures = measure(200, Duration::from_secs(20), |query| {
            let found = engine::run(&searcher, &fields, &tantivy_request(query)).expect("search");
            std::future::ready(found.total)
        })
        .await;
        print_row("tantivy (product)", docs, &built, &figures);
        // Per query type, for the note.
        let mut by_type = Vec::new();
        for kind in ["term", "and", "phrase", "facet", "cpv", "typo"] {
            let mut latencies = Vec::new();
            for query in MIX.iter().filter(|q| q.kind == kind) {
                for _ in 0..20 {
                    let t = Instant::now();
                    std::hint::black_box(
                        engine::run(&searcher, &fields, &tantivy_request(query)).expect("search"),
                    );
                    latencies.push(t.elapsed());
                }
            }
            let f = Figures {
                wall: latencies.iter().sum(),
                latencies,
            };
            by_type.push(format!(
                "{kind} p50 {:.2} ms p99 {:.2} ms",
                f.percentile(0.5),
                f.percentile(0.99)
            ));
        }
        println!("|           |   by query type: {} |", by_type.join("; "));
        if std::env::var_os("BENCH_PER_QUERY").is_some() {
            // Each query's matches and median: where a mix's time goes.
            let mut pooled = Vec::new();
            for (at, query) in MIX.iter().enumerate() {
                // Its runs within the mix (the mix runs the queries in turn).
                let in_mix = Figures {
                    latencies: figures
                        .latencies
                        .iter()
                        .skip(at)
                        .step_by(MIX.len())
                        .copied()
                        .collect(),
                    wall: Duration::ZERO,
                };
                let request = tantivy_request(query);
                let mut latencies = Vec::new();
                let mut total = 0;
                for _ in 0..20 {
                    let t = Instant::now();
                    total = engine::run(&searcher, &fields, &request)
                        .expect("search")
                        .total;
                    latencies.push(t.elapsed());
                }
                pooled.extend_from_slice(&latencies);
                let f = Figures {
                    wall: latencies.iter().sum(),
                    latencies,
                };
                println!(
                    "|           |   {} {:?}: {total} matches, p50 {:.2} ms in the mix, {:.2} ms 20 times in a row |",
                    query.kind,
                    query.text,
                    in_mix.percentile(0.5),
                    f.percentile(0.5)
                );
            }
            let f = Figures {
                wall: pooled.iter().sum(),
                latencies: pooled,
            };
            // Against the mix's p50: what interleaving different queries
            // costs (each finds less of its data in the processor's caches).
            println!(
                "|           |   every query 20 times in a row, all together: p50 {:.2} ms |",
                f.percentile(0.5)
            );
        }
        drop(searcher);
        drop(reader);
        drop(index);
        if kept.is_none() {
            std::fs::remove_dir_all(&dir).ok();
        }

        for peer in &peers {
            let (label, url, file) = match peer.as_str() {
                "sqlite" => {
                    let file = work.path().join(format!("fts5-{docs}.db"));
                    (
                        "SQLite FTS5",
                        format!("sqlite://{}?mode=rwc", file.display()),
                        Some(file),
                    )
                }
                "postgres" => (
                    "PostgreSQL tsvector",
                    format!("{pg_base}/pc_bench_search"),
                    None,
                ),
                other => panic!("BENCH_PEERS: unknown peer {other}"),
            };
            if file.is_none() {
                let admin = Database::connect(format!("{pg_base}/postgres"))
                    .await
                    .expect("postgres");
                admin
                    .execute_unprepared("DROP DATABASE IF EXISTS pc_bench_search")
                    .await
                    .expect("drop");
                admin
                    .execute_unprepared("CREATE DATABASE pc_bench_search")
                    .await
                    .expect("create");
                admin.close().await.ok();
            }
            let db = Database::connect(&url).await.expect("peer database");
            let seconds = load_peer(&db, seed, docs).await;
            let bytes = match &file {
                Some(f) => {
                    std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)
                        + std::fs::metadata(f.with_extension("db-wal"))
                            .map(|m| m.len())
                            .unwrap_or(0)
                }
                None => db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Postgres,
                        "SELECT pg_total_relation_size('bench_docs') AS n",
                    ))
                    .await
                    .ok()
                    .flatten()
                    .and_then(|r| r.try_get::<i64>("", "n").ok())
                    .unwrap_or(0) as u64,
            };
            let figures = measure(5, Duration::from_secs(60), |query| peer_query(&db, query)).await;
            let built = Built {
                seconds,
                bytes,
                peak_mib: f64::NAN,
            };
            print_row(label, docs, &built, &figures);
            db.close().await.ok();
        }
    }
    println!();
    println!(
        "Peak RSS is the benchmark process's own during the tantivy build (the peers' memory is the database's)."
    );
}
