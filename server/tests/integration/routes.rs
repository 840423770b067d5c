//! Every way into the server that could change data: only the form-endpoint
//! table takes POSTs, and every server function is a read over GET.
use axum::{Router, body::Body, http::Request, routing::post};
use tower::ServiceExt;

use crate::fixture::World;
use crate::harness::{TestApp, page_routes};

/// A concrete path for a route pattern, with every parameter filled in.
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') || segment.starts_with(':') || segment.starts_with('*') {
                "00000000-0000-0000-0000-000000000001"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn is_listed(path: &str) -> bool {
    let mut table = matchit::Router::new();
    for pattern in server::forms::paths() {
        table.insert(pattern, ()).unwrap();
    }
    table.at(path).is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_listed_form_endpoints_take_a_post() {
    let world = World::build().await;
    let server_functions: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert!(server_functions.len() >= 10, "{server_functions:?}");
    let mut paths: Vec<String> = page_routes().iter().map(|r| concrete(r.path())).collect();
    paths.extend(server_functions);
    paths.extend(["/healthz", "/pkg/app.js", "/no-such-page"].map(String::from));
    // Signing out takes no fields, so an empty POST rightly succeeds (and
    // would end the session the rest of the test uses).
    paths.retain(|p| p != "/sign-out" && p != "/account/sign-out-everywhere");
    let before = world.app.snapshot().await;
    let (mut refused, mut passed) = (0, 0);
    for path in &paths {
        // Signed in as an admin with a valid anti-forgery token, so nothing
        // but the method can be the reason for a refusal.
        let response = world.app.post_form(path, Some(&world.admin), &[]).await;
        if is_listed(path) {
            passed += 1;
            assert_ne!(response.status, 405, "POST {path} is a form endpoint");
        } else {
            refused += 1;
            assert_eq!(response.status, 405, "POST {path}:\n{}", response.body);
            assert_eq!(response.header("allow"), Some("GET, HEAD"), "{path}");
        }
    }
    assert!(
        refused > 20 && passed > 5,
        "{refused} refused, {passed} passed"
    );
    // Other writing methods are refused on form endpoints too.
    for method in ["PUT", "PATCH", "DELETE"] {
        let response = world
            .app
            .request(
                Request::builder()
                    .method(method)
                    .uri("/frameworks/new")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD, POST"));
    }
    let after = world.app.snapshot().await;
    // Empty forms to listed endpoints fail validation or name no record.
    assert_eq!(
        before, after,
        "a refused or invalid POST changed the database"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_route_left_out_of_the_table_is_refused() {
    // A handler merged into the router without a table row, as a careless
    // change might add one: the guard stops the POST before it runs.
    let router = Router::new()
        .route("/unlisted/change", post(|| async { "changed" }))
        .route("/sign-in", post(|| async { "listed" }))
        .layer(axum::middleware::from_fn(server::forms::only_listed_posts));
    let send = |path: &'static str| {
        let router = router.clone();
        async move {
            router
                .oneshot(Request::post(path).body(Body::empty()).unwrap())
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(send("/unlisted/change").await, 405);
    assert_eq!(send("/sign-in").await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_are_reads_over_get() {
    let app = TestApp::new().await;
    let functions: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(!functions.is_empty());
    for (path, method) in &functions {
        assert_eq!(
            method.as_str(),
            "GET",
            "server function {path} must be GET: changes go through the form table"
        );
    }
    let before = app.snapshot().await;
    for (path, _) in &functions {
        let response = app.get(path).await;
        assert!(response.status < 500, "GET {path}: {}", response.status);
    }
    assert_eq!(before, app.snapshot().await, "a server function wrote");
    // Their errors carry the error's status, not a blanket 500.
    assert_eq!(app.get("/api/admin/users").await.status, 401);
    assert_eq!(
        app.get("/api/frameworks/get?id=00000000-0000-0000-0000-000000000001")
            .await
            .status,
        404
    );
}

/// The policy with its per-response nonce taken out, to compare two.
fn policy_shape(response: &crate::harness::TestResponse) -> String {
    let policy = response
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("no CSP on a {} response", response.status));
    policy
        .split(' ')
        .map(|part| {
            if part.starts_with("'nonce-") {
                "'nonce-…'"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_record_is_a_404_on_every_route_get_and_post_with_the_full_policy() {
    let world = World::build().await;
    let removable = crate::permissions::removable(&world).await;
    let endpoints = crate::permissions::endpoints(&world, &removable);
    let normal = policy_shape(&world.app.get("/frameworks").await);
    assert!(normal.contains("script-src 'self' 'nonce-…'"), "{normal}");
    let mut checked = 0;
    // Every page route with a parameter, signed in as an admin (so the
    // answer is about the record, not the visitor).
    for route in page_routes() {
        let pattern = route.path();
        if !pattern.contains(':') && !pattern.contains('{') {
            continue;
        }
        let path = concrete(pattern);
        let page = world.app.get_as(&path, Some(&world.admin)).await;
        assert_eq!(page.status, 404, "GET {path}:\n{}", page.body);
        page.assert_contains("Page not found");
        assert_eq!(policy_shape(&page), normal, "the policy on 404 {path}");
        checked += 1;
    }
    // Every form endpoint with a parameter, with a form that would be valid
    // for a real record.
    let admin_column = crate::permissions::EVERYONE.len() - 1;
    for (row, endpoint) in endpoints.iter().enumerate() {
        if !endpoint.pattern.contains('{') {
            continue;
        }
        let fields = (endpoint.form)(
            row * crate::permissions::EVERYONE.len() + admin_column,
            &world,
        );
        let path = concrete(endpoint.pattern);
        let before = world.app.snapshot().await;
        let response = world
            .app
            .post_form(&path, Some(&world.admin), &crate::fixture::pairs(&fields))
            .await;
        assert_eq!(response.status, 404, "POST {path}:\n{}", response.body);
        assert_eq!(
            policy_shape(&response),
            normal,
            "the policy on 404 POST {path}"
        );
        assert_eq!(world.app.snapshot().await, before, "POST {path} wrote");
        checked += 1;
    }
    println!("{checked} routes answered 404 for a missing record");
    assert!(checked >= 40, "{checked} routes checked");
    // Refusals and failed validation carry the same policy.
    let forbidden = world.app.get_as("/admin/users", Some(&world.buyer)).await;
    assert_eq!(forbidden.status, 403);
    assert_eq!(policy_shape(&forbidden), normal);
    let invalid = world
        .app
        .post_form("/frameworks/new", Some(&world.admin), &[])
        .await;
    assert_eq!(invalid.status, 422);
    assert_eq!(policy_shape(&invalid), normal);
}
