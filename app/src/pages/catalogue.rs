//! Public catalogue pages: frameworks → lots → suppliers, and a supplier's places.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use crate::api::catalogue::{
    get_contract, get_framework, get_lot, get_offer, get_supplier, similar_to_contract,
};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::pagination::Pagination;
use crate::components::status::loaded;
use crate::types::commands::{ContractSource, OfferStatus, Verification};
use crate::types::{
    AppError, ContractDetail, ContractSummary, FrameworkDetail, FrameworkPublished,
    FrameworkSummary, IdentifierRow, LotDetail, OfferDetail, SupplierDetail, format_basis_points,
    format_date, format_pounds,
};

/// A published value, formatted, or "Not published" (the source left it out).
pub(crate) fn or_not_published<T>(value: Option<&T>, format: impl Fn(&T) -> String) -> String {
    value
        .map(format)
        .unwrap_or_else(|| "Not published".to_owned())
}

pub(crate) fn page_param() -> Memo<Option<u64>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("page").and_then(|p| p.parse().ok())))
}

/// The id in the path, or a not-found error for anything that is not a uuid.
pub(crate) fn id_param() -> Memo<Result<Uuid, AppError>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| {
            p.get("id")
                .and_then(|id| Uuid::parse_str(&id).ok())
                .ok_or_else(|| AppError::NotFound("Page".into()))
        })
    })
}

#[component]
pub(crate) fn DemoNotice() -> impl IntoView {
    view! {
        <div class="govuk-warning-text">
            <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
            <strong class="govuk-warning-text__text">
                <span class="govuk-visually-hidden">"Warning"</span>
                "Demo data: real Crown Commercial Service framework, lot and supplier records from 2018 to 2019 (and Crown Marketplace dates), shown to demonstrate the service. Check the owner's website before you buy."
            </strong>
        </div>
    }
}

pub(crate) fn status_tag(framework: &FrameworkSummary) -> impl IntoView + use<> {
    view! { <strong class=framework.status.tag_class()>{framework.status.label()}</strong> }
}

fn summary_row(key: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{key}</dt>
            <dd class="govuk-summary-list__value">{value}</dd>
        </div>
    }
}

fn framework_facts(f: &FrameworkSummary) -> impl IntoView + use<> {
    view! {
        <dl class="govuk-summary-list">
            {summary_row("Reference", f.reference.clone())}
            {summary_row("Owner", f.owner_name.clone())}
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Status"</dt>
                <dd class="govuk-summary-list__value">{status_tag(f)}</dd>
            </div>
            {summary_row("Starts", or_not_published(f.start_date.as_ref(), format_date))}
            {summary_row("Ends", or_not_published(f.end_date.as_ref(), format_date))}
        </dl>
    }
}

#[component]
pub fn FrameworkPage() -> impl IntoView {
    let id = id_param();
    let framework = Resource::new(
        move || id.get(),
        |id| async move { get_framework(id?).await },
    );
    view! { {loaded(framework, "Loading framework…", |detail| view! { <FrameworkDetailView detail /> })} }
}

