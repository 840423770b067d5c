//! Demo catalogue: real Crown Commercial Service frameworks, lots and supplier
//! places (CCS Data Submission Service seed files 2018–19 and Crown
//! Marketplace reference tables, MIT). Every row is marked `is_demo` and the
//! pages say so. Titles the data lacks stay empty ("Title not published").
//! Parsing is pure; [`load`] writes everything in one transaction with
//! deterministic ids, so loading twice is the same as once.
use crate::server::changes::{self, Actor, Change, DocumentKind};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, TransactionTrait,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::super::supplier_identity::supplier_row;
use crate::server::entities::{framework, lot, lot_supplier, supplier};
use crate::types::commands::{EligibilityScope, PlaceStatus};

const FRAMEWORK_LOTS_CSV: &str =
    include_str!("../../../../reference-data/demo/ccs_framework_lots.csv");
const LOT_SUPPLIERS_CSV: &str =
    include_str!("../../../../reference-data/demo/ccs_lot_suppliers_2019.csv");
const AGREEMENT_SUPPLIERS_CSV: &str =
    include_str!("../../../../reference-data/demo/ccs_agreement_lot_suppliers.csv");
const MARKETPLACE_FRAMEWORKS_CSV: &str =
    include_str!("../../../../reference-data/demo/ccs_marketplace_frameworks.csv");
const MARKETPLACE_LOTS_CSV: &str =
    include_str!("../../../../reference-data/demo/ccs_marketplace_lots.csv");

const ID_NAMESPACE: Uuid = Uuid::from_u128(0x2f7d_91c4_5a0b_4c33_8e1f_6b2a_9d40_c715);
const OWNER: &str = "Crown Commercial Service";
const CHUNK: usize = 400;

pub fn framework_id(reference: &str) -> Uuid {
    Uuid::new_v5(&ID_NAMESPACE, format!("framework/{reference}").as_bytes())
}

pub fn lot_id(reference: &str, number: &str) -> Uuid {
    Uuid::new_v5(
        &ID_NAMESPACE,
        format!("lot/{reference}/{number}").as_bytes(),
    )
}

pub fn supplier_id(source_id: &str) -> Uuid {
    Uuid::new_v5(
        &ID_NAMESPACE,
        format!("supplier/ccs-salesforce/{source_id}").as_bytes(),
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct DemoFramework {
    pub reference: String,
    pub description: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// (lot number, lot title)
    pub lots: Vec<(String, String)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemoCatalogue {
    pub frameworks: Vec<DemoFramework>,
    /// source id → name
    pub suppliers: BTreeMap<String, String>,
    /// (framework reference, lot number, supplier source id)
    pub places: Vec<(String, String, String)>,
}

#[derive(serde::Deserialize)]
struct FrameworkLotRow {
    framework_number: String,
    lot_number: String,
    lot_description: String,
}

#[derive(serde::Deserialize)]
struct SupplierPlaceRow {
    #[serde(alias = "framework_number")]
    framework_short_name: String,
    lot_number: String,
    salesforce_id: String,
    supplier_name: String,
}

#[derive(serde::Deserialize)]
struct MarketplaceFramework {
    id: String,
    service: String,
    live_at: String,
    expires_at: String,
}

#[derive(serde::Deserialize)]
struct MarketplaceLot {
    framework_id: String,
    number: String,
    name: String,
}

fn rows<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, String> {
    // Some CCS exports start with a UTF-8 byte-order mark.
    let text = text.trim_start_matches('\u{feff}');
    // Rows in the CCS exports sometimes carry a trailing empty field.
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes())
        .deserialize::<T>()
        .enumerate()
        .map(|(i, row)| row.map_err(|e| format!("{file}, line {}: {e}", i + 2)))
        .collect()
}

fn date(file: &str, value: &str) -> Result<Option<Date>, String> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(value.trim(), format)
        .map(Some)
        .map_err(|e| format!("{file}: {value:?} is not a date ({e})"))
}

/// "facilities_management" → "Facilities management".
fn service_label(service: &str) -> String {
    let spaced = service.replace('_', " ");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn entry<'a>(
    frameworks: &'a mut BTreeMap<String, DemoFramework>,
    reference: &str,
) -> &'a mut DemoFramework {
    frameworks
        .entry(reference.to_owned())
        .or_insert_with(|| DemoFramework {
            reference: reference.to_owned(),
            description: None,
            start_date: None,
            end_date: None,
            lots: Vec::new(),
        })
}

