//! `/search`: one box over the whole catalogue, with facets that count what
//! each choice would show. Everything is in the URL query: the form is a
//! GET form and every facet is a link, so it works without JavaScript and
//! every search can be shared.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::search::search;
use crate::components::filters::ErrorSummary;
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::live_search::{FORM_ID, LiveSearchBox, RESULTS_ID, STATUS_ID};
use crate::components::pagination::Pagination;
use crate::components::status::{loaded, set_status};
use crate::types::{
    CHECKED, FacetGroup, Highlighted, MAX_SEARCH_PAGE, SearchCriteria, SearchHit, SearchParams,
    SearchResults, SearchSort, format_date, format_pounds,
};

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(|q| SearchParams::from_lookup(|name| q.get(name))));
    let results = Resource::new(move || params.get(), search);
    view! {
        <Title text="Search" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            <h1 class="govuk-heading-xl">"Search"</h1>
            {loaded(results, "Searching…", results_view)}
        </Main>
    }
}

/// Text with its matched parts in `<mark>`; every part is text, so markup
/// in a title or a query is shown, never run.
fn marked(text: Highlighted) -> impl IntoView {
    text.0
        .into_iter()
        .map(|(part, hit)| {
            if hit {
                view! { <mark>{part}</mark> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

/// The search form: the words, the value range, the order and (for a
/// council buyer) "only what my council can use". The facet choices ride
/// along as hidden fields so a new search keeps them.
fn search_form(criteria: &SearchCriteria, council: Option<String>) -> impl IntoView {
    let hidden = criteria
        .query_pairs()
        .into_iter()
        .filter(|(name, _)| {
            matches!(
                name.as_str(),
                "kind" | "status" | "cpv" | "owner" | "footprint" | "sme"
            )
        })
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
    let sorts = SearchSort::ALL
        .into_iter()
        .map(|s| {
            view! { <option value=s.as_str() selected=criteria.sort == s>{s.label()}</option> }
        })
        .collect_view();
    let mine = council.map(|name| {
        view! {
            <div class="govuk-form-group">
                <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
                    <div class="govuk-checkboxes__item">
                        <input class="govuk-checkboxes__input" id="mine" name="mine" type="checkbox" value=CHECKED checked=criteria.mine />
                        <label class="govuk-label govuk-checkboxes__label" for="mine">
                            {format!("Only frameworks and lots {name} can use")}
                        </label>
                    </div>
                </div>
            </div>
        }
    });
    view! {
        <form method="get" action="/search" role="search" class="pc-search-form" id=FORM_ID>
            {hidden}
            <div class="govuk-form-group">
                <label class="govuk-label govuk-label--m" for="q">
                    "Search frameworks, lots, suppliers, offers, contracts and planned purchases"
                </label>
                <div id="q-hint" class="govuk-hint">
                    "For example: refuse collection vehicle, \"rock salt\", RM6187 or a supplier's name"
                </div>
                <LiveSearchBox value=criteria.q.clone() described_by="q-hint".to_owned() />
            </div>
            <div class="pc-search-form__row">
                <div class="govuk-form-group">
                    <label class="govuk-label" for="min_value">"Lowest value (£)"</label>
                    <input class="govuk-input govuk-input--width-10" id="min_value" name="min_value" inputmode="numeric"
                        value=criteria.min_value.map(|v| v.to_string()).unwrap_or_default() />
                </div>
                <div class="govuk-form-group">
                    <label class="govuk-label" for="max_value">"Highest value (£)"</label>
                    <input class="govuk-input govuk-input--width-10" id="max_value" name="max_value" inputmode="numeric"
                        value=criteria.max_value.map(|v| v.to_string()).unwrap_or_default() />
                </div>
                <div class="govuk-form-group">
                    <label class="govuk-label" for="sort">"Sort by"</label>
                    <select class="govuk-select" id="sort" name="sort">{sorts}</select>
                </div>
            </div>
            {mine}
            <button type="submit" class="govuk-button" data-module="govuk-button">"Search"</button>
        </form>
    }
}

/// One facet group: its choices as links with counts.
fn facet_group(group: FacetGroup) -> impl IntoView {
    let heading_id = format!("facet-{}", group.name);
    let items = group
        .values
        .into_iter()
        .map(|v| {
            let text = format!("{} ({})", v.label, v.count);
            if v.selected {
                view! {
                    <li class="pc-facet pc-facet--selected">
                        <a class="govuk-link" href=v.href aria-current="true">
                            <strong>{text}</strong>
                            <span class="govuk-visually-hidden">" (chosen: follow to remove)"</span>
                        </a>
                    </li>
                }
                .into_any()
            } else {
                view! {
                    <li class="pc-facet"><a class="govuk-link" href=v.href>{text}</a></li>
                }
                .into_any()
            }
        })
        .collect_view();
    let labelled_by = heading_id.clone();
    view! {
        <nav class="pc-facet-group" aria-labelledby=labelled_by>
            <h2 class="govuk-heading-s" id=heading_id>{group.label}</h2>
            <ul class="govuk-list govuk-body-s">{items}</ul>
        </nav>
    }
}

fn hit_view(hit: SearchHit) -> impl IntoView {
    let href = hit.href();
    let mut meta = Vec::new();
    if let Some(reference) = &hit.reference {
        meta.push(reference.clone());
    }
    if let Some(end) = &hit.end_date {
        meta.push(format!("ends {}", format_date(end)));
    }
    if let Some(value) = hit.value_pence {
        meta.push(format_pounds(value));
    }
    view! {
        <li class="pc-search-result">
            <p class="govuk-body-s pc-search-result__kind">
                <strong class="govuk-tag govuk-tag--grey">{hit.kind.label().trim_end_matches('s').to_owned()}</strong>
                " "{hit.subtitle}
            </p>
            <h3 class="govuk-heading-s pc-search-result__title">
                {match href {
                    Some(href) => view! { <a class="govuk-link" href=href>{marked(hit.title)}</a> }.into_any(),
                    None => marked(hit.title).into_any(),
                }}
            </h3>
            {(!hit.snippet.0.is_empty()).then(|| view! {
                <p class="govuk-body-s pc-search-result__snippet">{marked(hit.snippet)}</p>
            })}
            {(!meta.is_empty()).then(|| view! {
                <p class="govuk-body-s pc-search-result__meta">{meta.join(" · ")}</p>
            })}
        </li>
    }
}

fn results_view(results: SearchResults) -> impl IntoView {
    if results.error.is_some() {
        set_status(400);
    }
    let SearchResults {
        criteria,
        error,
        notes,
        page,
        facets,
        council,
        ..
    } = results;
    // A council buyer may freeze these results into a shortlist.
    let save = council.is_some().then(|| {
        let mut first = criteria.clone();
        first.page = 1;
        let query = first.query_string();
        view! {
            <p class="govuk-body pc-search-save">
                <a class="govuk-link" href=format!("/shortlists/new?{query}")>"Save these results as a shortlist"</a>
                " · "
                <a class="govuk-link" href="/shortlists">"Your council's shortlists"</a>
            </p>
        }
    });
    let canonical = criteria.href();
    let form = search_form(&criteria, council);
    let notes = notes
        .into_iter()
        .map(|n| view! { <div class="govuk-inset-text">{n}</div> })
        .collect_view();
    let shown = if page.total_items == 0 {
        "No results".to_owned()
    } else if page.total_items == 1 {
        "1 result".to_owned()
    } else {
        format!(
            "{} results, showing {} to {}",
            page.total_items,
            page.first_item_number(),
            page.last_item_number()
        )
    };
    let query: Vec<(String, String)> = criteria
        .query_pairs()
        .into_iter()
        .filter(|(name, _)| name != "page")
        .collect();
    let last = page.total_pages().min(MAX_SEARCH_PAGE);
    let current = page.page;
    let hits = page.items.into_iter().map(hit_view).collect_view();
    let facets = facets.into_iter().map(facet_group).collect_view();
    view! {
        {error.map(|error| view! { <ErrorSummary error /> })}
        {form}
        <p class="govuk-visually-hidden" role="status" id=STATUS_ID></p>
        <div class="govuk-grid-row" id=RESULTS_ID data-href=canonical>
            <div class="govuk-grid-column-one-third">
                <h2 class="govuk-visually-hidden">"Filter the results"</h2>
                {facets}
            </div>
            <div class="govuk-grid-column-two-thirds">
                {notes}
                <h2 class="govuk-heading-m" data-count>{shown}</h2>
                {save}
                <ol class="govuk-list pc-search-results">{hits}</ol>
                <Pagination path="/search" query current last />
            </div>
        </div>
    }
}
