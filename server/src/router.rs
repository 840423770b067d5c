//! Builds the axum router: Leptos pages and server functions, static assets,
//! `/healthz`, and the middleware every response passes through.
use std::sync::Arc;
use std::time::Duration;

use app::server::AppState;
use app::server::auth::session::TokenUse;
use app::server::services::snapshot::SnapshotCache;
use app::{App, shell};
use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::{
    CompressionLevel,
    compression::CompressionLayer,
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::page_cache::{PageCache, StoredPage, page_key};

/// The router's state: Leptos needs its options, our handlers the app state.
#[derive(Clone, axum::extract::FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

/// The workspace manifest, whose `[[workspace.metadata.leptos]]` section is
/// the one statement of the site's options (output name, site and package
/// directories, hashed file names, address). cargo-leptos builds from it;
/// the server reads the same text, compiled in, so a binary started on its
/// own (as a deployment starts it) links the same hashed asset names.
const WORKSPACE_MANIFEST: &str = include_str!("../../Cargo.toml");

/// Leptos options: the workspace's `[[workspace.metadata.leptos]]`, with any
/// `LEPTOS_*` variable layered on top (cargo-leptos sets them; a deployment
/// sets `LEPTOS_SITE_ROOT` and `LEPTOS_SITE_ADDR`). With hashed file names
/// the hashes are read from `hash.txt` beside the server binary, where the
/// build writes it.
pub fn leptos_options_from_env() -> anyhow::Result<LeptosOptions> {
    Ok(leptos::config::get_config_from_str(WORKSPACE_MANIFEST)?)
}

/// Longest a request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Most requests handled at once; more wait for a place (backpressure
/// instead of unbounded memory and CPU under a flood).
pub const MAX_IN_FLIGHT: usize = 512;

/// Wraps `router` so that a request taking longer than `timeout` is answered
/// 503, and at most `max_in_flight` requests run at once.
pub fn with_limits(router: Router, timeout: Duration, max_in_flight: usize) -> Router {
    // The timeout is outermost, so time spent waiting for a place counts.
    router
        .layer(GlobalConcurrencyLimitLayer::new(max_in_flight))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
}

/// Long-lived caching for content-hashed assets: a new build gets new names.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub fn build_router(app_state: AppState, leptos_options: LeptosOptions) -> Router {
    build_router_with_routes(app_state, leptos_options, generate_route_list(App))
}

/// As [`build_router`], with the page routes already generated.
///
/// Generating them renders the app once with every resource's loading
/// suppressed through a process-wide flag (leptos_server's
/// `SuppressResourceLoad`), so a page rendered by another router in the same
/// process at that moment would wait forever. A server builds one router and
/// never meets this; the test harness builds many, concurrently, so it
/// generates the routes once and passes them here.
pub fn build_router_with_routes(
    app_state: AppState,
    leptos_options: LeptosOptions,
    routes: Vec<leptos_axum::AxumRouteListing>,
) -> Router {
    let state = ServerState {
        leptos_options: leptos_options.clone(),
        app: app_state.clone(),
    };

    let context = {
        let app_state = app_state.clone();
        move || {
            provide_context(app_state.clone());
            provide_page_nonce();
        }
    };

    let site_root = leptos_options.site_root.to_string();
    let pkg_dir = format!("{site_root}/{}", leptos_options.site_pkg_dir);
    // Only hashed file names may be cached forever; unhashed dev builds revalidate.
    let pkg_cache = if leptos_options.hash_files {
        IMMUTABLE
    } else {
        "no-cache"
    };
    let pkg = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(pkg_cache),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );

    let shell_options = leptos_options.clone();
    // Pages, server functions and forms need to know who is asking; static
    // assets and the health check do not, and skip the session lookup.
    let identified = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(shell_options.clone())
        })
        .merge(crate::forms::routes())
        .route("/shortlists/{id}/csv", get(shortlist_csv))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            app_state.clone(),
            crate::visitor::identify,
        ))
        .layer(axum::middleware::from_fn_with_state(
            PagePolicy {
                cache: Arc::new(PageCache::new(app_state.config.page_cache_bytes)),
                app: app_state.clone(),
            },
            page_policy,
        ));
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/feeds/footprints/{code}", get(footprint_feed))
        .route("/feeds/categories/{division}", get(category_feed))
        .nest_service(&format!("/{}", leptos_options.site_pkg_dir), pkg)
        .merge(identified)
        .with_state(state)
        .layer(axum::middleware::from_fn(crate::forms::only_listed_posts))
        .layer(axum::middleware::from_fn_with_state(
            app_state.clone(),
            crate::visitor::strict_transport,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                        .on_response(
                            DefaultOnResponse::new()
                                .level(Level::INFO)
                                .latency_unit(tower_http::LatencyUnit::Millis),
                        ),
                )
                // Pages are compressed as they are sent. The codecs' default
                // (brotli's best, quality 11) cost milliseconds of CPU per
                // page, and even quality 4 was a fifth of a list page's CPU;
                // quality 1 still shrinks a page about sixfold. Assets are
                // precompressed at their best by the release build.
                .layer(CompressionLayer::new().quality(CompressionLevel::Precise(1)))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                // Pages set their own policy with a nonce; everything else
                // (assets, JSON, health) gets a policy that allows nothing to run.
                .map_response(default_policy)
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                )),
        );
    with_limits(router, REQUEST_TIMEOUT, MAX_IN_FLIGHT)
}

