//! Email as a real service sends it. A message is a row in `email_outbox`,
//! written by the change that causes it, in that change's transaction (see
//! [`crate::server::changes::Change::email`]): a change that rolls back
//! sends nothing, and one that commits is never forgotten. The delivery
//! worker ([`delivery`]) sends what is due, retrying with backoff. Links in
//! messages carry single-use, expiring tokens ([`tokens`]), stored hashed.
pub mod delivery;
pub mod messages;
pub mod tokens;

use crate::types::commands::choices;
use serde::{Deserialize, Serialize};

choices! {
    /// Why a message was sent (stored with it; the admin page shows it).
    EmailKind {
        ConfirmEmail = ("confirm_email", "Confirm an email address"),
        AccountExists = ("account_exists", "Someone tried to sign up with an existing address"),
        PasswordReset = ("password_reset", "Reset a password"),
        ColleagueInvite = ("colleague_invite", "Invitation to edit a supplier"),
        IntentJoined = ("intent_joined", "A council joined a buying intent"),
        IntentMoved = ("intent_moved", "A buying intent changed status or lead"),
        DemandDigest = ("demand_digest", "Weekly digest of followed demand"),
    }
}

/// One message to send: plain text, one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub kind: EmailKind,
}
