//! Signing up, in and out, and the account page listing what a person may do.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::account::account_form;
use crate::components::forms::{CsrfField, FormErrorSummary, SubmitButton, TextField};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::types::commands::account;
use crate::types::{FormPage, Role, Viewer, is_local_path};

/// The local path to return to after signing in (never another site).
fn next_path() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            q.get("next")
                .filter(|n| is_local_path(n))
                .unwrap_or_default()
        })
    })
}

pub use crate::components::forms::form_title;

#[component]
pub fn SignInPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| account_form());
    let next = next_path();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<Option<Viewer>>| {
                let form = page.form;
                // After a failed attempt the URL has no query: keep the submitted one.
                let next = Some(next.get_untracked())
                    .filter(|n| !n.is_empty())
                    .or_else(|| form.value("next").filter(|n| is_local_path(n)).map(str::to_owned))
                    .unwrap_or_default();
                let from_edit_page = !next.is_empty();
                view! {
                    <Title text=form_title("Sign in", !form.errors.is_empty()) />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            <FormErrorSummary errors=form.errors.clone() />
                            {crate::pages::email_links::sign_in_banner().map(|message| view! {
                                <crate::components::status::SuccessBanner message />
                            })}
                            <h1 class="govuk-heading-l">"Sign in"</h1>
                            {from_edit_page.then(|| view! {
                                <p class="govuk-body">"You need to sign in to see that page."</p>
                            })}
                            <form method="post" action="/sign-in" novalidate>
                                <CsrfField token=page.csrf_token />
                                <input type="hidden" name=account::NEXT value=next />
                                <TextField name=account::EMAIL label="Email address" input_type="email" autocomplete="username" form=form.clone() />
                                <TextField name=account::PASSWORD label="Password" input_type="password" autocomplete="current-password" form=form.clone() keep_value=false />
                                <SubmitButton label="Sign in" />
                            </form>
                            <p class="govuk-body"><a class="govuk-link" href="/forgot-password">"Forgotten your password?"</a></p>
                            <p class="govuk-body">
                                "No account yet? "<a class="govuk-link" href="/sign-up">"Create an account"</a>
                            </p>
                        </div>
                    </div>
                }
            })}
        </Main>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| account_form());
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<Option<Viewer>>| {
                let form = page.form;
                view! {
                    <Title text=form_title("Create an account", !form.errors.is_empty()) />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            <FormErrorSummary errors=form.errors.clone() />
                            <h1 class="govuk-heading-l">"Create an account"</h1>
                            <p class="govuk-body">
                                "Anyone can read the catalogue without an account. You need one to register a supplier, keep a council's contract register or curate frameworks."
                            </p>
                            <p class="govuk-body">"We will email you a link to confirm your address before you can sign in."</p>
                            <form method="post" action="/sign-up" novalidate>
                                <CsrfField token=page.csrf_token />
                                <TextField name=account::DISPLAY_NAME label="Full name" autocomplete="name" form=form.clone() />
                                <TextField name=account::EMAIL label="Email address" input_type="email" autocomplete="email"
                                    hint="Use your work email address" form=form.clone() />
                                <TextField name=account::PASSWORD label="Create a password" input_type="password" autocomplete="new-password"
                                    hint="Use 10 characters or more. Three random words work well, like ‘river teacup lantern’" form=form.clone() keep_value=false />
                                <SubmitButton label="Create account" />
                            </form>
                        </div>
                    </div>
                }
            })}
        </Main>
    }
}

#[component]
pub fn SignedOutPage() -> impl IntoView {
    view! {
        <Title text="You have signed out" />
        <Main>
            <h1 class="govuk-heading-l">"You have signed out"</h1>
            <p class="govuk-body"><a class="govuk-link" href="/sign-in">"Sign in again"</a></p>
        </Main>
    }
}

