//! Suppliers looking after themselves: registering an organisation, editing
//! its profile, adding colleagues, and listing offers (service definitions).
//! A supplier editor acts only for their own supplier, and an offer can only
//! name lots on which a coordinator has recorded that supplier as active.
use super::linked;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::accounts;
use super::catalogue_editing::check_cpv_codes;
use super::demo_catalogue::normalise_supplier_name;
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{
    app_user, footprint, framework, lot, lot_supplier, membership, offer, offer_cpv,
    offer_footprint, offer_lot, organisation, supplier,
};
use crate::server::form::{FormError, field_error, unique_field};
use crate::server::validate::{self, Fields};
use crate::types::choices::{OFFER_STATUSES, PRICING_MODELS};
use crate::types::{
    AppError, FieldErrors, FormOption, OfferFormOptions, Role, SupplierFormOptions, Viewer,
};

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

struct SupplierInput {
    name: String,
    companies_house_number: Option<String>,
    vat_number: Option<String>,
    is_sme: bool,
    is_vcse: bool,
    region: Option<String>,
    website: Option<String>,
    description: Option<String>,
}

/// UK VAT numbers: GB then 9 or 12 digits ("GB" optional when typing).
fn vat_number(errors: &mut FieldErrors, value: &str) -> Option<String> {
    let cleaned: String = value
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let digits = cleaned.strip_prefix("GB").unwrap_or(&cleaned);
    if !(digits.len() == 9 || digits.len() == 12) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        errors.add(
            "vat_number",
            "Enter a VAT number in the correct format, like GB123456789",
        );
    }
    Some(format!("GB{digits}"))
}

fn check_supplier(
    fields: &Fields<'_>,
    options: &SupplierFormOptions,
) -> Result<SupplierInput, FormError> {
    let mut errors = FieldErrors::default();
    let name = validate::required(
        &mut errors,
        "name",
        fields.text("name"),
        "the organisation's name",
        300,
    );
    let companies_house_number = validate::companies_house_number(
        &mut errors,
        "companies_house_number",
        fields.text("companies_house_number"),
    );
    let vat_number = vat_number(&mut errors, fields.text("vat_number"));
    let flags = fields.all("flags");
    if flags.iter().any(|f| f != "sme" && f != "vcse") {
        errors.add("flags", "Select from the list");
    }
    let region = match fields.text("region") {
        "" => None,
        r if options.regions.iter().any(|o| o.value == r) => Some(r.to_owned()),
        _ => {
            errors.add("region", "Select a region from the list");
            None
        }
    };
    let website = validate::url(
        &mut errors,
        "website",
        fields.text("website"),
        "the website address",
        300,
    );
    let description = validate::optional(
        &mut errors,
        "description",
        fields.text("description"),
        "the description",
        5000,
    );
    errors.into_result()?;
    Ok(SupplierInput {
        name,
        companies_house_number,
        vat_number,
        is_sme: flags.iter().any(|f| f == "sme"),
        is_vcse: flags.iter().any(|f| f == "vcse"),
        region,
        website,
        description,
    })
}

fn supplier_json(model: &supplier::Model) -> Value {
    json!({
        "name": model.name,
        "companies_house_number": model.companies_house_number,
        "vat_number": model.vat_number,
        "is_sme": model.is_sme,
        "is_vcse": model.is_vcse,
        "region": model.region,
        "website": model.website,
        "description": model.description,
    })
}

fn apply_supplier(model: &mut supplier::ActiveModel, input: SupplierInput) {
    model.normalised_name = Set(normalise_supplier_name(&input.name));
    model.name = Set(input.name);
    model.companies_house_number = Set(input.companies_house_number);
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
        "companies_house_number",
        "A supplier with this Companies House number is already registered: ask a colleague there to add you",
    )(error)
};

