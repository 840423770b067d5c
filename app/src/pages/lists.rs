//! The public lists: frameworks, suppliers, contracts and offers, each with
//! its filters (a GET form) and pagination that keeps them.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::catalogue::{ContractsTable, DemoNotice, or_not_published, page_param, status_tag};
use crate::api::catalogue::{list_contracts, list_frameworks, list_offers, list_suppliers};
use crate::components::filters::filtered_list;
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::types::{
    ContractListing, FrameworkListing, OfferListing, Role, SupplierListing, format_date,
};

/// The query values of `names`, in order, as a memo a resource can track.
fn query_values<const N: usize>(names: [&'static str; N]) -> Memo<[Option<String>; N]> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| names.map(|name| q.get(name))))
}

/// A list page: title, breadcrumbs and the loaded list.
fn list_page(title: &'static str, list: impl IntoView + 'static) -> impl IntoView {
    view! {
        <Title text=title />
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            <h1 class="govuk-heading-xl">{title}</h1>
            {list}
        </Main>
    }
}

/// Table head cells; the ones named in `numeric` align right.
fn head(columns: &[&'static str], numeric: &[&'static str]) -> impl IntoView + use<> {
    let cells = columns
        .iter()
        .map(|c| {
            let class = if numeric.contains(c) {
                "govuk-table__header govuk-table__header--numeric"
            } else {
                "govuk-table__header"
            };
            view! { <th scope="col" class=class>{*c}</th> }
        })
        .collect_view();
    view! {
        <thead class="govuk-table__head">
            <tr class="govuk-table__row">{cells}</tr>
        </thead>
    }
}

#[component]
pub fn FrameworksPage() -> impl IntoView {
    let page = page_param();
    let values = query_values(["status", "owner", "council"]);
    let frameworks = Resource::new(
        move || (values.get(), page.get()),
        |([status, owner, council], page)| list_frameworks(status, owner, council, page),
    );
    let list = view! {
        <DemoNotice />
        <YourCouncilsFrameworks />
        {loaded(frameworks, "Loading frameworks…", framework_list)}
    };
    list_page("Frameworks", list)
}

/// For council buyers: a link to the frameworks each of their councils may use.
#[component]
fn YourCouncilsFrameworks() -> impl IntoView {
    let visitor = Resource::new(|| (), |_| crate::api::account::current_visitor());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let grants: Vec<_> = visitor
                    .await
                    .ok()
                    .and_then(|v| v.viewer)
                    .map(|viewer| viewer.grants)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|g| g.role == Role::CouncilBuyer)
                    .collect();
                (!grants.is_empty()).then(|| {
                    let links = grants
                        .into_iter()
                        .filter_map(|g| {
                            let gss = g.scope_code?;
                            let name = g.scope_name.unwrap_or_else(|| gss.clone());
                            Some(view! {
                                <li>
                                    <a class="govuk-link" href=format!("/frameworks?council={gss}")>
                                        {format!("Frameworks {name} may use")}
                                    </a>
                                </li>
                            })
                        })
                        .collect_view();
                    view! { <ul class="govuk-list">{links}</ul> }
                })
            })}
        </Suspense>
    }
}

fn framework_list(listing: FrameworkListing) -> impl IntoView {
    filtered_list(
        listing,
        "/frameworks",
        "frameworks",
        "No frameworks match these filters.",
        |items| {
            let rows = items
                .into_iter()
                .map(|f| view! {
                    <tr class="govuk-table__row">
                        <th scope="row" class="govuk-table__header">
                            <a class="govuk-link" href=format!("/frameworks/{}", f.id)>{f.reference.clone()}</a>
                        </th>
                        <td class="govuk-table__cell">{f.display_title()}</td>
                        <td class="govuk-table__cell">{f.owner_name.clone()}</td>
                        <td class="govuk-table__cell">{status_tag(&f)}</td>
                        <td class="govuk-table__cell">{or_not_published(f.end_date.as_ref(), format_date)}</td>
                        <td class="govuk-table__cell govuk-table__cell--numeric">{f.lot_count}</td>
                    </tr>
                })
                .collect_view();
            view! {
                <table class="govuk-table">
                    <caption class="govuk-table__caption govuk-visually-hidden">"Frameworks"</caption>
                    {head(&["Reference", "Title", "Owner", "Status", "Ends", "Lots"], &["Lots"])}
                    <tbody class="govuk-table__body">{rows}</tbody>
                </table>
            }
            .into_any()
        },
    )
}