#[component]
fn FrameworkDetailView(detail: FrameworkDetail) -> impl IntoView {
    let FrameworkDetail {
        framework,
        description,
        lots,
        max_extension_end,
        routes_to_market,
        levy_basis_points,
        eligibility,
        url,
        published,
        may_edit,
        ..
    } = detail;
    let FrameworkPublished {
        summary,
        benefits,
        how_to_buy,
        keywords,
        category,
        source,
    } = published;
    let framework_id = framework.id;
    let heading = format!("{}: {}", framework.reference, framework.display_title());
    let rows = lots
        .into_iter()
        .map(|l| view! {
            <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">{format!("Lot {}", l.number)}</th>
                <td class="govuk-table__cell"><a class="govuk-link" href=format!("/lots/{}", l.id)>{l.title.clone()}</a></td>
                <td class="govuk-table__cell govuk-table__cell--numeric">{l.supplier_count}</td>
            </tr>
        })
        .collect_view();
    view! {
        <Title text=heading.clone() />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            <span class="govuk-caption-l">"Framework"</span>
            <h1 class="govuk-heading-xl">{heading}</h1>
            {framework.is_demo.then(|| view! { <DemoNotice /> })}
            {summary.map(|s| view! { <p class="govuk-body-l">{s}</p> })}
            {description.map(paragraphs)}
            {framework_facts(&framework)}
            <dl class="govuk-summary-list">
                {category.map(|c| summary_row("Category", c))}
                {keywords.map(|k| summary_row("Keywords", k))}
                {source.map(|s| summary_row("Imported from", s))}
                {summary_row("Latest end with extensions", or_not_published(max_extension_end.as_ref(), format_date))}
                {summary_row("Routes to market", if routes_to_market.is_empty() { "Not published".to_owned() } else { routes_to_market.join(", ") })}
                {summary_row("Levy", or_not_published(levy_basis_points.as_ref(), |p| format!("{}%", format_basis_points(*p))))}
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Who may use it"</dt>
                    <dd class="govuk-summary-list__value">
                        {if eligibility.is_empty() {
                            view! { <p class="govuk-body">"Not published"</p> }.into_any()
                        } else {
                            view! { <ul class="govuk-list">{eligibility.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul> }.into_any()
                        }}
                    </dd>
                </div>
                {url.map(|url| view! {
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"Owner's page"</dt>
                        <dd class="govuk-summary-list__value"><a class="govuk-link" href=url.clone() rel="noreferrer noopener">{url.clone()}</a></dd>
                    </div>
                })}
            </dl>
            {benefits.map(|b| view! { <h2 class="govuk-heading-m">"Benefits"</h2> {paragraphs(b)} })}
            {how_to_buy.map(|h| view! { <h2 class="govuk-heading-m">"How to buy"</h2> {paragraphs(h)} })}
            {may_edit.then(|| view! {
                <ul class="govuk-list">
                    <li><a class="govuk-link" href=format!("/frameworks/{framework_id}/edit")>"Change this framework"</a></li>
                    <li><a class="govuk-link" href=format!("/frameworks/{framework_id}/lots/new")>"Add a lot"</a></li>
                </ul>
            })}
            <h2 class="govuk-heading-m">{format!("{} lots", framework.lot_count)}</h2>
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-visually-hidden">"Lots"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Lot"</th>
                        <th scope="col" class="govuk-table__header">"Title"</th>
                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Suppliers"</th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">{rows}</tbody>
            </table>
        </Main>
    }
}

/// Published text, one paragraph per line.
fn paragraphs(text: String) -> impl IntoView {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| view! { <p class="govuk-body">{line.to_owned()}</p> })
        .collect_view()
}

#[component]
pub fn LotPage() -> impl IntoView {
    let id = id_param();
    let page = page_param();
    let lot = Resource::new(
        move || (id.get(), page.get()),
        |(id, page)| async move { get_lot(id?, page).await },
    );
    view! { {loaded(lot, "Loading lot…", |detail| view! { <LotDetailView detail /> })} }
}

