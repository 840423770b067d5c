//! The adapter between the database and the pure duplicate detector
//! (`server::dedupe`): reads contracts and planned purchases of councils
//! and strategic authorities into detector items, runs the detector, and
//! reports pairs and clusters with each record's source identifiers, so a
//! labelled set kept elsewhere can be scored against them.
//!
//! Word weights always come from the national corpus; a footprint's report
//! keeps the pairs whose two sides both have a buyer in the footprint.
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

use super::snapshot::SnapshotCache;
use crate::server::dedupe::{self, Index, Item, Normaliser};
use crate::server::entities::{
    buying_intent, buying_intent_cpv, contract, contract_buyer, contract_cpv, contract_supplier,
    footprint, footprint_member, framework, intent_participant, organisation, planned_purchase,
    planned_purchase_cpv, supplier,
};
use crate::types::SimilarPurchase;

/// Where a detector item came from, for people and for scoring exports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    /// `contract`, `planned_purchase` or `buying_intent`.
    pub kind: &'static str,
    pub id: Uuid,
    /// Import source (`ocds`, `contracts_finder`, `ted`, `transparency_csv`,
    /// `register`).
    pub source: String,
    /// The Contracts Finder notice identifier, TED notice number, OCDS ocid
    /// or register reference the record was imported under.
    pub source_id: Option<String>,
    pub ocid: Option<String>,
    pub release_id: Option<String>,
    pub buyer_ids: Vec<Uuid>,
    pub buyer_names: Vec<String>,
}

/// The national corpus, ready for detection.
pub struct Corpus {
    pub index: Index,
    /// Parallel to the index's items.
    pub records: Vec<Record>,
    /// Each buyer's items (their places in the index).
    pub by_buyer: HashMap<Uuid, Vec<u32>>,
}

impl Corpus {
    /// `records` parallel to `index`'s items.
    pub fn new(index: Index, records: Vec<Record>) -> Self {
        let mut by_buyer: HashMap<Uuid, Vec<u32>> = HashMap::new();
        for (at, record) in records.iter().enumerate() {
            for buyer in &record.buyer_ids {
                by_buyer.entry(*buyer).or_default().push(at as u32);
            }
        }
        Corpus {
            index,
            records,
            by_buyer,
        }
    }
}

#[derive(sea_orm::FromQueryResult)]
struct ContractRow {
    id: Uuid,
    buyer_organisation_id: Uuid,
    title: String,
    description: Option<String>,
    value_pence: Option<i64>,
    value_max_pence: Option<i64>,
    start_date: Option<Date>,
    end_date: Option<Date>,
    framework_id: Option<Uuid>,
    call_off_reference: Option<String>,
    source: String,
    source_id: Option<String>,
    ocid: Option<String>,
    release_id: Option<String>,
}

#[derive(sea_orm::FromQueryResult)]
struct PlannedRow {
    id: Uuid,
    buyer_organisation_id: Uuid,
    title: String,
    description: Option<String>,
    value_min_pence: Option<i64>,
    value_max_pence: Option<i64>,
    expected_start: Option<Date>,
    expected_end: Option<Date>,
    source: String,
    source_id: String,
    ocid: Option<String>,
    release_id: Option<String>,
}

fn grouped<T>(rows: impl IntoIterator<Item = (Uuid, T)>) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = HashMap::new();
    for (key, value) in rows {
        out.entry(key).or_default().push(value);
    }
    out
}

