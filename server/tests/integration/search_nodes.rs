//! The search index across real server processes: two nodes on one
//! database, each with its own index, see each other's changes through the
//! shared outbox; an applier killed with SIGKILL half-way through the outbox
//! resumes from its last commit and ends with every document once, as the
//! database has it. Each node is the `server serve` executable.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::server::entities::{contract, footprint, search_outbox};
use app::server::search::{SearchIndex, applier, load, tantivy};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fixture::{GMCA, framework_form};
use crate::harness::TestApp;

const SERVER: &str = env!("CARGO_BIN_EXE_server");

/// A `server serve` process with a data directory (and so an index) of its own.
struct Node {
    child: Child,
    address: String,
    data_dir: PathBuf,
}

impl Node {
    /// Starts a node on `database_url` and waits until it answers.
    async fn start(database_url: &str, data_dir: &Path) -> Node {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(data_dir.join("server.log")).unwrap();
        let child = Command::new(SERVER)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("DATA_DIR", data_dir)
            .env("LEPTOS_SITE_ADDR", &address)
            .env("LOAD_DEMO_DATA", "false")
            .env("RUST_LOG", "warn")
            .env_remove("SMTP_URL")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let node = Node {
            child,
            address,
            data_dir: data_dir.to_path_buf(),
        };
        // A first start builds the index from the database before it answers.
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if let Some((200, _)) = node.try_get("/healthz").await {
                return node;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the node did not become healthy:\n{}", node.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("server.log")).unwrap_or_default()
    }

    /// One HTTP/1.0 request (so the answer is neither chunked nor kept
    /// alive); `None` when the node does not answer.
    async fn try_request(&self, head: &str, body: &str) -> Option<(u16, String)> {
        let mut stream = tokio::net::TcpStream::connect(&self.address).await.ok()?;
        let request = format!(
            "{head}\r\nHost: {}\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
            .await
            .ok()?
            .ok()?;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer.split(' ').nth(1)?.parse().ok()?;
        Some((status, answer))
    }

    async fn try_get(&self, path: &str) -> Option<(u16, String)> {
        self.try_request(&format!("GET {path} HTTP/1.0"), "").await
    }

    /// A form POST as the holder of `session` (its anti-forgery token is `csrf`).
    async fn post_form(
        &self,
        path: &str,
        session: &str,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf_token", csrf);
        for (name, value) in fields {
            body.append_pair(name, value);
        }
        let head = format!(
            "POST {path} HTTP/1.0\r\nContent-Type: application/x-www-form-urlencoded\r\nCookie: pc_session={session}"
        );
        self.try_request(&head, &body.finish())
            .await
            .unwrap_or_else(|| panic!("no answer to POST {path}:\n{}", self.log()))
    }

    /// SIGTERM, then wait for a clean exit.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = self.child.wait().unwrap();
        assert!(status.success(), "exit {status:?}:\n{}", self.log());
    }

    /// SIGKILL: no chance to finish anything.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }
}

/// The outbox sequence the index under `search_dir` has committed, read from
/// its files (as a restart would read it) while another process writes it.
fn committed_seq(search_dir: &Path) -> i64 {
    let Ok(name) = std::fs::read_to_string(search_dir.join("CURRENT")) else {
        return 0;
    };
    tantivy::Index::open_in_dir(search_dir.join(name.trim()))
        .and_then(|index| index.load_metas())
        .ok()
        .and_then(|metas| metas.payload)
        .and_then(|payload| {
            serde_json::from_str::<serde_json::Value>(&payload)
                .ok()?
                .get("seq")?
                .as_i64()
        })
        .unwrap_or(0)
}

async fn newest_seq(app: &TestApp) -> i64 {
    search_outbox::Entity::find()
        .order_by_desc(search_outbox::Column::Seq)
        .one(&app.db)
        .await
        .unwrap()
        .map_or(0, |row| row.seq)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_framework_created_on_one_node_is_found_on_another_within_five_seconds() {
    let app = TestApp::new().await;
    let admin = app
        .actor("admin", Some((app::types::Role::PlatformAdmin, None)))
        .await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let node_a = Node::start(app.database_url(), dir_a.path()).await;
    let node_b = Node::start(app.database_url(), dir_b.path()).await;
    assert_ne!(node_a.search_dir(), node_b.search_dir());

    let owner =
        footprint::Entity::find_by_id(app::server::services::seed::reference::footprint_id(GMCA))
            .one(&app.db)
            .await
            .unwrap()
            .and_then(|f| f.organisation_id)
            .expect("the GMCA's own organisation")
            .to_string();
    let mut form = framework_form("ZW-2027", &owner);
    for field in form.iter_mut() {
        if field.0 == "title" {
            field.1 = "Zeolite water treatment chemicals";
        }
    }
    let (status, answer) = node_a
        .post_form("/frameworks/new", admin.session(), &admin.csrf_token, &form)
        .await;
    assert_eq!(status, 303, "{answer}");
    let location = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .expect("a location")
        .trim()
        .to_owned();
    assert!(location.starts_with("/frameworks/"), "{location}");

    // Node B has never been asked about it: it finds it once its own
    // applier has taken the row from the shared outbox.
    let created = Instant::now();
    let found_after = loop {
        let (status, page) = node_b
            .try_get("/search?q=zeolite")
            .await
            .expect("node B answers");
        assert_eq!(status, 200, "{page}");
        if page.contains(&format!("href=\"{location}\"")) {
            break created.elapsed();
        }
        assert!(
            created.elapsed() < Duration::from_secs(5),
            "node B did not find the framework within 5 s:\n{}",
            node_b.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!(
        "two nodes on {}: created on A, found on B after {} ms",
        crate::harness::backend_name(),
        found_after.as_millis()
    );
    node_a.stop();
    node_b.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applier_killed_half_way_resumes_and_loses_and_duplicates_nothing() {
    let app = TestApp::with_demo_catalogue().await;
    let data = tempfile::tempdir().unwrap();
    // The first start builds the index from the database; then it stops.
    let node = Node::start(app.database_url(), data.path()).await;
    let search_dir = node.search_dir();
    node.stop();
    let built_through = committed_seq(&search_dir);

    // Every contract changes while no node runs.
    let ids: Vec<uuid::Uuid> = contract::Entity::find()
        .select_only()
        .column(contract::Column::Id)
        .into_tuple()
        .all(&app.db)
        .await
        .unwrap();
    contract::Entity::update_many()
        .col_expr(
            contract::Column::Title,
            Expr::cust("'Revised ' || substr(title, 1, 400)"),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    // Every document is queued again (the contracts changed, the rest did
    // not), so the outbox holds several commits' worth.
    for kind in app::types::SearchKind::ALL {
        let others = load::all_ids(&app.db, kind).await.unwrap();
        for chunk in others.chunks(500) {
            search_outbox::Entity::insert_many(chunk.iter().map(|id| search_outbox::ActiveModel {
                entity: sea_orm::Set(kind.as_str().to_owned()),
                entity_id: sea_orm::Set(id.to_string()),
                op: sea_orm::Set("upsert".to_owned()),
                created_at: sea_orm::Set(now),
                ..Default::default()
            }))
            .exec(&app.db)
            .await
            .unwrap();
        }
    }
    let newest = newest_seq(&app).await;
    assert!(
        newest - built_through > 15_000,
        "{} rows queued",
        newest - built_through
    );

    // Started again, the applier works through the rows a commit at a
    // time; it is killed once some, but not all, are committed.
    let node = Node::start(app.database_url(), data.path()).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    let killed_at = loop {
        let seq = committed_seq(&search_dir);
        if seq > built_through && seq < newest {
            node.kill();
            break seq;
        }
        assert!(
            seq < newest,
            "the applier finished before it could be killed half-way"
        );
        assert!(
            Instant::now() < deadline,
            "nothing was applied:\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!(
        committed_seq(&search_dir),
        killed_at,
        "the kill left the last commit"
    );

    // A restart resumes from the last commit and finishes.
    let node = Node::start(app.database_url(), data.path()).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    while committed_seq(&search_dir) < newest {
        assert!(
            Instant::now() < deadline,
            "the restart did not finish:\n{}",
            node.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    node.stop();

    // Every contract is in the index exactly once, as the database has it now.
    let index = SearchIndex::open(&search_dir).unwrap();
    let searcher = index.searcher();
    let fields = index.fields();
    let titles: std::collections::HashMap<uuid::Uuid, String> = contract::Entity::find()
        .filter(contract::Column::Id.is_in(ids.iter().step_by(7).copied().collect::<Vec<_>>()))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    for id in &ids {
        let key = tantivy::Term::from_field_text(fields.key, &format!("contract:{id}"));
        let query = tantivy::query::TermQuery::new(key, tantivy::schema::IndexRecordOption::Basic);
        let found = searcher
            .search(
                &query,
                &tantivy::collector::TopDocs::with_limit(3).order_by_score(),
            )
            .unwrap();
        assert_eq!(
            found.len(),
            1,
            "contract {id} is in the index {} times",
            found.len()
        );
        if let Some(expected) = titles.get(id) {
            let doc: tantivy::TantivyDocument = searcher.doc(found[0].1).unwrap();
            use tantivy::schema::Value;
            let title = doc
                .get_first(fields.title)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            assert_eq!(title, expected, "contract {id}");
            assert!(title.starts_with("Revised "));
        }
    }
    let checked = applier::check(&app.db, &app.state.snapshots, &index)
        .await
        .unwrap();
    assert!(checked.drift.is_empty(), "{:?}", checked.drift);
    assert_eq!(checked.pending, 0);
    println!(
        "applier killed at seq {killed_at} of {built_through}..{newest} on {}; after a restart every one of {} contracts is indexed once, as the database has it",
        crate::harness::backend_name(),
        ids.len()
    );
}
