//! The HTML document, the page frame (header, phase banner, footer) and the
//! route table. All of it renders on the server only; the interactive parts
//! are islands (see [`crate::components::head`]).
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::components::head::{IslandScripts, Stylesheet};
use crate::components::layout::{Footer, Header, SkipLink};
use crate::pages::{
    account::{AccountPage, PasswordPage, SignInPage, SignOutPage, SignUpPage, SignedOutPage},
    admin::{AccountStatusPage, AuditLogPage, GrantRolePage, RemoveRolePage, UserPage, UsersPage},
    catalogue::{ContractPage, FrameworkPage, LotPage, OfferPage, SupplierPage},
    council::CouncilPage,
    councils::CouncilsPage,
    demand::NationalDemandPage,
    edit::{
        AccessDecisionPage, AccessRequestPage, ColleagueFormPage, ColleagueRemovePage,
        ContractFormPage, FrameworkFormPage, LotFormPage, LotRemovePage, LotSupplierFormPage,
        MergeSupplierPage, OfferFormPage, RegisterImportFormPage, SupplierFormPage,
        SupplierTrustPage, TransferSupplierPage, VerifySupplierPage,
    },
    email_links::{
        CheckEmailPage, ConfirmEmailPage, EmailsPage, ForgotPasswordPage, ForgotPasswordSentPage,
        InvitationPage, ResetPasswordPage,
    },
    footprint::FootprintPage,
    footprints::FootprintsPage,
    home::HomePage,
    intents::{IntentActionPage, IntentFormPage, IntentPage, IntentsListPage},
    lists::{ContractsPage, FrameworksPage, OffersPage, SuppliersPage},
    market::{FollowRemovePage, FollowingPageView, SupplierDemandPage, UnsubscribePage},
    not_found::NotFound,
    search::SearchPage,
    shortlists::{ShortlistDetailPage, ShortlistNewPage, ShortlistRemovePage, ShortlistsListPage},
};

