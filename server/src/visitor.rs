//! Identifies the visitor on every page and form request: resolves the
//! session cookie to a signed-in [`Viewer`], or gives an anonymous visitor an
//! anti-forgery cookie (sent only with a page that has a form needing it), and puts the resulting [`Visitor`] in the request's
//! extensions, where server functions and form handlers read it.
use app::server::AppState;
use app::server::auth::session::{
    self, ANONYMOUS_CSRF_COOKIE, SESSION_COOKIE, TokenUse, cookie_name,
};
use app::server::services::accounts;
use app::types::Visitor;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use cookie::{Cookie, SameSite};

/// The raw session token of a signed-in request (needed to sign out).
#[derive(Clone)]
pub struct SessionToken(pub String);

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// Whether the visitor reached us over TLS. The server itself speaks plain
/// HTTP, so TLS is terminated by a reverse proxy, whose `X-Forwarded-Proto`
/// is believed only when `TRUSTED_PROXIES` says there is one (anyone can
/// send the header). The nearest proxy's value, the right-most, counts.
pub fn over_tls(headers: &HeaderMap, trusted_proxies: usize) -> bool {
    trusted_proxies > 0
        && headers
            .get_all("x-forwarded-proto")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site; `max_age` in
/// seconds, `None` for a browser-session cookie, `Some(0)` to delete.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut cookie = Cookie::build((cookie_name(name, secure), value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure);
    if let Some(seconds) = max_age {
        cookie = cookie.max_age(cookie::time::Duration::seconds(seconds));
    }
    HeaderValue::from_str(&cookie.build().to_string()).expect("cookie is a valid header value")
}

pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let secure = over_tls(&headers, state.config.trusted_proxies);
    let mut set_cookies = Vec::new();

    let mut visitor = None;
    if let Some(token) = cookie_value(&headers, &cookie_name(SESSION_COOKIE, secure)) {
        match session::resolve(&state.db, &token).await {
            Ok(Some(active)) => match accounts::viewer_for(&state.db, &active.user).await {
                Ok(viewer) => {
                    visitor = Some(Visitor {
                        viewer: Some(viewer),
                        csrf_token: active.csrf_token,
                    });
                    request.extensions_mut().insert(SessionToken(token));
                }
                Err(err) => tracing::error!(error = %err, "could not load the viewer's roles"),
            },
            Ok(None) => set_cookies.push(set_cookie(SESSION_COOKIE, "", Some(0), secure)),
            Err(err) => tracing::error!(error = %err, "could not resolve the session"),
        }
    }
    // The page policy layer puts one in; a request without it (none today)
    // still gets its own.
    let token_use = request
        .extensions()
        .get::<TokenUse>()
        .cloned()
        .unwrap_or_default();
    request.extensions_mut().insert(token_use.clone());
    let mut pending_cookie = None;
    let visitor = visitor.unwrap_or_else(|| {
        let nonce = cookie_value(&headers, &cookie_name(ANONYMOUS_CSRF_COOKIE, secure))
            .unwrap_or_else(|| {
                let nonce = session::new_token();
                pending_cookie = Some(nonce.clone());
                nonce
            });
        Visitor {
            viewer: None,
            csrf_token: session::anonymous_csrf_token(&state.secret, &nonce),
        }
    });
    let signed_in = visitor.viewer.is_some();
    request.extensions_mut().insert(visitor);
    let mut response = next.run(request).await;
    if let Some(nonce) = pending_cookie
        && token_use.claimed()
    {
        set_cookies.push(set_cookie(ANONYMOUS_CSRF_COOKIE, &nonce, None, secure));
    }
    // Pages for a signed-in person (their name, their forms' tokens) and
    // responses that set a cookie must never be kept by any cache.
    let personal = signed_in || !set_cookies.is_empty();
    for cookie in set_cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    if personal {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// Over TLS every response tells the browser to use HTTPS only from now on.
pub async fn strict_transport(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let secure = over_tls(request.headers(), state.config.trusted_proxies);
    let mut response = next.run(request).await;
    if secure {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
