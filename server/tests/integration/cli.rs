//! The server binary as an operator runs it: `migrate` (up, and down with
//! data present, `--steps N`), `seed`, `demo`, `create-admin`, `grant-role`,
//! and `serve` stopping cleanly on SIGTERM with a request still in flight.
//! Each runs the real executable against a database of its own (SQLite, or
//! PostgreSQL with TEST_DATABASE_URL).
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use app::server::entities::{app_user, contract, framework, membership, organisation};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::harness::TestDatabase;

const SERVER: &str = env!("CARGO_BIN_EXE_server");
const GOOD_PASSWORD: &str = "copper lantern meadow";

fn server(database: &TestDatabase, data_dir: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(SERVER);
    command
        .args(args)
        .env("DATABASE_URL", &database.url)
        .env("DATA_DIR", data_dir)
        .env("RUST_LOG", "info")
        .env_remove("PC_PASSWORD")
        .env_remove("SMTP_URL")
        .stdin(Stdio::null());
    command
}

#[track_caller]
fn succeeded(output: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "exit {:?}:\n{text}", output.status);
    text
}

/// Whether the catalogue query (PostgreSQL's, else SQLite's) finds a row.
async fn schema_has(database: &TestDatabase, postgres: String, sqlite: String) -> bool {
    let backend = database.conn.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => postgres,
        _ => sqlite,
    };
    database
        .conn
        .query_one_raw(sea_orm::Statement::from_string(backend, sql))
        .await
        .expect("query")
        .is_some()
}