/// The whole HTML document, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy is set by the server's `page_policy`
    // middleware, with the nonce it provides to this render.
    view! {
        <!DOCTYPE html>
        <html lang="en" class="govuk-template">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0b0c0c" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <Stylesheet options=options.clone() />
                <IslandScripts options />
                <MetaTags />
            </head>
            <body class="govuk-template__body">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|text: String| {
            if text.is_empty() { "Procurement Commons".to_owned() } else { format!("{text} – Procurement Commons") }
        } />
        <Router>
            <SkipLink />
            <Header />
            <div class="govuk-width-container">
                <section class="govuk-phase-banner" aria-label="Service status">
                    <p class="govuk-phase-banner__content">
                        <strong class="govuk-tag govuk-phase-banner__content__tag">"Alpha"</strong>
                        <span class="govuk-phase-banner__text">
                            "This is a new service. It is being built in the open and will change."
                        </span>
                    </p>
                </section>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async />
                    <Route path=path!("/shortlists") view=ShortlistsListPage ssr=SsrMode::Async />
                    <Route path=path!("/shortlists/new") view=ShortlistNewPage ssr=SsrMode::Async />
                    <Route path=path!("/shortlists/:id") view=ShortlistDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/shortlists/:id/remove") view=ShortlistRemovePage ssr=SsrMode::Async />
                    <Route path=path!("/councils") view=CouncilsPage ssr=SsrMode::Async />
                    <Route path=path!("/councils/:gss") view=CouncilPage ssr=SsrMode::Async />
                    <Route path=path!("/footprints") view=FootprintsPage ssr=SsrMode::Async />
                    <Route path=path!("/footprints/:code") view=FootprintPage ssr=SsrMode::Async />
                    <Route path=path!("/frameworks") view=FrameworksPage ssr=SsrMode::Async />
                    <Route path=path!("/frameworks/new") view=|| view! { <FrameworkFormPage editing=false /> } ssr=SsrMode::Async />
                    <Route path=path!("/frameworks/:id") view=FrameworkPage ssr=SsrMode::Async />
                    <Route path=path!("/frameworks/:id/edit") view=|| view! { <FrameworkFormPage editing=true /> } ssr=SsrMode::Async />
                    <Route path=path!("/frameworks/:id/lots/new") view=|| view! { <LotFormPage editing=false /> } ssr=SsrMode::Async />
                    <Route path=path!("/lots/:id/edit") view=|| view! { <LotFormPage editing=true /> } ssr=SsrMode::Async />
                    <Route path=path!("/lots/:id/remove") view=LotRemovePage ssr=SsrMode::Async />
                    <Route path=path!("/lots/:id/suppliers/new") view=LotSupplierFormPage ssr=SsrMode::Async />
                    <Route path=path!("/lots/:id") view=LotPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers") view=SuppliersPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/new") view=|| view! { <SupplierFormPage editing=false /> } ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id") view=SupplierPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/demand") view=SupplierDemandPage ssr=SsrMode::Async />
                    <Route path=path!("/account/following") view=FollowingPageView ssr=SsrMode::Async />
                    <Route path=path!("/account/following/:id/remove") view=FollowRemovePage ssr=SsrMode::Async />
                    <Route path=path!("/unsubscribe") view=UnsubscribePage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/edit") view=|| view! { <SupplierFormPage editing=true /> } ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/colleagues/new") view=ColleagueFormPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/access") view=AccessRequestPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/access/:request") view=AccessDecisionPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/verify") view=VerifySupplierPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/merge") view=MergeSupplierPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/transfer") view=TransferSupplierPage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/colleagues/:user/remove") view=ColleagueRemovePage ssr=SsrMode::Async />
                    <Route path=path!("/suppliers/:id/offers/new") view=|| view! { <OfferFormPage editing=false /> } ssr=SsrMode::Async />
                    <Route path=path!("/offers") view=OffersPage ssr=SsrMode::Async />
                    <Route path=path!("/offers/:id") view=OfferPage ssr=SsrMode::Async />
                    <Route path=path!("/offers/:id/edit") view=|| view! { <OfferFormPage editing=true /> } ssr=SsrMode::Async />
                    <Route path=path!("/demand") view=NationalDemandPage ssr=SsrMode::Async />
                    <Route path=path!("/intents") view=IntentsListPage ssr=SsrMode::Async />
                    <Route path=path!("/intents/:id") view=IntentPage ssr=SsrMode::Async />
                    <Route path=path!("/intents/:id/join") view=|| view! { <IntentActionPage action="join" /> } ssr=SsrMode::Async />
                    <Route path=path!("/intents/:id/lead") view=|| view! { <IntentActionPage action="lead" /> } ssr=SsrMode::Async />
                    <Route path=path!("/intents/:id/status") view=|| view! { <IntentActionPage action="status" /> } ssr=SsrMode::Async />
                    <Route path=path!("/councils/:gss/intents/new") view=IntentFormPage ssr=SsrMode::Async />
                    <Route path=path!("/councils/:gss/contracts/new") view=|| view! { <ContractFormPage editing=false /> } ssr=SsrMode::Async />
                    <Route path=path!("/councils/:gss/contracts/import") view=RegisterImportFormPage ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:id/edit") view=|| view! { <ContractFormPage editing=true /> } ssr=SsrMode::Async />
                    <Route path=path!("/contracts") view=ContractsPage ssr=SsrMode::Async />
                    <Route path=path!("/contracts/:id") view=ContractPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-up") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-up/check-email") view=CheckEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/confirm-email") view=ConfirmEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/forgot-password/sent") view=ForgotPasswordSentPage ssr=SsrMode::Async />
                    <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/invitations") view=InvitationPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/emails") view=EmailsPage ssr=SsrMode::Async />
                    <Route path=path!("/signed-out") view=SignedOutPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/account/password") view=PasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-out") view=|| view! { <SignOutPage everywhere=false /> } ssr=SsrMode::Async />
                    <Route path=path!("/account/sign-out-everywhere") view=|| view! { <SignOutPage everywhere=true /> } ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=AuditLogPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/suppliers") view=SupplierTrustPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id") view=UserPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id/roles/new") view=GrantRolePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id/roles/:membership/remove") view=RemoveRolePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id/status") view=AccountStatusPage ssr=SsrMode::Async />
                </Routes>
            </div>
            <Footer />
        </Router>
    }
}
