//! The Content-Security-Policy of server-rendered pages. Each response gets a
//! fresh nonce (chosen per request by the server's `page_policy` middleware
//! and provided to the render), which Leptos puts on the hydration scripts it
//! emits, so no `unsafe-inline` is needed.

/// The policy for a page whose inline scripts carry `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    [
        "default-src 'self'".to_owned(),
        // wasm-unsafe-eval lets the browser compile the hydration module; it
        // does not allow eval() of JavaScript.
        format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        "style-src 'self'".to_owned(),
        "img-src 'self' data:".to_owned(),
        "font-src 'self'".to_owned(),
        "connect-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_allows_only_our_nonce_and_forbids_framing() {
        let policy = content_security_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(!policy.contains("unsafe-inline"));
    }
}
