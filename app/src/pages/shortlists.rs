//! Shortlists: save a search's results under a name (`/shortlists/new?…`
//! with the search in the query), a council's list of them, one shortlist
//! with its frozen results and its CSV, and removing one. Every form is a
//! plain POST to its own page's URL.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::shortlists::{shortlist, shortlist_form, shortlist_remove_form, shortlists};
use crate::components::forms::{Confirmation, FormFrame, SelectField, TextField};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::pages::catalogue::id_param;
use crate::types::commands::shortlist as field;
use crate::types::{
    FormPage, SHORTLIST_MAX_ITEMS, SearchParams, ShortlistFormData, ShortlistItem, ShortlistPage,
    ShortlistSummary, format_date, format_pounds,
};

fn trail() -> Vec<(String, String)> {
    vec![
        ("Home".into(), "/".into()),
        ("Shortlists".into(), "/shortlists".into()),
    ]
}

/// "12 results; all are kept" or "340 results; the first 100 are kept".
fn kept(total: u64, kept: u64) -> String {
    let results = if total == 1 {
        "1 result".to_owned()
    } else {
        format!("{total} results")
    };
    if total <= kept {
        format!("{results}; all are kept")
    } else {
        format!("{results}; the first {kept} are kept")
    }
}

/// `/shortlists`: the shortlists of the buyer's councils.
#[component]
pub fn ShortlistsListPage() -> impl IntoView {
    let lists = Resource::new(|| (), |_| shortlists());
    view! {
        <Title text="Shortlists" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            <h1 class="govuk-heading-xl">"Shortlists"</h1>
            <p class="govuk-body">
                "A shortlist keeps a search's results as they were when you saved it, with the search itself, "
                "as your council's record of what it considered. To make one, "
                <a class="govuk-link" href="/search">"search"</a>
                " and choose \u{201c}Save these results as a shortlist\u{201d}."
            </p>
            {loaded(lists, "Loading…", |lists: Vec<ShortlistSummary>| {
                if lists.is_empty() {
                    return view! { <p class="govuk-body">"Your council has no shortlists yet."</p> }.into_any();
                }
                let rows = lists
                    .into_iter()
                    .map(|s| {
                        view! {
                            <tr class="govuk-table__row">
                                <th scope="row" class="govuk-table__header">
                                    <a class="govuk-link" href=format!("/shortlists/{}", s.id)>{s.name}</a>
                                </th>
                                <td class="govuk-table__cell">{s.council_name}</td>
                                <td class="govuk-table__cell">{s.frozen_at_label}" by "{s.created_by}</td>
                                <td class="govuk-table__cell govuk-table__cell--numeric">{s.item_count}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-visually-hidden">"Your council's shortlists"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"Name"</th>
                                <th scope="col" class="govuk-table__header">"Council"</th>
                                <th scope="col" class="govuk-table__header">"Saved"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Results kept"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">{rows}</tbody>
                    </table>
                }
                .into_any()
            })}
        </Main>
    }
}

fn item_row(item: ShortlistItem) -> impl IntoView {
    let title = match item.href() {
        Some(href) => view! { <a class="govuk-link" href=href>{item.title.clone()}</a> }.into_any(),
        None => item.title.clone().into_any(),
    };
    view! {
        <tr class="govuk-table__row">
            <td class="govuk-table__cell govuk-table__cell--numeric">{item.position}</td>
            <td class="govuk-table__cell">
                {title}
                <br />
                <span class="govuk-body-s">{item.kind.label().trim_end_matches('s').to_owned()}" · "{item.subtitle}</span>
            </td>
            <td class="govuk-table__cell">{item.reference.unwrap_or_default()}</td>
            <td class="govuk-table__cell">{item.end_date.as_ref().map(format_date).unwrap_or_default()}</td>
            <td class="govuk-table__cell govuk-table__cell--numeric">{item.value_pence.map(format_pounds).unwrap_or_default()}</td>
        </tr>
    }
}

/// `/shortlists/:id`: what was kept, the search to run again, the CSV.
#[component]
pub fn ShortlistDetailPage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(move || id.get(), |id| async move { shortlist(id?).await });
    view! {
        <Breadcrumbs trail=trail() />
        <Main>
            {loaded(page, "Loading…", |page: ShortlistPage| {
                let s = page.summary;
                let search_words = if s.search_text.is_empty() {
                    "(no words: filters only)".to_owned()
                } else {
                    s.search_text.clone()
                };
                let rows = page.items.into_iter().map(item_row).collect_view();
                view! {
                    <Title text=s.name.clone() />
                    <span class="govuk-caption-l">{format!("Shortlist of {}", s.council_name)}</span>
                    <h1 class="govuk-heading-l">{s.name.clone()}</h1>
                    <dl class="govuk-summary-list">
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Saved"</dt>
                            <dd class="govuk-summary-list__value">
                                <time datetime=s.frozen_at.clone()>{s.frozen_at_label.clone()}</time>" by "{s.created_by.clone()}
                            </dd>
                        </div>
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Search"</dt>
                            <dd class="govuk-summary-list__value">
                                {search_words}" · "
                                <a class="govuk-link" href=s.search_href.clone()>"Run this search again"</a>
                            </dd>
                        </div>
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Results"</dt>
                            <dd class="govuk-summary-list__value">{kept(s.result_total, s.item_count)}</dd>
                        </div>
                    </dl>
                    <div class="govuk-button-group">
                        <a class="govuk-button" href=format!("/shortlists/{}/csv", s.id) download>"Download as CSV"</a>
                        <a class="govuk-link" href=format!("/shortlists/{}/remove", s.id)>"Remove this shortlist"</a>
                    </div>
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-table__caption--m">"Results as they were when saved"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"#"</th>
                                <th scope="col" class="govuk-table__header">"Result"</th>
                                <th scope="col" class="govuk-table__header">"Reference"</th>
                                <th scope="col" class="govuk-table__header">"Ends"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Value"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">{rows}</tbody>
                    </table>
                }
            })}
        </Main>
    }
}

/// `/shortlists/new?…search…`: name the shortlist (and, for a buyer of
/// several councils, choose whose it is), then save.
#[component]
pub fn ShortlistNewPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(|q| SearchParams::from_lookup(|name| q.get(name))));
    let page = Resource::new(move || params.get(), shortlist_form);
    let location = use_location();
    let action = move || {
        let search = location.search.get_untracked();
        if search.is_empty() {
            "/shortlists/new".to_owned()
        } else {
            format!("/shortlists/new?{}", search.trim_start_matches('?'))
        }
    };
    view! {
        <Breadcrumbs trail=trail() />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<ShortlistFormData>| {
                let form = page.form;
                let data = page.data;
                let words = if data.criteria.q.trim().is_empty() {
                    "(no words: filters only)".to_owned()
                } else {
                    data.criteria.q.clone()
                };
                let council = if data.councils.len() > 1 {
                    view! {
                        <SelectField name=field::COUNCIL label="Which council is it for?" options=data.councils.clone()
                            empty_label="Choose a council" form=form.clone() />
                    }
                    .into_any()
                } else {
                    let name = data.councils.first().map(|c| c.label.clone()).unwrap_or_default();
                    view! { <p class="govuk-body">{format!("It will be kept for {name}, and its buyers will see it.")}</p> }.into_any()
                };
                view! {
                    <FormFrame heading="Save these results as a shortlist".to_string() errors=form.errors.clone()
                        csrf_token=page.csrf_token action=action() submit="Save shortlist">
                        <dl class="govuk-summary-list">
                            <div class="govuk-summary-list__row">
                                <dt class="govuk-summary-list__key">"Search"</dt>
                                <dd class="govuk-summary-list__value">
                                    {words}" · "<a class="govuk-link" href=data.criteria.href()>"Back to the results"</a>
                                </dd>
                            </div>
                            <div class="govuk-summary-list__row">
                                <dt class="govuk-summary-list__key">"Results"</dt>
                                <dd class="govuk-summary-list__value">{kept(data.total, SHORTLIST_MAX_ITEMS.min(data.total))}</dd>
                            </div>
                        </dl>
                        <p class="govuk-body">"The results are kept as they are now, in this order, with today's date and the search, so you can show later what was considered."</p>
                        <TextField name=field::NAME label="Name" hint="For example, Winter gritting 2027 options" form=form.clone() />
                        {council}
                    </FormFrame>
                }
            })}
        </Main>
    }
}

/// `/shortlists/:id/remove`: confirm, then remove.
#[component]
pub fn ShortlistRemovePage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move { shortlist_remove_form(id?).await },
    );
    view! {
        <Breadcrumbs trail=trail() />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<ShortlistSummary>| {
                view! {
                    <Confirmation
                        question=format!("Remove the shortlist \u{201c}{}\u{201d}?", page.data.name)
                        caption=format!("Shortlist of {}", page.data.council_name)
                        explanation="The shortlist and the results it kept will be removed for every buyer of your council. The audit log keeps a record that it existed."
                        button="Remove shortlist"
                        cancel=format!("/shortlists/{}", page.data.id)
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                    />
                }
            })}
        </Main>
    }
}
