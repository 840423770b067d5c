//! The contract form: add or change a contract in a council's register.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::editing::contract_form;
use crate::components::forms::{DateField, FormFrame, TextArea, TextField};
use crate::components::layout::Main;
use crate::components::status::loaded;
use crate::components::supplier_picker::{FinderForm, SupplierPicker};
use crate::types::commands::{self, contract, supplier};
use crate::types::{AppError, ContractFormHeading, FormPage, WithFinder};

/// `/councils/:gss/contracts/new` and `/contracts/:id/edit`.
/// `?supplier_q=` is the supplier finder's search.
#[component]
pub fn ContractFormPage(editing: bool) -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            (
                params.with(|p| (p.get("gss"), p.get("id"))),
                query.with(|q| q.get(supplier::FIND)),
            )
        },
        move |((gss, id), search)| async move {
            if editing {
                let id = id
                    .and_then(|i| uuid::Uuid::parse_str(&i).ok())
                    .ok_or_else(|| AppError::NotFound("Contract".into()))?;
                contract_form(None, Some(id), search).await
            } else {
                contract_form(gss, None, search).await
            }
        },
    );
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<WithFinder<ContractFormHeading>>| {
                let heading = if editing { "Change a contract" } else { "Add a contract" };
                let form = page.form;
                let WithFinder { data, finder } = page.data;
                view! {
                    <FormFrame heading=heading.to_string() caption=Some(data.council_name.clone()) errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit=if editing { "Save changes" } else { "Add contract" }>
                        <TextField name=contract::TITLE label="Title" form=form.clone() />
                        <TextArea name=contract::DESCRIPTION label="Description (optional)" form=form.clone() />
                        <h2 class="govuk-heading-m">"Suppliers"</h2>
                        <p class="govuk-body">"Search for the suppliers and select them. Without JavaScript, search before filling in the rest of the form: searching reloads the page."</p>
                        <SupplierPicker finder=finder form=form.clone() legend="Suppliers on this contract" multiple=true />
                        <TextArea name=contract::SUPPLIERS label="Suppliers not listed (optional)" hint="One name per line, as registered, for example ‘Acme Digital Ltd’. A listed supplier of that name is used; otherwise a new record is made." rows=3 form=form.clone() />
                        <TextArea name=contract::CPV_CODES label="What was bought (CPV codes)" rows=2 hint="8-digit codes from the CPV 2008 list, separated by commas, for example 72000000" form=form.clone() />
                        <TextField name=contract::VALUE label="Total value in pounds" hint="Including any extensions, excluding VAT. For example, 250000" class="govuk-input govuk-input--width-10" form=form.clone() />
                        <DateField name=commands::START_DATE legend="Start date" hint="For example, 1 4 2025" form=form.clone() />
                        <DateField name=commands::END_DATE legend="End date" form=form.clone() />
                        <DateField name=commands::MAX_EXTENSION_END legend="Latest end date if every extension is used (optional)" form=form.clone() />
                        <h2 class="govuk-heading-m">"Call-off from a framework (optional)"</h2>
                        <p class="govuk-body">"If you bought this through a framework, say which lot. The suppliers must hold a place on it."</p>
                        <TextField name=contract::FRAMEWORK_REFERENCE label="Framework reference" hint="For example, RM6098" class="govuk-input govuk-input--width-10" form=form.clone() />
                        <TextField name=contract::LOT_NUMBER label="Lot number" class="govuk-input govuk-input--width-5" form=form.clone() />
                    </FormFrame>
                    <FinderForm action=action() />
                }
            })}
        </Main>
    }
}
