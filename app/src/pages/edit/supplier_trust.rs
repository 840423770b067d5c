//! Who acts for a supplier record: asking for access and deciding requests,
//! and platform admins' verifying, merging and handing over records.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use crate::api::editing::{
    access_decision_form, access_request_form, curation_form, supplier_trust_queue,
};
use crate::components::forms::{Choices, Confirmation, FormFrame, TextArea, TextField, options};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::components::supplier_picker::{FinderForm, SupplierPicker};
use crate::pages::catalogue::id_param;
use crate::types::commands::{AccessDecision, Verification, supplier};
use crate::types::{
    AccessRequestItem, AppError, FormPage, SupplierClaim, SupplierTrustOverview, WithFinder,
};

fn this_page() -> String {
    use_location().pathname.get_untracked()
}

/// `/suppliers/:id/access`: ask to edit a supplier record.
#[component]
pub fn AccessRequestPage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move { access_request_form(id?).await },
    );
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<String>| {
                let form = page.form;
                view! {
                    <FormFrame heading="Ask to edit this supplier".to_string() caption=Some(page.data.clone())
                        intro=Some("The people who already edit it decide, or a Procurement Commons administrator if nobody does yet. Say who you are so they can check.")
                        errors=form.errors.clone() csrf_token=page.csrf_token action=this_page() submit="Send request">
                        <TextArea name=supplier::ACCESS_MESSAGE label="Your role at the organisation"
                            hint="For example, ‘Bid manager; my manager Sam Patel can confirm’" rows=4 form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}

/// `/suppliers/:id/access/:request`: grant or refuse a request.
#[component]
pub fn AccessDecisionPage() -> impl IntoView {
    let id = id_param();
    let params = use_params_map();
    let request = Memo::new(move |_| {
        params.with(|p| {
            p.get("request")
                .and_then(|r| uuid::Uuid::parse_str(&r).ok())
        })
    });
    let page = Resource::new(
        move || (id.get(), request.get()),
        |(id, request)| async move {
            let request = request.ok_or_else(|| AppError::NotFound("Access request".into()))?;
            access_decision_form(id?, request).await
        },
    );
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<AccessRequestItem>| {
                let form = page.form;
                let item = page.data;
                view! {
                    <FormFrame heading=format!("Let {} edit this supplier?", item.person) caption=Some(item.supplier_name.clone())
                        errors=form.errors.clone() csrf_token=page.csrf_token action=this_page() submit="Save decision">
                        <dl class="govuk-summary-list">
                            <div class="govuk-summary-list__row">
                                <dt class="govuk-summary-list__key">"What they said"</dt>
                                <dd class="govuk-summary-list__value">{item.message.clone()}</dd>
                            </div>
                            <div class="govuk-summary-list__row">
                                <dt class="govuk-summary-list__key">"Asked on"</dt>
                                <dd class="govuk-summary-list__value">{item.asked_on.clone()}</dd>
                            </div>
                        </dl>
                        <Choices name=supplier::DECISION legend="Your decision" options=options(AccessDecision::CHOICES) form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}

fn curation_resource() -> Resource<Result<FormPage<WithFinder<SupplierClaim>>, AppError>> {
    let id = id_param();
    let query = use_query_map();
    Resource::new(
        move || (id.get(), query.with(|q| q.get(supplier::FIND))),
        |(id, search)| async move { curation_form(id?, search).await },
    )
}

fn standing(verification: &str) -> &'static str {
    Verification::parse(verification)
        .map(Verification::label)
        .unwrap_or("Unknown")
}

/// `/suppliers/:id/verify`: an admin confirms a self-registered claim.
#[component]
pub fn VerifySupplierPage() -> impl IntoView {
    let page = curation_resource();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<WithFinder<SupplierClaim>>| {
                let claim = page.data.data;
                view! {
                    <Confirmation
                        question=format!("Verify {}?", claim.supplier.name)
                        caption=claim.claimed_companies_house_number.clone().map(|n| format!("Claimed Companies House number {n}")).unwrap_or_else(|| "No Companies House number claimed".into())
                        explanation="Only verify once you have checked that its editors work for this company (for example against Companies House and a phone call to its registered office). Lot places, contracts and imports will then match its name and number."
                        button="Verify supplier"
                        cancel=format!("/suppliers/{}", claim.supplier.id)
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                        warning=false
                    />
                }
            })}
        </Main>
    }
}

