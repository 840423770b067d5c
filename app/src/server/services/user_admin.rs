//! Platform admins manage accounts: find people, grant and remove roles, and
//! disable or re-enable accounts. Every change is audited in its transaction.
//! Two guards keep the platform manageable: an admin cannot disable their own
//! account, and the last platform admin role cannot be removed.
use super::{contains_pattern, linked};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait, Func},
};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::accounts::{find_scope, grant, revoke, viewer_for};
use super::listings::FilterSet;
use super::paging::fetch_page;
use crate::server::auth::{Permission, Resource, require, session};
use crate::server::changes::{self, Actor, Change};
use crate::server::entities::{app_user, membership};
use crate::server::form::{FormError, field_error};
use crate::types::commands::{AccountStatus, Confirmation, RoleGrant, account as field};
use crate::types::{AppError, Role, UserDetail, UserListItem, UserListing, Viewer, format_date};

fn require_admin(actor: Option<&Viewer>) -> Result<&Viewer, AppError> {
    require(actor, Permission::ManageUsers, Resource::Platform)?;
    actor.ok_or(AppError::Unauthenticated)
}

async fn user<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<app_user::Model, AppError> {
    app_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Account".into()))
}

/// Accounts by email, filtered by a name-or-email search and a role.
pub async fn list_users(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    search: Option<String>,
    role: Option<String>,
    page: u64,
) -> Result<UserListing, AppError> {
    require_admin(actor)?;
    let mut filters = FilterSet::default();
    let search = filters.search("q", "Name or email address", search, 320);
    let role = filters.select(
        "role",
        "Role",
        "a role",
        role,
        Role::ALL
            .into_iter()
            .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
            .collect(),
    );
    if filters.refused() {
        return Ok(filters.into_empty_listing());
    }
    let mut query = app_user::Entity::find();
    if let Some(search) = search {
        // Case-insensitive on both backends (PostgreSQL's LIKE is not).
        let pattern = contains_pattern(&search.to_lowercase());
        let lower = |column: app_user::Column| Expr::expr(Func::lower(Expr::col(column)));
        query = query.filter(
            Condition::any()
                .add(lower(app_user::Column::Email).like(pattern.clone()))
                .add(lower(app_user::Column::DisplayName).like(pattern)),
        );
    }
    if let Some(role) = role {
        let holders: Vec<Uuid> = linked(
            db,
            membership::Entity,
            membership::Column::Role,
            role,
            |m| m.user_id,
        )
        .await?;
        query = query.filter(app_user::Column::Id.is_in(holders));
    }
    let query = query
        .order_by_asc(app_user::Column::Email)
        .order_by_asc(app_user::Column::Id);
    let (rows, page, total) = fetch_page(db, query, page).await?;
    let mut items = Vec::with_capacity(rows.len());
    for user in rows {
        let viewer = viewer_for(db, &user).await?;
        items.push(UserListItem {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            is_disabled: user.is_disabled,
            roles: viewer.grants.iter().map(|g| g.describe()).collect(),
        });
    }
    Ok(filters.into_listing(items, page, total))
}

