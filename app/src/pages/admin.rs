//! Platform admins' pages: the audit log, and accounts with their roles.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::types::commands::account;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};
use uuid::Uuid;

use super::account::form_title;
use super::catalogue::{id_param, page_param};
use crate::api::account::{admin_user, admin_users, audit_log};
use crate::components::filters::filtered_list;
use crate::components::forms::{
    Choices, Confirmation, CsrfField, FormErrorSummary, SubmitButton, TextField,
};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::pagination::Pagination;
use crate::components::status::{ErrorView, loaded};
use crate::types::{
    AppError, AuditEntry, FormOption, FormPage, Page, Role, UserDetail, UserListing,
};

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let page_number = page_param();
    let page = Resource::new(move || page_number.get(), audit_log);
    view! {
        <Title text="Audit log" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Your account".into(), "/account".into())] />
        <Main>
            <h1 class="govuk-heading-l">"Audit log"</h1>
            {loaded(page, "Loading the audit log…", |page: Page<AuditEntry>| {
                let rows = page.items.iter().map(|e| view! {
                    <tr class="govuk-table__row">
                        <td class="govuk-table__cell">{e.occurred_at.clone()}</td>
                        <td class="govuk-table__cell">{e.actor.clone().unwrap_or_else(|| "System".into())}</td>
                        <td class="govuk-table__cell">{e.action.clone()}</td>
                        <td class="govuk-table__cell">{format!("{} {}", e.entity, e.entity_id)}</td>
                        <td class="govuk-table__cell"><pre class="pc-audit-summary">{e.change_summary.clone()}</pre></td>
                    </tr>
                }).collect_view();
                view! {
                    <p class="govuk-body">{format!("{} events, newest first.", page.total_items)}</p>
                    <table class="govuk-table">
                        <caption class="govuk-table__caption govuk-visually-hidden">"Audit events"</caption>
                        <thead class="govuk-table__head">
                            <tr class="govuk-table__row">
                                <th scope="col" class="govuk-table__header">"When (UTC)"</th>
                                <th scope="col" class="govuk-table__header">"Who"</th>
                                <th scope="col" class="govuk-table__header">"What"</th>
                                <th scope="col" class="govuk-table__header">"Record"</th>
                                <th scope="col" class="govuk-table__header">"Before and after"</th>
                            </tr>
                        </thead>
                        <tbody class="govuk-table__body">{rows}</tbody>
                    </table>
                    <Pagination path="/admin/audit" query=Vec::new() current=page.page last=page.total_pages() />
                }
            })}
        </Main>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let page_number = page_param();
    let query = use_query_map();
    let users = Resource::new(
        move || {
            (
                query.with(|q| (q.get("q"), q.get("role"))),
                page_number.get(),
            )
        },
        |((q, role), page)| admin_users(q, role, page),
    );
    view! {
        <Title text="Users" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Your account".into(), "/account".into())] />
        <Main>
            <h1 class="govuk-heading-l">"Users"</h1>
            {loaded(users, "Loading users…", |listing: UserListing| filtered_list(
                listing,
                "/admin/users",
                "accounts",
                "No accounts match these filters.",
                |items| {
                    let rows = items.into_iter().map(|u| view! {
                        <tr class="govuk-table__row">
                            <th scope="row" class="govuk-table__header">
                                <a class="govuk-link" href=format!("/admin/users/{}", u.id)>{u.display_name.clone()}</a>
                                <span class="govuk-!-display-block govuk-!-font-weight-regular">{u.email.clone()}</span>
                            </th>
                            <td class="govuk-table__cell">
                                <ul class="govuk-list govuk-!-margin-bottom-0">
                                    {u.roles.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                                </ul>
                            </td>
                            <td class="govuk-table__cell">{account_status(u.is_disabled)}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        <table class="govuk-table">
                            <caption class="govuk-table__caption govuk-visually-hidden">"Accounts"</caption>
                            <thead class="govuk-table__head">
                                <tr class="govuk-table__row">
                                    <th scope="col" class="govuk-table__header">"Person"</th>
                                    <th scope="col" class="govuk-table__header">"Roles"</th>
                                    <th scope="col" class="govuk-table__header">"Status"</th>
                                </tr>
                            </thead>
                            <tbody class="govuk-table__body">{rows}</tbody>
                        </table>
                    }
                    .into_any()
                },
            ))}
        </Main>
    }
}

fn account_status(is_disabled: bool) -> impl IntoView {
    if is_disabled {
        view! { <strong class="govuk-tag govuk-tag--red">"Disabled"</strong> }
    } else {
        view! { <strong class="govuk-tag govuk-tag--green">"Active"</strong> }
    }
}

/// The account in the URL, with its forms' token and any failed submission.
fn user_resource() -> Resource<Result<FormPage<UserDetail>, AppError>> {
    let id = id_param();
    Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Ok(id) => admin_user(id).await,
                Err(e) => Err(e),
            }
        },
    )
}

