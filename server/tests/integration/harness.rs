//! `TestApp`: a migrated, seeded database plus the real router, driven
//! in-process (no sockets) with `tower::ServiceExt::oneshot`.

use app::server::{AppState, Config, db, services::seed::reference as reference_data};
use axum::{Router, body::Body, http::Request};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tower::ServiceExt;

/// Which backend the suite runs against, announced once per database so the
/// CI log shows it.
pub fn backend_name() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        "postgresql"
    } else {
        "sqlite"
    }
}

/// A database of its own, removed when dropped.
pub struct TestDatabase {
    pub url: String,
    pub conn: DatabaseConnection,
    cleanup: Cleanup,
}

enum Cleanup {
    /// A file someone else looks after (a backup the test restored).
    Nothing,
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl TestDatabase {
    /// An existing SQLite file.
    pub async fn open_sqlite(path: &std::path::Path) -> Self {
        let url = format!("sqlite://{}?mode=rw", path.display());
        let conn = Database::connect(&url).await.expect("open sqlite");
        Self {
            url,
            conn,
            cleanup: Cleanup::Nothing,
        }
    }

    /// An empty database (no tables).
    pub async fn create() -> Self {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                let conn = Database::connect(&url).await.expect("open sqlite");
                Self {
                    url,
                    conn,
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
            Some(admin_url) => {
                let name = format!("pc_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let url = replace_database(&admin_url, &name);
                let conn = Database::connect(&url)
                    .await
                    .expect("connect to test database");
                Self {
                    url,
                    conn,
                    cleanup: Cleanup::Postgres { admin_url, name },
                }
            }
        }
    }
}

/// `postgres://user@host:port/db?x` with `db` replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async; a short-lived runtime on its own thread
            // removes the database (FORCE closes the pool's connections).
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async move {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    /// The state the router serves with (its limiters and hashing pool).
    pub state: AppState,
    _database: TestDatabase,
    /// This app's own search index, removed with it.
    _search_dir: std::sync::Arc<tempfile::TempDir>,
}

/// The text of an HTML fragment: tags and comments dropped, the entities
/// the renderer writes decoded.
pub fn html_text(fragment: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

pub struct TestResponse {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the body contains `needle`, showing the body when it does not.
    #[track_caller]
    pub fn assert_contains(&self, needle: &str) {
        assert!(
            self.body.contains(needle),
            "expected {needle:?} in a {} response:\n{}",
            self.status,
            self.body
        );
    }

    #[track_caller]
    pub fn assert_lacks(&self, needle: &str) {
        assert!(
            !self.body.contains(needle),
            "did not expect {needle:?} in:\n{}",
            self.body
        );
    }

    /// Asserts the page's text (tags dropped) contains `needle`.
    #[track_caller]
    pub fn assert_text_contains(&self, needle: &str) {
        let text = html_text(&self.body);
        assert!(
            text.contains(needle),
            "expected {needle:?} in the text:\n{text}"
        );
    }

    /// Asserts the error summary lists exactly one problem, `message`, and
    /// no field shows an error of its own (a form-wide refusal).
    #[track_caller]
    pub fn assert_summary_error(&self, message: &str) {
        let list = self
            .body
            .split(r#"class="govuk-list govuk-error-summary__list""#)
            .nth(1)
            .unwrap_or_else(|| panic!("no error summary:\n{}", self.body));
        let list = &list[..list.find("</ul>").expect("list end")];
        assert_eq!(list.matches("<li").count(), 1, "one problem: {list}");
        assert_eq!(html_text(list), message);
        assert_eq!(
            self.body.matches(r#"class="govuk-error-message""#).count(),
            0
        );
    }

    /// The anti-forgery token in the page's form.
    #[track_caller]
    pub fn csrf_field(&self) -> String {
        let marker = r#"name="csrf_token" value=""#;
        let at = self
            .body
            .find(marker)
            .expect("a form with an anti-forgery field")
            + marker.len();
        self.body[at..].split('"').next().unwrap().to_owned()
    }

    /// Asserts the page shows exactly one field error: `message`, inside
    /// `field`'s own error element (not merely somewhere in the body, where
    /// an echoed input could match it), linked from the error summary.
    #[track_caller]
    pub fn assert_field_error(&self, field: &str, message: &str) {
        let errors = self.body.matches(r#"class="govuk-error-message""#).count();
        assert_eq!(
            errors, 1,
            "expected one field error, found {errors}:\n{}",
            self.body
        );
        let start = format!(r#"id="{field}-error""#);
        let at = self
            .body
            .find(&start)
            .unwrap_or_else(|| panic!("no error element for {field}:\n{}", self.body));
        let element = &self.body[at..];
        let inner = &element[element.find('>').expect("tag end") + 1..];
        let inner = &inner[..inner.find("</p>").expect("element end")];
        let text = html_text(inner);
        assert_eq!(
            text.strip_prefix("Error: ").unwrap_or(&text),
            message,
            "the error shown for {field}"
        );
        self.assert_contains(&format!(r##"href="#{field}""##));
    }

    /// The path segment after the first link starting `href="{prefix}`, e.g.
    /// the id in the first `/suppliers/{id}` link.
    #[track_caller]
    pub fn first_link_after(&self, prefix: &str) -> String {
        self.body
            .split(&format!("href=\"{prefix}"))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no link to {prefix} in:\n{}", self.body))
            .to_owned()
    }

    /// How many times `needle` occurs in the body.
    pub fn count(&self, needle: &str) -> usize {
        self.body.matches(needle).count()
    }
}

/// The page routes, generated once per test process: generating them
/// suppresses resource loading process-wide for a moment, which would stall a
/// page another test is rendering (see `server::build_router_with_routes`).
/// Every test waits here for the one generation before it has a router.
pub(crate) fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| leptos_axum::generate_route_list(app::App))
        .clone()
}

pub fn test_leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("procurement-commons")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .build()
}

impl TestApp {
    /// Gives `user_id` a role as the system would (the CLI's grant-role).
    pub async fn grant(
        &self,
        user_id: uuid::Uuid,
        role: app::types::Role,
        scope: Option<uuid::Uuid>,
    ) {
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await.expect("begin");
        app::server::services::accounts::grant(&txn, None, user_id, role, scope)
            .await
            .expect("grant role");
        txn.commit().await.expect("commit");
    }

    /// The search outbox applier of this app's index (tests apply the
    /// outbox when they choose, or run it as `serve` does).
    pub fn search_applier(&self) -> app::server::search::applier::Applier {
        app::server::search::applier::Applier::new(
            self.db.clone(),
            self.state.snapshots.clone(),
            self.state.search.clone(),
        )
    }

    /// Applies every pending outbox row to the index, as the applier's next pass would.
    pub async fn apply_search_outbox(&self) -> app::server::search::applier::Applied {
        self.search_applier()
            .apply_pending()
            .await
            .expect("apply the search outbox")
    }

    /// The database's URL, for running the CLI against what the app serves.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// As on first run with `LOAD_DEMO_DATA=true`: reference data plus the demo catalogue.
    pub async fn with_demo_catalogue() -> Self {
        let app = Self::new().await;
        app::server::services::seed::demo_catalogue::load_if_empty(&app.db)
            .await
            .expect("load demo catalogue");
        app
    }

    /// Migrated and seeded with the bundled reference data, as on first run.
    pub async fn new() -> Self {
        Self::with_settings(&[]).await
    }

    /// As [`TestApp::new`], with these environment settings (e.g. `TRUSTED_PROXIES`).
    pub async fn with_settings(settings: &[(&str, &str)]) -> Self {
        // Logs (e.g. the database error behind a 500) with RUST_LOG=error.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let database = TestDatabase::create().await;
        let search_dir = tempfile::tempdir().expect("search dir");
        let search_path = search_dir.path().display().to_string();
        db::migrate(&database.conn).await.expect("migrate");
        reference_data::load_bundled(&database.conn)
            .await
            .expect("seed reference data");
        let config = Config::from_lookup(|key| {
            if key == "DATABASE_URL" {
                return Some(database.url.clone());
            }
            if key == "SEARCH_DIR" {
                return Some(search_path.clone());
            }
            settings
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
                .or_else(|| (key == "SECRET_KEY").then(|| TEST_SECRET_KEY.to_owned()))
        })
        .expect("config");
        let state = AppState::new(database.conn.clone(), config).expect("state");
        let router =
            server::build_router_with_routes(state.clone(), test_leptos_options(), page_routes());
        Self {
            router,
            state,
            db: database.conn.clone(),
            _database: database,
            _search_dir: std::sync::Arc::new(search_dir),
        }
    }

    /// Serves the router on a real TCP port of 127.0.0.1 with connection
    /// info, as `server serve` does; returns the address to connect to.
    pub async fn serve_tcp(&self) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let router = self.router.clone();
        tokio::spawn(async move {
            server::serve(listener, router, std::future::pending())
                .await
                .expect("serve");
        });
        address
    }

    /// An anonymous form POST over TCP (HTTP/1.1, one request per
    /// connection) with extra headers; returns the status and body.
    pub async fn tcp_post_form(
        address: std::net::SocketAddr,
        path: &str,
        headers: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf_token", &anonymous_token());
        for (name, value) in fields {
            body.append_pair(name, value);
        }
        let body = body.finish();
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nCookie: pc_csrf={ANONYMOUS_CSRF}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connect");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut response = Vec::new();
        tokio::time::timeout(REQUEST_TIMEOUT, stream.read_to_end(&mut response))
            .await
            .expect("answer in time")
            .expect("read");
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status line");
        (status, response)
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        send_to(&self.router, request).await
    }

    /// Another server on the same database, with caches of its own, as a
    /// second node of a deployment would be.
    pub fn another_node(&self) -> Router {
        let state = AppState {
            snapshots: std::sync::Arc::new(
                app::server::services::snapshot::SnapshotCache::default(),
            ),
            ..self.state.clone()
        };
        server::build_router_with_routes(state, test_leptos_options(), page_routes())
    }
}

/// Sends `request` to `router` in-process and reads the whole answer.
pub async fn send_to(router: &Router, request: Request<Body>) -> TestResponse {
    let path = request.uri().to_string();
    // A request that never finishes must fail the test, not hang the suite.
    let response = tokio::time::timeout(REQUEST_TIMEOUT, router.clone().oneshot(request))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{path} did not answer within {REQUEST_TIMEOUT:?} on {}",
                backend_name()
            )
        })
        .expect("router answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[test]
fn postgres_urls_get_the_test_database_name() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        replace_database("postgres://u@h/db?sslmode=disable", "t1"),
        "postgres://u@h/t1?sslmode=disable"
    );
}

/// A signed-in person for tests: an account with one role (or none), a live
/// session, and that session's anti-forgery token.
#[derive(Clone, Debug)]
pub struct Actor {
    pub label: &'static str,
    pub user_id: uuid::Uuid,
    pub email: String,
    session_token: String,
    pub csrf_token: String,
}

/// Every test actor's password (hashed once per test process).
pub const ACTOR_PASSWORD: &str = "harness actor password";
static ACTOR_PASSWORD_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    app::server::auth::password::hash(ACTOR_PASSWORD).expect("hash the actors' password")
});