/// Reads every contract, planned purchase and live buying intent with a
/// council or strategic authority among its buyers and builds the
/// detector's index.
pub async fn corpus(db: &DatabaseConnection) -> Result<Corpus, DbErr> {
    let public_bodies: HashMap<Uuid, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Category.is_in([
            organisation::CATEGORY_COUNCIL,
            organisation::CATEGORY_STRATEGIC_AUTHORITY,
        ]))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let footprint_names: Vec<String> = footprint::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .flat_map(|f| [f.name, f.short_name])
        .collect();
    // Council and area names are dropped from the compared text: they say
    // who buys, not what.
    let normaliser = Normaliser::new(
        public_bodies
            .values()
            .flat_map(|o| [o.name.as_str(), o.short_name.as_str()])
            .chain(footprint_names.iter().map(String::as_str)),
    );

    let joint = grouped(
        contract_buyer::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.contract_id, b.organisation_id)),
    );
    let cpv = grouped(
        contract_cpv::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.contract_id, c.cpv_code)),
    );
    let supplier_names: HashMap<Uuid, String> = supplier::Entity::find()
        .select_only()
        .columns([supplier::Column::Id, supplier::Column::Name])
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let suppliers = grouped(
        contract_supplier::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|s| Some((s.contract_id, supplier_names.get(&s.supplier_id)?.clone()))),
    );
    let framework_references: HashMap<Uuid, String> = framework::Entity::find()
        .select_only()
        .columns([framework::Column::Id, framework::Column::Reference])
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    let mut items = Vec::new();
    let mut records = Vec::new();
    let mut add = |item: Item, record: Record| {
        if record
            .buyer_ids
            .iter()
            .any(|b| public_bodies.contains_key(b))
        {
            items.push(item);
            records.push(record);
        }
    };
    let buyer_names = |ids: &[Uuid]| -> Vec<String> {
        ids.iter()
            .filter_map(|b| public_bodies.get(b).map(|o| o.name.clone()))
            .collect()
    };

    use contract::Column as C;
    let contracts: Vec<ContractRow> = contract::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::BuyerOrganisationId,
            C::Title,
            C::Description,
            C::ValuePence,
            C::ValueMaxPence,
            C::StartDate,
            C::EndDate,
            C::FrameworkId,
            C::CallOffReference,
            C::Source,
            C::SourceId,
            C::Ocid,
            C::ReleaseId,
        ])
        .into_model()
        .all(db)
        .await?;
    for c in contracts {
        let mut buyers = vec![c.buyer_organisation_id];
        buyers.extend(joint.get(&c.id).cloned().unwrap_or_default());
        buyers.sort();
        buyers.dedup();
        let item = Item {
            key: format!("contract:{}", c.id),
            buyers: buyers.iter().map(Uuid::to_string).collect(),
            title: c.title,
            description: c.description,
            cpv_codes: cpv.get(&c.id).cloned().unwrap_or_default(),
            suppliers: suppliers.get(&c.id).cloned().unwrap_or_default(),
            framework: c
                .framework_id
                .and_then(|f| framework_references.get(&f).cloned())
                .or(c.call_off_reference),
            value_pence: c.value_pence.or(c.value_max_pence),
            start: c.start_date,
            end: c.end_date,
        };
        let record = Record {
            kind: "contract",
            id: c.id,
            source: c.source,
            source_id: c.source_id,
            ocid: c.ocid,
            release_id: c.release_id,
            buyer_names: buyer_names(&buyers),
            buyer_ids: buyers,
        };
        add(item, record);
    }

    let planned_cpv = grouped(
        planned_purchase_cpv::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.planned_purchase_id, c.cpv_code)),
    );
    use planned_purchase::Column as P;
    let planned: Vec<PlannedRow> = planned_purchase::Entity::find()
        .select_only()
        .columns([
            P::Id,
            P::BuyerOrganisationId,
            P::Title,
            P::Description,
            P::ValueMinPence,
            P::ValueMaxPence,
            P::ExpectedStart,
            P::ExpectedEnd,
            P::Source,
            P::SourceId,
            P::Ocid,
            P::ReleaseId,
        ])
        .into_model()
        .all(db)
        .await?;
    for p in planned {
        let buyers = vec![p.buyer_organisation_id];
        let item = Item {
            key: format!("planned_purchase:{}", p.id),
            buyers: buyers.iter().map(Uuid::to_string).collect(),
            title: p.title,
            description: p.description,
            cpv_codes: planned_cpv.get(&p.id).cloned().unwrap_or_default(),
            suppliers: Vec::new(),
            framework: None,
            value_pence: p.value_max_pence.or(p.value_min_pence),
            start: p.expected_start,
            end: p.expected_end,
        };
        let record = Record {
            kind: "planned_purchase",
            id: p.id,
            source: p.source,
            source_id: Some(p.source_id),
            ocid: p.ocid,
            release_id: p.release_id,
            buyer_names: buyer_names(&buyers),
            buyer_ids: buyers,
        };
        add(item, record);
    }
    for intent in live_intents(db).await? {
        let record = Record {
            kind: "buying_intent",
            id: intent.id,
            source: "intent".into(),
            source_id: None,
            ocid: None,
            release_id: None,
            buyer_names: buyer_names(&intent.buyers),
            buyer_ids: intent.buyers.clone(),
        };
        add(intent.item, record);
    }
    Ok(Corpus::new(Index::build(normaliser, items), records))
}

