//! A council's contract register: council buyers add and change their own
//! council's contracts, including call-offs from a framework lot. A call-off
//! must name a lot the council may use, and suppliers who hold a place on it.
use super::linked;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::catalogue_editing::{
    ALL_UK_PUBLIC_SECTOR, check_cpv_codes, eligibility_of, find_or_create_supplier,
};
use super::demo_catalogue::normalise_supplier_name;
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{
    contract, contract_cpv, contract_supplier, footprint, footprint_member, framework, lot,
    lot_supplier, organisation, supplier,
};
use crate::server::form::FormError;
use crate::server::validate::{self, Fields};
use crate::types::{AppError, FieldErrors, Viewer, format_pence_plain};

/// Contracts entered through the register (imports use their own source names).
pub const SOURCE_REGISTER: &str = "register";

struct ContractInput {
    title: String,
    description: Option<String>,
    suppliers: Vec<String>,
    cpv_codes: Vec<String>,
    value_pence: i64,
    start_date: time::Date,
    end_date: time::Date,
    max_extension_end: Option<time::Date>,
    /// (framework, lot) for a call-off.
    call_off: Option<(framework::Model, lot::Model)>,
}

/// Codes of the footprints `council` belongs to.
pub async fn footprint_codes_of<C: ConnectionTrait>(
    db: &C,
    council_id: Uuid,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let ids: Vec<Uuid> = linked(
        db,
        footprint_member::Entity,
        footprint_member::Column::OrganisationId,
        council_id,
        |m| m.footprint_id,
    )
    .await?;
    Ok(footprint::Entity::find()
        .filter(footprint::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.code)
        .collect())
}

/// Whether one eligibility rule (`kind`, `value`) admits `council`, which
/// belongs to the footprints `footprint_codes`. The single statement of the
/// rule: the call-off check and the framework list's council filter use it.
pub fn eligibility_admits(
    kind: &str,
    value: &str,
    council: &organisation::Model,
    footprint_codes: &[String],
) -> bool {
    match kind {
        "buyer_type" => council.org_type == value,
        "region" => council.region.as_deref() == Some(value),
        "nation" => council.nation == value,
        "footprint" => footprint_codes.iter().any(|c| c == value),
        _ => false,
    }
}

/// Whether `council` may buy through `framework`, by its eligibility rules.
pub async fn council_may_use<C: ConnectionTrait>(
    db: &C,
    framework: &framework::Model,
    council: &organisation::Model,
) -> Result<bool, sea_orm::DbErr> {
    if framework.eligibility_scope == ALL_UK_PUBLIC_SECTOR {
        return Ok(true);
    }
    let rules = eligibility_of(db, framework.id).await?;
    let codes = footprint_codes_of(db, council.id).await?;
    Ok(rules
        .iter()
        .any(|(kind, value)| eligibility_admits(kind, value, council, &codes)))
}

