//! Demo catalogue: real framework agreements, lots and supplier places from
//! public records, loaded through the framework importer itself
//! (`services::framework_imports`), then the bundled real notices through
//! the notice importers. Every row is marked `is_demo` and the pages say so.
//! Titles the data lacks stay empty ("Title not published").
//!
//! The files are layered in this order, each stating what it knows: the
//! CCS Data Submission Service lots and supplier places (2018–19), the
//! Crown Marketplace frameworks and lots, the CCS lots and the framework
//! titles gathered from public sources, the DfE list of frameworks for
//! schools (other owners: ESPO, YPO, NEPO, CPC…), and last the CCS website's
//! agreements (2026), the newest statement of titles, dates and lots.
//! Sources and licences: README, "Reference data".
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};

use crate::server::changes::Actor;
use crate::server::entities::{framework, lot, lot_supplier, supplier};
use crate::server::import::frameworks;
use crate::server::services::framework_imports::import_frameworks;
use crate::server::services::imports::{FileReport, ImportContext};

/// One bundled framework file: its name and gzip bytes.
pub struct BundledFrameworkFile {
    pub name: &'static str,
    pub gzip: &'static [u8],
}

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        &[$(BundledFrameworkFile {
            name: $name,
            gzip: include_bytes!(concat!("../../../../reference-data/open-data/frameworks/", $name)),
        }),*]
    };
}

/// In loading order (see the module header for why).
pub const FILES: &[BundledFrameworkFile] = bundled![
    "ccs_framework_lots.csv.gz",
    "ccs_lot_suppliers_2019.csv.gz",
    "ccs_agreement_lot_suppliers.csv.gz",
    "ccs_marketplace_frameworks.csv.gz",
    "ccs_marketplace_lots.csv.gz",
    "derived_ccs_scale_lots.csv.gz",
    "derived_framework_titles.csv.gz",
    "dfe_buying_for_schools_frameworks.json.gz",
    "ccs_website_agreements_2026.csv.gz",
];

impl BundledFrameworkFile {
    pub fn read(&self) -> Result<frameworks::FrameworkFile, DbErr> {
        frameworks::read(self.name, self.gzip.to_vec())
            .map_err(|e| DbErr::Custom(format!("bundled frameworks: {e}")))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoReport {
    pub frameworks: u64,
    pub lots: u64,
    pub suppliers: u64,
    pub lot_places: u64,
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
    load_frameworks(db).await?;
    let notices = crate::server::services::imports::load_bundled(db).await?;
    Ok(Some(DemoReport {
        frameworks: framework::Entity::find().count(db).await?,
        lots: lot::Entity::find().count(db).await?,
        suppliers: supplier::Entity::find().count(db).await?,
        lot_places: lot_supplier::Entity::find().count(db).await?,
        notices: notices.iter().map(|r| r.new + r.updated).sum(),
    }))
}

/// Imports every bundled framework file as demo data, in order. A bundled
/// file that is refused is a build defect, so it is an error.
pub async fn load_frameworks(db: &DatabaseConnection) -> Result<Vec<FileReport>, DbErr> {
    let mut ctx = ImportContext::load(db, true).await?;
    let mut reports = Vec::new();
    for file in FILES {
        let report =
            import_frameworks(db, &mut ctx, Actor::System, file.name, &file.read()?).await?;
        if let Some(error) = &report.error {
            return Err(DbErr::Custom(format!("bundled frameworks: {error}")));
        }
        reports.push(report);
    }
    Ok(reports)
}
