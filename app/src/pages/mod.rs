//! One module per page. Pages read the URL, load data through server
//! functions and lay it out with components.
pub mod account;
pub mod admin;
pub mod catalogue;
pub mod council;
pub mod councils;
pub mod demand;
pub mod edit;
pub mod email_links;
pub mod footprint;
pub mod footprints;
pub mod home;
pub mod intents;
pub mod lists;
pub mod market;
pub mod not_found;
pub mod search;
pub mod shortlists;
