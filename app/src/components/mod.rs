//! Reusable GOV.UK Frontend components. They take their data via props and
//! never fetch anything themselves, except the supplier picker's live
//! search, which calls the same server function its GET search shows.
pub mod filters;
pub mod forms;
pub mod head;
pub mod layout;
pub mod pagination;
pub mod status;
pub mod supplier_picker;
