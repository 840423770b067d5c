use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{layout::Main, status::set_status};

/// The 404 page, used for unknown paths and for records that do not exist.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found" />
        <Main>
            <h1 class="govuk-heading-l">"Page not found"</h1>
            <p class="govuk-body">"If you typed the web address, check it is correct."</p>
            <p class="govuk-body">"If you pasted the web address, check you copied the entire address."</p>
            <p class="govuk-body">
                "You can " <a class="govuk-link" href="/councils">"browse all councils"</a> " or "
                <a class="govuk-link" href="/footprints">"browse devolution footprints"</a> "."
            </p>
        </Main>
    }
}
