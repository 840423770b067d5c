//! Shortlists: a council buyer's search, frozen. The search's URL query is
//! kept (so it can be run again: a saved search) together with the results
//! it gave at that moment, in their order, as the record a direct award
//! needs of what was considered. Items copy what the result showed (title,
//! reference, owner, end date, value) rather than only pointing at records
//! that may change or go.
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
                    .table("shortlist")
                    .col(pk_uuid("id"))
                    // The council whose record it is: its buyers see it.
                    .col(uuid("council_organisation_id"))
                    .col(uuid("created_by_user_id"))
                    .col(string_len("name", 120))
                    // The search as its canonical URL query (`q=rock+salt&cpv=34`).
                    .col(string_len("search_query", 2000))
                    // How many results the search had when it was frozen
                    // (the items are the first of them).
                    .col(big_integer("result_total"))
                    .col(timestamp_with_time_zone("frozen_at"))
                    .foreign_key(&mut fk(
                        "shortlist",
                        "council_organisation_id",
                        "organisation",
                        "id",
                        false,
                    ))
                    .foreign_key(&mut fk(
                        "shortlist",
                        "created_by_user_id",
                        "app_user",
                        "id",
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("shortlist", &["council_organisation_id"]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("shortlist_item")
                    .col(uuid("shortlist_id"))
                    .col(integer("position"))
                    .col(string_len("kind", 32))
                    .col(uuid("record_id"))
                    .col(string_len("title", 500))
                    .col(string_len_null("reference", 300))
                    // What the result showed under its kind: owner, buyer or supplier.
                    .col(string_len("subtitle", 500))
                    .col(date_null("end_date"))
                    .col(big_integer_null("value_pence"))
                    .primary_key(Index::create().col("shortlist_id").col("position"))
                    .foreign_key(&mut fk(
                        "shortlist_item",
                        "shortlist_id",
                        "shortlist",
                        "id",
                        true,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["shortlist_item", "shortlist"]).await
    }
}
