use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::layout::Main;

/// What the service is for, in plain English, and where to start.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <Main>
            <div class="govuk-grid-row">
                <div class="govuk-grid-column-two-thirds">
                    <h1 class="govuk-heading-xl">"Procurement Commons"</h1>
                    <p class="govuk-body-l">
                        "Hundreds of UK councils buy the same things separately. Procurement Commons shows who is buying what, across each devolution footprint, so councils can buy together."
                    </p>
                    <p class="govuk-body">"It is for:"</p>
                    <ul class="govuk-list govuk-list--bullet">
                        <li>"procurement officers looking for frameworks their council may use"</li>
                        <li>"councils planning renewals and joint purchases with their neighbours"</li>
                        <li>"small and medium-sized suppliers looking for public sector demand"</li>
                    </ul>
                    <h2 class="govuk-heading-m">"Start here"</h2>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/councils">"Browse every UK council"</a>
                        " by nation, region and type, with its official codes and the footprints it belongs to."
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/footprints">"Browse devolution footprints"</a>
                        ": combined authorities, combined county authorities and the Greater London Authority, with their member councils."
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/frameworks">"Browse frameworks"</a>
                        ", their lots and the suppliers on each lot, and see which ones a council may use."
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/contracts">"Browse contracts"</a>
                        " councils have awarded, by council, footprint and how soon they end."
                    </p>
                    <p class="govuk-body">
                        <a class="govuk-link" href="/suppliers">"Browse suppliers"</a>
                        " and the "
                        <a class="govuk-link" href="/offers">"offers"</a>
                        " they list, by category and the footprints they serve."
                    </p>
                    <div class="govuk-inset-text">
                        "This service is in alpha. Much of the catalogue is demo data from real public records (Crown Commercial Service frameworks and UK contract notices), labelled as such."
                    </div>
                </div>
            </div>
        </Main>
    }
}
