//! Curating the catalogue: frameworks (with eligibility), their lots (with
//! CPV codes) and the suppliers on each lot. Every function checks the
//! actor's permission against the record first, validates the whole form,
//! then writes the change and its audit event in one transaction.
use super::linked;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::demo_catalogue::normalise_supplier_name;
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{
    contract, cpv_code, footprint, framework, framework_eligibility, lot, lot_cpv, lot_supplier,
    offer_lot, organisation, supplier,
};
use crate::server::form::{FormError, field_error, unique_field};
use crate::server::validate::{self, Fields};
use crate::types::choices::{LOT_SUPPLIER_STATUSES, ROUTES_TO_MARKET};
use crate::types::{
    AppError, FieldErrors, FormOption, FrameworkFormOptions, Role, Viewer, format_basis_points,
};

pub const ALL_UK_PUBLIC_SECTOR: &str = "all_uk_public_sector";
pub const LISTED_BUYERS: &str = "listed";

/// A validated framework form.
struct FrameworkInput {
    reference: String,
    title: String,
    owner_name: String,
    owner_organisation_id: Option<Uuid>,
    description: Option<String>,
    start_date: time::Date,
    end_date: time::Date,
    max_extension_end: Option<time::Date>,
    routes: Vec<String>,
    levy_basis_points: Option<i32>,
    eligibility_scope: String,
    eligibility: Vec<(String, String)>,
    url: Option<String>,
}

/// The bodies the viewer may file frameworks under, and the choices for eligibility.
pub async fn framework_form_options<C: ConnectionTrait>(
    db: &C,
    viewer: Option<&Viewer>,
) -> Result<FrameworkFormOptions, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthenticated)?;
    let admin = viewer.has_role(Role::PlatformAdmin);
    if !admin && !viewer.has_role(Role::FootprintCoordinator) {
        return Err(AppError::Forbidden);
    }
    let footprints = footprint::Entity::find()
        .order_by_asc(footprint::Column::Name)
        .all(db)
        .await?;
    let own_bodies: Vec<Uuid> = viewer
        .scopes(Role::FootprintCoordinator)
        .filter_map(|g| g.footprint_body_id)
        .collect();
    let owners = footprints
        .iter()
        .filter(|f| {
            f.organisation_id
                .is_some_and(|o| admin || own_bodies.contains(&o))
        })
        .map(|f| FormOption {
            value: f.organisation_id.unwrap_or_default().to_string(),
            label: f.name.clone(),
        })
        .collect();
    let councils = organisation::Entity::find()
        .filter(organisation::Column::Category.eq(organisation::CATEGORY_COUNCIL))
        .all(db)
        .await?;
    let mut buyer_types: Vec<FormOption> = councils
        .iter()
        .map(|o| FormOption {
            value: o.org_type.clone(),
            label: o.org_type_name.clone(),
        })
        .collect();
    buyer_types.sort_by(|a, b| a.label.cmp(&b.label));
    buyer_types.dedup();
    let mut regions: Vec<String> = councils.iter().filter_map(|o| o.region.clone()).collect();
    regions.sort();
    regions.dedup();
    Ok(FrameworkFormOptions {
        may_file_nationally: admin,
        owners,
        buyer_types,
        footprints: footprints
            .iter()
            .map(|f| FormOption {
                value: f.code.clone(),
                label: f.name.clone(),
            })
            .collect(),
        regions: regions
            .into_iter()
            .map(|r| FormOption {
                value: r.clone(),
                label: r,
            })
            .collect(),
    })
}