impl TestApp {
    /// The token in the newest email to `to` whose link starts `path?token=`.
    pub async fn emailed_token(&self, to: &str, path: &str) -> String {
        use app::server::entities::email_outbox;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let message = email_outbox::Entity::find()
            .filter(email_outbox::Column::ToAddress.eq(to.to_lowercase()))
            .order_by_desc(email_outbox::Column::CreatedAt)
            .all(&self.db)
            .await
            .expect("outbox query")
            .into_iter()
            .find(|m| m.body.contains(&format!("{path}?token=")))
            .unwrap_or_else(|| panic!("no email to {to} with a {path} link"));
        token_in(&message.body, path)
    }

    /// An invitation for `invitee` to edit `supplier`, as an editor's email
    /// would carry it (made directly: the colleague form only invites
    /// addresses with no account).
    pub async fn invitation(&self, invitee: &Actor, supplier: uuid::Uuid) -> String {
        use app::server::email::tokens::{self, NewToken, TokenPurpose};
        tokens::issue(
            &self.db,
            NewToken {
                purpose: TokenPurpose::ColleagueInvite,
                user_id: None,
                email: invitee.email.clone(),
                supplier_id: Some(supplier),
                invited_by: None,
            },
        )
        .await
        .expect("issue an invitation")
    }

