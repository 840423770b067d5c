//! A framework's lots (number, title, description, CPV codes) and the
//! supplier places on each, curated by whoever curates the framework.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::frameworks::framework_for_change;
use super::supplier_identity::{self, SupplierMatch};
use super::{cpv, linked, replace_linked};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{
    contract, framework, lot, lot_cpv, lot_supplier, offer_lot, supplier,
};
use crate::server::form::{FormError, field_error, unique_field};
use crate::types::commands::{
    self, Confirmation, LotDetails, LotPlace, SupplierChoice, lot as field,
    supplier as supplier_field,
};
use crate::types::{AppError, FieldErrors, Viewer};

/// A lot as the audit trail records it.
fn lot_json(
    framework_id: Uuid,
    number: &str,
    title: &str,
    description: Option<&str>,
    cpv_codes: &[String],
) -> Value {
    json!({
        "framework_id": framework_id,
        "number": number,
        "title": title,
        "description": description,
        "cpv_codes": cpv_codes,
    })
}

/// The database keeps lot numbers unique within a framework; its refusal
/// becomes the form's message (no check-then-insert race).
const LOT_NUMBER_TAKEN: fn(sea_orm::DbErr) -> FormError = |error| {
    unique_field(
        "lot_framework_id_number",
        "number",
        "This framework already has a lot with this number",
    )(error)
};

async fn replace_lot_cpv_codes<C: ConnectionTrait>(
    db: &C,
    lot_id: Uuid,
    codes: &[String],
) -> Result<(), sea_orm::DbErr> {
    let rows = codes.iter().map(|code| lot_cpv::ActiveModel {
        lot_id: Set(lot_id),
        cpv_code: Set(code.clone()),
    });
    replace_linked(db, lot_cpv::Column::LotId, lot_id, rows.collect()).await
}

async fn lot_cpv_codes<C: ConnectionTrait>(
    db: &C,
    lot_id: Uuid,
) -> Result<Vec<String>, sea_orm::DbErr> {
    linked(db, lot_cpv::Entity, lot_cpv::Column::LotId, lot_id, |c| {
        c.cpv_code
    })
    .await
}

/// The CPV checks that need the database.
async fn check(db: &DatabaseConnection, details: &LotDetails) -> Result<(), FormError> {
    let mut errors = FieldErrors::default();
    cpv::check_known(db, &mut errors, field::CPV_CODES, &details.cpv_codes).await?;
    errors.into_result()
}

