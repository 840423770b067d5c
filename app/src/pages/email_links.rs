//! Pages around email: "check your email" after signing up, the pages the
//! links in messages open (confirm an address, reset a password, accept an
//! invitation), asking for a reset link, and the admin's outbox.
//!
//! A link opens a page that shows what it will do and a button; only the
//! button's POST uses the token up, so mail scanners that fetch links do not.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

use crate::api::account::{account_form, admin_emails, email_link};
use crate::components::forms::{FormFrame, TextField};
use crate::components::layout::{Breadcrumbs, Main};
use crate::components::status::loaded;
use crate::types::commands::account;
use crate::types::{EmailLinkCheck, EmailLog, FormPage, Viewer};

/// The page's own URL with its query: forms post there, so a failed
/// submission shows the same link's page again.
fn this_url() -> String {
    let location = use_location();
    let (path, query) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.trim_start_matches('?'))
    }
}

fn link_resource(
    purpose: &'static str,
) -> Resource<Result<FormPage<EmailLinkCheck>, crate::types::AppError>> {
    let query = use_query_map();
    Resource::new(
        move || query.with(|q| q.get(account::TOKEN)),
        move |token| email_link(purpose.to_owned(), token),
    )
}

/// The link no longer works: why, and where to go instead.
fn broken_link(
    heading: &'static str,
    problem: String,
    onward: (&'static str, &'static str),
) -> AnyView {
    view! {
        <Title text=heading />
        <h1 class="govuk-heading-l">{heading}</h1>
        <p class="govuk-body">{problem}</p>
        <p class="govuk-body"><a class="govuk-link" href=onward.0>{onward.1}</a></p>
    }
    .into_any()
}

fn token_field(page: &FormPage<EmailLinkCheck>) -> AnyView {
    let token = page
        .form
        .value(account::TOKEN)
        .unwrap_or_default()
        .to_owned();
    view! { <input type="hidden" name=account::TOKEN value=token /> }.into_any()
}

/// `/sign-up/check-email`: the same page whether or not the address had an account.
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    view! {
        <Title text="Check your email" />
        <Main>
            <h1 class="govuk-heading-l">"Check your email"</h1>
            <p class="govuk-body">"We have sent an email to the address you gave. Follow the link in it to confirm your address and finish creating your account. The link works for 24 hours."</p>
            <p class="govuk-body">"If you already have an account, the email tells you how to sign in instead."</p>
            <div class="govuk-inset-text">"No email after a few minutes? Check your spam folder, or create your account again to get a new link."</div>
        </Main>
    }
}

/// `/confirm-email?token=…`: confirm the address with one button.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let page = link_resource("confirm_email");
    view! {
        <Main>
            {loaded(page, "Loading…", |page: FormPage<EmailLinkCheck>| match page.data.problem.clone() {
                Some(problem) if page.form.errors.is_empty() => broken_link("You cannot use this link", problem, ("/sign-in", "Sign in")),
                _ => {
                    let email = page.data.email.clone().unwrap_or_default();
                    let token = token_field(&page);
                    view! {
                        <FormFrame heading="Confirm your email address".to_string() caption=Some(email)
                            errors=page.form.errors.clone() csrf_token=page.csrf_token.clone() action=this_url() submit="Confirm email address">
                            {token}
                        </FormFrame>
                    }.into_any()
                }
            })}
        </Main>
    }
}

/// `/forgot-password`: ask for a link to reset the password.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| account_form());
    view! {
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Sign in".into(), "/sign-in".into())] />
        <Main>
            {loaded(page, "Loading…", |page: FormPage<Option<Viewer>>| {
                let form = page.form;
                view! {
                    <FormFrame heading="Reset your password".to_string()
                        intro=Some("Enter the email address of your account. We will send it a link to choose a new password.")
                        errors=form.errors.clone() csrf_token=page.csrf_token action="/forgot-password".to_string() submit="Send the link">
                        <TextField name=account::EMAIL label="Email address" input_type="email" autocomplete="email" form=form.clone() />
                    </FormFrame>
                }
            })}
        </Main>
    }
}

/// `/forgot-password/sent`: the same page whether or not the address has an account.
#[component]
pub fn ForgotPasswordSentPage() -> impl IntoView {
    view! {
        <Title text="Check your email" />
        <Main>
            <h1 class="govuk-heading-l">"Check your email"</h1>
            <p class="govuk-body">"If the address you gave has an account, we have sent it a link to choose a new password. The link works for 1 hour."</p>
            <p class="govuk-body"><a class="govuk-link" href="/sign-in">"Back to sign in"</a></p>
        </Main>
    }
}

