//! Reference data and the public lists' filter choices, held in memory.
//!
//! Every list page needs the councils, the footprints and their members, and
//! the choices its filters offer (owners, regions, councils that have
//! contracts…). Computing them per request loaded whole tables on every page
//! view. They are computed once into a [`Snapshot`] and rebuilt only when the
//! database changed.
//!
//! The version is the highest `audit_event` id. Every change goes through
//! `changes::record`, which writes exactly one audit event, and on PostgreSQL
//! takes the change path's lock before writing it, so ids grow in commit
//! order: a snapshot built after reading version `v` holds every change up to
//! `v`. Reading the version is one primary-key lookup per request, and it
//! sees changes made by other processes too (a `server seed`, another node).
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, RwLock};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

use super::summaries::count_by;
use crate::server::entities::{
    audit_event, contract_buyer, cpv_code, footprint, footprint_member, framework,
    framework_eligibility, offer, offer_cpv, offer_footprint, organisation, supplier,
};
use crate::types::CouncilFilterOptions;
use crate::types::commands::OfferStatus;

/// (value, label) choices of a select.
pub type Choices = Vec<(String, String)>;

/// What the read services share, as of one version of the database.
pub struct Snapshot {
    pub version: i64,
    /// Councils and strategic authorities, current or not.
    organisations: HashMap<Uuid, organisation::Model>,
    /// Ids of current councils, by name.
    councils_by_name: Vec<Uuid>,
    council_by_gss: HashMap<String, Uuid>,
    /// Every footprint, by name.
    footprints: Vec<footprint::Model>,
    members: Vec<footprint_member::Model>,
    eligibility: Vec<framework_eligibility::Model>,
    /// The nations, regions and types current councils actually have.
    pub council_options: CouncilFilterOptions,
    pub framework_owners: Vec<String>,
    pub supplier_regions: Vec<String>,
    /// Councils that have bought something, and their footprints.
    pub contract_councils: Choices,
    pub contract_footprints: Choices,
    /// CPV divisions and footprints of published offers.
    pub offer_categories: Choices,
    pub offer_footprints: Choices,
}