/// Adds a lot to a framework; returns the lot's id.
pub async fn add(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    framework_id: Uuid,
    details: LotDetails,
) -> Result<Uuid, FormError> {
    framework_for_change(db, actor, framework_id).await?;
    check(db, &details).await?;
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let txn = crate::server::db::begin_write(db).await?;
    lot::ActiveModel {
        id: Set(id),
        framework_id: Set(framework_id),
        number: Set(details.number.clone()),
        title: Set(details.title.clone()),
        description: Set(details.description.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(LOT_NUMBER_TAKEN)?;
    replace_lot_cpv_codes(&txn, id, &details.cpv_codes).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("lot.created", "lot", id)
            .after(lot_json(
                framework_id,
                &details.number,
                &details.title,
                details.description.as_deref(),
                &details.cpv_codes,
            ))
            .touching(affected::lot(&txn, id, framework_id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The lot form's values for changing `lot_id`.
pub async fn form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let (lot, _) = lot_for_change(db, actor, lot_id).await?;
    let codes = lot_cpv_codes(db, lot_id).await?;
    Ok(commands::pairs([
        (field::NUMBER, lot.number),
        (field::TITLE, lot.title),
        (field::DESCRIPTION, lot.description.unwrap_or_default()),
        (field::CPV_CODES, codes.join(", ")),
    ]))
}

/// Changes a lot's number, title, description and CPV codes; returns its framework's id.
pub async fn update(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
    details: LotDetails,
) -> Result<Uuid, FormError> {
    let (lot, framework) = lot_for_change(db, actor, lot_id).await?;
    check(db, &details).await?;
    let before = lot_json(
        framework.id,
        &lot.number,
        &lot.title,
        lot.description.as_deref(),
        &lot_cpv_codes(db, lot_id).await?,
    );
    let txn = crate::server::db::begin_write(db).await?;
    let mut model: lot::ActiveModel = lot.into();
    model.number = Set(details.number.clone());
    model.title = Set(details.title.clone());
    model.description = Set(details.description.clone());
    model.updated_at = Set(OffsetDateTime::now_utc());
    model.update(&txn).await.map_err(LOT_NUMBER_TAKEN)?;
    replace_lot_cpv_codes(&txn, lot_id, &details.cpv_codes).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("lot.updated", "lot", lot_id)
            .before(before)
            .after(lot_json(
                framework.id,
                &details.number,
                &details.title,
                details.description.as_deref(),
                &details.cpv_codes,
            ))
            .touching(affected::lot(&txn, lot_id, framework.id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(framework.id)
}

/// Removes a lot with its CPV codes, supplier places and offers' links to it;
/// returns its framework's id. A lot that contracts were called off is kept:
/// the register must still say where those contracts came from.
pub async fn remove(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
    _: Confirmation,
) -> Result<Uuid, FormError> {
    let (lot, framework) = lot_for_change(db, actor, lot_id).await?;
    let call_offs = contract::Entity::find()
        .filter(contract::Column::LotId.eq(lot_id))
        .count(db)
        .await?;
    if call_offs > 0 {
        return Err(field_error(
            "submit",
            format!(
                "{call_offs} contract{} called off this lot, so it cannot be removed",
                if call_offs == 1 { " was" } else { "s were" }
            ),
        ));
    }
    let places: Vec<Value> = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::LotId.eq(lot_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| json!({ "supplier_id": p.supplier_id, "status": p.status }))
        .collect();
    let mut before = lot_json(
        framework.id,
        &lot.number,
        &lot.title,
        lot.description.as_deref(),
        &lot_cpv_codes(db, lot_id).await?,
    );
    before["suppliers"] = Value::Array(places);
    let txn = crate::server::db::begin_write(db).await?;
    // Read before the rows go: the suppliers and offers that listed this lot.
    let touched = affected::lot(&txn, lot_id, framework.id).await?;
    lot_supplier::Entity::delete_many()
        .filter(lot_supplier::Column::LotId.eq(lot_id))
        .exec(&txn)
        .await?;
    offer_lot::Entity::delete_many()
        .filter(offer_lot::Column::LotId.eq(lot_id))
        .exec(&txn)
        .await?;
    replace_lot_cpv_codes(&txn, lot_id, &[]).await?;
    lot::Entity::delete_by_id(lot_id).exec(&txn).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("lot.removed", "lot", lot_id)
            .before(before)
            .touching(touched)
            .remove(DocumentKind::Lot, lot_id),
    )
    .await?;
    txn.commit().await?;
    Ok(framework.id)
}

/// The lot a supplier form belongs to, after the permission check.
pub async fn lot_for_change(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
) -> Result<(lot::Model, framework::Model), AppError> {
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let found = lot::Entity::find_by_id(lot_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Lot".into()))?;
    let parent = framework_for_change(db, Some(actor), found.framework_id).await?;
    Ok((found, parent))
}

/// Records a supplier's place on a lot (or changes its status). The
/// supplier is a trusted record picked by id (or one already on the lot), or
/// an explicitly new one, which the identity rule ([`supplier_identity`])
/// matches to a trusted record of that number or name before creating one.
pub async fn place_supplier(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
    place: LotPlace,
) -> Result<(), FormError> {
    lot_for_change(db, actor, lot_id).await?;
    let status = place.status.as_str().to_owned();
    let now = OffsetDateTime::now_utc();
    let txn = crate::server::db::begin_write(db).await?;
    let found = match place.supplier {
        SupplierChoice::Existing(id) => {
            let on_lot = lot_supplier::Entity::find_by_id((lot_id, id))
                .one(&txn)
                .await?
                .is_some();
            if !on_lot && supplier_identity::trusted_by_id(&txn, id).await?.is_none() {
                return Err(field_error(
                    supplier_field::PICK,
                    "Select a supplier from the list, or choose to add one that is not listed",
                ));
            }
            SupplierMatch { id, created: None }
        }
        SupplierChoice::New {
            name,
            companies_house_number,
        } => {
            supplier_identity::find_or_create(
                &txn,
                &name,
                companies_house_number.as_deref(),
                Uuid::new_v4(),
                false,
            )
            .await?
        }
    };
    let supplier_id = found.id;
    let existing = lot_supplier::Entity::find_by_id((lot_id, supplier_id))
        .one(&txn)
        .await?;
    // Recorded against the lot (a place has no id of its own); the summary names the supplier.
    let change = match existing {
        Some(existing) if existing.status == status => None,
        Some(existing) => {
            let before = existing.status.clone();
            let mut model: lot_supplier::ActiveModel = existing.into();
            model.status = Set(status.clone());
            model.updated_at = Set(now);
            model.update(&txn).await?;
            Some(
                Change::new("lot_supplier.status_changed", "lot", lot_id)
                    .before(json!({ "supplier_id": supplier_id, "status": before }))
                    .after(json!({ "supplier_id": supplier_id, "status": status })),
            )
        }
        None => {
            lot_supplier::ActiveModel {
                lot_id: Set(lot_id),
                supplier_id: Set(supplier_id),
                status: Set(status.clone()),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            Some(
                Change::new("lot_supplier.added", "lot", lot_id).after(json!({
                    "lot_id": lot_id,
                    "supplier_id": supplier_id,
                    "status": status,
                    "new_supplier": found.created,
                })),
            )
        }
    };
    if let Some(change) = change {
        changes::record(
            &txn,
            Actor::of(actor),
            change
                .reindex(DocumentKind::Lot, [lot_id])
                .reindex(DocumentKind::Supplier, [supplier_id]),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The lot-supplier form's values for changing `supplier_id`'s place.
pub async fn place_values(
    db: &DatabaseConnection,
    lot_id: Uuid,
    supplier_id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let place = lot_supplier::Entity::find_by_id((lot_id, supplier_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Supplier place".into()))?;
    let supplier = supplier::Entity::find_by_id(supplier_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Supplier".into()))?;
    Ok(commands::pairs([
        (supplier_field::PICK, supplier.id.to_string()),
        (field::STATUS, place.status),
    ]))
}
