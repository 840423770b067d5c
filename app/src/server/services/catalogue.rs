//! Queries behind the public framework, lot and supplier pages.
use super::linked;
use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::paging::{PER_PAGE, fetch_page};
use crate::server::auth::{Permission, Resource, may};
use crate::server::entities::{
    contract, contract_buyer, contract_cpv, contract_supplier, cpv_code, footprint, framework, lot,
    lot_cpv, lot_supplier, offer, offer_cpv, offer_footprint, offer_lot, organisation, supplier,
};
use crate::types::Viewer;
use crate::types::commands::OfferStatus;
use crate::types::{
    AppError, BoughtThrough, ContractDetail, ContractSummary, FrameworkDetail, FrameworkPublished,
    FrameworkStatus, FrameworkSummary, LotDetail, LotPlace, LotSummary, OfferDetail, OfferSummary,
    Page, SupplierDetail, SupplierSummary, format_pounds,
};

pub(super) fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

/// The columns of a framework that a list row shows (its description, which
/// can run to pages, is left in the database).
#[derive(Clone, Debug, sea_orm::FromQueryResult)]
pub(super) struct FrameworkRow {
    id: Uuid,
    reference: String,
    title: Option<String>,
    owner_name: String,
    start_date: Option<time::Date>,
    end_date: Option<time::Date>,
    is_demo: bool,
}

impl FrameworkRow {
    /// `query` reading only a list row's columns.
    pub(super) fn select(
        query: sea_orm::Select<framework::Entity>,
    ) -> sea_orm::Selector<sea_orm::SelectModel<Self>> {
        use framework::Column::*;
        query
            .select_only()
            .columns([Id, Reference, Title, OwnerName, StartDate, EndDate, IsDemo])
            .into_model()
    }

    pub(super) fn id(&self) -> Uuid {
        self.id
    }
}

impl From<&framework::Model> for FrameworkRow {
    fn from(model: &framework::Model) -> Self {
        Self {
            id: model.id,
            reference: model.reference.clone(),
            title: model.title.clone(),
            owner_name: model.owner_name.clone(),
            start_date: model.start_date,
            end_date: model.end_date,
            is_demo: model.is_demo,
        }
    }
}

pub(super) fn framework_summary(row: impl Into<FrameworkRow>, lot_count: u64) -> FrameworkSummary {
    let row = row.into();
    FrameworkSummary {
        id: row.id,
        status: FrameworkStatus::derive(row.start_date, row.end_date, today()),
        reference: row.reference,
        title: row.title,
        owner_name: row.owner_name,
        start_date: row.start_date,
        end_date: row.end_date,
        lot_count,
        is_demo: row.is_demo,
    }
}

