//! Services own the queries and transactions behind each server function.
pub mod councils;
pub mod footprints;
pub mod reference_data;
