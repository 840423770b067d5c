//! Lot forms: add or change a lot, place a supplier on it, remove it.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::editing::{lot_form, lot_remove_form, lot_supplier_form};
use crate::components::forms::{Choices, Confirmation, FormFrame, TextArea, TextField, options};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::{ErrorView, loaded};
use crate::components::supplier_picker::{FinderForm, SupplierPicker};
use crate::pages::catalogue::id_param;
use crate::types::choices::LOT_SUPPLIER_STATUSES;
use crate::types::commands::{lot, supplier as supplier_field};
use crate::types::{AppError, FormPage, LotHeading, WithFinder};

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

/// `/lots/:id/suppliers/new`: pick the supplier (or add one not listed)
/// and its status; with `?supplier=` it changes that supplier's status;
/// `?supplier_q=` is the finder's search.
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
    let search = Memo::new(move |_| query.with(|q| q.get(supplier_field::FIND)));
    let page = Resource::new(
        move || (id.get(), supplier.get(), search.get()),
        |(id, supplier, search)| async move { lot_supplier_form(id?, supplier, search).await },
    );
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<WithFinder<LotHeading>>| {
                let form = page.form;
                let WithFinder { data: heading_data, finder } = page.data;
                let Some(lot_id) = heading_data.lot_id else {
                    return view! { <ErrorView error=AppError::NotFound("Lot".into()) /> }.into_any();
                };
                let action = format!("/lots/{lot_id}/suppliers/new");
                // Changing a status: the supplier is fixed, so no finder.
                let fixed = supplier.get_untracked().and(finder.picked.first().cloned());
                let heading = if fixed.is_some() { "Change a supplier's status on this lot" } else { "Add a supplier to this lot" };
                let who = match fixed.clone() {
                    Some(item) => view! {
                        <input type="hidden" name=supplier_field::PICK value=item.id.to_string() />
                        <p class="govuk-body">"Supplier: " <strong>{item.label()}</strong></p>
                    }.into_any(),
                    None => view! {
                        <SupplierPicker finder=finder form=form.clone() legend="Supplier" new_record="A supplier not listed here" />
                        <div class="govuk-inset-text">
                            <p class="govuk-body">"For a supplier not listed here, enter its details. If a listed supplier has this Companies House number or name, that record is used."</p>
                            <TextField name=lot::SUPPLIER_NAME label="Name of the supplier not listed" form=form.clone() />
                            <TextField name=lot::COMPANIES_HOUSE_NUMBER label="Its Companies House number (optional)"
                                hint="8 characters, for example 01234567 or SC123456"
                                class="govuk-input govuk-input--width-10" form=form.clone() />
                        </div>
                    }.into_any(),
                };
                let finder_form = fixed.is_none().then(|| view! { <FinderForm action=action.clone() /> });
                view! {
                    <FormFrame heading=heading.to_string() caption=Some(caption(&heading_data)) errors=form.errors.clone() csrf_token=page.csrf_token action=action.clone() submit=if fixed.is_some() { "Save status" } else { "Add supplier" }>
                        {who}
                        <Choices name=lot::STATUS legend="Status on this lot" options=options(LOT_SUPPLIER_STATUSES) form=form.clone() />
                    </FormFrame>
                    {finder_form}
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