/// Lots per framework, counted by the database.
pub(super) async fn lot_counts(
    db: &DatabaseConnection,
    framework_ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, u64>, AppError> {
    count_grouped(
        db,
        lot::Entity::find().filter(lot::Column::FrameworkId.is_in(framework_ids)),
        lot::Column::FrameworkId,
    )
    .await
}

/// Supplier places per lot, counted by the database (a lot can have
/// thousands, which are not worth reading to count).
async fn supplier_counts(
    db: &DatabaseConnection,
    lot_ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, u64>, AppError> {
    count_grouped(
        db,
        lot_supplier::Entity::find().filter(lot_supplier::Column::LotId.is_in(lot_ids)),
        lot_supplier::Column::LotId,
    )
    .await
}

/// Rows of `query` per value of its `key` column (a uuid).
async fn count_grouped<E: EntityTrait>(
    db: &DatabaseConnection,
    query: sea_orm::Select<E>,
    key: E::Column,
) -> Result<HashMap<Uuid, u64>, AppError> {
    let counts: Vec<(Uuid, i64)> = query
        .select_only()
        .column(key)
        .column_as(
            sea_orm::sea_query::Expr::from(sea_orm::sea_query::Func::count(
                sea_orm::sea_query::Expr::col(key),
            )),
            "rows",
        )
        .group_by(key)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

fn lot_summary(model: &lot::Model, supplier_count: u64) -> LotSummary {
    LotSummary {
        id: model.id,
        number: model.number.clone(),
        title: model.title.clone(),
        supplier_count,
    }
}

/// The SQL condition selecting frameworks whose derived status is `status`
/// on `today`; it mirrors [`FrameworkStatus::derive`] exactly.
pub fn status_condition(status: FrameworkStatus, today: time::Date) -> Condition {
    use framework::Column::{EndDate, StartDate};
    let soon = today + time::Duration::days(crate::types::EXPIRING_WITHIN_DAYS);
    let started = Condition::any()
        .add(StartDate.is_null())
        .add(StartDate.lte(today));
    match status {
        FrameworkStatus::Upcoming => Condition::all().add(StartDate.gt(today)),
        FrameworkStatus::Expired => Condition::all().add(started).add(EndDate.lt(today)),
        FrameworkStatus::Expiring => Condition::all()
            .add(started)
            .add(EndDate.gte(today))
            .add(EndDate.lte(soon)),
        FrameworkStatus::Live => Condition::all().add(started).add(
            Condition::any().add(EndDate.gt(soon)).add(
                Condition::all()
                    .add(EndDate.is_null())
                    .add(StartDate.is_not_null()),
            ),
        ),
        FrameworkStatus::DatesNotPublished => Condition::all()
            .add(StartDate.is_null())
            .add(EndDate.is_null()),
    }
}

/// A framework's page; `may_edit` when the viewer curates it.
pub async fn get_framework(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> Result<FrameworkDetail, AppError> {
    let model = framework::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Framework".into()))?;
    let lots = lot::Entity::find()
        .filter(lot::Column::FrameworkId.eq(id))
        .order_by_asc(lot::Column::Number)
        .all(db)
        .await?;
    let counts = supplier_counts(db, lots.iter().map(|l| l.id).collect()).await?;
    let routes_to_market = model
        .routes_to_market
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| {
            crate::types::choices::ROUTES_TO_MARKET
                .iter()
                .find(|(value, _)| *value == r)
                .map_or_else(|| r.to_owned(), |(_, label)| (*label).to_owned())
        })
        .collect();
    Ok(FrameworkDetail {
        framework: framework_summary(&model, lots.len() as u64),
        description: model.description.clone(),
        lots: lots
            .iter()
            .map(|l| lot_summary(l, counts.get(&l.id).copied().unwrap_or(0)))
            .collect(),
        owner_organisation_id: model.owner_organisation_id,
        max_extension_end: model.max_extension_end,
        routes_to_market,
        levy_basis_points: model.levy_basis_points,
        eligibility: eligibility_in_words(db, &model).await?,
        url: model.url.clone(),
        published: FrameworkPublished {
            summary: model.summary.clone(),
            benefits: model.benefits.clone(),
            how_to_buy: model.how_to_buy.clone(),
            keywords: model.keywords.clone(),
            category: model.category.clone(),
            source: match (&model.source_layout, &model.source_file) {
                (Some(layout), Some(file)) => Some(format!("{layout}; last changed by {file}")),
                (Some(layout), None) => Some(layout.clone()),
                (None, Some(file)) => Some(file.clone()),
                (None, None) => None,
            },
        },
        may_edit: may_curate(viewer, model.owner_organisation_id),
    })
}

/// (code, label) of these CPV codes, in code order.
pub(crate) async fn cpv_labels(
    db: &DatabaseConnection,
    codes: Vec<String>,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(cpv_code::Entity::find()
        .filter(cpv_code::Column::Code.is_in(codes))
        .order_by_asc(cpv_code::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label))
        .collect())
}

/// Who may use a framework, one line per listed group.
async fn eligibility_in_words(
    db: &DatabaseConnection,
    model: &framework::Model,
) -> Result<Vec<String>, AppError> {
    if model.eligibility_scope
        == crate::types::commands::EligibilityScope::AllUkPublicSector.as_str()
    {
        return Ok(vec!["All UK public sector bodies".to_owned()]);
    }
    let mut lines = Vec::new();
    for (kind, value) in super::eligibility::eligibility_of(db, model.id).await? {
        let line = match kind.as_str() {
            "buyer_type" => {
                let name = organisation::Entity::find()
                    .filter(organisation::Column::OrgType.eq(value.clone()))
                    .one(db)
                    .await?
                    .map_or(value, |o| o.org_type_name);
                format!("Councils of type: {name}")
            }
            "footprint" => {
                let name = footprint::Entity::find()
                    .filter(footprint::Column::Code.eq(value.clone()))
                    .one(db)
                    .await?
                    .map_or(value, |f| f.name);
                format!("Councils in {name}")
            }
            "region" => format!("Councils in the {value} region"),
            _ => format!("{kind}: {value}"),
        };
        lines.push(line);
    }
    Ok(lines)
}

/// A lot's page with a page of its suppliers; `may_edit` when the viewer
/// curates its framework.
pub async fn get_lot(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
    page: u64,
) -> Result<LotDetail, AppError> {
    let not_found = || AppError::NotFound("Lot".into());
    let lot_model = lot::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let framework_model = framework::Entity::find_by_id(lot_model.framework_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let lot_count = lot::Entity::find()
        .filter(lot::Column::FrameworkId.eq(framework_model.id))
        .count(db)
        .await?;
    // A lot can have thousands of places: page through them in SQL, and
    // read the statuses of the page's suppliers only.
    let placed = lot_supplier::Entity::find()
        .select_only()
        .column(lot_supplier::Column::SupplierId)
        .filter(lot_supplier::Column::LotId.eq(id));
    let query = supplier::Entity::find()
        .filter(supplier::Column::Id.in_subquery(placed.into_query()))
        .order_by_asc(supplier::Column::NormalisedName)
        .order_by_asc(supplier::Column::Id);
    let (suppliers, page, total_items) = fetch_page(db, query, page).await?;
    let status_by_supplier: HashMap<Uuid, String> = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::LotId.eq(id))
        .filter(lot_supplier::Column::SupplierId.is_in(suppliers.iter().map(|s| s.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.supplier_id, p.status))
        .collect();
    let codes: Vec<String> = linked(db, lot_cpv::Entity, lot_cpv::Column::LotId, id, |c| {
        c.cpv_code
    })
    .await?;
    let cpv_codes = cpv_labels(db, codes).await?;
    Ok(LotDetail {
        cpv_codes,
        owner_organisation_id: framework_model.owner_organisation_id,
        may_edit: may_curate(viewer, framework_model.owner_organisation_id),
        framework: framework_summary(&framework_model, lot_count),
        lot: lot_summary(&lot_model, total_items),
        description: lot_model.description.clone(),
        suppliers: Page {
            items: suppliers
                .iter()
                .map(|s| SupplierSummary {
                    id: s.id,
                    name: s.name.clone(),
                    status: status_by_supplier.get(&s.id).cloned().unwrap_or_default(),
                })
                .collect(),
            page,
            per_page: PER_PAGE,
            total_items,
        },
    })
}

/// A supplier's public page; `may_edit` (the viewer edits this supplier) also
/// lists its draft and withdrawn offers.
pub async fn get_supplier(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> Result<SupplierDetail, AppError> {
    let may_edit = may(viewer, Permission::ManageSupplier, Resource::Supplier(id));
    let model = supplier::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Supplier".into()))?;
    let places = lot_supplier::Entity::find()
        .filter(lot_supplier::Column::SupplierId.eq(id))
        .all(db)
        .await?;
    let lots = lot::Entity::find()
        .filter(lot::Column::Id.is_in(places.iter().map(|p| p.lot_id).collect::<Vec<_>>()))
        .all(db)
        .await?;
    let frameworks: HashMap<Uuid, FrameworkRow> = FrameworkRow::select(
        framework::Entity::find()
            .filter(framework::Column::Id.is_in(lots.iter().map(|l| l.framework_id))),
    )
    .all(db)
    .await?
    .into_iter()
    .map(|f| (f.id, f))
    .collect();
    let lot_totals = lot_counts(db, frameworks.keys().copied().collect()).await?;
    let place_counts = supplier_counts(db, lots.iter().map(|l| l.id).collect()).await?;
    let mut result: Vec<LotPlace> = lots
        .iter()
        .filter_map(|l| {
            let f = frameworks.get(&l.framework_id)?;
            let status = places
                .iter()
                .find(|p| p.lot_id == l.id)
                .map(|p| p.status.clone())
                .unwrap_or_default();
            Some(LotPlace {
                framework: framework_summary(
                    f.clone(),
                    lot_totals.get(&f.id).copied().unwrap_or(0),
                ),
                lot: lot_summary(l, place_counts.get(&l.id).copied().unwrap_or(0)),
                status,
            })
        })
        .collect();
    result.sort_by(|a, b| {
        (&a.framework.reference, &a.lot.number).cmp(&(&b.framework.reference, &b.lot.number))
    });
    let contracts = contracts_of_supplier(db, id).await?;
    let mut offers = offer::Entity::find().filter(offer::Column::SupplierId.eq(id));
    if !may_edit {
        offers = offers.filter(offer::Column::Status.eq(OfferStatus::Published.as_str()));
    }
    let offers = offers
        .order_by_asc(offer::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|o| offer_summary(&o))
        .collect();
    let (editors, access_requests) = if may_edit {
        (
            super::colleagues::editors_of(db, id).await?,
            super::supplier_trust::pending_requests_for(db, &model).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let may_curate = may(viewer, Permission::CurateSuppliers, Resource::Platform);
    let identifiers =
        super::imports::identifiers_of(db, crate::server::entities::identifier::SUPPLIER, model.id)
            .await?;
    Ok(SupplierDetail {
        identifiers,
        editors,
        contracts,
        verification: model.verification.clone(),
        claimed_companies_house_number: model.claimed_companies_house_number.clone(),
        may_request_access: viewer.is_some() && !may_edit,
        may_curate,
        access_requests,
        id: model.id,
        name: model.name.clone(),
        companies_house_number: model.companies_house_number.clone(),
        is_sme: model.is_sme,
        is_vcse: model.is_vcse,
        vat_number: model.vat_number.clone(),
        region: model.region.clone(),
        website: model.website.clone(),
        description: model.description.clone(),
        is_demo: model.is_demo,
        places: result,
        offers,
        may_edit,
    })
}

fn offer_summary(model: &offer::Model) -> OfferSummary {
    OfferSummary {
        id: model.id,
        title: model.title.clone(),
        summary: model.summary.clone(),
        status: model.status.clone(),
    }
}

/// An offer's public page. Unpublished offers are visible only to the
/// supplier's editors (`may_edit_supplier` decides, given the supplier id).
pub async fn get_offer(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> Result<OfferDetail, AppError> {
    let not_found = || AppError::NotFound("Offer".into());
    let model = offer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let may_edit = may(
        viewer,
        Permission::ManageSupplier,
        Resource::Supplier(model.supplier_id),
    );
    if model.status != OfferStatus::Published.as_str() && !may_edit {
        return Err(not_found());
    }
    let owner = supplier::Entity::find_by_id(model.supplier_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let codes: Vec<String> = linked(db, offer_cpv::Entity, offer_cpv::Column::OfferId, id, |c| {
        c.cpv_code
    })
    .await?;
    let cpv_codes = cpv_labels(db, codes).await?;
    let lot_ids: Vec<Uuid> = linked(db, offer_lot::Entity, offer_lot::Column::OfferId, id, |l| {
        l.lot_id
    })
    .await?;
    let lots_found = lot::Entity::find()
        .filter(lot::Column::Id.is_in(lot_ids))
        .all(db)
        .await?;
    let frameworks = framework::Entity::find()
        .filter(
            framework::Column::Id.is_in(
                lots_found
                    .iter()
                    .map(|l| l.framework_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?;
    let mut lots: Vec<(Uuid, String)> = lots_found
        .iter()
        .filter_map(|l| {
            let f = frameworks.iter().find(|f| f.id == l.framework_id)?;
            Some((
                l.id,
                format!("{} lot {}: {}", f.reference, l.number, l.title),
            ))
        })
        .collect();
    lots.sort_by(|a, b| a.1.cmp(&b.1));
    let footprint_ids: Vec<Uuid> = linked(
        db,
        offer_footprint::Entity,
        offer_footprint::Column::OfferId,
        id,
        |f| f.footprint_id,
    )
    .await?;
    let footprints = footprint::Entity::find()
        .filter(footprint::Column::Id.is_in(footprint_ids))
        .order_by_asc(footprint::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.name)
        .collect();
    let lines = |text: &Option<String>| -> Vec<String> {
        text.as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Ok(OfferDetail {
        offer: offer_summary(&model),
        supplier_id: owner.id,
        supplier_name: owner.name,
        description: model.description.clone(),
        features: lines(&model.features),
        benefits: lines(&model.benefits),
        price: describe_price(
            model.pricing_model.as_deref(),
            model.price_pence,
            model.price_unit.as_deref(),
        ),
        cpv_codes,
        lots,
        footprints,
        accessibility_notes: model.accessibility_notes.clone(),
        open_standards_notes: model.open_standards_notes.clone(),
        is_demo: model.is_demo,
        may_edit,
    })
}

/// "£12.50 per user per month", "Free", "Price on application".
pub fn describe_price(model: Option<&str>, pence: Option<i64>, unit: Option<&str>) -> String {
    let amount = pence.map(format_pounds);
    let base = match (model, amount) {
        (Some("free"), _) => return "Free".to_owned(),
        (Some("on_application"), _) | (_, None) => return "Price on application".to_owned(),
        (Some("per_user_per_month"), Some(a)) => format!("{a} per user per month"),
        (Some("per_day"), Some(a)) => format!("{a} per day"),
        (Some("per_unit"), Some(a)) => format!("{a} per unit"),
        (_, Some(a)) => a,
    };
    match unit {
        Some(unit) if !unit.is_empty() => format!("{base} ({unit})"),
        _ => base,
    }
}

/// The columns of a contract that a list row shows: reading whole rows
/// would carry each contract's description and provenance along for nothing.
#[derive(Debug, sea_orm::FromQueryResult)]
pub(super) struct ContractRow {
    id: Uuid,
    buyer_organisation_id: Uuid,
    title: String,
    value_pence: Option<i64>,
    start_date: Option<time::Date>,
    end_date: Option<time::Date>,
    is_demo: bool,
}

/// `query` reading only a list row's columns.
pub(super) fn contract_rows(
    query: sea_orm::Select<contract::Entity>,
) -> sea_orm::Selector<sea_orm::SelectModel<ContractRow>> {
    use contract::Column::*;
    query
        .select_only()
        .columns([
            Id,
            BuyerOrganisationId,
            Title,
            ValuePence,
            StartDate,
            EndDate,
            IsDemo,
        ])
        .into_model()
}

/// Contracts matching `filter`, newest end date first, as list rows.
pub async fn contract_summaries(
    db: &DatabaseConnection,
    filter: sea_orm::Condition,
) -> Result<Vec<ContractSummary>, AppError> {
    let contracts = contract_rows(
        contract::Entity::find()
            .filter(filter)
            .order_by_desc(contract::Column::EndDate)
            .order_by_asc(contract::Column::Title),
    )
    .all(db)
    .await?;
    summarise_contracts(db, contracts).await
}

/// List rows for these contracts, in the order given, with their buyers'
/// names and GSS codes.
pub(super) async fn summarise_contracts(
    db: &DatabaseConnection,
    contracts: Vec<ContractRow>,
) -> Result<Vec<ContractSummary>, AppError> {
    let buyers: HashMap<Uuid, (String, Option<String>)> = organisation::Entity::find()
        .select_only()
        .columns([
            organisation::Column::Id,
            organisation::Column::Name,
            organisation::Column::GssCode,
        ])
        .filter(organisation::Column::Id.is_in(contracts.iter().map(|c| c.buyer_organisation_id)))
        .into_tuple::<(Uuid, String, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, gss)| (id, (name, gss)))
        .collect();
    Ok(contracts
        .into_iter()
        .map(|c| {
            let buyer = buyers.get(&c.buyer_organisation_id);
            ContractSummary {
                id: c.id,
                title: c.title,
                buyer_name: buyer.map(|(name, _)| name.clone()).unwrap_or_default(),
                buyer_gss_code: buyer.and_then(|(_, gss)| gss.clone()),
                value_pence: c.value_pence,
                start_date: c.start_date,
                end_date: c.end_date,
                is_demo: c.is_demo,
            }
        })
        .collect())
}

/// Contracts any of these organisations bought, alone or jointly (every
/// buyer of a contract is in `contract_buyer`).
pub fn bought_by(organisations: impl IntoIterator<Item = Uuid>) -> sea_orm::Condition {
    use sea_orm::sea_query::Query;
    let ids: Vec<Uuid> = organisations.into_iter().collect();
    sea_orm::Condition::all().add(
        contract::Column::Id.in_subquery(
            Query::select()
                .column(contract_buyer::Column::ContractId)
                .from(contract_buyer::Entity)
                .and_where(contract_buyer::Column::OrganisationId.is_in(ids))
                .to_owned(),
        ),
    )
}

pub async fn contracts_of_supplier(
    db: &DatabaseConnection,
    supplier_id: Uuid,
) -> Result<Vec<ContractSummary>, AppError> {
    let ids: Vec<Uuid> = linked(
        db,
        contract_supplier::Entity,
        contract_supplier::Column::SupplierId,
        supplier_id,
        |l| l.contract_id,
    )
    .await?;
    contract_summaries(
        db,
        sea_orm::Condition::all().add(contract::Column::Id.is_in(ids)),
    )
    .await
}

/// A contract's page; `may_edit` when the viewer keeps its council's register.
pub async fn get_contract(
    db: &DatabaseConnection,
    viewer: Option<&Viewer>,
    id: Uuid,
) -> Result<ContractDetail, AppError> {
    let model = contract::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("Contract".into()))?;
    let buyer = organisation::Entity::find_by_id(model.buyer_organisation_id)
        .one(db)
        .await?;
    let supplier_ids: Vec<Uuid> = linked(
        db,
        contract_supplier::Entity,
        contract_supplier::Column::ContractId,
        id,
        |l| l.supplier_id,
    )
    .await?;
    let suppliers = supplier::Entity::find()
        .filter(supplier::Column::Id.is_in(supplier_ids))
        .order_by_asc(supplier::Column::NormalisedName)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let codes: Vec<String> = linked(
        db,
        contract_cpv::Entity,
        contract_cpv::Column::ContractId,
        id,
        |c| c.cpv_code,
    )
    .await?;
    let cpv_codes = cpv_labels(db, codes).await?;
    let bought_through = match (model.framework_id, model.lot_id) {
        (Some(f), Some(l)) => {
            let f = framework::Entity::find_by_id(f).one(db).await?;
            let l = lot::Entity::find_by_id(l).one(db).await?;
            f.zip(l).map_or(BoughtThrough::NotACallOff, |(f, l)| {
                BoughtThrough::Lot(
                    l.id,
                    format!("{} lot {}: {}", f.reference, l.number, l.title),
                )
            })
        }
        (Some(f), None) => match framework::Entity::find_by_id(f).one(db).await? {
            Some(f) => BoughtThrough::Framework(
                f.id,
                format!(
                    "{}: {}",
                    f.reference,
                    f.title.unwrap_or_else(|| "title not published".into())
                ),
            ),
            None => BoughtThrough::NotACallOff,
        },
        _ if model.is_call_off => match &model.call_off_reference {
            Some(reference) => BoughtThrough::NamedFramework(reference.clone()),
            None => BoughtThrough::UnnamedFramework,
        },
        _ => BoughtThrough::NotACallOff,
    };
    let joint_ids: Vec<Uuid> = linked(
        db,
        contract_buyer::Entity,
        contract_buyer::Column::ContractId,
        id,
        |b| b.organisation_id,
    )
    .await?
    .into_iter()
    .filter(|b| *b != model.buyer_organisation_id)
    .collect();
    let joint_buyers = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(joint_ids))
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.name, o.gss_code))
        .collect();
    Ok(ContractDetail {
        contract: ContractSummary {
            id: model.id,
            title: model.title.clone(),
            buyer_name: buyer.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
            buyer_gss_code: buyer.as_ref().and_then(|b| b.gss_code.clone()),
            value_pence: model.value_pence,
            start_date: model.start_date,
            end_date: model.end_date,
            is_demo: model.is_demo,
        },
        suppliers,
        cpv_codes,
        ocid: model.ocid.clone(),
        source: model.source.clone(),
        provenance: model.raw_provenance.as_deref().map(provenance_text),
        buyer_organisation_id: model.buyer_organisation_id,
        joint_buyers,
        bought_through,
        max_extension_end: model.max_extension_end,
        value_range: model.value_min_pence.zip(model.value_max_pence),
        description: model.description.clone(),
        may_edit: may(
            viewer,
            Permission::ManageContracts,
            Resource::Council(model.buyer_organisation_id),
        ),
    })
}

/// Stored provenance in words: "OCDS release r2, published 1 June 2025, from
/// new.json (line 3)". Older rows stored plain text, shown as it is.
fn provenance_text(raw: &str) -> String {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(raw) else {
        return raw.to_owned();
    };
    let field = |key: &str| {
        value
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let mut text = format!("{} notice {}", field("source"), field("release_id"));
    if let Some(date) = value
        .get("release_date")
        .and_then(|v| v.as_str())
        .and_then(|d| {
            time::OffsetDateTime::parse(d, &time::format_description::well_known::Rfc3339).ok()
        })
    {
        text.push_str(&format!(
            ", published {}",
            crate::types::format_date(&date.date())
        ));
    }
    text.push_str(&format!(
        ", imported from {} ({})",
        field("file"),
        field("location")
    ));
    text
}

/// Whether the viewer curates frameworks owned by `owner`.
fn may_curate(viewer: Option<&Viewer>, owner: Option<Uuid>) -> bool {
    may(
        viewer,
        Permission::ManageFrameworks,
        Resource::Framework {
            owner_organisation_id: owner,
        },
    )
}