fn user_trail(user: &UserDetail) -> Vec<(String, String)> {
    vec![
        ("Home".into(), "/".into()),
        ("Users".into(), "/admin/users".into()),
        (
            user.display_name.clone(),
            format!("/admin/users/{}", user.id),
        ),
    ]
}

/// `/admin/users/:id`: who they are, their roles, and links to change them.
#[component]
pub fn UserPage() -> impl IntoView {
    let page = user_resource();
    view! {
        <Main>
            {loaded(page, "Loading…", |page: FormPage<UserDetail>| {
                let user = page.data;
                let id = user.id;
                let mut trail = user_trail(&user);
                trail.pop();
                let roles = user.grants.iter().map(|g| view! {
                    <div class="govuk-summary-list__row">
                        <dt class="govuk-summary-list__key">{g.role.label()}</dt>
                        <dd class="govuk-summary-list__value">{g.scope_name.clone().unwrap_or_else(|| "The whole platform".into())}</dd>
                        <dd class="govuk-summary-list__actions">
                            <a class="govuk-link" href=format!("/admin/users/{id}/roles/{}/remove", g.membership_id)>
                                "Remove"<span class="govuk-visually-hidden">{format!(" {}", g.describe())}</span>
                            </a>
                        </dd>
                    </div>
                }).collect_view();
                let status_action = if user.is_disabled { "Re-enable this account" } else { "Disable this account" };
                view! {
                    <Title text=user.display_name.clone() />
                    <Breadcrumbs trail />
                    <span class="govuk-caption-l">"User"</span>
                    <h1 class="govuk-heading-l">{user.display_name.clone()}</h1>
                    <dl class="govuk-summary-list">
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Email address"</dt>
                            <dd class="govuk-summary-list__value">{user.email.clone()}</dd>
                        </div>
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Status"</dt>
                            <dd class="govuk-summary-list__value">{account_status(user.is_disabled)}</dd>
                        </div>
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Account created"</dt>
                            <dd class="govuk-summary-list__value">{user.created_on.clone()}</dd>
                        </div>
                        <div class="govuk-summary-list__row">
                            <dt class="govuk-summary-list__key">"Last signed in"</dt>
                            <dd class="govuk-summary-list__value">{user.last_sign_in_on.clone().unwrap_or_else(|| "Never".into())}</dd>
                        </div>
                    </dl>
                    <h2 class="govuk-heading-m">"Roles"</h2>
                    {if user.grants.is_empty() {
                        view! { <p class="govuk-body">"No roles: they can read the catalogue and register a supplier."</p> }.into_any()
                    } else {
                        view! { <dl class="govuk-summary-list">{roles}</dl> }.into_any()
                    }}
                    <ul class="govuk-list">
                        <li><a class="govuk-link" href=format!("/admin/users/{id}/roles/new")>"Grant a role"</a></li>
                        {(!user.is_self).then(|| view! {
                            <li><a class="govuk-link" href=format!("/admin/users/{id}/status")>{status_action}</a></li>
                        })}
                    </ul>
                }
            })}
        </Main>
    }
}

