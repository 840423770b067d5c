//! The data behind every curation and editing form page: the permission
//! check, the record's current values (or a failed submission's) and the
//! form's choices. Changes go through the form endpoints in the server crate,
//! which call the same services.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use super::support;
use crate::types::{
    AccessRequestItem, AppError, ContractFormHeading, FormPage, FrameworkFormOptions, LotHeading,
    OfferFormOptions, RegisterImportPage, SupplierChoiceItem, SupplierClaim, SupplierFormOptions,
    SupplierTrustOverview, WithFinder,
};

/// The page's data with a supplier finder: what `query` matches, and the
/// records the form's values already pick.
#[cfg(feature = "ssr")]
async fn with_finder<T>(
    page: FormPage<T>,
    query: Option<String>,
) -> Result<FormPage<WithFinder<T>>, AppError> {
    use crate::types::commands::supplier as field;
    let state = super::state()?;
    let picked: Vec<Uuid> = page
        .form
        .values_of(field::PICK)
        .filter_map(|v| Uuid::parse_str(v).ok())
        .collect();
    let finder = crate::server::services::supplier_identity::finder(
        &state.db,
        query.as_deref().unwrap_or_default(),
        &picked,
    )
    .await?;
    Ok(FormPage {
        csrf_token: page.csrf_token,
        form: page.form,
        data: WithFinder {
            data: page.data,
            finder,
        },
    })
}

/// Trusted supplier records matching `query`, for a finder's live results
/// (the same list its plain GET search shows). Supplier records are public.
#[server(endpoint = "suppliers/find", input = GetUrl)]
pub async fn find_suppliers(query: String) -> Result<Vec<SupplierChoiceItem>, AppError> {
    let state = super::state()?;
    Ok(crate::server::services::supplier_identity::search(&state.db, &query).await?)
}

#[server(endpoint = "frameworks/form", input = GetUrl)]
pub async fn framework_form(id: Option<Uuid>) -> Result<FormPage<FrameworkFormOptions>, AppError> {
    use crate::server::services::frameworks;
    use crate::types::commands::{EligibilityScope, framework as field};
    let state = super::state()?;
    let viewer = support::viewer();
    let options = frameworks::framework_form_options(&state.db, viewer.as_ref()).await?;
    let initial = match id {
        Some(id) => frameworks::form_values(&state.db, viewer.as_ref(), id).await?,
        None => vec![
            (
                field::ELIGIBILITY_SCOPE.to_owned(),
                EligibilityScope::AllUkPublicSector.as_str().to_owned(),
            ),
            (
                field::OWNER_ORGANISATION_ID.to_owned(),
                options
                    .owners
                    .first()
                    .filter(|_| !options.may_file_nationally)
                    .map(|o| o.value.clone())
                    .unwrap_or_default(),
            ),
        ],
    };
    support::form_page(initial, options)
}

/// New lot (`framework_id`) or change lot (`lot_id`).
#[server(endpoint = "lots/form", input = GetUrl)]
pub async fn lot_form(
    framework_id: Option<Uuid>,
    lot_id: Option<Uuid>,
) -> Result<FormPage<LotHeading>, AppError> {
    use crate::server::services::{frameworks, lots};
    let state = super::state()?;
    let viewer = support::viewer();
    if let Some(lot_id) = lot_id {
        let initial = lots::form_values(&state.db, viewer.as_ref(), lot_id).await?;
        return support::form_page(initial, lot_heading(lot_id).await?);
    }
    let framework_id = framework_id.ok_or_else(|| AppError::NotFound("Framework".into()))?;
    let (reference, title) = frameworks::heading(&state.db, viewer.as_ref(), framework_id).await?;
    support::form_page(
        Vec::new(),
        LotHeading {
            framework_id,
            framework_reference: reference,
            framework_title: title,
            lot_id: None,
            lot_title: None,
        },
    )
}

/// The heading of a lot's forms, after the permission check.
#[cfg(feature = "ssr")]
async fn lot_heading(lot_id: Uuid) -> Result<LotHeading, AppError> {
    let state = super::state()?;
    let (lot, framework) = crate::server::services::lots::lot_for_change(
        &state.db,
        support::viewer().as_ref(),
        lot_id,
    )
    .await?;
    Ok(LotHeading {
        framework_id: framework.id,
        framework_reference: framework.reference,
        framework_title: framework.title.unwrap_or_default(),
        lot_id: Some(lot.id),
        lot_title: Some(format!("Lot {}: {}", lot.number, lot.title)),
    })
}

