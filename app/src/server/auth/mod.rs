//! Accounts and safety: password rules and hashing, server-side sessions,
//! the sign-in rate limit, and the role → permission check every mutating
//! path calls.
pub mod hashing;
pub mod password;
pub mod permission;
pub mod rate_limit;
pub mod session;

pub use permission::{Permission, Resource, may, require};