    /// Follows the confirmation link emailed to `to` (its page's button).
    pub async fn confirm_email(&self, to: &str) {
        let token = self.emailed_token(to, "/confirm-email").await;
        let response = self
            .post_form("/confirm-email", None, &[("token", &token)])
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
    }
}

/// The token after `path?token=` in a message's text.
pub fn token_in(text: &str, path: &str) -> String {
    let marker = format!("{path}?token=");
    let at = text
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker} in {text}"))
        + marker.len();
    text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// The nonce in an anonymous visitor's anti-forgery cookie.
const ANONYMOUS_CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// The server's `SECRET_KEY` in tests (unless a test sets its own).
pub const TEST_SECRET_KEY: &str = "integration tests' secret key, not for production";

/// The form token that goes with the [`ANONYMOUS_CSRF`] cookie.
/// The Cookie header and anti-forgery token a form post by `actor` (or by
/// an anonymous browser) carries.
fn credentials(actor: Option<&Actor>) -> (String, String) {
    match actor {
        Some(actor) => (
            format!("pc_session={}", actor.session_token),
            actor.csrf_token.clone(),
        ),
        None => (format!("pc_csrf={ANONYMOUS_CSRF}"), anonymous_token()),
    }
}

pub fn anonymous_token() -> String {
    app::server::auth::session::anonymous_csrf_token(TEST_SECRET_KEY.as_bytes(), ANONYMOUS_CSRF)
}

