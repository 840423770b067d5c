//! The market signal for suppliers: `/suppliers/:id/demand` (open demand
//! matching a supplier's offers), `/account/following` (demand followed by
//! email, and following more), `/account/following/:id/remove`, and
//! `/unsubscribe` (a digest's "stop these emails" link, confirmed with a
//! button so that a mail scanner opening the link stops nothing). Every
//! form is a plain POST to its own page's URL.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::market::{follow_remove_form, following_form, matching_demand, unsubscribe_form};
use crate::components::forms::{
    Confirmation, CsrfField, FormErrorSummary, SelectField, SubmitButton,
};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::{SuccessBanner, loaded};
use crate::pages::catalogue::id_param;
use crate::types::commands::follow as field;
use crate::types::{
    DemandMatch, FollowView, FollowingPage, FormOption, FormPage, SupplierDemand, format_date,
};

fn account_trail() -> Vec<(String, String)> {
    vec![
        ("Home".into(), "/".into()),
        ("Your account".into(), "/account".into()),
    ]
}

fn match_row(m: DemandMatch) -> impl IntoView {
    view! {
        <tr class="govuk-table__row">
            <td class="govuk-table__cell">
                <a class="govuk-link" href=m.href>{m.title}</a>
                <br />
                <span class="govuk-body-s">{m.kind_label}" · "{m.summary}</span>
            </td>
            <td class="govuk-table__cell">
                <ul class="govuk-list govuk-body-s">
                    {m.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                </ul>
            </td>
            <td class="govuk-table__cell">{format_date(&m.published)}</td>
        </tr>
    }
}

/// `/suppliers/:id/demand`: open buying intents and planned purchases that
/// match the supplier's published offers, and the categories to follow.
#[component]
pub fn SupplierDemandPage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move { matching_demand(id?).await },
    );
    view! {
        {loaded(page, "Loading…", |d: SupplierDemand| {
            let heading = format!("Demand matching {}'s offers", d.supplier_name);
            let trail = vec![
                ("Home".into(), "/".into()),
                ("Suppliers".into(), "/suppliers".into()),
                (d.supplier_name.clone(), format!("/suppliers/{}", d.supplier_id)),
            ];
            let found = if d.offers == 0 {
                "This supplier has no published offers yet, so nothing can be matched. Publish an offer with its CPV codes and this page lists the demand it fits.".to_owned()
            } else if d.matches.is_empty() {
                format!("No open buying intent or planned purchase matches its {} published offers today.", d.offers)
            } else {
                format!("{} open buying intents and planned purchases match its {} published offers, newest first.", d.matches.len(), d.offers)
            };
            let has_matches = !d.matches.is_empty();
            let rows = d.matches.into_iter().map(match_row).collect_view();
            let signed_in = d.signed_in;
            let categories = d.categories.into_iter().map(|c| {
                let follow = if c.followed {
                    view! { <strong class="govuk-tag govuk-tag--green">"Followed"</strong> }.into_any()
                } else if signed_in {
                    view! { <a class="govuk-link" href=format!("/account/following?follow={}", c.value)>{format!("Follow {} by email", c.label)}</a> }.into_any()
                } else {
                    view! { <a class="govuk-link" href=format!("/sign-in?next=/account/following%3Ffollow%3D{}", c.value)>{format!("Sign in to follow {} by email", c.label)}</a> }.into_any()
                };
                view! {
                    <li>
                        {follow}" · "
                        <a class="govuk-link" href=c.feed_path>{format!("Atom feed of {}", c.label)}</a>
                    </li>
                }
            }).collect_view();
            view! {
                <Title text=heading.clone() />
                <Breadcrumbs trail />
                <Main>
                    <h1 class="govuk-heading-l">{heading}</h1>
                    <p class="govuk-body">"Open joint buying intents of councils and planned purchases they have published, matched to the offers by CPV category (one code within the other) or by what they describe."</p>
                    <p class="govuk-body" data-testid="demand-count">{found}</p>
                    {has_matches.then(|| view! {
                        <table class="govuk-table">
                            <caption class="govuk-table__caption govuk-table__caption--m">"Matching demand"</caption>
                            <thead class="govuk-table__head">
                                <tr class="govuk-table__row">
                                    <th scope="col" class="govuk-table__header">"Demand"</th>
                                    <th scope="col" class="govuk-table__header">"Why it matches"</th>
                                    <th scope="col" class="govuk-table__header">"Published"</th>
                                </tr>
                            </thead>
                            <tbody class="govuk-table__body">{rows}</tbody>
                        </table>
                    })}
                    <h2 class="govuk-heading-m">"Follow these categories"</h2>
                    <p class="govuk-body">"Get a weekly email when new demand is published in a category, or read it in any feed reader."</p>
                    <ul class="govuk-list">{categories}</ul>
                </Main>
            }
        })}
    }
}

fn follow_done(done: Option<String>) -> Option<&'static str> {
    match done.as_deref()? {
        "followed" => {
            Some("You will get a weekly email when there is new demand in what you follow.")
        }
        "removed" => Some("You will no longer get emails about it."),
        _ => None,
    }
}

