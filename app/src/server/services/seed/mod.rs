//! Loading data the service ships with: the reference data (councils,
//! footprints, CPV codes) on every start, and the labelled demo catalogue
//! (real CCS frameworks, lots and suppliers; real OCDS contracts) into an
//! empty catalogue. Loaders write through the one change path as the system,
//! with one summary audit event per load.
pub mod demo_catalogue;
pub mod reference;