/// Registers a new supplier; the person registering becomes its editor.
pub async fn register_supplier(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    form: &[(String, String)],
) -> Result<Uuid, FormError> {
    require(actor, Permission::RegisterSupplier, Resource::Platform)?;
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let options = supplier_form_options(db).await?;
    let input = check_supplier(&Fields(form), &options)?;
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let mut model = supplier::ActiveModel {
        id: Set(id),
        is_demo: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    apply_supplier(&mut model, input);
    let txn = db.begin().await?;
    let created = model.insert(&txn).await.map_err(NUMBER_TAKEN)?;
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

async fn supplier_for_change<C: ConnectionTrait>(
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
pub async fn supplier_heading(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<String, AppError> {
    Ok(supplier_for_change(db, actor, id).await?.name)
}

pub async fn supplier_form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let found = supplier_for_change(db, actor, id).await?;
    let mut values = vec![
        ("name".to_owned(), found.name),
        (
            "companies_house_number".to_owned(),
            found.companies_house_number.unwrap_or_default(),
        ),
        (
            "vat_number".to_owned(),
            found.vat_number.unwrap_or_default(),
        ),
        ("region".to_owned(), found.region.unwrap_or_default()),
        ("website".to_owned(), found.website.unwrap_or_default()),
        (
            "description".to_owned(),
            found.description.unwrap_or_default(),
        ),
    ];
    if found.is_sme {
        values.push(("flags".to_owned(), "sme".to_owned()));
    }
    if found.is_vcse {
        values.push(("flags".to_owned(), "vcse".to_owned()));
    }
    Ok(values)
}

pub async fn update_supplier(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    form: &[(String, String)],
) -> Result<(), FormError> {
    let before = supplier_for_change(db, actor, id).await?;
    let options = supplier_form_options(db).await?;
    let input = check_supplier(&Fields(form), &options)?;
    let mut model: supplier::ActiveModel = before.clone().into();
    apply_supplier(&mut model, input);
    let txn = db.begin().await?;
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

/// Gives a colleague (who already has an account) editor rights.
pub async fn add_colleague(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    form: &[(String, String)],
) -> Result<(), FormError> {
    supplier_for_change(db, actor, id).await?;
    let mut errors = FieldErrors::default();
    let email = validate::email(&mut errors, "email", Fields(form).text("email"));
    errors.into_result()?;
    let Some(colleague) = app_user::Entity::find()
        .filter(app_user::Column::Email.eq(email))
        .one(db)
        .await?
    else {
        return Err(field_error(
            "email",
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
pub async fn colleague_heading(
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
pub async fn remove_colleague(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    (supplier_id, user_id): (Uuid, Uuid),
    _form: &[(String, String)],
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

/// The lots an offer may name: those where the supplier holds an active place.
async fn offerable_lots<C: ConnectionTrait>(
    db: &C,
    supplier_id: Uuid,
) -> Result<Vec<FormOption>, sea_orm::DbErr> {
    let places = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::SupplierId.eq(supplier_id))
        .filter(lot_supplier::Column::Status.eq("active"))
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

pub async fn offer_form_options(
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

struct OfferInput {
    title: String,
    summary: String,
    description: Option<String>,
    features: Option<String>,
    benefits: Option<String>,
    pricing_model: String,
    price_pence: Option<i64>,
    price_unit: Option<String>,
    accessibility_notes: Option<String>,
    open_standards_notes: Option<String>,
    status: String,
    cpv_codes: Vec<String>,
    lots: Vec<Uuid>,
    footprints: Vec<Uuid>,
}

async fn check_offer(
    db: &DatabaseConnection,
    fields: &Fields<'_>,
    options: &OfferFormOptions,
) -> Result<OfferInput, FormError> {
    let mut errors = FieldErrors::default();
    let title = validate::required(
        &mut errors,
        "title",
        fields.text("title"),
        "the offer's title",
        300,
    );
    let summary = validate::required(
        &mut errors,
        "summary",
        fields.text("summary"),
        "a summary",
        1000,
    );
    let description = validate::optional(
        &mut errors,
        "description",
        fields.text("description"),
        "the description",
        10_000,
    );
    let features = validate::optional(
        &mut errors,
        "features",
        fields.text("features"),
        "the features",
        5000,
    );
    let benefits = validate::optional(
        &mut errors,
        "benefits",
        fields.text("benefits"),
        "the benefits",
        5000,
    );
    let pricing_model = fields.text("pricing_model").to_owned();
    if !PRICING_MODELS.iter().any(|(v, _)| *v == pricing_model) {
        errors.add("pricing_model", "Select how the offer is priced");
    }
    let price_pence = validate::money(&mut errors, "price", fields.text("price"), "Price");
    let priced = !matches!(pricing_model.as_str(), "free" | "on_application" | "");
    if priced && price_pence.is_none() && !errors.has("price") {
        errors.add("price", "Enter the price");
    }
    let price_unit = validate::optional(
        &mut errors,
        "price_unit",
        fields.text("price_unit"),
        "the price unit",
        64,
    );
    let accessibility_notes = validate::optional(
        &mut errors,
        "accessibility_notes",
        fields.text("accessibility_notes"),
        "the accessibility notes",
        5000,
    );
    let open_standards_notes = validate::optional(
        &mut errors,
        "open_standards_notes",
        fields.text("open_standards_notes"),
        "the open standards notes",
        5000,
    );
    let status = fields.text("status").to_owned();
    if !OFFER_STATUSES.iter().any(|(v, _)| *v == status) {
        errors.add("status", "Select whether to publish the offer");
    }
    let cpv_codes = check_cpv_codes(db, &mut errors, "cpv_codes", fields.text("cpv_codes")).await?;
    if cpv_codes.is_empty() && !errors.has("cpv_codes") {
        errors.add("cpv_codes", "Enter at least one CPV code, like 72000000");
    }
    let mut lots = Vec::new();
    for value in fields.all("lots") {
        // Only lots a coordinator recorded this supplier on, as active.
        match options
            .lots
            .iter()
            .find(|o| o.value == value)
            .and_then(|o| o.value.parse().ok())
        {
            Some(id) => lots.push(id),
            None => errors.add(
                "lots",
                "Select only lots your organisation holds an active place on",
            ),
        }
    }
    let mut footprints = Vec::new();
    for value in fields.all("footprints") {
        match options
            .footprints
            .iter()
            .find(|o| o.value == value)
            .and_then(|o| o.value.parse().ok())
        {
            Some(id) => footprints.push(id),
            None => errors.add("footprints", "Select footprints from the list"),
        }
    }
    errors.into_result()?;
    Ok(OfferInput {
        title,
        summary,
        description,
        features,
        benefits,
        pricing_model,
        price_pence: if priced { price_pence } else { None },
        price_unit,
        accessibility_notes,
        open_standards_notes,
        status,
        cpv_codes,
        lots,
        footprints,
    })
}

fn offer_json(model: &offer::Model, cpv: &[String], lots: &[Uuid], footprints: &[Uuid]) -> Value {
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
    input: &OfferInput,
) -> Result<(), sea_orm::DbErr> {
    offer_cpv::Entity::delete_many()
        .filter(offer_cpv::Column::OfferId.eq(offer_id))
        .exec(db)
        .await?;
    offer_lot::Entity::delete_many()
        .filter(offer_lot::Column::OfferId.eq(offer_id))
        .exec(db)
        .await?;
    offer_footprint::Entity::delete_many()
        .filter(offer_footprint::Column::OfferId.eq(offer_id))
        .exec(db)
        .await?;
    for code in &input.cpv_codes {
        offer_cpv::ActiveModel {
            offer_id: Set(offer_id),
            cpv_code: Set(code.clone()),
        }
        .insert(db)
        .await?;
    }
    for lot_id in &input.lots {
        offer_lot::ActiveModel {
            offer_id: Set(offer_id),
            lot_id: Set(*lot_id),
        }
        .insert(db)
        .await?;
    }
    for footprint_id in &input.footprints {
        offer_footprint::ActiveModel {
            offer_id: Set(offer_id),
            footprint_id: Set(*footprint_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

fn apply_offer(model: &mut offer::ActiveModel, input: &OfferInput) {
    model.title = Set(input.title.clone());
    model.summary = Set(input.summary.clone());
    model.description = Set(input.description.clone());
    model.features = Set(input.features.clone());
    model.benefits = Set(input.benefits.clone());
    model.pricing_model = Set(Some(input.pricing_model.clone()));
    model.price_pence = Set(input.price_pence);
    model.price_unit = Set(input.price_unit.clone());
    model.accessibility_notes = Set(input.accessibility_notes.clone());
    model.open_standards_notes = Set(input.open_standards_notes.clone());
    model.status = Set(input.status.clone());
    model.updated_at = Set(OffsetDateTime::now_utc());
}

pub async fn create_offer(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    supplier_id: Uuid,
    form: &[(String, String)],
) -> Result<Uuid, FormError> {
    let options = offer_form_options(db, actor, supplier_id).await?;
    let input = check_offer(db, &Fields(form), &options).await?;
    let id = Uuid::new_v4();
    let mut model = offer::ActiveModel {
        id: Set(id),
        supplier_id: Set(supplier_id),
        is_demo: Set(false),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    };
    apply_offer(&mut model, &input);
    let txn = db.begin().await?;
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
) -> Result<(offer::Model, Vec<String>, Vec<Uuid>, Vec<Uuid>), AppError> {
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let found = offer::Entity::find_by_id(id)
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

pub async fn offer_form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let (found, cpv, lots, footprints) = offer_for_change(db, actor, id).await?;
    let mut values = vec![
        ("title".to_owned(), found.title),
        ("summary".to_owned(), found.summary),
        (
            "description".to_owned(),
            found.description.unwrap_or_default(),
        ),
        ("features".to_owned(), found.features.unwrap_or_default()),
        ("benefits".to_owned(), found.benefits.unwrap_or_default()),
        (
            "pricing_model".to_owned(),
            found.pricing_model.unwrap_or_default(),
        ),
        (
            "price".to_owned(),
            found
                .price_pence
                .map(crate::types::format_pence_plain)
                .unwrap_or_default(),
        ),
        (
            "price_unit".to_owned(),
            found.price_unit.unwrap_or_default(),
        ),
        (
            "accessibility_notes".to_owned(),
            found.accessibility_notes.unwrap_or_default(),
        ),
        (
            "open_standards_notes".to_owned(),
            found.open_standards_notes.unwrap_or_default(),
        ),
        ("status".to_owned(), found.status),
        ("cpv_codes".to_owned(), cpv.join(", ")),
    ];
    values.extend(lots.into_iter().map(|l| ("lots".to_owned(), l.to_string())));
    values.extend(
        footprints
            .into_iter()
            .map(|f| ("footprints".to_owned(), f.to_string())),
    );
    Ok(values)
}

pub async fn update_offer(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    form: &[(String, String)],
) -> Result<Uuid, FormError> {
    let (before, cpv, lots, footprints) = offer_for_change(db, actor, id).await?;
    let mut options = offer_form_options(db, actor, before.supplier_id).await?;
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
    let input = check_offer(db, &Fields(form), &options).await?;
    let mut model: offer::ActiveModel = before.clone().into();
    apply_offer(&mut model, &input);
    let txn = db.begin().await?;
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