/// `/suppliers/:id/merge`: fold a duplicate record into the one to keep.
#[component]
pub fn MergeSupplierPage() -> impl IntoView {
    let page = curation_resource();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<WithFinder<SupplierClaim>>| {
                let form = page.form;
                let WithFinder { data: claim, finder } = page.data;
                view! {
                    <FormFrame heading=format!("Merge {} into another record", claim.supplier.name) caption=Some(standing(&claim.verification).to_owned())
                        intro=Some("Its lot places, contracts, offers and editors move to the record you keep, and this record is deleted. This cannot be undone.")
                        errors=form.errors.clone() csrf_token=page.csrf_token action=this_page() submit="Merge records">
                        <SupplierPicker finder=finder form=form.clone() legend="Record to keep" />
                    </FormFrame>
                    <FinderForm action=this_page() />
                }
            })}
        </Main>
    }
}

/// `/suppliers/:id/transfer`: make someone the record's only editor.
#[component]
pub fn TransferSupplierPage() -> impl IntoView {
    let page = curation_resource();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<WithFinder<SupplierClaim>>| {
                let form = page.form;
                let claim = page.data.data;
                let current = if claim.editors.is_empty() { "Nobody edits it now.".to_owned() } else { format!("Edited now by {}.", claim.editors.join(", ")) };
                view! {
                    <FormFrame heading=format!("Hand {} to someone else", claim.supplier.name) caption=Some(current)
                        intro=Some("They become its only editor; everyone who edits it now loses access. Use this when someone registered a company that is not theirs.")
                        errors=form.errors.clone() csrf_token=page.csrf_token action=this_page() submit="Hand over">
                        <TextField name=supplier::TRANSFER_EMAIL label="Email address of the new editor" input_type="email" form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}

/// `/admin/suppliers`: claims waiting to be verified, requests waiting for a decision.
#[component]
pub fn SupplierTrustPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| supplier_trust_queue());
    view! {
        <Title text="Supplier records to check" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Your account".into(), "/account".into())] />
        <Main>
            <h1 class="govuk-heading-l">"Supplier records to check"</h1>
            {loaded(page, "Loading…", |overview: SupplierTrustOverview| {
                let claims = overview.claims.iter().map(|c| view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell"><a class="govuk-link" href=format!("/suppliers/{}", c.supplier.id)>{c.supplier.name.clone()}</a></td>
                        <td class="govuk-table__cell">{c.claimed_companies_house_number.clone().unwrap_or_else(|| "None".into())}</td>
                        <td class="govuk-table__cell">{c.editors.join(", ")}</td>
                        <td class="govuk-table__cell">{c.registered_on.clone()}</td>
                    </tr>
                }).collect_view();
                let requests = overview.requests.iter().map(|r| view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell"><a class="govuk-link" href=format!("/suppliers/{}/access/{}", r.supplier_id, r.id)>{r.supplier_name.clone()}</a></td>
                        <td class="govuk-table__cell">{r.person.clone()}</td>
                        <td class="govuk-table__cell">{r.asked_on.clone()}</td>
                    </tr>
                }).collect_view();
                view! {
                    <h2 class="govuk-heading-m">"Registrations not yet verified"</h2>
                    {if overview.claims.is_empty() {
                        view! { <p class="govuk-body">"None."</p> }.into_any()
                    } else {
                        view! {
                            <table class="govuk-table">
                                <caption class="govuk-table__caption govuk-visually-hidden">"Registrations not yet verified"</caption>
                                <thead class="govuk-table__head"><tr class="govuk-table__row">
                                    <th scope="col" class="govuk-table__header">"Supplier"</th>
                                    <th scope="col" class="govuk-table__header">"Claimed Companies House number"</th>
                                    <th scope="col" class="govuk-table__header">"Registered by"</th>
                                    <th scope="col" class="govuk-table__header">"Registered on"</th>
                                </tr></thead>
                                <tbody class="govuk-table__body">{claims}</tbody>
                            </table>
                        }.into_any()
                    }}
                    <h2 class="govuk-heading-m">"Requests for access"</h2>
                    {if overview.requests.is_empty() {
                        view! { <p class="govuk-body">"None."</p> }.into_any()
                    } else {
                        view! {
                            <table class="govuk-table">
                                <caption class="govuk-table__caption govuk-visually-hidden">"Requests for access"</caption>
                                <thead class="govuk-table__head"><tr class="govuk-table__row">
                                    <th scope="col" class="govuk-table__header">"Supplier"</th>
                                    <th scope="col" class="govuk-table__header">"Who"</th>
                                    <th scope="col" class="govuk-table__header">"Asked on"</th>
                                </tr></thead>
                                <tbody class="govuk-table__body">{requests}</tbody>
                            </table>
                        }.into_any()
                    }}
                }
            })}
        </Main>
    }
}
