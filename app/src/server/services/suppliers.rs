//! Supplier organisations looking after themselves: registering one and
//! changing its profile. Colleagues are in [`super::colleagues`], offers in
//! [`super::offers`]. A supplier editor acts only for their own supplier.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::accounts;
use super::supplier_identity::normalise_supplier_name;
use crate::server::auth::{Permission, Resource, may, require};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{organisation, supplier};
use crate::server::form::{FormError, field_error, unique_field};
use crate::types::commands::{self, SupplierProfile, Verification, supplier as field};
use crate::types::{AppError, FormOption, Role, SupplierFormOptions, Viewer};

/// Regions and nations a supplier can be based in.
pub async fn supplier_form_options<C: ConnectionTrait>(
    db: &C,
) -> Result<SupplierFormOptions, AppError> {
    let orgs = organisation::Entity::find()
        .filter(organisation::Column::Category.eq(organisation::CATEGORY_COUNCIL))
        .all(db)
        .await?;
    let mut places: Vec<String> = orgs
        .iter()
        .map(|o| match &o.region {
            Some(region) if o.nation == "England" => region.clone(),
            _ => o.nation.clone(),
        })
        .collect();
    places.sort();
    places.dedup();
    Ok(SupplierFormOptions {
        regions: places
            .into_iter()
            .map(|p| FormOption {
                value: p.clone(),
                label: p,
            })
            .collect(),
    })
}

/// The region must be one the form offers.
fn check_region(profile: &SupplierProfile, options: &SupplierFormOptions) -> Result<(), FormError> {
    match &profile.region {
        Some(region) if !options.regions.iter().any(|o| &o.value == region) => {
            Err(field_error(field::REGION, "Select a region from the list"))
        }
        _ => Ok(()),
    }
}

pub(crate) fn supplier_json(model: &supplier::Model) -> Value {
    json!({
        "name": model.name,
        "verification": model.verification,
        "companies_house_number": model.companies_house_number,
        "claimed_companies_house_number": model.claimed_companies_house_number,
        "vat_number": model.vat_number,
        "is_sme": model.is_sme,
        "is_vcse": model.is_vcse,
        "region": model.region,
        "website": model.website,
        "description": model.description,
    })
}

/// Writes the profile. `vouched` says whether the number goes in the number
/// column (the record is listed or verified, and stays so) or is only
/// claimed (an unverified record's).
fn apply_supplier(model: &mut supplier::ActiveModel, input: SupplierProfile, vouched: bool) {
    model.normalised_name = Set(normalise_supplier_name(&input.name));
    model.name = Set(input.name);
    if vouched {
        model.companies_house_number = Set(input.companies_house_number);
        model.claimed_companies_house_number = Set(None);
    } else {
        model.companies_house_number = Set(None);
        model.claimed_companies_house_number = Set(input.companies_house_number);
        model.verification = Set(Verification::Unverified.as_str().to_owned());
    }
    model.vat_number = Set(input.vat_number);
    model.is_sme = Set(input.is_sme);
    model.is_vcse = Set(input.is_vcse);
    model.region = Set(input.region);
    model.website = Set(input.website);
    model.description = Set(input.description);
    model.updated_at = Set(OffsetDateTime::now_utc());
}

/// The database keeps Companies House numbers unique; its refusal becomes
/// the form's message (no check-then-insert race).
const NUMBER_TAKEN: fn(sea_orm::DbErr) -> FormError = |error| {
    unique_field(
        "supplier_companies_house_number",
        field::COMPANIES_HOUSE_NUMBER,
        "Another supplier record has this Companies House number: merge the two records instead",
    )(error)
};

/// A listed or verified record already holding `number`: someone
/// registering it should ask for access to that record instead.
async fn listed_with_number<C: ConnectionTrait>(
    db: &C,
    number: Option<&str>,
) -> Result<Option<supplier::Model>, sea_orm::DbErr> {
    let Some(number) = number else {
        return Ok(None);
    };
    supplier::Entity::find()
        .filter(supplier::Column::CompaniesHouseNumber.eq(number))
        .one(db)
        .await
}

fn already_listed(existing: &supplier::Model) -> FormError {
    field_error(
        field::COMPANIES_HOUSE_NUMBER,
        format!(
            "{} is already listed with this Companies House number: open its page under Suppliers and ask for access",
            existing.name
        ),
    )
}