/// Add a supplier to a lot, or (with `supplier`) change that supplier's status.
#[server(endpoint = "lots/supplier-form", input = GetUrl)]
pub async fn lot_supplier_form(
    lot_id: Uuid,
    supplier: Option<Uuid>,
    query: Option<String>,
) -> Result<FormPage<WithFinder<LotHeading>>, AppError> {
    let heading = lot_heading(lot_id).await?;
    let initial = match supplier {
        Some(supplier) => {
            let state = super::state()?;
            crate::server::services::lots::place_values(&state.db, lot_id, supplier).await?
        }
        None => vec![(
            crate::types::commands::lot::STATUS.to_owned(),
            crate::types::commands::PlaceStatus::Active
                .as_str()
                .to_owned(),
        )],
    };
    with_finder(support::form_page(initial, heading)?, query).await
}

/// The confirmation page before removing a lot.
#[server(endpoint = "lots/remove-form", input = GetUrl)]
pub async fn lot_remove_form(lot_id: Uuid) -> Result<FormPage<LotHeading>, AppError> {
    support::form_page(Vec::new(), lot_heading(lot_id).await?)
}

#[server(endpoint = "suppliers/form", input = GetUrl)]
pub async fn supplier_form(id: Option<Uuid>) -> Result<FormPage<SupplierFormOptions>, AppError> {
    use crate::server::auth::{Permission, Resource, require};
    use crate::server::services::suppliers;
    let state = super::state()?;
    let viewer = support::viewer();
    let initial = match id {
        Some(id) => suppliers::form_values(&state.db, viewer.as_ref(), id).await?,
        None => {
            require(
                viewer.as_ref(),
                Permission::RegisterSupplier,
                Resource::Platform,
            )?;
            use crate::types::commands::supplier as field;
            vec![(field::FLAGS.to_owned(), field::SME.to_owned())]
        }
    };
    support::form_page(initial, suppliers::supplier_form_options(&state.db).await?)
}

/// The "add a colleague" form: the supplier's name as its heading.
#[server(endpoint = "suppliers/colleague-form", input = GetUrl)]
pub async fn colleague_form(id: Uuid) -> Result<FormPage<String>, AppError> {
    let state = super::state()?;
    let viewer = support::viewer();
    let name = crate::server::services::suppliers::heading(&state.db, viewer.as_ref(), id).await?;
    support::form_page(Vec::new(), name)
}

/// Confirm removing a colleague: (supplier name, "Name (email)").
#[server(endpoint = "suppliers/colleague-remove-form", input = GetUrl)]
pub async fn colleague_remove_form(
    id: Uuid,
    user: Uuid,
) -> Result<FormPage<(String, String)>, AppError> {
    let state = super::state()?;
    let heading = crate::server::services::colleagues::heading(
        &state.db,
        support::viewer().as_ref(),
        (id, user),
    )
    .await?;
    support::form_page(Vec::new(), heading)
}

/// New offer (`supplier_id`) or change offer (`offer_id`).
#[server(endpoint = "offers/form", input = GetUrl)]
pub async fn offer_form(
    supplier_id: Option<Uuid>,
    offer_id: Option<Uuid>,
) -> Result<FormPage<OfferFormOptions>, AppError> {
    use crate::server::services::offers;
    use crate::types::commands::{OfferStatus, offer as field};
    let state = super::state()?;
    let viewer = support::viewer();
    let (supplier_id, initial) = match (supplier_id, offer_id) {
        (_, Some(offer)) => (
            offers::offer_supplier(&state.db, viewer.as_ref(), offer).await?,
            offers::form_values(&state.db, viewer.as_ref(), offer).await?,
        ),
        (Some(supplier), None) => (
            supplier,
            vec![(
                field::STATUS.to_owned(),
                OfferStatus::Published.as_str().to_owned(),
            )],
        ),
        (None, None) => return Err(AppError::NotFound("Offer".into())),
    };
    let options = offers::form_options(&state.db, viewer.as_ref(), supplier_id).await?;
    support::form_page(initial, options)
}

