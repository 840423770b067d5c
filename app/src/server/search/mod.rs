//! Search (issue 12, in progress): one tantivy index over the catalogue,
//! kept in step through the search outbox (ARCHITECTURE §4). So far only
//! the pure reading of what a visitor types ([`query`]); the index, its
//! applier and the `/search` page come next.
pub mod query;
