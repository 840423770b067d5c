//! The people who edit a supplier: adding a colleague (straight away when
//! they have an account, by an emailed invitation when they do not),
//! accepting an invitation, and removing a colleague (never the last).
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use serde_json::json;

use super::accounts;
use super::suppliers::supplier_for_change;
use crate::server::AppState;
use crate::server::changes::{self, Actor, Change};
use crate::server::email::messages;
use crate::server::email::tokens::{self, NewToken, TokenProblem, TokenPurpose};
use crate::server::entities::{app_user, membership, supplier};
use crate::server::form::{FormError, field_error};
use crate::types::commands::{ColleagueInvite, Confirmation, EmailLink};
use crate::types::{AppError, Role, Viewer};

/// What adding a colleague did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    /// They had an account: they edit the supplier now.
    Granted,
    /// They had none: an invitation is on its way to them.
    Invited,
}

/// Adds a colleague: one with an account gets editor rights at once (the
/// shortcut); anyone else is emailed an invitation that works for 7 days.
pub async fn add(
    state: &AppState,
    actor: Option<&Viewer>,
    id: Uuid,
    invite: ColleagueInvite,
) -> Result<Added, FormError> {
    let db = &state.db;
    let found = supplier_for_change(db, actor, id).await?;
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let txn = crate::server::db::begin_write(db).await?;
    let colleague = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(invite.email.clone()))
        .one(&txn)
        .await?;
    let added = match colleague {
        Some(colleague) => {
            accounts::grant(
                &txn,
                Some(actor.user_id),
                colleague.id,
                Role::SupplierEditor,
                Some(id),
            )
            .await?;
            Added::Granted
        }
        None => {
            let token = tokens::issue(
                &txn,
                NewToken {
                    purpose: TokenPurpose::ColleagueInvite,
                    user_id: None,
                    email: invite.email.clone(),
                    supplier_id: Some(id),
                    invited_by: Some(actor.user_id),
                },
            )
            .await?;
            changes::record(
                &txn,
                Actor::Person(actor.user_id),
                Change::new("supplier.colleague_invited", "supplier", id)
                    .after(json!({ "email": invite.email }))
                    .email(messages::colleague_invite(
                        &state.config.public_url,
                        &invite.email,
                        &format!("{} ({})", actor.display_name, actor.email),
                        &found.name,
                        &token,
                    )),
            )
            .await?;
            Added::Invited
        }
    };
    txn.commit().await?;
    Ok(added)
}

/// What an invitation link shows: the supplier, and the address it is for.
pub async fn invitation(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Result<(String, String), &'static str>, AppError> {
    let purpose = TokenPurpose::ColleagueInvite;
    let found = match tokens::peek(db, purpose, token).await? {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem.message(purpose))),
    };
    let supplier = match found.supplier_id {
        Some(id) => supplier::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(match supplier {
        Some(supplier) => Ok((supplier.name, found.email)),
        None => Err(TokenProblem::Unknown.message(purpose)),
    })
}

/// Accepts an invitation as the signed-in person, who must hold the
/// address it was sent to; returns the supplier they now edit.
pub async fn accept(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    link: EmailLink,
) -> Result<Uuid, FormError> {
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let purpose = TokenPurpose::ColleagueInvite;
    let txn = crate::server::db::begin_write(db).await?;
    let found = match tokens::peek(&txn, purpose, &link.token).await? {
        Ok(found) => found,
        Err(problem) => return Err(field_error("submit", problem.message(purpose))),
    };
    if !found.email.eq_ignore_ascii_case(&actor.email) {
        return Err(field_error(
            "submit",
            format!(
                "This invitation is for {}: sign out, then sign in or create an account with that address to accept it",
                found.email
            ),
        ));
    }
    if let Err(problem) = tokens::redeem(&txn, purpose, &link.token).await? {
        return Err(field_error("submit", problem.message(purpose)));
    }
    let supplier_id = found
        .supplier_id
        .ok_or_else(|| AppError::NotFound("Supplier".into()))?;
    // The acceptance is theirs; the invitation's own event names the inviter.
    accounts::grant(
        &txn,
        Some(actor.user_id),
        actor.user_id,
        Role::SupplierEditor,
        Some(supplier_id),
    )
    .await?;
    txn.commit().await?;
    Ok(supplier_id)
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
    let txn = crate::server::db::begin_write(db).await?;
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