/// New contract for a council (`gss`) or change a contract (`contract_id`).
#[server(endpoint = "contracts/form", input = GetUrl)]
pub async fn contract_form(
    gss: Option<String>,
    contract_id: Option<Uuid>,
    query: Option<String>,
) -> Result<FormPage<WithFinder<ContractFormHeading>>, AppError> {
    with_finder(contract_form_page(gss, contract_id).await?, query).await
}

#[cfg(feature = "ssr")]
async fn contract_form_page(
    gss: Option<String>,
    contract_id: Option<Uuid>,
) -> Result<FormPage<ContractFormHeading>, AppError> {
    use crate::server::services::contracts;
    let state = super::state()?;
    let viewer = support::viewer();
    match (gss, contract_id) {
        (_, Some(id)) => {
            let (council_name, gss_code) =
                contracts::contract_council(&state.db, viewer.as_ref(), id).await?;
            let initial = contracts::form_values(&state.db, viewer.as_ref(), id).await?;
            support::form_page(
                initial,
                ContractFormHeading {
                    council_name,
                    gss_code,
                    contract_id: Some(id),
                },
            )
        }
        (Some(gss), None) => {
            let council = contracts::council_by_gss(&state.db, viewer.as_ref(), &gss).await?;
            support::form_page(
                Vec::new(),
                ContractFormHeading {
                    council_name: council.short_name,
                    gss_code: gss,
                    contract_id: None,
                },
            )
        }
        (None, None) => Err(AppError::NotFound("Council".into())),
    }
}

/// Ask to edit a supplier: its name as the heading.
#[server(endpoint = "suppliers/access-form", input = GetUrl)]
pub async fn access_request_form(id: Uuid) -> Result<FormPage<String>, AppError> {
    let state = super::state()?;
    let name = crate::server::services::supplier_trust::access_heading(
        &state.db,
        support::viewer().as_ref(),
        id,
    )
    .await?;
    support::form_page(Vec::new(), name)
}

/// Decide a request to edit a supplier.
#[server(endpoint = "suppliers/access-decision-form", input = GetUrl)]
pub async fn access_decision_form(
    id: Uuid,
    request: Uuid,
) -> Result<FormPage<AccessRequestItem>, AppError> {
    let state = super::state()?;
    let item = crate::server::services::supplier_trust::access_request(
        &state.db,
        support::viewer().as_ref(),
        (id, request),
    )
    .await?;
    support::form_page(Vec::new(), item)
}

/// Verify, merge or hand over a supplier record (platform admins), with a
/// finder for the record a merge keeps.
#[server(endpoint = "suppliers/curation-form", input = GetUrl)]
pub async fn curation_form(
    id: Uuid,
    query: Option<String>,
) -> Result<FormPage<WithFinder<SupplierClaim>>, AppError> {
    use crate::server::services::supplier_trust;
    let state = super::state()?;
    let claim = supplier_trust::for_curation(&state.db, support::viewer().as_ref(), id).await?;
    let mut page = with_finder(support::form_page(Vec::new(), claim)?, query.clone()).await?;
    // A record cannot be merged into itself.
    page.data.finder.results =
        supplier_trust::merge_candidates(&state.db, id, query.as_deref().unwrap_or_default())
            .await?;
    Ok(page)
}

/// Claims waiting to be verified and requests waiting for a decision.
#[server(endpoint = "admin/suppliers", input = GetUrl)]
pub async fn supplier_trust_queue() -> Result<SupplierTrustOverview, AppError> {
    let state = super::state()?;
    crate::server::services::supplier_trust::overview(&state.db, support::viewer().as_ref()).await
}

/// The register import page of a council (`gss`): for its council buyers
/// (and admins) only. After a file was sent, the preview the form endpoint
/// made is in the context.
#[server(endpoint = "contracts/import-form", input = GetUrl)]
pub async fn register_import_form(gss: String) -> Result<FormPage<RegisterImportPage>, AppError> {
    use crate::server::services::contracts;
    let state = super::state()?;
    let viewer = support::viewer();
    let council = contracts::council_by_gss(&state.db, viewer.as_ref(), &gss).await?;
    support::form_page(
        Vec::new(),
        RegisterImportPage {
            council_name: council.name,
            gss_code: gss,
            upload: leptos::prelude::use_context::<crate::types::RegisterUpload>(),
        },
    )
}
