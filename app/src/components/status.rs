//! Setting the HTTP status of a server-rendered page, and the shared views for
//! errors a page can end in.
use leptos::prelude::*;

use crate::types::AppError;

/// Sets the response status while rendering on the server; no-op in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// What a page shows when its data could not be loaded.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    set_status(error.status_code());
    match error {
        AppError::NotFound(_) => view! { <crate::pages::not_found::NotFound /> }.into_any(),
        AppError::Unauthenticated => {
            // Edit pages send visitors to sign in and bring them back afterwards.
            let location = leptos_router::hooks::use_location();
            let next = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("next", &next)
                .finish();
            view! { <leptos_router::components::Redirect path=format!("/sign-in?{query}") /> }.into_any()
        }
        AppError::Forbidden => view! {
            <leptos_meta::Title text="You do not have permission to see this page" />
            <crate::components::layout::Main>
                <h1 class="govuk-heading-l">"You do not have permission to see this page"</h1>
                <p class="govuk-body">
                    "Your account cannot change this record. Suppliers can only change their own organisation, council buyers their own council's contracts, and coordinators their own footprint's frameworks."
                </p>
                <p class="govuk-body"><a class="govuk-link" href="/account">"See what your account can do"</a></p>
            </crate::components::layout::Main>
        }
        .into_any(),
        AppError::Conflict(message) => view! {
            <leptos_meta::Title text="Your change could not be saved" />
            <crate::components::layout::Main>
                <h1 class="govuk-heading-l">"Your change could not be saved"</h1>
                <p class="govuk-body">{message}</p>
                <p class="govuk-body">"Nothing was changed. Go back to the form, check the details and send it again."</p>
            </crate::components::layout::Main>
        }
        .into_any(),
        AppError::Unavailable { .. } => view! {
            <leptos_meta::Title text="The service is busy" />
            <crate::components::layout::Main>
                <h1 class="govuk-heading-l">"The service is busy"</h1>
                <p class="govuk-body">"Nothing you sent was saved. Wait a few seconds, then go back and send the form again."</p>
            </crate::components::layout::Main>
        }
        .into_any(),
        AppError::Internal { reference } => view! {
            <leptos_meta::Title text="Sorry, there is a problem with the service" />
            <crate::components::layout::Main>
                <h1 class="govuk-heading-l">"Sorry, there is a problem with the service"</h1>
                <p class="govuk-body">"Try again later. Nothing you sent was saved."</p>
                <p class="govuk-body">
                    "If it keeps happening, contact the Procurement Commons team and quote reference "
                    <strong class="app-error-reference">{reference}</strong>"."
                </p>
            </crate::components::layout::Main>
        }
        .into_any(),
        other => view! {
            <leptos_meta::Title text="Sorry, there is a problem with the service" />
            <crate::components::layout::Main>
                <h1 class="govuk-heading-l">"Sorry, there is a problem with the service"</h1>
                <p class="govuk-body">"Try again later."</p>
                <p class="govuk-body govuk-!-display-none-print">{other.to_string()}</p>
            </crate::components::layout::Main>
        }
        .into_any(),
    }
}

/// Shows `resource` through `render` once it has loaded, or the error view
/// (with its status code) when loading failed. Every data page uses this, so
/// loading and error handling look and behave the same everywhere.
pub fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    loading: &'static str,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="govuk-body">{loading}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// GOV.UK's green "Success" banner, shown after a change redirects back.
#[component]
pub fn SuccessBanner(message: &'static str) -> impl IntoView {
    view! {
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert"
            aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner">
            <div class="govuk-notification-banner__header">
                <h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title">"Success"</h2>
            </div>
            <div class="govuk-notification-banner__content">
                <p class="govuk-notification-banner__heading">{message}</p>
            </div>
        </div>
    }
}