async fn table_exists(database: &TestDatabase, table: &str) -> bool {
    schema_has(
        database,
        format!("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '{table}'"),
        format!("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
    )
    .await
}

async fn column_exists(database: &TestDatabase, table: &str, column: &str) -> bool {
    schema_has(
        database,
        format!("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'"),
        format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'"),
    )
    .await
}

/// Rows in `table`, by plain SQL (the entity may name columns a migration
/// step down has removed).
async fn rows(database: &TestDatabase, table: &str) -> u64 {
    let backend = database.conn.get_database_backend();
    database
        .conn
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("query")
        .expect("a row")
        .try_get::<i64>("", "n")
        .expect("a count") as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_migrate_seed_load_demo_data_and_create_the_first_admin() {
    let database = TestDatabase::create().await;
    let data = tempfile::tempdir().unwrap();
    let db = &database.conn;
    succeeded(
        &server(&database, data.path(), &["migrate"])
            .output()
            .unwrap(),
    );
    succeeded(&server(&database, data.path(), &["seed"]).output().unwrap());
    let councils = organisation::Entity::find()
        .filter(organisation::Column::Category.eq(organisation::CATEGORY_COUNCIL))
        .count(db)
        .await
        .unwrap();
    assert_eq!(councils, 382);
    // Seeding again changes nothing.
    succeeded(&server(&database, data.path(), &["seed"]).output().unwrap());
    assert_eq!(
        organisation::Entity::find()
            .filter(organisation::Column::Category.eq(organisation::CATEGORY_COUNCIL))
            .count(db)
            .await
            .unwrap(),
        councils
    );

    // No default password: a weak one is refused, naming the rule, with nothing made.
    let weak = server(
        &database,
        data.path(),
        &["create-admin", "--email", "Ops@Example.gov.uk"],
    )
    .env("PC_PASSWORD", "password")
    .output()
    .unwrap();
    assert!(!weak.status.success());
    let said = String::from_utf8_lossy(&weak.stderr);
    assert!(said.contains("Password"), "{said}");
    assert_eq!(app_user::Entity::find().count(db).await.unwrap(), 0);
    // From stdin, the first line.
    let mut child = server(
        &database,
        data.path(),
        &["create-admin", "--email", "Ops@Example.gov.uk"],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{GOOD_PASSWORD}").unwrap();
    succeeded(&child.wait_with_output().unwrap());
    let admin = app_user::Entity::find()
        .filter(app_user::Column::Email.eq("ops@example.gov.uk"))
        .one(db)
        .await
        .unwrap()
        .expect("the admin, email lowercased");
    assert!(
        admin.email_verified_at.is_some(),
        "an operator vouches for the address"
    );
    assert!(admin.password_hash.starts_with("$argon2id$"));
    let roles: Vec<String> = membership::Entity::find()
        .filter(membership::Column::UserId.eq(admin.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(roles, ["platform_admin"]);

    let bad_role = server(
        &database,
        data.path(),
        &[
            "grant-role",
            "--email",
            "x@example.gov.uk",
            "--role",
            "king",
        ],
    )
    .output()
    .unwrap();
    assert!(!bad_role.status.success());
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("--role must be one of"));
    let no_scope = server(
        &database,
        data.path(),
        &[
            "grant-role",
            "--email",
            "ops@example.gov.uk",
            "--role",
            "council_buyer",
        ],
    )
    .output()
    .unwrap();
    assert!(!no_scope.status.success());
    assert!(String::from_utf8_lossy(&no_scope.stderr).contains("--scope is required"));

    // The demo catalogue loads into an empty catalogue, once.
    succeeded(&server(&database, data.path(), &["demo"]).output().unwrap());
    let frameworks = framework::Entity::find().count(db).await.unwrap();
    assert_eq!(frameworks, 523);
    let again = succeeded(&server(&database, data.path(), &["demo"]).output().unwrap());
    assert!(again.contains("demo data not loaded"), "{again}");
    assert_eq!(
        framework::Entity::find().count(db).await.unwrap(),
        frameworks
    );

    // Down one step at a time with data present (the demo's imported
    // frameworks and notices): each migration's tables and columns go, the
    // rest (and their rows) stay; up again restores them.
    let contracts = contract::Entity::find().count(db).await.unwrap();
    assert!(contracts > 4_000, "{contracts} imported contracts");
    assert!(table_exists(&database, "planned_purchase").await);
    assert!(column_exists(&database, "framework", "how_to_buy").await);
    assert!(table_exists(&database, "shortlist_item").await);
    assert!(column_exists(&database, "buying_intent", "awarded_contract_id").await);
    assert!(table_exists(&database, "demand_follow").await);
    succeeded(
        &server(&database, data.path(), &["migrate", "down", "--steps", "1"])
            .output()
            .unwrap(),
    );
    assert!(!table_exists(&database, "demand_follow").await);
    assert!(column_exists(&database, "buying_intent", "awarded_contract_id").await);
    succeeded(
        &server(&database, data.path(), &["migrate", "down", "--steps", "1"])
            .output()
            .unwrap(),
    );
    assert!(!column_exists(&database, "buying_intent", "awarded_contract_id").await);
    assert!(!column_exists(&database, "intent_participant", "joined_by_user_id").await);
    assert!(column_exists(&database, "buying_intent", "lead_organisation_id").await);
    assert!(table_exists(&database, "shortlist").await);
    succeeded(
        &server(&database, data.path(), &["migrate", "down", "--steps", "1"])
            .output()
            .unwrap(),
    );
    assert!(!table_exists(&database, "shortlist").await);
    assert!(!table_exists(&database, "shortlist_item").await);
    assert!(column_exists(&database, "framework", "how_to_buy").await);
    succeeded(
        &server(&database, data.path(), &["migrate", "down", "--steps", "1"])
            .output()
            .unwrap(),
    );
    assert!(!column_exists(&database, "framework", "how_to_buy").await);
    assert!(!column_exists(&database, "framework", "source_layout").await);
    assert!(column_exists(&database, "framework", "title").await);
    assert_eq!(rows(&database, "framework").await, frameworks);
    succeeded(
        &server(&database, data.path(), &["migrate", "down", "--steps", "1"])
            .output()
            .unwrap(),
    );
    assert!(!table_exists(&database, "planned_purchase").await);
    assert!(!table_exists(&database, "identifier").await);
    assert!(table_exists(&database, "email_outbox").await);
    let remaining = rows(&database, "contract").await;
    assert_eq!(
        remaining, contracts,
        "contracts stay when the import columns go"
    );
    succeeded(
        &server(&database, data.path(), &["migrate", "down", "--steps", "1"])
            .output()
            .unwrap(),
    );
    assert!(!table_exists(&database, "email_outbox").await);
    assert!(table_exists(&database, "supplier_access_request").await);
    assert_eq!(rows(&database, "framework").await, frameworks);
    succeeded(
        &server(&database, data.path(), &["migrate", "down", "--steps", "1"])
            .output()
            .unwrap(),
    );
    assert!(!table_exists(&database, "supplier_access_request").await);
    succeeded(
        &server(&database, data.path(), &["migrate"])
            .output()
            .unwrap(),
    );
    assert!(table_exists(&database, "email_outbox").await);
    assert!(table_exists(&database, "planned_purchase").await);
    assert!(column_exists(&database, "intent_participant", "joined_by_user_id").await);
    assert!(table_exists(&database, "demand_follow").await);
    let admin = app_user::Entity::find_by_id(admin.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        admin.email_verified_at.is_some(),
        "accounts made before confirmation existed stay usable"
    );
    assert_eq!(rows(&database, "framework").await, frameworks);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_finishes_a_request_in_flight_after_sigterm_then_exits_cleanly() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let database = TestDatabase::create().await;
    let data = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let child = server(&database, data.path(), &["serve"])
        .env("LEPTOS_SITE_ADDR", &address)
        .env("LOAD_DEMO_DATA", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = false;
    for _ in 0..300 {
        if let Ok(mut probe) = tokio::net::TcpStream::connect(&address).await {
            probe
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut answer = String::new();
            let _ = probe.read_to_string(&mut answer).await;
            if answer.starts_with("HTTP/1.1 200") {
                ready = true;
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not become healthy");
    // A form post whose body is still arriving when the signal comes.
    let body = "email=a%40example.gov.uk&password=whatever&csrf_token=x";
    let mut request = tokio::net::TcpStream::connect(&address).await.unwrap();
    request
        .write_all(
            format!(
                "POST /sign-in HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
                body.len(),
                &body[..10]
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    // New connections are no longer taken…
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_err(),
        "the listener should be closed after SIGTERM"
    );
    // …but the one in flight is answered.
    request.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = String::new();
    request.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains("This form had expired"),
        "the whole page arrived"
    );
    let output = child.wait_with_output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "exit {:?}:\n{log}", output.status);
    assert!(log.contains("stopped cleanly"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_to_a_database_with_the_same_contents() {
    let database = TestDatabase::create().await;
    let data = tempfile::tempdir().unwrap();
    succeeded(&server(&database, data.path(), &["demo"]).output().unwrap());
    succeeded(
        &server(
            &database,
            data.path(),
            &["create-admin", "--email", "ops@example.gov.uk"],
        )
        .env("PC_PASSWORD", GOOD_PASSWORD)
        .output()
        .unwrap(),
    );
    let restored = match database.conn.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            // pg_dump in the custom format, restored into a new database.
            let dump = data.path().join("commons.dump");
            let status = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&dump)
                .arg(&database.url)
                .status()
                .expect("pg_dump");
            assert!(status.success());
            let target = TestDatabase::create().await;
            let status = Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &target.url])
                .arg(&dump)
                .status()
                .expect("pg_restore");
            assert!(status.success());
            target
        }
        _ => {
            let copy = data.path().join("backup.db");
            succeeded(
                &server(
                    &database,
                    data.path(),
                    &["backup", "--to", copy.to_str().unwrap()],
                )
                .output()
                .unwrap(),
            );
            // Never over an existing file.
            let again = server(
                &database,
                data.path(),
                &["backup", "--to", copy.to_str().unwrap()],
            )
            .output()
            .unwrap();
            assert!(!again.status.success());
            assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
            TestDatabase::open_sqlite(&copy).await
        }
    };
    // Every table, row for row.
    assert_eq!(
        crate::harness::snapshot_of(&restored.conn).await,
        crate::harness::snapshot_of(&database.conn).await
    );
    assert_eq!(
        framework::Entity::find()
            .count(&restored.conn)
            .await
            .unwrap(),
        523
    );
    // The restored database serves: the server migrates it (nothing to do) and signs in.
    succeeded(
        &server(&restored, data.path(), &["migrate"])
            .output()
            .unwrap(),
    );
    let admin = app_user::Entity::find()
        .filter(app_user::Column::Email.eq("ops@example.gov.uk"))
        .one(&restored.conn)
        .await
        .unwrap()
        .expect("the admin came back");
    assert!(app::server::auth::password::verify(
        GOOD_PASSWORD,
        &admin.password_hash
    ));
}
