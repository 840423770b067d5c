//! Offers: service definitions a supplier lists, which may name only lots
//! on which a coordinator has recorded that supplier as active.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::suppliers::supplier_for_change;
use super::{cpv, linked, replace_linked};
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change, DocumentKind};
use crate::server::entities::{
    footprint, framework, lot, lot_supplier, offer as offer_row, offer_cpv, offer_footprint,
    offer_lot,
};
use crate::server::form::FormError;
use crate::types::commands::{OfferDetails, PlaceStatus, offer as field};
use crate::types::{AppError, FieldErrors, FormOption, OfferFormOptions, Viewer};

/// The lots an offer may name: those where the supplier holds an active place.
async fn offerable_lots<C: ConnectionTrait>(
    db: &C,
    supplier_id: Uuid,
) -> Result<Vec<FormOption>, sea_orm::DbErr> {
    let places = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::SupplierId.eq(supplier_id))
        .filter(lot_supplier::Column::Status.eq(PlaceStatus::Active.as_str()))
        .all(db)
        .await?;
    let lots = lot::Entity::find()
        .filter(lot::Column::Id.is_in(places.iter().map(|p| p.lot_id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    let frameworks = framework::Entity::find()
        .filter(
            framework::Column::Id.is_in(lots.iter().map(|l| l.framework_id).collect::<Vec<_>>()),
        )
        .all(db)
        .await?;
    let mut options: Vec<FormOption> = lots
        .iter()
        .filter_map(|l| {
            let f = frameworks.iter().find(|f| f.id == l.framework_id)?;
            Some(FormOption {
                value: l.id.to_string(),
                label: format!("{} lot {}: {}", f.reference, l.number, l.title),
            })
        })
        .collect();
    options.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(options)
}

/// The offer form's choices for supplier `supplier_id`, after the permission check.
pub async fn form_options(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
) -> Result<OfferFormOptions, AppError> {
    let found = supplier_for_change(db, actor, supplier_id).await?;
    let footprints = footprint::Entity::find()
        .order_by_asc(footprint::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|f| FormOption {
            value: f.id.to_string(),
            label: f.name,
        })
        .collect();
    Ok(OfferFormOptions {
        supplier_id,
        supplier_name: found.name,
        lots: offerable_lots(db, supplier_id).await?,
        footprints,
    })
}

/// The checks that need the database: CPV codes exist, lots are ones the
/// supplier holds an active place on, footprints exist.
async fn check(
    db: &DatabaseConnection,
    details: &OfferDetails,
    options: &OfferFormOptions,
) -> Result<(), FormError> {
    let mut errors = FieldErrors::default();
    cpv::check_known(db, &mut errors, field::CPV_CODES, &details.cpv_codes).await?;
    let offered =
        |choices: &[FormOption], id: &Uuid| choices.iter().any(|o| o.value == id.to_string());
    if !details.lots.iter().all(|id| offered(&options.lots, id)) {
        errors.add(field::LOTS, field::LOTS_MESSAGE);
    }
    if !details
        .footprints
        .iter()
        .all(|id| offered(&options.footprints, id))
    {
        errors.add(field::FOOTPRINTS, field::FOOTPRINTS_MESSAGE);
    }
    errors.into_result()
}

fn offer_json(
    model: &offer_row::Model,
    cpv: &[String],
    lots: &[Uuid],
    footprints: &[Uuid],
) -> Value {
    json!({
        "title": model.title,
        "summary": model.summary,
        "description": model.description,
        "features": model.features,
        "benefits": model.benefits,
        "pricing_model": model.pricing_model,
        "price_pence": model.price_pence,
        "price_unit": model.price_unit,
        "accessibility_notes": model.accessibility_notes,
        "open_standards_notes": model.open_standards_notes,
        "status": model.status,
        "cpv_codes": cpv,
        "lots": lots,
        "footprints": footprints,
    })
}

async fn replace_offer_links<C: ConnectionTrait>(
    db: &C,
    offer_id: Uuid,
    details: &OfferDetails,
) -> Result<(), sea_orm::DbErr> {
    let codes = details.cpv_codes.iter().map(|code| offer_cpv::ActiveModel {
        offer_id: Set(offer_id),
        cpv_code: Set(code.clone()),
    });
    replace_linked(db, offer_cpv::Column::OfferId, offer_id, codes.collect()).await?;
    let lots = details.lots.iter().map(|lot_id| offer_lot::ActiveModel {
        offer_id: Set(offer_id),
        lot_id: Set(*lot_id),
    });
    replace_linked(db, offer_lot::Column::OfferId, offer_id, lots.collect()).await?;
    let footprints = details
        .footprints
        .iter()
        .map(|footprint_id| offer_footprint::ActiveModel {
            offer_id: Set(offer_id),
            footprint_id: Set(*footprint_id),
        });
    replace_linked(
        db,
        offer_footprint::Column::OfferId,
        offer_id,
        footprints.collect(),
    )
    .await
}

fn apply_offer(model: &mut offer_row::ActiveModel, input: &OfferDetails) {
    model.title = Set(input.title.clone());
    model.summary = Set(input.summary.clone());
    model.description = Set(input.description.clone());
    model.features = Set(input.features.clone());
    model.benefits = Set(input.benefits.clone());
    model.pricing_model = Set(Some(input.pricing_model.as_str().to_owned()));
    model.price_pence = Set(input.price_pence);
    model.price_unit = Set(input.price_unit.clone());
    model.accessibility_notes = Set(input.accessibility_notes.clone());
    model.open_standards_notes = Set(input.open_standards_notes.clone());
    model.status = Set(input.status.as_str().to_owned());
    model.updated_at = Set(OffsetDateTime::now_utc());
}

/// Lists a new offer for supplier `supplier_id`; returns its id.
pub async fn create(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
    input: OfferDetails,
) -> Result<Uuid, FormError> {
    let options = form_options(db, actor, supplier_id).await?;
    check(db, &input, &options).await?;
    let id = Uuid::new_v4();
    let mut model = offer_row::ActiveModel {
        id: Set(id),
        supplier_id: Set(supplier_id),
        is_demo: Set(false),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    };
    apply_offer(&mut model, &input);
    let txn = crate::server::db::begin_write(db).await?;
    let created = model.insert(&txn).await?;
    replace_offer_links(&txn, id, &input).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("offer.created", "offer", id)
            .after(offer_json(
                &created,
                &input.cpv_codes,
                &input.lots,
                &input.footprints,
            ))
            .reindex(DocumentKind::Offer, [id])
            .reindex(DocumentKind::Supplier, [created.supplier_id]),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The offer and its links, after checking the actor edits its supplier.
async fn offer_for_change(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<(offer_row::Model, Vec<String>, Vec<Uuid>, Vec<Uuid>), AppError> {
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let found = offer_row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Offer".into()))?;
    require(
        Some(actor),
        Permission::ManageSupplier,
        Resource::Supplier(found.supplier_id),
    )?;
    let cpv = linked(db, offer_cpv::Entity, offer_cpv::Column::OfferId, id, |c| {
        c.cpv_code
    })
    .await?;
    let lots = linked(db, offer_lot::Entity, offer_lot::Column::OfferId, id, |l| {
        l.lot_id
    })
    .await?;
    let footprints = linked(
        db,
        offer_footprint::Entity,
        offer_footprint::Column::OfferId,
        id,
        |f| f.footprint_id,
    )
    .await?;
    Ok((found, cpv, lots, footprints))
}

/// The supplier an offer belongs to, after the permission check.
pub async fn offer_supplier(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Uuid, AppError> {
    Ok(offer_for_change(db, actor, id).await?.0.supplier_id)
}

/// The offer form's values for changing offer `id`.
pub async fn form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let (found, cpv, lots, footprints) = offer_for_change(db, actor, id).await?;
    let mut values = vec![
        (field::TITLE.to_owned(), found.title),
        (field::SUMMARY.to_owned(), found.summary),
        (
            field::DESCRIPTION.to_owned(),
            found.description.unwrap_or_default(),
        ),
        (
            field::FEATURES.to_owned(),
            found.features.unwrap_or_default(),
        ),
        (
            field::BENEFITS.to_owned(),
            found.benefits.unwrap_or_default(),
        ),
        (
            field::PRICING_MODEL.to_owned(),
            found.pricing_model.unwrap_or_default(),
        ),
        (
            field::PRICE.to_owned(),
            found
                .price_pence
                .map(crate::types::format_pence_plain)
                .unwrap_or_default(),
        ),
        (
            field::PRICE_UNIT.to_owned(),
            found.price_unit.unwrap_or_default(),
        ),
        (
            field::ACCESSIBILITY_NOTES.to_owned(),
            found.accessibility_notes.unwrap_or_default(),
        ),
        (
            field::OPEN_STANDARDS_NOTES.to_owned(),
            found.open_standards_notes.unwrap_or_default(),
        ),
        (field::STATUS.to_owned(), found.status),
        (field::CPV_CODES.to_owned(), cpv.join(", ")),
    ];
    values.extend(
        lots.into_iter()
            .map(|l| (field::LOTS.to_owned(), l.to_string())),
    );
    values.extend(
        footprints
            .into_iter()
            .map(|f| (field::FOOTPRINTS.to_owned(), f.to_string())),
    );
    Ok(values)
}

/// Changes an offer; returns its supplier's id.
pub async fn update(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    input: OfferDetails,
) -> Result<Uuid, FormError> {
    let (before, cpv, lots, footprints) = offer_for_change(db, actor, id).await?;
    let mut options = form_options(db, actor, before.supplier_id).await?;
    // Lots already named stay selectable even if the place has since lapsed,
    // so saving other changes does not fail; new ones must be active places.
    for lot_id in &lots {
        if !options.lots.iter().any(|o| o.value == lot_id.to_string()) {
            options.lots.push(FormOption {
                value: lot_id.to_string(),
                label: String::new(),
            });
        }
    }
    check(db, &input, &options).await?;
    let mut model: offer_row::ActiveModel = before.clone().into();
    apply_offer(&mut model, &input);
    let txn = crate::server::db::begin_write(db).await?;
    let after = model.update(&txn).await?;
    replace_offer_links(&txn, id, &input).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("offer.updated", "offer", id)
            .before(offer_json(&before, &cpv, &lots, &footprints))
            .after(offer_json(
                &after,
                &input.cpv_codes,
                &input.lots,
                &input.footprints,
            ))
            .reindex(DocumentKind::Offer, [id])
            .reindex(DocumentKind::Supplier, [after.supplier_id]),
    )
    .await?;
    txn.commit().await?;
    Ok(before.supplier_id)
}
