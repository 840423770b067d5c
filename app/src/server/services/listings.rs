//! The public lists — frameworks, suppliers, contracts and offers — and their
//! filters. Each list declares its filters on a [`FilterSet`], which checks
//! the chosen values against the choices it offers: a value that is not a
//! choice shows an error naming the filter and lists nothing, so a mistyped
//! link explains itself instead of looking like an empty catalogue. The
//! choices come from the snapshot (see [`super::snapshot`]), not from whole
//! tables read per request.
use super::paging::{fetch_page, page_of};
use std::collections::{BTreeMap, BTreeSet};

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

use super::catalogue::{
    FrameworkRow, contract_rows, describe_price, framework_summary, lot_counts, status_condition,
    summarise_contracts, today,
};
use super::eligibility::eligibility_admits;
use super::snapshot::{Snapshot, SnapshotCache};
use crate::server::entities::{
    contract, framework, offer, offer_cpv, offer_footprint, organisation, supplier,
};
use crate::types::commands::{EligibilityScope, OfferStatus};
use crate::types::{
    AppError, CHECKED, ContractListing, FieldError, Filter, FilterKind, FrameworkListing,
    FrameworkStatus, Listing, OfferListItem, OfferListing, SupplierListItem, SupplierListing,
};

/// The filters of one list as the visitor set them, and the first refused one.
#[derive(Default)]
pub struct FilterSet {
    filters: Vec<Filter>,
    error: Option<FieldError>,
}

fn clean(raw: Option<String>) -> String {
    raw.map(|s| s.trim().to_owned()).unwrap_or_default()
}

impl FilterSet {
    /// A select; `Some(value)` when the visitor chose one of `choices`.
    /// `noun` names a choice in the error: "Select {noun} from the list".
    pub fn select(
        &mut self,
        name: &str,
        label: &str,
        noun: &str,
        raw: Option<String>,
        choices: Vec<(String, String)>,
    ) -> Option<String> {
        let value = clean(raw);
        let chosen = if value.is_empty() {
            None
        } else if choices.iter().any(|(v, _)| *v == value) {
            Some(value.clone())
        } else {
            self.refuse(name, format!("Select {noun} from the list"));
            None
        };
        self.push(name, label, FilterKind::Select(choices), value);
        chosen
    }

    /// A checkbox: ticked when it sent `yes`; anything else counts as unticked.
    pub fn checkbox(&mut self, name: &str, label: &str, raw: Option<String>) -> bool {
        let ticked = clean(raw) == CHECKED;
        let value = if ticked {
            CHECKED.to_owned()
        } else {
            String::new()
        };
        self.push(name, label, FilterKind::Checkbox, value);
        ticked
    }

    /// Free text of at most `max_chars` characters; `None` when empty.
    pub fn search(
        &mut self,
        name: &str,
        label: &str,
        raw: Option<String>,
        max_chars: usize,
    ) -> Option<String> {
        let value = clean(raw);
        if value.chars().count() > max_chars {
            self.refuse(
                name,
                format!("{label} must be {max_chars} characters or fewer"),
            );
        }
        let chosen = (!value.is_empty()).then(|| value.clone());
        self.push(name, label, FilterKind::Search, value);
        chosen
    }

    fn push(&mut self, name: &str, label: &str, kind: FilterKind, value: String) {
        self.filters.push(Filter {
            name: name.to_owned(),
            label: label.to_owned(),
            kind,
            value,
        });
    }

    fn refuse(&mut self, field: &str, message: String) {
        self.error.get_or_insert(FieldError {
            field: field.to_owned(),
            message,
        });
    }

    pub fn refused(&self) -> bool {
        self.error.is_some()
    }

    /// The list page: `items` of the `page` clamped to `total_items`.
    pub fn into_listing<T>(self, items: Vec<T>, page: u64, total_items: u64) -> Listing<T> {
        Listing {
            filters: self.filters,
            page: page_of(items, page, total_items),
            error: self.error,
        }
    }

    /// An empty first page: what a refused filter shows.
    pub fn into_empty_listing<T>(self) -> Listing<T> {
        self.into_listing(Vec::new(), 1, 0)
    }
}