/// `/admin/users/:id/roles/new`.
#[component]
pub fn GrantRolePage() -> impl IntoView {
    let page = user_resource();
    let action = move || use_location().pathname.get_untracked();
    let roles: Vec<FormOption> = Role::ALL
        .into_iter()
        .map(|r| FormOption {
            value: r.as_str().to_owned(),
            label: r.label().to_owned(),
        })
        .collect();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<UserDetail>| {
                let form = page.form;
                let user = page.data;
                view! {
                    <Title text=form_title("Grant a role", !form.errors.is_empty()) />
                    <Breadcrumbs trail=user_trail(&user) />
                    <div class="govuk-grid-row">
                        <div class="govuk-grid-column-two-thirds">
                            <FormErrorSummary errors=form.errors.clone() />
                            <span class="govuk-caption-l">{user.display_name.clone()}</span>
                            <h1 class="govuk-heading-l">"Grant a role"</h1>
                            <form method="post" action=action() novalidate>
                                <CsrfField token=page.csrf_token />
                                <Choices name=account::ROLE legend="Role" options=roles.clone() form=form.clone() />
                                <TextField
                                    name=account::SCOPE
                                    label="For which council, footprint or supplier"
                                    hint="A council's GSS code (E08000003), a footprint's code (E47000001) or a supplier's Companies House number (01234567). Leave empty for platform admin."
                                    class="govuk-input govuk-input--width-20"
                                    form=form.clone()
                                />
                                <SubmitButton label="Grant role" />
                            </form>
                        </div>
                    </div>
                }
            })}
        </Main>
    }
}

/// `/admin/users/:id/roles/:membership/remove`: confirm, then remove.
#[component]
pub fn RemoveRolePage() -> impl IntoView {
    let page = user_resource();
    let params = use_params_map();
    let membership =
        move || params.with(|p| p.get("membership").and_then(|m| Uuid::parse_str(&m).ok()));
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<UserDetail>| {
                let user = page.data;
                let Some(grant) = user.grants.iter().find(|g| Some(g.membership_id) == membership()).cloned() else {
                    return view! { <ErrorView error=AppError::NotFound("Role".into()) /> }.into_any();
                };
                view! {
                    <Breadcrumbs trail=user_trail(&user) />
                    <Confirmation
                        question=format!("Remove the role {}?", grant.describe())
                        caption=user.display_name.clone()
                        explanation="They will no longer be able to do what this role allows. You can grant it again later."
                        button="Remove role"
                        cancel=format!("/admin/users/{}", user.id)
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                    />
                }
                .into_any()
            })}
        </Main>
    }
}

/// `/admin/users/:id/status`: confirm disabling or re-enabling the account.
#[component]
pub fn AccountStatusPage() -> impl IntoView {
    let page = user_resource();
    view! {
        <Main>
            {loaded(page, "Loading…", move |page: FormPage<UserDetail>| {
                let user = page.data;
                let (question, explanation, button, value) = if user.is_disabled {
                    (
                        format!("Re-enable {}'s account?", user.display_name),
                        "They will be able to sign in again, with the roles they had.",
                        "Re-enable account",
                        "no",
                    )
                } else {
                    (
                        format!("Disable {}'s account?", user.display_name),
                        "They will be signed out at once and cannot sign in until the account is re-enabled. Their roles are kept.",
                        "Disable account",
                        "yes",
                    )
                };
                view! {
                    <Breadcrumbs trail=user_trail(&user) />
                    <Confirmation
                        question
                        caption=user.email.clone()
                        explanation
                        button
                        cancel=format!("/admin/users/{}", user.id)
                        csrf_token=page.csrf_token
                        errors=page.form.errors
                        hidden=(account::DISABLED, value)
                        warning=!user.is_disabled
                    />
                }
            })}
        </Main>
    }
}
