//! Accounts and safety. So far: password rules and argon2id hashing; sessions,
//! CSRF, roles and permissions build on these (issue 3).
pub mod password;