/// The SQL condition for "frameworks `council` may use": open to all UK
/// public sector, or with a rule that admits it ([`eligibility_admits`]).
fn usable_by(snapshot: &Snapshot, council: &organisation::Model) -> Condition {
    let codes = snapshot.footprint_codes_of(council.id);
    let admitted: BTreeSet<Uuid> = snapshot
        .eligibility_rules()
        .iter()
        .filter(|rule| eligibility_admits(&rule.kind, &rule.value, council, &codes))
        .map(|rule| rule.framework_id)
        .collect();
    Condition::any()
        .add(framework::Column::EligibilityScope.eq(EligibilityScope::AllUkPublicSector.as_str()))
        .add(framework::Column::Id.is_in(admitted))
}

/// Frameworks by reference, filtered by status, owner and the council that
/// may use them.
pub async fn frameworks(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    status: Option<String>,
    owner: Option<String>,
    council: Option<String>,
    page: u64,
) -> Result<FrameworkListing, AppError> {
    let snapshot = snapshots.get(db).await?;
    let mut filters = FilterSet::default();
    let status = filters.select(
        "status",
        "Status",
        "a status",
        status,
        FrameworkStatus::ALL
            .into_iter()
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
    );
    let owner = filters.select(
        "owner",
        "Owner",
        "an owner",
        owner,
        snapshot
            .framework_owners
            .iter()
            .map(|o| (o.clone(), o.clone()))
            .collect(),
    );
    let council = filters.select(
        "council",
        "May be used by",
        "a council",
        council,
        snapshot.council_choices(),
    );
    if filters.refused() {
        return Ok(filters.into_empty_listing());
    }
    let mut query = framework::Entity::find();
    if let Some(status) = status.as_deref().and_then(FrameworkStatus::parse) {
        query = query.filter(status_condition(status, today()));
    }
    if let Some(owner) = owner {
        query = query.filter(framework::Column::OwnerName.eq(owner));
    }
    if let Some(council) = council.and_then(|gss| snapshot.council_by_gss(&gss)) {
        query = query.filter(usable_by(&snapshot, council));
    }
    let query = query
        .order_by_asc(framework::Column::Reference)
        .order_by_asc(framework::Column::Id);
    let (rows, page, total) = fetch_page(db, FrameworkRow::select(query), page).await?;
    let counts = lot_counts(db, rows.iter().map(FrameworkRow::id).collect()).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let lots = counts.get(&row.id()).copied().unwrap_or(0);
            framework_summary(row, lots)
        })
        .collect();
    Ok(filters.into_listing(items, page, total))
}

/// Suppliers by name, filtered by a name search (anywhere in the normalised
/// name: "acme" finds "ACME Ltd"), SME, VCSE and region.
pub async fn suppliers(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    name: Option<String>,
    sme: Option<String>,
    vcse: Option<String>,
    region: Option<String>,
    page: u64,
) -> Result<SupplierListing, AppError> {
    let snapshot = snapshots.get(db).await?;
    let mut filters = FilterSet::default();
    let name = filters.search("name", "Supplier name", name, 200);
    let sme_only = filters.checkbox("sme", "Only small and medium-sized enterprises (SMEs)", sme);
    let vcse_only = filters.checkbox(
        "vcse",
        "Only voluntary, community and social enterprises (VCSEs)",
        vcse,
    );
    let region = filters.select(
        "region",
        "Based in",
        "a region",
        region,
        snapshot
            .supplier_regions
            .iter()
            .map(|r| (r.clone(), r.clone()))
            .collect(),
    );
    if filters.refused() {
        return Ok(filters.into_empty_listing());
    }
    let mut query = supplier::Entity::find();
    let wanted = super::supplier_identity::normalise_supplier_name(name.as_deref().unwrap_or(""));
    if !wanted.is_empty() {
        query = query.filter(supplier::Column::NormalisedName.contains(wanted.as_str()));
    }
    if sme_only {
        query = query.filter(supplier::Column::IsSme.eq(true));
    }
    if vcse_only {
        query = query.filter(supplier::Column::IsVcse.eq(true));
    }
    if let Some(region) = region {
        query = query.filter(supplier::Column::Region.eq(region));
    }
    let query = query
        .order_by_asc(supplier::Column::NormalisedName)
        .order_by_asc(supplier::Column::Id);
    // Only the columns a row shows (a supplier's description can be long).
    let query = query
        .select_only()
        .columns([
            supplier::Column::Id,
            supplier::Column::Name,
            supplier::Column::IsSme,
            supplier::Column::IsVcse,
            supplier::Column::Region,
        ])
        .into_tuple::<(Uuid, String, bool, bool, Option<String>)>();
    let (rows, page, total) = fetch_page(db, query, page).await?;
    let items = rows
        .into_iter()
        .map(|(id, name, is_sme, is_vcse, region)| SupplierListItem {
            id,
            name,
            is_sme,
            is_vcse,
            region,
        })
        .collect();
    Ok(filters.into_listing(items, page, total))
}