fn check_framework(
    fields: &Fields<'_>,
    options: &FrameworkFormOptions,
) -> Result<FrameworkInput, FormError> {
    let mut errors = FieldErrors::default();
    let reference = validate::required(
        &mut errors,
        "reference",
        fields.text("reference"),
        "the framework reference",
        64,
    );
    if !errors.has("reference")
        && !reference
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | '_'))
    {
        errors.add("reference", "Framework reference must only include letters, numbers, hyphens, full stops and slashes, like RM6098");
    }
    let title = validate::required(
        &mut errors,
        "title",
        fields.text("title"),
        "the framework title",
        400,
    );
    let owner_name = validate::required(
        &mut errors,
        "owner_name",
        fields.text("owner_name"),
        "the name of the body that owns the framework",
        200,
    );
    let owner_field = fields.text("owner_organisation_id");
    let owner_organisation_id = if owner_field.is_empty() {
        if !options.may_file_nationally {
            errors.add(
                "owner_organisation_id",
                "Select the footprint body that owns the framework",
            );
        }
        None
    } else {
        match owner_field.parse::<Uuid>() {
            Ok(id) if options.owners.iter().any(|o| o.value == owner_field) => Some(id),
            // Not one of the offered choices: a tampered form, or a body the
            // viewer does not coordinate. The permission check decides.
            Ok(id) => Some(id),
            Err(_) => {
                errors.add(
                    "owner_organisation_id",
                    "Select the footprint body that owns the framework",
                );
                None
            }
        }
    };
    let description = validate::optional(
        &mut errors,
        "description",
        fields.text("description"),
        "the description",
        5000,
    );
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
    let routes = fields.all("routes_to_market");
    if routes.is_empty() {
        errors.add("routes_to_market", "Select at least one route to market");
    } else if routes
        .iter()
        .any(|r| !ROUTES_TO_MARKET.iter().any(|(v, _)| v == r))
    {
        errors.add("routes_to_market", "Select routes to market from the list");
    }
    let levy_basis_points = validate::percentage(&mut errors, "levy", fields.text("levy"), "Levy");
    let url = validate::url(
        &mut errors,
        "url",
        fields.text("url"),
        "the link to the owner's page",
        500,
    );
    let eligibility_scope = fields.text("eligibility_scope").to_owned();
    let mut eligibility = Vec::new();
    match eligibility_scope.as_str() {
        ALL_UK_PUBLIC_SECTOR => {}
        LISTED_BUYERS => {
            for (kind, field, choices) in [
                ("buyer_type", "eligible_buyer_types", &options.buyer_types),
                ("footprint", "eligible_footprints", &options.footprints),
                ("region", "eligible_regions", &options.regions),
            ] {
                for value in fields.all(field) {
                    if choices.iter().any(|c| c.value == value) {
                        eligibility.push((kind.to_owned(), value));
                    } else {
                        errors.add(field, "Select from the list");
                    }
                }
            }
            if eligibility.is_empty() && !errors.has("eligible_buyer_types") {
                errors.add("eligible_buyer_types", "Select at least one type of buyer, footprint or region that may use the framework");
            }
        }
        _ => errors.add("eligibility_scope", "Select who may use the framework"),
    }
    errors.into_result()?;
    Ok(FrameworkInput {
        reference,
        title,
        owner_name,
        owner_organisation_id,
        description,
        start_date: start_date.expect("checked"),
        end_date: end_date.expect("checked"),
        max_extension_end,
        routes,
        levy_basis_points,
        eligibility_scope,
        eligibility,
        url,
    })
}

fn framework_json(model: &framework::Model, eligibility: &[(String, String)]) -> Value {
    json!({
        "reference": model.reference,
        "title": model.title,
        "owner_name": model.owner_name,
        "owner_organisation_id": model.owner_organisation_id,
        "description": model.description,
        "start_date": model.start_date.map(|d| d.to_string()),
        "end_date": model.end_date.map(|d| d.to_string()),
        "max_extension_end": model.max_extension_end.map(|d| d.to_string()),
        "routes_to_market": model.routes_to_market,
        "levy_basis_points": model.levy_basis_points,
        "eligibility_scope": model.eligibility_scope,
        "eligibility": eligibility,
        "url": model.url,
    })
}

/// The database keeps framework references unique; this turns its refusal
/// into the form's message (no check-then-insert race).
const REFERENCE_TAKEN: fn(sea_orm::DbErr) -> FormError = |error| {
    unique_field(
        "framework_reference",
        "reference",
        "A framework with this reference already exists",
    )(error)
};

/// Likewise for lot numbers within a framework.
const LOT_NUMBER_TAKEN: fn(sea_orm::DbErr) -> FormError = |error| {
    unique_field(
        "lot_framework_id_number",
        "number",
        "This framework already has a lot with this number",
    )(error)
};

