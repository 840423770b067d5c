//! Following demand: a signed-in user follows a footprint or a CPV division
//! and is sent a weekly email digest (through the email outbox) of the open
//! buying intents and planned purchases published there since the last
//! one. `unsubscribe_key` is a random secret carried by each digest's
//! "stop these emails" link, so a reader can stop them without signing in;
//! it lets its holder remove that one follow and nothing else.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("demand_follow")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    // "footprint" (code) or "category" (two-digit CPV division).
                    .col(string_len("kind", 16))
                    .col(string_len("code", 32))
                    .col(uuid_uniq("unsubscribe_key"))
                    .col(timestamp_with_time_zone("created_at"))
                    // Demand published after this is news for the next digest.
                    .col(timestamp_with_time_zone("news_since"))
                    .foreign_key(&mut fk("demand_follow", "user_id", "app_user", "id", true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("demand_follow", &["user_id", "kind", "code"])
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["demand_follow"]).await
    }
}
