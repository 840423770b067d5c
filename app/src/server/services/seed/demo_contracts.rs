//! Demo contracts: awarded contracts from real UK OCDS releases (Contracts
//! Finder, Public Contracts Scotland, Sell2Wales; OGL), read from a flat
//! per-release summary. This is the minimal mapping; full OCDS import is a
//! later feature. Only releases with named suppliers whose buyer matches a
//! council or strategic authority by one of its known names are kept; the
//! report says how many were skipped and why.
use crate::server::changes::{self, Actor, Change, DocumentKind};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::super::supplier_identity::{self, normalise_supplier_name};
use crate::server::entities::{contract, contract_cpv, contract_supplier, cpv_code, organisation};
use crate::types::commands::ContractSource;

const RELEASES_CSV: &str =
    include_str!("../../../../reference-data/demo/ocds_uk_releases_summary.csv");
const NAME_LOOKUP_CSV: &str =
    include_str!("../../../../reference-data/mysociety_lookup_name_to_registry.csv");
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x8b3e_0c55_1d7a_4f2e_a6c9_44e1_0f3b_9d28);

pub fn contract_id(ocid: &str) -> Uuid {
    Uuid::new_v5(&ID_NAMESPACE, format!("contract/{ocid}").as_bytes())
}

pub fn named_supplier_id(normalised_name: &str) -> Uuid {
    Uuid::new_v5(
        &ID_NAMESPACE,
        format!("supplier/name/{normalised_name}").as_bytes(),
    )
}

