//! Filtered lists: a GET form of filters beside a results table, with the
//! GOV.UK error summary when a filter value is not one of its choices. Plain
//! links and forms, so every list works without JavaScript.
use leptos::prelude::*;

use super::pagination::Pagination;
use super::status::set_status;
use crate::types::{CHECKED, FieldError, Filter, FilterKind, Listing};

/// The GOV.UK error summary, linking to the input in error.
#[component]
pub fn ErrorSummary(error: FieldError) -> impl IntoView {
    view! {
        <div class="govuk-error-summary" data-module="govuk-error-summary">
            <div role="alert">
                <h2 class="govuk-error-summary__title">"There is a problem"</h2>
                <div class="govuk-error-summary__body">
                    <ul class="govuk-list govuk-error-summary__list">
                        <li><a href=format!("#{}", error.field)>{error.message}</a></li>
                    </ul>
                </div>
            </div>
        </div>
    }
}

/// A GOV.UK select whose first option means "any".
#[component]
pub fn FilterSelect(
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// (value, label) pairs.
    choices: Vec<(String, String)>,
    selected: Option<String>,
    error: Option<FieldError>,
) -> impl IntoView {
    let group_id = id.clone();
    let control = move |has_error: bool, described_by: Option<String>| {
        view! {
            <select
                class=if has_error { "govuk-select govuk-select--error" } else { "govuk-select" }
                id=id.clone()
                name=id.clone()
                aria-describedby=described_by
            >
                <option value="" selected=selected.is_none()>"Any"</option>
                {choices
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = selected.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        }
        .into_any()
    };
    filter_group(group_id, label, error, control)
}

/// A filter's form group: its label and, when the filter was refused, the
/// inline error; `control(has_error, aria-describedby)` draws the input.
fn filter_group(
    id: String,
    label: String,
    error: Option<FieldError>,
    control: impl FnOnce(bool, Option<String>) -> AnyView,
) -> impl IntoView {
    let message = error.filter(|e| e.field == id).map(|e| e.message);
    let has_error = message.is_some();
    let error_id = format!("{id}-error");
    let input = control(has_error, has_error.then(|| error_id.clone()));
    view! {
        <div class=if has_error { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }>
            <label class="govuk-label" for=id>{label}</label>
            {message.map(|m| view! {
                <p id=error_id class="govuk-error-message">
                    <span class="govuk-visually-hidden">"Error: "</span>{m}
                </p>
            })}
            {input}
        </div>
    }
}

fn filter_input(filter: Filter, error: Option<FieldError>) -> AnyView {
    let Filter {
        name,
        label,
        kind,
        value,
    } = filter;
    match kind {
        FilterKind::Select(choices) => {
            let selected = (!value.is_empty()).then_some(value);
            view! { <FilterSelect id=name label choices selected error /> }.into_any()
        }
        FilterKind::Checkbox => view! {
            <div class="govuk-form-group">
                <div class="govuk-checkboxes govuk-checkboxes--small">
                    <div class="govuk-checkboxes__item">
                        <input class="govuk-checkboxes__input" id=name.clone() name=name.clone() type="checkbox" value=CHECKED checked=value == CHECKED />
                        <label class="govuk-label govuk-checkboxes__label" for=name>{label}</label>
                    </div>
                </div>
            </div>
        }
        .into_any(),
        FilterKind::Search => {
            let group_id = name.clone();
            let control = move |has_error: bool, described_by: Option<String>| {
                view! {
                    <input
                        class=if has_error { "govuk-input govuk-input--error" } else { "govuk-input" }
                        id=name.clone()
                        name=name.clone()
                        type="search"
                        value=value
                        aria-describedby=described_by
                    />
                }
                .into_any()
            };
            filter_group(group_id, label, error, control).into_any()
        }
    }
}

/// A filtered list: the filters in a GET form to the left, the count, the
/// table `table` draws from the page's items, and pagination that keeps the
/// filters. A refused filter value shows the error summary (status 400).
pub fn filtered_list<T: 'static>(
    listing: Listing<T>,
    path: &'static str,
    plural: &'static str,
    none: &'static str,
    table: impl FnOnce(Vec<T>) -> AnyView,
) -> impl IntoView {
    if listing.error.is_some() {
        set_status(400);
    }
    let shown = listing.shown(plural, none);
    let query = listing.query_pairs();
    let (current, last) = (listing.page.page, listing.page.total_pages());
    let Listing {
        filters,
        page,
        error,
    } = listing;
    let inputs = filters
        .into_iter()
        .map(|f| filter_input(f, error.clone()))
        .collect_view();
    let results = (!page.items.is_empty()).then(|| table(page.items));
    view! {
        {error.map(|e| view! { <ErrorSummary error=e /> })}
        <div class="govuk-grid-row">
            <div class="govuk-grid-column-one-third">
                <form method="get" action=path novalidate>
                    <h2 class="govuk-heading-m">"Filter"</h2>
                    {inputs}
                    <div class="govuk-button-group">
                        <button type="submit" class="govuk-button" data-module="govuk-button">"Apply filters"</button>
                        <a class="govuk-link" href=path>"Clear filters"</a>
                    </div>
                </form>
            </div>
            <div class="govuk-grid-column-two-thirds">
                <p class="govuk-body" role="status">{shown}</p>
                {results}
                <Pagination path query current last />
            </div>
        </div>
    }
}
