//! The visitor (signed in or not), the sign-in and sign-up forms, and the
//! audit log.
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
use super::support;
use crate::types::{AppError, AuditEntry, FormPage, Page, UserDetail, UserListing, Visitor};

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
