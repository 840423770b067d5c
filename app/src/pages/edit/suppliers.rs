//! Supplier forms: register or change an organisation, add or remove a colleague.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

use crate::api::editing::{colleague_form, colleague_remove_form, supplier_form};
use crate::components::forms::{
    Choices, Confirmation, FormFrame, SelectField, TextArea, TextField, options,
};
use crate::components::layout::Main;
use crate::components::status::loaded;
use crate::pages::catalogue::id_param;
use crate::types::commands::supplier;
use crate::types::{AppError, FormPage, SupplierFormOptions};

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
                    <FormFrame heading="Add a colleague".to_string() caption=Some(page.data.clone()) intro=Some("Your colleague will be able to change your organisation's profile and offers. If they have no account yet, we email them an invitation.") errors=form.errors.clone() csrf_token=page.csrf_token action=action() submit="Add colleague">
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