/// `/reset-password?token=…`: choose a new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let page = link_resource("password_reset");
    view! {
        <Main>
            {loaded(page, "Loading…", |page: FormPage<EmailLinkCheck>| match page.data.problem.clone() {
                Some(problem) if page.form.errors.is_empty() => broken_link("You cannot use this link", problem, ("/forgot-password", "Ask for a new link")),
                _ => {
                    let token = token_field(&page);
                    let form = page.form.clone();
                    view! {
                        <FormFrame heading="Choose a new password".to_string() caption=page.data.email.clone()
                            intro=Some("Choosing a new password signs you out on every device.")
                            errors=form.errors.clone() csrf_token=page.csrf_token.clone() action=this_url() submit="Change password">
                            {token}
                            <TextField name=account::NEW_PASSWORD label="New password" input_type="password" autocomplete="new-password"
                                hint="Use 10 characters or more. Three random words work well" form=form.clone() keep_value=false />
                        </FormFrame>
                    }.into_any()
                }
            })}
        </Main>
    }
}

/// `/invitations?token=…`: accept an invitation to edit a supplier.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let page = link_resource("colleague_invite");
    view! {
        <Main>
            {loaded(page, "Loading…", |page: FormPage<EmailLinkCheck>| match page.data.problem.clone() {
                Some(problem) if page.form.errors.is_empty() => broken_link("You cannot use this invitation", problem, ("/", "Go to the home page")),
                _ => {
                    let check = page.data.clone();
                    let supplier = check.supplier_name.clone().unwrap_or_default();
                    let email = check.email.clone().unwrap_or_default();
                    let here = this_url();
                    match check.signed_in_as.clone() {
                        None => view! {
                            <Title text=format!("Invitation to edit {supplier}") />
                            <h1 class="govuk-heading-l">{format!("Invitation to edit {supplier}")}</h1>
                            <p class="govuk-body">{format!("This invitation is for {email}. Sign in with that address to accept it.")}</p>
                            <p class="govuk-body">
                                <a class="govuk-link" href=sign_in_link(&here)>"Sign in"</a>
                            </p>
                            <p class="govuk-body">
                                "No account yet? "<a class="govuk-link" href="/sign-up">"Create an account"</a>
                                " with that address, confirm it, then open the link in the invitation again."
                            </p>
                        }.into_any(),
                        Some(_) => {
                            let token = token_field(&page);
                            view! {
                                <FormFrame heading=format!("Invitation to edit {supplier}") caption=Some(format!("For {email}"))
                                    intro=Some("Accept to edit its profile and offers with its other editors.")
                                    errors=page.form.errors.clone() csrf_token=page.csrf_token.clone() action=here submit="Accept invitation">
                                    {token}
                                </FormFrame>
                            }.into_any()
                        }
                    }
                }
            })}
        </Main>
    }
}

/// `/admin/emails`: what the service has sent, or is trying to.
#[component]
pub fn EmailsPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| admin_emails());
    view! {
        <Title text="Emails" />
        <Breadcrumbs trail=vec![("Home".into(), "/".into()), ("Your account".into(), "/account".into())] />
        <Main>
            <h1 class="govuk-heading-l">"Emails"</h1>
            {loaded(page, "Loading…", |log: EmailLog| {
                let empty = log.items.is_empty();
                let items = log.items.into_iter().map(|item| view! {
                    <div class="govuk-summary-card">
                        <div class="govuk-summary-card__title-wrapper">
                            <h2 class="govuk-summary-card__title">{item.subject.clone()}</h2>
                        </div>
                        <div class="govuk-summary-card__content">
                            <dl class="govuk-summary-list">
                                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">"To"</dt><dd class="govuk-summary-list__value">{item.to.clone()}</dd></div>
                                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">"Why"</dt><dd class="govuk-summary-list__value">{item.kind.clone()}</dd></div>
                                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">"Queued (UTC)"</dt><dd class="govuk-summary-list__value">{item.queued_at.clone()}</dd></div>
                                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">"Status"</dt><dd class="govuk-summary-list__value">{item.status.clone()}</dd></div>
                            </dl>
                            {item.body.map(|body| view! { <pre class="pc-email-body">{body}</pre> })}
                        </div>
                    </div>
                }).collect_view();
                view! {
                    <p class="govuk-body">{format!("Messages go to {}. The newest 100 are listed.", log.delivery)}</p>
                    {if empty {
                        view! { <p class="govuk-body">"No emails yet."</p> }.into_any()
                    } else {
                        items.into_any()
                    }}
                }
            })}
        </Main>
    }
}

/// The sign-in page's banner after a link brought the person there.
pub fn sign_in_banner() -> Option<&'static str> {
    use_query_map().with_untracked(|q| {
        if q.get("confirmed").is_some() {
            Some("Your email address is confirmed. Sign in to continue.")
        } else if q.get("reset").is_some() {
            Some("Your password has been changed and you have been signed out everywhere. Sign in with your new password.")
        } else {
            None
        }
    })
}

/// `/sign-in?next=…` coming back to `path` (which may have a query).
fn sign_in_link(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len() * 3);
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("/sign-in?next={encoded}")
}
