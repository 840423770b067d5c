//! The framework form: add or change a framework agreement and who may use it.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::editing::framework_form;
use crate::components::forms::{
    Choices, DateField, FormFrame, SelectField, TextArea, TextField, options,
};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::pages::catalogue::id_param;
use crate::types::choices::ROUTES_TO_MARKET;
use crate::types::commands::{self, framework};
use crate::types::{FormPage, FrameworkFormOptions};

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
                    <FormFrame heading=heading.to_string() errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit=if editing { "Save changes" } else { "Add framework" }>
                        <TextField name=framework::REFERENCE label="Framework reference" hint="For example, RM6098" class="govuk-input govuk-input--width-10" form=form.clone() />
                        <TextField name=framework::TITLE label="Title" form=form.clone() />
                        <TextField name=framework::OWNER_NAME label="Owner" hint="The body that let the framework, for example Crown Commercial Service or YPO" form=form.clone() />
                        <SelectField name=framework::OWNER_ORGANISATION_ID label="Owning footprint body" hint=national_hint
                            options=data.owners.clone() empty_label=owner_empty.unwrap_or("Select a body") form=form.clone() />
                        <TextArea name=framework::DESCRIPTION label="Description (optional)" form=form.clone() />
                        <DateField name=commands::START_DATE legend="Start date" hint="For example, 1 4 2025" form=form.clone() />
                        <DateField name=commands::END_DATE legend="End date" form=form.clone() />
                        <DateField name=commands::MAX_EXTENSION_END legend="Latest end date if every extension is used (optional)" form=form.clone() />
                        <Choices name=framework::ROUTES_TO_MARKET legend="Routes to market" hint="Select all that apply" multiple=true options=options(ROUTES_TO_MARKET) form=form.clone() />
                        <TextField name=framework::LEVY label="Levy (optional)" hint="A percentage of spend, for example 1 or 0.5" class="govuk-input govuk-input--width-5" form=form.clone() />
                        <Choices name=framework::ELIGIBILITY_SCOPE legend="Who may use the framework"
                            options=options(commands::EligibilityScope::CHOICES) form=form.clone() />
                        <Choices name=framework::ELIGIBLE_BUYER_TYPES legend="Types of council (if only selected buyers)" multiple=true small=true options=data.buyer_types.clone() form=form.clone() />
                        <Choices name=framework::ELIGIBLE_FOOTPRINTS legend="Footprints (if only selected buyers)" multiple=true small=true options=data.footprints.clone() form=form.clone() />
                        <Choices name=framework::ELIGIBLE_REGIONS legend="Regions (if only selected buyers)" multiple=true small=true options=data.regions.clone() form=form.clone() />
                        <TextField name=framework::URL label="Link to the owner's page about it (optional)" input_type="url" form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}