/// An intent still being bought, as a detector item.
struct IntentItem {
    id: Uuid,
    buyers: Vec<Uuid>,
    item: Item,
}

/// Intents neither awarded (the contract it became is in the corpus) nor
/// withdrawn, with every council taking part as a buyer and their shares
/// added up.
async fn live_intents(db: &DatabaseConnection) -> Result<Vec<IntentItem>, DbErr> {
    use crate::types::commands::{IntentStatus, ParticipantStatus};
    let intents = buying_intent::Entity::find()
        .filter(buying_intent::Column::Status.is_not_in([
            IntentStatus::Awarded.as_str(),
            IntentStatus::Withdrawn.as_str(),
        ]))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = intents.iter().map(|i| i.id).collect();
    let cpv = grouped(
        buying_intent_cpv::Entity::find()
            .filter(buying_intent_cpv::Column::BuyingIntentId.is_in(ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.buying_intent_id, c.cpv_code)),
    );
    let shares = grouped(
        intent_participant::Entity::find()
            .filter(intent_participant::Column::BuyingIntentId.is_in(ids))
            .filter(intent_participant::Column::Status.ne(ParticipantStatus::Withdrawn.as_str()))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.buying_intent_id, (p.organisation_id, p.value_pence))),
    );
    Ok(intents
        .into_iter()
        .map(|i| {
            let taking_part = shares.get(&i.id).cloned().unwrap_or_default();
            let mut buyers: Vec<Uuid> = taking_part.iter().map(|(o, _)| *o).collect();
            buyers.push(i.owner_organisation_id);
            buyers.sort();
            buyers.dedup();
            let value: i64 = taking_part.iter().filter_map(|(_, v)| *v).sum();
            IntentItem {
                id: i.id,
                item: Item {
                    key: format!("buying_intent:{}", i.id),
                    buyers: buyers.iter().map(Uuid::to_string).collect(),
                    title: i.title,
                    description: Some(i.need_description),
                    cpv_codes: cpv.get(&i.id).cloned().unwrap_or_default(),
                    suppliers: Vec::new(),
                    framework: None,
                    value_pence: (value > 0).then_some(value).or(i.estimated_value_pence),
                    start: i.window_start,
                    end: i.window_end,
                },
                buyers,
            }
        })
        .collect())
}

/// How long a held corpus answers live checks after the database changed
/// before it is rebuilt: a rebuild reads every contract, so a burst of
/// changes costs one rebuild, and a new record is seen within this time.
pub const LIVE_REFRESH: std::time::Duration = std::time::Duration::from_secs(10);

/// The national corpus held for live checks of a need being entered.
#[derive(Default)]
pub struct LiveCheck {
    held: std::sync::Mutex<Option<Held>>,
    /// One rebuild at a time; the others wait for it rather than repeat it.
    rebuilding: tokio::sync::Mutex<()>,
}

struct Held {
    version: i64,
    built: std::time::Instant,
    corpus: Arc<std::sync::Mutex<Corpus>>,
    /// The corpus's matched pairs, found the first time a dashboard asks.
    pairs: Arc<std::sync::OnceLock<Vec<dedupe::Pair>>>,
}

