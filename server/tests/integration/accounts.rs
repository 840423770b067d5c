//! Accounts and safety: sign up, in and out; session cookies; the sign-in
//! rate limit; anti-forgery tokens; sessions that expire; redirects that stay
//! on this site; edit pages for the wrong people; the audit log.
use app::server::entities::{app_user, audit_event, user_session};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::fixture::World;
use crate::harness::TestApp;

const PASSWORD: &str = "river teacup lantern";

fn session_cookie(response: &crate::harness::TestResponse) -> String {
    response
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("pc_session=") && !v.starts_with("pc_session=;"))
        .unwrap_or_else(|| panic!("no session cookie in {:?}", response.headers))
        .to_owned()
}

/// Signs up, follows the emailed confirmation link and signs in: the whole
/// way from nothing to a session. Returns the sign-in response.
async fn sign_up(app: &TestApp, email: &str) -> crate::harness::TestResponse {
    let response = app
        .post_form(
            "/sign-up",
            None,
            &[
                ("display_name", "Pat Example"),
                ("email", email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(response.header("location"), Some("/sign-up/check-email"));
    app.confirm_email(email).await;
    app.post_form(
        "/sign-in",
        None,
        &[("email", email), ("password", PASSWORD)],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_stores_an_argon2id_hash_and_starts_a_server_side_session() {
    let app = TestApp::new().await;
    let response = sign_up(&app, "Pat@Example.GOV.uk").await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(response.header("location"), Some("/account"));
    let cookie = session_cookie(&response);
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not get Secure cookies: {cookie}"
    );

    let user = app_user::Entity::find()
        .filter(app_user::Column::Email.eq("pat@example.gov.uk"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("email stored lowercased");
    assert!(
        user.password_hash.starts_with("$argon2id$"),
        "{}",
        user.password_hash
    );
    assert!(!user.password_hash.contains(PASSWORD));
    // The database holds the token's hash, never the token.
    let token = cookie
        .trim_start_matches("pc_session=")
        .split(';')
        .next()
        .unwrap();
    assert!(
        user_session::Entity::find_by_id(token.to_owned())
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    let stored = user_session::Entity::find_by_id(app::server::auth::session::token_id(token))
        .one(&app.db)
        .await
        .unwrap()
        .expect("session stored under the token's hash");
    assert_eq!(stored.user_id, user.id);
    let created = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("account.created"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("audit event");
    assert_eq!(created.actor_user_id, Some(user.id));

    // The cookie signs the person in: the account page shows them.
    let page = app
        .request(
            axum::http::Request::get("/account")
                .header("cookie", format!("pc_session={token}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, 200);
    page.assert_contains("pat@example.gov.uk");
    page.assert_contains("You have no roles yet");
}

async fn sign_in_page(app: &TestApp, forwarded_proto: &str) -> crate::harness::TestResponse {
    app.request(
        axum::http::Request::get("/sign-in")
            .header("x-forwarded-proto", forwarded_proto)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_tls_proxy_cookies_are_host_only_and_secure_with_hsts() {
    let app = TestApp::with_settings(&[("TRUSTED_PROXIES", "1")]).await;
    let response = sign_in_page(&app, "https").await;
    let cookie = response.header("set-cookie").expect("anti-forgery cookie");
    assert!(
        cookie.starts_with("__Host-pc_csrf=")
            && cookie.contains("Secure")
            && cookie.contains("HttpOnly")
            && cookie.contains("Path=/")
            && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert_eq!(
        response.header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
    // Signing in over TLS sets the host-only session cookie, which is read back.
    assert_eq!(sign_up(&app, "tls@example.gov.uk").await.status, 303);
    let nonce = cookie
        .trim_start_matches("__Host-pc_csrf=")
        .split(';')
        .next()
        .unwrap();
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf_token", &response.csrf_field());
    body.append_pair("email", "tls@example.gov.uk");
    body.append_pair("password", PASSWORD);
    let signed_in = app
        .post_raw_with(
            "/sign-in",
            &format!("__Host-pc_csrf={nonce}"),
            body.finish(),
            &[("x-forwarded-proto", "https")],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = signed_in.header("set-cookie").unwrap();
    assert!(
        session.starts_with("__Host-pc_session=") && session.contains("Secure"),
        "{session}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_trusted_proxy_a_claimed_tls_connection_is_not_believed() {
    // Anyone can send X-Forwarded-Proto; with no proxy configured it means nothing.
    let app = TestApp::new().await;
    let response = sign_in_page(&app, "https").await;
    let cookie = response.header("set-cookie").expect("anti-forgery cookie");
    assert!(
        cookie.starts_with("pc_csrf=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert_eq!(response.header("strict-transport-security"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_token_must_be_the_one_the_server_bound_to_the_cookie() {
    let app = TestApp::new().await;
    let page = sign_in_page(&app, "http").await;
    let nonce = page
        .header("set-cookie")
        .expect("anti-forgery cookie")
        .trim_start_matches("pc_csrf=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = page.csrf_field();
    // The token is derived from the cookie, not a copy of it.
    assert_ne!(token, nonce);
    for path in ["/sign-up", "/sign-in"] {
        let before = app.snapshot().await;
        for (cookie, sent) in [
            // A planted cookie with its own value as the token (plain double submit).
            (
                "planted-nonce-value-0123456789abcdef".to_owned(),
                "planted-nonce-value-0123456789abcdef".to_owned(),
            ),
            // The real cookie with its own value as the token.
            (nonce.clone(), nonce.clone()),
            // A real token with someone else's cookie.
            (
                "another-visitors-nonce-0123456789abcd".to_owned(),
                token.clone(),
            ),
        ] {
            let mut body = form_urlencoded::Serializer::new(String::new());
            body.append_pair("csrf_token", &sent);
            body.append_pair("display_name", "Forged Person");
            body.append_pair("email", "forged@example.gov.uk");
            body.append_pair("password", PASSWORD);
            let response = app
                .post_raw(path, &format!("pc_csrf={cookie}"), body.finish())
                .await;
            assert_eq!(
                response.status, 403,
                "{path} with a forged token: {}",
                response.body
            );
            response.assert_contains("This form had expired");
        }
        assert_eq!(
            app.snapshot().await,
            before,
            "{path} wrote with a forged token"
        );
    }
    // The token the page gave, with its cookie, works.
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf_token", &token);
    body.append_pair("display_name", "Real Person");
    body.append_pair("email", "real@example.gov.uk");
    body.append_pair("password", PASSWORD);
    let response = app
        .post_raw("/sign-up", &format!("pc_csrf={nonce}"), body.finish())
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_sent_from_another_site_change_nothing() {
    let world = World::build().await;
    let before = world.app.snapshot().await;
    let cookie = format!("pc_session={}", world.admin_session());
    let body = |reference: &str| {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf_token", &world.admin.csrf_token);
        for (name, value) in crate::fixture::framework_form(reference, &world.gmca_body.to_string())
        {
            body.append_pair(name, value);
        }
        body.finish()
    };
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
    ] {
        let response = world
            .app
            .post_raw_with("/frameworks/new", &cookie, body("GM-CROSS-1"), &headers)
            .await;
        assert_eq!(response.status, 403, "{headers:?}: {}", response.body);
        response.assert_contains("This form was sent from another website");
    }
    assert_eq!(world.app.snapshot().await, before);
    // The same form from this site goes through.
    for (n, headers) in [
        vec![("sec-fetch-site", "same-origin")],
        vec![("origin", "http://localhost"), ("host", "localhost")],
    ]
    .into_iter()
    .enumerate()
    {
        let response = world
            .app
            .post_raw_with(
                "/frameworks/new",
                &cookie,
                body(&format!("GM-SAME-{n}")),
                &headers,
            )
            .await;
        assert_eq!(response.status, 303, "{headers:?}: {}", response.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_refused_without_saying_which_part_was_wrong_then_rate_limited() {
    let app = TestApp::new().await;
    assert_eq!(sign_up(&app, "pat@example.gov.uk").await.status, 303);
    let sessions = user_session::Entity::find().count(&app.db).await.unwrap();
    // The sign-up helper's own sign-in was the first of five quick attempts.
    for _ in 0..4 {
        let response = app
            .post_form(
                "/sign-in",
                None,
                &[
                    ("email", "pat@example.gov.uk"),
                    ("password", "wrong password here"),
                ],
            )
            .await;
        assert_eq!(response.status, 422);
        response.assert_contains("The email address or password is not right");
        response.assert_contains("value=\"pat@example.gov.uk\"");
        response.assert_lacks("wrong password here");
    }
    let unknown = app
        .post_form(
            "/sign-in",
            None,
            &[("email", "nobody@example.gov.uk"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(unknown.status, 422);
    unknown.assert_field_error("email", "The email address or password is not right");
    // The sixth quick attempt is refused even with the right password.
    let limited = app
        .post_form(
            "/sign-in",
            None,
            &[("email", "pat@example.gov.uk"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(limited.status, 422);
    limited.assert_contains("Too many attempts to sign in");
    assert_eq!(
        user_session::Entity::find().count(&app.db).await.unwrap(),
        sessions
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_follows_only_local_next_paths_and_signing_out_ends_the_session() {
    let app = TestApp::new().await;
    assert_eq!(sign_up(&app, "pat@example.gov.uk").await.status, 303);
    for (n, (next, expected)) in [
        ("/frameworks", "/frameworks"),
        ("//evil.example/steal", "/account"),
        ("https://evil.example/", "/account"),
        // Browsers drop tabs and new lines and read backslashes as slashes.
        ("/\t/evil.example", "/account"),
        ("/\n/evil.example", "/account"),
        ("/\\evil.example", "/account"),
        ("/%2F%2Fevil.example", "/account"),
    ]
    .into_iter()
    .enumerate()
    {
        // An account per case: more than five quick sign-ins to one account
        // from one place would meet the rate limit, which is not under test.
        let email = format!("pat{n}@example.gov.uk");
        assert_eq!(sign_up(&app, &email).await.status, 303);
        let response = app
            .post_form(
                "/sign-in",
                None,
                &[
                    ("email", email.as_str()),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status, 303, "{}", response.body);
        assert_eq!(response.header("location"), Some(expected), "next={next}");
    }
    let response = app
        .post_form(
            "/sign-in",
            None,
            &[("email", "pat@example.gov.uk"), ("password", PASSWORD)],
        )
        .await;
    let cookie = session_cookie(&response);
    let token = cookie
        .trim_start_matches("pc_session=")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let id = app::server::auth::session::token_id(&token);
    assert!(
        user_session::Entity::find_by_id(id.clone())
            .one(&app.db)
            .await
            .unwrap()
            .is_some()
    );
    let csrf = user_session::Entity::find_by_id(id.clone())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .csrf_token;

    let body = format!("csrf_token={csrf}");
    let out = app
        .post_raw("/sign-out", &format!("pc_session={token}"), body)
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.header("location"), Some("/signed-out"));
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(
        user_session::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
    // The old cookie no longer signs anyone in.
    let account = app
        .request(
            axum::http::Request::get("/account")
                .header("cookie", format!("pc_session={token}"))
                .header("accept", "text/html")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(account.status, 302);
    assert_eq!(account.header("location"), Some("/sign-in?next=%2Faccount"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_the_right_anti_forgery_token_change_nothing() {
    let world = World::build().await;
    let before = world.app.snapshot().await;
    let form = "reference=GM-X-1&title=Forged&owner_name=Forger";
    for token in [
        "",
        "csrf_token=0000000000000000000000000000000000000000000000000000000000000000&",
    ] {
        let cookie = format!("pc_session={}", world.admin_session());
        let response = world
            .app
            .post_raw("/frameworks/new", &cookie, format!("{token}{form}"))
            .await;
        assert_eq!(response.status, 403, "{}", response.body);
        response.assert_contains("This form had expired");
        // The form comes back with the values and a fresh, valid token.
        response.assert_contains("value=\"Forged\"");
    }
    assert_eq!(world.app.snapshot().await, before);
}

/// Ages the actor's session as `change` says, then asks for their account
/// page: a session past either limit must sign nobody in and be deleted.
async fn assert_session_ended(
    world: &World,
    actor: &crate::harness::Actor,
    change: impl FnOnce(&mut user_session::ActiveModel, &user_session::Model),
    why: &str,
) {
    let page = world.app.get_as("/account", Some(actor)).await;
    assert_eq!(page.status, 200, "{why}: the session works before");
    let session = user_session::Entity::find()
        .filter(user_session::Column::UserId.eq(actor.user_id))
        .one(&world.app.db)
        .await
        .unwrap()
        .unwrap();
    let mut aged: user_session::ActiveModel = session.clone().into();
    change(&mut aged, &session);
    aged.update(&world.app.db).await.unwrap();
    let page = world.app.get_as("/account", Some(actor)).await;
    assert_eq!(page.status, 302, "{why}: must not sign anyone in");
    assert!(
        page.header("set-cookie")
            .unwrap()
            .starts_with("pc_session=;"),
        "{why}: the cookie is cleared"
    );
    assert!(
        user_session::Entity::find_by_id(session.id)
            .one(&world.app.db)
            .await
            .unwrap()
            .is_none(),
        "{why}: the session row is deleted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_idle_for_two_hours_signs_nobody_in() {
    let world = World::build().await;
    assert_session_ended(
        &world,
        &world.editor,
        |aged, session| {
            aged.last_seen_at = Set(session.last_seen_at - time::Duration::hours(2));
        },
        "idle for 2 hours",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_twelve_hours_old_ends_however_busy_it_is() {
    let world = World::build().await;
    let now = time::OffsetDateTime::now_utc();
    assert_session_ended(
        &world,
        &world.buyer,
        |aged, _| {
            // Used a moment ago, but started 12 hours ago: the absolute limit.
            aged.created_at = Set(now - time::Duration::hours(12));
            aged.expires_at = Set(now - time::Duration::seconds(1));
            aged.last_seen_at = Set(now - time::Duration::minutes(1));
        },
        "older than the absolute lifetime",
    )
    .await;
    // A new session's expiry is 12 hours after it starts.
    let fresh = world.app.another_session(&world.admin).await;
    let session =
        user_session::Entity::find_by_id(app::server::auth::session::token_id(fresh.session()))
            .one(&world.app.db)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        session.expires_at - session.created_at,
        app::server::auth::session::ABSOLUTE_LIFETIME
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_pages_send_visitors_to_sign_in_and_refuse_the_wrong_people() {
    let world = World::build().await;
    let edit = format!("/suppliers/{}/edit", world.supplier);
    let anonymous = world.app.get_as(&edit, None).await;
    assert_eq!(anonymous.status, 302);
    assert_eq!(
        anonymous.header("location"),
        Some(format!("/sign-in?next=%2Fsuppliers%2F{}%2Fedit", world.supplier).as_str())
    );
    let other = world.app.get_as(&edit, Some(&world.other_editor)).await;
    assert_eq!(other.status, 403);
    other.assert_contains("You do not have permission to see this page");
    other.assert_lacks("Acme Digital Ltd");
    let own = world.app.get_as(&edit, Some(&world.editor)).await;
    assert_eq!(own.status, 200);
    own.assert_contains("value=\"Acme Digital Ltd\"");

    // Edit links show only to those who may edit.
    let framework = format!("/frameworks/{}", world.framework);
    world
        .app
        .get_as(&framework, Some(&world.coordinator))
        .await
        .assert_contains("Change this framework");
    world
        .app
        .get_as(&framework, Some(&world.other_coordinator))
        .await
        .assert_lacks("Change this framework");
    world
        .app
        .get_as(&framework, None)
        .await
        .assert_lacks("Change this framework");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_are_audited_with_before_and_after_and_only_admins_read_the_log() {
    let world = World::build().await;
    let body = world.gmca_body.to_string();
    let mut form = crate::fixture::framework_form("GM-DTS-01", &body);
    form.retain(|(k, _)| *k != "title");
    form.push(("title", "Digital services, renamed"));
    let response = world
        .app
        .post_form(
            &format!("/frameworks/{}/edit", world.framework),
            Some(&world.coordinator),
            &form,
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let event = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("framework.updated"))
        .one(&world.app.db)
        .await
        .unwrap()
        .expect("audit event");
    assert_eq!(event.actor_user_id, Some(world.coordinator.user_id));
    assert_eq!(event.entity_id, world.framework.to_string());
    let summary: serde_json::Value = serde_json::from_str(&event.change_summary.unwrap()).unwrap();
    assert_eq!(
        summary["before"]["title"],
        "Digital and technology services"
    );
    assert_eq!(summary["after"]["title"], "Digital services, renamed");

    let log = world.app.get_as("/admin/audit", Some(&world.admin)).await;
    assert_eq!(log.status, 200);
    log.assert_contains("framework.updated");
    log.assert_contains(&world.coordinator.email);
    assert_eq!(
        world
            .app
            .get_as("/admin/audit", Some(&world.coordinator))
            .await
            .status,
        403
    );
    assert_eq!(world.app.get_as("/admin/audit", None).await.status, 302);
}

/// Fifty-one quick sign-in attempts for different accounts over real TCP:
/// whether the fifty-first is refused for its address.
async fn fifty_first_attempt_is_limited(
    address: std::net::SocketAddr,
    forwarded_for: impl Fn(usize) -> Option<String>,
) -> bool {
    let mut last = String::new();
    for n in 0..51 {
        let email = format!("guess{n}@example.gov.uk");
        let forwarded = forwarded_for(n);
        let headers: Vec<(&str, &str)> = forwarded
            .as_deref()
            .map(|f| vec![("X-Forwarded-For", f)])
            .unwrap_or_default();
        let (status, body) = TestApp::tcp_post_form(
            address,
            "/sign-in",
            &headers,
            &[("email", email.as_str()), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(status, 422, "attempt {n}");
        last = body;
    }
    last.contains("Too many attempts to sign in")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_limited_per_client_address_through_the_real_network() {
    // Directly exposed: the TCP peer is the client, whatever it claims.
    let app = TestApp::new().await;
    let address = app.serve_tcp().await;
    let forged = |n: usize| Some(format!("203.0.113.{n}"));
    assert!(
        fifty_first_attempt_is_limited(address, forged).await,
        "one address tried 51 accounts; a forged X-Forwarded-For must not help"
    );

    // Behind one trusted proxy: each client is its own X-Forwarded-For hop.
    let proxied = TestApp::with_settings(&[("TRUSTED_PROXIES", "1")]).await;
    let address = proxied.serve_tcp().await;
    let many_clients = |n: usize| Some(format!("1.2.3.4, 198.51.100.{n}"));
    assert!(
        !fifty_first_attempt_is_limited(address, many_clients).await,
        "51 different clients behind the proxy are not one address"
    );
    let one_client = |n: usize| Some(format!("10.9.8.{n}, 198.51.100.250"));
    assert!(
        fifty_first_attempt_is_limited(address, one_client).await,
        "one client behind the proxy is limited by its own address, whatever it forges to the left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_hashing_is_bounded_and_over_long_passwords_are_never_hashed() {
    let app = TestApp::new().await;
    // Every hashing slot busy, as under a flood of sign-ups.
    let _flood = app.state.hashing.occupy_all().await;
    let sign_up = app
        .post_form(
            "/sign-up",
            None,
            &[
                ("display_name", "Sam Person"),
                ("email", "sam@example.gov.uk"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(sign_up.status, 503, "{}", sign_up.body);
    assert_eq!(sign_up.header("retry-after"), Some("2"));
    sign_up.assert_contains("The service is busy");
    // A password longer than any accepted one is refused without a hash,
    // so it is answered even now.
    let long = "x".repeat(10_000);
    let sign_in = app
        .post_form(
            "/sign-in",
            None,
            &[("email", "sam@example.gov.uk"), ("password", long.as_str())],
        )
        .await;
    assert_eq!(sign_in.status, 422, "{}", sign_in.body);
    sign_in.assert_contains("The email address or password is not right");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_are_limited_per_client_address() {
    let app = TestApp::new().await;
    let address = app.serve_tcp().await;
    for n in 0..10 {
        let email = format!("new{n}@example.gov.uk");
        let (status, body) = TestApp::tcp_post_form(
            address,
            "/sign-up",
            &[],
            &[
                ("display_name", "New Person"),
                ("email", email.as_str()),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, 303, "sign-up {n}: {body}");
    }
    let (status, body) = TestApp::tcp_post_form(
        address,
        "/sign-up",
        &[],
        &[
            ("display_name", "New Person"),
            ("email", "eleventh@example.gov.uk"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("Too many accounts were created from your network"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_responses_are_never_cached() {
    let world = World::build().await;
    for path in ["/account", "/frameworks"] {
        let page = world.app.get_as(path, Some(&world.buyer)).await;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            page.header("cache-control"),
            Some("private, no-store"),
            "{path}"
        );
    }
    let visitor = world
        .app
        .request(
            axum::http::Request::get("/api/account/visitor")
                .header("cookie", format!("pc_session={}", world.buyer.session()))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(visitor.status, 200);
    assert!(
        visitor.body.contains(&world.buyer.email),
        "{}",
        visitor.body
    );
    assert_eq!(visitor.header("cache-control"), Some("private, no-store"));
    // An anonymous visitor's first page sets the anti-forgery cookie: not cached either.
    let first = world.app.get("/sign-in").await;
    assert_eq!(first.header("cache-control"), Some("private, no-store"));
    // Public pages for a returning anonymous visitor may be revalidated by caches.
    let public = world
        .app
        .request(
            axum::http::Request::get("/frameworks")
                .header("cookie", format!("pc_csrf={}", "ab".repeat(32)))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(public.header("set-cookie"), None);
    assert_eq!(public.header("cache-control"), Some("no-cache"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_ends_the_session_the_browser_already_had() {
    let world = World::build().await;
    assert_eq!(
        sign_up(&world.app, "second@example.gov.uk").await.status,
        303
    );
    // The buyer's browser signs in as someone else: the buyer's session ends.
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf_token", &world.buyer.csrf_token);
    body.append_pair("email", "second@example.gov.uk");
    body.append_pair("password", PASSWORD);
    let response = world
        .app
        .post_raw(
            "/sign-in",
            &format!("pc_session={}", world.buyer.session()),
            body.finish(),
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    let old = world.app.get_as("/account", Some(&world.buyer)).await;
    assert_eq!(
        old.status, 302,
        "the earlier session still signs someone in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_removing_each_other_at_once_leave_one_admin() {
    use app::server::entities::membership;
    let world = World::build().await;
    let second = world
        .app
        .actor(
            "second-admin",
            Some((app::types::Role::PlatformAdmin, None)),
        )
        .await;
    let admin_role = |user: uuid::Uuid| {
        let db = world.app.db.clone();
        async move {
            membership::Entity::find()
                .filter(membership::Column::UserId.eq(user))
                .filter(membership::Column::Role.eq("platform_admin"))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .id
        }
    };
    let (first_role, second_role) = (
        admin_role(world.admin.user_id).await,
        admin_role(second.user_id).await,
    );
    let remove_second = format!("/admin/users/{}/roles/{second_role}/remove", second.user_id);
    let remove_first = format!(
        "/admin/users/{}/roles/{first_role}/remove",
        world.admin.user_id
    );
    let (a, b) = tokio::join!(
        world.app.post_form(&remove_second, Some(&world.admin), &[]),
        world.app.post_form(&remove_first, Some(&second), &[]),
    );
    // One removal goes through. The other is refused: as the last admin
    // role (422) if it got past the sign-in checks before the first
    // committed, or because its sender is no longer an admin (403) if not.
    // (That the two take turns at all is `changes_to_admin_roles_take_turns`.)
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert!(
        statuses == [303, 422] || statuses == [303, 403],
        "{statuses:?} on {}",
        crate::harness::backend_name()
    );
    let admins = membership::Entity::find()
        .filter(membership::Column::Role.eq("platform_admin"))
        .count(&world.app.db)
        .await
        .unwrap();
    assert_eq!(admins, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_to_admin_roles_take_turns() {
    use app::server::services::user_admin::lock_admin_roles;
    use sea_orm::TransactionTrait;
    use std::time::Duration;
    let world = World::build().await;
    // A holds the admin roles' lock, as a removal in progress does…
    let a = world.app.db.begin().await.unwrap();
    lock_admin_roles(&a).await.unwrap();
    // …so B, wanting the same lock, waits rather than reading a count that
    // A is about to make wrong.
    let db = world.app.db.clone();
    let b = tokio::spawn(async move {
        let b = db.begin().await.unwrap();
        lock_admin_roles(&b).await.unwrap();
        b.commit().await.unwrap();
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!b.is_finished(), "B took the lock while A held it");
    a.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), b)
        .await
        .expect("B gets the lock once A commits")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_a_password_keeps_this_session_and_ends_the_others() {
    use crate::harness::ACTOR_PASSWORD;
    let world = World::build().await;
    let laptop = world.app.another_session(&world.buyer).await;
    let change = |current: &'static str, new: &'static str| {
        vec![("current_password", current), ("new_password", new)]
    };
    // Refusals name the field and change nothing.
    for (fields, field, message) in [
        (
            change("not my password", "a brand new password"),
            "current_password",
            "Your current password is not right",
        ),
        (
            change(ACTOR_PASSWORD, "password1"),
            "new_password",
            "Password must be 10 characters or more",
        ),
        (
            change(ACTOR_PASSWORD, ACTOR_PASSWORD),
            "new_password",
            "different from your current one",
        ),
        (
            change("", "a brand new password"),
            "current_password",
            "Enter your current password",
        ),
    ] {
        let before = world.app.snapshot().await;
        let refused = world
            .app
            .post_form("/account/password", Some(&world.buyer), &fields)
            .await;
        assert_eq!(refused.status, 422, "{field}: {}", refused.body);
        refused.assert_contains(&format!("href=\"#{field}\""));
        refused.assert_contains(message);
        assert_eq!(world.app.snapshot().await, before, "{field}");
    }
    let changed = world
        .app
        .post_form(
            "/account/password",
            Some(&world.buyer),
            &change(ACTOR_PASSWORD, "lantern orchard pebble"),
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(
        changed.header("location"),
        Some("/account?changed=password")
    );
    assert_eq!(
        world
            .app
            .get_as("/account", Some(&world.buyer))
            .await
            .status,
        200
    );
    assert_eq!(
        world.app.get_as("/account", Some(&laptop)).await.status,
        302,
        "the other device is signed out"
    );
    // The new password signs in; the old one does not.
    for (password, status) in [(ACTOR_PASSWORD, 422), ("lantern orchard pebble", 303)] {
        let response = world
            .app
            .post_form(
                "/sign-in",
                None,
                &[
                    ("email", world.buyer.email.as_str()),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(response.status, status, "{password}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_everywhere_ends_every_session() {
    let world = World::build().await;
    let phone = world.app.another_session(&world.editor).await;
    let response = world
        .app
        .post_form("/account/sign-out-everywhere", Some(&world.editor), &[])
        .await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(response.header("location"), Some("/signed-out"));
    assert!(
        response
            .header("set-cookie")
            .unwrap()
            .starts_with("pc_session=;")
    );
    for session in [&world.editor, &phone] {
        assert_eq!(
            world.app.get_as("/account", Some(session)).await.status,
            302
        );
    }
    // Other people stay signed in.
    assert_eq!(
        world
            .app
            .get_as("/account", Some(&world.buyer))
            .await
            .status,
        200
    );
}
