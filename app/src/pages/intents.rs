//! Joint buying intents: the list, one intent (who takes part, the combined
//! value, the history, similar purchases), registering one after checking
//! for similar purchases near you, and the join, lead and status forms.
//! Every form is a plain POST to its own page's URL.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use crate::api::intents::{intent, intent_action_form, intent_form, intents};
use crate::components::forms::{
    Choices, CsrfField, DateField, FormErrorSummary, FormFrame, SelectField, TextArea, TextField,
    form_title, options,
};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::{SuccessBanner, loaded};
use crate::pages::catalogue::id_param;
use crate::types::commands::{IntentStatus, ParticipantStatus, intent as field};
use crate::types::{
    FormOption, FormPage, IntentActionOptions, IntentFormOptions, IntentSummary, IntentView,
    SimilarPurchase, format_date, format_pounds,
};

fn status_tag(status: IntentStatus) -> impl IntoView {
    let colour = match status {
        IntentStatus::Open => "govuk-tag govuk-tag--blue",
        IntentStatus::Committed => "govuk-tag govuk-tag--turquoise",
        IntentStatus::InProcurement => "govuk-tag govuk-tag--purple",
        IntentStatus::Awarded => "govuk-tag govuk-tag--green",
        IntentStatus::Withdrawn => "govuk-tag govuk-tag--grey",
    };
    view! { <strong class=colour>{status.label()}</strong> }
}

/// "1 April 2027 to 30 September 2027", or what is known of it.
fn window(start: Option<time::Date>, end: Option<time::Date>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{} to {}", format_date(&s), format_date(&e)),
        (None, Some(e)) => format!("By {}", format_date(&e)),
        (Some(s), None) => format!("From {}", format_date(&s)),
        (None, None) => "Not given".into(),
    }
}

fn trail() -> Vec<(String, String)> {
    vec![
        ("Home".into(), "/".into()),
        ("Buying intents".into(), "/intents".into()),
    ]
}

