//! Server-side sessions. The browser holds a random 256-bit token in an
//! HttpOnly cookie; the database holds only its SHA-256, the user it belongs
//! to, the session's anti-forgery (CSRF) token and its expiry. Signing out, or
//! an expired session, deletes the row, so a copied cookie stops working.
use rand_core::{OsRng, RngCore};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::server::entities::{app_user, user_session};

pub const SESSION_COOKIE: &str = "pc_session";
/// The cookie behind the anti-forgery token of visitors who are not signed
/// in (sign-in and sign-up forms): it holds a random nonce, and the form's
/// token is [`anonymous_csrf_token`] of it.
pub const ANONYMOUS_CSRF_COOKIE: &str = "pc_csrf";

/// The anti-forgery token for an anonymous visitor whose cookie holds
/// `nonce`: HMAC-SHA256 of it under the server's secret key. A plain
/// double-submit token can be forged by anyone able to plant a cookie (a
/// sibling subdomain, or a network attacker on plain HTTP) together with a
/// matching form field; bound to the secret, a planted nonce comes with no
/// token its planter could know.
pub fn anonymous_csrf_token(secret: &[u8], nonce: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(b"procurement-commons anonymous csrf\0");
    mac.update(nonce.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether the page being rendered put the visitor's anti-forgery token in a
/// form. The server puts one in every page request's extensions; a page
/// with a form [claims](Self::claim) it. Only then is an anonymous visitor's
/// missing cookie sent (every other page stays free of `Set-Cookie`, so
/// conditional requests work for first visits too), and a page that holds a
/// token is never shared between visitors by the page cache.
#[derive(Clone, Default)]
pub struct TokenUse(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl TokenUse {
    /// The page puts the token in a form.
    pub fn claim(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn claimed(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The name a cookie goes by: over TLS with the `__Host-` prefix, which
/// browsers accept only from a secure origin, with `Secure`, `Path=/` and no
/// `Domain`, so a sibling subdomain cannot plant or overwrite it.
pub fn cookie_name(base: &str, over_tls: bool) -> String {
    if over_tls {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}
/// Signed out after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::hours(2);
/// Signed out after this long whatever happens.
pub const ABSOLUTE_LIFETIME: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_INTERVAL: Duration = Duration::minutes(5);

/// 32 random bytes from the operating system, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The session's database key: SHA-256 of the cookie token.
pub fn token_id(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets in time that does not depend on where they differ.
pub fn secrets_match(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A session that is valid now.
#[derive(Clone, Debug)]
pub struct ActiveSession {
    pub user: app_user::Model,
    pub csrf_token: String,
}

/// Starts a session for `user_id`; returns the cookie token (shown once, never stored).
pub async fn start<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<String, sea_orm::DbErr> {
    let token = new_token();
    let now = OffsetDateTime::now_utc();
    user_session::ActiveModel {
        id: Set(token_id(&token)),
        user_id: Set(user_id),
        csrf_token: Set(new_token()),
        created_at: Set(now),
        expires_at: Set(now + ABSOLUTE_LIFETIME),
        last_seen_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The session behind `token`, if it exists, has not expired and its user is
/// not disabled. Expired sessions are deleted on sight.
pub async fn resolve<C: ConnectionTrait>(
    db: &C,
    token: &str,
) -> Result<Option<ActiveSession>, sea_orm::DbErr> {
    let id = token_id(token);
    let Some(session) = user_session::Entity::find_by_id(id.clone()).one(db).await? else {
        return Ok(None);
    };
    let Some(user) = app_user::Entity::find_by_id(session.user_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    if now >= session.expires_at || now - session.last_seen_at >= IDLE_TIMEOUT {
        user_session::Entity::delete_by_id(id).exec(db).await?;
        return Ok(None);
    }
    if user.is_disabled {
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_INTERVAL {
        user_session::ActiveModel {
            id: Set(session.id.clone()),
            last_seen_at: Set(now),
            ..Default::default()
        }
        .update(db)
        .await?;
    }
    Ok(Some(ActiveSession {
        user,
        csrf_token: session.csrf_token,
    }))
}

/// Ends the session behind `token` (signing out). Unknown tokens are ignored.
pub async fn end<C: ConnectionTrait>(db: &C, token: &str) -> Result<(), sea_orm::DbErr> {
    user_session::Entity::delete_by_id(token_id(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, disabling an account).
/// Ends every session of `user_id` but the one behind `keeping`.
pub async fn end_all_except<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    keeping: Option<&str>,
) -> Result<(), sea_orm::DbErr> {
    let mut delete =
        user_session::Entity::delete_many().filter(user_session::Column::UserId.eq(user_id));
    if let Some(token) = keeping {
        delete = delete.filter(user_session::Column::Id.ne(token_id(token)));
    }
    delete.exec(db).await?;
    Ok(())
}

pub async fn end_all_for<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<(), sea_orm::DbErr> {
    user_session::Entity::delete_many()
        .filter(user_session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        let id = token_id(&a);
        assert_eq!(id.len(), 64);
        assert_ne!(id, a);
        assert_eq!(id, token_id(&a));
        // SHA-256("abc"), so the encoding is the standard one.
        assert_eq!(
            token_id("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn secrets_compare_exactly() {
        assert!(secrets_match("abc", "abc"));
        // Bound to the key and the nonce: neither alone gives the token.
        let token = anonymous_csrf_token(b"one key", "nonce");
        assert_eq!(token.len(), 64);
        assert_eq!(token, anonymous_csrf_token(b"one key", "nonce"));
        assert_ne!(token, anonymous_csrf_token(b"another key", "nonce"));
        assert_ne!(token, anonymous_csrf_token(b"one key", "other nonce"));
        assert_ne!(token, "nonce");
        assert!(!secrets_match("abc", "abd"));
        assert!(!secrets_match("abc", "abcd"));
        assert!(!secrets_match("", ""));
    }
}