/// A shortlist as a CSV download, for the buyers of its council. Anyone
/// else is sent to sign in, or refused (403), or told there is no such
/// shortlist (404).
/// A footprint's demand as an Atom feed (`services::feeds`).
async fn footprint_feed(
    State(state): State<ServerState>,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Response {
    atom_feed(
        &state,
        app::server::services::feeds::Followed::Footprint(code),
    )
    .await
}

/// A CPV division's demand as an Atom feed.
async fn category_feed(
    State(state): State<ServerState>,
    axum::extract::Path(division): axum::extract::Path<String>,
) -> Response {
    atom_feed(
        &state,
        app::server::services::feeds::Followed::Category(division),
    )
    .await
}

async fn atom_feed(
    state: &ServerState,
    followed: app::server::services::feeds::Followed,
) -> Response {
    let app = &state.app;
    match app::server::services::feeds::feed(
        &app.db,
        &app.snapshots,
        &followed,
        &app.config.public_url,
    )
    .await
    {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
                // Readers poll: five minutes of staleness is fine.
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            xml,
        )
            .into_response(),
        Err(app::types::AppError::NotFound(what)) => {
            (StatusCode::NOT_FOUND, format!("{what} was not found")).into_response()
        }
        Err(error) => {
            tracing::error!(%error, "feed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service",
            )
                .into_response()
        }
    }
}

async fn shortlist_csv(
    State(state): State<ServerState>,
    axum::extract::Path(id): axum::extract::Path<uuid::Uuid>,
    request: Request,
) -> Response {
    let viewer = request
        .extensions()
        .get::<app::types::Visitor>()
        .and_then(|v| v.viewer.clone());
    let found = app::server::services::shortlists::csv(
        &state.app.db,
        viewer.as_ref(),
        id,
        &state.app.config.public_url,
    )
    .await;
    match found {
        Ok((file_name, text)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file_name}\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            text,
        )
            .into_response(),
        Err(app::types::AppError::Unauthenticated) => (
            StatusCode::SEE_OTHER,
            [(
                header::LOCATION,
                crate::forms::sign_in_path(request.uri().path()),
            )],
        )
            .into_response(),
        Err(error @ app::types::AppError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, error.to_string()).into_response()
        }
        Err(error @ app::types::AppError::Forbidden) => {
            (StatusCode::FORBIDDEN, error.to_string()).into_response()
        }
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

/// The policy of every response that is not a page: nothing may run. A 304
/// gets none, because a browser would store it over the policy of the page
/// or file it already holds (a page's names its scripts' nonce).
fn default_policy(mut response: Response) -> Response {
    if response.status() != StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
            ));
    }
    response
}

/// The nonce a page's inline scripts carry, chosen for the request before
/// anything renders.
#[derive(Clone)]
pub struct PageNonce(pub String);

/// What the page policy layer needs: the database (for its version) and the
/// shared page cache.
#[derive(Clone)]
struct PagePolicy {
    app: AppState,
    cache: Arc<PageCache>,
}

/// Gives every HTML response its Content-Security-Policy, with the nonce the
/// page was rendered with, and a shareable page its `ETag`; serves and keeps
/// anonymous visitors' pages through the [`PageCache`].
///
/// Setting the policy here, once the response exists, rather than from
/// inside the render makes it certain: a header set during rendering was
/// sometimes missing from a finished page, which then fell back to the
/// policy that blocks everything (its styles and scripts).
async fn page_policy(
    State(policy): State<PagePolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let token_use = TokenUse::default();
    request.extensions_mut().insert(token_use.clone());
    let revalidatable = matches!(request.method(), &Method::GET | &Method::HEAD);
    let if_none_match = revalidatable
        .then(|| request.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();

    // Someone without a session asking for a page may be sent the copy every
    // other such visitor is sent, while the database has not changed.
    let mut slot = None;
    if request.method() == Method::GET && policy.cache.enabled() && !has_session(&request) {
        let mut key = page_key(
            time::OffsetDateTime::now_utc().date(),
            request.uri().path_and_query().map_or("/", |p| p.as_str()),
        );
        // Search results follow the index, which trails the database by up
        // to a second: a search page is good while both are unchanged.
        if is_search(request.uri().path()) {
            key = format!("{key} {}", policy.app.search.version());
        }
        match SnapshotCache::version(&policy.app.db).await {
            Ok(version) => {
                if let Some(page) = policy.cache.get(version, &key) {
                    return page_response(
                        page.with_nonce(&nonce),
                        page.content_type.clone(),
                        page.etag.clone(),
                        &nonce,
                        if_none_match,
                    );
                }
                slot = Some((version, key));
            }
            Err(err) => tracing::warn!(error = %err, "page cache: no database version"),
        }
    }

    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        return response;
    }
    if !(revalidatable && response.status() == StatusCode::OK && !is_personal(&response)) {
        return with_policy(response, &nonce);
    }
    let (parts, body) = response.into_parts();
    // Pages are rendered completely before they are sent (SsrMode::Async),
    // so holding the body costs no streaming.
    let page = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "could not read a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let etag = HeaderValue::from_str(&entity_tag(&page, nonce.as_bytes()))
        .expect("an entity tag is a valid header value");
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    // A page holding the visitor's form token is theirs alone.
    if let (Some((version, key)), Some(content_type)) = (slot, content_type)
        && !token_use.claimed()
    {
        policy.cache.put(
            version,
            key,
            StoredPage::new(&page, &nonce, content_type, etag.clone()),
        );
    }
    let mut response = Response::from_parts(parts, Body::from(page));
    response.headers_mut().insert(header::ETAG, etag.clone());
    if etag_matches(if_none_match.as_ref(), &etag) {
        return not_modified(&response, etag);
    }
    with_policy(response, &nonce)
}

