use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::footprints::list_footprints;
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::types::format_date;

/// Every current devolution footprint with its number of member councils.
#[component]
pub fn FootprintsPage() -> impl IntoView {
    let footprints = Resource::new(|| (), |_| list_footprints());
    view! {
        <Title text="Devolution footprints" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            <h1 class="govuk-heading-xl">"Devolution footprints"</h1>
            <p class="govuk-body-l">
                "Combined authorities, combined county authorities and the Greater London Authority: the areas whose councils can plan and buy together."
            </p>
            <p class="govuk-body"><a class="govuk-link" href="/demand">"Compare footprints: open demand, duplicate purchases and renewals"</a></p>
            {loaded(footprints, "Loading footprints…", |list| {
                            let count = list.len();
                            let rows = list
                                .into_iter()
                                .map(|f| view! {
                                    <tr class="govuk-table__row">
                                        <th scope="row" class="govuk-table__header">
                                            <a class="govuk-link" href=format!("/footprints/{}", f.code)>{f.name.clone()}</a>
                                        </th>
                                        <td class="govuk-table__cell">{f.kind.label()}</td>
                                        <td class="govuk-table__cell govuk-table__cell--numeric">{f.member_count}</td>
                                        <td class="govuk-table__cell">{f.start_date.map(|d| format_date(&d)).unwrap_or_default()}</td>
                                        <td class="govuk-table__cell">{f.gss_code.clone().unwrap_or_default()}</td>
                                    </tr>
                                })
                                .collect_view();
                            view! {
                                <p class="govuk-body">{format!("{count} footprints")}</p>
                                <table class="govuk-table">
                                    <caption class="govuk-table__caption govuk-visually-hidden">"Devolution footprints"</caption>
                                    <thead class="govuk-table__head">
                                        <tr class="govuk-table__row">
                                            <th scope="col" class="govuk-table__header">"Footprint"</th>
                                            <th scope="col" class="govuk-table__header">"Kind"</th>
                                            <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Member councils"</th>
                                            <th scope="col" class="govuk-table__header">"Established"</th>
                                            <th scope="col" class="govuk-table__header">"GSS code"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="govuk-table__body">{rows}</tbody>
                                </table>
                            }
                        })}
        </Main>
    }
}