#[component]
fn LotDetailView(detail: LotDetail) -> impl IntoView {
    let LotDetail {
        framework,
        lot,
        description,
        suppliers,
        cpv_codes,
        may_edit,
        ..
    } = detail;
    let heading = format!("Lot {}: {}", lot.number, lot.title);
    let shown = if suppliers.total_items == 0 {
        "No suppliers are recorded on this lot.".to_owned()
    } else {
        format!(
            "Showing {} to {} of {} suppliers",
            suppliers.first_item_number(),
            suppliers.last_item_number(),
            suppliers.total_items
        )
    };
    let last = suppliers.total_pages();
    let current = suppliers.page;
    let path = format!("/lots/{}", lot.id);
    let lot_id = lot.id;
    let rows = suppliers
        .items
        .into_iter()
        .map(|s| view! {
            <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">
                    <a class="govuk-link" href=format!("/suppliers/{}", s.id)>{s.name.clone()}</a>
                </th>
                <td class="govuk-table__cell">{s.status.clone()}</td>
                {may_edit.then(|| view! {
                    <td class="govuk-table__cell">
                        <a class="govuk-link" href=format!("/lots/{lot_id}/suppliers/new?supplier={}", s.id)>
                            "Change status"<span class="govuk-visually-hidden">{format!(" of {}", s.name)}</span>
                        </a>
                    </td>
                })}
            </tr>
        })
        .collect_view();
    view! {
        <Title text=heading.clone() />
        <Breadcrumbs trail=vec![
            ("Home".into(), "/".into()),
            ("Frameworks".into(), "/frameworks".into()),
            (framework.reference.clone(), format!("/frameworks/{}", framework.id)),
        ] />
        <Main>
            <span class="govuk-caption-l">{format!("{}: {}", framework.reference, framework.display_title())}</span>
            <h1 class="govuk-heading-xl">{heading}</h1>
            {framework.is_demo.then(|| view! { <DemoNotice /> })}
            {description.map(|d| view! { <p class="govuk-body">{d}</p> })}
            {(!cpv_codes.is_empty()).then(|| view! {
                <h2 class="govuk-heading-m">"Categories (CPV)"</h2>
                <ul class="govuk-list">
                    {cpv_codes.into_iter().map(|(code, label)| view! { <li>{format!("{code} {label}")}</li> }).collect_view()}
                </ul>
            })}
            {may_edit.then(|| view! {
                <ul class="govuk-list">
                    <li><a class="govuk-link" href=format!("/lots/{lot_id}/suppliers/new")>"Add a supplier to this lot"</a></li>
                    <li><a class="govuk-link" href=format!("/lots/{lot_id}/edit")>"Change this lot"</a></li>
                    <li><a class="govuk-link" href=format!("/lots/{lot_id}/remove")>"Remove this lot"</a></li>
                </ul>
            })}
            <h2 class="govuk-heading-m">"Suppliers"</h2>
            <p class="govuk-body" role="status">{shown}</p>
            {(suppliers.total_items > 0).then(|| view! {
                <table class="govuk-table">
                    <caption class="govuk-table__caption govuk-visually-hidden">"Suppliers on this lot"</caption>
                    <thead class="govuk-table__head">
                        <tr class="govuk-table__row">
                            <th scope="col" class="govuk-table__header">"Supplier"</th>
                            <th scope="col" class="govuk-table__header">"Status"</th>
                            {may_edit.then(|| view! { <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">"Actions"</span></th> })}
                        </tr>
                    </thead>
                    <tbody class="govuk-table__body">{rows}</tbody>
                </table>
            })}
            <Pagination path query=Vec::new() current last />
        </Main>
    }
}

#[component]
pub fn SupplierPage() -> impl IntoView {
    let id = id_param();
    let supplier = Resource::new(
        move || id.get(),
        |id| async move { get_supplier(id?).await },
    );
    view! { {loaded(supplier, "Loading supplier…", |detail| view! { <SupplierDetailView detail /> })} }
}

/// What the supplier page's `?done=` says after a change redirected to it.
fn supplier_change_done(done: Option<String>) -> Option<&'static str> {
    Some(match done?.as_str() {
        "access-requested" => {
            "Your request has been sent. You can edit this supplier once it is granted."
        }
        "access-decided" => "Your decision has been saved.",
        "verified" => "This supplier is now verified.",
        "merged" => "The duplicate record has been merged into this one.",
        "transferred" => "This supplier has been handed over.",
        "colleague-added" => "Your colleague can now edit this organisation.",
        "colleague-invited" => "We have emailed your colleague an invitation. It works for 7 days.",
        "invitation-accepted" => "You can now edit this organisation.",
        _ => return None,
    })
}

#[component]
fn SupplierDetailView(detail: SupplierDetail) -> impl IntoView {
    let done = supplier_change_done(
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("done")),
    );
    let count = detail.places.len();
    let supplier_id = detail.id;
    let offers: Vec<_> = detail
        .offers
        .iter()
        .map(|o| {
            let status = (o.status != OfferStatus::Published.as_str()).then(|| view! {
                " "<strong class="govuk-tag govuk-tag--grey">{if o.status == OfferStatus::Draft.as_str() { "Draft" } else { "Withdrawn" }}</strong>
            });
            view! {
                <li>
                    <a class="govuk-link govuk-!-font-weight-bold" href=format!("/offers/{}", o.id)>{o.title.clone()}</a>
                    {status}
                    <br />
                    {o.summary.clone()}
                </li>
            }
        })
        .collect();
    let rows = detail
        .places
        .into_iter()
        .map(|p| view! {
            <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">
                    <a class="govuk-link" href=format!("/frameworks/{}", p.framework.id)>{p.framework.reference.clone()}</a>
                </th>
                <td class="govuk-table__cell">
                    <a class="govuk-link" href=format!("/lots/{}", p.lot.id)>{format!("Lot {}: {}", p.lot.number, p.lot.title)}</a>
                </td>
                <td class="govuk-table__cell">{status_tag(&p.framework)}</td>
                <td class="govuk-table__cell">{p.status.clone()}</td>
            </tr>
        })
        .collect_view();
    view! {
        <Title text=detail.name.clone() />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Frameworks".into(), "/frameworks".into())] />
        <Main>
            {done.map(|message| view! { <crate::components::status::SuccessBanner message /> })}
            <span class="govuk-caption-l">"Supplier"</span>
            <h1 class="govuk-heading-xl">{detail.name.clone()}</h1>
            {detail.is_demo.then(|| view! { <DemoNotice /> })}
            {(detail.verification == Verification::Unverified.as_str()).then(|| view! {
                <div class="govuk-warning-text">
                    <span class="govuk-warning-text__icon" aria-hidden="true">"!"</span>
                    <strong class="govuk-warning-text__text">
                        <span class="govuk-visually-hidden">"Warning"</span>
                        "Registered by its editors and not yet verified by Procurement Commons. Check who you are dealing with."
                    </strong>
                </div>
            })}
            {detail.description.clone().map(|d| view! { <p class="govuk-body">{d}</p> })}
            <dl class="govuk-summary-list">
                {summary_row("Record", Verification::parse(&detail.verification).map(Verification::label).unwrap_or("Unknown").to_owned())}
                {match (&detail.companies_house_number, &detail.claimed_companies_house_number) {
                    (Some(number), _) => summary_row("Companies House number", number.clone()),
                    (None, Some(claimed)) => summary_row("Companies House number", format!("{claimed} (claimed, not verified)")),
                    (None, None) => summary_row("Companies House number", "Not recorded".into()),
                }}
                {summary_row("VAT number", detail.vat_number.clone().unwrap_or_else(|| "Not recorded".into()))}
                {summary_row("Small or medium-sized enterprise (SME)", if detail.is_sme { "Yes" } else { "Not recorded" }.to_owned())}
                {summary_row("Voluntary, community or social enterprise (VCSE)", if detail.is_vcse { "Yes" } else { "Not recorded" }.to_owned())}
                {summary_row("Based in", detail.region.clone().unwrap_or_else(|| "Not recorded".into()))}
                {detail.website.clone().map(|url| view! {
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"Website"</dt>
                        <dd class="govuk-summary-list__value"><a class="govuk-link" href=url.clone() rel="noreferrer noopener">{url.clone()}</a></dd>
                    </div>
                })}
            </dl>
            {detail.may_edit.then(|| view! {
                <ul class="govuk-list">
                    <li><a class="govuk-link" href=format!("/suppliers/{supplier_id}/edit")>"Change your organisation's profile"</a></li>
                    <li><a class="govuk-link" href=format!("/suppliers/{supplier_id}/offers/new")>"Add an offer"</a></li>
                    <li><a class="govuk-link" href=format!("/suppliers/{supplier_id}/colleagues/new")>"Add a colleague"</a></li>
                </ul>
            })}
            {detail.may_request_access.then(|| view! {
                <p class="govuk-body">
                    "Work for this organisation? "
                    <a class="govuk-link" href=format!("/suppliers/{supplier_id}/access")>"Ask to edit this supplier"</a>
                </p>
            })}
            {detail.may_curate.then(|| view! {
                <h2 class="govuk-heading-m">"Administration"</h2>
                <ul class="govuk-list">
                    {(detail.verification == Verification::Unverified.as_str()).then(|| view! {
                        <li><a class="govuk-link" href=format!("/suppliers/{supplier_id}/verify")>"Verify this supplier"</a></li>
                    })}
                    <li><a class="govuk-link" href=format!("/suppliers/{supplier_id}/merge")>"Merge into another record"</a></li>
                    <li><a class="govuk-link" href=format!("/suppliers/{supplier_id}/transfer")>"Hand this record to someone else"</a></li>
                </ul>
            })}
            {(!detail.access_requests.is_empty()).then(|| view! {
                <h2 class="govuk-heading-m">"Requests to edit this organisation"</h2>
                <dl class="govuk-summary-list">
                    {detail.access_requests.iter().map(|r| view! {
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key govuk-!-font-weight-regular">{r.person.clone()}</dt>
                            <dd class="govuk-summary-list__value">{r.message.clone()}</dd>
                            <dd class="govuk-summary-list__actions">
                                <a class="govuk-link" href=format!("/suppliers/{supplier_id}/access/{}", r.id)>
                                    "Decide"<span class="govuk-visually-hidden">{format!(" on {}", r.person)}</span>
                                </a>
                            </dd>
                        </div>
                    }).collect_view()}
                </dl>
            })}
            {(!detail.editors.is_empty()).then(|| view! {
                <h2 class="govuk-heading-m">"People who edit this organisation"</h2>
                <dl class="govuk-summary-list">
                    {detail.editors.iter().map(|(user, name)| view! {
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key govuk-!-font-weight-regular">{name.clone()}</dt>
                            <dd class="govuk-summary-list__actions">
                                <a class="govuk-link" href=format!("/suppliers/{supplier_id}/colleagues/{user}/remove")>
                                    "Remove"<span class="govuk-visually-hidden">{format!(" {name}")}</span>
                                </a>
                            </dd>
                        </div>
                    }).collect_view()}
                </dl>
            })}
            <h2 class="govuk-heading-m">"Offers"</h2>
            {if offers.is_empty() {
                view! { <p class="govuk-body">"No offers are listed yet."</p> }.into_any()
            } else {
                view! { <ul class="govuk-list">{offers}</ul> }.into_any()
            }}
            <p class="govuk-body">
                <a class="govuk-link" href=format!("/suppliers/{supplier_id}/demand")>"Councils' demand matching these offers"</a>
            </p>
            <h2 class="govuk-heading-m">{format!("Places on {count} framework lots")}</h2>
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-visually-hidden">"Framework lots this supplier is on"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Framework"</th>
                        <th scope="col" class="govuk-table__header">"Lot"</th>
                        <th scope="col" class="govuk-table__header">"Framework status"</th>
                        <th scope="col" class="govuk-table__header">"Place"</th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">{rows}</tbody>
            </table>
            <h2 class="govuk-heading-m">"Contracts awarded"</h2>
            <ContractsTable contracts=detail.contracts caption="Contracts awarded to this supplier" />
            <IdentifiersTable identifiers=detail.identifiers caption="Where this supplier's identity came from" />
        </Main>
    }
}

/// Identifiers a record is known by and where each was first seen; used on
/// council and supplier pages. Nothing when there are none.
#[component]
pub fn IdentifiersTable(identifiers: Vec<IdentifierRow>, caption: &'static str) -> impl IntoView {
    (!identifiers.is_empty()).then(|| {
        let rows = identifiers
            .into_iter()
            .map(|i| {
                view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell">{i.label}</td>
                        <td class="govuk-table__cell">{i.value}</td>
                        <td class="govuk-table__cell">{i.first_seen}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2 class="govuk-heading-m">{caption}</h2>
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-visually-hidden">{caption}</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Identifier"</th>
                        <th scope="col" class="govuk-table__header">"Value"</th>
                        <th scope="col" class="govuk-table__header">"First seen in"</th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">{rows}</tbody>
            </table>
        }
    })
}

/// Awarded contracts as a table; used on council and supplier pages.
#[component]
pub fn ContractsTable(contracts: Vec<ContractSummary>, caption: &'static str) -> impl IntoView {
    if contracts.is_empty() {
        return view! { <p class="govuk-body">"No contracts are recorded yet."</p> }.into_any();
    }
    let rows = contracts
        .into_iter()
        .map(|c| view! {
            <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">
                    <a class="govuk-link" href=format!("/contracts/{}", c.id)>{c.title.clone()}</a>
                    {c.is_demo.then(|| view! { " " <strong class="govuk-tag govuk-tag--grey">"Demo"</strong> })}
                </th>
                <td class="govuk-table__cell">{c.buyer_name.clone()}</td>
                <td class="govuk-table__cell govuk-table__cell--numeric">{or_not_published(c.value_pence.as_ref(), |p| format_pounds(*p))}</td>
                <td class="govuk-table__cell">{or_not_published(c.end_date.as_ref(), format_date)}</td>
            </tr>
        })
        .collect_view();
    view! {
        <table class="govuk-table">
            <caption class="govuk-table__caption govuk-visually-hidden">{caption}</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Contract"</th>
                    <th scope="col" class="govuk-table__header">"Buyer"</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Value"</th>
                    <th scope="col" class="govuk-table__header">"Ends"</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn ContractPage() -> impl IntoView {
    let id = id_param();
    let contract = Resource::new(
        move || id.get(),
        |id| async move { get_contract(id?).await },
    );
    let similar = Resource::new(
        move || id.get(),
        |id| async move { similar_to_contract(id?).await },
    );
    view! {
        {loaded(contract, "Loading contract…", move |detail| view! {
            <ContractDetailView detail>
                {loaded(similar, "Looking for similar purchases…", |similar: Vec<crate::types::SimilarPurchase>| view! {
                    <h2 class="govuk-heading-m">"Similar purchases by other councils"</h2>
                    <crate::pages::intents::SimilarPurchases similar />
                })}
            </ContractDetailView>
        })}
    }
}

#[component]
fn ContractDetailView(detail: ContractDetail, children: Children) -> impl IntoView {
    let ContractDetail {
        contract,
        suppliers,
        cpv_codes,
        ocid,
        source,
        provenance,
        joint_buyers,
        bought_through,
        max_extension_end,
        value_range,
        description,
        may_edit,
        ..
    } = detail;
    let contract_id = contract.id;
    let source = ContractSource::parse(&source).map_or(source, |known| known.label().to_owned());
    let buyer_link = contract
        .buyer_gss_code
        .clone()
        .map(|gss| format!("/councils/{gss}"));
    let supplier_items = suppliers
        .into_iter()
        .map(|(id, name)| view! { <li><a class="govuk-link" href=format!("/suppliers/{id}")>{name}</a></li> })
        .collect_view();
    let cpv_items = cpv_codes
        .into_iter()
        .map(|(code, label)| view! { <li>{format!("{code} {label}")}</li> })
        .collect_view();
    view! {
        <Title text=contract.title.clone() />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Councils".into(), "/councils".into())] />
        <Main>
            <span class="govuk-caption-l">"Contract"</span>
            <h1 class="govuk-heading-xl">{contract.title.clone()}</h1>
            {may_edit.then(|| view! {
                <p class="govuk-body"><a class="govuk-link" href=format!("/contracts/{contract_id}/edit")>"Change this contract"</a></p>
            })}
            {description.map(|d| view! { <p class="govuk-body">{d}</p> })}
            {contract.is_demo.then(|| view! {
                <div class="govuk-inset-text">
                    "Demo data: taken from a real notice published as open data. Check the original notice before relying on it."
                </div>
            })}
            <dl class="govuk-summary-list">
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Buyer"</dt>
                    <dd class="govuk-summary-list__value">
                        {match buyer_link {
                            Some(href) => view! { <a class="govuk-link" href=href>{contract.buyer_name.clone()}</a> }.into_any(),
                            None => contract.buyer_name.clone().into_any(),
                        }}
                    </dd>
                </div>
                {summary_row("Value", match (contract.value_pence, value_range) {
                    (Some(p), _) => format_pounds(p),
                    (None, Some((low, high))) => format!("Published as a range: {} to {}", format_pounds(low), format_pounds(high)),
                    (None, None) => "Not published".to_owned(),
                })}
                {summary_row("Starts", or_not_published(contract.start_date.as_ref(), format_date))}
                {summary_row("Ends", or_not_published(contract.end_date.as_ref(), format_date))}
                {max_extension_end.map(|d| summary_row("Latest end with extensions", format_date(&d)))}
                {(!joint_buyers.is_empty()).then(|| view! {
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"Bought jointly with"</dt>
                        <dd class="govuk-summary-list__value">
                            <ul class="govuk-list">
                                {joint_buyers.into_iter().map(|(name, gss)| view! {
                                    <li>{match gss {
                                        Some(gss) => view! { <a class="govuk-link" href=format!("/councils/{gss}")>{name}</a> }.into_any(),
                                        None => name.into_any(),
                                    }}</li>
                                }).collect_view()}
                            </ul>
                        </dd>
                    </div>
                })}
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Bought through"</dt>
                    <dd class="govuk-summary-list__value">
                        {match bought_through.href() {
                            Some(href) => view! { <a class="govuk-link" href=href>{bought_through.describe()}</a> }.into_any(),
                            None => bought_through.describe().into_any(),
                        }}
                    </dd>
                </div>
                {summary_row("Source", source)}
                {ocid.map(|o| summary_row("OCDS id", o))}
                {provenance.map(|p| summary_row("Provenance", p))}
            </dl>
            <h2 class="govuk-heading-m">"Suppliers"</h2>
            <ul class="govuk-list">{supplier_items}</ul>
            <h2 class="govuk-heading-m">"What was bought (CPV codes)"</h2>
            <ul class="govuk-list">{cpv_items}</ul>
            {children()}
        </Main>
    }
}

#[component]
pub fn OfferPage() -> impl IntoView {
    let id = id_param();
    let offer = Resource::new(move || id.get(), |id| async move { get_offer(id?).await });
    view! { {loaded(offer, "Loading offer…", |detail| view! { <OfferDetailView detail /> })} }
}

/// A heading and a bulleted list, or nothing when the list is empty.
fn titled_list(title: &'static str, items: Vec<String>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        view! {
            <h2 class="govuk-heading-m">{title}</h2>
            <ul class="govuk-list govuk-list--bullet">
                {items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn OfferDetailView(detail: OfferDetail) -> impl IntoView {
    let OfferDetail {
        offer,
        supplier_id,
        supplier_name,
        description,
        features,
        benefits,
        price,
        cpv_codes,
        lots,
        footprints,
        accessibility_notes,
        open_standards_notes,
        is_demo,
        may_edit,
    } = detail;
    let has_lots = !lots.is_empty();
    let lot_items = lots
        .into_iter()
        .map(|(id, label)| view! { <li><a class="govuk-link" href=format!("/lots/{id}")>{label}</a></li> })
        .collect_view();
    view! {
        <Title text=offer.title.clone() />
        <Breadcrumbs trail=vec![
            ("Home".into(), "/".into()),
            (supplier_name.clone(), format!("/suppliers/{supplier_id}")),
        ] />
        <Main>
            <span class="govuk-caption-l">{format!("Offer from {supplier_name}")}</span>
            <h1 class="govuk-heading-xl">{offer.title.clone()}</h1>
            {is_demo.then(|| view! { <DemoNotice /> })}
            {(offer.status != OfferStatus::Published.as_str()).then(|| view! {
                <div class="govuk-inset-text">
                    {if offer.status == OfferStatus::Draft.as_str() { "This offer is a draft: only your organisation can see it." } else { "This offer is withdrawn: only your organisation can see it." }}
                </div>
            })}
            {may_edit.then(|| view! {
                <p class="govuk-body"><a class="govuk-link" href=format!("/offers/{}/edit", offer.id)>"Change this offer"</a></p>
            })}
            <p class="govuk-body-l">{offer.summary.clone()}</p>
            {description.map(|d| view! { <p class="govuk-body">{d}</p> })}
            <dl class="govuk-summary-list">
                {summary_row("Price", price)}
                {summary_row("Footprints served", if footprints.is_empty() { "Not stated".to_owned() } else { footprints.join(", ") })}
            </dl>
            {titled_list("Features", features)}
            {titled_list("Benefits", benefits)}
            <h2 class="govuk-heading-m">"Can be bought through"</h2>
            {if !has_lots { view! { <p class="govuk-body">"No framework lots are named for this offer."</p> }.into_any() } else { view! { <ul class="govuk-list">{lot_items}</ul> }.into_any() }}
            {titled_list("Categories (CPV)", cpv_codes.into_iter().map(|(c, l)| format!("{c} {l}")).collect())}
            {accessibility_notes.map(|n| view! { <h2 class="govuk-heading-m">"Accessibility"</h2><p class="govuk-body">{n}</p> })}
            {open_standards_notes.map(|n| view! { <h2 class="govuk-heading-m">"Open standards"</h2><p class="govuk-body">{n}</p> })}
        </Main>
    }
}
