//! Services own the queries and transactions behind each server function.
pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod catalogue_editing;
pub mod contract_register;
pub mod councils;
pub mod demo_catalogue;
pub mod demo_contracts;
pub mod footprints;
pub mod listings;
pub mod reference_data;
pub mod suppliers;
pub mod user_admin;