async fn check_contract(
    db: &DatabaseConnection,
    council: &organisation::Model,
    fields: &Fields<'_>,
) -> Result<ContractInput, FormError> {
    let mut errors = FieldErrors::default();
    let title = validate::required(
        &mut errors,
        "title",
        fields.text("title"),
        "the contract title",
        500,
    );
    let description = validate::optional(
        &mut errors,
        "description",
        fields.text("description"),
        "the description",
        10_000,
    );
    let suppliers: Vec<String> = fields
        .text("suppliers")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if suppliers.is_empty() {
        errors.add("suppliers", "Enter the supplier's name");
    } else if suppliers.len() > 20 {
        errors.add("suppliers", "Enter 20 suppliers or fewer");
    } else if suppliers.iter().any(|s| s.chars().count() > 300) {
        errors.add(
            "suppliers",
            "Each supplier's name must be 300 characters or fewer",
        );
    }
    let cpv_codes = check_cpv_codes(db, &mut errors, "cpv_codes", fields.text("cpv_codes")).await?;
    if cpv_codes.is_empty() && !errors.has("cpv_codes") {
        errors.add("cpv_codes", "Enter at least one CPV code, like 72000000");
    }
    let value_pence = validate::money(&mut errors, "value", fields.text("value"), "Contract value");
    if value_pence.is_none() && !errors.has("value") {
        errors.add("value", "Enter the contract value");
    }
    let start_date = validate::date(&mut errors, fields, "start_date", "the start date", true);
    let end_date = validate::date(&mut errors, fields, "end_date", "the end date", true);
    let max_extension_end = validate::date(
        &mut errors,
        fields,
        "max_extension_end",
        "the latest extension date",
        false,
    );
    validate::not_before(
        &mut errors,
        "end_date",
        end_date,
        start_date,
        "The end date must be on or after the start date",
    );
    validate::not_before(
        &mut errors,
        "max_extension_end",
        max_extension_end,
        end_date,
        "The latest extension date must be on or after the end date",
    );

    let reference = fields.text("framework_reference");
    let lot_number = fields.text("lot_number");
    let mut call_off = None;
    if !reference.is_empty() || !lot_number.is_empty() {
        let found = framework::Entity::find()
            .filter(framework::Column::Reference.eq(reference))
            .one(db)
            .await?;
        match found {
            None if reference.is_empty() => errors.add(
                "framework_reference",
                "Enter the framework reference, or leave the lot number empty",
            ),
            None => errors.add(
                "framework_reference",
                format!("There is no framework with the reference {reference} in the catalogue"),
            ),
            Some(f) if !council_may_use(db, &f, council).await? => {
                errors.add(
                    "framework_reference",
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
                        errors.add("lot_number", "Enter the lot number")
                    }
                    None => errors.add(
                        "lot_number",
                        format!("Framework {} has no lot {lot_number}", f.reference),
                    ),
                    Some(l) => {
                        // Every supplier must hold an active place on the lot.
                        let places = lot_supplier::Entity::find()
                            .filter(lot_supplier::Column::LotId.eq(l.id))
                            .filter(lot_supplier::Column::Status.eq("active"))
                            .all(db)
                            .await?;
                        let on_lot =
                            supplier::Entity::find()
                                .filter(supplier::Column::Id.is_in(
                                    places.iter().map(|p| p.supplier_id).collect::<Vec<_>>(),
                                ))
                                .all(db)
                                .await?;
                        if let Some(missing) = suppliers.iter().find(|name| {
                            let wanted = normalise_supplier_name(name);
                            !on_lot.iter().any(|s| s.normalised_name == wanted)
                        }) {
                            errors.add(
                                "suppliers",
                                format!(
                                    "{missing} does not hold an active place on lot {} of {}",
                                    l.number, f.reference
                                ),
                            );
                        }
                        call_off = Some((f, l));
                    }
                }
            }
        }
    }
    errors.into_result()?;
    Ok(ContractInput {
        title,
        description,
        suppliers,
        cpv_codes,
        value_pence: value_pence.expect("checked"),
        start_date: start_date.expect("checked"),
        end_date: end_date.expect("checked"),
        max_extension_end,
        call_off,
    })
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
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let council = organisation::Entity::find()
        .filter(organisation::Column::GssCode.eq(gss))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Council".into()))?;
    council_for_change(db, Some(actor), council.id).await
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