/// `/account/following`: what the signed-in person follows, and a form to
/// follow a footprint or category.
#[component]
pub fn FollowingPageView() -> impl IntoView {
    let query = use_query_map();
    let follow = move || query.with(|q| q.get("follow"));
    let done = move || follow_done(query.with(|q| q.get("done")));
    let page = Resource::new(follow, following_form);
    view! {
        <Breadcrumbs trail=account_trail() />
        <Main>
            {move || done().map(|message| view! { <SuccessBanner message /> })}
            {loaded(page, "Loading…", |page: FormPage<FollowingPage>| {
                let form = page.form;
                let data = page.data;
                let title = if form.errors.is_empty() { "Demand you follow".to_owned() } else { "Error: Demand you follow".to_owned() };
                let listed = if data.follows.is_empty() {
                    view! { <p class="govuk-body">"You do not follow any demand yet."</p> }.into_any()
                } else {
                    let rows = data.follows.into_iter().map(|f: FollowView| view! {
                        <tr class="govuk-table__row">
                            <th scope="row" class="govuk-table__header">{f.title.clone()}</th>
                            <td class="govuk-table__cell">{format_date(&f.since)}</td>
                            <td class="govuk-table__cell"><a class="govuk-link" href=f.feed_path>"Atom feed"</a></td>
                            <td class="govuk-table__cell">
                                <a class="govuk-link" href=format!("/account/following/{}/remove", f.id)>
                                    "Stop following"<span class="govuk-visually-hidden">{format!(" {}", f.title)}</span>
                                </a>
                            </td>
                        </tr>
                    }).collect_view();
                    view! {
                        <table class="govuk-table">
                            <caption class="govuk-table__caption govuk-visually-hidden">"Demand you follow"</caption>
                            <thead class="govuk-table__head">
                                <tr class="govuk-table__row">
                                    <th scope="col" class="govuk-table__header">"Demand"</th>
                                    <th scope="col" class="govuk-table__header">"Since"</th>
                                    <th scope="col" class="govuk-table__header">"Feed"</th>
                                    <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">"Action"</span></th>
                                </tr>
                            </thead>
                            <tbody class="govuk-table__body">{rows}</tbody>
                        </table>
                    }.into_any()
                };
                let options: Vec<FormOption> = data
                    .footprints
                    .into_iter()
                    .map(|(value, label)| FormOption { value, label: format!("Footprint: {label}") })
                    .chain(data.categories.into_iter().map(|(value, label)| FormOption { value, label: format!("Category: {label}") }))
                    .collect();
                view! {
                    <Title text=title />
                    <FormErrorSummary errors=form.errors.clone() />
                    <h1 class="govuk-heading-l">"Demand you follow"</h1>
                    <p class="govuk-body">"Once a week, if anything new was published, you get one email listing the new joint buying intents and planned purchases in what you follow. Every email has a link to stop it."</p>
                    {listed}
                    <h2 class="govuk-heading-m">"Follow more"</h2>
                    <form method="post" action="/account/following" novalidate>
                        <CsrfField token=page.csrf_token />
                        <SelectField name=field::FOLLOW label="Footprint or category" options form=form.clone()
                            empty_label="Choose a footprint or category" />
                        <SubmitButton label="Follow" />
                    </form>
                }
            })}
        </Main>
    }
}

/// `/account/following/:id/remove`: confirm, then stop following.
#[component]
pub fn FollowRemovePage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        |id| async move { follow_remove_form(id?).await },
    );
    view! {
        <Breadcrumbs trail=account_trail() />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<FollowView>| {
                view! {
                    <Confirmation
                        question=format!("Stop following {}?", page.data.title)
                        caption="Demand you follow".to_owned()
                        explanation="You will no longer get weekly emails about it. You can follow it again at any time."
                        button="Stop following"
                        cancel="/account/following".to_owned()
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                    />
                }
            })}
        </Main>
    }
}

/// `/unsubscribe?key=…`: what the link stops, and the button that does it.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let query = use_query_map();
    let key = move || query.with(|q| q.get("key"));
    let done = move || query.with(|q| q.get("done")).is_some();
    let page = Resource::new(key, unsubscribe_form);
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            {move || if done() {
                view! {
                    <Title text="You will no longer get these emails" />
                    <h1 class="govuk-heading-l">"You will no longer get these emails"</h1>
                    <p class="govuk-body">"Other demand you follow is not affected. "<a class="govuk-link" href="/account/following">"See what you follow"</a>"."</p>
                }.into_any()
            } else {
                loaded(page, "Loading…", |page: FormPage<Option<String>>| {
                    let key = page.form.value(field::KEY).unwrap_or_default().to_owned();
                    match page.data {
                        Some(what) => {
                            let question = format!("Stop emails about {what}?");
                            let title = if page.form.errors.is_empty() { question.clone() } else { format!("Error: {question}") };
                            view! {
                                <Title text=title />
                                <FormErrorSummary errors=page.form.errors.clone() />
                                <h1 class="govuk-heading-l">{question}</h1>
                                <p class="govuk-body">"You will no longer get the weekly email about it. Other demand you follow is not affected."</p>
                                <form method="post" action="/unsubscribe" novalidate>
                                    <CsrfField token=page.csrf_token />
                                    <input type="hidden" name=field::KEY value=key />
                                    <SubmitButton label="Stop these emails" warning=true />
                                </form>
                            }.into_any()
                        }
                        None => view! {
                            <Title text="This link does not work any more" />
                            <h1 class="govuk-heading-l">"This link does not work any more"</h1>
                            <p class="govuk-body">"It has already been used, or the follow was removed from the account. You will not get emails about it."</p>
                            <p class="govuk-body"><a class="govuk-link" href="/account/following">"Sign in to see what you follow"</a></p>
                        }.into_any(),
                    }
                }).into_any()
            }}
        </Main>
    }
}
