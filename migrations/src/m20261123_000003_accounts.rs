//! Accounts and bookkeeping: users, role memberships, server-side sessions,
//! the audit trail and the search outbox that feeds the tantivy index.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, index, timestamps};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut user = Table::create();
        user.table("app_user")
            .col(pk_uuid("id"))
            // Stored lowercased so the unique constraint is case-insensitive on both backends.
            .col(string_len_uniq("email", 320))
            .col(string_len("display_name", 200))
            .col(string_len("password_hash", 200))
            .col(boolean("is_disabled").default(false))
            .col(timestamp_with_time_zone_null("last_sign_in_at"));
        timestamps(&mut user);
        manager.create_table(user.to_owned()).await?;

        let mut membership = Table::create();
        membership
            .table("membership")
            .col(pk_uuid("id"))
            .col(uuid("user_id"))
            // council_buyer | footprint_coordinator | supplier_editor | platform_admin
            .col(string_len("role", 32))
            .col(uuid_null("organisation_id"))
            .col(uuid_null("footprint_id"))
            .col(uuid_null("supplier_id"))
            .foreign_key(&mut fk("membership", "user_id", "app_user", "id", true))
            .foreign_key(&mut fk(
                "membership",
                "organisation_id",
                "organisation",
                "id",
                true,
            ))
            .foreign_key(&mut fk(
                "membership",
                "footprint_id",
                "footprint",
                "id",
                true,
            ))
            .foreign_key(&mut fk("membership", "supplier_id", "supplier", "id", true));
        timestamps(&mut membership);
        manager.create_table(membership.to_owned()).await?;
        manager
            .create_index(index("membership", &["user_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("user_session")
                    // SHA-256 of the cookie token: a leaked table cannot be replayed.
                    .col(string_len("id", 64).primary_key())
                    .col(uuid("user_id"))
                    .col(string_len("csrf_token", 64))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .foreign_key(&mut fk("user_session", "user_id", "app_user", "id", true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("user_session", &["user_id"]))
            .await?;
        manager
            .create_index(index("user_session", &["expires_at"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_event")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    .col(uuid_null("actor_user_id"))
                    .col(string_len("action", 64))
                    .col(string_len("entity", 32))
                    .col(string_len("entity_id", 64))
                    // JSON: {"before": …, "after": …}
                    .col(text_null("change_summary"))
                    .foreign_key(&mut fk(
                        "audit_event",
                        "actor_user_id",
                        "app_user",
                        "id",
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("audit_event", &["entity", "entity_id"]))
            .await?;
        manager
            .create_index(index("audit_event", &["occurred_at"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("search_outbox")
                    // The sequence the indexer resumes from.
                    .col(big_pk_auto("seq"))
                    .col(string_len("entity", 32))
                    .col(string_len("entity_id", 64))
                    // upsert | delete
                    .col(string_len("op", 8))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "search_outbox",
                "audit_event",
                "user_session",
                "membership",
                "app_user",
            ],
        )
        .await
    }
}
