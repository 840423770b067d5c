//! Supplier trust: who vouches for a supplier record, and staff asking for
//! access to one.
//!
//! A record is `listed` when a curator, a buyer, an import or the demo data
//! made it (nobody controls it), `unverified` when someone registered it
//! themselves and a platform admin has not yet checked them, and `verified`
//! once an admin has. An unverified record's Companies House number is only
//! *claimed*: it lives in its own column, so the unique number column (what
//! every typed name and number is matched on) only ever holds numbers that a
//! curator, a buyer, an import or an admin vouched for.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, index, timestamps};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one change per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table("supplier")
                    // listed | unverified | verified (app::types::commands::Verification)
                    .add_column(string_len("verification", 16).default("listed"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("supplier")
                    .add_column(string_len_null("claimed_companies_house_number", 8))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("supplier", &["claimed_companies_house_number"]))
            .await?;
        manager
            .create_index(index("supplier", &["verification"]))
            .await?;
        // Records people registered themselves were never checked: they become
        // claims, and their numbers claimed numbers.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE supplier SET verification = 'unverified', \
                 claimed_companies_house_number = companies_house_number, \
                 companies_house_number = NULL \
                 WHERE id IN (SELECT supplier_id FROM membership WHERE role = 'supplier_editor')",
            )
            .await?;

        let mut request = Table::create();
        request
            .table("supplier_access_request")
            .col(pk_uuid("id"))
            .col(uuid("supplier_id"))
            .col(uuid("user_id"))
            // What the person says about their role at the company.
            .col(text("message"))
            // pending | granted | refused
            .col(string_len("status", 16))
            .col(uuid_null("decided_by"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .foreign_key(&mut fk(
                "supplier_access_request",
                "supplier_id",
                "supplier",
                "id",
                true,
            ))
            .foreign_key(&mut fk(
                "supplier_access_request",
                "user_id",
                "app_user",
                "id",
                true,
            ))
            .foreign_key(&mut fk(
                "supplier_access_request",
                "decided_by",
                "app_user",
                "id",
                false,
            ))
            // One request per person and supplier: asking again reopens it.
            .index(
                Index::create()
                    .name("ux_supplier_access_request_supplier_user")
                    .col("supplier_id")
                    .col("user_id")
                    .unique(),
            );
        timestamps(&mut request);
        manager.create_table(request.to_owned()).await?;
        manager
            .create_index(index("supplier_access_request", &["status"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["supplier_access_request"]).await?;
        // A claimed number goes back to the number column where that keeps it
        // unique; other claims lose it (the older schema had no place for them).
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE supplier SET companies_house_number = claimed_companies_house_number \
                 WHERE companies_house_number IS NULL AND claimed_companies_house_number IS NOT NULL \
                 AND claimed_companies_house_number NOT IN \
                 (SELECT companies_house_number FROM supplier WHERE companies_house_number IS NOT NULL) \
                 AND claimed_companies_house_number IN (SELECT claimed_companies_house_number \
                 FROM supplier GROUP BY claimed_companies_house_number HAVING COUNT(*) = 1)",
            )
            .await?;
        for name in [
            "ix_supplier_verification",
            "ix_supplier_claimed_companies_house_number",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("supplier").to_owned())
                .await?;
        }
        for column in ["claimed_companies_house_number", "verification"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("supplier")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
