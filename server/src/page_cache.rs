//! Rendered public pages, kept in memory and shared between anonymous
//! visitors.
//!
//! What an anonymous visitor is sent for a page (no session, no form token
//! in it, status 200, no cookie set) depends only on its address, the day
//! (statuses such as "expiring soon" are relative to today) and what the
//! database holds. The database's version is the highest audit event id
//! (`services::snapshot`): every change, on any node, moves it. A page stored
//! at version `v` is served only while the version is still `v`, so a change
//! retires every stored page at once and nobody is ever sent a stale page.
//!
//! Each response has its own script nonce (the Content-Security-Policy names
//! it): it is cut out when a page is stored and the new one put in when the
//! page is served.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderValue;

/// A rendered page, cut at its nonce.
pub struct StoredPage {
    /// The page's bytes between the places its nonce was.
    pieces: Vec<Bytes>,
    pub content_type: HeaderValue,
    pub etag: HeaderValue,
}

impl StoredPage {
    pub fn new(page: &Bytes, nonce: &str, content_type: HeaderValue, etag: HeaderValue) -> Self {
        let mut pieces = Vec::new();
        let mut from = 0;
        if !nonce.is_empty() {
            for at in memchr::memmem::find_iter(page, nonce.as_bytes()) {
                pieces.push(page.slice(from..at));
                from = at + nonce.len();
            }
        }
        pieces.push(page.slice(from..));
        Self {
            pieces,
            content_type,
            etag,
        }
    }

    /// The page with `nonce` where its own nonce was.
    pub fn with_nonce(&self, nonce: &str) -> Bytes {
        let size = self.size() + nonce.len() * (self.pieces.len() - 1);
        let mut page = Vec::with_capacity(size);
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                page.extend_from_slice(nonce.as_bytes());
            }
            page.extend_from_slice(piece);
        }
        Bytes::from(page)
    }

    fn size(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }
}

/// The pages of one database version, within a memory budget.
pub struct PageCache {
    budget: usize,
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    version: i64,
    bytes: usize,
    pages: HashMap<String, Arc<StoredPage>>,
}

impl PageCache {
    /// A cache holding at most `budget` bytes of pages (0: none at all).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            held: Mutex::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The page stored under `key` when the database is still at `version`.
    pub fn get(&self, version: i64, key: &str) -> Option<Arc<StoredPage>> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        (held.version == version)
            .then(|| held.pages.get(key).cloned())
            .flatten()
    }

    /// Stores a page rendered from the database at `version`. Pages of any
    /// other version are dropped first; when the budget is spent everything
    /// is dropped and storing starts over (popular pages come straight back).
    pub fn put(&self, version: i64, key: String, page: StoredPage) {
        let size = page.size() + key.len();
        if size > self.budget {
            return;
        }
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.version != version {
            if version < held.version {
                // Rendered before a change another request has already seen.
                return;
            }
            *held = Held {
                version,
                ..Held::default()
            };
        }
        if held.bytes + size > self.budget {
            held.pages.clear();
            held.bytes = 0;
        }
        if let Some(old) = held.pages.insert(key.clone(), Arc::new(page)) {
            held.bytes -= old.size() + key.len();
        }
        held.bytes += size;
    }
}

/// The key a page is stored under: the day and the address (path and query).
pub fn page_key(today: time::Date, path_and_query: &str) -> String {
    format!("{today} {path_and_query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &'static str, nonce: &str) -> StoredPage {
        StoredPage::new(
            &Bytes::from_static(text.as_bytes()),
            nonce,
            HeaderValue::from_static("text/html; charset=utf-8"),
            HeaderValue::from_static("W/\"1\""),
        )
    }

    #[test]
    fn a_stored_page_takes_each_response_nonce_where_its_own_was() {
        let stored = page(
            r#"<script nonce="n0nce">a</script><p nonce="n0nce">b</p>"#,
            "n0nce",
        );
        assert_eq!(
            stored.with_nonce("FRESH1"),
            Bytes::from_static(br#"<script nonce="FRESH1">a</script><p nonce="FRESH1">b</p>"#)
        );
        assert_eq!(page("no scripts", "n0nce").with_nonce("x"), "no scripts");
    }

    #[test]
    fn pages_are_served_only_at_the_version_they_were_rendered_at() {
        let cache = PageCache::new(1 << 20);
        cache.put(7, "a".into(), page("seven", ""));
        assert!(cache.get(7, "a").is_some());
        assert!(cache.get(7, "b").is_none());
        // The database moved on: nothing of version 7 is served, and a late
        // page rendered at 7 is not stored over version 8's.
        assert!(cache.get(8, "a").is_none());
        cache.put(8, "b".into(), page("eight", ""));
        assert!(cache.get(7, "a").is_none());
        cache.put(7, "a".into(), page("seven", ""));
        assert!(cache.get(8, "a").is_none());
        assert!(cache.get(8, "b").is_some());
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let cache = PageCache::new(40);
        cache.put(1, "a".into(), page("0123456789012345", ""));
        cache.put(1, "b".into(), page("0123456789012345", ""));
        // 17 + 17 bytes fit; a third page starts over rather than exceed 40.
        cache.put(1, "c".into(), page("0123456789012345", ""));
        assert!(cache.get(1, "a").is_none() && cache.get(1, "b").is_none());
        assert!(cache.get(1, "c").is_some());
        // A page bigger than the whole budget is not stored at all.
        cache.put(
            1,
            "d".into(),
            page("0123456789012345678901234567890123456789", ""),
        );
        assert!(cache.get(1, "d").is_none());
        assert!(!PageCache::new(0).enabled());
    }
}