pub fn bundled() -> Result<DemoCatalogue, String> {
    let mut frameworks: BTreeMap<String, DemoFramework> = BTreeMap::new();
    for row in rows::<FrameworkLotRow>("framework lots file", FRAMEWORK_LOTS_CSV)? {
        // The source repeats three lot numbers: one row is marked "(Duplicate -
        // Removed)", the other two differ only in wording or are ambiguous;
        // the first usable row wins so each lot number is unique.
        if row.lot_description.contains("(Duplicate - Removed)") {
            continue;
        }
        let framework = entry(&mut frameworks, row.framework_number.trim());
        if !framework
            .lots
            .iter()
            .any(|(n, _)| n == row.lot_number.trim())
        {
            framework.lots.push((
                row.lot_number.trim().to_owned(),
                row.lot_description.trim().to_owned(),
            ));
        }
    }
    for row in
        rows::<MarketplaceFramework>("marketplace frameworks file", MARKETPLACE_FRAMEWORKS_CSV)?
    {
        let framework = entry(&mut frameworks, row.id.trim());
        framework.description = Some(format!("Service area: {}.", service_label(&row.service)));
        framework.start_date = date("marketplace frameworks file", &row.live_at)?;
        framework.end_date = date("marketplace frameworks file", &row.expires_at)?;
    }
    for row in rows::<MarketplaceLot>("marketplace lots file", MARKETPLACE_LOTS_CSV)? {
        let framework = entry(&mut frameworks, row.framework_id.trim());
        if !framework.lots.iter().any(|(n, _)| n == row.number.trim()) {
            framework
                .lots
                .push((row.number.trim().to_owned(), row.name.trim().to_owned()));
        }
    }
    let mut suppliers = BTreeMap::new();
    let mut places = Vec::new();
    let known_lots: HashMap<(String, String), ()> = frameworks
        .values()
        .flat_map(|f| {
            f.lots
                .iter()
                .map(|(n, _)| ((f.reference.clone(), n.clone()), ()))
        })
        .collect();
    for (file, text) in [
        ("lot suppliers file", LOT_SUPPLIERS_CSV),
        ("agreement suppliers file", AGREEMENT_SUPPLIERS_CSV),
    ] {
        for (index, row) in rows::<SupplierPlaceRow>(file, text)?
            .into_iter()
            .enumerate()
        {
            let key = (
                row.framework_short_name.trim().to_owned(),
                row.lot_number.trim().to_owned(),
            );
            if !known_lots.contains_key(&key) {
                return Err(format!(
                    "{file}, line {}: lot {} of {} is not in the framework lots file",
                    index + 2,
                    key.1,
                    key.0
                ));
            }
            suppliers
                .entry(row.salesforce_id.trim().to_owned())
                .or_insert_with(|| row.supplier_name.trim().to_owned());
            places.push((key.0, key.1, row.salesforce_id.trim().to_owned()));
        }
    }
    places.sort();
    places.dedup();
    Ok(DemoCatalogue {
        frameworks: frameworks.into_values().collect(),
        suppliers,
        places,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoReport {
    pub frameworks: usize,
    pub lots: usize,
    pub suppliers: usize,
    pub lot_places: usize,
    /// Real published notices loaded alongside through the importers
    /// (`import::bundled`): contracts and planned purchases written.
    pub notices: usize,
}

/// Loads the demo catalogue unless the catalogue already has frameworks
/// (a real catalogue is never mixed with demo rows by accident).
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<Option<DemoReport>, DbErr> {
    if framework::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let catalogue = bundled().map_err(DbErr::Custom)?;
    let report = load(db, &catalogue).await?;
    let notices = crate::server::services::imports::load_bundled(db).await?;
    Ok(Some(DemoReport {
        notices: notices.iter().map(|r| r.new + r.updated).sum(),
        ..report
    }))
}

/// Upserts the demo catalogue in one transaction.
pub async fn load(db: &DatabaseConnection, catalogue: &DemoCatalogue) -> Result<DemoReport, DbErr> {
    let now = OffsetDateTime::now_utc();
    let txn = db.begin().await?;
    let frameworks = catalogue.frameworks.iter().map(|f| framework::ActiveModel {
        id: Set(framework_id(&f.reference)),
        reference: Set(f.reference.clone()),
        title: Set(None),
        owner_name: Set(OWNER.to_owned()),
        owner_organisation_id: Set(None),
        description: Set(f.description.clone()),
        start_date: Set(f.start_date),
        end_date: Set(f.end_date),
        max_extension_end: Set(None),
        routes_to_market: Set(String::new()),
        levy_basis_points: Set(None),
        eligibility_scope: Set(EligibilityScope::AllUkPublicSector.as_str().to_owned()),
        url: Set(None),
        is_demo: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    });
    let frameworks: Vec<_> = frameworks.collect();
    for chunk in frameworks.chunks(CHUNK) {
        framework::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(framework::Column::Id)
                    .update_columns([
                        framework::Column::Description,
                        framework::Column::StartDate,
                        framework::Column::EndDate,
                        framework::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let lots: Vec<_> = catalogue
        .frameworks
        .iter()
        .flat_map(|f| {
            f.lots.iter().map(move |(number, title)| lot::ActiveModel {
                id: Set(lot_id(&f.reference, number)),
                framework_id: Set(framework_id(&f.reference)),
                number: Set(number.clone()),
                title: Set(title.clone()),
                description: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
        })
        .collect();
    for chunk in lots.chunks(CHUNK) {
        lot::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(lot::Column::Id)
                    .update_columns([lot::Column::Title, lot::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let suppliers: Vec<_> = catalogue
        .suppliers
        .iter()
        .map(|(source_id, name)| supplier_row(supplier_id(source_id), name, None, true, now))
        .collect();
    for chunk in suppliers.chunks(CHUNK) {
        supplier::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(supplier::Column::Id)
                    .update_columns([
                        supplier::Column::Name,
                        supplier::Column::NormalisedName,
                        supplier::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let places: Vec<_> = catalogue
        .places
        .iter()
        .map(|(reference, number, source_id)| lot_supplier::ActiveModel {
            lot_id: Set(lot_id(reference, number)),
            supplier_id: Set(supplier_id(source_id)),
            status: Set(PlaceStatus::Active.as_str().to_owned()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    for chunk in places.chunks(CHUNK) {
        lot_supplier::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    lot_supplier::Column::LotId,
                    lot_supplier::Column::SupplierId,
                ])
                .update_column(lot_supplier::Column::UpdatedAt)
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let report = DemoReport {
        frameworks: frameworks.len(),
        lots: lots.len(),
        suppliers: suppliers.len(),
        lot_places: places.len(),
        notices: 0,
    };
    changes::record(
        &txn,
        Actor::System,
        Change::new("demo.catalogue_loaded", "demo", "catalogue")
            .after(json!({
                "frameworks": report.frameworks,
                "lots": report.lots,
                "suppliers": report.suppliers,
                "lot_places": report.lot_places,
            }))
            .reindex(
                DocumentKind::Framework,
                frameworks.iter().map(|f| *f.id.as_ref()),
            )
            .reindex(DocumentKind::Lot, lots.iter().map(|l| *l.id.as_ref()))
            .reindex(
                DocumentKind::Supplier,
                suppliers.iter().map(|s| *s.id.as_ref()),
            ),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_catalogue_is_complete_and_consistent() {
        let catalogue = bundled().unwrap();
        // 316 frameworks in the submission files plus 9 marketplace-only ones.
        assert_eq!(catalogue.frameworks.len(), 325);
        let lots: usize = catalogue.frameworks.iter().map(|f| f.lots.len()).sum();
        // Submission lots: 1,494 rows, 3 repeated numbers. Marketplace lots: 69 rows but 58 distinct (framework, number) pairs; the
        // repeats are identical rows in the source file.
        assert_eq!(lots, 1491 + 58);
        assert_eq!(catalogue.suppliers.len(), 3947);
        let rm6232 = catalogue
            .frameworks
            .iter()
            .find(|f| f.reference == "RM6232")
            .unwrap();
        assert_eq!(rm6232.end_date, Some(time::macros::date!(2027 - 03 - 08)));
        assert_eq!(
            rm6232.description.as_deref(),
            Some("Service area: Facilities management.")
        );
        // No lot appears twice within a framework.
        for f in &catalogue.frameworks {
            let mut numbers: Vec<_> = f.lots.iter().map(|(n, _)| n).collect();
            numbers.sort();
            numbers.dedup();
            assert_eq!(numbers.len(), f.lots.len(), "{}", f.reference);
        }
    }

    #[test]
    fn service_labels_read_as_plain_english() {
        assert_eq!(
            service_label("legal_panel_for_government"),
            "Legal panel for government"
        );
    }
}
