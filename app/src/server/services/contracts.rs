//! A council's contract register: council buyers add and change their own
//! council's contracts, including call-offs from a framework lot. A call-off
//! must name a lot the council may use, and suppliers who hold a place on it.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::eligibility::council_may_use;
use super::supplier_identity::{self, normalise_supplier_name};
use super::{cpv, linked, replace_linked};
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{
    contract, contract_buyer, contract_cpv, contract_supplier, framework, lot, lot_supplier,
    organisation, supplier,
};
use crate::server::form::FormError;
use crate::types::commands::{
    self, ContractDetails, ContractSource, PlaceStatus, Term, Verification, contract as field,
};
use crate::types::{AppError, FieldErrors, Viewer, format_pence_plain};

/// The checks that need the database: CPV codes exist, and a call-off names
/// a framework the council may use, one of its lots, and only suppliers
/// with an active place on it. Returns the (framework, lot) called off.
async fn check(
    db: &DatabaseConnection,
    council: &organisation::Model,
    details: &ContractDetails,
    current_suppliers: &[Uuid],
) -> Result<Option<(framework::Model, lot::Model)>, FormError> {
    let mut errors = FieldErrors::default();
    cpv::check_known(db, &mut errors, field::CPV_CODES, &details.cpv_codes).await?;
    // A pick is a trusted record, or one the contract already names.
    let picked = supplier::Entity::find()
        .filter(supplier::Column::Id.is_in(details.supplier_ids.clone()))
        .all(db)
        .await?;
    let pickable = |s: &supplier::Model| {
        Verification::parse(&s.verification).is_some_and(Verification::is_trusted)
            || current_suppliers.contains(&s.id)
    };
    if picked.len() != details.supplier_ids.len() || !picked.iter().all(pickable) {
        errors.add(field::SUPPLIER_IDS, "Select suppliers from the list");
    }
    let mut call_off = None;
    if let Some(named) = &details.call_off {
        let (reference, lot_number) = (
            named.framework_reference.as_str(),
            named.lot_number.as_str(),
        );
        let found = framework::Entity::find()
            .filter(framework::Column::Reference.eq(reference))
            .one(db)
            .await?;
        match found {
            None if reference.is_empty() => errors.add(
                field::FRAMEWORK_REFERENCE,
                "Enter the framework reference, or leave the lot number empty",
            ),
            None => errors.add(
                field::FRAMEWORK_REFERENCE,
                format!("There is no framework with the reference {reference} in the catalogue"),
            ),
            Some(f) if !council_may_use(db, &f, council).await? => {
                errors.add(
                    field::FRAMEWORK_REFERENCE,
                    format!(
                        "{} cannot use framework {}: check who may use it on the framework's page",
                        council.short_name, f.reference
                    ),
                );
            }
            Some(f) => {
                let found_lot = lot::Entity::find()
                    .filter(lot::Column::FrameworkId.eq(f.id))
                    .filter(lot::Column::Number.eq(lot_number))
                    .one(db)
                    .await?;
                match found_lot {
                    None if lot_number.is_empty() => {
                        errors.add(field::LOT_NUMBER, "Enter the lot number")
                    }
                    None => errors.add(
                        field::LOT_NUMBER,
                        format!("Framework {} has no lot {lot_number}", f.reference),
                    ),
                    Some(l) => {
                        // Every supplier must hold an active place on the lot.
                        let places = lot_supplier::Entity::find()
                            .filter(lot_supplier::Column::LotId.eq(l.id))
                            .filter(lot_supplier::Column::Status.eq(PlaceStatus::Active.as_str()))
                            .all(db)
                            .await?;
                        let on_lot =
                            supplier::Entity::find()
                                .filter(supplier::Column::Id.is_in(
                                    places.iter().map(|p| p.supplier_id).collect::<Vec<_>>(),
                                ))
                                .all(db)
                                .await?;
                        let not_on_lot = |name: &str| {
                            format!(
                                "{name} does not hold an active place on lot {} of {}",
                                l.number, f.reference
                            )
                        };
                        if let Some(missing) = picked
                            .iter()
                            .find(|s| !places.iter().any(|p| p.supplier_id == s.id))
                        {
                            errors.add(field::SUPPLIER_IDS, not_on_lot(&missing.name));
                        }
                        if let Some(missing) = details.suppliers.iter().find(|name| {
                            let wanted = normalise_supplier_name(name);
                            !on_lot.iter().any(|s| s.normalised_name == wanted)
                        }) {
                            errors.add(field::SUPPLIERS, not_on_lot(missing));
                        }
                        call_off = Some((f, l));
                    }
                }
            }
        }
    }
    errors.into_result()?;
    Ok(call_off)
}