/// Pages (and their server function) whose content comes from the index.
fn is_search(path: &str) -> bool {
    path == "/search" || path.starts_with("/api/search")
}

/// Whether the request carries a session cookie (under either name).
fn has_session(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(app::server::auth::session::SESSION_COOKIE))
}

/// A page from the cache, as a rendered one would be sent.
fn page_response(
    page: Bytes,
    content_type: HeaderValue,
    etag: HeaderValue,
    nonce: &str,
    if_none_match: Option<HeaderValue>,
) -> Response {
    let mut response = Response::new(Body::from(page));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    response.headers_mut().insert(header::ETAG, etag.clone());
    if etag_matches(if_none_match.as_ref(), &etag) {
        return not_modified(&response, etag);
    }
    with_policy(response, nonce)
}

/// The page's Content-Security-Policy, naming the nonce its scripts carry.
fn with_policy(mut response: Response, nonce: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(&app::server::security::content_security_policy(nonce))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Whether a response must not be kept by any cache (a signed-in person's
/// page, or one setting a cookie): those get no `ETag`.
fn is_personal(response: &Response) -> bool {
    response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store") || v.contains("private"))
        || response.headers().contains_key(header::SET_COOKIE)
}

/// Whether `If-None-Match` names the page's weak `ETag` (weak comparison).
fn etag_matches(if_none_match: Option<&HeaderValue>, etag: &HeaderValue) -> bool {
    let tag = etag.to_str().unwrap_or_default().trim_start_matches("W/");
    if_none_match
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|candidate| {
                let candidate = candidate.trim();
                candidate == "*" || candidate.trim_start_matches("W/") == tag
            })
        })
}

/// `304 Not Modified` for a page the browser holds. It carries no
/// Content-Security-Policy: a browser keeps the stored page's headers, and
/// the stored policy names the nonce the stored page's scripts carry, which
/// a new policy would not.
fn not_modified(page: &Response, etag: HeaderValue) -> Response {
    let mut answer = StatusCode::NOT_MODIFIED.into_response();
    let headers = answer.headers_mut();
    headers.insert(header::ETAG, etag);
    for name in [header::CACHE_CONTROL, header::VARY] {
        if let Some(value) = page.headers().get(&name) {
            headers.insert(name, value.clone());
        }
    }
    answer
}

/// `W/"<128-bit xxh3 of the page with its nonce left out>"`.
pub fn entity_tag(page: &[u8], nonce: &[u8]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut from = 0;
    if !nonce.is_empty() {
        for at in memchr::memmem::find_iter(page, nonce) {
            hasher.update(&page[from..at]);
            from = at + nonce.len();
        }
    }
    hasher.update(&page[from..]);
    format!("W/\"{:032x}\"", hasher.digest128())
}

/// Provides this request's [`PageNonce`] to the render (the hydration
/// scripts carry it), or a fresh one where there is none.
pub fn provide_page_nonce() {
    let chosen = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    match chosen {
        Some(PageNonce(nonce)) => provide_context(leptos::nonce::Nonce::from_value(nonce)),
        None => leptos::nonce::provide_nonce(),
    }
}

/// 200 when the database answers a query within two seconds, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let ping = tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await;
    match ping {
        Ok(Ok(())) => (StatusCode::OK, "ok"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: database unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database timed out"),
    }
}

#[cfg(test)]
mod tests {
    use super::entity_tag;

    #[test]
    fn a_page_tag_ignores_its_nonce_and_follows_its_content() {
        let page = |nonce: &str, title: &str| {
            format!(r#"<script nonce="{nonce}">x</script><h1>{title}</h1><p nonce="{nonce}"></p>"#)
        };
        let tag = entity_tag(page("abc123", "Frameworks").as_bytes(), b"abc123");
        assert_eq!(
            tag,
            entity_tag(page("zz9xy8", "Frameworks").as_bytes(), b"zz9xy8")
        );
        assert_ne!(
            tag,
            entity_tag(page("abc123", "Councils").as_bytes(), b"abc123")
        );
        assert!(
            tag.starts_with("W/\"") && tag.ends_with('"') && tag.len() == 36,
            "{tag}"
        );
    }
}
