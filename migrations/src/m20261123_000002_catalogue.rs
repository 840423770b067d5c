//! The catalogue: suppliers, frameworks, lots, lot places, offers, contracts
//! and joint buying intents. Money is stored in whole pence (BIGINT) so both
//! backends agree exactly; dates are calendar dates.
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{drop_tables, fk, index, link_table, timestamps};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut supplier = Table::create();
        supplier
            .table("supplier")
            .col(pk_uuid("id"))
            .col(string_len("name", 300))
            // Lowercased name without legal suffixes, for matching notices to suppliers.
            .col(string_len("normalised_name", 300))
            .col(string_len_uniq("companies_house_number", 8).null())
            .col(string_len_null("vat_number", 14))
            .col(boolean("is_sme").default(false))
            .col(boolean("is_vcse").default(false))
            .col(string_len_null("region", 64))
            .col(string_len_null("website", 300))
            .col(text_null("description"))
            .col(boolean("is_demo").default(false));
        timestamps(&mut supplier);
        manager.create_table(supplier.to_owned()).await?;
        manager
            .create_index(index("supplier", &["normalised_name"]))
            .await?;

        let mut framework = Table::create();
        framework
            .table("framework")
            .col(pk_uuid("id"))
            .col(string_len_uniq("reference", 64))
            .col(string_len_null("title", 400))
            .col(string_len("owner_name", 200))
            .col(uuid_null("owner_organisation_id"))
            .col(text_null("description"))
            .col(date_null("start_date"))
            .col(date_null("end_date"))
            .col(date_null("max_extension_end"))
            // Comma-separated codes: direct_award, further_competition.
            .col(string_len("routes_to_market", 100).default(""))
            // Levy in basis points (1.5% = 150), exact on both backends.
            .col(integer_null("levy_basis_points"))
            // all_uk_public_sector | listed (see framework_eligibility rows);
            // the values of app::types::commands::EligibilityScope
            .col(string_len("eligibility_scope", 32).default("all_uk_public_sector"))
            .col(string_len_null("url", 500))
            .col(boolean("is_demo").default(false))
            .foreign_key(&mut fk(
                "framework",
                "owner_organisation_id",
                "organisation",
                "id",
                false,
            ));
        timestamps(&mut framework);
        manager.create_table(framework.to_owned()).await?;
        manager
            .create_index(index("framework", &["end_date"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("framework_eligibility")
                    .col(pk_uuid("id"))
                    .col(uuid("framework_id"))
                    // buyer_type | footprint | region | nation
                    .col(string_len("kind", 16))
                    .col(string_len("value", 200))
                    .foreign_key(&mut fk(
                        "framework_eligibility",
                        "framework_id",
                        "framework",
                        "id",
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index("framework_eligibility", &["framework_id", "kind", "value"])
                    .unique()
                    .to_owned(),
            )
            .await?;

        let mut lot = Table::create();
        lot.table("lot")
            .col(pk_uuid("id"))
            .col(uuid("framework_id"))
            .col(string_len("number", 16))
            .col(string_len("title", 400))
            .col(text_null("description"))
            .foreign_key(&mut fk("lot", "framework_id", "framework", "id", true));
        timestamps(&mut lot);
        manager.create_table(lot.to_owned()).await?;
        manager
            .create_index(
                index("lot", &["framework_id", "number"])
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(link_table(
                "lot_cpv",
                ("lot_id", "lot"),
                ("cpv_code", "cpv_code"),
            ))
            .await?;

        let mut lot_supplier = Table::create();
        lot_supplier
            .table("lot_supplier")
            .col(uuid("lot_id"))
            .col(uuid("supplier_id"))
            // active | suspended | excluded
            .col(string_len("status", 16).default("active"))
            .primary_key(Index::create().col("lot_id").col("supplier_id"))
            .foreign_key(&mut fk("lot_supplier", "lot_id", "lot", "id", true))
            .foreign_key(&mut fk(
                "lot_supplier",
                "supplier_id",
                "supplier",
                "id",
                true,
            ));
        timestamps(&mut lot_supplier);
        manager.create_table(lot_supplier.to_owned()).await?;
        manager
            .create_index(index("lot_supplier", &["supplier_id"]))
            .await?;

        let mut offer = Table::create();
        offer
            .table("offer")
            .col(pk_uuid("id"))
            .col(uuid("supplier_id"))
            .col(string_len("title", 300))
            .col(string_len("summary", 1000))
            .col(text_null("description"))
            .col(text_null("features"))
            .col(text_null("benefits"))
            .col(string_len_null("pricing_model", 32))
            .col(big_integer_null("price_pence"))
            .col(string_len_null("price_unit", 64))
            .col(text_null("accessibility_notes"))
            .col(text_null("open_standards_notes"))
            // draft | published | withdrawn
            .col(string_len("status", 16).default("draft"))
            .col(boolean("is_demo").default(false))
            .foreign_key(&mut fk("offer", "supplier_id", "supplier", "id", true));
        timestamps(&mut offer);
        manager.create_table(offer.to_owned()).await?;
        manager
            .create_index(index("offer", &["supplier_id"]))
            .await?;
        manager
            .create_table(link_table(
                "offer_cpv",
                ("offer_id", "offer"),
                ("cpv_code", "cpv_code"),
            ))
            .await?;
        manager
            .create_table(link_table(
                "offer_lot",
                ("offer_id", "offer"),
                ("lot_id", "lot"),
            ))
            .await?;
        manager
            .create_table(link_table(
                "offer_footprint",
                ("offer_id", "offer"),
                ("footprint_id", "footprint"),
            ))
            .await?;

        let mut contract = Table::create();
        contract
            .table("contract")
            .col(pk_uuid("id"))
            .col(uuid("buyer_organisation_id"))
            .col(string_len("title", 500))
            .col(text_null("description"))
            .col(big_integer_null("value_pence"))
            .col(char_len("currency", 3).default("GBP"))
            .col(date_null("start_date"))
            .col(date_null("end_date"))
            .col(date_null("max_extension_end"))
            .col(uuid_null("framework_id"))
            .col(uuid_null("lot_id"))
            // register | ocds | transparency_csv (app::types::commands::ContractSource)
            .col(string_len("source", 32))
            .col(string_len_null("source_id", 200))
            // OCDS contracting process id; one contract row per ocid.
            .col(string_len_uniq("ocid", 200).null())
            // The source record as received, for provenance.
            .col(text_null("raw_provenance"))
            .col(boolean("is_demo").default(false))
            .foreign_key(&mut fk(
                "contract",
                "buyer_organisation_id",
                "organisation",
                "id",
                false,
            ))
            .foreign_key(&mut fk(
                "contract",
                "framework_id",
                "framework",
                "id",
                false,
            ))
            .foreign_key(&mut fk("contract", "lot_id", "lot", "id", false));
        timestamps(&mut contract);
        manager.create_table(contract.to_owned()).await?;
        for cols in [
            &["buyer_organisation_id"][..],
            &["end_date"],
            &["framework_id", "lot_id"],
        ] {
            manager.create_index(index("contract", cols)).await?;
        }
        manager
            .create_table(link_table(
                "contract_supplier",
                ("contract_id", "contract"),
                ("supplier_id", "supplier"),
            ))
            .await?;
        manager
            .create_table(link_table(
                "contract_cpv",
                ("contract_id", "contract"),
                ("cpv_code", "cpv_code"),
            ))
            .await?;

        let mut intent = Table::create();
        intent
            .table("buying_intent")
            .col(pk_uuid("id"))
            .col(uuid("owner_organisation_id"))
            .col(uuid_null("footprint_id"))
            .col(string_len("title", 300))
            .col(text("need_description"))
            .col(big_integer_null("estimated_value_pence"))
            .col(date_null("window_start"))
            .col(date_null("window_end"))
            // open | committed | in_procurement | awarded | withdrawn
            .col(string_len("status", 16).default("open"))
            .col(uuid_null("lead_organisation_id"))
            .col(boolean("is_demo").default(false))
            .foreign_key(&mut fk(
                "buying_intent",
                "owner_organisation_id",
                "organisation",
                "id",
                false,
            ))
            .foreign_key(&mut fk(
                "buying_intent",
                "footprint_id",
                "footprint",
                "id",
                false,
            ))
            .foreign_key(&mut fk(
                "buying_intent",
                "lead_organisation_id",
                "organisation",
                "id",
                false,
            ));
        timestamps(&mut intent);
        manager.create_table(intent.to_owned()).await?;
        manager
            .create_index(index("buying_intent", &["footprint_id", "status"]))
            .await?;
        manager
            .create_table(link_table(
                "buying_intent_cpv",
                ("buying_intent_id", "buying_intent"),
                ("cpv_code", "cpv_code"),
            ))
            .await?;

        let mut participant = Table::create();
        participant
            .table("intent_participant")
            .col(uuid("buying_intent_id"))
            .col(uuid("organisation_id"))
            .col(string_len_null("volume_note", 500))
            .col(big_integer_null("value_pence"))
            // interested | committed | withdrawn
            .col(string_len("status", 16).default("interested"))
            .primary_key(
                Index::create()
                    .col("buying_intent_id")
                    .col("organisation_id"),
            )
            .foreign_key(&mut fk(
                "intent_participant",
                "buying_intent_id",
                "buying_intent",
                "id",
                true,
            ))
            .foreign_key(&mut fk(
                "intent_participant",
                "organisation_id",
                "organisation",
                "id",
                false,
            ));
        timestamps(&mut participant);
        manager.create_table(participant.to_owned()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "intent_participant",
                "buying_intent_cpv",
                "buying_intent",
                "contract_cpv",
                "contract_supplier",
                "contract",
                "offer_footprint",
                "offer_lot",
                "offer_cpv",
                "offer",
                "lot_supplier",
                "lot_cpv",
                "lot",
                "framework_eligibility",
                "framework",
                "supplier",
            ],
        )
        .await
    }
}
