//! The visitor (signed in or not), the sign-in and sign-up forms, and the
//! audit log.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use super::support;
use crate::types::{
    AppError, AuditEntry, EmailLinkCheck, EmailLog, FormPage, Page, UserDetail, UserListing,
    Visitor,
};

#[server(endpoint = "account/visitor", input = GetUrl)]
pub async fn current_visitor() -> Result<Visitor, AppError> {
    Ok(support::visitor())
}

/// Sign-in and sign-up pages: no data beyond the form itself.
#[server(endpoint = "account/form", input = GetUrl)]
pub async fn account_form() -> Result<FormPage<Option<crate::types::Viewer>>, AppError> {
    support::form_page(Vec::new(), support::viewer())
}

#[server(endpoint = "admin/audit", input = GetUrl)]
pub async fn audit_log(page: Option<u64>) -> Result<Page<AuditEntry>, AppError> {
    use crate::server::auth::{Permission, Resource, require};
    let state = super::state()?;
    require(
        support::viewer().as_ref(),
        Permission::ReadAuditLog,
        Resource::Platform,
    )?;
    crate::server::services::audit::list(&state.db, page.unwrap_or(1)).await
}

/// Accounts, for platform admins.
#[server(endpoint = "admin/users", input = GetUrl)]
pub async fn admin_users(
    q: Option<String>,
    role: Option<String>,
    page: Option<u64>,
) -> Result<UserListing, AppError> {
    let state = super::state()?;
    crate::server::services::user_admin::list_users(
        &state.db,
        support::viewer().as_ref(),
        q,
        role,
        page.unwrap_or(1),
    )
    .await
}

/// One account and the forms that change it (roles, disabling).
#[server(endpoint = "admin/user", input = GetUrl)]
pub async fn admin_user(id: uuid::Uuid) -> Result<FormPage<UserDetail>, AppError> {
    let state = super::state()?;
    let detail =
        crate::server::services::user_admin::user_detail(&state.db, support::viewer().as_ref(), id)
            .await?;
    support::form_page(Vec::new(), detail)
}

/// The page an emailed link opens: whether its token works, and the form
/// that uses it. `purpose` is the link's kind (`confirm_email`,
/// `password_reset`, `colleague_invite`).
#[server(endpoint = "account/email-link", input = GetUrl)]
pub async fn email_link(
    purpose: String,
    token: Option<String>,
) -> Result<FormPage<EmailLinkCheck>, AppError> {
    use crate::server::email::tokens::TokenPurpose;
    let state = super::state()?;
    let purpose = TokenPurpose::parse(&purpose).ok_or_else(|| AppError::NotFound("Page".into()))?;
    let token = token.unwrap_or_default();
    let mut check = if purpose == TokenPurpose::ColleagueInvite {
        match crate::server::services::colleagues::invitation(&state.db, &token).await? {
            Ok((supplier, email)) => EmailLinkCheck {
                email: Some(email),
                supplier_name: Some(supplier),
                ..Default::default()
            },
            Err(problem) => EmailLinkCheck {
                problem: Some(problem.to_owned()),
                ..Default::default()
            },
        }
    } else {
        crate::server::services::emails::check_link(&state.db, purpose, &token).await?
    };
    check.signed_in_as = support::viewer().map(|v| v.email);
    support::form_page(
        vec![(crate::types::commands::account::TOKEN.to_owned(), token)],
        check,
    )
}

/// The email outbox, for platform admins.
#[server(endpoint = "admin/emails", input = GetUrl)]
pub async fn admin_emails() -> Result<EmailLog, AppError> {
    let state = super::state()?;
    crate::server::services::emails::recent(&state.db, support::viewer().as_ref(), &state.config)
        .await
}
