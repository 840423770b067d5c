//! The one integration-test binary. Every test gets its own database through
//! [`harness::TestApp`]: a temporary SQLite file by default, or a fresh
//! PostgreSQL database when `TEST_DATABASE_URL` is set.
mod harness;

mod accounts;
mod catalogue;
mod changes;
mod cli;
mod curation;
mod dedupe;
mod email;
mod fast_pages;
mod fixture;
mod framework_imports;
mod http;
mod imports;
mod intents;
mod layout;
mod lists;
mod market;
mod pages;
mod permissions;
mod routes;
mod schema;
mod search;
mod search_nodes;
mod search_relevance;
mod shortlists;
mod supplier_trust;
mod user_admin;
mod validation;