/// "Ending within" choices: days from today.
const ENDING_WITHIN_DAYS: [(i64, &str); 4] = [
    (90, "Ending within 3 months (90 days)"),
    (180, "Ending within 6 months (180 days)"),
    (365, "Ending within 12 months (365 days)"),
    (730, "Ending within 2 years (730 days)"),
];

/// Contracts soonest-ending first (undated last), filtered by buying council,
/// the footprint it belongs to, and how soon they end.
pub async fn contracts(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    council: Option<String>,
    footprint_code: Option<String>,
    ending: Option<String>,
    page: u64,
) -> Result<ContractListing, AppError> {
    let snapshot = snapshots.get(db).await?;
    let mut filters = FilterSet::default();
    let council = filters.select(
        "council",
        "Council",
        "a council",
        council,
        snapshot.contract_councils.clone(),
    );
    let footprint_code = filters.select(
        "footprint",
        "Footprint",
        "a footprint",
        footprint_code,
        snapshot.contract_footprints.clone(),
    );
    let ending = filters.select(
        "ending",
        "Ends",
        "when the contract ends",
        ending,
        ENDING_WITHIN_DAYS
            .iter()
            .map(|(days, label)| (days.to_string(), (*label).to_owned()))
            .collect(),
    );
    if filters.refused() {
        return Ok(filters.into_empty_listing());
    }
    let mut query = contract::Entity::find();
    if let Some(gss) = council {
        let id = snapshot.council_by_gss(&gss).map(|c| c.id);
        query = query.filter(super::catalogue::bought_by(id));
    }
    if let Some(code) = footprint_code {
        query = query.filter(super::catalogue::bought_by(snapshot.members_of(&code)));
    }
    if let Some(days) = ending.and_then(|d| d.parse::<i64>().ok()) {
        let today = today();
        query = query
            .filter(contract::Column::EndDate.gte(today))
            .filter(contract::Column::EndDate.lte(today + time::Duration::days(days)));
    }
    let query = query
        .order_by_with_nulls(
            contract::Column::EndDate,
            sea_orm::Order::Asc,
            sea_orm::sea_query::NullOrdering::Last,
        )
        .order_by_asc(contract::Column::Title)
        .order_by_asc(contract::Column::Id);
    let (rows, page, total) = fetch_page(db, contract_rows(query), page).await?;
    let items = summarise_contracts(db, rows).await?;
    Ok(filters.into_listing(items, page, total))
}

