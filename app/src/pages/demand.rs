//! The demand dashboard on a footprint's page: open intents, the renewal
//! pipeline grouped by need, planned purchases, duplicate purchases,
//! suggested joint purchases, and spend. Charts are SVG drawn on the server,
//! each with a title, a description and the same figures as a table, so
//! they read the same without JavaScript and with a screen reader.
use leptos::prelude::*;

use leptos_meta::Title;

use crate::api::footprints::compare_footprints;
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::pages::intents::IntentsTable;
use crate::types::{
    CategoryFigure, DemandMember, FootprintComparison, FootprintDashboard, NeedGroup, QuarterEnds,
    SuggestedPurchase, format_date, format_pounds,
};

/// One bar of a chart: its label, its value in pence and the text shown.
struct Bar {
    label: String,
    value: i64,
    text: String,
}

/// A horizontal bar chart: labels on the left, bars scaled to the largest.
fn bar_chart(id: &str, title: String, description: String, bars: Vec<Bar>) -> impl IntoView {
    const WIDTH: i64 = 640;
    const LABEL: i64 = 260;
    const ROW: i64 = 28;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW * bars.len() as i64 + 8;
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(n, bar)| {
            let y = n as i64 * ROW + 4;
            let length = ((WIDTH - LABEL - 120) * bar.value / max).max(1);
            let label: String = if bar.label.chars().count() > 38 {
                bar.label.chars().take(36).collect::<String>() + "…"
            } else {
                bar.label.clone()
            };
            view! {
                <g>
                    <text x=LABEL - 8 y=y + 17 text-anchor="end" class="pc-chart__label">{label}</text>
                    <rect x=LABEL y=y + 4 width=length height=ROW - 10 class="pc-chart__bar"></rect>
                    <text x=LABEL + length + 6 y=y + 17 class="pc-chart__value">{bar.text}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="pc-chart" role="img" aria-labelledby=labelled_by
            viewBox=format!("0 0 {WIDTH} {height}") width="100%" preserveAspectRatio="xMinYMin meet">
            <title id=title_id>{title}</title>
            <desc id=desc_id>{description}</desc>
            {rows}
        </svg>
    }
}

fn category_bars(figures: &[CategoryFigure]) -> Vec<Bar> {
    figures
        .iter()
        .map(|f| Bar {
            label: f.label.clone(),
            value: f.value_pence,
            text: format_pounds(f.value_pence),
        })
        .collect()
}

#[component]
fn CategoryTable(
    figures: Vec<CategoryFigure>,
    caption: &'static str,
    counted: &'static str,
    /// Link each category to its Atom feed of demand.
    #[prop(default = false)]
    feeds: bool,
) -> impl IntoView {
    let rows = figures
        .into_iter()
        .map(|f| {
            view! {
                <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header">{format!("{} ({})", f.label, f.division)}</th>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{format_pounds(f.value_pence)}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{f.count}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{f.councils}</td>
                    {feeds.then(|| view! {
                        <td class="govuk-table__cell"><a class="govuk-link" href=format!("/feeds/categories/{}", f.division)>{format!("Follow {} (Atom feed)", f.label)}</a></td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Category (CPV division)"</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Value"</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">{counted}</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Councils"</th>
                    {feeds.then(|| view! { <th scope="col" class="govuk-table__header">"Follow"</th> })}
                </tr>
            </thead>
            <tbody class="govuk-table__body">{rows}</tbody>
        </table>
    }
}

fn member_item(m: DemandMember) -> impl IntoView {
    let title = match m.href {
        Some(href) => view! { <a class="govuk-link" href=href>{m.title}</a> }.into_any(),
        None => view! { <span>{m.title}</span> }.into_any(),
    };
    let facts = [
        Some(m.kind_label),
        Some(m.buyers.join(", ")),
        m.value_pence.map(format_pounds),
        m.end.map(|e| format!("ends {}", format_date(&e))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! { <li>{title}<br /><span class="govuk-body-s">{facts}</span></li> }
}

#[component]
fn NeedGroupView(group: NeedGroup) -> impl IntoView {
    let summary = format!(
        "{} · {} · {}{}",
        group.need,
        if group.councils.len() == 1 {
            group.councils.join("")
        } else {
            format!("{} councils", group.councils.len())
        },
        format_pounds(group.combined_value_pence),
        group
            .next_end
            .map(|e| format!(" · first ends {}", format_date(&e)))
            .unwrap_or_default()
    );
    let councils = group.councils.join(", ");
    let members = group.members.into_iter().map(member_item).collect_view();
    view! {
        <details class="govuk-details">
            <summary class="govuk-details__summary"><span class="govuk-details__summary-text">{summary}</span></summary>
            <div class="govuk-details__text">
                <p class="govuk-body-s">{format!("Councils: {councils}")}</p>
                <ul class="govuk-list">{members}</ul>
            </div>
        </details>
    }
}

/// The link that opens the intent form filled in with a suggestion.
fn register_link(gss: &str, s: &SuggestedPurchase, footprint: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("title", &s.title)
        .append_pair("description", &s.description)
        .append_pair("cpv_codes", &s.cpv_codes.join(", "))
        .append_pair("value", &(s.group.combined_value_pence / 100).to_string())
        .append_pair("footprint", footprint);
    for (field, date) in [
        ("window_start", s.window_start),
        ("window_end", s.window_end),
    ] {
        query
            .append_pair(&format!("{field}-day"), &date.day().to_string())
            .append_pair(&format!("{field}-month"), &(date.month() as u8).to_string())
            .append_pair(&format!("{field}-year"), &date.year().to_string());
    }
    format!("/councils/{gss}/intents/new?{}", query.finish())
}

#[component]
pub fn FootprintDashboardView(dashboard: FootprintDashboard) -> impl IntoView {
    let FootprintDashboard {
        code,
        name,
        open_intents,
        open_demand_pence,
        demand_by_category,
        pipeline,
        ends_by_quarter,
        planned,
        clusters,
        clusters_total,
        suggestions,
        spend_by_category,
        top_suppliers,
        today,
        ..
    } = dashboard;
    let pipeline_view = pipeline
        .into_iter()
        .map(|band| {
            let groups = band
                .groups
                .into_iter()
                .map(|group| view! { <NeedGroupView group /> })
                .collect_view();
            let empty = band.contracts == 0;
            view! {
                <h4 class="govuk-heading-s">{format!("{}: {} contracts, {}", band.label, band.contracts, format_pounds(band.value_pence))}</h4>
                {if empty {
                    view! { <p class="govuk-body">"None."</p> }.into_any()
                } else {
                    groups.into_any()
                }}
            }
        })
        .collect_view();
    let quarter_bars: Vec<Bar> = ends_by_quarter
        .iter()
        .map(|q: &QuarterEnds| Bar {
            label: q.label.clone(),
            value: q.contracts as i64,
            text: format!("{} ({})", q.contracts, format_pounds(q.value_pence)),
        })
        .collect();
    let quarter_rows = ends_by_quarter
        .into_iter()
        .map(|q| {
            view! {
                <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header">{q.label}</th>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{q.contracts}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{format_pounds(q.value_pence)}</td>
                </tr>
            }
        })
        .collect_view();
    let suggestion_items = suggestions
        .into_iter()
        .map(|s| {
            let links = s
                .register_for
                .iter()
                .map(|(gss, council)| {
                    view! { <li><a class="govuk-link" href=register_link(gss, &s, &code)>{format!("Register this as a buying intent for {council}")}</a></li> }
                })
                .collect_view();
            let group = s.group.clone();
            view! {
                <li class="pc-suggestion">
                    <NeedGroupView group />
                    <ul class="govuk-list">{links}</ul>
                </li>
            }
        })
        .collect_view();
    let has_suggestions = !suggestion_items.is_empty();
    let cluster_items = clusters
        .into_iter()
        .map(|group| view! { <NeedGroupView group /> })
        .collect_view();
    let planned_items = planned.into_iter().take(20).map(member_item).collect_view();
    let supplier_rows = top_suppliers
        .into_iter()
        .map(|s| {
            view! {
                <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header">{s.name}</th>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{format_pounds(s.value_pence)}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{s.contracts}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{s.councils}</td>
                </tr>
            }
        })
        .collect_view();
    let demand_chart = (!demand_by_category.is_empty()).then(|| {
        bar_chart(
            "demand-chart",
            format!("Open demand by category in {name}"),
            "Value of open buying intents and planned purchases, by CPV division; the table below has the same figures.".into(),
            category_bars(&demand_by_category),
        )
    });
    let spend_chart = (!spend_by_category.is_empty()).then(|| {
        bar_chart(
            "spend-chart",
            format!("Contract value by category in {name}"),
            "Value of the councils' contracts, by CPV division; the table below has the same figures.".into(),
            category_bars(&spend_by_category),
        )
    });
    view! {
        <section aria-labelledby="demand-heading">
            <h2 class="govuk-heading-l" id="demand-heading">"Demand and renewals"</h2>
            <p class="govuk-body">{format!("Figures for the footprint's current member councils, as of {}. \u{201c}Same need\u{201d} is matched the way duplicate purchases are: by what was bought, not only by CPV code.", format_date(&today))}</p>

            <ul class="govuk-list">
                <li><a class="govuk-link" href=format!("/account/following?follow=footprint:{code}")>{format!("Get a weekly email of new demand in {name}")}</a></li>
                <li><a class="govuk-link" href=format!("/feeds/footprints/{code}")>{format!("Follow demand in {name} (Atom feed of open intents and planned purchases)")}</a></li>
            </ul>

            <h3 class="govuk-heading-m">"Open buying intents"</h3>
            <p class="govuk-body" data-testid="open-demand">{format!("{} open, {} combined.", open_intents.len(), format_pounds(open_demand_pence))}</p>
            {(!open_intents.is_empty()).then(|| view! { <IntentsTable intents=open_intents caption="Open buying intents".into() /> })}

            <h3 class="govuk-heading-m">"Suggested joint purchases"</h3>
            {if has_suggestions {
                view! {
                    <p class="govuk-body">"Two or more councils here have contracts for the same need ending within the same 12 months, or have published plans to buy it. One of them can register a buying intent for the others to join."</p>
                    <ul class="govuk-list">{suggestion_items}</ul>
                }.into_any()
            } else {
                view! { <p class="govuk-body">"None at the moment."</p> }.into_any()
            }}

            <h3 class="govuk-heading-m">"Renewal pipeline"</h3>
            <p class="govuk-body">"Contracts ending in the next 2 years, grouped by need."</p>
            {bar_chart(
                "ends-chart",
                format!("Contracts ending each quarter in {name}"),
                "Number of contracts ending in each of the next eight quarters; the table below has the same figures.".into(),
                quarter_bars,
            )}
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-table__caption--s">"Contracts ending by quarter"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Quarter"</th>
                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Contracts"</th>
                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Value"</th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">{quarter_rows}</tbody>
            </table>
            {pipeline_view}

            <h3 class="govuk-heading-m">"Open demand by category"</h3>
            {demand_chart}
            <CategoryTable figures=demand_by_category caption="Open intents and planned purchases by category" counted="Purchases" feeds=true />

            <h3 class="govuk-heading-m">"Planned purchases"</h3>
            <p class="govuk-body">"Published pipeline and pre-procurement notices of the councils here, largest first."</p>
            <ul class="govuk-list">{planned_items}</ul>

            <h3 class="govuk-heading-m">"Duplicate purchases"</h3>
            <p class="govuk-body">{format!(
                "Purchases of the same need made separately by different councils here, by combined value: {}.",
                if clusters_total > 10 { format!("the 10 largest of {clusters_total}") } else { format!("{clusters_total} found") }
            )}</p>
            {cluster_items}

            <h3 class="govuk-heading-m">"Spend by category"</h3>
            {spend_chart}
            <CategoryTable figures=spend_by_category caption="Contracts by category" counted="Contracts" />
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-table__caption--s">"Top suppliers by contract value"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"Supplier"</th>
                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Value"</th>
                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Contracts"</th>
                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Councils"</th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">{supplier_rows}</tbody>
            </table>
        </section>
    }
}

/// `/demand`: the national view, every footprint side by side.
#[component]
pub fn NationalDemandPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| compare_footprints());
    view! {
        <Title text="Demand across footprints" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Footprints".into(), "/footprints".into())] />
        <Main>
            <h1 class="govuk-heading-xl">"Demand across footprints"</h1>
            <p class="govuk-body">"Each footprint's open buying intents, the duplicate purchases among its councils, the joint purchases the service suggests and the contracts ending in the next two years. Open a footprint for the detail."</p>
            {loaded(rows, "Loading…", |rows: Vec<FootprintComparison>| {
                let body = rows
                    .into_iter()
                    .map(|r| view! {
                        <tr class="govuk-table__row">
                            <th scope="row" class="govuk-table__header"><a class="govuk-link" href=format!("/footprints/{}", r.code)>{r.name}</a></th>
                            <td class="govuk-table__cell govuk-table__cell--numeric">{r.councils}</td>
                            <td class="govuk-table__cell govuk-table__cell--numeric">{r.open_intents}</td>
                            <td class="govuk-table__cell govuk-table__cell--numeric">{format_pounds(r.open_demand_pence)}</td>
                            <td class="govuk-table__cell govuk-table__cell--numeric">{r.clusters}</td>
                            <td class="govuk-table__cell govuk-table__cell--numeric">{r.suggestions}</td>
                            <td class="govuk-table__cell govuk-table__cell--numeric">{r.pipeline_contracts}</td>
                        </tr>
                    })
                    .collect_view();
                view! {
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-table__caption--m">"Footprints compared"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"Footprint"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Councils"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Open intents"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Open demand"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Duplicate clusters"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Suggested joint purchases"</th>
                                <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Contracts ending in 2 years"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">{body}</tbody>
                    </table>
                }
            })}
        </Main>
    }
}