/// A table of intents.
#[component]
pub fn IntentsTable(intents: Vec<IntentSummary>, caption: String) -> impl IntoView {
    let rows = intents
        .into_iter()
        .map(|i| {
            view! {
                <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header">
                        <a class="govuk-link" href=format!("/intents/{}", i.id)>{i.title}</a>
                        <br /><span class="govuk-body-s">{i.owner_name}{i.footprint_name.map(|f| format!(" · {f}"))}</span>
                    </th>
                    <td class="govuk-table__cell">{status_tag(i.status)}</td>
                    <td class="govuk-table__cell">{window(i.window_start, i.window_end)}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{i.councils}</td>
                    <td class="govuk-table__cell govuk-table__cell--numeric">{format_pounds(i.combined_value_pence)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Need"</th>
                    <th scope="col" class="govuk-table__header">"Status"</th>
                    <th scope="col" class="govuk-table__header">"Buying window"</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Councils"</th>
                    <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Combined value"</th>
                </tr>
            </thead>
            <tbody class="govuk-table__body">{rows}</tbody>
        </table>
    }
}

/// `/intents` (and `?footprint=CODE`): intents open to join first.
#[component]
pub fn IntentsListPage() -> impl IntoView {
    let query = use_query_map();
    let list = Resource::new(move || query.with(|q| q.get("footprint")), intents);
    view! {
        <Title text="Joint buying intents" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            <h1 class="govuk-heading-xl">"Joint buying intents"</h1>
            <p class="govuk-body">
                "A buying intent is a council's need, registered before it buys, so that other councils who need the same can join and buy once, together. "
                "Council buyers register one from their council's page."
            </p>
            {loaded(list, "Loading intents…", |list: Vec<IntentSummary>| {
                if list.is_empty() {
                    view! { <p class="govuk-body">"No buying intents have been registered yet."</p> }.into_any()
                } else {
                    view! { <IntentsTable intents=list caption="Buying intents".into() /> }.into_any()
                }
            })}
        </Main>
    }
}

/// The purchases the live duplicate check found, near ones first.
#[component]
pub fn SimilarPurchases(similar: Vec<SimilarPurchase>) -> impl IntoView {
    if similar.is_empty() {
        return view! {
            <p class="govuk-body">"No other council's contract, planned purchase or intent looks like the same need."</p>
        }
        .into_any();
    }
    let items = similar
        .into_iter()
        .map(|s| {
            let title = match s.href.clone() {
                Some(href) => view! { <a class="govuk-link" href=href>{s.title.clone()}</a> }.into_any(),
                None => view! { <span>{s.title.clone()}</span> }.into_any(),
            };
            let reasons = s
                .reasons
                .iter()
                .map(|r| view! { <li>{r.clone()}</li> })
                .collect_view();
            let value = s.value_pence.map_or_else(|| "Not published".to_owned(), format_pounds);
            view! {
                <li class="similar-purchase">
                    <h3 class="govuk-heading-s govuk-!-margin-bottom-1">{title}</h3>
                    <p class="govuk-body-s govuk-!-margin-bottom-1">
                        {s.kind_label.clone()}" · "{s.buyers.join(", ")}
                        {s.near.then_some(" · in your footprint")}
                        {s.reference.clone().map(|r| format!(" · {r}"))}
                    </p>
                    <dl class="govuk-summary-list govuk-summary-list--no-border govuk-!-margin-bottom-4">
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Value"</dt>
                            <dd class="govuk-summary-list__value">{value}</dd>
                        </div>
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Runs"</dt>
                            <dd class="govuk-summary-list__value">{window(s.start, s.end)}</dd>
                        </div>
                        {(!s.suppliers.is_empty()).then(|| view! {
                            <div class="govuk-summary-list__row">
                                <dt class="govuk-summary-list__key">"Supplier"</dt>
                                <dd class="govuk-summary-list__value">{s.suppliers.join(", ")}</dd>
                            </div>
                        })}
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Why it matched"</dt>
                            <dd class="govuk-summary-list__value"><ul class="govuk-list govuk-list--bullet">{reasons}</ul></dd>
                        </div>
                    </dl>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="govuk-list" data-testid="similar-purchases">{items}</ul> }.into_any()
}

fn done_message(done: Option<String>) -> Option<&'static str> {
    match done.as_deref()? {
        "registered" => {
            Some("Your buying intent is registered. Other councils can now find and join it.")
        }
        "joined" => Some("Your council's part in this intent is saved."),
        "lead" => Some("The lead body is saved."),
        "status" => Some("The intent's status is changed."),
        _ => None,
    }
}

/// `/intents/:id`.
#[component]
pub fn IntentPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let page = Resource::new(move || id.get(), |id| async move { intent(id?).await });
    let done = move || done_message(query.with(|q| q.get("done")));
    view! {
        <Breadcrumbs trail=trail() />
        <Main>
            {move || done().map(|message| view! { <SuccessBanner message /> })}
            {loaded(page, "Loading intent…", |view: IntentView| view! { <IntentDetailView view /> })}
        </Main>
    }
}

#[component]
fn IntentDetailView(view: IntentView) -> impl IntoView {
    let IntentView {
        summary,
        description,
        owner_gss,
        footprint_code,
        cpv_codes,
        lead_name,
        awarded,
        participants,
        history,
        shows_detail,
        may_join,
        may_manage,
        similar,
    } = view;
    let id = summary.id;
    let cpv_items = cpv_codes
        .into_iter()
        .map(|(code, label)| view! { <li>{format!("{code} {label}")}</li> })
        .collect_view();
    let participant_rows = participants
        .into_iter()
        .map(|p| {
            let name = match p.gss_code.clone() {
                Some(gss) => view! { <a class="govuk-link" href=format!("/councils/{gss}")>{p.council_name.clone()}</a> }.into_any(),
                None => view! { <span>{p.council_name.clone()}</span> }.into_any(),
            };
            view! {
                <tr class="govuk-table__row">
                    <th scope="row" class="govuk-table__header">{name}{p.is_owner.then_some(" (registered it)")}</th>
                    <td class="govuk-table__cell">{p.status.label()}</td>
                    {shows_detail.then(|| view! {
                        <td class="govuk-table__cell">{p.volume.clone().unwrap_or_default()}</td>
                        <td class="govuk-table__cell govuk-table__cell--numeric">{p.value_pence.map(format_pounds).unwrap_or_default()}</td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let history_rows = history
        .into_iter()
        .map(|h| {
            view! {
                <tr class="govuk-table__row">
                    <td class="govuk-table__cell">{h.at}</td>
                    <td class="govuk-table__cell">{h.what}</td>
                    <td class="govuk-table__cell">{h.who}</td>
                </tr>
            }
        })
        .collect_view();
    let withdrawn_note = (summary.status != IntentStatus::Withdrawn).then_some(());
    view! {
        <Title text=summary.title.clone() />
        <span class="govuk-caption-l">"Joint buying intent"</span>
        <h1 class="govuk-heading-xl">{summary.title.clone()}</h1>
        <p class="govuk-body">{description}</p>
        <dl class="govuk-summary-list">
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Status"</dt>
                <dd class="govuk-summary-list__value">{status_tag(summary.status)}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Registered by"</dt>
                <dd class="govuk-summary-list__value">
                    {match owner_gss {
                        Some(gss) => view! { <a class="govuk-link" href=format!("/councils/{gss}")>{summary.owner_name.clone()}</a> }.into_any(),
                        None => view! { <span>{summary.owner_name.clone()}</span> }.into_any(),
                    }}
                </dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Footprint"</dt>
                <dd class="govuk-summary-list__value">
                    {match (footprint_code, summary.footprint_name.clone()) {
                        (Some(code), Some(name)) => view! { <a class="govuk-link" href=format!("/footprints/{code}")>{name}</a> }.into_any(),
                        _ => view! { <span>"None"</span> }.into_any(),
                    }}
                </dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Buying window"</dt>
                <dd class="govuk-summary-list__value">{window(summary.window_start, summary.window_end)}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Combined value"</dt>
                <dd class="govuk-summary-list__value" data-testid="combined-value">{format_pounds(summary.combined_value_pence)}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Councils taking part"</dt>
                <dd class="govuk-summary-list__value">{summary.councils}</dd>
            </div>
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"Lead body"</dt>
                <dd class="govuk-summary-list__value">{lead_name.unwrap_or_else(|| "Not named yet".into())}</dd>
            </div>
            {awarded.map(|(label, href)| view! {
                <div class="govuk-summary-list__row">
                    <dt class="govuk-summary-list__key">"Awarded as"</dt>
                    <dd class="govuk-summary-list__value"><a class="govuk-link" href=href>{label}</a></dd>
                </div>
            })}
            <div class="govuk-summary-list__row">
                <dt class="govuk-summary-list__key">"What is needed (CPV)"</dt>
                <dd class="govuk-summary-list__value"><ul class="govuk-list">{cpv_items}</ul></dd>
            </div>
        </dl>
        {(may_join || may_manage).then(|| view! {
            <div class="govuk-button-group">
                {may_join.then(|| view! { <a class="govuk-button" href=format!("/intents/{id}/join")>"Join this intent"</a> })}
                {may_manage.then(|| view! { <a class="govuk-button govuk-button--secondary" href=format!("/intents/{id}/lead")>"Name the lead body"</a> })}
                {(may_manage && withdrawn_note.is_some()).then(|| view! { <a class="govuk-button govuk-button--secondary" href=format!("/intents/{id}/status")>"Change the status"</a> })}
            </div>
        })}
        <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--m">"Councils taking part"</caption>
            <thead class="govuk-table__head">
                <tr class="govuk-table__row">
                    <th scope="col" class="govuk-table__header">"Council"</th>
                    <th scope="col" class="govuk-table__header">"Stance"</th>
                    {shows_detail.then(|| view! {
                        <th scope="col" class="govuk-table__header">"Volume"</th>
                        <th scope="col" class="govuk-table__header govuk-table__header--numeric">"Share"</th>
                    })}
                </tr>
            </thead>
            <tbody class="govuk-table__body">{participant_rows}</tbody>
        </table>
        {(!shows_detail).then(|| view! {
            <p class="govuk-body">"Council buyers and footprint coordinators who sign in see each council's share and the history."</p>
        })}
        {shows_detail.then(|| view! {
            <table class="govuk-table">
                <caption class="govuk-table__caption govuk-table__caption--m">"History"</caption>
                <thead class="govuk-table__head">
                    <tr class="govuk-table__row">
                        <th scope="col" class="govuk-table__header">"When (UTC)"</th>
                        <th scope="col" class="govuk-table__header">"What happened"</th>
                        <th scope="col" class="govuk-table__header">"Who"</th>
                    </tr>
                </thead>
                <tbody class="govuk-table__body">{history_rows}</tbody>
            </table>
        })}
        {(!similar.is_empty()).then(|| view! {
            <h2 class="govuk-heading-m">"Similar purchases by other councils"</h2>
            <SimilarPurchases similar />
        })}
    }
}

/// `/councils/:gss/intents/new`: describe the need, check for similar
/// purchases near you, then register it.
#[component]
pub fn IntentFormPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.with(|p| p.get("gss").unwrap_or_default()),
        intent_form,
    );
    let action = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<IntentFormOptions>| {
                let form = page.form;
                let data = page.data;
                let checked = data.similar.is_some();
                let heading = "Register a buying intent".to_string();
                let title = form_title(&heading, !form.errors.is_empty());
                let footprints: Vec<FormOption> = data
                    .footprints
                    .iter()
                    .map(|(code, name)| FormOption { value: code.clone(), label: name.clone() })
                    .collect();
                view! {
                    <Title text=title />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            <FormErrorSummary errors=form.errors.clone() />
                            <span class="govuk-caption-l">{data.council_name.clone()}</span>
                            <h1 class="govuk-heading-l">{heading}</h1>
                            <p class="govuk-body">"Describe what your council needs to buy and when. Before you register it, the service shows other councils' contracts, planned purchases and intents that look like the same need, so you can join one instead or invite them to join yours."</p>
                            <form method="post" action=action() novalidate>
                                <CsrfField token=page.csrf_token />
                                <TextField name=field::TITLE label="What do you need to buy?" hint="For example, ‘Winter gritting rock salt’" form=form.clone() />
                                <TextArea name=field::DESCRIPTION label="Describe the need" hint="Quantities, sites, service levels: what another council would need to know to join" form=form.clone() />
                                <TextArea name=field::CPV_CODES label="What is needed (CPV codes)" rows=2 hint="8-digit codes from the CPV 2008 list, separated by commas, for example 34927100" form=form.clone() />
                                <TextField name=field::VALUE label="Your council's estimated value in pounds" hint="Over the whole term, excluding VAT. For example, 120000" class="govuk-input govuk-input--width-10" form=form.clone() />
                                <DateField name=field::WINDOW_START legend="Earliest date you could buy" hint="For example, 1 4 2027" form=form.clone() />
                                <DateField name=field::WINDOW_END legend="Date by which you must buy" hint="For example, when your current contract ends" form=form.clone() />
                                <Choices name=field::FOOTPRINT legend="Which footprint are you buying in?" options=footprints form=form.clone() />
                                {checked.then(|| view! {
                                    <div class="govuk-inset-text" id="similar">
                                        <h2 class="govuk-heading-m">"Similar purchases near you"</h2>
                                        <SimilarPurchases similar=data.similar.clone().unwrap_or_default() />
                                    </div>
                                })}
                                <div class="govuk-button-group">
                                    {if checked {
                                        view! {
                                            <button type="submit" id="submit" class="govuk-button" name=field::ACTION value=field::REGISTER data-module="govuk-button">"Register intent"</button>
                                            <button type="submit" class="govuk-button govuk-button--secondary" name=field::ACTION value=field::CHECK data-module="govuk-button">"Check again"</button>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <button type="submit" id="submit" class="govuk-button" name=field::ACTION value=field::CHECK data-module="govuk-button">"Check for similar purchases"</button>
                                        }.into_any()
                                    }}
                                </div>
                            </form>
                        </div>
                    </div>
                }
            })}
        </Main>
    }
}

/// `/intents/:id/join`, `/intents/:id/lead` and `/intents/:id/status`.
#[component]
pub fn IntentActionPage(action: &'static str) -> impl IntoView {
    let id = id_param();
    let page = Resource::new(
        move || id.get(),
        move |id| async move { intent_action_form(id?, action.to_owned()).await },
    );
    let path = move || use_location().pathname.get_untracked();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<IntentActionOptions>| {
                let form = page.form;
                let data = page.data;
                let choices: Vec<FormOption> = data
                    .choices
                    .iter()
                    .map(|(value, label)| FormOption { value: value.clone(), label: label.clone() })
                    .collect();
                let (heading, submit) = match action {
                    "join" => ("Join this intent", "Save your council's part"),
                    "lead" => ("Name the lead body", "Save the lead body"),
                    _ => ("Change the status", "Change the status"),
                };
                let fields = match action {
                    "join" => view! {
                        <SelectField name=field::COUNCIL label="Council" options=choices empty_label="Select the council" form=form.clone() />
                        <TextField name=field::VALUE label="Your council's estimated value in pounds" hint="Over the whole term, excluding VAT" class="govuk-input govuk-input--width-10" form=form.clone() />
                        <TextArea name=field::VOLUME label="Volume (optional)" hint="Quantities, sites or users, for example ‘2,000 tonnes a winter’" rows=2 form=form.clone() />
                        <Choices name=field::PARTICIPANT_STATUS legend="Where does your council stand?" options=options(ParticipantStatus::CHOICES) form=form.clone() />
                    }.into_any(),
                    "lead" => view! {
                        <Choices name=field::LEAD legend="Which body will run the procurement?" hint="A council taking part, or the footprint's own authority" options=choices form=form.clone() />
                    }.into_any(),
                    _ => view! {
                        <p class="govuk-body">{format!("It is now: {}.", data.status.label())}</p>
                        <Choices name=field::STATUS legend="What is its new status?" options=choices form=form.clone() />
                        <TextField name=field::AWARDED_TO label="If awarded: the framework reference or the contract's address" hint="For example, RM6098, or the address of the contract's page on this service" form=form.clone() />
                    }.into_any(),
                };
                view! {
                    <FormFrame heading=heading.to_string() caption=Some(data.title.clone()) errors=form.errors.clone() csrf_token=page.csrf_token action=path() submit=submit>
                        {fields}
                    </FormFrame>
                    <p class="govuk-body"><a class="govuk-link" href=format!("/intents/{}", data.id)>"Back to the intent"</a></p>
                }
            })}
        </Main>
    }
}