/// A held corpus and its pairs.
type Shared = (
    Arc<std::sync::Mutex<Corpus>>,
    Arc<std::sync::OnceLock<Vec<dedupe::Pair>>>,
);

impl LiveCheck {
    fn usable(&self, version: i64) -> Option<Shared> {
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        held.as_ref()
            .filter(|h| h.version == version || h.built.elapsed() < LIVE_REFRESH)
            .map(|h| (h.corpus.clone(), h.pairs.clone()))
    }

    /// The corpus to check against: the held one while it is current (or
    /// young), else a fresh one.
    async fn shared(&self, db: &DatabaseConnection) -> Result<Shared, DbErr> {
        let version = SnapshotCache::version(db).await?;
        if let Some(shared) = self.usable(version) {
            return Ok(shared);
        }
        let _turn = self.rebuilding.lock().await;
        if let Some(shared) = self.usable(version) {
            return Ok(shared);
        }
        let corpus = Arc::new(std::sync::Mutex::new(corpus(db).await?));
        let pairs = Arc::new(std::sync::OnceLock::new());
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some(Held {
            version,
            built: std::time::Instant::now(),
            corpus: corpus.clone(),
            pairs: pairs.clone(),
        });
        Ok((corpus, pairs))
    }

    async fn corpus(
        &self,
        db: &DatabaseConnection,
    ) -> Result<Arc<std::sync::Mutex<Corpus>>, DbErr> {
        Ok(self.shared(db).await?.0)
    }

    /// Runs `read` over the national corpus and every matched pair in it
    /// (found once per corpus, on first use).
    pub async fn with_pairs<R>(
        &self,
        db: &DatabaseConnection,
        read: impl FnOnce(&Corpus, &[dedupe::Pair]) -> R,
    ) -> Result<R, DbErr> {
        let (corpus, pairs) = self.shared(db).await?;
        let corpus = corpus.lock().unwrap_or_else(|e| e.into_inner());
        let pairs = pairs.get_or_init(|| corpus.index.pairs().0);
        Ok(read(&corpus, pairs))
    }

    /// The records that look like `item` (kind, id and the reasons), best
    /// first, at most `limit`.
    pub async fn similar_records(
        &self,
        db: &DatabaseConnection,
        item: &Item,
        limit: usize,
    ) -> Result<Vec<(&'static str, Uuid, Vec<String>)>, DbErr> {
        let corpus = self.corpus(db).await?;
        let mut corpus = corpus.lock().unwrap_or_else(|e| e.into_inner());
        Ok(corpus_similar(&mut corpus, item, limit, &[])
            .into_iter()
            .map(|(i, _, reasons)| (corpus.records[i].kind, corpus.records[i].id, reasons))
            .collect())
    }

    /// Other buyers' purchases that look like `item`, best first, those with
    /// a buyer among `near` (the need's footprint) before the rest.
    pub async fn similar(
        &self,
        db: &DatabaseConnection,
        item: &Item,
        near: &HashSet<Uuid>,
        limit: usize,
    ) -> Result<Vec<SimilarPurchase>, DbErr> {
        let corpus = self.corpus(db).await?;
        let mut corpus = corpus.lock().unwrap_or_else(|e| e.into_inner());
        // Every purchase of the footprint's buyers is scored, not only
        // those the buckets find (they find a close match with high
        // probability, not certainty), and every match is kept until the
        // near ones are put first: a common need has hundreds of close
        // matches nationally, and the near ones must surface even when
        // others score higher.
        let near_items: Vec<u32> = near
            .iter()
            .filter_map(|buyer| corpus.by_buyer.get(buyer))
            .flatten()
            .copied()
            .collect();
        let found = corpus_similar(&mut corpus, item, usize::MAX, &near_items);
        let mut shown: Vec<SimilarPurchase> = found
            .into_iter()
            .map(|(i, score, reasons)| {
                let record = &corpus.records[i];
                let other = corpus.index.item(i);
                SimilarPurchase {
                    kind_label: kind_label(record.kind).into(),
                    href: match record.kind {
                        "contract" => Some(format!("/contracts/{}", record.id)),
                        "buying_intent" => Some(format!("/intents/{}", record.id)),
                        _ => None,
                    },
                    reference: record.source_id.clone(),
                    title: other.title().to_owned(),
                    buyers: record.buyer_names.clone(),
                    suppliers: other.suppliers().map(str::to_owned).collect(),
                    value_pence: other.value_pence(),
                    start: other.start(),
                    end: other.end(),
                    reasons,
                    score: (score * 100.0).round() / 100.0,
                    near: record.buyer_ids.iter().any(|b| near.contains(b)),
                }
            })
            .collect();
        // Stable: within near and far, the detector's order (best first).
        shown.sort_by_key(|s| !s.near);
        shown.truncate(limit);
        Ok(shown)
    }
}

