//! Open data in: what the importers (OCDS, Contracts Finder and TED CSV,
//! Transparency Code registers) need beyond the register's own columns.
//!
//! - `contract` learns where each imported row came from (release id and
//!   date, file), a fingerprint of its mapped content (so importing the same
//!   data again changes nothing), award date, procurement method, a value
//!   range when only a range was published, and call-off facts; the pair
//!   (`source`, `source_id`) is unique, which is what makes imports
//!   idempotent for sources without an ocid.
//! - `contract_buyer`: every buyer of a contract (joint purchases name
//!   several councils); `contract.buyer_organisation_id` stays the first.
//! - `planned_purchase`: published intentions to buy (Contracts Finder
//!   pipeline, pre-procurement and open notices, OCDS planning and tender
//!   releases) — demand, not contracts.
//! - `identifier`: every identifier seen for an organisation or a supplier
//!   (GSS, mySociety code, OCDS party ids, Companies House…), with where it
//!   was first seen.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, index, link_table, timestamps};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Columns added to `contract`, one ALTER each (SQLite takes one at a time).
fn contract_columns() -> Vec<ColumnDef> {
    vec![
        // The OCDS release id (or a stand-in made from ocid and date when a
        // publisher leaves it out), or the CSV row's notice identifier.
        string_len_null("release_id", 300),
        timestamp_with_time_zone_null("release_date"),
        string_len_null("source_file", 300),
        // xxh3 of the mapped content: equal means "unchanged".
        string_len_null("content_hash", 32),
        date_null("award_date"),
        string_len_null("procurement_method", 100),
        // Published as a call-off from a framework; the framework may be
        // unknown (framework_id null) or only named (call_off_reference).
        boolean("is_call_off").default(false).to_owned(),
        string_len_null("call_off_reference", 200),
        // A range instead of a value (TED "lowest and highest offer").
        big_integer_null("value_min_pence"),
        big_integer_null("value_max_pence"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in contract_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("contract")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_contract_source_source_id")
                    .table("contract")
                    .col("source")
                    .col("source_id")
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(link_table(
                "contract_buyer",
                ("contract_id", "contract"),
                ("organisation_id", "organisation"),
            ))
            .await?;
        // Named by hand: `index()` would call it ix_contract_buyer_organisation_id,
        // the name of contract's own buyer index (index names are per schema).
        manager
            .create_index(
                Index::create()
                    .name("ix_contract_buyer_by_organisation")
                    .table("contract_buyer")
                    .col("organisation_id")
                    .to_owned(),
            )
            .await?;
        // Every existing contract's buyer is its one buyer.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO contract_buyer (contract_id, organisation_id) \
                 SELECT id, buyer_organisation_id FROM contract",
            )
            .await?;

        let mut planned = Table::create();
        planned
            .table("planned_purchase")
            .col(pk_uuid("id"))
            .col(uuid("buyer_organisation_id"))
            .col(string_len("title", 500))
            .col(text_null("description"))
            // Contracts Finder notice type (Pipeline, PreProcurement,
            // Contract…) or OCDS tag (planning, tender).
            .col(string_len("notice_type", 32))
            // open | closed | awarded | cancelled, as published
            .col(string_len("status", 16))
            .col(big_integer_null("value_min_pence"))
            .col(big_integer_null("value_max_pence"))
            .col(char_len("currency", 3).default("GBP"))
            .col(date_null("expected_start"))
            .col(date_null("expected_end"))
            .col(date_null("closing_date"))
            .col(timestamp_with_time_zone_null("published_at"))
            .col(string_len("source", 32))
            .col(string_len("source_id", 300))
            .col(string_len_null("ocid", 200))
            .col(string_len_null("release_id", 300))
            .col(string_len_null("source_file", 300))
            .col(string_len_null("content_hash", 32))
            .col(text_null("raw_provenance"))
            .col(boolean("is_demo").default(false))
            .foreign_key(&mut fk(
                "planned_purchase",
                "buyer_organisation_id",
                "organisation",
                "id",
                false,
            ));
        timestamps(&mut planned);
        manager.create_table(planned.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_planned_purchase_source_source_id")
                    .table("planned_purchase")
                    .col("source")
                    .col("source_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        for cols in [
            &["buyer_organisation_id"][..],
            &["ocid"],
            &["expected_start"],
        ] {
            manager
                .create_index(index("planned_purchase", cols))
                .await?;
        }
        manager
            .create_table(link_table(
                "planned_purchase_cpv",
                ("planned_purchase_id", "planned_purchase"),
                ("cpv_code", "cpv_code"),
            ))
            .await?;

        let mut identifier = Table::create();
        identifier
            .table("identifier")
            // organisation | supplier
            .col(string_len("subject_kind", 16))
            // GB-GSS, GB-MYSOC (mySociety code), GB-COH, GB-CFS, GB-SRS…,
            // or NAME for a normalised name a body was matched by.
            .col(string_len("scheme", 32))
            .col(string_len("value", 300))
            .col(uuid("subject_id"))
            // Where it was first seen: "OCDS release <id> in <file>", "seed".
            .col(string_len("first_seen", 500))
            .col(timestamp_with_time_zone("created_at"))
            .primary_key(
                Index::create()
                    .col("subject_kind")
                    .col("scheme")
                    .col("value"),
            );
        manager.create_table(identifier.to_owned()).await?;
        manager
            .create_index(index("identifier", &["subject_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "identifier",
                "planned_purchase_cpv",
                "planned_purchase",
                "contract_buyer",
            ],
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ux_contract_source_source_id")
                    .table("contract")
                    .to_owned(),
            )
            .await?;
        for column in contract_columns() {
            let name = column.get_column_name();
            manager
                .alter_table(
                    Table::alter()
                        .table("contract")
                        .drop_column(Alias::new(name))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
