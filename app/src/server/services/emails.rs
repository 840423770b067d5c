//! What the email pages read: whether a link from an email still works, and
//! the recent outbox for platform admins.
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder, QuerySelect};

use crate::server::Config;
use crate::server::auth::{Permission, Resource, require};
use crate::server::email::EmailKind;
use crate::server::email::tokens::{self, TokenPurpose};
use crate::server::entities::email_outbox;
use crate::types::{AppError, EmailLinkCheck, EmailLog, EmailLogItem, Viewer};

/// Most messages the admin page lists.
const LOG_LENGTH: u64 = 100;

/// Whether the link's token would work now (nothing is used up).
pub async fn check_link(
    db: &DatabaseConnection,
    purpose: TokenPurpose,
    token: &str,
) -> Result<EmailLinkCheck, AppError> {
    Ok(match tokens::peek(db, purpose, token).await? {
        Ok(found) => EmailLinkCheck {
            email: Some(found.email),
            ..Default::default()
        },
        Err(problem) => EmailLinkCheck {
            problem: Some(problem.message(purpose).to_owned()),
            ..Default::default()
        },
    })
}

fn status(message: &email_outbox::Model) -> String {
    let error = message.last_error.as_deref().unwrap_or("unknown error");
    if message.sent_at.is_some() {
        "Sent".to_owned()
    } else if message.failed_at.is_some() {
        format!("Not delivered after {} attempts: {error}", message.attempts)
    } else if message.attempts > 0 {
        format!(
            "Waiting to try again (attempt {} failed: {error})",
            message.attempts
        )
    } else {
        "Waiting to be sent".to_owned()
    }
}

/// The newest messages. Bodies only when they go to the local folder: with
/// real delivery a body may hold a live password-reset link.
pub async fn recent(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    config: &Config,
) -> Result<EmailLog, AppError> {
    require(viewer, Permission::ManageUsers, Resource::Platform)?;
    let shows_bodies = config.smtp_url.is_none();
    let items = email_outbox::Entity::find()
        .order_by_desc(email_outbox::Column::CreatedAt)
        .limit(LOG_LENGTH)
        .all(db)
        .await?
        .into_iter()
        .map(|m| EmailLogItem {
            status: status(&m),
            kind: EmailKind::parse(&m.kind)
                .map(EmailKind::label)
                .unwrap_or("Other")
                .to_owned(),
            queued_at: m
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            to: m.to_address,
            subject: m.subject,
            body: shows_bodies.then_some(m.body),
        })
        .collect();
    let delivery = match &config.smtp_url {
        None => format!(
            "the folder {} (no SMTP_URL is set)",
            config.data_dir.join("mail").display()
        ),
        Some(_) => "the SMTP server in SMTP_URL".to_owned(),
    };
    Ok(EmailLog { delivery, items })
}