impl Snapshot {
    async fn load<C: ConnectionTrait>(db: &C, version: i64) -> Result<Self, DbErr> {
        let organisations: HashMap<Uuid, organisation::Model> = organisation::Entity::find()
            .filter(organisation::Column::Category.is_in([
                organisation::CATEGORY_COUNCIL,
                organisation::CATEGORY_STRATEGIC_AUTHORITY,
            ]))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let mut current: Vec<&organisation::Model> = organisations
            .values()
            .filter(|o| o.category == organisation::CATEGORY_COUNCIL && o.end_date.is_none())
            .collect();
        current.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let council_options = CouncilFilterOptions {
            nations: sorted(current.iter().map(|o| o.nation.clone())),
            regions: sorted(current.iter().filter_map(|o| o.region.clone())),
            types: current
                .iter()
                .map(|o| (o.org_type_name.clone(), o.org_type.clone()))
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .map(|(name, code)| (code, name))
                .collect(),
        };
        let council_by_gss = current
            .iter()
            .filter_map(|o| o.gss_code.clone().map(|gss| (gss, o.id)))
            .collect();
        let councils_by_name = current.iter().map(|o| o.id).collect();

        let footprints = footprint::Entity::find()
            .order_by_asc(footprint::Column::Name)
            .order_by_asc(footprint::Column::Id)
            .all(db)
            .await?;
        let members = footprint_member::Entity::find().all(db).await?;
        let eligibility = framework_eligibility::Entity::find().all(db).await?;

        let framework_owners = framework::Entity::find()
            .select_only()
            .column(framework::Column::OwnerName)
            .distinct()
            .order_by_asc(framework::Column::OwnerName)
            .into_tuple()
            .all(db)
            .await?;
        let supplier_regions: Vec<Option<String>> = supplier::Entity::find()
            .select_only()
            .column(supplier::Column::Region)
            .distinct()
            .order_by_asc(supplier::Column::Region)
            .into_tuple()
            .all(db)
            .await?;

        let buyers: BTreeSet<Uuid> = contract_buyer::Entity::find()
            .select_only()
            .column(contract_buyer::Column::OrganisationId)
            .distinct()
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let contract_councils = current
            .iter()
            .filter(|o| buyers.contains(&o.id))
            .filter_map(|o| o.gss_code.clone().map(|gss| (gss, o.name.clone())))
            .collect();
        let buyer_footprints: BTreeSet<Uuid> = members
            .iter()
            .filter(|m| buyers.contains(&m.organisation_id))
            .map(|m| m.footprint_id)
            .collect();

        let published = offer::Entity::find()
            .select_only()
            .column(offer::Column::Id)
            .filter(offer::Column::Status.eq(OfferStatus::Published.as_str()));
        let divisions: BTreeSet<String> = offer_cpv::Entity::find()
            .select_only()
            .column(offer_cpv::Column::CpvCode)
            .filter(offer_cpv::Column::OfferId.in_subquery(published.clone().into_query()))
            .into_tuple::<String>()
            .all(db)
            .await?
            .iter()
            .map(|code| division_of(code))
            .collect();
        let offer_categories = cpv_code::Entity::find()
            .filter(cpv_code::Column::Code.is_in(divisions.iter().map(|d| format!("{d}000000"))))
            .order_by_asc(cpv_code::Column::Code)
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.division.clone(), format!("{} ({})", c.label, c.division)))
            .collect();
        let served: BTreeSet<Uuid> = offer_footprint::Entity::find()
            .select_only()
            .column(offer_footprint::Column::FootprintId)
            .filter(offer_footprint::Column::OfferId.in_subquery(published.into_query()))
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect();

        let footprint_choices = |only: &BTreeSet<Uuid>| -> Choices {
            footprints
                .iter()
                .filter(|f| only.contains(&f.id))
                .map(|f| (f.code.clone(), f.name.clone()))
                .collect()
        };
        let contract_footprints = footprint_choices(&buyer_footprints);
        let offer_footprints = footprint_choices(&served);
        Ok(Self {
            version,
            council_options,
            council_by_gss,
            councils_by_name,
            framework_owners,
            supplier_regions: supplier_regions.into_iter().flatten().collect(),
            contract_councils,
            contract_footprints,
            offer_categories,
            offer_footprints,
            organisations,
            footprints,
            members,
            eligibility,
        })
    }

    /// A council or strategic authority by id.
    pub fn organisation(&self, id: Uuid) -> Option<&organisation::Model> {
        self.organisations.get(&id)
    }

    /// Current councils, by name.
    pub fn councils(&self) -> impl Iterator<Item = &organisation::Model> {
        self.councils_by_name
            .iter()
            .filter_map(|id| self.organisations.get(id))
    }

    /// A current council by GSS code.
    pub fn council_by_gss(&self, gss: &str) -> Option<&organisation::Model> {
        self.council_by_gss
            .get(gss)
            .and_then(|id| self.organisations.get(id))
    }

    /// Current councils as (GSS code, name) choices, by name.
    pub fn council_choices(&self) -> Choices {
        self.councils()
            .filter_map(|c| c.gss_code.clone().map(|gss| (gss, c.name.clone())))
            .collect()
    }

    /// Every footprint, by name.
    pub fn footprints(&self) -> &[footprint::Model] {
        &self.footprints
    }

    /// Footprint memberships (current and past).
    pub fn memberships(&self) -> &[footprint_member::Model] {
        &self.members
    }

    /// Ids of the organisations ever in the footprint with this code.
    pub fn members_of(&self, code: &str) -> Vec<Uuid> {
        let Some(found) = self.footprints.iter().find(|f| f.code == code) else {
            return Vec::new();
        };
        self.members
            .iter()
            .filter(|m| m.footprint_id == found.id)
            .map(|m| m.organisation_id)
            .collect()
    }

    /// Ids of the organisations in the footprint (by id) now.
    pub fn current_members(&self, footprint_id: Uuid) -> HashSet<Uuid> {
        self.members
            .iter()
            .filter(|m| m.footprint_id == footprint_id && m.left_on.is_none())
            .map(|m| m.organisation_id)
            .collect()
    }

    /// Ids of the footprints an organisation belongs to now.
    pub fn current_footprint_ids_of(&self, organisation_id: Uuid) -> HashSet<Uuid> {
        self.members
            .iter()
            .filter(|m| m.organisation_id == organisation_id && m.left_on.is_none())
            .map(|m| m.footprint_id)
            .collect()
    }

    /// Ids of the footprints an organisation belongs (or belonged) to.
    pub fn footprint_ids_of(&self, organisation_id: Uuid) -> Vec<Uuid> {
        self.members
            .iter()
            .filter(|m| m.organisation_id == organisation_id)
            .map(|m| m.footprint_id)
            .collect()
    }

    /// Codes of the footprints an organisation belongs (or belonged) to.
    pub fn footprint_codes_of(&self, organisation_id: Uuid) -> Vec<String> {
        let ids: BTreeSet<Uuid> = self.footprint_ids_of(organisation_id).into_iter().collect();
        self.footprints
            .iter()
            .filter(|f| ids.contains(&f.id))
            .map(|f| f.code.clone())
            .collect()
    }

    /// Current members per footprint id.
    pub fn current_member_counts(&self) -> HashMap<Uuid, u64> {
        count_by(
            self.members
                .iter()
                .filter(|m| m.left_on.is_none())
                .map(|m| m.footprint_id),
        )
    }

    /// Every framework eligibility rule.
    pub fn eligibility_rules(&self) -> &[framework_eligibility::Model] {
        &self.eligibility
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_are_the_first_two_digits() {
        assert_eq!(division_of("72212000"), "72");
        assert_eq!(division_of("48000000"), "48");
    }
}

fn sorted(values: impl Iterator<Item = String>) -> Vec<String> {
    values.collect::<BTreeSet<_>>().into_iter().collect()
}

/// The CPV division of a code: its first two digits ("72" of "72212000").
pub fn division_of(code: &str) -> String {
    code.chars().take(2).collect()
}

/// The newest [`Snapshot`], rebuilt when the database has moved on.
#[derive(Default)]
pub struct SnapshotCache {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// One rebuild at a time: the others wait for it rather than repeat it.
    rebuilding: tokio::sync::Mutex<()>,
}

impl SnapshotCache {
    /// The snapshot of the database as it is now.
    pub async fn get<C: ConnectionTrait>(&self, db: &C) -> Result<Arc<Snapshot>, DbErr> {
        let version = current_version(db).await?;
        if let Some(snapshot) = self.fresh(version) {
            return Ok(snapshot);
        }
        let _turn = self.rebuilding.lock().await;
        if let Some(snapshot) = self.fresh(version) {
            return Ok(snapshot);
        }
        let snapshot = Arc::new(Snapshot::load(db, version).await?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// The database's version now (see the module note): what a cache of
    /// anything derived from the database can be keyed by.
    pub async fn version<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
        current_version(db).await
    }

    /// The held snapshot when it is of `version` (any other, older or newer,
    /// as after a restore, is rebuilt).
    fn fresh(&self, version: i64) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|s| s.version == version)
            .cloned()
    }
}

/// The highest audit event id: the database's version (see the module note).
async fn current_version<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let newest: Option<i64> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Id)
        .order_by_desc(audit_event::Column::Id)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    Ok(newest.unwrap_or(0))
}
