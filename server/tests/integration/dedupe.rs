//! Duplicate purchases over the demo catalogue's real notices: the adapter
//! (`services::dedupe`) on SQLite and PostgreSQL, and `server dedupe` as an
//! operator runs it.
use std::collections::HashSet;
use std::process::Command;

use app::server::entities::footprint;
use app::server::services::dedupe::{self, Report, Scope};
use sea_orm::EntityTrait;

use crate::harness::TestApp;

fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::December, 6).unwrap()
}

fn paired(report: &Report, a: &str, b: &str) -> bool {
    report.pairs.iter().any(|p| {
        let (x, y) = (
            p.a.record.source_id.as_deref().unwrap_or(""),
            p.b.record.source_id.as_deref().unwrap_or(""),
        );
        (x, y) == (a, b) || (x, y) == (b, a)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_notices_cluster_across_councils_with_reasons_and_identifiers() {
    let app = TestApp::with_demo_catalogue().await;
    let corpus = dedupe::corpus(&app.db).await.unwrap();
    let report = dedupe::report(&corpus, "All of the UK", &Scope::National, today());
    assert!(report.stats.items > 1_000, "{:?}", report.stats);
    assert!(!report.clusters.is_empty());
    for pair in &report.pairs {
        let a: HashSet<_> = pair.a.record.buyer_ids.iter().collect();
        assert!(
            pair.b.record.buyer_ids.iter().all(|b| !a.contains(b)),
            "a buyer never pairs with itself: {pair:?}"
        );
        assert!(!pair.reasons.is_empty(), "{pair:?}");
    }
    // Two councils' call-offs from YPO's insurance DPS (labelled the same
    // need); and a nursery-building scheme is never the same need as
    // funded childcare places (labelled not).
    assert!(paired(&report, "DN468306", "366623-2020"));
    assert!(!paired(&report, "105485-2020", "428701-2020"));
    let insurance = report
        .pairs
        .iter()
        .find(|p| {
            p.a.record.source_id.as_deref() == Some("366623-2020")
                || p.b.record.source_id.as_deref() == Some("366623-2020")
        })
        .unwrap();
    assert!(
        insurance.reasons.iter().any(|r| r.contains("insur")),
        "{:?}",
        insurance.reasons
    );
    // Clusters come with what can still be bought together first, and
    // every cluster spans several buyers.
    for cluster in &report.clusters {
        assert!(cluster.buyers >= 2, "{cluster:?}");
        assert!(cluster.members.len() >= 2);
    }
    // The CSV carries both records' identifiers.
    let csv = String::from_utf8(dedupe::pairs_csv(&report).unwrap()).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with(
            "a_kind,a_id,a_source,a_source_id,a_ocid,a_release_id,a_buyers,a_title,b_kind"
        ),
        "{header}"
    );
    assert_eq!(csv.lines().count(), report.pairs.len() + 1);
    assert!(csv.contains("366623-2020"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_footprint_report_keeps_pairs_inside_the_footprint() {
    let app = TestApp::with_demo_catalogue().await;
    let corpus = dedupe::corpus(&app.db).await.unwrap();
    let mut with_pairs = 0;
    for f in footprint::Entity::find().all(&app.db).await.unwrap() {
        let (name, scope) = dedupe::footprint_scope(&app.db, &f.code.to_lowercase())
            .await
            .unwrap()
            .expect("found by code in any case");
        assert_eq!(name, f.name);
        let Scope::Members(members) = &scope else {
            panic!("a footprint scope")
        };
        let report = dedupe::report(&corpus, &name, &scope, today());
        for pair in &report.pairs {
            for side in [&pair.a, &pair.b] {
                assert!(
                    side.record.buyer_ids.iter().any(|b| members.contains(b)),
                    "{name}: {pair:?}"
                );
            }
        }
        with_pairs += usize::from(!report.pairs.is_empty());
    }
    assert!(
        with_pairs >= 3,
        "only {with_pairs} footprints have duplicates"
    );
    assert!(
        dedupe::footprint_scope(&app.db, "NOWHERE")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_dedupe_prints_clusters_and_writes_csv_and_json() {
    let app = TestApp::with_demo_catalogue().await;
    let out = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let csv = out.path().join("pairs.csv");
    let json = out.path().join("report.json");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("dedupe")
            .args(args)
            .env("DATABASE_URL", app.database_url())
            .env("DATA_DIR", data.path())
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    // An unknown footprint is refused, naming the option, and nothing is written.
    let refused = run(&[
        "--footprint",
        "NOWHERE",
        "--pairs-csv",
        csv.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--footprint NOWHERE"), "{said}");
    assert!(!csv.exists());

    let done = run(&[
        "--pairs-csv",
        csv.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--top",
        "3",
    ]);
    let printed = String::from_utf8_lossy(&done.stdout);
    assert!(
        done.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        printed.starts_with("Duplicate purchases, All of the UK: "),
        "{printed}"
    );
    assert!(printed.contains("\n1. £"), "{printed}");
    assert!(
        !printed.contains("\n4. "),
        "--top 3 prints three clusters: {printed}"
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let pairs = report["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    assert!(pairs[0]["a"]["source_id"].is_string(), "{}", pairs[0]);
    assert!(
        pairs[0]["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    assert!(!report["clusters"].as_array().unwrap().is_empty());
    let rows = std::fs::read_to_string(&csv).unwrap().lines().count();
    assert_eq!(rows, pairs.len() + 1);
}
