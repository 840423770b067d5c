//! The text of each message. Plain text: it reads the same in every mail
//! client and in the folder the embedded default writes to. Links are
//! absolute, built on `PUBLIC_URL`.
use super::{Email, EmailKind};

const SIGN_OFF: &str = "Procurement Commons";

/// "Confirm your email address" with the link that does it.
pub fn confirm_email(public_url: &str, to: &str, name: &str, token: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "Confirm your email address for Procurement Commons".into(),
        body: format!(
            "Dear {name},\n\n\
             Confirm your email address to finish creating your Procurement Commons account:\n\n\
             {public_url}/confirm-email?token={token}\n\n\
             The link works once, for 24 hours.\n\n\
             If you did not create an account, you can ignore this email: nobody can use the account without this link.\n\n\
             {SIGN_OFF}\n"
        ),
        kind: EmailKind::ConfirmEmail,
    }
}

/// To the owner of an address someone tried to sign up with again.
pub fn account_exists(public_url: &str, to: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "You already have a Procurement Commons account".into(),
        body: format!(
            "Someone, probably you, tried to create a Procurement Commons account with this email address. It already has an account.\n\n\
             Sign in: {public_url}/sign-in\n\n\
             If you have forgotten your password, you can reset it: {public_url}/forgot-password\n\n\
             If this was not you, you can ignore this email. Your account has not changed.\n\n\
             {SIGN_OFF}\n"
        ),
        kind: EmailKind::AccountExists,
    }
}

/// "Reset your password" with a short-lived link.
pub fn password_reset(public_url: &str, to: &str, name: &str, token: &str) -> Email {
    Email {
        to: to.to_owned(),
        subject: "Reset your Procurement Commons password".into(),
        body: format!(
            "Dear {name},\n\n\
             Use this link to choose a new password:\n\n\
             {public_url}/reset-password?token={token}\n\n\
             The link works once, for 1 hour. Choosing a new password signs you out on every device.\n\n\
             If you did not ask to reset your password, you can ignore this email: your password has not changed.\n\n\
             {SIGN_OFF}\n"
        ),
        kind: EmailKind::PasswordReset,
    }
}

/// An invitation to edit a supplier, from one of its editors.
pub fn colleague_invite(
    public_url: &str,
    to: &str,
    inviter: &str,
    supplier: &str,
    token: &str,
) -> Email {
    Email {
        to: to.to_owned(),
        subject: format!("Invitation to edit {supplier} on Procurement Commons"),
        body: format!(
            "{inviter} invited you to edit {supplier}'s profile and offers on Procurement Commons.\n\n\
             Accept the invitation:\n\n\
             {public_url}/invitations?token={token}\n\n\
             You need an account with this email address ({to}); the link shows you how to create one. The invitation works once, for 7 days.\n\n\
             If you do not know {inviter}, you can ignore this email.\n\n\
             {SIGN_OFF}\n"
        ),
        kind: EmailKind::ColleagueInvite,
    }
}

/// To everyone involved in an intent: a council joined it or changed its share.
pub fn intent_joined(
    public_url: &str,
    to: &str,
    intent: &str,
    intent_id: uuid::Uuid,
    what: &str,
    combined_value: &str,
) -> Email {
    Email {
        to: to.to_owned(),
        subject: format!("{intent}: {what}"),
        body: format!(
            "{what} on the joint buying intent \u{201c}{intent}\u{201d}.\n\n\
             The combined value is now {combined_value}.\n\n\
             See who has joined and what happened so far:\n\n\
             {public_url}/intents/{intent_id}\n\n\
             You are receiving this because your council is taking part in this intent.\n\n\
             {SIGN_OFF}\n"
        ),
        kind: EmailKind::IntentJoined,
    }
}

/// To everyone involved in an intent: its status or lead body changed.
pub fn intent_moved(
    public_url: &str,
    to: &str,
    intent: &str,
    intent_id: uuid::Uuid,
    what: &str,
) -> Email {
    Email {
        to: to.to_owned(),
        subject: format!("{intent}: {what}"),
        body: format!(
            "The joint buying intent \u{201c}{intent}\u{201d} has changed: {what}.\n\n\
             See its history and who is taking part:\n\n\
             {public_url}/intents/{intent_id}\n\n\
             You are receiving this because your council is taking part in this intent.\n\n\
             {SIGN_OFF}\n"
        ),
        kind: EmailKind::IntentMoved,
    }
}

/// One followed footprint or category in a digest: its news (title,
/// summary, path) and the key of its "stop these emails" link.
pub struct DigestSection {
    pub title: String,
    pub entries: Vec<(String, String, String)>,
    pub unsubscribe_key: uuid::Uuid,
}

/// The weekly digest of demand someone follows.
pub fn demand_digest(public_url: &str, to: &str, name: &str, sections: &[DigestSection]) -> Email {
    let count: usize = sections.iter().map(|s| s.entries.len()).sum();
    let mut body = format!(
        "Dear {name},\n\nNew demand published on Procurement Commons since your last digest:\n"
    );
    for section in sections {
        body.push_str(&format!(
            "\n{}\n{}\n",
            section.title,
            "=".repeat(section.title.chars().count())
        ));
        for (title, summary, path) in &section.entries {
            body.push_str(&format!("\n{title}\n{summary}\n{public_url}{path}\n"));
        }
        body.push_str(&format!(
            "\nStop emails about {}: {public_url}/unsubscribe?key={}\n",
            section.title, section.unsubscribe_key
        ));
    }
    body.push_str(&format!(
        "\nYou are receiving this because you follow this demand. Change what you follow: {public_url}/account/following\n\n{SIGN_OFF}\n"
    ));
    Email {
        to: to.to_owned(),
        subject: if count == 1 {
            "1 new buying opportunity you follow".to_owned()
        } else {
            format!("{count} new buying opportunities you follow")
        },
        body,
        kind: EmailKind::DemandDigest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_absolute_and_carry_the_token() {
        let email = confirm_email("https://commons.example", "a@b.gov.uk", "Ann", "abc");
        assert!(
            email
                .body
                .contains("\nhttps://commons.example/confirm-email?token=abc\n")
        );
        assert_eq!(email.to, "a@b.gov.uk");
        let reset = password_reset("https://commons.example", "a@b.gov.uk", "Ann", "def");
        assert!(reset.body.contains("/reset-password?token=def"));
        assert!(reset.body.contains("1 hour"));
    }

    #[test]
    fn a_digest_lists_each_follow_with_its_own_stop_link() {
        let key = uuid::Uuid::from_u128(9);
        let email = demand_digest(
            "https://commons.example",
            "s@firm.example",
            "Sam",
            &[DigestSection {
                title: "Demand in Greater Manchester".into(),
                entries: vec![(
                    "Rock salt".into(),
                    "Joint buying intent registered by Bury: £40,000.".into(),
                    "/intents/abc".into(),
                )],
                unsubscribe_key: key,
            }],
        );
        assert_eq!(email.subject, "1 new buying opportunity you follow");
        assert!(email.body.contains("\nRock salt\nJoint buying intent registered by Bury: £40,000.\nhttps://commons.example/intents/abc\n"), "{}", email.body);
        assert!(email.body.contains(&format!(
            "Stop emails about Demand in Greater Manchester: https://commons.example/unsubscribe?key={key}"
        )));
        assert_eq!(email.kind, EmailKind::DemandDigest);
    }
}
