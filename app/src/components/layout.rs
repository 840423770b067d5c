//! Page furniture: skip link, header, footer, breadcrumbs and the main wrapper.
use leptos::prelude::*;

#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a href="#main-content" class="govuk-skip-link">"Skip to main content"</a>
    }
}

/// The banner is GOV.UK Frontend 6's service navigation with the service
/// name; the GOV.UK header (crown and logotype) is reserved for services on
/// gov.uk, so it is not used.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="govuk-service-navigation" aria-label="Service information">
            <div class="govuk-width-container">
                <div class="govuk-service-navigation__container">
                    <span class="govuk-service-navigation__service-name">
                        <a href="/" class="govuk-service-navigation__link">"Procurement Commons"</a>
                    </span>
                    <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
                        <ul class="govuk-service-navigation__list" id="navigation">
                            <li class="govuk-service-navigation__item">
                                <a class="govuk-service-navigation__link" href="/councils">"Councils"</a>
                            </li>
                            <li class="govuk-service-navigation__item">
                                <a class="govuk-service-navigation__link" href="/footprints">"Footprints"</a>
                            </li>
                            <li class="govuk-service-navigation__item">
                                <a class="govuk-service-navigation__link" href="/frameworks">"Frameworks"</a>
                            </li>
                            <li class="govuk-service-navigation__item">
                                <a class="govuk-service-navigation__link" href="/suppliers">"Suppliers"</a>
                            </li>
                            <li class="govuk-service-navigation__item">
                                <a class="govuk-service-navigation__link" href="/offers">"Offers"</a>
                            </li>
                            <li class="govuk-service-navigation__item">
                                <a class="govuk-service-navigation__link" href="/contracts">"Contracts"</a>
                            </li>
                            <li class="govuk-service-navigation__item">
                                <a class="govuk-service-navigation__link" href="/intents">"Intents"</a>
                            </li>
                            <AccountNavigation />
                        </ul>
                    </nav>
                    <form class="pc-header-search" method="get" action="/search" role="search" aria-label="Site">
                        <label class="govuk-visually-hidden" for="header-search">"Search the catalogue"</label>
                        <input class="govuk-input pc-header-search__input" id="header-search" name="q" type="search" />
                        <button class="govuk-button govuk-button--secondary pc-header-search__button" type="submit">"Search"</button>
                    </form>
                </div>
            </div>
        </header>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="govuk-footer">
            <div class="govuk-width-container">
                <div class="govuk-footer__meta">
                    <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                        <h2 class="govuk-visually-hidden">"About the data"</h2>
                        <p class="govuk-body-s">
                            "Council names, codes and combined authority membership: "
                            <a class="govuk-footer__link" href="https://github.com/mysociety/uk_local_authority_names_and_codes">
                                "mySociety UK local authority names and codes"
                            </a>
                            ", licensed under CC BY 4.0. CPV 2008 codes: Regulation (EC) No 213/2008."
                        </p>
                        <p class="govuk-body-s">
                            "Procurement Commons is not a government service. It is independent of GOV.UK."
                        </p>
                    </div>
                </div>
            </div>
        </footer>
    }
}

/// Breadcrumbs above the main content; the current page is not a link.
#[component]
pub fn Breadcrumbs(
    /// (label, href) pairs from the home page down to the parent of this page.
    trail: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <nav class="govuk-breadcrumbs" aria-label="Breadcrumb">
            <ol class="govuk-breadcrumbs__list">
                {trail
                    .into_iter()
                    .map(|(label, href)| {
                        view! {
                            <li class="govuk-breadcrumbs__list-item">
                                <a class="govuk-breadcrumbs__link" href=href>{label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// The `<main>` landmark every page renders into.
#[component]
pub fn Main(children: Children) -> impl IntoView {
    // A page has one main landmark: error views rendered inside a page's
    // `Main` (a form page whose data failed to load) reuse the outer one.
    if use_context::<InsideMain>().is_some() {
        return children().into_any();
    }
    // A child owner, so the marker reaches only what is inside this `<main>`
    // (components share their parent's owner, and siblings would see it too).
    let inside = Owner::new();
    let content = inside.with(|| {
        provide_context(InsideMain);
        children()
    });
    // Keep the child owner (and what it owns) alive as long as this view.
    on_cleanup(move || drop(inside));
    view! {
        <main class="govuk-main-wrapper" id="main-content">
            {content}
        </main>
    }
    .into_any()
}

/// Marks that a `<main>` is already open.
#[derive(Clone, Copy)]
struct InsideMain;

/// "Sign in", or the signed-in person's account link and a sign-out button
/// (a POST form, so a link prefetch can never sign anyone out).
#[component]
fn AccountNavigation() -> impl IntoView {
    let visitor = Resource::new(|| (), |_| crate::api::account::current_visitor());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match visitor.await {
                    Ok(crate::types::Visitor { viewer: Some(viewer), csrf_token }) => view! {
                        <li class="govuk-service-navigation__item">
                            <a class="govuk-service-navigation__link" href="/account">{viewer.display_name}</a>
                        </li>
                        <li class="govuk-service-navigation__item">
                            <form method="post" action="/sign-out" class="pc-inline-form">
                                <input type="hidden" name="csrf_token" value=csrf_token />
                                <button type="submit" class="pc-link-button govuk-service-navigation__link">"Sign out"</button>
                            </form>
                        </li>
                    }
                    .into_any(),
                    _ => view! {
                        <li class="govuk-service-navigation__item">
                            <a class="govuk-service-navigation__link" href="/sign-in">"Sign in"</a>
                        </li>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
