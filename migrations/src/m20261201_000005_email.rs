//! Email: an outbox written in the same transaction as the change that
//! causes a message (a delivery worker sends it, with retries), single-use
//! tokens behind the links messages carry (stored as SHA-256, like session
//! tokens), and whether an account's email address has been confirmed.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .add_column(timestamp_with_time_zone_null("email_verified_at"))
                    .to_owned(),
            )
            .await?;
        // Accounts made before addresses were confirmed were made by an
        // operator or the person themselves under the old rules: they stay usable.
        manager
            .get_connection()
            .execute_unprepared("UPDATE app_user SET email_verified_at = created_at")
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("email_outbox")
                    .col(pk_uuid("id"))
                    .col(string_len("to_address", 320))
                    .col(string_len("subject", 200))
                    .col(text("body"))
                    // verify_email | account_exists | password_reset | colleague_invite
                    .col(string_len("kind", 32))
                    .col(integer("attempts").default(0))
                    .col(timestamp_with_time_zone("next_attempt_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    // Set when the worker gives up.
                    .col(timestamp_with_time_zone_null("failed_at"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "email_outbox",
                &["sent_at", "failed_at", "next_attempt_at"],
            ))
            .await?;
        manager
            .create_index(index("email_outbox", &["created_at"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("email_token")
                    // SHA-256 of the token in the link: a leaked table opens nothing.
                    .col(string_len("id", 64).primary_key())
                    // verify_email | password_reset | colleague_invite
                    .col(string_len("purpose", 32))
                    .col(uuid_null("user_id"))
                    .col(string_len("email", 320))
                    // For an invitation: the supplier the invitee will edit.
                    .col(uuid_null("supplier_id"))
                    .col(uuid_null("invited_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut fk("email_token", "user_id", "app_user", "id", true))
                    .foreign_key(&mut fk(
                        "email_token",
                        "supplier_id",
                        "supplier",
                        "id",
                        true,
                    ))
                    .foreign_key(&mut fk("email_token", "invited_by", "app_user", "id", true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("email_token", &["user_id"]))
            .await?;
        manager
            .create_index(index("email_token", &["expires_at"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["email_token", "email_outbox"]).await?;
        manager
            .alter_table(
                Table::alter()
                    .table("app_user")
                    .drop_column("email_verified_at")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
