//! Editing forms: frameworks, lots and supplier places; supplier profiles,
//! colleagues and offers; contracts. Each is the shared [`FormFrame`] around
//! its fields, named by the constants of its command in `types::commands`.
//! They post to their own URL; the server crate's form endpoints handle that.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use super::catalogue::id_param;
use crate::api::editing::{
    colleague_form, colleague_remove_form, contract_form, framework_form, lot_form,
    lot_remove_form, lot_supplier_form, offer_form, supplier_form,
};
use crate::components::forms::{
    Choices, Confirmation, DateField, FormFrame, SelectField, TextArea, TextField, options,
};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::{ErrorView, loaded};
use crate::types::choices::{
    LOT_SUPPLIER_STATUSES, OFFER_STATUSES, PRICING_MODELS, ROUTES_TO_MARKET,
};
use crate::types::commands::{self, contract, framework, lot, offer, supplier};
use crate::types::{
    AppError, ContractFormHeading, FormPage, FrameworkFormOptions, LotHeading, OfferFormOptions,
    SupplierFormOptions,
};

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

const SUPPLIER_FLAGS: [(&str, &str); 2] = [
    (
        supplier::SME,
        "Small or medium-sized enterprise (SME): fewer than 250 staff, and turnover up to £44 million or balance sheet up to £38 million",
    ),
    (
        supplier::VCSE,
        "Voluntary, community or social enterprise (VCSE)",
    ),
];
/// The uuid in the path for edit pages, or nothing for "new" pages.
fn optional_id(editing: bool) -> impl Fn() -> Option<Result<uuid::Uuid, AppError>> + Copy {
    let id = id_param();
    move || editing.then(|| id.get())
}

/// `/suppliers/new` and `/suppliers/:id/edit`.
#[component]
pub fn SupplierFormPage(editing: bool) -> impl IntoView {
    let key = optional_id(editing);
    let page = Resource::new(key, |id| async move {
        match id {
            None => supplier_form(None).await,
            Some(Ok(id)) => supplier_form(Some(id)).await,
            Some(Err(e)) => Err(e),
        }
    });
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<SupplierFormOptions>| {
                let heading = if editing { "Change your organisation's profile" } else { "Register your organisation as a supplier" };
                let form = page.form;
                view! {
                    <FormFrame heading=heading.to_string() intro=(!editing).then_some("You will be able to change this profile, add colleagues and list your offers. Framework places are recorded by the framework's owner, not by suppliers.") errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit=if editing { "Save changes" } else { "Register organisation" }>
                        <TextField name=supplier::NAME label="Organisation name" autocomplete="organization" form=form.clone() />
                        <TextField name=supplier::COMPANIES_HOUSE_NUMBER label="Companies House number (optional)"
                            hint="8 characters, for example 01234567 or SC123456" class="govuk-input govuk-input--width-10" form=form.clone() />
                        <TextField name=supplier::VAT_NUMBER label="VAT number (optional)" hint="For example, GB123456789" class="govuk-input govuk-input--width-10" form=form.clone() />
                        <Choices name=supplier::FLAGS legend="About your organisation" hint="Select all that apply" multiple=true options=options(&SUPPLIER_FLAGS) form=form.clone() />
                        <SelectField name=supplier::REGION label="Where you are based (optional)" options=page.data.regions.clone() empty_label="Not stated" form=form.clone() />
                        <TextField name=supplier::WEBSITE label="Website (optional)" input_type="url" form=form.clone() />
                        <TextArea name=supplier::DESCRIPTION label="About your organisation (optional)" form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}

/// `/suppliers/:id/colleagues/new`.
#[component]
pub fn ColleagueFormPage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Ok(id) => colleague_form(id).await,
                Err(e) => Err(e),
            }
        },
    );
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<String>| {
                let form = page.form;
                view! {
                    <FormFrame heading="Add a colleague".to_string() caption=Some(page.data.clone()) intro=Some("Your colleague will be able to change your organisation's profile and offers. They need to create an account first.") errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit="Add colleague">
                        <TextField name=supplier::COLLEAGUE_EMAIL label="Your colleague's email address" input_type="email" form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}

/// `/suppliers/:id/colleagues/:user/remove`: confirm, then remove.
#[component]
pub fn ColleagueRemovePage() -> impl IntoView {
    let id = id_param();
    let params = use_params_map();
    let user = Memo::new(move |_| {
        params.with(|p| p.get("user").and_then(|u| uuid::Uuid::parse_str(&u).ok()))
    });
    let page = Resource::new(
        move || (id.get(), user.get()),
        |(id, user)| async move {
            let user = user.ok_or_else(|| AppError::NotFound("Colleague".into()))?;
            colleague_remove_form(id?, user).await
        },
    );
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<(String, String)>| {
                let (supplier, colleague) = page.data;
                view! {
                    <Confirmation
                        question=format!("Remove {colleague}?")
                        caption=supplier
                        explanation="They will no longer be able to change your organisation's profile and offers. Their account is kept."
                        button="Remove colleague"
                        cancel=id.get_untracked().map(|id| format!("/suppliers/{id}")).unwrap_or_default()
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                    />
                }
            })}
        </Main>
    }
}

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

/// `/councils/:gss/contracts/new` and `/contracts/:id/edit`.
#[component]
pub fn ContractFormPage(editing: bool) -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let page = Resource::new(
        move || params.with(|p| (p.get("gss"), p.get("id"))),
        move |(gss, id)| async move {
            if editing {
                let id = id
                    .and_then(|i| uuid::Uuid::parse_str(&i).ok())
                    .ok_or_else(|| AppError::NotFound("Contract".into()))?;
                contract_form(None, Some(id)).await
            } else {
                contract_form(gss, None).await
            }
        },
    );
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<ContractFormHeading>| {
                let heading = if editing { "Change a contract" } else { "Add a contract" };
                let form = page.form;
                view! {
                    <FormFrame heading=heading.to_string() caption=Some(page.data.council_name.clone()) errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit=if editing { "Save changes" } else { "Add contract" }>
                        <TextField name=contract::TITLE label="Title" form=form.clone() />
                        <TextArea name=contract::DESCRIPTION label="Description (optional)" form=form.clone() />
                        <TextArea name=contract::SUPPLIERS label="Suppliers" hint="One per line, as registered, for example ‘Acme Digital Ltd’" rows=3 form=form.clone() />
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
                }
            })}
        </Main>
    }
}