/// Registers a new supplier as an unverified claim (its number only
/// claimed) until a platform admin verifies it; the person registering
/// becomes its editor. A number a listed or verified record holds is
/// refused: its staff ask that record's editors (or an admin) for access.
pub async fn register(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    profile: SupplierProfile,
) -> Result<Uuid, FormError> {
    require(actor, Permission::RegisterSupplier, Resource::Platform)?;
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let options = supplier_form_options(db).await?;
    check_region(&profile, &options)?;
    if let Some(existing) =
        listed_with_number(db, profile.companies_house_number.as_deref()).await?
    {
        return Err(already_listed(&existing));
    }
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let mut model = supplier::ActiveModel {
        id: Set(id),
        is_demo: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    apply_supplier(&mut model, profile, false);
    let txn = crate::server::db::begin_write(db).await?;
    let created = model.insert(&txn).await?;
    // The registrant becomes its first editor, recorded in the same event.
    let membership =
        accounts::add_membership(&txn, actor.user_id, Role::SupplierEditor, Some(id)).await?;
    let mut after = supplier_json(&created);
    after["first_editor"] = membership.unwrap_or_default();
    changes::record(
        &txn,
        Actor::Person(actor.user_id),
        Change::new("supplier.registered", "supplier", id)
            .after(after)
            .reindex(DocumentKind::Supplier, [id]),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The supplier, after checking the actor edits it.
pub(crate) async fn supplier_for_change<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<supplier::Model, AppError> {
    // `require` answers Unauthenticated for nobody, Forbidden for the wrong person.
    require(actor, Permission::ManageSupplier, Resource::Supplier(id))?;
    supplier::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Supplier".into()))
}

/// The supplier's name, after the permission check (for form headings).
pub async fn heading(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<String, AppError> {
    Ok(supplier_for_change(db, actor, id).await?.name)
}

/// The profile form's values for changing supplier `id`.
pub async fn form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let found = supplier_for_change(db, actor, id).await?;
    let mut values = commands::pairs([
        (field::NAME, found.name),
        (
            field::COMPANIES_HOUSE_NUMBER,
            found
                .companies_house_number
                .or(found.claimed_companies_house_number)
                .unwrap_or_default(),
        ),
        (field::VAT_NUMBER, found.vat_number.unwrap_or_default()),
        (field::REGION, found.region.unwrap_or_default()),
        (field::WEBSITE, found.website.unwrap_or_default()),
        (field::DESCRIPTION, found.description.unwrap_or_default()),
    ]);
    if found.is_sme {
        values.push((field::FLAGS.to_owned(), field::SME.to_owned()));
    }
    if found.is_vcse {
        values.push((field::FLAGS.to_owned(), field::VCSE.to_owned()));
    }
    Ok(values)
}

/// Changes a supplier's profile; every document showing its name is queued.
/// Verification vouches for a name and a number: when an editor (not an
/// admin) changes either on a listed or verified record, it becomes an
/// unverified claim again, so a checked record cannot be turned into
/// another company's.
pub async fn update(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    profile: SupplierProfile,
) -> Result<(), FormError> {
    let before = supplier_for_change(db, actor, id).await?;
    let options = supplier_form_options(db).await?;
    check_region(&profile, &options)?;
    let was_trusted =
        Verification::parse(&before.verification).is_some_and(Verification::is_trusted);
    let identity_kept = normalise_supplier_name(&profile.name) == before.normalised_name
        && profile.companies_house_number == before.companies_house_number;
    let curator = may(actor, Permission::CurateSuppliers, Resource::Platform);
    let vouched = was_trusted && (identity_kept || curator);
    if !vouched
        && let Some(existing) =
            listed_with_number(db, profile.companies_house_number.as_deref()).await?
        && existing.id != id
    {
        return Err(already_listed(&existing));
    }
    let mut model: supplier::ActiveModel = before.clone().into();
    apply_supplier(&mut model, profile, vouched);
    let txn = crate::server::db::begin_write(db).await?;
    let after = model.update(&txn).await.map_err(NUMBER_TAKEN)?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("supplier.updated", "supplier", id)
            .before(supplier_json(&before))
            .after(supplier_json(&after))
            .touching(affected::supplier(&txn, id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
