//! What a joint buying intent needs beyond the tables of the catalogue
//! migration: who registered it and who joined for each council (they are
//! the people emailed when it moves), and what it was awarded as (the
//! contract or framework it became).
//!
//! Added as plain columns: SQLite cannot add a foreign key to an existing
//! table, so the services check these references when they write them.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{add_columns, drop_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn intent_columns() -> Vec<ColumnDef> {
    vec![
        uuid_null("created_by_user_id"),
        // Set when the intent moves to awarded: one of the two.
        uuid_null("awarded_contract_id"),
        uuid_null("awarded_framework_id"),
    ]
}

fn participant_columns() -> Vec<ColumnDef> {
    vec![uuid_null("joined_by_user_id")]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(manager, "buying_intent", intent_columns()).await?;
        add_columns(manager, "intent_participant", participant_columns()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "intent_participant", participant_columns()).await?;
        drop_columns(manager, "buying_intent", intent_columns()).await
    }
}
