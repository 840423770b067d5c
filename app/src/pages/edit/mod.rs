//! Editing pages, one module per aggregate as the services are: each form is
//! the shared `FormFrame` around its fields, named by the constants of its
//! command in `types::commands`. Forms post to their own URL; the server
//! crate's form endpoints take them.
mod contracts;
mod frameworks;
mod lots;
mod offers;
mod register_import;
mod supplier_trust;
mod suppliers;

pub use contracts::ContractFormPage;
pub use frameworks::FrameworkFormPage;
pub use lots::{LotFormPage, LotRemovePage, LotSupplierFormPage};
pub use offers::OfferFormPage;
pub use register_import::RegisterImportFormPage;
pub use supplier_trust::{
    AccessDecisionPage, AccessRequestPage, MergeSupplierPage, SupplierTrustPage,
    TransferSupplierPage, VerifySupplierPage,
};
pub use suppliers::{ColleagueFormPage, ColleagueRemovePage, SupplierFormPage};
