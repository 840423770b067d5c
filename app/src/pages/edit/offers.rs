//! The offer form: list or change a service definition.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::editing::offer_form;
use crate::components::forms::{Choices, FormFrame, TextArea, TextField, options};
use crate::components::layout::Main;
use crate::components::status::loaded;
use crate::pages::catalogue::id_param;
use crate::types::choices::{OFFER_STATUSES, PRICING_MODELS};
use crate::types::commands::offer;
use crate::types::{FormPage, OfferFormOptions};

/// `/suppliers/:id/offers/new` and `/offers/:id/edit`.
#[component]
pub fn OfferFormPage(editing: bool) -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        move |id| async move {
            let id = id?;
            if editing {
                offer_form(None, Some(id)).await
            } else {
                offer_form(Some(id), None).await
            }
        },
    );
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<OfferFormOptions>| {
                let heading = if editing { "Change an offer" } else { "Add an offer" };
                let form = page.form;
                let data = page.data;
                let lots_view = if data.lots.is_empty() {
                    let error = form.error("lots").map(|message| view! {
                        <p id="lots-error" class="govuk-error-message">
                            <span class="govuk-visually-hidden">"Error: "</span>{message.to_owned()}
                        </p>
                    });
                    view! {
                        <div id="lots" class="govuk-inset-text">
                            {error}
                            "Your organisation has no active framework places recorded yet, so the offer cannot name a framework lot. Framework owners record places on their lots."
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <Choices name=offer::LOTS legend="Framework lots it can be bought through" hint="Only lots on which your organisation holds an active place" multiple=true small=true options=data.lots.clone() form=form.clone() />
                    }.into_any()
                };
                view! {
                    <FormFrame heading=heading.to_string() caption=Some(data.supplier_name.clone()) errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit=if editing { "Save changes" } else { "Add offer" }>
                        <TextField name=offer::TITLE label="Title" form=form.clone() />
                        <TextArea name=offer::SUMMARY label="Summary" hint="One or two sentences buyers see in lists" rows=3 form=form.clone() />
                        <TextArea name=offer::DESCRIPTION label="Description (optional)" rows=8 form=form.clone() />
                        <TextArea name=offer::FEATURES label="Features (optional)" hint="One per line" form=form.clone() />
                        <TextArea name=offer::BENEFITS label="Benefits (optional)" hint="One per line" form=form.clone() />
                        <Choices name=offer::PRICING_MODEL legend="How it is priced" options=options(PRICING_MODELS) form=form.clone() />
                        <TextField name=offer::PRICE label="Price in pounds (unless free or on application)" hint="For example, 12.50" class="govuk-input govuk-input--width-10" form=form.clone() />
                        <TextField name=offer::PRICE_UNIT label="What the price covers (optional)" hint="For example, per 100 users, excluding VAT" form=form.clone() />
                        <TextArea name=offer::CPV_CODES label="Categories (CPV codes)" rows=2 hint="8-digit codes from the CPV 2008 list, separated by commas, for example 72000000" form=form.clone() />
                        {lots_view}
                        <Choices name=offer::FOOTPRINTS legend="Footprints you serve (optional)" multiple=true small=true options=data.footprints.clone() form=form.clone() />
                        <TextArea name=offer::ACCESSIBILITY_NOTES label="Accessibility (optional)" hint="For example, WCAG 2.2 AA conformance and how it was tested" form=form.clone() />
                        <TextArea name=offer::OPEN_STANDARDS_NOTES label="Open standards (optional)" hint="For example, open APIs, data export formats" form=form.clone() />
                        <Choices name=offer::STATUS legend="Publish it now?" options=options(OFFER_STATUSES) form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}
