//! The people who edit a supplier: adding a colleague who has an account,
//! and removing one (never the last).
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use uuid::Uuid;

use super::accounts;
use super::suppliers::supplier_for_change;
use crate::server::entities::{app_user, membership};
use crate::server::form::{FormError, field_error};
use crate::types::commands::{ColleagueInvite, Confirmation, supplier as field};
use crate::types::{AppError, Role, Viewer};

/// Gives a colleague (who already has an account) editor rights.
pub async fn add(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    invite: ColleagueInvite,
) -> Result<(), FormError> {
    supplier_for_change(db, actor, id).await?;
    let Some(colleague) = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(invite.email))
        .one(db)
        .await?
    else {
        return Err(field_error(
            field::COLLEAGUE_EMAIL,
            "There is no account with this email address: ask your colleague to create an account first",
        ));
    };
    let txn = db.begin().await?;
    accounts::grant(
        &txn,
        actor.map(|a| a.user_id),
        colleague.id,
        Role::SupplierEditor,
        Some(id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The supplier's editors as (user id, "Name (email)"), by name.
pub async fn editors_of<C: ConnectionTrait>(
    db: &C,
    supplier_id: Uuid,
) -> Result<Vec<(Uuid, String)>, sea_orm::DbErr> {
    let ids: Vec<Uuid> = editor_memberships(db, supplier_id)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(ids))
        .order_by_asc(app_user::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} ({})", u.display_name, u.email)))
        .collect())
}

async fn editor_memberships<C: ConnectionTrait>(
    db: &C,
    supplier_id: Uuid,
) -> Result<Vec<membership::Model>, sea_orm::DbErr> {
    membership::Entity::find()
        .filter(membership::Column::Role.eq(Role::SupplierEditor.as_str()))
        .filter(membership::Column::SupplierId.eq(supplier_id))
        .all(db)
        .await
}

/// For the removal page: the supplier's name and the colleague described,
/// after the permission check.
pub async fn heading(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    (supplier_id, user_id): (Uuid, Uuid),
) -> Result<(String, String), AppError> {
    let supplier = supplier_for_change(db, actor, supplier_id).await?;
    let colleague = editors_of(db, supplier_id)
        .await?
        .into_iter()
        .find(|(id, _)| *id == user_id)
        .ok_or_else(|| AppError::NotFound("Colleague".into()))?;
    Ok((supplier.name, colleague.1))
}

/// Stops `user_id` editing the supplier. The last editor cannot be removed:
/// the organisation would have nobody to keep its profile and offers.
pub async fn remove(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    (supplier_id, user_id): (Uuid, Uuid),
    _: Confirmation,
) -> Result<(), FormError> {
    supplier_for_change(db, actor, supplier_id).await?;
    let txn = db.begin().await?;
    let memberships = editor_memberships(&txn, supplier_id).await?;
    let Some(membership) = memberships.iter().find(|m| m.user_id == user_id).cloned() else {
        return Err(AppError::NotFound("Colleague".into()).into());
    };
    if memberships.len() == 1 {
        return Err(field_error(
            "submit",
            "You cannot remove the only person who edits this organisation: add a colleague first",
        ));
    }
    accounts::revoke(&txn, actor.map(|a| a.user_id), membership).await?;
    txn.commit().await?;
    Ok(())
}
