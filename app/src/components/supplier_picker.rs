//! Picking a supplier record by id: a search box and the matching listed or
//! verified records as radios (one supplier) or checkboxes (several).
//!
//! Without JavaScript the search box and its button belong to a separate GET
//! form (`FINDER_FORM`, via the `form` attribute, rendered after the page's
//! main form by [`FinderForm`]), so searching is a plain page load that never
//! submits or leaks the main form's anti-forgery token. With JavaScript the
//! results follow the typing through the same search the GET page uses
//! ([`find_suppliers`]), and the button searches in place, so nothing typed
//! elsewhere on the form is lost.
use leptos::prelude::*;

use crate::api::editing::find_suppliers;
use crate::types::commands::supplier as field;
use crate::types::{SubmittedForm, SupplierChoiceItem, SupplierFinder};

/// The id of the GET form the finder's search box submits.
pub const FINDER_FORM: &str = "supplier-finder";

/// How long typing must pause before the live search runs.
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(250);

/// The picker as the page uses it: takes what it needs from the submitted
/// form (the field's error, whether "not listed" was chosen) and renders the
/// [`SupplierPickerIsland`], so only those few values travel to the browser.
#[component]
pub fn SupplierPicker(
    finder: SupplierFinder,
    form: SubmittedForm,
    legend: &'static str,
    /// Checkboxes (several suppliers) rather than radios (one).
    #[prop(default = false)]
    multiple: bool,
    /// For radios: the label of a last choice meaning "not listed: make a
    /// new record" (its fields follow the picker).
    #[prop(optional)]
    new_record: Option<&'static str>,
) -> impl IntoView {
    view! {
        <SupplierPickerIsland
            finder=finder
            error=form.error(field::PICK).map(str::to_owned)
            chose_new=form.value(field::PICK) == Some(field::NEW_SUPPLIER)
            legend=legend.to_owned()
            multiple=multiple
            new_record=new_record.map(str::to_owned)
        />
    }
}