impl Actor {
    pub fn session(&self) -> &str {
        &self.session_token
    }
}

impl TestApp {
    /// An account holding `role` for `scope` (or no role), signed in; its
    /// password is [`ACTOR_PASSWORD`].
    pub async fn actor(
        &self,
        label: &'static str,
        role: Option<(app::types::Role, Option<uuid::Uuid>)>,
    ) -> Actor {
        use app::server::entities::app_user;
        use sea_orm::{ActiveModelTrait, Set};
        let now = time::OffsetDateTime::now_utc();
        let user_id = uuid::Uuid::new_v4();
        let email = format!(
            "{label}-{}@example.gov.uk",
            &user_id.simple().to_string()[..8]
        );
        app_user::ActiveModel {
            id: Set(user_id),
            email: Set(email.clone()),
            display_name: Set(format!("Test {label}")),
            password_hash: Set(ACTOR_PASSWORD_HASH.clone()),
            is_disabled: Set(false),
            last_sign_in_at: Set(None),
            email_verified_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await
        .expect("insert test user");
        if let Some((role, scope)) = role {
            self.grant(user_id, role, scope).await;
        }
        let (session_token, csrf_token) = self.start_session(user_id).await;
        Actor {
            label,
            user_id,
            email,
            session_token,
            csrf_token,
        }
    }

    /// The same person signed in once more, in another browser.
    pub async fn another_session(&self, actor: &Actor) -> Actor {
        let (session_token, csrf_token) = self.start_session(actor.user_id).await;
        Actor {
            session_token,
            csrf_token,
            ..actor.clone()
        }
    }

    /// A signed-in session for an account made some other way (signed up
    /// through the forms), as `label`.
    pub async fn session_for(&self, user_id: uuid::Uuid, label: &'static str) -> Actor {
        use app::server::entities::app_user;
        use sea_orm::EntityTrait;
        let email = app_user::Entity::find_by_id(user_id)
            .one(&self.db)
            .await
            .expect("query")
            .expect("account")
            .email;
        let (session_token, csrf_token) = self.start_session(user_id).await;
        Actor {
            label,
            user_id,
            email,
            session_token,
            csrf_token,
        }
    }

    async fn start_session(&self, user_id: uuid::Uuid) -> (String, String) {
        use app::server::entities::user_session;
        use sea_orm::EntityTrait;
        let session_token = app::server::auth::session::start(&self.db, user_id)
            .await
            .expect("start session");
        let csrf_token =
            user_session::Entity::find_by_id(app::server::auth::session::token_id(&session_token))
                .one(&self.db)
                .await
                .expect("read session")
                .expect("session exists")
                .csrf_token;
        (session_token, csrf_token)
    }

    /// GET as `actor` (or anonymously), accepting HTML like a browser.
    pub async fn get_as(&self, path: &str, actor: Option<&Actor>) -> TestResponse {
        let mut request = Request::get(path).header("accept", "text/html");
        if let Some(actor) = actor {
            request = request.header("cookie", format!("pc_session={}", actor.session_token));
        }
        self.request(request.body(Body::empty()).expect("request"))
            .await
    }

    /// POSTs a form as `actor` (or anonymously) with a valid anti-forgery token.
    pub async fn post_form(
        &self,
        path: &str,
        actor: Option<&Actor>,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let (cookie, token) = credentials(actor);
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf_token", &token);
        for (name, value) in fields {
            body.append_pair(name, value);
        }
        self.post_raw(path, &cookie, body.finish()).await
    }

    /// POSTs a multipart form (as a browser sends a file upload): the
    /// actor's anti-forgery token, `fields`, and one file.
    pub async fn post_file(
        &self,
        path: &str,
        actor: Option<&Actor>,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> TestResponse {
        let (cookie, token) = credentials(actor);
        let boundary = "----pc-test-boundary-7d2f";
        let mut body: Vec<u8> = Vec::new();
        let mut part = |name: &str, extra: &str, value: &[u8]| {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        };
        part("csrf_token", "", token.as_bytes());
        for (name, value) in fields {
            part(name, "", value.as_bytes());
        }
        let (field, file_name, bytes) = file;
        part(
            field,
            &format!("; filename=\"{file_name}\"\r\nContent-Type: text/csv"),
            bytes,
        );
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::post(path)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("accept", "text/html")
            .header("cookie", cookie);
        self.request(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// POSTs an already encoded form body with the given Cookie header.
    pub async fn post_raw(&self, path: &str, cookie: &str, body: String) -> TestResponse {
        self.post_raw_with(path, cookie, body, &[]).await
    }

    /// As [`TestApp::post_raw`], with extra request headers.
    pub async fn post_raw_with(
        &self,
        path: &str,
        cookie: &str,
        body: String,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html");
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.request(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// The full contents of every table in the schema (read from the
    /// database itself, so a new table is included without a list to keep):
    /// equal snapshots mean nothing at all was written.
    pub async fn snapshot(&self) -> Snapshot {
        snapshot_of(&self.db).await
    }
}

/// [`TestApp::snapshot`] of any database (a restored backup, say).
pub async fn snapshot_of(db: &DatabaseConnection) -> Snapshot {
    {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        let backend = db.get_database_backend();
        let query = |sql: String| Statement::from_string(backend, sql);
        let tables_sql = match backend {
            DbBackend::Sqlite => "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name".to_owned(),
            _ => "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name".to_owned(),
        };
        let tables: Vec<String> = db
            .query_all_raw(query(tables_sql))
            .await
            .expect("list tables")
            .into_iter()
            .map(|row| row.try_get::<String>("", "t").expect("table name"))
            .collect();
        let mut contents = std::collections::BTreeMap::new();
        for table in tables {
            // Every row as text, in a fixed order, joined.
            let sql = match backend {
                DbBackend::Sqlite => {
                    let columns: Vec<String> = db
                        .query_all_raw(query(format!(
                            "SELECT name AS c FROM pragma_table_info('{table}')"
                        )))
                        .await
                        .expect("list columns")
                        .into_iter()
                        .map(|row| row.try_get::<String>("", "c").expect("column name"))
                        .collect();
                    let row_text = columns
                        .iter()
                        .map(|c| format!("quote(\"{c}\")"))
                        .collect::<Vec<_>>()
                        .join(" || ',' || ");
                    format!(
                        "SELECT COALESCE(group_concat(r, '|'), '') AS rows FROM (SELECT {row_text} AS r FROM \"{table}\" ORDER BY r)"
                    )
                }
                _ => format!(
                    "SELECT COALESCE(string_agg(t::text, '|' ORDER BY t::text), '') AS rows FROM \"{table}\" t"
                ),
            };
            let rows: String = db
                .query_one_raw(query(sql))
                .await
                .expect("snapshot query")
                .expect("one row")
                .try_get("", "rows")
                .expect("rows");
            contents.insert(table, rows);
        }
        Snapshot(contents)
    }
}

/// Every table's full contents at one moment (see [`TestApp::snapshot`]).
#[derive(PartialEq, Eq)]
pub struct Snapshot(std::collections::BTreeMap<String, String>);

impl std::fmt::Debug for Snapshot {
    /// A line per table (its size and a digest), so a failed comparison
    /// shows which tables changed without printing every row.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::hash::{Hash, Hasher};
        for (table, rows) in &self.0 {
            let mut digest = std::collections::hash_map::DefaultHasher::new();
            rows.hash(&mut digest);
            writeln!(
                f,
                "{table}: {} bytes, digest {:016x}",
                rows.len(),
                digest.finish()
            )?;
        }
        Ok(())
    }
}
