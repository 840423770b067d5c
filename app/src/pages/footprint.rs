use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::footprints::{footprint_dashboard, get_footprint};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::types::{FootprintDetail, format_date};

/// One footprint and its member councils.
#[component]
pub fn FootprintPage() -> impl IntoView {
    let params = use_params_map();
    let footprint = Resource::new(
        move || params.with(|p| p.get("code").unwrap_or_default()),
        get_footprint,
    );
    let dashboard = Resource::new(
        move || params.with(|p| p.get("code").unwrap_or_default()),
        footprint_dashboard,
    );
    loaded(footprint, "Loading footprint…", move |detail| {
        view! {
            <FootprintDetailView detail>
                {loaded(dashboard, "Loading demand and renewals…", |dashboard| view! {
                    <crate::pages::demand::FootprintDashboardView dashboard />
                })}
            </FootprintDetailView>
        }
    })
}

#[component]
fn FootprintDetailView(detail: FootprintDetail, children: Children) -> impl IntoView {
    let FootprintDetail {
        footprint,
        source_note,
        members,
    } = detail;
    let count = members.len();
    let rows = members
        .into_iter()
        .map(|c| view! {
            <tr class="govuk-table__row">
                <th scope="row" class="govuk-table__header">
                    <a class="govuk-link" href=format!("/councils/{}", c.gss_code)>{c.name.clone()}</a>
                </th>
                <td class="govuk-table__cell">{c.org_type_name.clone()}</td>
                <td class="govuk-table__cell">{c.gss_code.clone()}</td>
            </tr>
        })
        .collect_view();
    view! {
        <Title text=footprint.name.clone() />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Footprints".into(), "/footprints".into())] />
        <Main>
            <span class="govuk-caption-l">{footprint.kind.label()}</span>
            <h1 class="govuk-heading-xl">{footprint.name.clone()}</h1>
            <dl class="govuk-summary-list">
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"GSS code"</dt>
                    <dd class="govuk-summary-list__value">{footprint.gss_code.clone().unwrap_or_default()}</dd>
                </div>
                {footprint.start_date.map(|d| view! {
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"Established"</dt>
                        <dd class="govuk-summary-list__value">{format_date(&d)}</dd>
                    </div>
                })}
                {source_note.map(|note| view! {
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">"Notes"</dt>
                        <dd class="govuk-summary-list__value">{note}</dd>
                    </div>
                })}
            </dl>
            <h2 class="govuk-heading-m">{format!("{count} member councils")}</h2>
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-visually-hidden">"Member councils"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Council"</th>
                        <th scope="col" class="govuk-table__header">"Type"</th>
                        <th scope="col" class="govuk-table__header">"GSS code"</th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">{rows}</tbody>
            </table>
            {children()}
        </Main>
    }
}
