//! Single-use, expiring tokens behind the links emails carry. The link
//! holds 256 random bits; the database holds only their SHA-256 (as for
//! session cookies), so a leaked table opens nothing. Redeeming marks a
//! token used in one guarded UPDATE, so two clicks cannot both succeed.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::server::auth::session::{new_token, token_id};
use crate::server::entities::email_token;
use crate::types::commands::choices;

choices! {
    /// What a link lets its holder do.
    TokenPurpose {
        ConfirmEmail = ("confirm_email", "Confirm an email address"),
        PasswordReset = ("password_reset", "Reset a password"),
        ColleagueInvite = ("colleague_invite", "Accept an invitation to edit a supplier"),
    }
}

impl TokenPurpose {
    /// How long a link of this kind works.
    pub fn lifetime(self) -> Duration {
        match self {
            TokenPurpose::ConfirmEmail => Duration::hours(24),
            // Short: whoever reads the mailbox can take the account.
            TokenPurpose::PasswordReset => Duration::hours(1),
            TokenPurpose::ColleagueInvite => Duration::days(7),
        }
    }
}

/// What a new token is for.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub purpose: TokenPurpose,
    pub user_id: Option<Uuid>,
    pub email: String,
    pub supplier_id: Option<Uuid>,
    pub invited_by: Option<Uuid>,
}

/// Why a link does not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// No such token (mistyped, or from another site).
    Unknown,
    Expired,
    Used,
}

impl TokenProblem {
    /// What the person is told, with a way forward.
    pub fn message(self, purpose: TokenPurpose) -> &'static str {
        match (self, purpose) {
            (TokenProblem::Used, TokenPurpose::ConfirmEmail) => {
                "This link has already been used: your email address is confirmed, so sign in"
            }
            (TokenProblem::Expired, TokenPurpose::ConfirmEmail) => {
                "This link has expired: create your account again with the same email address to get a new one"
            }
            (TokenProblem::Used, TokenPurpose::PasswordReset) => {
                "This link has already been used: ask for a new one if you still need to reset your password"
            }
            (TokenProblem::Expired, TokenPurpose::PasswordReset) => {
                "This link has expired: links to reset a password work for 1 hour, so ask for a new one"
            }
            (TokenProblem::Used, TokenPurpose::ColleagueInvite) => {
                "This invitation has already been accepted"
            }
            (TokenProblem::Expired, TokenPurpose::ColleagueInvite) => {
                "This invitation has expired: ask your colleague to invite you again"
            }
            (TokenProblem::Unknown, _) => {
                "This link is not valid: check you copied the whole link from the email"
            }
        }
    }
}

/// Stores a token and returns the value for the link.
pub async fn issue<C: ConnectionTrait>(db: &C, token: NewToken) -> Result<String, DbErr> {
    let raw = new_token();
    let now = OffsetDateTime::now_utc();
    email_token::ActiveModel {
        id: Set(token_id(&raw)),
        purpose: Set(token.purpose.as_str().to_owned()),
        user_id: Set(token.user_id),
        email: Set(token.email),
        supplier_id: Set(token.supplier_id),
        invited_by: Set(token.invited_by),
        created_at: Set(now),
        expires_at: Set(now + token.purpose.lifetime()),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(raw)
}

/// Makes every unused token of `purpose` for `user_id` unusable (a new
/// link replaces the old ones).
pub async fn void_unused<C: ConnectionTrait>(
    db: &C,
    purpose: TokenPurpose,
    user_id: Uuid,
) -> Result<(), DbErr> {
    email_token::Entity::update_many()
        .col_expr(
            email_token::Column::ExpiresAt,
            Expr::value(OffsetDateTime::now_utc()),
        )
        .filter(email_token::Column::Purpose.eq(purpose.as_str()))
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn judge(
    found: Option<email_token::Model>,
    now: OffsetDateTime,
) -> Result<email_token::Model, TokenProblem> {
    let found = found.ok_or(TokenProblem::Unknown)?;
    if found.used_at.is_some() {
        Err(TokenProblem::Used)
    } else if found.expires_at <= now {
        Err(TokenProblem::Expired)
    } else {
        Ok(found)
    }
}

async fn find<C: ConnectionTrait>(
    db: &C,
    purpose: TokenPurpose,
    raw: &str,
) -> Result<Option<email_token::Model>, DbErr> {
    if raw.len() != 64 || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    email_token::Entity::find_by_id(token_id(raw))
        .filter(email_token::Column::Purpose.eq(purpose.as_str()))
        .one(db)
        .await
}

/// The token, if it would work now (for the page a link opens; nothing is used up).
pub async fn peek<C: ConnectionTrait>(
    db: &C,
    purpose: TokenPurpose,
    raw: &str,
) -> Result<Result<email_token::Model, TokenProblem>, DbErr> {
    Ok(judge(
        find(db, purpose, raw).await?,
        OffsetDateTime::now_utc(),
    ))
}

/// Uses the token up, inside the caller's transaction: only one of two
/// simultaneous redemptions can succeed.
pub async fn redeem<C: ConnectionTrait>(
    db: &C,
    purpose: TokenPurpose,
    raw: &str,
) -> Result<Result<email_token::Model, TokenProblem>, DbErr> {
    let now = OffsetDateTime::now_utc();
    let found = match judge(find(db, purpose, raw).await?, now) {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem)),
    };
    let claimed = email_token::Entity::update_many()
        .col_expr(email_token::Column::UsedAt, Expr::value(now))
        .filter(email_token::Column::Id.eq(found.id.clone()))
        .filter(email_token::Column::UsedAt.is_null())
        .filter(email_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(Err(TokenProblem::Used));
    }
    Ok(Ok(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_in: Duration, used: bool) -> email_token::Model {
        let now = OffsetDateTime::now_utc();
        email_token::Model {
            id: "x".into(),
            purpose: TokenPurpose::PasswordReset.as_str().into(),
            user_id: None,
            email: "a@b.gov.uk".into(),
            supplier_id: None,
            invited_by: None,
            created_at: now,
            expires_at: now + expires_in,
            used_at: used.then_some(now),
        }
    }

    #[test]
    fn a_token_works_once_and_only_before_it_expires() {
        let now = OffsetDateTime::now_utc();
        assert!(judge(Some(token(Duration::minutes(5), false)), now).is_ok());
        assert_eq!(
            judge(Some(token(Duration::minutes(-1), false)), now),
            Err(TokenProblem::Expired)
        );
        assert_eq!(
            judge(Some(token(Duration::minutes(5), true)), now),
            Err(TokenProblem::Used)
        );
        assert_eq!(judge(None, now), Err(TokenProblem::Unknown));
    }

    #[test]
    fn reset_links_are_short_lived() {
        assert_eq!(TokenPurpose::PasswordReset.lifetime(), Duration::hours(1));
        assert!(TokenPurpose::ColleagueInvite.lifetime() > TokenPurpose::ConfirmEmail.lifetime());
    }
}