#[component]
pub fn SuppliersPage() -> impl IntoView {
    let page = page_param();
    let values = query_values(["name", "sme", "vcse", "region"]);
    let suppliers = Resource::new(
        move || (values.get(), page.get()),
        |([name, sme, vcse, region], page)| list_suppliers(name, sme, vcse, region, page),
    );
    list_page(
        "Suppliers",
        loaded(suppliers, "Loading suppliers…", supplier_list),
    )
}

fn supplier_list(listing: SupplierListing) -> impl IntoView {
    filtered_list(
        listing,
        "/suppliers",
        "suppliers",
        "No suppliers match.",
        |items| {
            let rows = items
            .into_iter()
            .map(|s| {
                let kinds: Vec<&str> = [(s.is_sme, "SME"), (s.is_vcse, "VCSE")]
                    .into_iter()
                    .filter_map(|(is, kind)| is.then_some(kind))
                    .collect();
                view! {
                    <tr class="govuk-table__row">
                        <th scope="row" class="govuk-table__header">
                            <a class="govuk-link" href=format!("/suppliers/{}", s.id)>{s.name.clone()}</a>
                        </th>
                        <td class="govuk-table__cell">{kinds.join(", ")}</td>
                        <td class="govuk-table__cell">{s.region.clone().unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
            view! {
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-visually-hidden">"Suppliers"</caption>
                {head(&["Supplier", "Type", "Based in"], &[])}
                <tbody class="govuk-table__body">{rows}</tbody>
            </table>
        }
        .into_any()
        },
    )
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let page = page_param();
    let values = query_values(["council", "footprint", "ending"]);
    let contracts = Resource::new(
        move || (values.get(), page.get()),
        |([council, footprint, ending], page)| list_contracts(council, footprint, ending, page),
    );
    list_page(
        "Contracts",
        loaded(contracts, "Loading contracts…", contract_list),
    )
}

fn contract_list(listing: ContractListing) -> impl IntoView {
    filtered_list(
        listing,
        "/contracts",
        "contracts",
        "No contracts match these filters.",
        |items| view! { <ContractsTable contracts=items caption="Contracts" /> }.into_any(),
    )
}

#[component]
pub fn OffersPage() -> impl IntoView {
    let page = page_param();
    let values = query_values(["category", "footprint"]);
    let offers = Resource::new(
        move || (values.get(), page.get()),
        |([category, footprint], page)| list_offers(category, footprint, page),
    );
    list_page("Offers", loaded(offers, "Loading offers…", offer_list))
}

fn offer_list(listing: OfferListing) -> impl IntoView {
    filtered_list(
        listing,
        "/offers",
        "offers",
        "No published offers match these filters.",
        |items| {
            let rows = items
                .into_iter()
                .map(|o| view! {
                    <tr class="govuk-table__row">
                        <th scope="row" class="govuk-table__header">
                            <a class="govuk-link" href=format!("/offers/{}", o.id)>{o.title.clone()}</a>
                            {o.is_demo.then(|| view! { " " <strong class="govuk-tag govuk-tag--grey">"Demo"</strong> })}
                            <span class="govuk-body-s govuk-!-display-block govuk-!-margin-bottom-0 govuk-!-font-weight-regular">{o.summary.clone()}</span>
                        </th>
                        <td class="govuk-table__cell">
                            <a class="govuk-link" href=format!("/suppliers/{}", o.supplier_id)>{o.supplier_name.clone()}</a>
                        </td>
                        <td class="govuk-table__cell">{o.price.clone()}</td>
                    </tr>
                })
                .collect_view();
            view! {
                <table class="govuk-table">
                    <caption class="govuk-table__caption govuk-visually-hidden">"Offers"</caption>
                    {head(&["Offer", "Supplier", "Price"], &[])}
                    <tbody class="govuk-table__body">{rows}</tbody>
                </table>
            }
            .into_any()
        },
    )
}
