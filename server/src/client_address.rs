//! Who is on the other end of a request, for per-address limits.
//!
//! With no trusted proxies the answer is the TCP peer. Behind `n` trusted
//! reverse proxies each one appends the address it received the request from
//! to `X-Forwarded-For`, so the client is the right-most entry that no
//! trusted proxy wrote: counting from the right, the `n`-th entry (the
//! peer being the last proxy). Entries further left were written by the
//! client itself and are never believed.
use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, request::Parts};

/// The client's address as `trusted_proxies` reverse proxies report it;
/// `None` when it cannot be known (no connection info, or a malformed or
/// too-short forwarding chain).
pub fn resolve(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted_proxies: usize,
) -> Option<IpAddr> {
    if trusted_proxies == 0 {
        return peer;
    }
    peer?;
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|hop| !hop.is_empty())
        .collect();
    let index = hops.len().checked_sub(trusted_proxies)?;
    hops[index].parse().ok()
}

/// The client's address for a request the server accepted.
pub fn of(parts: &Parts, trusted_proxies: usize) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    resolve(peer, &parts.headers, trusted_proxies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", v.parse().unwrap());
        }
        map
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_claims() {
        let forged = headers(&["203.0.113.9"]);
        assert_eq!(resolve(ip("192.0.2.1"), &forged, 0), ip("192.0.2.1"));
        assert_eq!(resolve(None, &forged, 0), None);
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        // client → proxy A → proxy B → server; B is the peer.
        let chain = headers(&["198.51.100.5, 10.0.0.2"]);
        assert_eq!(resolve(ip("10.0.0.3"), &chain, 1), ip("10.0.0.2"));
        assert_eq!(resolve(ip("10.0.0.3"), &chain, 2), ip("198.51.100.5"));
        // A client's forged entries sit to the left and are not believed.
        let forged = headers(&["1.2.3.4", "198.51.100.5"]);
        assert_eq!(resolve(ip("10.0.0.3"), &forged, 1), ip("198.51.100.5"));
        // A chain shorter than the proxies we trust cannot be read.
        assert_eq!(resolve(ip("10.0.0.3"), &headers(&[]), 1), None);
        assert_eq!(
            resolve(ip("10.0.0.3"), &headers(&["not an address"]), 1),
            None
        );
        assert_eq!(
            resolve(ip("10.0.0.3"), &headers(&["2001:db8::1"]), 1),
            ip("2001:db8::1")
        );
    }
}
