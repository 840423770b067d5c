//! Lot forms: add or change a lot, place a supplier on it, remove it.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::editing::{lot_form, lot_remove_form, lot_supplier_form};
use crate::components::forms::{Choices, Confirmation, FormFrame, TextArea, TextField, options};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::{ErrorView, loaded};
use crate::pages::catalogue::id_param;
use crate::types::choices::LOT_SUPPLIER_STATUSES;
use crate::types::commands::lot;
use crate::types::{AppError, FormPage, LotHeading};

/// The framework (and lot) a form is about, as a caption over its heading.
fn caption(heading: &LotHeading) -> String {
    let framework = format!(
        "{} {}",
        heading.framework_reference, heading.framework_title
    );
    match &heading.lot_title {
        Some(lot) => format!("{framework} – {lot}"),
        None => framework,
    }
}

/// `/frameworks/:id/lots/new` and `/lots/:id/edit`.
#[component]
pub fn LotFormPage(editing: bool) -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        move |id| async move {
            let id = id?;
            if editing {
                lot_form(None, Some(id)).await
            } else {
                lot_form(Some(id), None).await
            }
        },
    );
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<LotHeading>| {
                let form = page.form;
                let heading = if editing { "Change lot" } else { "Add a lot" };
                view! {
                    <FormFrame heading=heading.to_string() caption=Some(caption(&page.data)) errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit=if editing { "Save changes" } else { "Add lot" }>
                        <TextField name=lot::NUMBER label="Lot number" hint="For example, 1 or 2a" class="govuk-input govuk-input--width-5" form=form.clone() />
                        <TextField name=lot::TITLE label="Title" form=form.clone() />
                        <TextArea name=lot::DESCRIPTION label="Description (optional)" form=form.clone() />
                        <TextArea name=lot::CPV_CODES label="CPV codes (optional)" rows=2
                            hint="8-digit codes from the CPV 2008 list, separated by commas, for example 72000000, 48000000" form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}

/// `/lots/:id/suppliers/new`; with `?supplier=` it changes that supplier's status.
#[component]
pub fn LotSupplierFormPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let supplier = Memo::new(move |_| {
        query.with(|q| {
            q.get("supplier")
                .and_then(|s| uuid::Uuid::parse_str(&s).ok())
        })
    });
    let page = Resource::new(
        move || (id.get(), supplier.get()),
        |(id, supplier)| async move { lot_supplier_form(id?, supplier).await },
    );
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<LotHeading>| {
                let form = page.form;
                let Some(lot_id) = page.data.lot_id else {
                    return view! { <ErrorView error=AppError::NotFound("Lot".into()) /> }.into_any();
                };
                let changing = supplier.get_untracked().is_some();
                let heading = if changing { "Change a supplier's status on this lot" } else { "Add a supplier to this lot" };
                view! {
                    <FormFrame heading=heading.to_string() caption=Some(caption(&page.data)) errors=form.errors.clone() csrf_token=page.csrf_token action=format!("/lots/{lot_id}/suppliers/new") submit=if changing { "Save status" } else { "Add supplier" }>
                        <TextField name=lot::SUPPLIER_NAME label="Supplier name" form=form.clone() />
                        <TextField name=lot::COMPANIES_HOUSE_NUMBER label="Companies House number (optional)"
                            hint="8 characters, for example 01234567 or SC123456. We use it to find the supplier if they are already listed"
                            class="govuk-input govuk-input--width-10" form=form.clone() />
                        <Choices name=lot::STATUS legend="Status on this lot" options=options(LOT_SUPPLIER_STATUSES) form=form.clone() />
                    </FormFrame>
                }.into_any()
            })}
        </Main>
    }
}

/// `/lots/:id/remove`: confirm, then remove the lot.
#[component]
pub fn LotRemovePage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move { lot_remove_form(id?).await },
    );
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<LotHeading>| {
                let lot = page.data.lot_title.clone().unwrap_or_default();
                view! {
                    <Confirmation
                        question=format!("Remove {lot}?")
                        caption=format!("{} {}", page.data.framework_reference, page.data.framework_title)
                        explanation="The lot, its suppliers' places on it and offers' links to it will be removed. A lot that contracts were called off cannot be removed."
                        button="Remove lot"
                        cancel=page.data.lot_id.map(|id| format!("/lots/{id}")).unwrap_or_default()
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                    />
                }
            })}
        </Main>
    }
}
