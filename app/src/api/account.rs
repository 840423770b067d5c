//! The visitor (signed in or not), the data behind every form page and the
//! audit log. These are all reads; changes go through the form endpoints in
//! the server crate, which call the same services.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use uuid::Uuid;

use crate::types::{AppError, AuditEntry, FormPage, FrameworkFormOptions, LotHeading, Page, Visitor};

#[cfg(feature = "ssr")]
mod support {
    use crate::types::{AppError, FormPage, SubmittedForm, Viewer};

    pub(crate) use crate::api::request_visitor as visitor;

    pub fn viewer() -> Option<Viewer> {
        visitor().viewer
    }

    /// A form page: a failed submission's values and errors when the page is
    /// being shown again after a POST, otherwise `initial`.
    pub fn form_page<T>(initial: Vec<(String, String)>, data: T) -> Result<FormPage<T>, AppError> {
        let form = match leptos::prelude::use_context::<SubmittedForm>() {
            Some(submitted) => {
                if let Some(refusal) = submitted.refused {
                    return Err(refusal);
                }
                submitted
            }
            None => SubmittedForm {
                values: initial,
                ..Default::default()
            },
        };
        Ok(FormPage {
            csrf_token: visitor().csrf_token,
            form,
            data,
        })
    }
}

#[server(endpoint = "account/visitor", input = GetUrl)]
pub async fn current_visitor() -> Result<Visitor, AppError> {
    Ok(support::visitor())
}

/// Sign-in and sign-up pages: no data beyond the form itself.
#[server(endpoint = "account/form", input = GetUrl)]
pub async fn account_form() -> Result<FormPage<Option<crate::types::Viewer>>, AppError> {
    support::form_page(Vec::new(), support::viewer())
}

#[server(endpoint = "frameworks/form", input = GetUrl)]
pub async fn framework_form(id: Option<Uuid>) -> Result<FormPage<FrameworkFormOptions>, AppError> {
    use crate::server::services::catalogue_editing;
    let state = super::state()?;
    let viewer = support::viewer();
    let options = catalogue_editing::framework_form_options(&state.db, viewer.as_ref()).await?;
    let initial = match id {
        Some(id) => catalogue_editing::framework_form_values(&state.db, viewer.as_ref(), id).await?,
        None => vec![
            ("eligibility_scope".to_owned(), catalogue_editing::ALL_UK_PUBLIC_SECTOR.to_owned()),
            ("owner_organisation_id".to_owned(), options.owners.first().filter(|_| !options.may_file_nationally).map(|o| o.value.clone()).unwrap_or_default()),
        ],
    };
    support::form_page(initial, options)
}

#[server(endpoint = "lots/form", input = GetUrl)]
pub async fn lot_form(framework_id: Uuid) -> Result<FormPage<LotHeading>, AppError> {
    let state = super::state()?;
    let viewer = support::viewer();
    let (reference, title) =
        crate::server::services::catalogue_editing::framework_heading(&state.db, viewer.as_ref(), framework_id).await?;
    support::form_page(
        Vec::new(),
        LotHeading { framework_id, framework_reference: reference, framework_title: title, lot_id: None, lot_title: None },
    )
}

#[server(endpoint = "lots/supplier-form", input = GetUrl)]
pub async fn lot_supplier_form(lot_id: Uuid) -> Result<FormPage<LotHeading>, AppError> {
    let state = super::state()?;
    let viewer = support::viewer();
    let (lot, framework) =
        crate::server::services::catalogue_editing::lot_for_change(&state.db, viewer.as_ref(), lot_id).await?;
    support::form_page(
        vec![("status".to_owned(), "active".to_owned())],
        LotHeading {
            framework_id: framework.id,
            framework_reference: framework.reference,
            framework_title: framework.title.unwrap_or_default(),
            lot_id: Some(lot.id),
            lot_title: Some(format!("Lot {}: {}", lot.number, lot.title)),
        },
    )
}

#[server(endpoint = "admin/audit", input = GetUrl)]
pub async fn audit_log(page: Option<u64>) -> Result<Page<AuditEntry>, AppError> {
    use crate::server::auth::{Permission, Resource, require};
    let state = super::state()?;
    require(support::viewer().as_ref(), Permission::ReadAuditLog, Resource::Platform)?;
    crate::server::services::audit::list(&state.db, page.unwrap_or(1)).await
}