/// What each role lets its holder do, in plain words.
fn role_description(role: Role) -> &'static str {
    match role {
        Role::CouncilBuyer => "Keep this council's contract register and shortlists",
        Role::FootprintCoordinator => {
            "Curate the frameworks this footprint's body owns, their lots and suppliers"
        }
        Role::SupplierEditor => "Edit this supplier's profile and offers",
        Role::PlatformAdmin => {
            "Curate every framework, manage users and their roles, and read the audit log"
        }
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| account_form());
    let query = use_query_map();
    let password_changed =
        move || query.with_untracked(|q| q.get("changed").as_deref() == Some("password"));
    view! {
        <Title text="Your account" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into())] />
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<Option<Viewer>>| match page.data {
                None => view! { <crate::components::status::ErrorView error=crate::types::AppError::Unauthenticated /> }.into_any(),
                Some(viewer) => {
                    let banner = password_changed().then(|| view! {
                        <crate::components::status::SuccessBanner message="Your password has been changed. Your other devices have been signed out." />
                    });
                    let is_admin = viewer.has_role(Role::PlatformAdmin);
                    let may_curate = is_admin || viewer.has_role(Role::FootprintCoordinator);
                    let rows = viewer.grants.iter().map(|g| view! {
                        <tr class="govuk-table__row">
                            <td class="govuk-table__cell">{g.role.label()}</td>
                            <td class="govuk-table__cell">{g.scope_name.clone().unwrap_or_else(|| "Whole service".into())}</td>
                            <td class="govuk-table__cell">{role_description(g.role)}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        {banner}
                        <h1 class="govuk-heading-l">"Your account"</h1>
                        <dl class="govuk-summary-list">
                            <div class="govuk-summary-list__row">
                                <dt class="govuk-summary-list__key">"Name"</dt>
                                <dd class="govuk-summary-list__value">{viewer.display_name.clone()}</dd>
                            </div>
                            <div class="govuk-summary-list__row">
                                <dt class="govuk-summary-list__key">"Email address"</dt>
                                <dd class="govuk-summary-list__value">{viewer.email.clone()}</dd>
                            </div>
                        </dl>
                        <h2 class="govuk-heading-m">"Your roles"</h2>
                        {if viewer.grants.is_empty() {
                            view! {
                                <p class="govuk-body">"You have no roles yet, so you can read the catalogue but not change it. A platform admin can give you a role for your council or footprint."</p>
                            }.into_any()
                        } else {
                            view! {
                                <table class="govuk-table">
                                    <caption class="govuk-table__caption govuk-visually-hidden">"Your roles"</caption>
                                    <thead class="govuk-table__head">
                                        <tr class="govuk-table__row">
                                            <th scope="col" class="govuk-table__header">"Role"</th>
                                            <th scope="col" class="govuk-table__header">"For"</th>
                                            <th scope="col" class="govuk-table__header">"Lets you"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="govuk-table__body">{rows}</tbody>
                                </table>
                            }.into_any()
                        }}
                        <h2 class="govuk-heading-m">"What you can do"</h2>
                        <ul class="govuk-list">
                            {may_curate.then(|| view! { <li><a class="govuk-link" href="/frameworks/new">"Add a framework"</a></li> })}
                            {viewer.has_role(Role::CouncilBuyer).then(|| view! { <li><a class="govuk-link" href="/shortlists">"Your council's shortlists"</a></li> })}
                            {viewer.scopes(Role::CouncilBuyer).filter_map(|g| g.scope_code.clone().map(|gss| (gss, g.scope_name.clone().unwrap_or_default()))).map(|(gss, name)| view! {
                                <li><a class="govuk-link" href=format!("/councils/{gss}/contracts/new")>{format!("Add a contract for {name}")}</a></li>
                                <li><a class="govuk-link" href=format!("/councils/{gss}/intents/new")>{format!("Register a buying intent for {name}")}</a></li>
                            }).collect_view()}
                            {viewer.scopes(Role::SupplierEditor).filter_map(|g| g.scope_id.map(|id| (id, g.scope_name.clone().unwrap_or_default()))).map(|(id, name)| view! {
                                <li><a class="govuk-link" href=format!("/suppliers/{id}")>{format!("Manage {name}")}</a></li>
                            }).collect_view()}
                            <li><a class="govuk-link" href="/account/following">"Demand you follow by email"</a></li>
                            <li><a class="govuk-link" href="/suppliers/new">"Register a supplier organisation"</a></li>
                        </ul>
                        {is_admin.then(|| view! {
                            <ul class="govuk-list">
                                <li><a class="govuk-link" href="/admin/users">"Manage users and roles"</a></li>
                                <li><a class="govuk-link" href="/admin/suppliers">"Check supplier registrations and requests for access"</a></li>
                                <li><a class="govuk-link" href="/admin/emails">"See the emails the service has sent"</a></li>
                                <li><a class="govuk-link" href="/admin/audit">"Read the audit log"</a></li>
                            </ul>
                        })}
                        <h2 class="govuk-heading-m">"Signing in"</h2>
                        <p class="govuk-body"><a class="govuk-link" href="/account/password">"Change your password"</a></p>
                        <form method="post" action="/account/sign-out-everywhere" novalidate>
                            <CsrfField token=page.csrf_token.clone() />
                            <p class="govuk-body">"If you signed in on a computer you no longer use, or think someone else has, you can sign out on every device, this one too."</p>
                            <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">"Sign out everywhere"</button>
                        </form>
                    }.into_any()
                }
            })}
        </Main>
    }
}

