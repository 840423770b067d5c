//! Reference data: public bodies (councils and strategic authorities),
//! devolution footprints and their members, and the CPV 2008 vocabulary.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, index, timestamps};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("cpv_code")
                    // Eight-digit code without the check digit, as Contracts Finder publishes it.
                    .col(string_len("code", 8).primary_key())
                    .col(char_len("check_digit", 1))
                    .col(string_len("label", 400))
                    .col(small_integer("level"))
                    .col(char_len("division", 2))
                    .col(string_len_null("parent_code", 8))
                    .foreign_key(&mut fk(
                        "cpv_code",
                        "parent_code",
                        "cpv_code",
                        "code",
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("cpv_code", &["parent_code"]))
            .await?;

        let mut organisation = Table::create();
        organisation
            .table("organisation")
            .col(pk_uuid("id"))
            // ONS GSS code (E08000003); unique when present. Non-statutory bodies may lack one.
            .col(string_len_uniq("gss_code", 9).null())
            // mySociety / register code (MAN); unique when present.
            .col(string_len_uniq("register_code", 8).null())
            .col(string_len("name", 200))
            .col(string_len("short_name", 200))
            // council | strategic_authority | public_body
            .col(string_len("category", 32))
            // mySociety type code: CTY, NMD, UA, MD, LBO, CC, WPA, SCO, NID, COMB, SRA…
            .col(string_len("org_type", 8))
            .col(string_len("org_type_name", 64))
            .col(string_len_null("region", 64))
            .col(string_len("nation", 32))
            .col(uuid_null("parent_county_id"))
            .col(date_null("start_date"))
            .col(date_null("end_date"))
            .col(string_len_null("website", 300))
            .col(integer_null("population"))
            .foreign_key(&mut fk(
                "organisation",
                "parent_county_id",
                "organisation",
                "id",
                false,
            ));
        timestamps(&mut organisation);
        manager.create_table(organisation.to_owned()).await?;
        for cols in [
            &["category", "nation", "region", "org_type"][..],
            &["short_name"],
            &["parent_county_id"],
        ] {
            manager.create_index(index("organisation", cols)).await?;
        }

        let mut footprint = Table::create();
        footprint
            .table("footprint")
            .col(pk_uuid("id"))
            // URL key: the GSS code for statutory footprints, a slug for consortia.
            .col(string_len_uniq("code", 64))
            .col(string_len_uniq("gss_code", 9).null())
            .col(string_len("name", 200))
            .col(string_len("short_name", 200))
            // combined_authority | combined_county_authority | strategic_authority | consortium
            .col(string_len("kind", 32))
            // The authority that governs the footprint, when it is itself a body.
            .col(uuid_null("organisation_id"))
            .col(date_null("start_date"))
            .col(date_null("end_date"))
            .col(text_null("description"))
            .col(string_len_null("source_note", 400))
            .foreign_key(&mut fk(
                "footprint",
                "organisation_id",
                "organisation",
                "id",
                false,
            ));
        timestamps(&mut footprint);
        manager.create_table(footprint.to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table("footprint_member")
                    .col(uuid("footprint_id"))
                    .col(uuid("organisation_id"))
                    .col(date_null("joined_on"))
                    .col(date_null("left_on"))
                    .primary_key(Index::create().col("footprint_id").col("organisation_id"))
                    .foreign_key(&mut fk(
                        "footprint_member",
                        "footprint_id",
                        "footprint",
                        "id",
                        true,
                    ))
                    .foreign_key(&mut fk(
                        "footprint_member",
                        "organisation_id",
                        "organisation",
                        "id",
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("footprint_member", &["organisation_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &["footprint_member", "footprint", "organisation", "cpv_code"],
        )
        .await
    }
}
