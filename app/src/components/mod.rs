//! Reusable GOV.UK Frontend components. They take their data via props and
//! never fetch anything themselves, except two islands: the supplier
//! picker's live search, which calls the same server function its GET
//! search shows, and the search box's live results, which load the same
//! page its GET form loads.
pub mod filters;
pub mod forms;
pub mod head;
pub mod layout;
pub mod live_search;
pub mod pagination;
pub mod status;
pub mod supplier_picker;
