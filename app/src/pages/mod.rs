//! One module per page. Pages read the URL, load data through server
//! functions and lay it out with components.
pub mod catalogue;
pub mod council;
pub mod councils;
pub mod footprint;
pub mod footprints;
pub mod home;
pub mod not_found;
