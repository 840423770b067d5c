//! Curation forms: a framework (new or edit), a lot, a supplier on a lot.
//! They post to their own URL; the server crate's form endpoints handle that.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use super::account::form_title;
use super::catalogue::id_param;
use crate::api::account::{framework_form, lot_form, lot_supplier_form};
use crate::components::forms::{
    Choices, CsrfField, DateField, FormErrorSummary, SelectField, SubmitButton, TextArea, TextField, options,
};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::{ErrorView, loaded};
use crate::types::{AppError, FormPage, FrameworkFormOptions, LotHeading};

const ROUTES: [(&str, &str); 2] = [("direct_award", "Direct award"), ("further_competition", "Further competition")];
const STATUSES: [(&str, &str); 3] = [("active", "Active"), ("suspended", "Suspended"), ("excluded", "Excluded")];

/// `/frameworks/new` and `/frameworks/:id/edit`.
#[component]
pub fn FrameworkFormPage(editing: bool) -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        move |id| async move {
            match (editing, id) {
                (false, _) => framework_form(None).await,
                (true, Ok(id)) => framework_form(Some(id)).await,
                (true, Err(e)) => Err(e),
            }
        },
    );
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<FrameworkFormOptions>| {
                let heading = if editing { "Change framework" } else { "Add a framework" };
                let form = page.form;
                let data = page.data;
                let national_hint = if data.may_file_nationally {
                    "Leave empty for a national body such as CCS, YPO or ESPO"
                } else {
                    "You can add frameworks for the footprints you coordinate"
                };
                let owner_empty = data.may_file_nationally.then_some("National or other body");
                view! {
                    <Title text=form_title(heading, !form.errors.is_empty()) />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            <FormErrorSummary errors=form.errors.clone() />
                            <h1 class="govuk-heading-l">{heading}</h1>
                            <form method="post" action=action() novalidate>
                                <CsrfField token=page.csrf_token />
                                <TextField name="reference" label="Framework reference" hint="For example, RM6098" class="govuk-input govuk-input--width-10" form=form.clone() />
                                <TextField name="title" label="Title" form=form.clone() />
                                <TextField name="owner_name" label="Owner" hint="The body that let the framework, for example Crown Commercial Service or YPO" form=form.clone() />
                                <SelectField name="owner_organisation_id" label="Owning footprint body" hint=national_hint
                                    options=data.owners.clone() empty_label=owner_empty.unwrap_or("Select a body") form=form.clone() />
                                <TextArea name="description" label="Description (optional)" form=form.clone() />
                                <DateField name="start_date" legend="Start date" hint="For example, 1 4 2025" form=form.clone() />
                                <DateField name="end_date" legend="End date" form=form.clone() />
                                <DateField name="max_extension_end" legend="Latest end date if every extension is used (optional)" form=form.clone() />
                                <Choices name="routes_to_market" legend="Routes to market" hint="Select all that apply" multiple=true options=options(&ROUTES) form=form.clone() />
                                <TextField name="levy" label="Levy (optional)" hint="A percentage of spend, for example 1 or 0.5" class="govuk-input govuk-input--width-5" form=form.clone() />
                                <Choices name="eligibility_scope" legend="Who may use the framework"
                                    options=options(&[("all_uk_public_sector", "All UK public sector bodies"), ("listed", "Only the buyers selected below")]) form=form.clone() />
                                <Choices name="eligible_buyer_types" legend="Types of council (if only selected buyers)" multiple=true small=true options=data.buyer_types.clone() form=form.clone() />
                                <Choices name="eligible_footprints" legend="Footprints (if only selected buyers)" multiple=true small=true options=data.footprints.clone() form=form.clone() />
                                <Choices name="eligible_regions" legend="Regions (if only selected buyers)" multiple=true small=true options=data.regions.clone() form=form.clone() />
                                <TextField name="url" label="Link to the owner's page about it (optional)" input_type="url" form=form.clone() />
                                <SubmitButton label=if editing { "Save changes" } else { "Add framework" } />
                            </form>
                        </div>
                    </div>
                }
            })}
        </Main>
    }
}

/// The framework (and lot) a form is about, as a caption over its heading.
fn caption(heading: &LotHeading) -> String {
    let framework = format!("{} {}", heading.framework_reference, heading.framework_title);
    match &heading.lot_title {
        Some(lot) => format!("{framework} – {lot}"),
        None => framework,
    }
}

/// `/frameworks/:id/lots/new`.
#[component]
pub fn LotFormPage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(move || id.get(), |id| async move {
        match id {
            Ok(id) => lot_form(id).await,
            Err(e) => Err(e),
        }
    });
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<LotHeading>| {
                let form = page.form;
                view! {
                    <Title text=form_title("Add a lot", !form.errors.is_empty()) />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            <FormErrorSummary errors=form.errors.clone() />
                            <span class="govuk-caption-l">{caption(&page.data)}</span>
                            <h1 class="govuk-heading-l">"Add a lot"</h1>
                            <form method="post" action=format!("/frameworks/{}/lots/new", page.data.framework_id) novalidate>
                                <CsrfField token=page.csrf_token />
                                <TextField name="number" label="Lot number" hint="For example, 1 or 2a" class="govuk-input govuk-input--width-5" form=form.clone() />
                                <TextField name="title" label="Title" form=form.clone() />
                                <TextArea name="description" label="Description (optional)" form=form.clone() />
                                <TextArea name="cpv_codes" label="CPV codes (optional)" rows=2
                                    hint="8-digit codes from the CPV 2008 list, separated by commas, for example 72000000, 48000000" form=form.clone() />
                                <SubmitButton label="Add lot" />
                            </form>
                        </div>
                    </div>
                }
            })}
        </Main>
    }
}

/// `/lots/:id/suppliers/new`.
#[component]
pub fn LotSupplierFormPage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(move || id.get(), |id| async move {
        match id {
            Ok(id) => lot_supplier_form(id).await,
            Err(e) => Err(e),
        }
    });
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<LotHeading>| {
                let form = page.form;
                let Some(lot_id) = page.data.lot_id else {
                    return view! { <ErrorView error=AppError::NotFound("Lot".into()) /> }.into_any();
                };
                view! {
                    <Title text=form_title("Add a supplier to this lot", !form.errors.is_empty()) />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            <FormErrorSummary errors=form.errors.clone() />
                            <span class="govuk-caption-l">{caption(&page.data)}</span>
                            <h1 class="govuk-heading-l">"Add a supplier to this lot"</h1>
                            <form method="post" action=format!("/lots/{lot_id}/suppliers/new") novalidate>
                                <CsrfField token=page.csrf_token />
                                <TextField name="supplier_name" label="Supplier name" form=form.clone() />
                                <TextField name="companies_house_number" label="Companies House number (optional)"
                                    hint="8 characters, for example 01234567 or SC123456. We use it to find the supplier if they are already listed"
                                    class="govuk-input govuk-input--width-10" form=form.clone() />
                                <Choices name="status" legend="Status on this lot" options=options(&STATUSES) form=form.clone() />
                                <SubmitButton label="Add supplier" />
                            </form>
                        </div>
                    </div>
                }.into_any()
            })}
        </Main>
    }
}