/// Published offers by title, filtered by CPV category (division) and the
/// footprint served.
pub async fn offers(
    db: &DatabaseConnection,
    snapshots: &SnapshotCache,
    category: Option<String>,
    footprint_code: Option<String>,
    page: u64,
) -> Result<OfferListing, AppError> {
    let snapshot = snapshots.get(db).await?;
    let mut filters = FilterSet::default();
    let category = filters.select(
        "category",
        "Category",
        "a category",
        category,
        snapshot.offer_categories.clone(),
    );
    let footprint_code = filters.select(
        "footprint",
        "Footprint served",
        "a footprint",
        footprint_code,
        snapshot.offer_footprints.clone(),
    );
    if filters.refused() {
        return Ok(filters.into_empty_listing());
    }
    let mut query =
        offer::Entity::find().filter(offer::Column::Status.eq(OfferStatus::Published.as_str()));
    if let Some(division) = category {
        // Codes are eight digits, so a division is a two-digit prefix.
        let in_division = offer_cpv::Entity::find()
            .select_only()
            .column(offer_cpv::Column::OfferId)
            .filter(offer_cpv::Column::CpvCode.starts_with(division.as_str()));
        query = query.filter(offer::Column::Id.in_subquery(in_division.into_query()));
    }
    if let Some(id) = footprint_code
        .and_then(|code| snapshot.footprints().iter().find(|f| f.code == code))
        .map(|f| f.id)
    {
        let serving = offer_footprint::Entity::find()
            .select_only()
            .column(offer_footprint::Column::OfferId)
            .filter(offer_footprint::Column::FootprintId.eq(id));
        query = query.filter(offer::Column::Id.in_subquery(serving.into_query()));
    }
    let query = query
        .order_by_asc(offer::Column::Title)
        .order_by_asc(offer::Column::Id);
    let (rows, page, total) = fetch_page(db, query, page).await?;
    let supplier_names: BTreeMap<Uuid, String> = supplier::Entity::find()
        .filter(supplier::Column::Id.is_in(rows.iter().map(|o| o.supplier_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let items = rows
        .into_iter()
        .map(|o| OfferListItem {
            id: o.id,
            price: describe_price(
                o.pricing_model.as_deref(),
                o.price_pence,
                o.price_unit.as_deref(),
            ),
            supplier_name: supplier_names
                .get(&o.supplier_id)
                .cloned()
                .unwrap_or_default(),
            supplier_id: o.supplier_id,
            title: o.title,
            summary: o.summary,
            is_demo: o.is_demo,
        })
        .collect();
    Ok(filters.into_listing(items, page, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Vec<(String, String)> {
        vec![
            ("live".into(), "Live".into()),
            ("expired".into(), "Expired".into()),
        ]
    }

    #[test]
    fn a_select_accepts_only_its_choices() {
        let mut filters = FilterSet::default();
        assert_eq!(
            filters.select(
                "status",
                "Status",
                "a status",
                Some(" live ".into()),
                choices()
            ),
            Some("live".to_owned())
        );
        assert_eq!(
            filters.select("other", "Other", "a thing", Some(String::new()), choices()),
            None
        );
        assert!(!filters.refused());
        assert_eq!(
            filters.select(
                "third",
                "Third",
                "a third thing",
                Some("forever".into()),
                choices()
            ),
            None
        );
        let listing: Listing<u8> = filters.into_empty_listing();
        let error = listing.error.clone().expect("refused");
        assert_eq!(error.field, "third");
        assert_eq!(error.message, "Select a third thing from the list");
        // The refused value is kept, so the visitor sees what they sent.
        assert_eq!(listing.value_of("third"), "forever");
    }

    #[test]
    fn the_first_refusal_is_the_one_reported() {
        let mut filters = FilterSet::default();
        filters.select("a", "A", "an a", Some("x".into()), choices());
        filters.search("b", "Name", Some("y".repeat(11)), 10);
        let listing: Listing<u8> = filters.into_empty_listing();
        assert_eq!(listing.error.map(|e| e.field).as_deref(), Some("a"));
    }

    #[test]
    fn searches_are_trimmed_and_limited() {
        let mut filters = FilterSet::default();
        assert_eq!(
            filters.search("name", "Supplier name", Some("  acme ".into()), 10),
            Some("acme".to_owned())
        );
        assert_eq!(filters.search("none", "None", Some("   ".into()), 10), None);
        filters.search("long", "Supplier name", Some("é".repeat(11)), 10);
        let listing: Listing<u8> = filters.into_empty_listing();
        assert_eq!(
            listing.error.map(|e| e.message).as_deref(),
            Some("Supplier name must be 10 characters or fewer")
        );
    }

    #[test]
    fn a_checkbox_is_ticked_only_by_yes() {
        let mut filters = FilterSet::default();
        assert!(filters.checkbox("sme", "SMEs", Some("yes".into())));
        assert!(!filters.checkbox("vcse", "VCSEs", Some("on".into())));
        assert!(!filters.checkbox("none", "None", None));
        let listing: Listing<u8> = filters.into_listing(Vec::new(), 1, 0);
        assert_eq!(
            listing.query_pairs(),
            vec![("sme".to_owned(), "yes".to_owned())]
        );
        assert!(listing.error.is_none());
    }
}