/// Other councils' purchases that look like contract `id`, those of the
/// buyers' footprints first: what a council sees as soon as it has added a
/// contract to its register, and what an officer sees on any contract.
pub async fn similar_to_contract(
    state: &crate::server::AppState,
    id: Uuid,
    limit: usize,
) -> Result<Vec<SimilarPurchase>, DbErr> {
    let db = &state.db;
    let Some(found) = contract::Entity::find_by_id(id).one(db).await? else {
        return Ok(Vec::new());
    };
    let mut buyers: Vec<Uuid> = contract_buyer::Entity::find()
        .filter(contract_buyer::Column::ContractId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.organisation_id)
        .collect();
    buyers.push(found.buyer_organisation_id);
    let cpv_codes = contract_cpv::Entity::find()
        .filter(contract_cpv::Column::ContractId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.cpv_code)
        .collect();
    let supplier_ids: Vec<Uuid> = contract_supplier::Entity::find()
        .filter(contract_supplier::Column::ContractId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.supplier_id)
        .collect();
    let suppliers = supplier::Entity::find()
        .filter(supplier::Column::Id.is_in(supplier_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.name)
        .collect();
    let framework = match found.framework_id {
        Some(f) => framework::Entity::find_by_id(f)
            .one(db)
            .await?
            .map(|f| f.reference),
        None => found.call_off_reference.clone(),
    };
    let snapshot = state.snapshots.get(db).await?;
    let near: HashSet<Uuid> = buyers
        .iter()
        .flat_map(|b| snapshot.current_footprint_ids_of(*b))
        .flat_map(|f| snapshot.current_members(f))
        .collect();
    let item = Item {
        key: format!("contract:{id}"),
        buyers: buyers.iter().map(Uuid::to_string).collect(),
        title: found.title,
        description: found.description,
        cpv_codes,
        suppliers,
        framework,
        value_pence: found.value_pence.or(found.value_max_pence),
        start: found.start_date,
        end: found.end_date,
    };
    state.live_check.similar(db, &item, &near, limit).await
}

fn corpus_similar(
    corpus: &mut Corpus,
    item: &Item,
    limit: usize,
    also: &[u32],
) -> Vec<(usize, f64, Vec<String>)> {
    corpus
        .index
        .similar_with(item, limit, also)
        .into_iter()
        .map(|s| {
            (
                s.item,
                s.score,
                s.reasons.iter().map(ToString::to_string).collect(),
            )
        })
        .collect()
}

/// What a record is, for people.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "contract" => "Contract",
        "planned_purchase" => "Planned purchase",
        "buying_intent" => "Buying intent",
        _ => "Purchase",
    }
}

/// Which pairs a report keeps.
#[derive(Clone, Debug)]
pub enum Scope {
    National,
    /// Pairs whose both sides have a buyer among these organisations.
    Members(HashSet<Uuid>),
}

