use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::councils::get_council;
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::types::{CouncilDetail, CouncilSummary, format_date};

/// One council: its identifiers, place in a two-tier area and its footprints.
#[component]
pub fn CouncilPage() -> impl IntoView {
    let params = use_params_map();
    let council = Resource::new(
        move || params.with(|p| p.get("gss").unwrap_or_default()),
        get_council,
    );
    loaded(
        council,
        "Loading council…",
        |detail| view! { <CouncilDetailView detail /> },
    )
}

fn council_link(c: &CouncilSummary) -> impl IntoView + use<> {
    view! { <a class="govuk-link" href=format!("/councils/{}", c.gss_code)>{c.name.clone()}</a> }
}

fn summary_row(key: &'static str, value: impl IntoView) -> impl IntoView {
    view! {
        <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">{key}</dt>
            <dd class="govuk-summary-list__value">{value}</dd>
        </div>
    }
}

#[component]
fn CouncilDetailView(detail: CouncilDetail) -> impl IntoView {
    let CouncilDetail {
        council,
        register_code,
        start_date,
        population,
        parent_county,
        districts,
        footprints,
        contracts,
        may_edit,
        identifiers,
        ..
    } = detail;
    let footprint_items = footprints
        .iter()
        .map(|f| {
            view! {
                <li>
                    <a class="govuk-link" href=format!("/footprints/{}", f.code)>{f.name.clone()}</a>
                    {format!(" ({}, {} member councils)", f.kind.label().to_lowercase(), f.member_count)}
                </li>
            }
        })
        .collect_view();
    let no_footprints = footprints.is_empty();
    let district_items = districts
        .iter()
        .map(|d| view! { <li>{council_link(d)}</li> })
        .collect_view();
    let has_districts = !districts.is_empty();
    view! {
        <Title text=council.name.clone() />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Councils".into(), "/councils".into())] />
        <Main>
            <span class="govuk-caption-l">{council.org_type_name.clone()}</span>
            <h1 class="govuk-heading-xl">{council.name.clone()}</h1>
            <dl class="govuk-summary-list">
                {summary_row("GSS code", council.gss_code.clone())}
                {summary_row("Council code", register_code.unwrap_or_default())}
                {summary_row("Type", council.org_type_name.clone())}
                {summary_row("Region", council.region.clone().unwrap_or_default())}
                {summary_row("Nation", council.nation.clone())}
                {parent_county.map(|p| summary_row("County council", council_link(&p)))}
                {start_date.map(|d| summary_row("Established", format_date(&d)))}
                {population.map(|p| summary_row("Population (2020 estimate)", format_number(p as u64)))}
            </dl>
            <h2 class="govuk-heading-m">"Devolution footprints"</h2>
            {if no_footprints {
                view! { <p class="govuk-body">{format!("{} is not a member of a combined authority or the Greater London Authority.", council.short_name)}</p> }.into_any()
            } else {
                view! { <ul class="govuk-list">{footprint_items}</ul> }.into_any()
            }}
            <h2 class="govuk-heading-m">"Contracts"</h2>
            {may_edit.then(|| view! {
                <p class="govuk-body"><a class="govuk-link" href=format!("/councils/{}/contracts/new", council.gss_code)>"Add a contract"</a></p>
                <p class="govuk-body"><a class="govuk-link" href=format!("/councils/{}/contracts/import", council.gss_code)>"Import contracts from your register (CSV)"</a></p>
                <p class="govuk-body"><a class="govuk-link" href=format!("/councils/{}/intents/new", council.gss_code)>"Register a buying intent"</a></p>
            })}
            <crate::pages::catalogue::ContractsTable contracts caption="Contracts this council awarded" />
            <crate::pages::catalogue::IdentifiersTable identifiers caption="How published notices name this council" />
            {has_districts.then(|| view! {
                <h2 class="govuk-heading-m">"District councils in this county"</h2>
                <ul class="govuk-list">{district_items}</ul>
            })}
        </Main>
    }
}

/// 1234567 → "1,234,567".
pub fn format_number(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(super::format_number(0), "0");
        assert_eq!(super::format_number(999), "999");
        assert_eq!(super::format_number(552858), "552,858");
        assert_eq!(super::format_number(1234567), "1,234,567");
    }
}