fn apply(model: &mut contract::ActiveModel, input: &ContractInput) {
    model.title = Set(input.title.clone());
    model.description = Set(input.description.clone());
    model.value_pence = Set(Some(input.value_pence));
    model.start_date = Set(Some(input.start_date));
    model.end_date = Set(Some(input.end_date));
    model.max_extension_end = Set(input.max_extension_end);
    model.framework_id = Set(input.call_off.as_ref().map(|(f, _)| f.id));
    model.lot_id = Set(input.call_off.as_ref().map(|(_, l)| l.id));
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
    input: &ContractInput,
) -> Result<ContractSuppliers, sea_orm::DbErr> {
    contract_supplier::Entity::delete_many()
        .filter(contract_supplier::Column::ContractId.eq(contract_id))
        .exec(db)
        .await?;
    contract_cpv::Entity::delete_many()
        .filter(contract_cpv::Column::ContractId.eq(contract_id))
        .exec(db)
        .await?;
    let mut supplier_ids = Vec::new();
    let mut created = Vec::new();
    for name in &input.suppliers {
        let found = find_or_create_supplier(db, name, None).await?;
        created.extend(found.created);
        let id = found.id;
        if !supplier_ids.contains(&id) {
            supplier_ids.push(id);
            contract_supplier::ActiveModel {
                contract_id: Set(contract_id),
                supplier_id: Set(id),
            }
            .insert(db)
            .await?;
        }
    }
    for code in &input.cpv_codes {
        contract_cpv::ActiveModel {
            contract_id: Set(contract_id),
            cpv_code: Set(code.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(ContractSuppliers {
        ids: supplier_ids,
        created,
    })
}

/// Adds a contract to the council's register; returns its id.
pub async fn create_contract(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    gss: String,
    form: &[(String, String)],
) -> Result<Uuid, FormError> {
    let council = council_by_gss(db, actor, &gss).await?;
    let input = check_contract(db, &council, &Fields(form)).await?;
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let mut model = contract::ActiveModel {
        id: Set(id),
        buyer_organisation_id: Set(council.id),
        currency: Set("GBP".to_owned()),
        source: Set(SOURCE_REGISTER.to_owned()),
        source_id: Set(None),
        ocid: Set(None),
        raw_provenance: Set(None),
        is_demo: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut model, &input);
    let txn = db.begin().await?;
    let created = model.insert(&txn).await?;
    let suppliers = replace_links(&txn, id, &input).await?;
    let mut after = contract_json(&created, &suppliers.ids, &input.cpv_codes);
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

pub async fn contract_form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let (found, _) = contract_for_change(db, actor, id).await?;
    let (supplier_ids, cpv) = links_of(db, id).await?;
    let names: Vec<String> = supplier::Entity::find()
        .filter(supplier::Column::Id.is_in(supplier_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect();
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
    let mut values = vec![
        ("title".to_owned(), found.title),
        (
            "description".to_owned(),
            found.description.unwrap_or_default(),
        ),
        ("suppliers".to_owned(), names.join("\n")),
        ("cpv_codes".to_owned(), cpv.join(", ")),
        (
            "value".to_owned(),
            found
                .value_pence
                .map(format_pence_plain)
                .unwrap_or_default(),
        ),
        ("framework_reference".to_owned(), reference),
        ("lot_number".to_owned(), lot_number),
    ];
    validate::date_values(&mut values, "start_date", found.start_date);
    validate::date_values(&mut values, "end_date", found.end_date);
    validate::date_values(&mut values, "max_extension_end", found.max_extension_end);
    Ok(values)
}

pub async fn update_contract(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    form: &[(String, String)],
) -> Result<(), FormError> {
    let (before, council) = contract_for_change(db, actor, id).await?;
    let input = check_contract(db, &council, &Fields(form)).await?;
    let (before_suppliers, before_cpv) = links_of(db, id).await?;
    let mut model: contract::ActiveModel = before.clone().into();
    apply(&mut model, &input);
    let txn = db.begin().await?;
    // Suppliers dropped from the contract need their documents rebuilt too.
    let touched = affected::contract(&txn, id).await?;
    let updated = model.update(&txn).await?;
    let suppliers = replace_links(&txn, id, &input).await?;
    let mut after = contract_json(&updated, &suppliers.ids, &input.cpv_codes);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn council() -> organisation::Model {
        let now = OffsetDateTime::now_utc();
        organisation::Model {
            id: Uuid::nil(),
            gss_code: Some("E08000003".into()),
            register_code: None,
            name: "Manchester City Council".into(),
            short_name: "Manchester".into(),
            category: organisation::CATEGORY_COUNCIL.into(),
            org_type: "MD".into(),
            org_type_name: "Metropolitan district".into(),
            region: Some("North West".into()),
            nation: "England".into(),
            parent_county_id: None,
            start_date: None,
            end_date: None,
            website: None,
            population: None,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn each_kind_of_rule_admits_only_matching_councils() {
        let manchester = council();
        let codes = vec!["GMCA".to_owned()];
        assert!(eligibility_admits("buyer_type", "MD", &manchester, &codes));
        assert!(!eligibility_admits("buyer_type", "UA", &manchester, &codes));
        assert!(eligibility_admits(
            "region",
            "North West",
            &manchester,
            &codes
        ));
        assert!(!eligibility_admits("region", "London", &manchester, &codes));
        assert!(eligibility_admits("nation", "England", &manchester, &codes));
        assert!(!eligibility_admits("nation", "Wales", &manchester, &codes));
        assert!(eligibility_admits("footprint", "GMCA", &manchester, &codes));
        assert!(!eligibility_admits(
            "footprint",
            "WYCA",
            &manchester,
            &codes
        ));
        assert!(!eligibility_admits("footprint", "GMCA", &manchester, &[]));
        assert!(!eligibility_admits("unknown", "MD", &manchester, &codes));
    }
}
