//! Fast, light pages: conditional requests (`ETag` → 304), no cookie on pages
//! that need none, islands as the only thing that ships wasm, and the
//! snapshot of reference data and filter choices following every change —
//! on this node and on another serving the same database.
use axum::body::Body;
use http::Request;

use crate::fixture::{World, created_id, framework_form};
use crate::harness::{TestApp, TestResponse, send_to};

async fn send(router: &axum::Router, path: &str) -> TestResponse {
    send_to(
        router,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.request(request.body(Body::empty()).expect("request"))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_page_carries_an_etag_and_answers_304_to_it() {
    let app = TestApp::with_demo_catalogue().await;
    let first = app.get("/frameworks").await;
    assert_eq!(first.status, 200);
    let tag = first.header("etag").expect("an ETag").to_owned();
    assert!(tag.starts_with("W/\""), "{tag}");
    assert_eq!(first.header("cache-control"), Some("no-cache"));

    // Each response has its own script nonce, yet the same content has the same tag.
    let second = app.get("/frameworks").await;
    assert_eq!(second.header("etag"), Some(tag.as_str()));

    let revalidated = get_with(&app, "/frameworks", &[("if-none-match", &tag)]).await;
    assert_eq!(revalidated.status, 304);
    assert_eq!(revalidated.body, "");
    assert_eq!(revalidated.header("etag"), Some(tag.as_str()));
    // The browser keeps the stored page's policy, which names that page's nonce.
    assert_eq!(revalidated.header("content-security-policy"), None);

    let other_tag = get_with(&app, "/frameworks", &[("if-none-match", "W/\"0\"")]).await;
    assert_eq!(other_tag.status, 200);
    // Another page's tag does not match.
    let councils = get_with(&app, "/councils", &[("if-none-match", &tag)]).await;
    assert_eq!(councils.status, 200);
    assert_ne!(councils.header("etag"), Some(tag.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_page_gets_a_new_etag_and_a_full_answer() {
    let world = World::build().await;
    let app = &world.app;
    let before = app.get("/frameworks").await;
    let tag = before.header("etag").expect("an ETag").to_owned();
    created_id(
        &app.post_form(
            "/frameworks/new",
            Some(&world.admin),
            &framework_form("ETAG-NEW-01", ""),
        )
        .await,
        "/frameworks/",
    );
    let after = get_with(app, "/frameworks", &[("if-none-match", &tag)]).await;
    assert_eq!(after.status, 200);
    after.assert_contains("ETAG-NEW-01");
    assert_ne!(after.header("etag"), Some(tag.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_for_someone_signed_in_or_setting_a_cookie_carry_no_etag() {
    let world = World::build().await;
    let app = &world.app;
    let signed_in = app.get_as("/frameworks", Some(&world.buyer)).await;
    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.header("etag"), None);
    assert_eq!(signed_in.header("cache-control"), Some("private, no-store"));

    // A first visit to a form sets the anti-forgery cookie the form needs…
    let sign_in = app.get("/sign-in").await;
    assert!(
        sign_in
            .header("set-cookie")
            .is_some_and(|c| c.starts_with("pc_csrf=")),
        "{:?}",
        sign_in.headers
    );
    assert_eq!(sign_in.header("etag"), None);
    assert_eq!(sign_in.header("cache-control"), Some("private, no-store"));
    // …and a first visit to a page without one sets no cookie at all.
    for path in ["/", "/frameworks", "/councils", "/footprints/E47000001"] {
        let page = app.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(page.header("set-cookie"), None, "{path}");
        assert!(page.header("etag").is_some(), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_pages_with_an_island_ship_one_and_no_page_carries_its_data_twice() {
    let world = World::build().await;
    let app = &world.app;
    let list = app.get("/frameworks").await;
    list.assert_lacks("<leptos-island");
    // The loader is there (it does nothing without an island), with the nonce.
    list.assert_contains(r#"<script type="module" nonce=""#);
    list.assert_contains(r#"document.querySelectorAll("leptos-island")"#);
    // Server-only parts are not hydrated, so their data is not serialised
    // into the page beside the HTML made from it.
    // (Leptos still declares its empty lists once.)
    list.assert_contains("__RESOLVED_RESOURCES=[];");
    assert_eq!(list.count("__RESOLVED_RESOURCES"), 1);
    list.assert_lacks("modulepreload");

    let form = app
        .get_as("/councils/E08000003/contracts/new", Some(&world.buyer))
        .await;
    assert_eq!(form.status, 200);
    assert_eq!(form.count("<leptos-island"), 1, "{}", form.body);
    form.assert_contains(r#"data-component="SupplierPickerIsland_"#);
    // The island's props carry what it needs and nothing else: no token.
    let island = form
        .body
        .split("<leptos-island")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("island tag");
    assert!(island.contains("data-props="), "{island}");
    assert!(!island.contains("csrf"), "{island}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_choices_follow_changes_made_through_another_node() {
    let world = World::build().await;
    let app = &world.app;
    // A second node: its own router and snapshot cache, the same database.
    let other = app.another_node();
    let owner = "Borough Buying Partnership";
    send(&other, "/frameworks").await.assert_lacks(owner);

    let mut form = framework_form("NODE-A-01", "");
    form.retain(|(k, _)| *k != "owner_name");
    form.push(("owner_name", owner));
    created_id(
        &app.post_form("/frameworks/new", Some(&world.admin), &form)
            .await,
        "/frameworks/",
    );
    let page = send(&other, "/frameworks").await;
    page.assert_contains(&format!(r#"<option value="{owner}">"#));
    let filtered = send(&other, "/frameworks?owner=Borough+Buying+Partnership").await;
    assert_eq!(filtered.status, 200);
    filtered.assert_contains("NODE-A-01");
}

/// Changes a framework's title behind the change path's back (no audit
/// event), so only a page rendered afresh can show it.
async fn retitle_quietly(app: &TestApp, reference: &str, title: &str) {
    use app::server::entities::framework;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    framework::Entity::update_many()
        .col_expr(framework::Column::Title, Expr::value(title))
        .filter(framework::Column::Reference.eq(reference))
        .exec(&app.db)
        .await
        .expect("retitle");
}

/// The nonce a page's policy names, which its scripts must carry.
fn policy_nonce(page: &TestResponse) -> String {
    let policy = page
        .header("content-security-policy")
        .expect("a page policy");
    policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_visitors_share_a_page_until_the_database_changes() {
    let world = World::build().await;
    let app = &world.app;
    let first = app.get("/frameworks/new-page-check").await;
    assert_eq!(first.status, 404, "not found pages are never stored");
    let first = app.get("/frameworks").await;
    first.assert_contains("Digital and technology services");

    retitle_quietly(app, "GM-DTS-01", "Quietly renamed services").await;
    // Nothing recorded a change, so the stored page is still the one sent,
    // each time with that response's own nonce in its scripts and policy.
    for _ in 0..2 {
        let again = app.get("/frameworks").await;
        assert_eq!(again.status, 200);
        again.assert_lacks("Quietly renamed services");
        again.assert_contains("Digital and technology services");
        assert_eq!(again.header("etag"), first.header("etag"));
        let nonce = policy_nonce(&again);
        assert_ne!(nonce, policy_nonce(&first));
        again.assert_contains(&format!(r#"nonce="{nonce}""#));
        assert_eq!(again.header("set-cookie"), None);
    }
    // Someone signed in is never sent a shared page.
    app.get_as("/frameworks", Some(&world.buyer))
        .await
        .assert_contains("Quietly renamed services");

    // Any change through the change path retires every stored page.
    created_id(
        &app.post_form(
            "/frameworks/new",
            Some(&world.admin),
            &framework_form("RETIRE-01", ""),
        )
        .await,
        "/frameworks/",
    );
    let fresh = app.get("/frameworks").await;
    fresh.assert_contains("Quietly renamed services");
    fresh.assert_contains("RETIRE-01");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_page_cache_off_every_page_is_rendered_afresh() {
    let app = TestApp::with_settings(&[("PAGE_CACHE_MB", "0")]).await;
    app::server::services::seed::demo_catalogue::load_if_empty(&app.db)
        .await
        .expect("demo catalogue");
    let before = app.get("/frameworks").await;
    before.assert_lacks("Quietly renamed services");
    use app::server::entities::framework;
    use sea_orm::{EntityTrait, sea_query::Expr};
    framework::Entity::update_many()
        .col_expr(
            framework::Column::Title,
            Expr::value("Quietly renamed services"),
        )
        .exec(&app.db)
        .await
        .expect("retitle");
    let after = app.get("/frameworks").await;
    after.assert_contains("Quietly renamed services");
    assert_ne!(after.header("etag"), before.header("etag"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_holding_a_visitors_form_token_is_never_shared() {
    let app = TestApp::new().await;
    let first = app.get("/sign-in").await;
    let second = app.get("/sign-in").await;
    assert_ne!(first.csrf_field(), second.csrf_field());
    // Two visitors who already hold cookies each get their own token.
    let cookie_of = |page: &TestResponse| {
        page.header("set-cookie")
            .and_then(|c| c.split(';').next())
            .expect("a cookie")
            .to_owned()
    };
    let (a, b) = (cookie_of(&first), cookie_of(&second));
    let as_a = get_with(&app, "/sign-in", &[("cookie", &a)]).await;
    let as_b = get_with(&app, "/sign-in", &[("cookie", &b)]).await;
    assert_eq!(as_a.csrf_field(), first.csrf_field());
    assert_eq!(as_b.csrf_field(), second.csrf_field());
}