#[derive(serde::Deserialize)]
struct ReleaseRow {
    source: String,
    file: String,
    ocid: String,
    release_id: String,
    date: String,
    buyer: String,
    title: String,
    cpv: String,
    award_value_sum: String,
    suppliers: String,
    contract_start: String,
    contract_end: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DemoContract {
    pub ocid: String,
    pub release_id: String,
    pub buyer_register_code: String,
    pub title: String,
    pub cpv_codes: Vec<String>,
    pub value_pence: Option<i64>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub suppliers: Vec<String>,
    pub provenance: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContractsReport {
    pub contracts: usize,
    pub skipped_without_suppliers: usize,
    pub skipped_unknown_buyer: usize,
}

/// "2019-12-09T00:00:00Z" → 2019-12-09.
fn date_part(value: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    value.get(..10).and_then(|d| Date::parse(d, format).ok())
}

/// Pounds as published ("93527", "1200.50") → whole pence.
fn pence(value: &str) -> Option<i64> {
    let pounds: f64 = value.trim().parse().ok()?;
    (pounds.is_finite() && pounds >= 0.0).then(|| (pounds * 100.0).round() as i64)
}

/// Parses the releases, keeping the latest release per ocid.
pub fn bundled() -> Result<(Vec<DemoContract>, ContractsReport), String> {
    let mut names: HashMap<String, String> = HashMap::new();
    for (i, row) in csv::Reader::from_reader(NAME_LOOKUP_CSV.as_bytes())
        .records()
        .enumerate()
    {
        let row = row.map_err(|e| format!("name lookup file, line {}: {e}", i + 2))?;
        names.insert(row[0].trim().to_lowercase(), row[1].trim().to_owned());
    }
    // Buyers must be current councils or strategic authorities (a notice
    // from an abolished council has no organisation to hang off).
    let current: HashSet<String> = super::reference::bundled()?
        .organisations
        .into_iter()
        .map(|o| o.register_code)
        .collect();
    names.retain(|_, code| current.contains(code));
    let mut report = ContractsReport::default();
    let mut latest: BTreeMap<String, (String, DemoContract)> = BTreeMap::new();
    for (i, row) in csv::Reader::from_reader(RELEASES_CSV.as_bytes())
        .deserialize::<ReleaseRow>()
        .enumerate()
    {
        let row = row.map_err(|e| format!("OCDS summary file, line {}: {e}", i + 2))?;
        let suppliers: Vec<String> = row
            .suppliers
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if suppliers.is_empty() {
            report.skipped_without_suppliers += 1;
            continue;
        }
        let Some(code) = names.get(&row.buyer.trim().to_lowercase()) else {
            report.skipped_unknown_buyer += 1;
            continue;
        };
        let contract = DemoContract {
            ocid: row.ocid.trim().to_owned(),
            release_id: row.release_id.trim().to_owned(),
            buyer_register_code: code.clone(),
            title: row.title.trim().to_owned(),
            cpv_codes: row
                .cpv
                .split(';')
                .map(|c| c.trim().chars().take(8).collect::<String>())
                .filter(|c| c.len() == 8)
                .collect(),
            value_pence: pence(&row.award_value_sum),
            start_date: date_part(&row.contract_start),
            end_date: date_part(&row.contract_end),
            suppliers,
            provenance: format!(
                "{} release {} ({})",
                row.source,
                row.release_id.trim(),
                row.file
            ),
        };
        match latest.get(&contract.ocid) {
            Some((date, _)) if *date >= row.date => {}
            _ => {
                latest.insert(contract.ocid.clone(), (row.date.clone(), contract));
            }
        }
    }
    let contracts: Vec<_> = latest.into_values().map(|(_, c)| c).collect();
    report.contracts = contracts.len();
    Ok((contracts, report))
}

/// Upserts the demo contracts, their suppliers and CPV codes in one transaction.
pub async fn load(db: &DatabaseConnection, contracts: &[DemoContract]) -> Result<usize, DbErr> {
    let now = OffsetDateTime::now_utc();
    let txn = db.begin().await?;
    let codes: HashSet<String> = contracts
        .iter()
        .map(|c| c.buyer_register_code.clone())
        .collect();
    let buyers: HashMap<String, Uuid> = organisation::Entity::find()
        .filter(organisation::Column::RegisterCode.is_in(codes))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|o| Some((o.register_code?, o.id)))
        .collect();
    let wanted: HashSet<String> = contracts.iter().flat_map(|c| c.cpv_codes.clone()).collect();
    let known_cpv: HashSet<String> = cpv_code::Entity::find()
        .filter(cpv_code::Column::Code.is_in(wanted))
        .all(&txn)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    // Suppliers by normalised name, resolved once each by the one identity rule.
    let mut supplier_ids: HashMap<String, Uuid> = HashMap::new();
    let mut written = 0;
    let mut documents = Vec::new();
    for c in contracts {
        // Buyers come from the bundled lookup, so a miss means reference data was not loaded.
        let Some(buyer) = buyers.get(&c.buyer_register_code) else {
            return Err(DbErr::Custom(format!(
                "contract {}: buyer {} is not loaded",
                c.ocid, c.buyer_register_code
            )));
        };
        let id = contract_id(&c.ocid);
        contract::Entity::insert(contract::ActiveModel {
            id: Set(id),
            buyer_organisation_id: Set(*buyer),
            title: Set(c.title.clone()),
            description: Set(None),
            value_pence: Set(c.value_pence),
            currency: Set("GBP".to_owned()),
            start_date: Set(c.start_date),
            end_date: Set(c.end_date),
            max_extension_end: Set(None),
            framework_id: Set(None),
            lot_id: Set(None),
            source: Set(ContractSource::Ocds.as_str().to_owned()),
            source_id: Set(Some(c.release_id.clone())),
            ocid: Set(Some(c.ocid.clone())),
            raw_provenance: Set(Some(c.provenance.clone())),
            is_demo: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(contract::Column::Ocid)
                .update_columns([
                    contract::Column::Title,
                    contract::Column::ValuePence,
                    contract::Column::StartDate,
                    contract::Column::EndDate,
                    contract::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let mut linked = HashSet::new();
        for name in &c.suppliers {
            let key = normalise_supplier_name(name);
            let supplier_id = match supplier_ids.get(&key) {
                Some(id) => *id,
                None => {
                    let found = supplier_identity::find_or_create(
                        &txn,
                        name,
                        None,
                        named_supplier_id(&key),
                        true,
                    )
                    .await?;
                    supplier_ids.insert(key.clone(), found.id);
                    found.id
                }
            };
            if linked.insert(supplier_id) {
                contract_supplier::Entity::insert(contract_supplier::ActiveModel {
                    contract_id: Set(id),
                    supplier_id: Set(supplier_id),
                })
                .on_conflict(
                    OnConflict::columns([
                        contract_supplier::Column::ContractId,
                        contract_supplier::Column::SupplierId,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
            }
        }
        for code in c
            .cpv_codes
            .iter()
            .filter(|code| known_cpv.contains(*code))
            .collect::<HashSet<_>>()
        {
            contract_cpv::Entity::insert(contract_cpv::ActiveModel {
                contract_id: Set(id),
                cpv_code: Set(code.clone()),
            })
            .on_conflict(
                OnConflict::columns([
                    contract_cpv::Column::ContractId,
                    contract_cpv::Column::CpvCode,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        written += 1;
        documents.push(id);
    }
    let suppliers: Vec<Uuid> = supplier_ids.values().copied().collect();
    changes::record(
        &txn,
        Actor::System,
        Change::new("demo.contracts_loaded", "demo", "contracts")
            .after(json!({ "contracts": written }))
            .reindex(DocumentKind::Contract, documents)
            .reindex(DocumentKind::Supplier, suppliers),
    )
    .await?;
    txn.commit().await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_dates_map_exactly() {
        assert_eq!(pence("93527"), Some(9_352_700));
        assert_eq!(pence("1200.505"), Some(120_051));
        assert_eq!(pence("-5"), None);
        assert_eq!(pence(""), None);
        assert_eq!(
            date_part("2019-12-09T00:00:00Z"),
            Some(time::macros::date!(2019 - 12 - 09))
        );
        assert_eq!(date_part(""), None);
    }

    #[test]
    fn only_awarded_contracts_of_known_buyers_are_kept() {
        let (contracts, report) = bundled().unwrap();
        assert_eq!(report.contracts, contracts.len());
        // 501 releases: 255 name no supplier; of the rest, the buyer of some is not a
        // current council or strategic authority; four ocids appear twice.
        assert_eq!(report.skipped_without_suppliers, 255);
        assert_eq!(
            report.contracts + report.skipped_unknown_buyer + report.skipped_without_suppliers + 4,
            501
        );
        assert!(contracts.iter().all(|c| !c.suppliers.is_empty()));
        let durham = contracts
            .iter()
            .find(|c| c.title.starts_with("DurhamWorks Provider Panel"))
            .unwrap();
        assert_eq!(durham.buyer_register_code, "DUR");
        assert_eq!(durham.value_pence, Some(70_000_000));
        assert_eq!(durham.suppliers.len(), 15);
        assert_eq!(durham.cpv_codes, vec!["80000000".to_owned()]);
    }
}
