//! The search box with live results. The search page is a GET form whose
//! results are server-rendered, so without JavaScript typing and pressing
//! "Search" is the whole story. With JavaScript this island (the box itself)
//! waits for a pause in the typing, fetches the same `/search?…` page the
//! form would load, swaps its results region into this page, says how many
//! there are in a status line screen readers announce, and puts the search
//! in the address bar, so the URL stays the shareable link it always is.
use leptos::prelude::*;

/// How long typing must pause before the results follow it.
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

/// The `id`s this island works with on the page: the form it reads, the
/// region it replaces and the status line it fills.
pub const FORM_ID: &str = "search-form";
pub const RESULTS_ID: &str = "search-results";
pub const STATUS_ID: &str = "search-status";

#[island]
pub fn LiveSearchBox(value: String, described_by: String) -> impl IntoView {
    crate::components::head::mark_hydrated();
    // Each keystroke gets a number: only the last one's pause searches, and
    // only the newest search's answer is shown.
    let keystrokes = StoredValue::new(0u64);
    let on_input = move |_: leptos::ev::Event| {
        let keystroke = keystrokes.get_value() + 1;
        keystrokes.set_value(keystroke);
        set_timeout(
            move || {
                if keystrokes.get_value() == keystroke {
                    follow(keystrokes, keystroke);
                }
            },
            TYPING_PAUSE,
        );
    };
    view! {
        <input class="govuk-input" id="q" name="q" type="search" value=value
            aria-describedby=described_by aria-controls=RESULTS_ID autocomplete="off" spellcheck="false"
            on:input=on_input />
    }
}

/// Loads the results of the form as it is now, unless a newer keystroke
/// has come by the time they arrive.
fn follow(keystrokes: StoredValue<u64>, keystroke: u64) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        if let Err(error) = swap_results(keystrokes, keystroke).await {
            // The form still works: pressing "Search" loads the page.
            leptos::logging::warn!("live search failed: {error:?}");
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (keystrokes, keystroke);
}

#[cfg(feature = "hydrate")]
async fn swap_results(
    keystrokes: StoredValue<u64>,
    keystroke: u64,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let missing = |what: &str| wasm_bindgen::JsValue::from_str(&format!("{what} is missing"));
    let window = web_sys::window().ok_or_else(|| missing("window"))?;
    let document = window.document().ok_or_else(|| missing("document"))?;
    let form: web_sys::HtmlFormElement = document
        .get_element_by_id(FORM_ID)
        .ok_or_else(|| missing("the search form"))?
        .dyn_into()?;
    let data = web_sys::FormData::new_with_form(&form)?;
    let query = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data)?;
    let url = format!("/search?{}", String::from(query.to_string()));
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await?
        .dyn_into()?;
    let html = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    if keystrokes.get_value() != keystroke {
        return Ok(());
    }
    let fresh = web_sys::DomParser::new()?
        .parse_from_string(&html, web_sys::SupportedType::TextHtml)?
        .get_element_by_id(RESULTS_ID)
        .ok_or_else(|| missing("the fetched results"))?;
    let shown = document
        .get_element_by_id(RESULTS_ID)
        .ok_or_else(|| missing("the results"))?;
    shown.set_inner_html(&fresh.inner_html());
    // The page's canonical link for this search (defaults left out).
    let canonical = fresh.get_attribute("data-href").unwrap_or(url);
    if let Some(status) = document.get_element_by_id(STATUS_ID) {
        let count = fresh
            .query_selector("h2[data-count]")?
            .and_then(|h| h.text_content())
            .unwrap_or_default();
        status.set_text_content(Some(&count));
    }
    window
        .history()?
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&canonical))?;
    Ok(())
}