async fn replace_eligibility<C: ConnectionTrait>(
    db: &C,
    framework_id: Uuid,
    rows: &[(String, String)],
) -> Result<(), sea_orm::DbErr> {
    framework_eligibility::Entity::delete_many()
        .filter(framework_eligibility::Column::FrameworkId.eq(framework_id))
        .exec(db)
        .await?;
    for (kind, value) in rows {
        framework_eligibility::ActiveModel {
            id: Set(Uuid::new_v4()),
            framework_id: Set(framework_id),
            kind: Set(kind.clone()),
            value: Set(value.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

pub async fn eligibility_of<C: ConnectionTrait>(
    db: &C,
    framework_id: Uuid,
) -> Result<Vec<(String, String)>, sea_orm::DbErr> {
    Ok(framework_eligibility::Entity::find()
        .filter(framework_eligibility::Column::FrameworkId.eq(framework_id))
        .order_by_asc(framework_eligibility::Column::Kind)
        .order_by_asc(framework_eligibility::Column::Value)
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.kind, e.value))
        .collect())
}

fn apply(model: &mut framework::ActiveModel, input: FrameworkInput) {
    model.reference = Set(input.reference);
    model.title = Set(Some(input.title));
    model.owner_name = Set(input.owner_name);
    model.owner_organisation_id = Set(input.owner_organisation_id);
    model.description = Set(input.description);
    model.start_date = Set(Some(input.start_date));
    model.end_date = Set(Some(input.end_date));
    model.max_extension_end = Set(input.max_extension_end);
    model.routes_to_market = Set(input.routes.join(","));
    model.levy_basis_points = Set(input.levy_basis_points);
    model.eligibility_scope = Set(input.eligibility_scope);
    model.url = Set(input.url);
    model.updated_at = Set(OffsetDateTime::now_utc());
}

/// Creates a framework; returns its id.
pub async fn create_framework(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    form: &[(String, String)],
) -> Result<Uuid, FormError> {
    let options = framework_form_options(db, actor).await?;
    let input = check_framework(&Fields(form), &options)?;
    require(
        actor,
        Permission::ManageFrameworks,
        Resource::Framework {
            owner_organisation_id: input.owner_organisation_id,
        },
    )?;
    let eligibility = input.eligibility.clone();
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let mut model = framework::ActiveModel {
        id: Set(id),
        is_demo: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut model, input);
    let txn = db.begin().await?;
    let created = model.insert(&txn).await.map_err(REFERENCE_TAKEN)?;
    replace_eligibility(&txn, id, &eligibility).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("framework.created", "framework", id)
            .after(framework_json(&created, &eligibility))
            .reindex(DocumentKind::Framework, [id]),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

async fn framework_for_change<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<framework::Model, AppError> {
    // Anonymous visitors are sent to sign in before learning whether it exists.
    let actor = actor.ok_or(AppError::Unauthenticated)?;
    let found = framework::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Framework".into()))?;
    require(
        Some(actor),
        Permission::ManageFrameworks,
        Resource::Framework {
            owner_organisation_id: found.owner_organisation_id,
        },
    )?;
    Ok(found)
}

/// The framework as the edit form's initial values, after the permission check.
pub async fn framework_form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let found = framework_for_change(db, actor, id).await?;
    let mut values = vec![
        ("reference".to_owned(), found.reference.clone()),
        ("title".to_owned(), found.title.clone().unwrap_or_default()),
        ("owner_name".to_owned(), found.owner_name.clone()),
        (
            "owner_organisation_id".to_owned(),
            found
                .owner_organisation_id
                .map(|o| o.to_string())
                .unwrap_or_default(),
        ),
        (
            "description".to_owned(),
            found.description.clone().unwrap_or_default(),
        ),
        (
            "levy".to_owned(),
            found
                .levy_basis_points
                .map(format_basis_points)
                .unwrap_or_default(),
        ),
        ("url".to_owned(), found.url.clone().unwrap_or_default()),
        (
            "eligibility_scope".to_owned(),
            found.eligibility_scope.clone(),
        ),
    ];
    validate::date_values(&mut values, "start_date", found.start_date);
    validate::date_values(&mut values, "end_date", found.end_date);
    validate::date_values(&mut values, "max_extension_end", found.max_extension_end);
    for route in found.routes_to_market.split(',').filter(|r| !r.is_empty()) {
        values.push(("routes_to_market".to_owned(), route.to_owned()));
    }
    for (kind, value) in eligibility_of(db, id).await? {
        let field = match kind.as_str() {
            "buyer_type" => "eligible_buyer_types",
            "footprint" => "eligible_footprints",
            _ => "eligible_regions",
        };
        values.push((field.to_owned(), value));
    }
    Ok(values)
}

pub async fn update_framework(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    form: &[(String, String)],
) -> Result<(), FormError> {
    let before = framework_for_change(db, actor, id).await?;
    let options = framework_form_options(db, actor).await?;
    let mut options = options;
    // Admins may keep a national owner; coordinators must keep one of theirs.
    if let Some(owner) = before.owner_organisation_id
        && !options.owners.iter().any(|o| o.value == owner.to_string())
    {
        options.owners.push(FormOption {
            value: owner.to_string(),
            label: String::new(),
        });
    }
    let input = check_framework(&Fields(form), &options)?;
    // The new owner must be one the actor may file under, too.
    require(
        actor,
        Permission::ManageFrameworks,
        Resource::Framework {
            owner_organisation_id: input.owner_organisation_id,
        },
    )?;
    let before_eligibility = eligibility_of(db, id).await?;
    let eligibility = input.eligibility.clone();
    let mut model: framework::ActiveModel = before.clone().into();
    apply(&mut model, input);
    let txn = db.begin().await?;
    let after = model.update(&txn).await.map_err(REFERENCE_TAKEN)?;
    replace_eligibility(&txn, id, &eligibility).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("framework.updated", "framework", id)
            .before(framework_json(&before, &before_eligibility))
            .after(framework_json(&after, &eligibility))
            .touching(affected::framework(&txn, id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The framework a lot form belongs to, after the permission check.
pub async fn framework_heading(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    framework_id: Uuid,
) -> Result<(String, String), AppError> {
    let found = framework_for_change(db, actor, framework_id).await?;
    Ok((found.reference, found.title.unwrap_or_default()))
}

/// CPV codes typed as "72000000", "72000000-5" or a list separated by commas,
/// spaces or new lines; each must exist in the CPV 2008 list.
pub(crate) async fn check_cpv_codes<C: ConnectionTrait>(
    db: &C,
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
) -> Result<Vec<String>, sea_orm::DbErr> {
    let mut codes = Vec::new();
    for token in value
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        let code = token.split('-').next().unwrap_or_default();
        if code.len() != 8 || !code.bytes().all(|b| b.is_ascii_digit()) {
            errors.add(
                field,
                format!("{token} is not a CPV code: enter 8 digits, like 72000000"),
            );
            return Ok(codes);
        }
        if !codes.iter().any(|c| c == code) {
            codes.push(code.to_owned());
        }
    }
    if codes.len() > 50 {
        errors.add(field, "Enter 50 CPV codes or fewer");
        return Ok(codes);
    }
    let known: Vec<String> = cpv_code::Entity::find()
        .filter(cpv_code::Column::Code.is_in(codes.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    if let Some(unknown) = codes.iter().find(|c| !known.contains(c)) {
        errors.add(field, format!("{unknown} is not in the CPV 2008 code list"));
    }
    Ok(codes)
}

/// Adds a lot to a framework; returns the lot's id.
struct LotInput {
    number: String,
    title: String,
    description: Option<String>,
    cpv_codes: Vec<String>,
}

impl LotInput {
    fn json(&self, framework_id: Uuid) -> Value {
        json!({
            "framework_id": framework_id,
            "number": self.number,
            "title": self.title,
            "description": self.description,
            "cpv_codes": self.cpv_codes,
        })
    }
}

/// Checks a lot form (a clashing number is refused by the database when
/// the lot is saved).
async fn check_lot(
    db: &DatabaseConnection,
    form: &[(String, String)],
) -> Result<LotInput, FormError> {
    let fields = Fields(form);
    let mut errors = FieldErrors::default();
    let number = validate::required(
        &mut errors,
        "number",
        fields.text("number"),
        "the lot number",
        16,
    );
    let title = validate::required(
        &mut errors,
        "title",
        fields.text("title"),
        "the lot title",
        400,
    );
    let description = validate::optional(
        &mut errors,
        "description",
        fields.text("description"),
        "the description",
        5000,
    );
    let cpv_codes = check_cpv_codes(db, &mut errors, "cpv_codes", fields.text("cpv_codes")).await?;
    errors.into_result()?;
    Ok(LotInput {
        number,
        title,
        description,
        cpv_codes,
    })
}

async fn replace_lot_cpv_codes<C: ConnectionTrait>(
    db: &C,
    lot_id: Uuid,
    codes: &[String],
) -> Result<(), sea_orm::DbErr> {
    lot_cpv::Entity::delete_many()
        .filter(lot_cpv::Column::LotId.eq(lot_id))
        .exec(db)
        .await?;
    for code in codes {
        lot_cpv::ActiveModel {
            lot_id: Set(lot_id),
            cpv_code: Set(code.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
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

pub async fn add_lot(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    framework_id: Uuid,
    form: &[(String, String)],
) -> Result<Uuid, FormError> {
    framework_for_change(db, actor, framework_id).await?;
    let input = check_lot(db, form).await?;
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let txn = db.begin().await?;
    lot::ActiveModel {
        id: Set(id),
        framework_id: Set(framework_id),
        number: Set(input.number.clone()),
        title: Set(input.title.clone()),
        description: Set(input.description.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(LOT_NUMBER_TAKEN)?;
    replace_lot_cpv_codes(&txn, id, &input.cpv_codes).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("lot.created", "lot", id)
            .after(input.json(framework_id))
            .touching(affected::lot(&txn, id, framework_id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The lot form's values for changing `lot_id`.
pub async fn lot_form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let (lot, _) = lot_for_change(db, actor, lot_id).await?;
    let codes = lot_cpv_codes(db, lot_id).await?;
    Ok(vec![
        ("number".to_owned(), lot.number),
        ("title".to_owned(), lot.title),
        (
            "description".to_owned(),
            lot.description.unwrap_or_default(),
        ),
        ("cpv_codes".to_owned(), codes.join(", ")),
    ])
}

/// Changes a lot's number, title, description and CPV codes.
pub async fn update_lot(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
    form: &[(String, String)],
) -> Result<Uuid, FormError> {
    let (lot, framework) = lot_for_change(db, actor, lot_id).await?;
    let input = check_lot(db, form).await?;
    let before = LotInput {
        number: lot.number.clone(),
        title: lot.title.clone(),
        description: lot.description.clone(),
        cpv_codes: lot_cpv_codes(db, lot_id).await?,
    }
    .json(framework.id);
    let txn = db.begin().await?;
    let mut model: lot::ActiveModel = lot.into();
    model.number = Set(input.number.clone());
    model.title = Set(input.title.clone());
    model.description = Set(input.description.clone());
    model.updated_at = Set(OffsetDateTime::now_utc());
    model.update(&txn).await.map_err(LOT_NUMBER_TAKEN)?;
    replace_lot_cpv_codes(&txn, lot_id, &input.cpv_codes).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("lot.updated", "lot", lot_id)
            .before(before)
            .after(input.json(framework.id))
            .touching(affected::lot(&txn, lot_id, framework.id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(framework.id)
}

/// Removes a lot with its CPV codes, supplier places and offers' links to it.
/// A lot that contracts were called off is kept: the register must still
/// say where those contracts came from.
pub async fn remove_lot(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
    _form: &[(String, String)],
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
    let mut before = LotInput {
        number: lot.number.clone(),
        title: lot.title.clone(),
        description: lot.description.clone(),
        cpv_codes: lot_cpv_codes(db, lot_id).await?,
    }
    .json(framework.id);
    before["suppliers"] = Value::Array(places);
    let txn = db.begin().await?;
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

/// Records a supplier's place on a lot (or changes its status). The supplier
/// is matched by Companies House number, then by name; a new one is created
/// when neither matches.
pub async fn add_lot_supplier(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    lot_id: Uuid,
    form: &[(String, String)],
) -> Result<(), FormError> {
    lot_for_change(db, actor, lot_id).await?;
    let fields = Fields(form);
    let mut errors = FieldErrors::default();
    let name = validate::required(
        &mut errors,
        "supplier_name",
        fields.text("supplier_name"),
        "the supplier's name",
        300,
    );
    let number = validate::companies_house_number(
        &mut errors,
        "companies_house_number",
        fields.text("companies_house_number"),
    );
    let status = fields.text("status").to_owned();
    if !LOT_SUPPLIER_STATUSES.iter().any(|(v, _)| *v == status) {
        errors.add("status", "Select the supplier's status on this lot");
    }
    errors.into_result()?;
    let actor_id = actor.map(|a| a.user_id);
    let now = OffsetDateTime::now_utc();
    let txn = db.begin().await?;
    let found = find_or_create_supplier(&txn, &name, number.as_deref()).await?;
    let supplier_id = found.id;
    let place = lot_supplier::Entity::find_by_id((lot_id, supplier_id))
        .one(&txn)
        .await?;
    // Recorded against the lot (a place has no id of its own); the summary names the supplier.
    let entity_id = lot_id;
    match place {
        Some(place) if place.status == status => {}
        Some(place) => {
            let before = place.status.clone();
            let mut model: lot_supplier::ActiveModel = place.into();
            model.status = Set(status.clone());
            model.updated_at = Set(now);
            model.update(&txn).await?;
            changes::record(
                &txn,
                Actor::from(actor_id),
                Change::new("lot_supplier.status_changed", "lot", entity_id)
                    .before(json!({ "supplier_id": supplier_id, "status": before }))
                    .after(json!({ "supplier_id": supplier_id, "status": status }))
                    .reindex(DocumentKind::Lot, [lot_id])
                    .reindex(DocumentKind::Supplier, [supplier_id]),
            )
            .await?;
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
            changes::record(
                &txn,
                Actor::from(actor_id),
                Change::new("lot_supplier.added", "lot", entity_id)
                    .after(json!({
                        "lot_id": lot_id,
                        "supplier_id": supplier_id,
                        "status": status,
                        "new_supplier": found.created,
                    }))
                    .reindex(DocumentKind::Lot, [lot_id])
                    .reindex(DocumentKind::Supplier, [supplier_id]),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// The lot-supplier form's values for changing `supplier_id`'s place.
pub async fn lot_supplier_values(
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
    Ok(vec![
        ("supplier_name".to_owned(), supplier.name),
        (
            "companies_house_number".to_owned(),
            supplier.companies_house_number.unwrap_or_default(),
        ),
        ("status".to_owned(), place.status),
    ])
}

/// The supplier a name and number were matched to; `created` describes the
/// record when a new one was made, for the audit entry of the change that
/// named it (one change, one audit event).
pub(crate) struct SupplierMatch {
    pub id: Uuid,
    pub created: Option<Value>,
}

/// The supplier with this Companies House number, else this name (when it
/// has no different number); a new supplier record when neither matches.
pub(crate) async fn find_or_create_supplier<C: ConnectionTrait>(
    db: &C,
    name: &str,
    number: Option<&str>,
) -> Result<SupplierMatch, sea_orm::DbErr> {
    if let Some(number) = number
        && let Some(found) = supplier::Entity::find()
            .filter(supplier::Column::CompaniesHouseNumber.eq(number))
            .one(db)
            .await?
    {
        return Ok(SupplierMatch {
            id: found.id,
            created: None,
        });
    }
    let by_name = supplier::Entity::find()
        .filter(supplier::Column::NormalisedName.eq(normalise_supplier_name(name)))
        .one(db)
        .await?
        .filter(|s| number.is_none() || s.companies_house_number.is_none());
    if let Some(found) = by_name {
        return Ok(SupplierMatch {
            id: found.id,
            created: None,
        });
    }
    let now = OffsetDateTime::now_utc();
    let created = supplier::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        normalised_name: Set(normalise_supplier_name(name)),
        companies_house_number: Set(number.map(str::to_owned)),
        vat_number: Set(None),
        is_sme: Set(false),
        is_vcse: Set(false),
        region: Set(None),
        website: Set(None),
        description: Set(None),
        is_demo: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(SupplierMatch {
        id: created.id,
        created: Some(json!({ "name": name, "companies_house_number": number })),
    })
}
