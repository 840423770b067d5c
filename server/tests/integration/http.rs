//! Serving concerns: health, headers, compression, caching and the JSON API
//! behind the server functions.
use axum::{body::Body, http::Request};

use crate::harness::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_check_answers_when_the_database_does() {
    let app = TestApp::new().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body, "ok");
    app.db.clone().close().await.unwrap();
    assert_eq!(app.get("/healthz").await.status, 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_security_headers_and_a_nonce_based_policy() {
    let app = TestApp::new().await;
    let page = app.get("/footprints").await;
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        page.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    let policy = page.header("content-security-policy").expect("CSP header");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("nonce in policy");
    // Every inline script carries this response's nonce.
    let scripts = page.count("<script");
    assert!(scripts > 0);
    assert_eq!(
        page.count(&format!("nonce=\"{nonce}\"")),
        scripts,
        "{}",
        page.body
    );
    // A second response gets a different nonce.
    let again = app.get("/footprints").await;
    assert_ne!(again.header("content-security-policy"), Some(policy));
    // Non-page responses allow nothing to run.
    let health = app.get("/healthz").await;
    assert!(
        health
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::new().await;
    for encoding in ["br", "gzip"] {
        let request = Request::get("/councils")
            .header("accept-encoding", encoding)
            .body(Body::empty())
            .unwrap();
        let response = app.request(request).await;
        assert_eq!(response.header("content-encoding"), Some(encoding));
    }
    let plain = app.get("/councils").await;
    assert_eq!(plain.header("content-encoding"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_answer_json_over_get() {
    let app = TestApp::new().await;
    let response = app.get("/api/councils/list?region=London").await;
    assert_eq!(response.status, 200, "{}", response.body);
    let json: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(json["page"]["total_items"], 33);
    assert_eq!(json["page"]["items"].as_array().unwrap().len(), 33);

    let footprints = app.get("/api/footprints/list").await;
    let json: serde_json::Value = serde_json::from_str(&footprints.body).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 16);

    let missing = app.get("/api/footprints/get?code=nowhere").await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    missing.assert_contains("NotFound");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_error_shows_a_reference_and_no_detail() {
    let app = TestApp::new().await;
    app.db.clone().close().await.unwrap();
    let page = app.get("/frameworks").await;
    assert_eq!(page.status, 500);
    page.assert_contains("Sorry, there is a problem with the service");
    let reference = page
        .body
        .split("app-error-reference\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("a reference on the page");
    assert_eq!(reference.len(), 8, "{reference}");
    assert!(
        reference
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    assert!(
        !page.body.to_lowercase().contains("pool"),
        "no internals shown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_time_out_and_requests_beyond_the_limit_wait() {
    use std::time::{Duration, Instant};
    use tower::ServiceExt;
    let slow = axum::Router::new().route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            "done"
        }),
    );
    // The same wrapper the server uses, with a short timeout and one place.
    let limited = server::router::with_limits(slow.clone(), Duration::from_millis(100), 10);
    let request = || Request::get("/slow").body(Body::empty()).unwrap();
    let response = limited.oneshot(request()).await.unwrap();
    assert_eq!(response.status(), 503);
    let one_at_a_time = server::router::with_limits(slow, Duration::from_secs(5), 1);
    let started = Instant::now();
    let (a, b) = tokio::join!(
        one_at_a_time.clone().oneshot(request()),
        one_at_a_time.clone().oneshot(request())
    );
    assert_eq!(
        (a.unwrap().status().as_u16(), b.unwrap().status().as_u16()),
        (200, 200)
    );
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the second waited for the first: {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_html_response_carries_the_page_policy_with_its_own_scripts_nonce() {
    // Once the policy was set from inside the render and a page now and then
    // arrived with the block-everything fallback: pages came unstyled.
    let world = crate::fixture::World::build().await;
    let pages = [
        "/",
        "/sign-in",
        "/sign-up",
        "/frameworks",
        "/frameworks/new",
        "/account",
        "/no-such-page",
    ];
    let mut checked = 0;
    for round in 0..20 {
        let who = if round % 2 == 0 {
            None
        } else {
            Some(&world.coordinator)
        };
        for path in pages {
            let page = world.app.get_as(path, who).await;
            let policy = page
                .header("content-security-policy")
                .unwrap_or_else(|| panic!("{path}: no policy"));
            assert!(policy.starts_with("default-src 'self'"), "{path}: {policy}");
            let nonce = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .expect("a nonce");
            assert_eq!(
                page.count("<script"),
                page.count(&format!("nonce=\"{nonce}\"")),
                "{path}: every script carries the policy's nonce"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 140);
}
