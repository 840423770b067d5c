//! Framework agreements: curators (footprint coordinators for their body's
//! frameworks, platform admins for any) add and change them, with who may
//! use them. Lots and supplier places are in [`super::lots`].
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use super::eligibility::{eligibility_of, replace_eligibility};
use crate::server::auth::{Permission, Resource, require};
use crate::server::changes::{self, Actor, Change, DocumentKind, affected};
use crate::server::entities::{footprint, framework, organisation};
use crate::server::form::{FormError, unique_field};
use crate::types::commands::{self, EligibilityKind, FrameworkDetails, Term, framework as field};
use crate::types::{
    AppError, FieldErrors, FormOption, FrameworkFormOptions, Role, Viewer, format_basis_points,
};

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

/// The actor may curate frameworks owned by `owner` (a footprint body, or
/// none for a national body).
fn may_file_under(actor: Option<&Viewer>, owner: Option<Uuid>) -> Result<(), AppError> {
    require(
        actor,
        Permission::ManageFrameworks,
        Resource::Framework {
            owner_organisation_id: owner,
        },
    )
}

/// The checks that need the viewer and the database: the owning body is
/// one the viewer may file under (or national, for admins), and listed
/// eligibility names real council types, footprints and regions.
fn check_choices(
    details: &FrameworkDetails,
    options: &FrameworkFormOptions,
) -> Result<(), FormError> {
    let mut errors = FieldErrors::default();
    if details.owner_organisation_id.is_none() && !options.may_file_nationally {
        errors.add(
            field::OWNER_ORGANISATION_ID,
            "Select the footprint body that owns the framework",
        );
    }
    // An owner outside the offered choices (a tampered form, or a body the
    // viewer does not coordinate) is left to the permission check.
    for (kind, value) in details.eligibility.entries() {
        let choices = match kind {
            EligibilityKind::BuyerType => &options.buyer_types,
            EligibilityKind::Footprint => &options.footprints,
            EligibilityKind::Region => &options.regions,
        };
        if !choices.iter().any(|c| &c.value == value) {
            errors.add(kind.field(), "Select from the list");
        }
    }
    errors.into_result()
}

fn eligibility_rows(details: &FrameworkDetails) -> Vec<(EligibilityKind, String)> {
    details.eligibility.entries().to_vec()
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

fn apply(model: &mut framework::ActiveModel, details: FrameworkDetails) {
    model.reference = Set(details.reference);
    model.title = Set(Some(details.title));
    model.owner_name = Set(details.owner_name);
    model.owner_organisation_id = Set(details.owner_organisation_id);
    model.description = Set(details.description);
    model.start_date = Set(Some(details.term.start));
    model.end_date = Set(Some(details.term.end));
    model.max_extension_end = Set(details.term.max_extension_end);
    model.routes_to_market = Set(details
        .routes
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(","));
    model.levy_basis_points = Set(details.levy_basis_points);
    model.eligibility_scope = Set(details.eligibility.scope().as_str().to_owned());
    model.url = Set(details.url);
    model.updated_at = Set(OffsetDateTime::now_utc());
}

/// Stored (kind, value) pairs, as the audit trail records them.
fn stored(rows: &[(EligibilityKind, String)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(kind, value)| (kind.as_str().to_owned(), value.clone()))
        .collect()
}

/// Creates a framework; returns its id.
pub async fn create(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    details: FrameworkDetails,
) -> Result<Uuid, FormError> {
    let options = framework_form_options(db, actor).await?;
    may_file_under(actor, details.owner_organisation_id)?;
    check_choices(&details, &options)?;
    let eligibility = eligibility_rows(&details);
    let id = Uuid::new_v4();
    let now = OffsetDateTime::now_utc();
    let mut model = framework::ActiveModel {
        id: Set(id),
        is_demo: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut model, details);
    let txn = crate::server::db::begin_write(db).await?;
    let created = model.insert(&txn).await.map_err(REFERENCE_TAKEN)?;
    replace_eligibility(&txn, id, &eligibility).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("framework.created", "framework", id)
            .after(framework_json(&created, &stored(&eligibility)))
            .reindex(DocumentKind::Framework, [id]),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The framework, after checking the actor curates it.
pub(crate) async fn framework_for_change<C: ConnectionTrait>(
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
pub async fn form_values(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
) -> Result<Vec<(String, String)>, AppError> {
    let found = framework_for_change(db, actor, id).await?;
    let mut values = commands::pairs([
        (field::REFERENCE, found.reference.clone()),
        (field::TITLE, found.title.clone().unwrap_or_default()),
        (field::OWNER_NAME, found.owner_name.clone()),
        (
            field::OWNER_ORGANISATION_ID,
            found
                .owner_organisation_id
                .map(|o| o.to_string())
                .unwrap_or_default(),
        ),
        (
            field::DESCRIPTION,
            found.description.clone().unwrap_or_default(),
        ),
        (
            field::LEVY,
            found
                .levy_basis_points
                .map(format_basis_points)
                .unwrap_or_default(),
        ),
        (field::URL, found.url.clone().unwrap_or_default()),
        (field::ELIGIBILITY_SCOPE, found.eligibility_scope.clone()),
    ]);
    Term::values(
        &mut values,
        found.start_date,
        found.end_date,
        found.max_extension_end,
    );
    for route in found.routes_to_market.split(',').filter(|r| !r.is_empty()) {
        values.push((field::ROUTES_TO_MARKET.to_owned(), route.to_owned()));
    }
    for (kind, value) in eligibility_of(db, id).await? {
        if let Some(kind) = EligibilityKind::parse(&kind) {
            values.push((kind.field().to_owned(), value));
        }
    }
    Ok(values)
}

/// Changes a framework's details and who may use it.
pub async fn update(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    id: Uuid,
    details: FrameworkDetails,
) -> Result<(), FormError> {
    let before = framework_for_change(db, actor, id).await?;
    let mut options = framework_form_options(db, actor).await?;
    // Admins may keep a national owner; coordinators must keep one of theirs.
    if let Some(owner) = before.owner_organisation_id
        && !options.owners.iter().any(|o| o.value == owner.to_string())
    {
        options.owners.push(FormOption {
            value: owner.to_string(),
            label: String::new(),
        });
    }
    // The new owner must be one the actor may file under, too.
    may_file_under(actor, details.owner_organisation_id)?;
    check_choices(&details, &options)?;
    let before_eligibility = eligibility_of(db, id).await?;
    let eligibility = eligibility_rows(&details);
    let mut model: framework::ActiveModel = before.clone().into();
    apply(&mut model, details);
    let txn = crate::server::db::begin_write(db).await?;
    let after = model.update(&txn).await.map_err(REFERENCE_TAKEN)?;
    replace_eligibility(&txn, id, &eligibility).await?;
    changes::record(
        &txn,
        Actor::of(actor),
        Change::new("framework.updated", "framework", id)
            .before(framework_json(&before, &before_eligibility))
            .after(framework_json(&after, &stored(&eligibility)))
            .touching(affected::framework(&txn, id).await?),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The framework a lot form belongs to, after the permission check.
pub async fn heading(
    db: &DatabaseConnection,
    actor: Option<&Viewer>,
    framework_id: Uuid,
) -> Result<(String, String), AppError> {
    let found = framework_for_change(db, actor, framework_id).await?;
    Ok((found.reference, found.title.unwrap_or_default()))
}
