//! Reusable GOV.UK Frontend components. They take their data via props and
//! never fetch anything themselves.
pub mod filters;
pub mod forms;
pub mod layout;
pub mod pagination;
pub mod status;
