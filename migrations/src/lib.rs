//! Database schema for Procurement Commons, as sea-orm migrations that run
//! unchanged on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_reference;
mod m20261123_000002_catalogue;
mod m20261123_000003_accounts;
mod m20261201_000004_supplier_trust;
mod m20261201_000005_email;
mod m20261205_000006_imports;
mod m20261205_000007_framework_details;
mod m20261206_000008_shortlists;
mod m20261206_000009_intent_lifecycle;
mod m20261207_000010_demand_follow;
mod support;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_reference::Migration),
            Box::new(m20261123_000002_catalogue::Migration),
            Box::new(m20261123_000003_accounts::Migration),
            Box::new(m20261201_000004_supplier_trust::Migration),
            Box::new(m20261201_000005_email::Migration),
            Box::new(m20261205_000006_imports::Migration),
            Box::new(m20261205_000007_framework_details::Migration),
            Box::new(m20261206_000008_shortlists::Migration),
            Box::new(m20261206_000009_intent_lifecycle::Migration),
            Box::new(m20261207_000010_demand_follow::Migration),
        ]
    }
}
