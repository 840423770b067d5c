//! Sending what the outbox holds. [`deliver_due`] takes the messages whose
//! time has come, claims each (so two servers never send one twice), hands
//! it to the [`Mailer`] and records the outcome: sent, or retried later with
//! exponential backoff, or given up after [`MAX_ATTEMPTS`]. [`run`] is the
//! worker `serve` spawns; it also wakes when a change queues a message.
use std::path::PathBuf;
use std::sync::Arc;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use time::{Duration, OffsetDateTime};
use tokio::sync::Notify;

use crate::server::Config;
use crate::server::entities::email_outbox;

/// Attempts before a message is given up (about 4 hours of retries).
pub const MAX_ATTEMPTS: i32 = 8;
/// Messages sent per pass; the rest wait for the next one.
const BATCH: u64 = 50;
/// How long a claimed message is left alone by other workers.
const CLAIM: Duration = Duration::minutes(5);

/// The wait before attempt `attempts + 1`: 30 s, 1 min, 2 min … capped at 1 hour.
pub fn backoff(attempts: i32) -> Duration {
    let doubling = attempts.clamp(1, 8) - 1;
    (Duration::seconds(30) * 2_i32.pow(doubling as u32)).min(Duration::hours(1))
}

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    /// The embedded default: one text file per message in a folder, listed
    /// on the admin's email page, so a newcomer's run needs nothing else.
    Folder(PathBuf),
    /// An SMTP server (`SMTP_URL`).
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| format!("MAIL_FROM is not an email address ({e})"))?;
        match &config.smtp_url {
            None => Ok(Mailer::Folder(config.data_dir.join("mail"))),
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("SMTP_URL is not usable ({e})"))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build();
                Ok(Mailer::Smtp {
                    transport: Box::new(transport),
                    from,
                })
            }
        }
    }

    /// Whether the admin page may show bodies: only for the folder, whose
    /// messages never left the machine. With real delivery a body holds a
    /// live link (a password reset) that an admin must not be able to use.
    pub fn shows_bodies(&self) -> bool {
        matches!(self, Mailer::Folder(_))
    }

    async fn send(&self, message: &email_outbox::Model) -> Result<(), String> {
        match self {
            Mailer::Folder(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| format!("creating {}: {e}", dir.display()))?;
                let name = format!("{}-{}.txt", message.created_at.unix_timestamp(), message.id);
                let text = format!(
                    "To: {}\nSubject: {}\nDate: {}\n\n{}",
                    message.to_address, message.subject, message.created_at, message.body
                );
                tokio::fs::write(dir.join(&name), text)
                    .await
                    .map_err(|e| format!("writing {name}: {e}"))
            }
            Mailer::Smtp { transport, from } => {
                let to: Mailbox = message
                    .to_address
                    .parse()
                    .map_err(|e| format!("bad recipient: {e}"))?;
                let email = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(message.subject.clone())
                    .message_id(Some(format!("<{}@procurement-commons>", message.id)))
                    .body(message.body.clone())
                    .map_err(|e| format!("building the message: {e}"))?;
                transport
                    .send(email)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        }
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub retrying: usize,
    pub given_up: usize,
}

/// Sends every message that is due now.
pub async fn deliver_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
) -> Result<DeliveryReport, DbErr> {
    let now = OffsetDateTime::now_utc();
    let due = email_outbox::Entity::find()
        .filter(email_outbox::Column::SentAt.is_null())
        .filter(email_outbox::Column::FailedAt.is_null())
        .filter(email_outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(email_outbox::Column::CreatedAt)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut report = DeliveryReport::default();
    for message in due {
        // Claim it: only the worker whose update matched sends it.
        let claimed = email_outbox::Entity::update_many()
            .col_expr(
                email_outbox::Column::NextAttemptAt,
                Expr::value(now + CLAIM),
            )
            .filter(email_outbox::Column::Id.eq(message.id))
            .filter(email_outbox::Column::NextAttemptAt.eq(message.next_attempt_at))
            .filter(email_outbox::Column::SentAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let attempts = message.attempts + 1;
        let update = email_outbox::Entity::update_many()
            .col_expr(email_outbox::Column::Attempts, Expr::value(attempts))
            .filter(email_outbox::Column::Id.eq(message.id));
        match mailer.send(&message).await {
            Ok(()) => {
                update
                    .col_expr(
                        email_outbox::Column::SentAt,
                        Expr::value(OffsetDateTime::now_utc()),
                    )
                    .col_expr(email_outbox::Column::LastError, Expr::value(None::<String>))
                    .exec(db)
                    .await?;
                report.sent += 1;
            }
            Err(error) => {
                tracing::warn!(id = %message.id, attempts, error = %error, "email not delivered");
                let later = OffsetDateTime::now_utc();
                let update = update.col_expr(email_outbox::Column::LastError, Expr::value(error));
                if attempts >= MAX_ATTEMPTS {
                    update
                        .col_expr(email_outbox::Column::FailedAt, Expr::value(later))
                        .exec(db)
                        .await?;
                    report.given_up += 1;
                } else {
                    update
                        .col_expr(
                            email_outbox::Column::NextAttemptAt,
                            Expr::value(later + backoff(attempts)),
                        )
                        .exec(db)
                        .await?;
                    report.retrying += 1;
                }
            }
        }
    }
    Ok(report)
}

/// The delivery worker: a pass when woken (a change queued a message) and
/// every few seconds (retries coming due), until the process stops.
pub async fn run(db: DatabaseConnection, mailer: Mailer, wake: Arc<Notify>) {
    loop {
        match deliver_due(&db, &mailer).await {
            Ok(report) if report != DeliveryReport::default() => {
                tracing::info!(?report, "email delivery pass");
            }
            Ok(_) => {}
            Err(error) => tracing::error!(error = %error, "email delivery pass failed"),
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::minutes(1));
        assert_eq!(backoff(4), Duration::minutes(4));
        assert_eq!(backoff(7), Duration::minutes(32));
        assert_eq!(backoff(8), Duration::hours(1));
        assert_eq!(backoff(50), Duration::hours(1));
    }
}