/// One account, its roles and what the admin may do to it.
pub async fn user_detail(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<UserDetail, AppError> {
    let admin = require_admin(actor)?;
    let user = user(db, id).await?;
    let viewer = viewer_for(db, &user).await?;
    Ok(UserDetail {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        is_disabled: user.is_disabled,
        created_on: format_date(&user.created_at.date()),
        last_sign_in_on: user.last_sign_in_at.map(|t| format_date(&t.date())),
        grants: viewer.grants,
        is_self: admin.user_id == id,
    })
}

/// Gives the account a role: `role`, and `scope` naming the council (GSS
/// code), footprint (code) or supplier (Companies House number).
pub async fn grant_role(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    user_id: Uuid,
    grant_of: RoleGrant,
) -> Result<(), FormError> {
    let admin = require_admin(actor)?;
    let target = user(db, user_id).await?;
    let role = grant_of.role;
    let scope = match &grant_of.scope_code {
        None => None,
        Some(code) => match find_scope(db, role, code).await? {
            Ok(scope) => scope,
            Err(message) => return Err(field_error(field::SCOPE, message)),
        },
    };
    let held = viewer_for(db, &target)
        .await?
        .grants
        .iter()
        .any(|g| g.role == role && g.scope_id == scope);
    if held {
        return Err(field_error(
            field::ROLE,
            format!("{} already has this role", target.display_name),
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    grant(&txn, Some(admin.user_id), user_id, role, scope).await?;
    txn.commit().await?;
    Ok(())
}

/// Platform admin roles held by accounts that are not disabled.
async fn active_admin_roles<C: ConnectionTrait>(db: &C) -> Result<u64, sea_orm::DbErr> {
    let disabled: Vec<Uuid> = linked(
        db,
        app_user::Entity,
        app_user::Column::IsDisabled,
        true,
        |u| u.id,
    )
    .await?;
    membership::Entity::find()
        .filter(membership::Column::Role.eq(Role::PlatformAdmin.as_str()))
        .filter(membership::Column::UserId.is_not_in(disabled))
        .count(db)
        .await
}

/// Serialises every change that could leave the service without an active
/// platform admin, for the rest of `txn`: the first statement of the
/// transaction writes the admin memberships (to themselves), which takes
/// their row locks on PostgreSQL and the database's write lock on SQLite.
/// Two admins removing each other at once then run one after the other,
/// and the second sees the first's change, rather than both counting two
/// admins and leaving none.
pub async fn lock_admin_roles(txn: &sea_orm::DatabaseTransaction) -> Result<(), sea_orm::DbErr> {
    membership::Entity::update_many()
        .col_expr(
            membership::Column::UpdatedAt,
            Expr::col(membership::Column::UpdatedAt),
        )
        .filter(membership::Column::Role.eq(Role::PlatformAdmin.as_str()))
        .exec(txn)
        .await?;
    Ok(())
}

const LAST_ADMIN: &str =
    "This is the last platform admin role: grant it to someone else before removing it";

/// Removes one of the account's roles (the membership `membership_id`).
pub async fn remove_role(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    (user_id, membership_id): (Uuid, Uuid),
    _: Confirmation,
) -> Result<(), FormError> {
    let admin = require_admin(actor)?;
    let txn = crate::server::db::begin_write(db).await?;
    lock_admin_roles(&txn).await?;
    let membership = membership::Entity::find_by_id(membership_id)
        .one(&txn)
        .await?
        .filter(|m| m.user_id == user_id)
        .ok_or_else(|| AppError::NotFound("Role".into()))?;
    if membership.role == Role::PlatformAdmin.as_str() && active_admin_roles(&txn).await? <= 1 {
        return Err(field_error("submit", LAST_ADMIN));
    }
    revoke(&txn, Some(admin.user_id), membership).await?;
    txn.commit().await?;
    Ok(())
}

/// Disables (`disabled=yes`) or re-enables (`disabled=no`) an account.
/// Disabling signs the person out everywhere and stops them signing in.
pub async fn set_disabled(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    user_id: Uuid,
    status: AccountStatus,
) -> Result<(), FormError> {
    let admin = require_admin(actor)?;
    let disable = status.disabled;
    if disable && admin.user_id == user_id {
        return Err(field_error("submit", "You cannot disable your own account"));
    }
    let txn = crate::server::db::begin_write(db).await?;
    lock_admin_roles(&txn).await?;
    let target = user(&txn, user_id).await?;
    if target.is_disabled == disable {
        // Already so (a repeated submission): nothing to change or record.
        return Ok(());
    }
    if disable {
        let target_admin_roles = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .filter(membership::Column::Role.eq(Role::PlatformAdmin.as_str()))
            .count(&txn)
            .await?;
        if target_admin_roles > 0 && active_admin_roles(&txn).await? <= target_admin_roles {
            return Err(field_error(
                "submit",
                "This is the last active platform admin: grant the role to someone else before disabling this account",
            ));
        }
    }
    let mut model: app_user::ActiveModel = target.into();
    model.is_disabled = Set(disable);
    model.updated_at = Set(OffsetDateTime::now_utc());
    model.update(&txn).await?;
    if disable {
        session::end_all_for(&txn, user_id).await?;
    }
    changes::record(
        &txn,
        Actor::Person(admin.user_id),
        Change::new(
            if disable {
                "account.disabled"
            } else {
                "account.enabled"
            },
            "app_user",
            user_id,
        )
        .before(json!({ "is_disabled": !disable }))
        .after(json!({ "is_disabled": disable })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