/// The interactive part: an island, so its props are serialised into the
/// page and it hydrates on its own (the only wasm the page loads). Without
/// JavaScript the same markup works as a plain GET search.
#[island]
fn SupplierPickerIsland(
    finder: SupplierFinder,
    error: Option<String>,
    chose_new: bool,
    legend: String,
    multiple: bool,
    new_record: Option<String>,
) -> impl IntoView {
    crate::components::head::mark_hydrated();
    let picked = RwSignal::new(finder.picked.clone());
    let results = RwSignal::new(finder.results.clone());
    let query = RwSignal::new(finder.query.clone());
    let searched = RwSignal::new(!finder.query.is_empty());
    // Each search gets a number; a slower, older answer never replaces a newer one.
    let latest = StoredValue::new(0u64);
    let search = move |text: String| {
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        leptos::task::spawn_local(async move {
            if let Ok(found) = find_suppliers(text.clone()).await
                && latest.get_value() == ticket
            {
                results.set(found);
                searched.set(!text.trim().is_empty());
            }
        });
    };
    // Each keystroke gets a number too; only the last one's pause searches.
    let keystrokes = StoredValue::new(0u64);
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        query.set(text.clone());
        let keystroke = keystrokes.get_value() + 1;
        keystrokes.set_value(keystroke);
        set_timeout(
            move || {
                if keystrokes.get_value() == keystroke {
                    search(text);
                }
            },
            TYPING_PAUSE,
        );
    };
    let on_search = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        search(query.get_untracked());
    };
    let toggle = move |item: SupplierChoiceItem, on: bool| {
        picked.update(|p| {
            p.retain(|x| x.id != item.id && multiple);
            if on {
                p.push(item);
            }
        });
    };
    let kind = if multiple { "checkbox" } else { "radio" };
    let base = if multiple {
        "govuk-checkboxes"
    } else {
        "govuk-radios"
    };
    let has_error = error.is_some();
    let items = move || {
        let finder = SupplierFinder {
            query: String::new(),
            results: results.get(),
            picked: picked.get(),
        };
        finder
            .choices()
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                // The first input carries the field's id, so error links land on it.
                let id = if i == 0 {
                    field::PICK.to_owned()
                } else {
                    format!("{}-{}", field::PICK, i + 1)
                };
                let checked = {
                    let id = item.id;
                    move || picked.with(|p| p.iter().any(|x| x.id == id))
                };
                let label = item.label();
                let verified = item.verified;
                let value = item.id.to_string();
                let on_change = {
                    let item = item.clone();
                    move |ev: leptos::ev::Event| toggle(item.clone(), event_target_checked(&ev))
                };
                view! {
                    <div class=format!("{base}__item")>
                        <input class=format!("{base}__input") id=id.clone() name=field::PICK type=kind value=value
                            prop:checked=checked checked=checked() on:change=on_change />
                        <label class=format!("govuk-label {base}__label") for=id>
                            {label}
                            {verified.then(|| view! { " " <strong class="govuk-tag govuk-tag--green">"Verified"</strong> })}
                        </label>
                    </div>
                }
            })
            .collect_view()
    };
    let none_found = move || {
        (searched.get() && results.with(Vec::is_empty)).then(|| {
            view! {
                <p class="govuk-body" id="supplier_q-none">
                    {format!("No listed supplier matches ‘{}’.", query.get_untracked().trim())}
                </p>
            }
        })
    };
    let new_choice = new_record.map(|label| {
        let id = format!("{}-new", field::PICK);
        view! {
            <div class="govuk-radios__divider">"or"</div>
            <div class="govuk-radios__item">
                <input class="govuk-radios__input" id=id.clone() name=field::PICK type="radio"
                    value=field::NEW_SUPPLIER checked=chose_new on:change=move |_| picked.set(Vec::new()) />
                <label class="govuk-label govuk-radios__label" for=id>{label}</label>
            </div>
        }
    });
    view! {
        <div class="govuk-form-group">
            <label class="govuk-label govuk-label--s" for=field::FIND>"Find the supplier"</label>
            <div id="supplier_q-hint" class="govuk-hint">"Search listed suppliers by name or Companies House number"</div>
            <div class="pc-finder">
                <input class="govuk-input govuk-!-width-two-thirds" id=field::FIND name=field::FIND type="search"
                    form=FINDER_FORM value=finder.query.clone() autocomplete="off" spellcheck="false"
                    aria-describedby="supplier_q-hint" aria-controls="supplier_id-results" on:input=on_input />
                " "
                <button type="submit" form=FINDER_FORM class="govuk-button govuk-button--secondary pc-finder__button"
                    data-module="govuk-button" on:click=on_search>"Search"</button>
            </div>
        </div>
        <div class=if has_error { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }>
            <fieldset class="govuk-fieldset" aria-describedby=has_error.then(|| format!("{}-error", field::PICK))>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
                {error.map(|message| view! {
                    <p id=format!("{}-error", field::PICK) class="govuk-error-message">
                        <span class="govuk-visually-hidden">"Error: "</span>{message}
                    </p>
                })}
                <div id="supplier_id-results" aria-live="polite">
                    {none_found}
                    <div class=format!("{base} {base}--small")>
                        {items}
                        {new_choice}
                    </div>
                </div>
            </fieldset>
        </div>
    }
}

/// The GET form the finder's search box and button belong to. It has no
/// fields of its own: render it after the page's main form (forms cannot
/// nest). `keep` are hidden (name, value) pairs the search carries along,
/// such as the suppliers already picked.
#[component]
pub fn FinderForm(action: String, #[prop(optional)] keep: Vec<(String, String)>) -> impl IntoView {
    view! {
        <form id=FINDER_FORM method="get" action=action>
            {keep
                .into_iter()
                .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                .collect_view()}
        </form>
    }
}
