//! Who may act for a supplier record. Staff of a company ask for access to
//! its record and its editors (or a platform admin) decide; platform admins
//! verify self-registered claims, merge duplicate records and hand a record
//! to the people who really represent the company. Each is one audited
//! change.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::accounts;
use super::supplier_identity::{self, choice_item};
use super::suppliers::supplier_json;
use crate::server::auth::{Permission, Resource, may, require};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{
    app_user, contract_supplier, lot_supplier, membership, offer, supplier,
    supplier_access_request as request,
};
use crate::server::form::{FormError, field_error};
use crate::types::commands::{
    AccessDecision, AccessRequest, AccessRequestStatus, Confirmation, SupplierMerge,
    SupplierTransfer, Verification, supplier as field,
};
use crate::types::{
    AccessRequestItem, AppError, Role, SupplierChoiceItem, SupplierClaim, SupplierTrustOverview,
    Viewer, format_date,
};

async fn supplier_or_404<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<supplier::Model, AppError> {
    supplier::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Supplier".into()))
}

async fn is_editor<C: ConnectionTrait>(
    db: &C,
    supplier_id: Uuid,
    user_id: Uuid,
) -> Result<bool, sea_orm::DbErr> {
    Ok(membership::Entity::find()
        .filter(membership::Column::Role.eq(Role::SupplierEditor.as_str()))
        .filter(membership::Column::SupplierId.eq(supplier_id))
        .filter(membership::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .is_some())
}

/// The supplier someone may ask to edit, for the request page's heading.
pub async fn access_heading(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
) -> Result<String, AppError> {
    require(actor, Permission::RequestSupplierAccess, Resource::Platform)?;
    Ok(supplier_or_404(db, supplier_id).await?.name)
}

/// Asks to edit the supplier. Asking again replaces the earlier request's
/// message and reopens it if it was decided.
pub async fn request_access(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
    ask: AccessRequest,
) -> Result<(), FormError> {
    require(actor, Permission::RequestSupplierAccess, Resource::Platform)?;
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    supplier_or_404(db, supplier_id).await?;
    let txn = crate::server::db::begin_write(db).await?;
    if is_editor(&txn, supplier_id, actor.user_id).await? {
        return Err(field_error(
            field::ACCESS_MESSAGE,
            "You already edit this supplier",
        ));
    }
    let now = OffsetDateTime::now_utc();
    let existing = request::Entity::find()
        .filter(request::Column::SupplierId.eq(supplier_id))
        .filter(request::Column::UserId.eq(actor.user_id))
        .one(&txn)
        .await?;
    let id = match existing {
        Some(existing) => {
            let id = existing.id;
            let mut model: request::ActiveModel = existing.into();
            model.message = Set(ask.message.clone());
            model.status = Set(AccessRequestStatus::Pending.as_str().to_owned());
            model.decided_by = Set(None);
            model.decided_at = Set(None);
            model.updated_at = Set(now);
            model.update(&txn).await?;
            id
        }
        None => {
            let id = Uuid::new_v4();
            request::ActiveModel {
                id: Set(id),
                supplier_id: Set(supplier_id),
                user_id: Set(actor.user_id),
                message: Set(ask.message.clone()),
                status: Set(AccessRequestStatus::Pending.as_str().to_owned()),
                decided_by: Set(None),
                decided_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            id
        }
    };
    changes::record(
        &txn,
        Actor::Person(actor.user_id),
        Change::new("supplier_access.requested", "supplier", supplier_id).after(json!({
            "request_id": id,
            "user_id": actor.user_id,
            "message": ask.message,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A pending request to edit `supplier_id`, after checking the actor may
/// decide it (the supplier's editors and platform admins).
async fn pending_request<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
    request_id: Uuid,
) -> Result<(supplier::Model, request::Model), AppError> {
    require(
        actor,
        Permission::ManageSupplier,
        Resource::Supplier(supplier_id),
    )?;
    let found = supplier_or_404(db, supplier_id).await?;
    let pending = request::Entity::find_by_id(request_id)
        .filter(request::Column::SupplierId.eq(supplier_id))
        .filter(request::Column::Status.eq(AccessRequestStatus::Pending.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Access request".into()))?;
    Ok((found, pending))
}

/// The request as the decision page shows it.
pub async fn access_request(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    (supplier_id, request_id): (Uuid, Uuid),
) -> Result<AccessRequestItem, AppError> {
    let (found, pending) = pending_request(db, actor, supplier_id, request_id).await?;
    Ok(describe(db, &found, pending).await?)
}

async fn describe<C: ConnectionTrait>(
    db: &C,
    found: &supplier::Model,
    pending: request::Model,
) -> Result<AccessRequestItem, sea_orm::DbErr> {
    let person = app_user::Entity::find_by_id(pending.user_id)
        .one(db)
        .await?;
    Ok(AccessRequestItem {
        id: pending.id,
        supplier_id: found.id,
        supplier_name: found.name.clone(),
        person: person
            .map(|u| format!("{} ({})", u.display_name, u.email))
            .unwrap_or_default(),
        message: pending.message,
        asked_on: format_date(&pending.updated_at.date()),
    })
}

/// The pending requests to edit a supplier, for its editors and admins.
pub async fn pending_requests_for<C: ConnectionTrait>(
    db: &C,
    found: &supplier::Model,
) -> Result<Vec<AccessRequestItem>, sea_orm::DbErr> {
    let pending = request::Entity::find()
        .filter(request::Column::SupplierId.eq(found.id))
        .filter(request::Column::Status.eq(AccessRequestStatus::Pending.as_str()))
        .order_by_asc(request::Column::UpdatedAt)
        .all(db)
        .await?;
    let mut items = Vec::with_capacity(pending.len());
    for p in pending {
        items.push(describe(db, found, p).await?);
    }
    Ok(items)
}

/// Grants or refuses a request. A grant makes the person an editor; when an
/// admin grants access to a listed record (nobody controlled it), the admin
/// has vouched for its people and the record becomes verified.
pub async fn decide_access(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    (supplier_id, request_id): (Uuid, Uuid),
    decision: AccessDecision,
) -> Result<(), FormError> {
    let txn = crate::server::db::begin_write(db).await?;
    let (found, pending) = pending_request(&txn, actor, supplier_id, request_id).await?;
    let now = OffsetDateTime::now_utc();
    let status = match decision {
        AccessDecision::Grant => AccessRequestStatus::Granted,
        AccessDecision::Refuse => AccessRequestStatus::Refused,
    };
    let mut after = json!({
        "request_id": request_id,
        "user_id": pending.user_id,
        "status": status.as_str(),
    });
    let mut change = Change::new(
        match decision {
            AccessDecision::Grant => "supplier_access.granted",
            AccessDecision::Refuse => "supplier_access.refused",
        },
        "supplier",
        supplier_id,
    );
    if decision == AccessDecision::Grant {
        after["membership"] = accounts::add_membership(
            &txn,
            pending.user_id,
            Role::SupplierEditor,
            Some(supplier_id),
        )
        .await?
        .unwrap_or_default();
        if found.verification == Verification::Listed.as_str()
            && may(actor, Permission::CurateSuppliers, Resource::Platform)
        {
            let mut model: supplier::ActiveModel = found.clone().into();
            model.verification = Set(Verification::Verified.as_str().to_owned());
            model.updated_at = Set(now);
            model.update(&txn).await?;
            after["verification"] = json!(Verification::Verified.as_str());
            change = change.reindex(DocumentKind::Supplier, [supplier_id]);
        }
    }
    let mut model: request::ActiveModel = pending.into();
    model.status = Set(status.as_str().to_owned());
    model.decided_by = Set(actor.map(|a| a.user_id));
    model.decided_at = Set(Some(now));
    model.updated_at = Set(now);
    model.update(&txn).await?;
    changes::record(&txn, Actor::of(actor), change.after(after)).await?;
    txn.commit().await?;
    Ok(())
}

/// The supplier an admin is about to curate, after the permission check.
pub async fn for_curation(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
) -> Result<SupplierClaim, AppError> {
    require(actor, Permission::CurateSuppliers, Resource::Platform)?;
    let found = supplier_or_404(db, supplier_id).await?;
    claim(db, &found).await.map_err(Into::into)
}

async fn claim<C: ConnectionTrait>(
    db: &C,
    found: &supplier::Model,
) -> Result<SupplierClaim, sea_orm::DbErr> {
    let editors = super::colleagues::editors_of(db, found.id).await?;
    Ok(SupplierClaim {
        supplier: choice_item(found),
        claimed_companies_house_number: found.claimed_companies_house_number.clone(),
        verification: found.verification.clone(),
        editors: editors.into_iter().map(|(_, who)| who).collect(),
        registered_on: format_date(&found.created_at.date()),
    })
}

/// Marks a self-registered claim verified: its claimed number becomes its
/// number, so typed names and numbers now find it. A number another record
/// already holds is refused: merge the two instead.
pub async fn verify(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
    _: Confirmation,
) -> Result<(), FormError> {
    require(actor, Permission::CurateSuppliers, Resource::Platform)?;
    let txn = crate::server::db::begin_write(db).await?;
    let before = supplier_or_404(&txn, supplier_id).await?;
    if before.verification != Verification::Unverified.as_str() {
        return Err(field_error(
            "submit",
            "This supplier record is already verified or listed",
        ));
    }
    if let Some(number) = &before.claimed_companies_house_number
        && let Some(holder) = supplier::Entity::find()
            .filter(supplier::Column::CompaniesHouseNumber.eq(number.clone()))
            .one(&txn)
            .await?
    {
        return Err(field_error(
            "submit",
            format!(
                "{} already has Companies House number {number}: merge this record into it instead",
                holder.name
            ),
        ));
    }
    let mut model: supplier::ActiveModel = before.clone().into();
    model.companies_house_number = Set(before.claimed_companies_house_number.clone());
    model.claimed_companies_house_number = Set(None);
    model.verification = Set(Verification::Verified.as_str().to_owned());
    model.updated_at = Set(OffsetDateTime::now_utc());
    // A number taken between the check and here fails on the unique index
    // and rolls back; the admin sees an internal error and tries again.
    let after = model.update(&txn).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("supplier.verified", "supplier", supplier_id)
            .before(supplier_json(&before))
            .after(supplier_json(&after))
            .touching(affected::supplier(&txn, supplier_id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Folds the duplicate `supplier_id` into the record kept (`into`): its lot
/// places, contracts, offers and editors move across (where the kept record
/// already has the same place, contract or editor, the duplicate's is
/// dropped), then the duplicate is deleted.
pub async fn merge(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
    merge: SupplierMerge,
) -> Result<Uuid, FormError> {
    require(actor, Permission::CurateSuppliers, Resource::Platform)?;
    if merge.into == supplier_id {
        return Err(field_error(
            field::MERGE_INTO,
            "Select a different record to keep: a record cannot be merged into itself",
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    let duplicate = supplier_or_404(&txn, supplier_id).await?;
    let Some(kept) = supplier_identity::trusted_by_id(&txn, merge.into).await? else {
        return Err(field_error(
            field::MERGE_INTO,
            "Select the listed or verified record to keep",
        ));
    };
    // Documents that showed the duplicate must be rebuilt once it is gone.
    let touched = affected::supplier(&txn, supplier_id).await?;
    let moved = move_dependants(&txn, supplier_id, kept.id).await?;
    supplier::Entity::delete_by_id(supplier_id)
        .exec(&txn)
        .await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("supplier.merged", "supplier", kept.id)
            .before(json!({
                "duplicate_id": supplier_id,
                "duplicate": supplier_json(&duplicate),
                "kept": supplier_json(&kept),
            }))
            .after(moved)
            .touching(touched)
            .touching(affected::supplier(&txn, kept.id).await?)
            .remove(DocumentKind::Supplier, supplier_id),
    )
    .await?;
    txn.commit().await?;
    Ok(kept.id)
}

/// Moves what points at `from` to `to`; returns how many of each moved.
async fn move_dependants(
    txn: &DatabaseTransaction,
    from: Uuid,
    to: Uuid,
) -> Result<serde_json::Value, sea_orm::DbErr> {
    let mut places_moved = 0;
    for place in lot_supplier::Entity::find()
        .filter(lot_supplier::Column::SupplierId.eq(from))
        .all(txn)
        .await?
    {
        let kept_has = lot_supplier::Entity::find_by_id((place.lot_id, to))
            .one(txn)
            .await?
            .is_some();
        lot_supplier::Entity::delete_by_id((place.lot_id, from))
            .exec(txn)
            .await?;
        if !kept_has {
            lot_supplier::ActiveModel {
                supplier_id: Set(to),
                ..place.into()
            }
            .insert(txn)
            .await?;
            places_moved += 1;
        }
    }
    let mut contracts_moved = 0;
    for link in contract_supplier::Entity::find()
        .filter(contract_supplier::Column::SupplierId.eq(from))
        .all(txn)
        .await?
    {
        let kept_has = contract_supplier::Entity::find_by_id((link.contract_id, to))
            .one(txn)
            .await?
            .is_some();
        contract_supplier::Entity::delete_by_id((link.contract_id, from))
            .exec(txn)
            .await?;
        if !kept_has {
            contract_supplier::ActiveModel {
                contract_id: Set(link.contract_id),
                supplier_id: Set(to),
            }
            .insert(txn)
            .await?;
            contracts_moved += 1;
        }
    }
    let offers_moved = offer::Entity::update_many()
        .col_expr(
            offer::Column::SupplierId,
            sea_orm::sea_query::Expr::value(to),
        )
        .filter(offer::Column::SupplierId.eq(from))
        .exec(txn)
        .await?
        .rows_affected;
    let mut editors_moved = 0;
    for editor in membership::Entity::find()
        .filter(membership::Column::SupplierId.eq(from))
        .all(txn)
        .await?
    {
        if is_editor(txn, to, editor.user_id).await? {
            membership::Entity::delete_by_id(editor.id)
                .exec(txn)
                .await?;
        } else {
            let mut model: membership::ActiveModel = editor.into();
            model.supplier_id = Set(Some(to));
            model.update(txn).await?;
            editors_moved += 1;
        }
    }
    Ok(json!({
        "lot_places_moved": places_moved,
        "contracts_moved": contracts_moved,
        "offers_moved": offers_moved,
        "editors_moved": editors_moved,
    }))
}

/// Makes the person with this email the record's only editor (an impostor's
/// claim handed to the company's real staff, or a listed record to its
/// first editor).
pub async fn transfer(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
    handover: SupplierTransfer,
) -> Result<(), FormError> {
    require(actor, Permission::CurateSuppliers, Resource::Platform)?;
    let txn = crate::server::db::begin_write(db).await?;
    supplier_or_404(&txn, supplier_id).await?;
    let Some(person) = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(handover.email.clone()))
        .one(&txn)
        .await?
    else {
        return Err(field_error(
            field::TRANSFER_EMAIL,
            "There is no account with this email address: ask them to create an account first",
        ));
    };
    let editors = membership::Entity::find()
        .filter(membership::Column::Role.eq(Role::SupplierEditor.as_str()))
        .filter(membership::Column::SupplierId.eq(supplier_id))
        .all(&txn)
        .await?;
    let before: Vec<Uuid> = editors.iter().map(|m| m.user_id).collect();
    for editor in editors.into_iter().filter(|m| m.user_id != person.id) {
        membership::Entity::delete_by_id(editor.id)
            .exec(&txn)
            .await?;
    }
    accounts::add_membership(&txn, person.id, Role::SupplierEditor, Some(supplier_id)).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("supplier.transferred", "supplier", supplier_id)
            .before(json!({ "editors": before }))
            .after(json!({ "editors": [person.id] })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What platform admins have to look at: claims waiting to be verified and
/// requests for access nobody has decided.
pub async fn overview(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
) -> Result<SupplierTrustOverview, AppError> {
    require(actor, Permission::CurateSuppliers, Resource::Platform)?;
    let unverified = supplier::Entity::find()
        .filter(supplier::Column::Verification.eq(Verification::Unverified.as_str()))
        .order_by_asc(supplier::Column::CreatedAt)
        .all(db)
        .await?;
    let mut claims = Vec::with_capacity(unverified.len());
    for found in &unverified {
        claims.push(claim(db, found).await?);
    }
    let pending = request::Entity::find()
        .filter(request::Column::Status.eq(AccessRequestStatus::Pending.as_str()))
        .order_by_asc(request::Column::UpdatedAt)
        .all(db)
        .await?;
    let mut requests = Vec::with_capacity(pending.len());
    for p in pending {
        let found = supplier_or_404(db, p.supplier_id).await?;
        requests.push(describe(db, &found, p).await?);
    }
    Ok(SupplierTrustOverview { claims, requests })
}

/// Trusted records an admin may merge `supplier_id` into, matching `query`.
pub async fn merge_candidates(
    db: &DatabaseConnection,
    supplier_id: Uuid,
    query: &str,
) -> Result<Vec<SupplierChoiceItem>, AppError> {
    Ok(supplier_identity::search(db, query)
        .await?
        .into_iter()
        .filter(|s| s.id != supplier_id)
        .collect())
}