/// `/account/password`: change your password (other devices are signed out).
#[component]
pub fn PasswordPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| account_form());
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Your account".into(), "/account".into())] />
        <Main>
            {loaded(page, "Loading…", |page: FormPage<Option<Viewer>>| match page.data {
                None => view! { <crate::components::status::ErrorView error=crate::types::AppError::Unauthenticated /> }.into_any(),
                Some(_) => {
                    let form = page.form;
                    view! {
                        <crate::components::forms::FormFrame heading="Change your password".to_string()
                            intro=Some("You stay signed in here; every other device you are signed in on is signed out.")
                            errors=form.errors.clone() csrf_token=page.csrf_token action="/account/password".to_string() submit="Change password">
                            <TextField name=account::CURRENT_PASSWORD label="Current password" input_type="password" autocomplete="current-password" form=form.clone() keep_value=false />
                            <TextField name=account::NEW_PASSWORD label="New password" input_type="password" autocomplete="new-password"
                                hint="At least 10 characters. A few unrelated words are strong and easy to remember." form=form.clone() keep_value=false />
                        </crate::components::forms::FormFrame>
                    }.into_any()
                }
            })}
        </Main>
    }
}

/// `/sign-out` and `/account/sign-out-everywhere` as pages: where a sign-out
/// whose form had expired (or a bookmarked URL) lands, with a button that
/// does it.
#[component]
pub fn SignOutPage(everywhere: bool) -> impl IntoView {
    let page = Resource::new(|| (), |_| account_form());
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<Option<Viewer>>| match page.data {
                None => view! {
                    <leptos_meta::Title text="You are signed out" />
                    <h1 class="govuk-heading-l">"You are signed out"</h1>
                    <p class="govuk-body"><a class="govuk-link" href="/sign-in">"Sign in"</a></p>
                }.into_any(),
                Some(_) => view! {
                    <crate::components::forms::Confirmation
                        question=if everywhere { "Sign out everywhere?".to_owned() } else { "Sign out?".to_owned() }
                        caption="Your account".to_owned()
                        explanation=if everywhere { "Every device you are signed in on, this one too, is signed out." } else { "You are signed out on this device." }
                        button=if everywhere { "Sign out everywhere" } else { "Sign out" }
                        cancel="/account".to_owned()
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                        warning=false
                    />
                }.into_any(),
            })}
        </Main>
    }
}
