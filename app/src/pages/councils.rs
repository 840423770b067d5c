use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::councils::list_councils;
use crate::components::filters::{ErrorSummary, FilterSelect};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::pagination::Pagination;
use crate::components::status::{loaded, set_status};
use crate::types::CouncilListing;

/// Every current council, filtered by a plain GET form and paginated with links.
#[component]
pub fn CouncilsPage() -> impl IntoView {
    let query = use_query_map();
    let listing = Resource::new(
        move || {
            query.with(|q| {
                (
                    q.get("nation"),
                    q.get("region"),
                    q.get("type"),
                    q.get("page").and_then(|p| p.parse::<u64>().ok()),
                )
            })
        },
        |(nation, region, org_type, page)| list_councils(nation, region, org_type, page),
    );
    view! {
        <Title text="Councils" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            <h1 class="govuk-heading-xl">"Councils"</h1>
            {loaded(listing, "Loading councils…", |listing| view! { <CouncilListingView listing /> })}
        </Main>
    }
}

#[component]
fn CouncilListingView(listing: CouncilListing) -> impl IntoView {
    let CouncilListing {
        filter,
        options,
        page,
        error,
    } = listing;
    if error.is_some() {
        set_status(400);
    }
    let nation_options: Vec<(String, String)> = options
        .nations
        .iter()
        .map(|n| (n.clone(), n.clone()))
        .collect();
    let region_options: Vec<(String, String)> = options
        .regions
        .iter()
        .map(|r| (r.clone(), r.clone()))
        .collect();
    let type_options = options.types.clone();
    let summary = error.clone().map(|e| view! { <ErrorSummary error=e /> });
    let shown = if page.total_items == 0 {
        "No councils match these filters.".to_owned()
    } else {
        format!(
            "Showing {} to {} of {} {}",
            page.first_item_number(),
            page.last_item_number(),
            page.total_items,
            if page.total_items == 1 {
                "council"
            } else {
                "councils"
            }
        )
    };
    let rows = page
        .items
        .iter()
        .map(|c| {
            view! {
                <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header">
                        <a class="govuk-link" href=format!("/councils/{}", c.gss_code)>{c.short_name.clone()}</a>
                    </th>
                    <td class="govuk-table__cell">{c.org_type_name.clone()}</td>
                    <td class="govuk-table__cell">{c.region.clone().unwrap_or_default()}</td>
                    <td class="govuk-table__cell">{c.gss_code.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let total_pages = page.total_pages();
    view! {
        {summary}
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-one-third">
                <form method="get" action="/councils" novalidate>
                    <h2 class="govuk-heading-m">"Filter councils"</h2>
                    <FilterSelect id="nation" label="Nation" choices=nation_options selected=filter.nation.clone() error=error.clone() />
                    <FilterSelect id="region" label="Region" choices=region_options selected=filter.region.clone() error=error.clone() />
                    <FilterSelect id="type" label="Type of council" choices=type_options selected=filter.org_type.clone() error=error.clone() />
                    <div class="govuk-button-group">
                        <button type="submit" class="govuk-button" data-module="govuk-button">"Apply filters"</button>
                        <a class="govuk-link" href="/councils">"Clear filters"</a>
                    </div>
                </form>
            </div>
            <div class="govuk-grid-column-two-thirds">
                <p class="govuk-body" role="status">{shown}</p>
                {(!page.items.is_empty()).then(|| view! {
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-table__caption--m govuk-visually-hidden">"Councils"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"Council"</th>
                                <th scope="col" class="govuk-table__header">"Type"</th>
                                <th scope="col" class="govuk-table__header">"Region"</th>
                                <th scope="col" class="govuk-table__header">"GSS code"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">{rows}</tbody>
                    </table>
                })}
                <Pagination path="/councils" query=filter.query_pairs() current=page.page last=total_pages />
            </div>
        </div>
    }
}
