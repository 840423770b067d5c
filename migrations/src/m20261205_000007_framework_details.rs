//! Framework details the owners publish beyond title, description and
//! dates (the CCS website's summary, benefits, how to buy, keywords and
//! category), and where a framework's imported facts came from.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{add_columns, drop_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns added to `framework`.
fn framework_columns() -> Vec<ColumnDef> {
    vec![
        text_null("summary"),
        text_null("benefits"),
        text_null("how_to_buy"),
        text_null("keywords"),
        // The owner's own grouping ("Facilities Management", "Cloud and Hosting").
        string_len_null("category", 100),
        // Where the imported facts came from (`server import frameworks`):
        // the last file that changed it, and the most authoritative layout
        // that stated its facts (a less authoritative one only fills gaps).
        string_len_null("source_file", 300),
        string_len_null("source_layout", 64),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(manager, "framework", framework_columns()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_columns(manager, "framework", framework_columns()).await
    }
}