async fn council_for_change<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Viewer>,
    council_id: Uuid,
) -> Result<organisation::Model, AppError> {
    // `require` answers Unauthenticated for nobody, Forbidden for the wrong person.
    require(
        actor,
        Permission::ManageContracts,
        Resource::Council(council_id),
    )?;
    organisation::Entity::find_by_id(council_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Council".into()))
}

/// The council with this GSS code, after checking the actor acts for it.
pub async fn council_by_gss(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    gss: &str,
) -> Result<organisation::Model, AppError> {
    council_acting_for(db, actor, gss, Permission::ManageContracts).await
}

/// The council with this GSS code, after checking the actor holds
/// `permission` for it (nobody signed in is asked to sign in first; an
/// unknown code is not found).
pub(crate) async fn council_acting_for(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    gss: &str,
    permission: Permission,
) -> Result<organisation::Model, AppError> {
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let council = organisation::Entity::find()
        .filter(organisation::Column::GssCode.eq(gss))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Council".into()))?;
    require(Some(actor), permission, Resource::Council(council.id))?;
    Ok(council)
}

fn contract_json(model: &contract::Model, suppliers: &[Uuid], cpv: &[String]) -> Value {
    json!({
        "title": model.title,
        "description": model.description,
        "value_pence": model.value_pence,
        "start_date": model.start_date.map(|d| d.to_string()),
        "end_date": model.end_date.map(|d| d.to_string()),
        "max_extension_end": model.max_extension_end.map(|d| d.to_string()),
        "framework_id": model.framework_id,
        "lot_id": model.lot_id,
        "suppliers": suppliers,
        "cpv_codes": cpv,
    })
}

fn apply(
    model: &mut contract::ActiveModel,
    details: &ContractDetails,
    call_off: &Option<(framework::Model, lot::Model)>,
) {
    model.title = Set(details.title.clone());
    model.description = Set(details.description.clone());
    model.value_pence = Set(Some(details.value_pence));
    model.start_date = Set(Some(details.term.start));
    model.end_date = Set(Some(details.term.end));
    model.max_extension_end = Set(details.term.max_extension_end);
    model.framework_id = Set(call_off.as_ref().map(|(f, _)| f.id));
    model.lot_id = Set(call_off.as_ref().map(|(_, l)| l.id));
    model.updated_at = Set(OffsetDateTime::now_utc());
}

/// The suppliers a contract names, and those of them that were new records.
struct ContractSuppliers {
    ids: Vec<Uuid>,
    created: Vec<Value>,
}

/// Writes the contract's suppliers and CPV codes.
async fn replace_links<C: ConnectionTrait>(
    db: &C,
    contract_id: Uuid,
    details: &ContractDetails,
) -> Result<ContractSuppliers, sea_orm::DbErr> {
    // Picks first (checked by `check`), then the typed names.
    let mut supplier_ids = details.supplier_ids.clone();
    let mut created = Vec::new();
    for name in &details.suppliers {
        let found =
            supplier_identity::find_or_create(db, name, None, Uuid::new_v4(), false).await?;
        created.extend(found.created);
        if !supplier_ids.contains(&found.id) {
            supplier_ids.push(found.id);
        }
    }
    let suppliers = supplier_ids
        .iter()
        .map(|id| contract_supplier::ActiveModel {
            contract_id: Set(contract_id),
            supplier_id: Set(*id),
        });
    replace_linked(
        db,
        contract_supplier::Column::ContractId,
        contract_id,
        suppliers.collect(),
    )
    .await?;
    let codes = details
        .cpv_codes
        .iter()
        .map(|code| contract_cpv::ActiveModel {
            contract_id: Set(contract_id),
            cpv_code: Set(code.clone()),
        });
    replace_linked(
        db,
        contract_cpv::Column::ContractId,
        contract_id,
        codes.collect(),
    )
    .await?;
    Ok(ContractSuppliers {
        ids: supplier_ids,
        created,
    })
}

/// Adds a contract to the council's register; returns its id.
pub async fn create(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    gss: String,
    details: ContractDetails,
) -> Result<Uuid, FormError> {
    let council = council_by_gss(db, actor, &gss).await?;
    let call_off = check(db, &council, &details, &[]).await?;
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let mut model = contract::ActiveModel {
        id: Set(id),
        buyer_organisation_id: Set(council.id),
        currency: Set("GBP".to_owned()),
        source: Set(ContractSource::Register.as_str().to_owned()),
        source_id: Set(None),
        ocid: Set(None),
        raw_provenance: Set(None),
        is_demo: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut model, &details, &call_off);
    let txn = crate::server::db::begin_write(db).await?;
    let created = model.insert(&txn).await?;
    contract_buyer::ActiveModel {
        contract_id: Set(id),
        organisation_id: Set(council.id),
    }
    .insert(&txn)
    .await?;
    let suppliers = replace_links(&txn, id, &details).await?;
    let mut after = contract_json(&created, &suppliers.ids, &details.cpv_codes);
    after["new_suppliers"] = Value::Array(suppliers.created);
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("contract.created", "contract", id)
            .after(after)
            .reindex(DocumentKind::Contract, [id])
            .reindex(DocumentKind::Supplier, suppliers.ids),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

async fn contract_for_change(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<(contract::Model, organisation::Model), AppError> {
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let found = contract::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Contract".into()))?;
    let council = council_for_change(db, Some(actor), found.buyer_organisation_id).await?;
    Ok((found, council))
}

/// The council a contract belongs to (name, GSS code), after the permission check.
pub async fn contract_council(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<(String, String), AppError> {
    let (_, council) = contract_for_change(db, actor, id).await?;
    Ok((council.short_name, council.gss_code.unwrap_or_default()))
}

async fn links_of<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<(Vec<Uuid>, Vec<String>), sea_orm::DbErr> {
    let suppliers = linked(
        db,
        contract_supplier::Entity,
        contract_supplier::Column::ContractId,
        id,
        |s| s.supplier_id,
    )
    .await?;
    let cpv = linked(
        db,
        contract_cpv::Entity,
        contract_cpv::Column::ContractId,
        id,
        |c| c.cpv_code,
    )
    .await?;
    Ok((suppliers, cpv))
}

pub async fn form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let (found, _) = contract_for_change(db, actor, id).await?;
    let (supplier_ids, cpv) = links_of(db, id).await?;
    let (reference, lot_number) = match (found.framework_id, found.lot_id) {
        (Some(f), Some(l)) => (
            framework::Entity::find_by_id(f)
                .one(db)
                .await?
                .map(|f| f.reference)
                .unwrap_or_default(),
            lot::Entity::find_by_id(l)
                .one(db)
                .await?
                .map(|l| l.number)
                .unwrap_or_default(),
        ),
        _ => (String::new(), String::new()),
    };
    let mut values = commands::pairs([
        (field::TITLE, found.title),
        (field::DESCRIPTION, found.description.unwrap_or_default()),
        (field::CPV_CODES, cpv.join(", ")),
        (
            field::VALUE,
            found
                .value_pence
                .map(format_pence_plain)
                .unwrap_or_default(),
        ),
        (field::FRAMEWORK_REFERENCE, reference),
        (field::LOT_NUMBER, lot_number),
    ]);
    values.extend(
        supplier_ids
            .iter()
            .map(|id| (field::SUPPLIER_IDS.to_owned(), id.to_string())),
    );
    Term::values(
        &mut values,
        found.start_date,
        found.end_date,
        found.max_extension_end,
    );
    Ok(values)
}

pub async fn update(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    details: ContractDetails,
) -> Result<(), FormError> {
    let (before, council) = contract_for_change(db, actor, id).await?;
    let (before_suppliers, before_cpv) = links_of(db, id).await?;
    let call_off = check(db, &council, &details, &before_suppliers).await?;
    let mut model: contract::ActiveModel = before.clone().into();
    apply(&mut model, &details, &call_off);
    let txn = crate::server::db::begin_write(db).await?;
    // Suppliers dropped from the contract need their documents rebuilt too.
    let touched = affected::contract(&txn, id).await?;
    let updated = model.update(&txn).await?;
    let suppliers = replace_links(&txn, id, &details).await?;
    let mut after = contract_json(&updated, &suppliers.ids, &details.cpv_codes);
    after["new_suppliers"] = Value::Array(suppliers.created);
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("contract.updated", "contract", id)
            .before(contract_json(&before, &before_suppliers, &before_cpv))
            .after(after)
            .touching(touched)
            .reindex(DocumentKind::Supplier, suppliers.ids),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