/// The organisations of the footprint whose code or GSS code is `code`
/// (any letter case), with its name; `None` when there is no such footprint.
pub async fn footprint_scope(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<(String, Scope)>, DbErr> {
    let wanted = code.trim().to_uppercase();
    let Some(found) = footprint::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .find(|f| {
            f.code.to_uppercase() == wanted
                || f.gss_code.as_deref().map(str::to_uppercase) == Some(wanted.clone())
        })
    else {
        return Ok(None);
    };
    let members: HashSet<Uuid> = footprint_member::Entity::find()
        .filter(footprint_member::Column::FootprintId.eq(found.id))
        .filter(footprint_member::Column::LeftOn.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.organisation_id)
        .collect();
    Ok(Some((found.name, Scope::Members(members))))
}

/// One side of a reported pair or one member of a cluster.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    #[serde(flatten)]
    pub record: Record,
    pub title: String,
    pub value_pence: Option<i64>,
    pub start: Option<Date>,
    pub end: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportedPair {
    pub a: Side,
    pub b: Side,
    pub score: f64,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportedCluster {
    pub buyers: usize,
    pub combined_value_pence: i64,
    pub next_end: Option<Date>,
    pub shared_words: Vec<String>,
    pub best_score: f64,
    pub members: Vec<Side>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub scope: String,
    pub stats: dedupe::Stats,
    pub pairs: Vec<ReportedPair>,
    pub clusters: Vec<ReportedCluster>,
}

/// Pairs and clusters of the corpus within `scope`, clusters ranked (see
/// `dedupe::clusters`).
pub fn report(corpus: &Corpus, scope_name: &str, scope: &Scope, today: Date) -> Report {
    let (pairs, stats) = corpus.index.pairs();
    let inside = |i: usize| match scope {
        Scope::National => true,
        Scope::Members(members) => corpus.records[i]
            .buyer_ids
            .iter()
            .any(|b| members.contains(b)),
    };
    let pairs: Vec<dedupe::Pair> = pairs
        .into_iter()
        .filter(|p| inside(p.a) && inside(p.b))
        .collect();
    let side = |i: usize| {
        let item = corpus.index.item(i);
        Side {
            record: corpus.records[i].clone(),
            title: item.title().to_owned(),
            value_pence: item.value_pence(),
            start: item.start(),
            end: item.end(),
        }
    };
    let clusters = dedupe::clusters(&corpus.index, &pairs, today)
        .into_iter()
        .map(|c| ReportedCluster {
            buyers: c.buyers,
            combined_value_pence: c.combined_value_pence,
            next_end: c.next_end,
            shared_words: c.shared_words,
            best_score: c.best_score,
            members: c.members.iter().map(|m| side(*m)).collect(),
        })
        .collect();
    let reported = pairs
        .iter()
        .map(|p| ReportedPair {
            a: side(p.a),
            b: side(p.b),
            score: (p.score * 1000.0).round() / 1000.0,
            reasons: corpus
                .index
                .reasons(p.a, p.b)
                .iter()
                .map(ToString::to_string)
                .collect(),
        })
        .collect();
    Report {
        scope: scope_name.to_owned(),
        stats: dedupe::Stats {
            matched_pairs: pairs.len(),
            ..stats
        },
        pairs: reported,
        clusters,
    }
}

/// The pairs as CSV: both sides' kind, id, source, source identifier,
/// ocid, release id, buyers and title, then score and reasons.
pub fn pairs_csv(report: &Report) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = Vec::new();
    for side in ["a", "b"] {
        for field in [
            "kind",
            "id",
            "source",
            "source_id",
            "ocid",
            "release_id",
            "buyers",
            "title",
        ] {
            header.push(format!("{side}_{field}"));
        }
    }
    header.extend(["score".into(), "reasons".into()]);
    out.write_record(&header)?;
    for pair in &report.pairs {
        let mut row = Vec::new();
        for side in [&pair.a, &pair.b] {
            let r = &side.record;
            row.extend([
                r.kind.to_owned(),
                r.id.to_string(),
                r.source.clone(),
                r.source_id.clone().unwrap_or_default(),
                r.ocid.clone().unwrap_or_default(),
                r.release_id.clone().unwrap_or_default(),
                r.buyer_names.join("; "),
                super::shortlists::spreadsheet_safe(&side.title),
            ]);
        }
        row.push(format!("{:.3}", pair.score));
        row.push(pair.reasons.join("; "));
        out.write_record(&row)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}
